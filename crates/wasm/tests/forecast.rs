//! The forecast facade as the worker uses it, run in Node by wasm-bindgen-test-runner.

mod common;

use common::{load_rossmann_sample, object, value};
use serde_json::{json, Value};
use vitrine_wasm::{
    forecast_model_json, forecast_predictions_csv, forecast_run, forecast_test_csv,
    forecast_warm_up, remove_table, summary,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn params(trees: u32) -> JsValue {
    object(&[
        ("trees", JsValue::from(trees)),
        ("depth", JsValue::from(6)),
        ("learningRate", JsValue::from(0.2)),
        ("compareSeed", JsValue::from(true)),
    ])
}

fn table_names() -> Vec<Value> {
    let s = value(summary().unwrap());
    s["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect()
}

#[wasm_bindgen_test]
fn the_sample_forecast_beats_the_baseline_and_every_download_matches_the_report() {
    forecast_warm_up().unwrap();
    assert!(
        table_names().is_empty(),
        "the warm-up must not leave tables behind"
    );
    assert!(
        forecast_predictions_csv().is_err(),
        "nor a forecast to download"
    );

    load_rossmann_sample(&["train.csv", "store.csv", "test.csv"], 7);
    let trees_seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let seen = trees_seen.clone();
    let on_progress =
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> bool>::new(move |p: JsValue| {
            seen.set(value(p)["trees"].as_u64().unwrap());
            true
        });
    let report = value(
        forecast_run(params(40), on_progress.as_ref().unchecked_ref())
            .map_err(value)
            .unwrap(),
    );
    assert_eq!(trees_seen.get(), 40);
    assert_eq!(report["trees"], json!(40));
    let mae = report["metrics"]["mae"].as_f64().unwrap();
    let baseline = report["baseline"]["mae"].as_f64().unwrap();
    assert!(
        mae < 0.95 * baseline,
        "model MAE {mae} vs baseline {baseline}"
    );
    // The business's seed feature set is trained beside it on the same days: it knows each
    // day's customers but not the store, and on this sample loses to the per-store baseline.
    assert_eq!(report["comparison"]["feature_set"], json!("seed"));
    let seed_mae = report["comparison"]["metrics"]["mae"].as_f64().unwrap();
    assert!(seed_mae > baseline, "seed MAE {seed_mae} vs {baseline}");

    let predictions = String::from_utf8(forecast_predictions_csv().unwrap()).unwrap();
    let mut lines = predictions.lines();
    assert_eq!(lines.next(), Some("Store,Date,Sales,Predicted,Baseline"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            [2, 3].iter().map(|&i| cells[i].parse().unwrap()).collect()
        })
        .collect();
    let downloaded_mae = rows.iter().map(|r| (r[0] - r[1]).abs()).sum::<f64>() / rows.len() as f64;
    assert!(
        (downloaded_mae - mae).abs() < 0.01 * mae,
        "the download's MAE {downloaded_mae} is the report's {mae}"
    );

    let test = String::from_utf8(forecast_test_csv().unwrap().expect("test.csv forecast")).unwrap();
    assert_eq!(test.lines().next(), Some("Id,Sales"));
    assert_eq!(
        test.lines().count() - 1,
        report["rows_forecast"].as_u64().unwrap() as usize
    );

    let model: Value = serde_json::from_str(&forecast_model_json().unwrap()).unwrap();
    assert_eq!(model["trees"].as_array().unwrap().len(), 40);

    // A cancel from the progress callback stops the run with a "cancelled" error and keeps
    // the loaded files.
    let stop = js_sys::Function::new_with_args("p", "return p.trees < 3");
    let error = value(forecast_run(params(40), &stop).unwrap_err());
    assert_eq!(error["kind"], json!("cancelled"), "{error}");
    assert_eq!(table_names().len(), 3);
    for file in ["train.csv", "store.csv", "test.csv"] {
        remove_table(file);
    }
}
