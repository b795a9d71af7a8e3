//! What a page can hold: a wasm32 instance ends at 4 GiB, and the loaded files stay in it while a
//! use case runs. Before reading anything, a run estimates the memory it will take from the row
//! counts of the files, and in the page refuses up front, saying how many order lines would fit,
//! rather than failing half-way when an allocation traps. Natively (the command line) nothing is
//! refused: a 64-bit process holds what the machine holds.
//!
//! The bytes per line are measured on the generated files at scale 1 (33 M prior lines, 3.4 M
//! orders; see the `bench:orders` section of BENCHMARKS.md) and given a margin of about a quarter:
//! in the page, 4.1 took the engine from 0.82 GB (the four files loaded) to 1.90 GB, 33 bytes a
//! line; 4.2 then to 2.46 GB, 2.51 GB with its 20 per-product models, about 51 bytes a line (the
//! typed line columns, the sort of the lines by (user, product), the candidate pairs' features,
//! the bins of the training pairs and the fitted result kept for the page's questions). So a page
//! holds 4.2 on about 48 M prior lines, the published file's 32 M among them.

use tabular::{ColumnData, Table};

use super::input::InstacartTables;
use crate::UseCaseError;

/// A wasm32 page's memory: 4 GiB.
pub const PAGE_BYTES: u64 = 4 << 30;

/// Share of the page a run may plan to fill: the allocator's free blocks are not all reusable.
const USABLE_SHARE: f64 = 0.92;

/// Bytes 4.1 takes per prior line beyond the loaded files (typed columns, the sort that counts
/// each user's distinct products) and per order (typed columns, histories, features).
const NEXT_ORDER_PER_LINE: f64 = 34.0;
const NEXT_ORDER_PER_ORDER: f64 = 60.0;
/// The same for 4.2, whose candidate pairs (about 0.45 per prior line) hold 7 pair features,
/// their bins while training and their probabilities after.
const REORDER_PER_LINE: f64 = 56.0;
const REORDER_PER_ORDER: f64 = 60.0;

/// What a run will take, estimated before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// The use case, as the catalogue names it.
    pub use_case: &'static str,
    /// Prior order lines.
    pub lines: usize,
    /// Bytes the run adds.
    pub bytes: u64,
    /// Bytes of the loaded tables it reads (they stay loaded).
    pub loaded: u64,
    /// Bytes the run adds per prior line (orders taken in proportion).
    pub bytes_per_line: f64,
}

/// Bytes a loaded table's columns hold.
pub fn table_bytes(table: &Table) -> u64 {
    table
        .columns
        .iter()
        .map(|c| match &c.data {
            ColumnData::Empty(_) => 0,
            ColumnData::Bool(v) => v.len() as u64,
            ColumnData::Int(v) | ColumnData::Date(v) => 4 * v.len() as u64,
            ColumnData::Float(v) => 4 * v.len() as u64,
            ColumnData::Text(t) => {
                4 * t.codes.len() as u64
                    + t.dictionary
                        .iter()
                        .map(|s| s.len() as u64 + 24)
                        .sum::<u64>()
            }
        })
        .sum()
}

fn need(
    use_case: &'static str,
    inputs: &InstacartTables<'_>,
    per_line: f64,
    per_order: f64,
) -> Need {
    let lines = inputs.prior.n_rows;
    let orders = inputs.orders.n_rows;
    let bytes = per_line * lines as f64 + per_order * orders as f64;
    let loaded = [
        Some(inputs.orders),
        Some(inputs.prior),
        inputs.train,
        inputs.products,
    ]
    .into_iter()
    .flatten()
    .map(table_bytes)
    .sum();
    Need {
        use_case,
        lines,
        bytes: bytes as u64,
        loaded,
        bytes_per_line: bytes / lines.max(1) as f64,
    }
}

/// What 4.1 will take on `inputs`.
pub fn next_order_need(inputs: &InstacartTables<'_>) -> Need {
    need("4.1", inputs, NEXT_ORDER_PER_LINE, NEXT_ORDER_PER_ORDER)
}

/// What 4.2 will take on `inputs`.
pub fn reorder_need(inputs: &InstacartTables<'_>) -> Need {
    need("4.2", inputs, REORDER_PER_LINE, REORDER_PER_ORDER)
}

/// In the page, refuses a run that would not fit beside the loaded files; natively, lets it run.
pub fn check(need: &Need) -> Result<(), UseCaseError> {
    if cfg!(target_arch = "wasm32") {
        check_within(need, PAGE_BYTES)
    } else {
        Ok(())
    }
}

/// Refuses `need` when the loaded files and the run exceed the usable share of `limit` bytes,
/// saying how many prior lines would fit.
pub fn check_within(need: &Need, limit: u64) -> Result<(), UseCaseError> {
    let usable = USABLE_SHARE * limit as f64;
    if (need.loaded + need.bytes) as f64 <= usable {
        return Ok(());
    }
    // The loaded files shrink with the lines too (the prior lines are most of them).
    let per_line = need.bytes_per_line + need.loaded as f64 / need.lines.max(1) as f64;
    let fitting = (usable / per_line).floor() as u64;
    Err(UseCaseError::Input(format!(
        "{} on these files needs about {} beside the {} the loaded files take: more than the {} \
         a page can hold. The page runs it on up to about {} prior order lines (the customers \
         of {}% of these files, whole); the command line (vitrine) runs it on these files.",
        need.use_case,
        gigabytes(need.bytes),
        gigabytes(need.loaded),
        gigabytes(limit),
        group_digits(fitting),
        (100 * fitting / need.lines.max(1) as u64).min(99),
    )))
}

fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

/// 12345678 as `12,345,678`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, text: &str) -> Table {
        tabular::read_bytes(name, text.as_bytes(), tabular::ReadOptions::default()).unwrap()
    }

    #[test]
    fn a_run_that_does_not_fit_is_refused_saying_what_fits() {
        let orders = table(
            "orders.csv",
            "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n1,1,prior,1,0,8,\n2,1,train,2,0,9,7.0\n",
        );
        let prior = table(
            "order_products__prior.csv",
            "order_id,product_id,add_to_cart_order,reordered\n1,5,1,0\n1,6,2,0\n",
        );
        // Five integer columns of two rows, eval_set's codes and its two words.
        assert_eq!(table_bytes(&orders), 6 * 2 * 4 + 2 * 4 + 5 + 24 + 5 + 24);
        assert_eq!(table_bytes(&prior), 4 * 2 * 4);
        let inputs = InstacartTables {
            orders: &orders,
            prior: &prior,
            train: None,
            products: None,
        };
        let need = reorder_need(&inputs);
        assert_eq!(need.lines, 2);
        assert_eq!(
            need.bytes,
            (2.0 * REORDER_PER_LINE + 2.0 * REORDER_PER_ORDER) as u64
        );
        assert!(check_within(&need, 1 << 20).is_ok());
        let total = need.bytes + need.loaded;
        let error = check_within(&need, total).unwrap_err().to_string();
        assert!(
            error.starts_with("4.2 on these files needs about"),
            "{error}"
        );
        assert!(error.contains("up to about 1 prior order lines"), "{error}");
        // Natively nothing is refused.
        assert!(check(&Need {
            bytes: u64::MAX / 4,
            ..need
        })
        .is_ok());
    }

    #[test]
    fn digits_are_grouped_by_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(33_060_886), "33,060,886");
    }
}
