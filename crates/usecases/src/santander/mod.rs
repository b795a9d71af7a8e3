//! Santander's `train_ver2.csv`, shared by use cases 3.1 (propensity forests) and 3.2
//! (recommendations): the monthly snapshots kept compactly ([`store`]), read from a stream of
//! records or a loaded table ([`read`]), the features a forest learns from ([`features`]), the
//! bytes the forests' fits share on a pool of workers ([`codec`], [`fits`]).
//!
//! The target of a product is its take-up: held in month t + 1, not in month t. The default
//! evaluation trains on the take-ups from the third-last to the second-last month (features and
//! holdings of the third-last) and scores the take-ups from the second-last to the last.

pub mod codec;
pub mod features;
pub mod fits;
pub mod plan;
pub mod read;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use store::{join, Month, Person, Row, SantanderStore, StoreBuilder};

/// The 24 product columns, in file order; bit `p` of a holding pattern is `PRODUCTS[p]`.
pub use tabular::dataset::SANTANDER_PRODUCTS as PRODUCTS;

/// Readable English labels of [`PRODUCTS`], as the competition's data page describes them (the
/// page translates them; the command line prints these beside the column names).
pub const PRODUCT_LABELS: [&str; 24] = [
    "Savings account",
    "Guarantees",
    "Current account",
    "Derivatives account",
    "Payroll account",
    "Junior account",
    "Más particular account",
    "Particular account",
    "Particular Plus account",
    "Short-term deposits",
    "Medium-term deposits",
    "Long-term deposits",
    "e-account",
    "Funds",
    "Mortgage",
    "Pension plan",
    "Loans",
    "Taxes",
    "Credit card",
    "Securities",
    "Home account",
    "Payroll",
    "Pensions",
    "Direct debit",
];

/// The fields kept as dictionary codes (one byte each), in [`Person::codes`] order.
pub const CODED: [&str; 9] = [
    "ind_empleado",
    "sexo",
    "ind_nuevo",
    "indrel",
    "tiprel_1mes",
    "canal_entrada",
    "cod_prov",
    "ind_actividad_cliente",
    "segmento",
];

/// Index of `segmento` in [`CODED`]: the baseline's segments.
pub const SEGMENT: usize = 8;

/// The product named `name` (its column), if any.
pub fn product_index(name: &str) -> Option<usize> {
    PRODUCTS.iter().position(|p| *p == name)
}

/// The items of a holding pattern, in product order.
pub fn items(pattern: u32) -> impl Iterator<Item = usize> {
    (0..PRODUCTS.len()).filter(move |&p| pattern >> p & 1 == 1)
}
