//! Extracts of the public files parse with the expected rows, kinds and quirks, and are
//! recognised by header. Expected counts were taken with Python's `csv` module on the same files.

mod common;

use common::{fixture, ints, read, read_chunked, texts};
use tabular::dataset::{recognize, KnownFile};
use tabular::{ColumnData, ColumnKind, Encoding, ReadOptions, Table};

fn kind(t: &Table, c: &str) -> ColumnKind {
    t.column(c)
        .unwrap_or_else(|| panic!("no column {c}"))
        .kind()
}

fn missing(t: &Table, c: &str) -> usize {
    t.column(c).unwrap().missing
}

fn known(t: &Table) -> Option<KnownFile> {
    recognize(&t.name, &t.header())
}

#[test]
fn rossmann_test_csv() {
    let t = read(
        "test.csv",
        &fixture("rossmann_test_open_missing_quoted_holidays.csv"),
    )
    .unwrap();
    assert_eq!(t.n_rows, 41_088);
    assert_eq!(
        t.header(),
        [
            "Id",
            "Store",
            "DayOfWeek",
            "Date",
            "Open",
            "Promo",
            "StateHoliday",
            "SchoolHoliday"
        ]
    );
    assert_eq!(
        (kind(&t, "Open"), missing(&t, "Open")),
        (ColumnKind::Int, 11)
    );
    assert_eq!(kind(&t, "StateHoliday"), ColumnKind::Text);
    let ColumnData::Text(sh) = &t.column("StateHoliday").unwrap().data else {
        panic!()
    };
    assert_eq!(sh.dictionary, ["0", "a"]);
    assert_eq!(kind(&t, "SchoolHoliday"), ColumnKind::Int);
    assert_eq!(kind(&t, "Date"), ColumnKind::Date);
    assert_eq!(t.column("Date").unwrap().text_at(0).unwrap(), "2015-09-17");
    assert_eq!(ints(&t, "Id")[41_087], 41_088);
    assert_eq!(known(&t), Some(KnownFile::RossmannTest));
}

#[test]
fn rossmann_store_csv() {
    let t = read(
        "store.csv",
        &fixture("rossmann_store_quoted_promo_interval.csv"),
    )
    .unwrap();
    assert_eq!(t.n_rows, 1_115);
    assert_eq!(kind(&t, "StoreType"), ColumnKind::Text);
    assert_eq!(kind(&t, "PromoInterval"), ColumnKind::Text);
    // `""` is an empty cell: missing, like the bare empty numbers.
    assert_eq!(missing(&t, "PromoInterval"), 544);
    let ColumnData::Text(pi) = &t.column("PromoInterval").unwrap().data else {
        panic!()
    };
    assert_eq!(
        pi.dictionary,
        ["Jan,Apr,Jul,Oct", "Feb,May,Aug,Nov", "Mar,Jun,Sept,Dec"]
    );
    assert_eq!(
        texts(&t, "PromoInterval")[1].as_deref(),
        Some("Jan,Apr,Jul,Oct")
    );
    assert_eq!(
        (
            kind(&t, "CompetitionDistance"),
            missing(&t, "CompetitionDistance")
        ),
        (ColumnKind::Int, 3)
    );
    assert_eq!(
        (kind(&t, "Promo2SinceWeek"), missing(&t, "Promo2SinceWeek")),
        (ColumnKind::Int, 544)
    );
    assert_eq!(known(&t), Some(KnownFile::RossmannStore));
}

#[test]
fn santander_head() {
    let t = read(
        "train_ver2.csv",
        &fixture("santander_train_ver2_head999_padded_numbers_na.csv"),
    )
    .unwrap();
    assert_eq!((t.n_rows, t.columns.len()), (999, 48));
    assert_eq!(kind(&t, "age"), ColumnKind::Int);
    assert_eq!(ints(&t, "age")[0], 35);
    assert_eq!(
        (kind(&t, "antiguedad"), missing(&t, "antiguedad")),
        (ColumnKind::Int, 1)
    );
    // In this month `indrel_1mes` holds only `1` and `1.0`: a float. In the full file it also
    // holds `P`, and becomes text with `1` and `1.0` as one category `1` (see the next test).
    assert_eq!(kind(&t, "indrel_1mes"), ColumnKind::Float);
    assert_eq!(
        (kind(&t, "renta"), missing(&t, "renta")),
        (ColumnKind::Float, 165)
    );
    assert_eq!(kind(&t, "nomprov"), ColumnKind::Text);
    assert!(texts(&t, "nomprov").contains(&Some("CORUÑA, A".into())));
    assert_eq!(t.column("conyuemp").unwrap().data, ColumnData::Empty(999));
    assert_eq!(
        (kind(&t, "ult_fec_cli_1t"), missing(&t, "ult_fec_cli_1t")),
        (ColumnKind::Date, 998)
    );
    assert_eq!(kind(&t, "fecha_dato"), ColumnKind::Date);
    assert_eq!(kind(&t, "ind_recibo_ult1"), ColumnKind::Int);
    assert_eq!(t.source.encoding, Encoding::Utf8);
    assert_eq!(known(&t), Some(KnownFile::SantanderTrain));
}

#[test]
fn santander_indrel_1mes_with_p_is_text_with_1_and_1_0_merged() {
    let mut bytes = fixture("santander_train_ver2_head999_padded_numbers_na.csv");
    let last = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let fields: Vec<&str> = last.split(',').collect();
    let mut csv_fields: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
    // indrel_1mes is field 12 when no earlier field holds a quoted comma (true for row 1).
    assert_eq!(csv_fields[11], "1.0");
    csv_fields[11] = "P".into();
    bytes.extend_from_slice(csv_fields.join(",").as_bytes());
    bytes.push(b'\n');
    let t = read("train_ver2.csv", &bytes).unwrap();
    let c = t.column("indrel_1mes").unwrap();
    let ColumnData::Text(text) = &c.data else {
        panic!("{:?}", c.kind())
    };
    assert_eq!(text.dictionary, ["1", "P"]);
    assert_eq!(c.first_mismatch.as_ref().unwrap().line, 1001);
    assert_eq!(c.first_mismatch.as_ref().unwrap().was, ColumnKind::Float);
}

#[test]
fn bosch_numeric_head() {
    let bytes = fixture("bosch_train_numeric_head100_sparse_970_columns.csv");
    let t = read("train_numeric.csv", &bytes).unwrap();
    assert_eq!((t.n_rows, t.columns.len()), (100, 970));
    assert_eq!(kind(&t, "Id"), ColumnKind::Int);
    assert_eq!(kind(&t, "Response"), ColumnKind::Int);
    let features = &t.columns[1..969];
    let floats = features
        .iter()
        .filter(|c| c.kind() == ColumnKind::Float)
        .count();
    let empty = features
        .iter()
        .filter(|c| c.kind() == ColumnKind::Empty)
        .count();
    assert_eq!((floats, empty), (574, 394));
    let missing: usize = features.iter().map(|c| c.missing).sum();
    let share = missing as f64 / (100.0 * 968.0);
    assert!((share - 0.8164).abs() < 1e-3, "{share}");
    assert_eq!(known(&t), Some(KnownFile::BoschNumeric));
    // Same table when the 970-column records are cut in odd places.
    assert_eq!(
        read_chunked(
            "train_numeric.csv",
            &bytes,
            &[7, 4093, 1],
            ReadOptions::default()
        )
        .unwrap(),
        t
    );
}

#[test]
fn instacart_orders_head() {
    let t = read(
        "orders.csv",
        &fixture("instacart_orders_head1000_float_days_empty_first.csv"),
    )
    .unwrap();
    assert_eq!(t.n_rows, 1_000);
    // Empty on each customer's first order: 64 customers in these rows.
    assert_eq!(
        (
            kind(&t, "days_since_prior_order"),
            missing(&t, "days_since_prior_order")
        ),
        (ColumnKind::Float, 64)
    );
    assert_eq!(
        t.column("days_since_prior_order")
            .unwrap()
            .text_at(1)
            .unwrap(),
        "15.0"
    );
    assert_eq!(ints(&t, "order_hour_of_day")[0], 8);
    let ColumnData::Text(es) = &t.column("eval_set").unwrap().data else {
        panic!()
    };
    assert_eq!(es.dictionary, ["prior", "train", "test"]);
    assert_eq!(known(&t), Some(KnownFile::InstacartOrders));
}

#[test]
fn instacart_order_products_prior_and_train_by_file_name() {
    for (file, name, expected) in [
        (
            "instacart_order_products__prior_head1000.csv",
            "order_products__prior.csv",
            KnownFile::InstacartOrderProductsPrior,
        ),
        (
            "instacart_order_products__train_head1000.csv",
            "order_products__train.csv",
            KnownFile::InstacartOrderProductsTrain,
        ),
        (
            "instacart_order_products__train_head1000.csv",
            "lines.csv",
            KnownFile::InstacartOrderProductsPrior,
        ),
    ] {
        let t = read(name, &fixture(file)).unwrap();
        assert_eq!(t.n_rows, 1_000);
        assert!(t.columns.iter().all(|c| c.kind() == ColumnKind::Int));
        assert_eq!(known(&t), Some(expected), "{name}");
    }
}

#[test]
fn instacart_aisles_and_departments() {
    let a = read("aisles.csv", &fixture("instacart_aisles.csv")).unwrap();
    assert_eq!((a.n_rows, kind(&a, "aisle")), (134, ColumnKind::Text));
    assert_eq!(known(&a), Some(KnownFile::InstacartAisles));
    let d = read("departments.csv", &fixture("instacart_departments.csv")).unwrap();
    assert_eq!(d.n_rows, 21);
    assert_eq!(known(&d), Some(KnownFile::InstacartDepartments));
}

#[test]
fn recognize_headers_of_the_other_public_files() {
    let train = [
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
    assert_eq!(
        recognize("train.csv", &train),
        Some(KnownFile::RossmannTrain)
    );
    assert_eq!(
        recognize(
            "products.csv",
            &["product_id", "product_name", "aisle_id", "department_id"]
        ),
        Some(KnownFile::InstacartProducts)
    );
    // Bosch date and categorical files: same ids, `_D` stamps / categorical features, no Response.
    let date = ["Id", "L0_S0_D1", "L0_S0_D3", "L3_S51_D4263"];
    assert_eq!(
        recognize("train_date.csv", &date),
        Some(KnownFile::BoschDate)
    );
    let categorical = ["Id", "L0_S1_F25", "L0_S1_F27", "L3_S49_F4237"];
    assert_eq!(
        recognize("train_categorical.csv", &categorical),
        Some(KnownFile::BoschCategorical)
    );
    assert_eq!(
        recognize("x.csv", &["Id", "L0_S0_F0", "Response"]),
        Some(KnownFile::BoschNumeric)
    );
    assert_eq!(recognize("x.csv", &["Id", "L0_S0_X0", "Response"]), None);
    // A column too many or too few is not the public file.
    assert_eq!(recognize("train.csv", &train[..8]), None);
    assert_eq!(recognize("other.csv", &["a", "b"]), None);
    let bosch = read(
        "b.csv",
        &fixture("bosch_train_numeric_head100_sparse_970_columns.csv"),
    )
    .unwrap();
    let mut no_response = bosch.header();
    no_response.pop();
    assert_eq!(
        recognize("train_numeric.csv", &no_response),
        Some(KnownFile::BoschNumeric)
    );
    assert_eq!(
        recognize("train_categorical.csv", &no_response),
        Some(KnownFile::BoschCategorical)
    );
}

#[test]
fn known_files_have_stable_names() {
    use KnownFile::*;
    assert_eq!(
        serde_json::to_value(RossmannTrain).unwrap(),
        "rossmann.train"
    );
    assert_eq!(
        serde_json::to_value(InstacartOrderProductsPrior).unwrap(),
        "instacart.order_products_prior"
    );
}

#[test]
fn profile_of_bosch_and_rossmann_store() {
    let t = read(
        "train_numeric.csv",
        &fixture("bosch_train_numeric_head100_sparse_970_columns.csv"),
    )
    .unwrap();
    let p = tabular::profile::profile(&t);
    assert_eq!(p.dataset, Some(KnownFile::BoschNumeric));
    assert_eq!(
        (
            p.missingness.rows.len(),
            p.missingness.columns,
            p.missingness.row_bytes
        ),
        (100, 970, 122)
    );
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["columns"][0]["kind"], "integer");
    assert_eq!(json["encoding"], "utf-8");
    let s = read(
        "store.csv",
        &fixture("rossmann_store_quoted_promo_interval.csv"),
    )
    .unwrap();
    let p = tabular::profile::profile(&s);
    let st = &p.columns[1];
    assert_eq!(st.distinct, 4);
    assert_eq!(st.top.iter().map(|t| t.count).sum::<u64>(), 1_115);
    let cd = &p.columns[3];
    assert_eq!(
        cd.histogram.as_ref().unwrap().counts.iter().sum::<u64>(),
        1_112
    );
}

#[test]
fn every_fixture_reads_the_same_in_parts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 13, "{names:?}");
    for name in names {
        let bytes = fixture(&name);
        let whole = read(&name, &bytes);
        for parts in [2, 3, 7] {
            let in_parts =
                tabular::read_bytes_in_parts(&name, &bytes, ReadOptions::default(), parts);
            assert_eq!(in_parts, whole, "{name} in {parts} parts");
            let from_disk =
                tabular::read_path_in_parts(&dir.join(&name), ReadOptions::default(), parts);
            assert_eq!(from_disk, whole, "{name} from disk in {parts} parts");
        }
    }
}
