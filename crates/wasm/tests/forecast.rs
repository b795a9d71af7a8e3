//! The forecast facade as the worker uses it, run in Node by wasm-bindgen-test-runner.

mod common;

use common::{download, load_rossmann_sample, run, value};
use serde_json::{json, Value};
use vitrine_wasm::{remove_table, summary, warm_up};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn params(trees: u32) -> Value {
    json!({"trees": trees, "depth": 6, "learningRate": 0.2, "compareSeed": true})
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
    warm_up().unwrap();
    assert!(
        table_names().is_empty(),
        "the warm-up must not leave tables behind"
    );
    assert!(
        download("forecast", "predictions").is_err(),
        "nor a forecast to download"
    );

    load_rossmann_sample(&["train.csv", "store.csv", "test.csv"], 7);
    let trees_seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let seen = trees_seen.clone();
    let on_progress =
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> bool>::new(move |p: JsValue| {
            let p = value(p);
            if p["stage"] == "train" {
                seen.set(p["done"].as_u64().unwrap());
            }
            true
        });
    let report = run(
        "forecast",
        &params(40),
        on_progress.as_ref().unchecked_ref(),
    )
    .unwrap();
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

    let predictions = download("forecast", "predictions").unwrap();
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

    let test = download("forecast", "test").expect("test.csv forecast");
    assert_eq!(test.lines().next(), Some("Id,Sales"));
    assert_eq!(
        test.lines().count() - 1,
        report["rows_forecast"].as_u64().unwrap() as usize
    );

    let model: Value = serde_json::from_str(&download("forecast", "model").unwrap()).unwrap();
    assert_eq!(model["trees"].as_array().unwrap().len(), 40);

    // A cancel from the progress callback stops the run with a "cancelled" error and keeps
    // the loaded files.
    let stop = js_sys::Function::new_with_args("p", "return p.done < 3");
    let error = run("forecast", &params(40), &stop).unwrap_err();
    assert_eq!(error["kind"], json!("cancelled"), "{error}");
    assert_eq!(table_names().len(), 3);
    for file in ["train.csv", "store.csv", "test.csv"] {
        remove_table(file);
    }
}
