//! Use case 1.2 through the facade, as the worker calls it, run in Node by
//! wasm-bindgen-test-runner: the page's Rossmann sample (seed 42) holds 4 planted store segments
//! (`samples::rossmann::store_segment`) that the clusters must recover, and the k slider's recut
//! must follow the kept tree without the files.

mod common;

use common::{ask, download, load, load_rossmann_sample, run, run_quietly, value};
use learn::metrics::adjusted_rand_index;
use samples::rossmann::store_segment;
use serde_json::{json, Value};
use vitrine_wasm::remove_table;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const SEED: u64 = 42;

/// A progress callback that records each stage in `globalThis.clusterStages`.
fn recording_progress() -> js_sys::Function {
    js_sys::Function::new_with_args(
        "p",
        "if (p.total === 0) (globalThis.clusterStages ??= []).push(p.stage); \
         else globalThis.clusterShares = [...(globalThis.clusterShares ?? []), p.done / p.total]; \
         return true;",
    )
}

fn recorded_stages() -> Value {
    let global = js_sys::global();
    let stages = js_sys::Reflect::get(&global, &JsValue::from_str("clusterStages")).unwrap();
    js_sys::Reflect::set(
        &global,
        &JsValue::from_str("clusterStages"),
        &JsValue::UNDEFINED,
    )
    .unwrap();
    value(stages)
}

fn labels(cut: &Value) -> Vec<usize> {
    cut["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as usize - 1)
        .collect()
}

fn truth(ids: &Value) -> Vec<usize> {
    ids.as_array()
        .unwrap()
        .iter()
        .map(|id| usize::from(store_segment(id.as_str().unwrap().parse().unwrap(), SEED)))
        .collect()
}

#[wasm_bindgen_test]
fn the_page_sample_recovers_the_planted_segments_and_recuts_without_the_files() {
    load_rossmann_sample(&["train.csv", "store.csv"], SEED);
    let result = run("cluster", &json!({}), &recording_progress()).unwrap();
    assert_eq!(
        recorded_stages(),
        json!(["profiles", "distance", "tree", "map", "describe"])
    );
    // The distance matrix reports as it fills, up to every pair.
    let shares = value(
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("clusterShares")).unwrap(),
    );
    let shares: Vec<f64> = serde_json::from_value(shares).unwrap();
    assert!(shares.len() >= 10, "{shares:?}");
    assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
    assert_eq!(shares.last(), Some(&1.0));
    let n = result["n"].as_u64().unwrap() as usize;
    assert_eq!(result["ids"].as_array().unwrap().len(), n);
    assert!(n > 100, "{n} stores");
    assert_eq!(result["id_name"], json!("Store"));
    assert_eq!(result["linkage"], json!("ward"));
    assert_eq!(result["heights"].as_array().unwrap().len(), n - 1);
    assert_eq!(result["merge"].as_array().unwrap().len(), n - 1);
    assert_eq!(result["order"].as_array().unwrap().len(), n);
    // Heights of an R hclust tree never decrease with Ward.
    let heights: Vec<f64> = serde_json::from_value(result["heights"].clone()).unwrap();
    assert!(heights.windows(2).all(|w| w[0] <= w[1] + 1e-12));
    assert_eq!(result["k_choice"]["measure"], json!("inertia_gain"));
    let suggested = result["suggested_k"].as_u64().unwrap();
    assert_eq!(result["k"], json!(suggested), "k auto takes the suggestion");
    let map = &result["pca"];
    assert_eq!(map["scores"].as_array().unwrap().len(), n);
    assert!(!map["variables"].as_array().unwrap().is_empty());

    let truth = truth(&result["ids"]);
    // At seed 42 the suggestion merges the small flagship segment (see usecases'
    // clusters_rossmann test); the planted k = 4 must recover the segments.
    let four = ask("cluster", "cut", &json!({"k": 4})).unwrap();
    assert_eq!(four["k"], json!(4));
    assert_eq!(four["clusters"].as_array().unwrap().len(), 4);
    let ari = adjusted_rand_index(&truth, &labels(&four));
    assert!(ari >= 0.9, "ARI at k = 4: {ari}");
    let sizes: u64 = four["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .sum();
    assert_eq!(sizes as usize, n);

    // The recut reads the kept tree: it works with the files gone, and k = 6 splits the
    // clusters of k = 4 without mixing them.
    assert!(remove_table("train.csv"));
    assert!(remove_table("store.csv"));
    let six = ask("cluster", "cut", &json!({"k": 6})).unwrap();
    assert_eq!(six["clusters"].as_array().unwrap().len(), 6);
    let (l4, l6) = (labels(&four), labels(&six));
    for a in 0..n {
        for b in 0..n {
            if l6[a] == l6[b] {
                assert_eq!(l4[a], l4[b], "stores {a} and {b}");
            }
        }
    }
    assert!(ask("cluster", "cut", &json!({"k": 0})).is_err());
    assert!(ask("cluster", "cut", &json!({"k": n + 1})).is_err());

    // The download follows the last cut: one row per store, its cluster at k = 6.
    let csv = download("cluster", "assignments").unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Store,cluster,distance_to_typical,anomaly_score,anomaly")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), n);
    for (r, row) in rows.iter().enumerate() {
        assert_eq!(row[0], result["ids"][r].as_str().unwrap());
        assert_eq!(row[1].parse::<usize>().unwrap(), l6[r] + 1);
        let distance: f64 = row[2].parse().unwrap();
        assert!((0.0..=1.0).contains(&distance), "{distance}");
    }
    // Each cluster's typical store is at distance 0 from itself.
    for cluster in six["clusters"].as_array().unwrap() {
        let row = cluster["typical_row"].as_u64().unwrap() as usize;
        assert_eq!(rows[row][2], "0.000000");
    }
}

#[wasm_bindgen_test]
fn a_chosen_k_and_linkage_are_applied_and_a_cancel_stops_the_run() {
    load_rossmann_sample(&["train.csv"], SEED);
    let chosen = json!({"linkage": "average", "k": 5});
    let result = run_quietly("cluster", &chosen).unwrap();
    assert_eq!(result["linkage"], json!("average"));
    assert_eq!(result["k"], json!(5));
    assert_eq!(result["clusters"].as_array().unwrap().len(), 5);
    assert_eq!(result["k_choice"]["measure"], json!("height"));

    let stop_at_tree = js_sys::Function::new_with_args("p", "return p.stage !== 'tree';");
    let e = run("cluster", &json!({}), &stop_at_tree).unwrap_err();
    assert_eq!(e["kind"], json!("cancelled"));
    // A cancelled run leaves no model behind to recut.
    assert_eq!(
        ask("cluster", "cut", &json!({"k": 3})).unwrap_err()["kind"],
        json!("noResult")
    );

    let e = run_quietly("cluster", &json!({"linkage": "centroid"})).unwrap_err();
    assert_eq!(e["kind"], json!("params"));
    assert!(e["message"].as_str().unwrap().contains("centroid"));
    remove_table("train.csv");
    let e = run_quietly("cluster", &json!({})).unwrap_err();
    assert_eq!(e["kind"], json!("noTable"));
}

/// Two planted groups of entities in a generic table: small cheap shops and large ones, with a
/// category that follows the size and a missing cell.
fn generic_csv() -> String {
    let mut csv = String::from("Code,Area,Staff,Kind\n");
    for i in 0..30 {
        let big = i % 3 == 0;
        let area = if big { 900 + i * 7 } else { 120 + i * 3 };
        let staff = if i == 4 {
            String::new()
        } else if big {
            (40 + i % 5).to_string()
        } else {
            (5 + i % 4).to_string()
        };
        let kind = if big { "mall" } else { "street" };
        csv.push_str(&format!("S{i:02},{area},{staff},{kind}\n"));
    }
    csv
}

#[wasm_bindgen_test]
fn the_generic_mode_clusters_the_rows_of_any_table_by_its_id_column() {
    load("shops.csv", generic_csv().as_bytes());
    let generic = json!({"source": "table", "table": "shops.csv", "id": "Code", "k": 2});
    let result = run_quietly("cluster", &generic).unwrap();
    assert_eq!(result["n"], json!(30));
    assert_eq!(result["id_name"], json!("Code"));
    assert_eq!(result["ids"][4], json!("S04"));
    assert_eq!(result["heights"].as_array().unwrap().len(), 29);
    let planted: Vec<usize> = (0..30).map(|i| usize::from(i % 3 == 0)).collect();
    let ari = adjusted_rand_index(&planted, &labels(&result));
    assert!(ari >= 0.999, "ARI {ari}");
    let csv = download("cluster", "assignments").unwrap();
    assert!(csv.starts_with("Code,cluster,"), "{csv}");

    let no_id = json!({"source": "table", "table": "shops.csv", "id": "Nope"});
    let e = run_quietly("cluster", &no_id).unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("Nope"), "{e}");
    remove_table("shops.csv");
}
