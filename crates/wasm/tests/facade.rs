//! The facade as the worker uses it, run in Node by wasm-bindgen-test-runner.

use serde_json::{json, Value};
use vitrine_wasm::{
    export_csv, generate_sample, remove_table, sample_files, summary, table_rows, Ingest,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn value(js: JsValue) -> Value {
    serde_wasm_bindgen::from_value(js).expect("a plain JS value")
}

/// Reads `bytes` as `name` in chunks of `chunk` bytes, as the worker feeds `file.stream()`;
/// returns the profile of each CSV file it holds.
fn ingest_all(
    name: &str,
    bytes: &[u8],
    chunk: usize,
    set: impl FnOnce(&mut Ingest),
) -> Result<Vec<Value>, Value> {
    let mut ingest = Ingest::new(name, bytes.len() as f64).map_err(value)?;
    set(&mut ingest);
    for part in bytes.chunks(chunk) {
        ingest.push(part).map_err(value)?;
    }
    let profiles = value(ingest.finish(None).map_err(value)?);
    Ok(profiles.as_array().expect("an array of profiles").clone())
}

/// Reads a CSV file as [`ingest_all`] and returns its profile.
fn ingest(name: &str, bytes: &[u8], chunk: usize) -> Result<Value, Value> {
    let mut profiles = ingest_all(name, bytes, chunk, |_| {})?;
    assert_eq!(profiles.len(), 1);
    Ok(profiles.remove(0))
}

const STORES: &str = "\"Store\",\"StoreType\",\"Assortment\",\"CompetitionDistance\",\"CompetitionOpenSinceMonth\",\"CompetitionOpenSinceYear\",\"Promo2\",\"Promo2SinceWeek\",\"Promo2SinceYear\",\"PromoInterval\"\n\
1,\"c\",\"a\",1270,9,2008,0,,,\"\"\n\
2,\"a\",\"a\",570,11,2007,1,13,2010,\"Jan,Apr,Jul,Oct\"\n\
3,\"a\",\"a\",14130,12,2006,1,14,2011,\"Jan,Apr,Jul,Oct\"\n";

#[wasm_bindgen_test]
fn chunked_ingest_gives_the_same_profile_at_any_chunk_size() {
    let whole = ingest("store.csv", STORES.as_bytes(), STORES.len()).unwrap();
    assert_eq!(whole["rows"], json!(3));
    assert_eq!(whole["dataset"], json!("rossmann.store"));
    assert_eq!(whole["columns"].as_array().unwrap().len(), 10);
    let promo = &whole["columns"][9];
    assert_eq!(promo["name"], json!("PromoInterval"));
    assert_eq!(promo["kind"], json!("text"));
    for chunk in [1, 2, 3, 7, 64] {
        let parts = ingest("store.csv", STORES.as_bytes(), chunk).unwrap();
        assert_eq!(parts, whole, "chunks of {chunk} bytes");
    }
    // The table is kept: its rows come back as text, a missing cell as null.
    let window = value(table_rows("store.csv", 1, 10).unwrap());
    assert_eq!(window["start"], json!(1));
    assert_eq!(window["rows"].as_array().unwrap().len(), 2);
    assert_eq!(window["rows"][0][9], json!("Jan,Apr,Jul,Oct"));
    let first = value(table_rows("store.csv", 0, 1).unwrap());
    assert_eq!(first["rows"][0][7], Value::Null);
    let s = value(summary().unwrap());
    let uc11 = s["useCases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == json!("1.1"))
        .unwrap()
        .clone();
    assert_eq!(uc11["ready"], json!(false));
    assert_eq!(uc11["missing"], json!(["rossmann.train"]));
    assert!(remove_table("store.csv"));
}

#[wasm_bindgen_test]
fn a_ragged_row_is_a_structured_error_with_line_and_column() {
    let csv = "name,city,amount\nAda,Paris,10\nBob,Lyon,20\nCy,Nice\nDee,Lille,40\n";
    for chunk in [1, 5, csv.len()] {
        let e = ingest("ragged.csv", csv.as_bytes(), chunk).unwrap_err();
        assert_eq!(e["file"], json!("ragged.csv"));
        assert_eq!(e["line"], json!(4));
        assert_eq!(e["column"], json!(3));
        assert_eq!(e["kind"], json!("ragged"));
        let message = e["message"].as_str().unwrap();
        assert!(
            message.starts_with("ragged.csv, line 4, column 3"),
            "{message}"
        );
        assert!(message.ends_with("expected 3 fields, found 2"), "{message}");
    }
    // Nothing half-read is kept.
    assert!(table_rows("ragged.csv", 0, 1).is_err());
}

#[wasm_bindgen_test]
fn a_file_larger_than_a_table_can_hold_is_not_refused() {
    // It is profiled without being kept; the engine's tests read such files.
    assert!(Ingest::new("train_numeric.csv", 2.1e9).is_ok());
}

#[wasm_bindgen_test]
fn a_zip_gives_one_profile_per_csv_file_and_can_be_read_for_some_of_them() {
    let zip = include_bytes!("../../tabular/tests/fixtures/rossmann_kaggle_layout.zip");
    let profiles = ingest_all("rossmann-store-sales.zip", zip, 4096, |_| {}).unwrap();
    let files: Vec<&Value> = profiles.iter().map(|p| &p["file"]).collect();
    assert_eq!(
        files,
        [
            &json!("store.csv"),
            &json!("test.csv"),
            &json!("sample.csv")
        ]
    );
    assert_eq!(profiles[0]["rows"], json!(1115));
    assert_eq!(profiles[0]["warnings"][0]["kind"], json!("skippedEntry"));
    let only = ingest_all("rossmann-store-sales.zip", zip, 4096, |i| {
        i.only_files(vec!["test.csv".into()])
    })
    .unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["file"], json!("test.csv"));
    for name in ["store.csv", "test.csv", "sample.csv"] {
        remove_table(name);
    }
}

#[wasm_bindgen_test]
fn kept_columns_are_kept_and_the_others_profiled() {
    let profiles = ingest_all("store.csv", STORES.as_bytes(), 7, |i| {
        i.keep_columns(vec!["PromoInterval".into(), "Store".into()])
    })
    .unwrap();
    let p = &profiles[0];
    let kept: Vec<&Value> = p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(kept, [&json!("PromoInterval"), &json!("Store")]);
    let skipped = p["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 8);
    assert_eq!(skipped[2]["name"], json!("CompetitionDistance"));
    assert_eq!(skipped[2]["max"].as_f64(), Some(14130.0));
    remove_table("store.csv");
}

#[wasm_bindgen_test]
fn the_rossmann_sample_writes_its_three_files_which_load_as_recognised_tables() {
    let files = sample_files("rossmann").unwrap();
    assert_eq!(files, ["train.csv", "store.csv", "test.csv"]);
    let progress = js_sys::Function::new_no_args("");
    let expected = ["rossmann.train", "rossmann.store", "rossmann.test"];
    for (file, known) in files.iter().zip(expected) {
        let bytes = generate_sample("rossmann", file, 42, &progress).unwrap();
        assert_eq!(
            bytes,
            generate_sample("rossmann", file, 42, &progress).unwrap()
        );
        let lines = bytes.iter().filter(|&&b| b == b'\n').count();
        let p = ingest(file, &bytes, 65_536).unwrap();
        assert_eq!(p["dataset"], json!(known), "{file}");
        assert_eq!(p["rows"], json!(lines - 1), "{file}");
    }
    let s = value(summary().unwrap());
    let ready: Vec<&Value> = s["useCases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["ready"] == json!(true))
        .map(|u| &u["id"])
        .collect();
    assert_eq!(ready, [&json!("1.1"), &json!("1.2")]);
    assert!(sample_files("nope").is_err());
    for file in files {
        remove_table(&file);
    }
}

#[wasm_bindgen_test]
fn the_export_neutralises_formulas_but_not_negative_numbers() {
    let csv =
        "id,note,amount\n1,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-3.5\n2,@SUM(A1),4\n";
    ingest("notes.csv", csv.as_bytes(), 8).unwrap();
    let out = String::from_utf8(export_csv("notes.csv").unwrap()).unwrap();
    assert_eq!(
        out,
        "id,note,amount\n1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-3.5\n2,'@SUM(A1),4.0\n"
    );
    remove_table("notes.csv");
}
