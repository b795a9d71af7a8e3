//! Use cases 4.1 and 4.2 through the facade as the worker calls them, run in Node by
//! wasm-bindgen-test-runner: the Instacart sample loaded in chunks, both runs with JSON
//! parameters and progress, the follow-up questions, the downloads, a cancel, and a bad
//! parameter named.

mod common;

use common::{ask, download, load_sample, run, run_quietly, value};
use serde_json::{json, Value};
use vitrine_wasm::{remove_table, summary};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

const FILES: [&str; 4] = [
    "orders.csv",
    "order_products__prior.csv",
    "order_products__train.csv",
    "products.csv",
];

fn statuses() -> Vec<Value> {
    value(summary().unwrap())["useCases"]
        .as_array()
        .unwrap()
        .clone()
}

#[wasm_bindgen_test]
fn both_instacart_use_cases_run_answer_and_download_through_the_facade() {
    load_sample("instacart", &FILES, 42);
    let ready: Vec<String> = statuses()
        .iter()
        .filter(|s| s["ready"] == json!(true))
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .filter(|id| id.starts_with('4'))
        .collect();
    assert_eq!(ready, ["4.1", "4.2"]);

    // 4.1, with its trees reported.
    let stages = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let seen = stages.clone();
    let on_progress =
        wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue) -> bool>::new(
            move |p: wasm_bindgen::JsValue| {
                let stage = value(p)["stage"].as_str().unwrap().to_string();
                let mut stages = seen.borrow_mut();
                if stages.last() != Some(&stage) {
                    stages.push(stage);
                }
                true
            },
        );
    let params = json!({"trees": 60, "compareObjectives": false});
    let report = run("next-order", &params, on_progress.as_ref().unchecked_ref()).unwrap();
    assert_eq!(*stages.borrow(), ["read", "features", "train", "predict"]);
    assert_eq!(report["trees"], json!(60));
    let users = report["users"].as_u64().unwrap() as usize;
    assert!(report["metrics"]["mae"].as_f64().unwrap() > 0.0);
    assert_eq!(report["censored_at"].as_f64(), Some(30.0));
    let example = report["examples"][0].as_u64().unwrap();
    let customer = ask("next-order", "customer", &json!({"userId": example})).unwrap();
    assert_eq!(customer["user_id"], json!(example));
    assert_eq!(customer["validation"], json!(true));
    let predictions = download("next-order", "predictions").unwrap();
    assert_eq!(predictions.lines().count(), users + 1);
    let line = predictions
        .lines()
        .find(|l| l.starts_with(&format!("{example},")))
        .unwrap();
    let predicted: f64 = line.split(',').nth(2).unwrap().parse().unwrap();
    assert_eq!(Some(predicted), customer["predicted_days"].as_f64());
    let unknown = ask("next-order", "customer", &json!({"userId": 999_999})).unwrap_err();
    assert_eq!(unknown["param"], json!("userId"), "{unknown}");

    // 4.2: beats the last order's reorders; a basket; the downloads.
    let params =
        json!({"trees": 40, "perProduct": 3, "perProductMinPairs": 50, "perProductTrees": 20});
    let report = run_quietly("reorder", &params).unwrap();
    let f1 = report["metrics"]["f1"].as_f64().unwrap();
    assert!(f1 > report["baseline"]["f1"].as_f64().unwrap(), "{report}");
    assert_eq!(report["threshold"], report["metrics"]["threshold"]);
    let example = report["examples"][0].as_u64().unwrap();
    let basket = ask("reorder", "basket", &json!({"userId": example})).unwrap();
    assert_eq!(basket["validation"], json!(true));
    let items = basket["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["name"].is_string()));
    let baskets = download("reorder", "baskets").unwrap();
    let users_out =
        report["users_valid"].as_u64().unwrap() + report["users_test"].as_u64().unwrap();
    assert_eq!(baskets.lines().count() as u64, users_out + 1);
    let stock = download("reorder", "stock").unwrap();
    assert_eq!(
        stock.lines().nth(1).unwrap().split(',').next().unwrap(),
        report["top_products"][0]["product_id"].to_string()
    );
    assert!(download("reorder", "model").unwrap().starts_with('{'));

    // A bad parameter is named; a cancel stops the run and keeps the files.
    let bad = run_quietly("reorder", &json!({"validShare": 1.5})).unwrap_err();
    assert_eq!(bad["param"], json!("validShare"), "{bad}");
    let stop = js_sys::Function::new_with_args("p", "return p.stage !== 'train'");
    let cancelled = run("reorder", &params, &stop).unwrap_err();
    assert_eq!(cancelled["kind"], json!("cancelled"), "{cancelled}");
    assert!(
        download("reorder", "baskets").is_err(),
        "no result after a cancel"
    );
    let tables = value(summary().unwrap())["tables"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(tables, FILES.len());
    for file in FILES {
        remove_table(file);
    }
}
