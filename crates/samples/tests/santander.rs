//! Santander: shape, byte quirks and planted signal.

mod common;
use common::{col, table, text};
use samples::{santander, Dataset};
use std::collections::HashMap;

#[test]
fn full_scale_month_counts_sum_to_the_public_rows() {
    assert_eq!(santander::month_counts(1.0).iter().sum::<u64>(), 13_647_309);
}

#[test]
fn shape_and_byte_quirks() {
    let scale = 0.002;
    let t = text(Dataset::Santander, "train_ver2.csv", scale, 42);
    let real = include_str!(
        "../../tabular/tests/fixtures/santander_train_ver2_head999_padded_numbers_na.csv"
    );
    assert_eq!(
        t.lines().next(),
        real.lines().next(),
        "the public quoted header"
    );
    assert_eq!(
        t.lines().count() as u64 - 1,
        santander::month_counts(scale).iter().sum::<u64>()
    );
    for quirk in [
        "\"CORUÑA, A\"",
        ",1.0,",
        ",1,",
        ",      6,",
        ",     NA,",
        ", 1,",
        " 0, 0,",
        ",,03 - UNIVERSITARIO",
        ",NA,\"\",",
        ",,,, NA,,NA,     NA,NA,,,,,,,,,NA,NA,\"\",NA,,,",
    ] {
        assert!(t.contains(quirk), "{quirk}");
    }
    let (h, rows) = table(Dataset::Santander, "train_ver2.csv", scale, 42);
    assert_eq!(h.len(), 48);
    assert!(rows.iter().all(|r| r.len() == 48));
    let age = col(&h, "age");
    assert!(rows.iter().any(|r| r[age] == " 35"));
    let months: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(months.len(), 17);
    assert_eq!(months.first(), Some(&"2015-01-28"));
    assert_eq!(months.last(), Some(&"2016-05-28"));
    let share = |name: &str, pred: &dyn Fn(&str) -> bool| {
        let c = col(&h, name);
        rows.iter().filter(|r| pred(&r[c])).count() as f64 / rows.len() as f64
    };
    assert!(share("conyuemp", &|v| v.is_empty()) > 0.99);
    assert!(share("ult_fec_cli_1t", &|v| v.is_empty()) > 0.99);
    assert!((0.1..0.3).contains(&share("renta", &|v| v.is_empty())));
    assert!(
        share("renta", &|v| v.len() > 14) > 0.01,
        "float noise in renta"
    );
    assert!(share("ind_nomina_ult1", &|v| v.is_empty()) > 0.0);
    assert!(share("indrel_1mes", &|v| v == "1.0") > 0.1);
    assert!(share("indrel_1mes", &|v| v == "1") > 0.5);
}

#[test]
fn products_follow_the_profile() {
    let seed = 42;
    let (h, rows) = table(Dataset::Santander, "train_ver2.csv", 0.002, seed);
    let seg = col(&h, "segmento");
    let first_month: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "2015-01-28").collect();
    let rate = |segment: &str, product: &str| {
        let p = col(&h, product);
        let of: Vec<_> = first_month.iter().filter(|r| r[seg] == segment).collect();
        of.iter().filter(|r| r[p].trim() == "1").count() as f64 / of.len() as f64
    };
    // Planted: top customers hold securities far more than universitarios, who hold the
    // current account more.
    assert!(
        rate("01 - TOP", "ind_valo_fin_ult1")
            > 5.0 * rate("03 - UNIVERSITARIO", "ind_valo_fin_ult1")
    );
    assert!(
        rate("03 - UNIVERSITARIO", "ind_cco_fin_ult1")
            > rate("02 - PARTICULARES", "ind_cco_fin_ult1") + 0.1
    );
    // The first snapshot's ownership matches the documented probabilities on average.
    let id = col(&h, "ncodpers");
    let cco = col(&h, "ind_cco_fin_ult1");
    let expected: f64 = (0..first_month.len() as u64)
        .map(|k| santander::ownership_probability(&santander::customer_profile(k, seed), 2))
        .sum::<f64>()
        / first_month.len() as f64;
    let observed =
        first_month.iter().filter(|r| r[cco] == "1").count() as f64 / first_month.len() as f64;
    assert!(
        (observed - expected).abs() < 0.03,
        "{observed} vs {expected}"
    );
    // Month-on-month additions happen, and the payroll drags the pension along.
    let mut prev: HashMap<&str, &Vec<String>> = HashMap::new();
    let (nom, pens) = (col(&h, "ind_nomina_ult1"), col(&h, "ind_nom_pens_ult1"));
    let (mut additions, mut nomina_added, mut with_pension) = (0, 0, 0);
    for r in &rows {
        if let Some(p) = prev.get(r[id].as_str()) {
            for j in 24..48 {
                if p[j].trim() == "0" && r[j].trim() == "1" {
                    additions += 1;
                }
            }
            if p[nom].trim() == "0" && r[nom].trim() == "1" {
                nomina_added += 1;
                with_pension += usize::from(r[pens].trim() == "1");
            }
        }
        prev.insert(&r[id], r);
    }
    assert!(additions > 500, "{additions}");
    assert!(
        nomina_added > 20 && with_pension as f64 > 0.8 * nomina_added as f64,
        "{with_pension}/{nomina_added}"
    );
}
