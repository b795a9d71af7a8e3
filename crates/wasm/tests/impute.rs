//! The imputation facade (use case 2.1) as the worker uses it, run in Node by
//! wasm-bindgen-test-runner: on a generated Bosch sample, EM recovers the planted per-station
//! Gaussian, the overimputation intervals cover close to their level, and the M datasets differ
//! only where a cell was empty.

mod common;

use common::{download, load, preview, run, run_quietly};
use serde_json::json;
use std::collections::HashMap;
use vitrine_wasm::{generate_sample, remove_table};
use wasm_bindgen_test::wasm_bindgen_test;

const SEED: u64 = 42;

/// Rows of a CSV without quoted fields, by their first cell (the id).
fn rows_by_id(csv: &str) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            (cells[0].clone(), cells)
        })
        .collect();
    (header, rows)
}

#[wasm_bindgen_test]
fn bosch_station_l3_s29_recovers_the_planted_gaussian_and_covers_its_intervals() {
    let progress = js_sys::Function::new_no_args("");
    let bytes = generate_sample("bosch", "train_numeric.csv", SEED, &progress).unwrap();
    let name = "train_numeric.csv";
    load(name, &bytes);

    // The summary: lines, stations with their columns, and patterns by station.
    let summary = preview("impute", "summary", &json!({"table": name})).unwrap();
    assert_eq!(summary["pattern_unit"], json!("station"));
    let lines: Vec<u64> = summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [0, 1, 2, 3]);
    let truth = samples::bosch::station_truth(29, SEED);
    let s29 = summary["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == json!("L3_S29"))
        .unwrap();
    assert_eq!(
        s29["columns"].as_array().unwrap().len(),
        truth.columns.len()
    );
    // Every route passes L3_S29: it is visited by every part, its holes are the 5 % blanked.
    assert_eq!(s29["rows_visited"], summary["rows"]);
    let share = s29["missing_share"].as_f64().unwrap();
    assert!((share - 0.05).abs() < 0.01, "L3_S29 missing share {share}");
    // The dominant visit pattern is a planted route's core: the most common (45 %) starts at S0.
    let top = &summary["top_patterns"][0];
    assert!(top["visited"].as_array().unwrap().contains(&json!("L0_S0")));

    // The plan: the station's columns, every row, and a memory figure; a budget too small is
    // refused with what would fit.
    let params = json!({"table": name, "columns": ["L3_S29"], "m": 5, "seed": 7});
    let plan = preview("impute", "plan", &params).unwrap();
    assert_eq!(
        plan["columns"].as_array().unwrap().len(),
        truth.columns.len()
    );
    assert_eq!(plan["rows_used"], summary["rows"]);
    assert!(plan["memory_bytes"].as_u64().unwrap() > 0);
    let small = json!({"table": name, "columns": ["L3_S29"], "memoryBudget": 50_000});
    let refused = preview("impute", "plan", &small).unwrap_err();
    assert_eq!(refused["kind"], json!("input"));
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("budget") && message.contains("columns fit"),
        "{message}"
    );

    // The run: EM means near the planted ones (within 4 standard errors).
    let report = run("impute", &params, &progress).unwrap();
    let columns: Vec<&str> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(columns, truth.columns);
    let n = report["rows_used"].as_f64().unwrap();
    let p = columns.len();
    for j in 0..p {
        let sd = truth.cov[j * p + j].sqrt();
        let mean = report["em"]["mean"][j].as_f64().unwrap();
        assert!(
            (mean - truth.mean[j]).abs() < 4.0 * sd / (0.9 * n).sqrt(),
            "{}: EM mean {mean}, planted {}",
            columns[j],
            truth.mean[j]
        );
        // Rubin's pooled mean sits beside the EM mean for cells missing completely at random.
        let pooled = &report["per_column"][j]["pooled"];
        let estimate = pooled["estimate"].as_f64().unwrap();
        assert!((estimate - mean).abs() < 2.0 * sd / n.sqrt(), "{estimate}");
        assert!(pooled["total"].as_f64().unwrap() >= pooled["within"].as_f64().unwrap());
    }
    // Covariances: the one-factor model's entries, within a loose relative tolerance.
    for (a, b) in [(0, 1), (0, 5), (3, 7)] {
        let ours = report["em"]["cov"][a][b].as_f64().unwrap();
        let planted = truth.cov[a * p + b];
        assert!(
            (ours - planted).abs() < 0.25 * planted.abs() + 1e-5,
            "cov {a},{b}: {ours} vs {planted}"
        );
    }
    let coverage = report["coverage"].as_f64().unwrap();
    assert!((0.8..=0.97).contains(&coverage), "coverage {coverage}");
    assert_eq!(report["traces"].as_array().unwrap().len(), 5);
    assert!(report["traces"][0].as_array().unwrap().len() >= 2);

    // Datasets 1 and 2: the same observed cells as the file, different imputed ones.
    let first = download("impute", "dataset-1").unwrap();
    let second = download("impute", "dataset-2").unwrap();
    let input = String::from_utf8(bytes.clone()).unwrap();
    let (in_header, input_rows) = rows_by_id(&input);
    let (header, one) = rows_by_id(&first);
    let (_, two) = rows_by_id(&second);
    assert_eq!(header[0], "Id");
    assert_eq!(one.len() as f64, n);
    let source: Vec<usize> = header[1..]
        .iter()
        .map(|c| in_header.iter().position(|h| h == c).unwrap())
        .collect();
    let (mut holes, mut differ) = (0, 0);
    for (id, row) in &one {
        let original = &input_rows[id];
        for (j, &s) in source.iter().enumerate() {
            let cell = &row[j + 1];
            assert!(!cell.is_empty(), "row {id}: empty cell after imputation");
            if original[s].is_empty() {
                holes += 1;
                differ += usize::from(cell != &two[id][j + 1]);
            } else {
                assert_eq!(
                    cell.parse::<f64>().unwrap(),
                    original[s].parse::<f64>().unwrap()
                );
                assert_eq!(cell, &two[id][j + 1]);
            }
        }
    }
    assert_eq!(holes as u64, report["missing_cells"].as_u64().unwrap());
    assert!(
        differ * 100 >= holes * 99,
        "{differ} of {holes} holes differ"
    );
    let long = download("impute", "long").unwrap();
    assert!(long.starts_with(".imp,Id,"));
    assert_eq!(long.lines().count() as f64, 5.0 * n + 1.0);
    assert!(download("impute", "dataset-6").is_err());
    assert!(download("impute", "dataset-0").is_err());
    remove_table(name);
}

#[wasm_bindgen_test]
fn a_plain_numeric_csv_is_imputed_column_by_column() {
    // y = 2 x + small noise, with holes in y: the imputed y follow x. z is uniform on [5, 6]
    // with holes: a normal model draws some of them outside, unless bounded.
    let mut csv = String::from("x,y,z\n");
    let mut state = 12345u64;
    let mut unit = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..400 {
        let x = (i as f64 / 40.0).sin() * 3.0 + unit();
        let y = 2.0 * x + 0.1 * (unit() - 0.5);
        let z = 5.0 + unit();
        let y = if i % 5 == 0 {
            String::new()
        } else {
            format!("{y:.4}")
        };
        let z = if i % 3 == 1 {
            String::new()
        } else {
            format!("{z:.4}")
        };
        csv.push_str(&format!("{x:.4},{y},{z}\n"));
    }
    let name = "plain.csv";
    load(name, csv.as_bytes());
    let summary = preview("impute", "summary", &json!({"table": name})).unwrap();
    assert_eq!(summary["pattern_unit"], json!("column"));
    assert_eq!(summary["stations"], json!([]));
    assert_eq!(summary["columns"], json!(3));
    let params = json!({"table": name, "columns": "all", "m": 3, "seed": 1});
    let report = run_quietly("impute", &params).unwrap();
    assert_eq!(report["missing_cells"], json!(80 + 133));
    let data = download("impute", "dataset-3").unwrap();
    let (header, rows) = rows_by_id(&data);
    assert_eq!(header, ["row", "x", "y", "z"]);
    for i in (0..400).step_by(5) {
        let row = &rows[&(i + 1).to_string()];
        let x: f64 = row[1].parse().unwrap();
        let y: f64 = row[2].parse().unwrap();
        assert!(
            (y - 2.0 * x).abs() < 0.3,
            "row {}: x {x}, imputed y {y}",
            i + 1
        );
    }
    // z's observed range is [5, 6]: bounded draws stay inside it, free ones do not all.
    let z_outside = |csv: &str| {
        let (_, rows) = rows_by_id(csv);
        (0..400)
            .filter(|i| i % 3 == 1)
            .map(|i| rows[&(i + 1).to_string()][3].parse::<f64>().unwrap())
            .filter(|z| !(5.0..=6.0).contains(z))
            .count()
    };
    assert!(z_outside(&data) > 0);
    let bounded = json!({"table": name, "m": 3, "seed": 1, "boundToObserved": true});
    run_quietly("impute", &bounded).unwrap();
    let data = download("impute", "dataset-3").unwrap();
    assert_eq!(z_outside(&data), 0);
    let flag = preview(
        "impute",
        "plan",
        &json!({"table": name, "roundIntegers": "yes"}),
    )
    .unwrap_err();
    assert_eq!(flag["kind"], json!("params"));
    // No Bosch file loaded and none named: a clear error, not a crash.
    let missing = preview("impute", "plan", &json!({})).unwrap_err();
    assert_eq!(missing["kind"], json!("noTable"));
    let bad = preview("impute", "plan", &json!({"table": name, "m": 0})).unwrap_err();
    assert_eq!(bad["kind"], json!("params"));
    remove_table(name);
}
