//! Use cases 3.1 and 3.2 through the facade as the page drives them, run in Node by
//! wasm-bindgen-test-runner: the run in one call, and the run planned, its forests fitted the
//! way a worker of the page's pool fits them (the shared bytes loaded once, one job at a time),
//! and finished, which must give the same forests.

mod common;

use common::{ask, download, load, run_quietly, value};
use serde_json::{json, Value};
use vitrine_wasm::{
    catalogue, compact_from_table, compact_kept, fit_load, fit_run, remove_table, summary,
    usecase_drop_plan, usecase_finish, usecase_plan, CompactRead, Ingest,
};
use wasm_bindgen_test::wasm_bindgen_test;

/// A Santander file a fifth of the page's sample (the facade's tests run unoptimised).
fn sample() -> Vec<u8> {
    samples::file_bytes(samples::Dataset::Santander, "train_ver2.csv", 0.002, 42)
}

fn quick() -> Value {
    json!({
        "trees": 8,
        "permutationRows": 0,
        "rules": 3,
        "products": ["ind_cco_fin_ult1", "ind_recibo_ult1"],
        "minTakeUps": 10,
        "minSamplesLeaf": 3,
    })
}

/// Plans `name`'s run, fits its jobs as a worker of the pool does, and finishes it.
fn run_on_a_pool(name: &str, params: &Value) -> Value {
    let progress = js_sys::Function::new_no_args("");
    let plan = value(usecase_plan(name, &params.to_string(), &progress).unwrap());
    let kind = plan["kind"].as_str().unwrap();
    let shared: Vec<u8> = serde_json::from_value(plan["shared"].clone()).unwrap();
    fit_load(kind, &shared).unwrap();
    let results = js_sys::Array::new();
    for job in plan["jobs"].as_array().unwrap() {
        let bytes = fit_run(kind, job.as_str().unwrap()).unwrap();
        results.push(&js_sys::Uint8Array::from(&bytes[..]));
    }
    assert_eq!(
        plan["labels"].as_array().unwrap().len(),
        results.length() as usize
    );
    value(usecase_finish(name, results, &progress).unwrap())["report"].clone()
}

#[wasm_bindgen_test]
fn forests_fitted_on_the_pool_are_those_of_one_call_and_recommendations_beat_popularity() {
    let entries = value(catalogue().unwrap());
    for id in ["3.1", "3.2"] {
        let entry = entries
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap();
        assert_eq!(
            (entry["runnable"].clone(), entry["pooled"].clone()),
            (json!(true), json!(true))
        );
    }
    load("train_ver2.csv", &sample());

    let one_call = run_quietly("propensity", &quick()).unwrap();
    let pooled = run_on_a_pool("propensity", &quick());
    let figures = |r: &Value| -> Vec<(Value, Value, Value)> {
        r["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["product"].clone(), p["auc"].clone(), p["f1"].clone()))
            .collect()
    };
    assert_eq!(figures(&one_call).len(), 2);
    assert_eq!(figures(&one_call), figures(&pooled));
    for p in pooled["products"].as_array().unwrap() {
        assert!(
            p["auc"].as_f64().unwrap() > 0.5,
            "{}: {}",
            p["product"],
            p["auc"]
        );
        assert!(p["rules"].as_array().unwrap().len() <= 3);
    }

    let product = pooled["products"][0]["product"].clone();
    let campaign = ask(
        "propensity",
        "campaign",
        &json!({"product": product, "top": 20}),
    )
    .unwrap();
    assert_eq!(campaign["customers"], json!(20));
    let csv = download("propensity", "campaign").unwrap();
    assert_eq!(csv.lines().count(), 21);
    assert!(csv.starts_with("rank,ncodpers,product,probability"));

    let report = run_on_a_pool("recommend", &json!({"trees": 4, "minTakeUps": 10}));
    for key in [
        "customers",
        "precision_at_3",
        "recall_at_3",
        "map_at_3",
        "seconds",
    ] {
        assert!(!report[key].is_null(), "{key}");
    }
    for name in [
        "knn_holdings",
        "knn_recent",
        "popularity",
        "forests",
        "blend",
    ] {
        assert!(
            report["variants"][name]["map_at_3"].as_f64().unwrap() > 0.0,
            "{name}"
        );
    }
    assert!(report["baseline"]["popularity"].is_object());
    let first = ask("recommend", "customers", &json!({})).unwrap()[0].clone();
    let view = ask("recommend", "customer", &json!({ "id": first })).unwrap();
    assert!(!view["recommendations"].as_array().unwrap().is_empty());
    let lines = download("recommend", "recommendations")
        .unwrap()
        .lines()
        .count();
    assert_eq!(
        lines,
        1 + 3 * report["customers_last"].as_u64().unwrap() as usize
    );
    // A plan nobody finishes is dropped; finishing it then says so.
    let progress = js_sys::Function::new_no_args("");
    usecase_plan("recommend", &json!({"trees": 2}).to_string(), &progress).unwrap();
    assert!(usecase_drop_plan("recommend"));
    let error = value(usecase_finish("recommend", js_sys::Array::new(), &progress).unwrap_err());
    assert_eq!(error["kind"], json!("noPlan"));
    remove_table("train_ver2.csv");
}

/// The sample with a product flag of 2 on line 31: its last field, ind_recibo_ult1 (column 48).
fn sample_with_a_bad_flag() -> Vec<u8> {
    let text = String::from_utf8(sample()).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let line = &mut lines[30];
    let cut = line.rfind(',').unwrap();
    line.replace_range(cut + 1.., "2");
    (lines.join("\n") + "\n").into_bytes()
}

#[wasm_bindgen_test]
fn a_bad_product_flag_is_named_and_the_file_stays_loaded() {
    load("train_ver2.csv", &sample_with_a_bad_flag());
    let error = run_quietly("propensity", &quick()).unwrap_err();
    assert_eq!(error["file"], json!("train_ver2.csv"), "{error}");
    assert_eq!(error["line"], json!(31), "{error}");
    assert_eq!(error["column"], json!(48), "{error}");
    assert_eq!(error["columnName"], json!("ind_recibo_ult1"), "{error}");
    let tables = value(summary().unwrap())["tables"].clone();
    assert_eq!(tables.as_array().unwrap().len(), 1);
    remove_table("train_ver2.csv");
}

/// Loads `bytes` as the page loads a file above its text limit: profiled, not kept.
fn load_not_kept(name: &str, bytes: &[u8]) {
    let mut ingest = Ingest::new(name, bytes.len() as f64).unwrap();
    ingest.limit_text(1_000.0);
    for part in bytes.chunks(1 << 16) {
        ingest.push(part).unwrap();
    }
    ingest.finish(None).unwrap();
}

/// Reads loaded table `name` into its compact form from `bytes`, as the page's worker does.
fn read_compactly(name: &str, bytes: &[u8]) -> Result<Value, Value> {
    let mut read = CompactRead::new(name, name).map_err(value)?;
    for part in bytes.chunks(50_000) {
        read.push(part).map_err(value)?;
    }
    read.finish().map(value).map_err(value)
}

#[wasm_bindgen_test]
fn a_file_too_large_for_a_table_runs_from_its_compact_months() {
    let bytes = sample();
    load("train_ver2.csv", &bytes);
    let whole = run_on_a_pool("propensity", &quick());
    // Held whole, the table gives its compact form without a second read of the file.
    let made = value(compact_from_table("train_ver2.csv").unwrap());
    assert_eq!(made["rows"], value(summary().unwrap())["tables"][0]["rows"]);
    assert_eq!(value(compact_kept("train_ver2.csv").unwrap()), made);
    let from_table = run_on_a_pool("propensity", &quick());
    remove_table("train_ver2.csv");

    load_not_kept("train_ver2.csv", &bytes);
    assert!(compact_kept("train_ver2.csv").unwrap().is_null());
    // Not held, the table cannot give it: the file must be read.
    assert!(compact_from_table("train_ver2.csv").unwrap().is_null());
    let refused = run_quietly("propensity", &quick()).unwrap_err();
    assert!(
        refused["message"].as_str().unwrap().contains("too large"),
        "{refused}"
    );
    let kept = read_compactly("train_ver2.csv", &bytes).unwrap();
    assert_eq!(value(compact_kept("train_ver2.csv").unwrap()), kept);
    let table = value(summary().unwrap())["tables"][0].clone();
    assert_eq!(kept["rows"], table["rows"]);
    assert_eq!(table["compactBytes"], kept["bytes"]);
    // 24 bytes a customer-month, against the file's text.
    assert!(
        kept["bytes"].as_u64().unwrap() * 4 < bytes.len() as u64,
        "{kept}"
    );
    let compact = run_on_a_pool("propensity", &quick());
    let figures = |r: &Value| -> Vec<Value> {
        let products = r["products"].as_array().unwrap();
        let keys = [
            "product",
            "auc",
            "f1",
            "oob_auc",
            "threshold",
            "importance",
            "rules",
        ];
        products
            .iter()
            .map(|p| keys.iter().map(|k| p[*k].clone()).collect())
            .collect()
    };
    assert_eq!(figures(&whole).len(), 2);
    assert_eq!(figures(&whole), figures(&compact));
    assert_eq!(figures(&whole), figures(&from_table));
    // Loaded again, the table forgets the form read from its previous file.
    load_not_kept("train_ver2.csv", &bytes);
    assert!(compact_kept("train_ver2.csv").unwrap().is_null());
    remove_table("train_ver2.csv");
}

#[wasm_bindgen_test]
fn a_bad_cell_in_a_compact_read_is_named_and_the_file_stays_loaded() {
    let bytes = sample_with_a_bad_flag();
    load_not_kept("train_ver2.csv", &bytes);
    let error = read_compactly("train_ver2.csv", &bytes).unwrap_err();
    assert_eq!(
        (&error["file"], &error["line"], &error["column"]),
        (&json!("train_ver2.csv"), &json!(31), &json!(48)),
        "{error}"
    );
    assert!(compact_kept("train_ver2.csv").unwrap().is_null());
    assert_eq!(
        value(summary().unwrap())["tables"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Held whole, the table's own bad cell is named as the file's.
    load("train_ver2.csv", &bytes);
    let error = value(compact_from_table("train_ver2.csv").unwrap_err());
    assert_eq!(
        (&error["line"], &error["column"]),
        (&json!(31), &json!(48)),
        "{error}"
    );
    let error = value(
        CompactRead::new("nowhere.csv", "nowhere.csv")
            .err()
            .unwrap(),
    );
    assert_eq!(error["kind"], json!("noTable"));
    remove_table("train_ver2.csv");
}
