//! Recognises the public files by header. Which use cases need which files is the use cases'
//! catalogue's to say (`usecases::catalogue`).

use serde::{Deserialize, Serialize};

/// A file of one of the four public datasets, recognised by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KnownFile {
    /// Rossmann `train.csv`: daily sales per store.
    #[serde(rename = "rossmann.train")]
    RossmannTrain,
    /// Rossmann `store.csv`: one row per store.
    #[serde(rename = "rossmann.store")]
    RossmannStore,
    /// Rossmann `test.csv`: days to forecast.
    #[serde(rename = "rossmann.test")]
    RossmannTest,
    /// Bosch `train_numeric.csv`: measurements and `Response`.
    #[serde(rename = "bosch.numeric")]
    BoschNumeric,
    /// Bosch `train_date.csv`: time stamps per station.
    #[serde(rename = "bosch.date")]
    BoschDate,
    /// Bosch `train_categorical.csv`: codes like `T1`.
    #[serde(rename = "bosch.categorical")]
    BoschCategorical,
    /// Santander `train_ver2.csv`: monthly customer snapshots with 24 product flags.
    #[serde(rename = "santander.train")]
    SantanderTrain,
    /// Instacart `orders.csv`.
    #[serde(rename = "instacart.orders")]
    InstacartOrders,
    /// Instacart `order_products__prior.csv`.
    #[serde(rename = "instacart.order_products_prior")]
    InstacartOrderProductsPrior,
    /// Instacart `order_products__train.csv`.
    #[serde(rename = "instacart.order_products_train")]
    InstacartOrderProductsTrain,
    /// Instacart `products.csv`.
    #[serde(rename = "instacart.products")]
    InstacartProducts,
    /// Instacart `aisles.csv`.
    #[serde(rename = "instacart.aisles")]
    InstacartAisles,
    /// Instacart `departments.csv`.
    #[serde(rename = "instacart.departments")]
    InstacartDepartments,
}

impl KnownFile {
    /// The serde name (`rossmann.train`, …).
    pub fn id(self) -> &'static str {
        match self {
            KnownFile::RossmannTrain => "rossmann.train",
            KnownFile::RossmannStore => "rossmann.store",
            KnownFile::RossmannTest => "rossmann.test",
            KnownFile::BoschNumeric => "bosch.numeric",
            KnownFile::BoschDate => "bosch.date",
            KnownFile::BoschCategorical => "bosch.categorical",
            KnownFile::SantanderTrain => "santander.train",
            KnownFile::InstacartOrders => "instacart.orders",
            KnownFile::InstacartOrderProductsPrior => "instacart.order_products_prior",
            KnownFile::InstacartOrderProductsTrain => "instacart.order_products_train",
            KnownFile::InstacartProducts => "instacart.products",
            KnownFile::InstacartAisles => "instacart.aisles",
            KnownFile::InstacartDepartments => "instacart.departments",
        }
    }

    /// The file name as published, for messages ("load train.csv").
    pub fn public_name(self) -> &'static str {
        match self {
            KnownFile::RossmannTrain => "train.csv",
            KnownFile::RossmannStore => "store.csv",
            KnownFile::RossmannTest => "test.csv",
            KnownFile::BoschNumeric => "train_numeric.csv",
            KnownFile::BoschDate => "train_date.csv",
            KnownFile::BoschCategorical => "train_categorical.csv",
            KnownFile::SantanderTrain => "train_ver2.csv",
            KnownFile::InstacartOrders => "orders.csv",
            KnownFile::InstacartOrderProductsPrior => "order_products__prior.csv",
            KnownFile::InstacartOrderProductsTrain => "order_products__train.csv",
            KnownFile::InstacartProducts => "products.csv",
            KnownFile::InstacartAisles => "aisles.csv",
            KnownFile::InstacartDepartments => "departments.csv",
        }
    }
}

const ROSSMANN_TRAIN: &[&str] = &[
    "Store",
    "DayOfWeek",
    "Date",
    "Sales",
    "Customers",
    "Open",
    "Promo",
    "StateHoliday",
    "SchoolHoliday",
];
const ROSSMANN_STORE: &[&str] = &[
    "Store",
    "StoreType",
    "Assortment",
    "CompetitionDistance",
    "CompetitionOpenSinceMonth",
    "CompetitionOpenSinceYear",
    "Promo2",
    "Promo2SinceWeek",
    "Promo2SinceYear",
    "PromoInterval",
];
const ROSSMANN_TEST: &[&str] = &[
    "Id",
    "Store",
    "DayOfWeek",
    "Date",
    "Open",
    "Promo",
    "StateHoliday",
    "SchoolHoliday",
];
/// Santander `train_ver2.csv`: the customer columns, then [`SANTANDER_PRODUCTS`].
const SANTANDER_CUSTOMER: &[&str] = &[
    "fecha_dato",
    "ncodpers",
    "ind_empleado",
    "pais_residencia",
    "sexo",
    "age",
    "fecha_alta",
    "ind_nuevo",
    "antiguedad",
    "indrel",
    "ult_fec_cli_1t",
    "indrel_1mes",
    "tiprel_1mes",
    "indresi",
    "indext",
    "conyuemp",
    "canal_entrada",
    "indfall",
    "tipodom",
    "cod_prov",
    "nomprov",
    "ind_actividad_cliente",
    "renta",
    "segmento",
];
/// Santander's 24 product flag columns, in file order (the last 24 of `train_ver2.csv`).
pub const SANTANDER_PRODUCTS: [&str; 24] = [
    "ind_ahor_fin_ult1",
    "ind_aval_fin_ult1",
    "ind_cco_fin_ult1",
    "ind_cder_fin_ult1",
    "ind_cno_fin_ult1",
    "ind_ctju_fin_ult1",
    "ind_ctma_fin_ult1",
    "ind_ctop_fin_ult1",
    "ind_ctpp_fin_ult1",
    "ind_deco_fin_ult1",
    "ind_deme_fin_ult1",
    "ind_dela_fin_ult1",
    "ind_ecue_fin_ult1",
    "ind_fond_fin_ult1",
    "ind_hip_fin_ult1",
    "ind_plan_fin_ult1",
    "ind_pres_fin_ult1",
    "ind_reca_fin_ult1",
    "ind_tjcr_fin_ult1",
    "ind_valo_fin_ult1",
    "ind_viv_fin_ult1",
    "ind_nomina_ult1",
    "ind_nom_pens_ult1",
    "ind_recibo_ult1",
];
const INSTACART_ORDERS: &[&str] = &[
    "order_id",
    "user_id",
    "eval_set",
    "order_number",
    "order_dow",
    "order_hour_of_day",
    "days_since_prior_order",
];
const INSTACART_ORDER_PRODUCTS: &[&str] =
    &["order_id", "product_id", "add_to_cart_order", "reordered"];
const INSTACART_PRODUCTS: &[&str] = &["product_id", "product_name", "aisle_id", "department_id"];
const INSTACART_AISLES: &[&str] = &["aisle_id", "aisle"];
const INSTACART_DEPARTMENTS: &[&str] = &["department_id", "department"];

/// Same columns, in any order.
fn same_set(header: &[&str], expected: &[&str]) -> bool {
    header.len() == expected.len() && expected.iter().all(|e| header.contains(e))
}

/// `L{line}_S{station}_{kind}{n}` as in Bosch headers (`L3_S51_F4262`, `L0_S0_D1`).
fn bosch_feature(name: &str, kind: u8) -> bool {
    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }
    let mut parts = name.split('_');
    let (Some(l), Some(s), Some(f), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    l.strip_prefix('L').is_some_and(digits)
        && s.strip_prefix('S').is_some_and(digits)
        && f.as_bytes().first() == Some(&kind)
        && digits(&f[1..])
}

/// Bosch files: `Id`, then station features; the numeric file ends with `Response`. The three
/// files have hundreds of generated names, so the shape is checked rather than a list.
fn recognize_bosch(file_name: &str, header: &[&str]) -> Option<KnownFile> {
    if header.len() < 3 || header[0] != "Id" {
        return None;
    }
    let (features, response) = match header.last() {
        Some(&"Response") => (&header[1..header.len() - 1], true),
        _ => (&header[1..], false),
    };
    if features.iter().all(|f| bosch_feature(f, b'D')) {
        return (!response).then_some(KnownFile::BoschDate);
    }
    if !features.iter().all(|f| bosch_feature(f, b'F')) {
        return None;
    }
    let lower = file_name.to_ascii_lowercase();
    if response || lower.contains("numeric") {
        Some(KnownFile::BoschNumeric)
    } else {
        Some(KnownFile::BoschCategorical)
    }
}

/// Which public file this is, from its header (and, for the two Instacart order-product files
/// that share a header, from the file name: `train` in it means the train split, otherwise prior).
pub fn recognize(file_name: &str, header: &[&str]) -> Option<KnownFile> {
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let header = header.as_slice();
    let santander_train = [SANTANDER_CUSTOMER, &SANTANDER_PRODUCTS].concat();
    let lists: [(&[&str], KnownFile); 9] = [
        (ROSSMANN_TRAIN, KnownFile::RossmannTrain),
        (ROSSMANN_STORE, KnownFile::RossmannStore),
        (ROSSMANN_TEST, KnownFile::RossmannTest),
        (&santander_train, KnownFile::SantanderTrain),
        (INSTACART_ORDERS, KnownFile::InstacartOrders),
        (INSTACART_PRODUCTS, KnownFile::InstacartProducts),
        (INSTACART_AISLES, KnownFile::InstacartAisles),
        (INSTACART_DEPARTMENTS, KnownFile::InstacartDepartments),
        (
            INSTACART_ORDER_PRODUCTS,
            KnownFile::InstacartOrderProductsPrior,
        ),
    ];
    for (expected, known) in lists {
        if same_set(header, expected) {
            if known == KnownFile::InstacartOrderProductsPrior {
                let lower = file_name.to_ascii_lowercase();
                if lower.contains("train") && !lower.contains("prior") {
                    return Some(KnownFile::InstacartOrderProductsTrain);
                }
            }
            return Some(known);
        }
    }
    recognize_bosch(file_name, header)
}
