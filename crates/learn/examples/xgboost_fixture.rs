//! Writes the fixtures of `tests/xgboost.rs`: a small table (numeric, missing and categorical
//! values) and the model our engine trains on it, exported in XGBoost's JSON format. The script
//! `tests/fixtures/xgboost/make_fixtures.py` then has XGBoost score that export and train its own
//! models on the table.
//!
//!     cargo run -p learn --example xgboost_fixture -- crates/learn/tests/fixtures/xgboost

use std::fmt::Write as _;

use learn::gbdt::{Dataset, Feature, GbdtParams, Objective, TargetTransform, XgbModel};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The fixture table: `x` uniform, `gap` with a fifth missing, `code` a category 0..6 (missing
/// now and then, code 6 never seen in training), `count` small integers; `y` >= 0 mixes them all.
pub fn table(n: usize, seed: u64) -> (Vec<Feature>, Vec<f32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Vec::new();
    let mut gap = Vec::new();
    let mut code = Vec::new();
    let mut count = Vec::new();
    let mut y = Vec::new();
    for _ in 0..n {
        let xv: f32 = rng.random_range(-2.0..2.0);
        let gv: f32 = if rng.random_bool(0.2) {
            f32::NAN
        } else {
            rng.random_range(0.0..10.0)
        };
        let cv: f32 = if rng.random_bool(0.1) {
            f32::NAN
        } else {
            rng.random_range(0..6) as f32
        };
        let kv = rng.random_range(0..5) as f32;
        let effect = [3.0, -1.0, 2.0, 0.5, -2.0, 4.0][if cv.is_nan() { 1 } else { cv as usize }];
        let g = if gv.is_nan() {
            2.0
        } else {
            (gv - 5.0).abs() / 2.0
        };
        let noise: f32 = rng.random_range(-0.3..0.3);
        y.push((10.0 + 2.0 * xv + effect + g + 0.5 * kv + noise).exp() / 1000.0);
        x.push(xv);
        gap.push(gv);
        code.push(cv);
        count.push(kv);
    }
    let features = vec![
        Feature::numeric("x", x),
        Feature::numeric("gap", gap),
        Feature::categorical("code", code, 7),
        Feature::numeric("count", count),
    ];
    (features, y)
}

/// 1 where `y` is above its median, else 0.
pub fn above_median(y: &[f32]) -> Vec<f32> {
    let mut sorted = y.to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    y.iter().map(|&v| f32::from(u8::from(v > median))).collect()
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: xgboost_fixture OUT_DIR");
    let (features, y) = table(400, 7);
    let params = GbdtParams {
        n_trees: 25,
        max_depth: 4,
        learning_rate: 0.3,
        target: TargetTransform::Log1p,
        ..GbdtParams::default()
    };
    let train = Dataset::new(features.clone(), y.clone()).expect("valid table");
    let model = params.fit(&train, None).expect("trains");
    let export = XgbModel::from_gbdt(&model).expect("exports");
    std::fs::write(format!("{dir}/exported.json"), export.to_json()).unwrap();
    // A classifier too: XGBoost keeps its base score as a probability.
    let labels = above_median(&y);
    let classifier = GbdtParams {
        objective: Objective::Logistic,
        target: TargetTransform::Identity,
        ..params.clone()
    }
    .fit(
        &Dataset::new(features.clone(), labels).expect("valid table"),
        None,
    )
    .expect("trains");
    let export = XgbModel::from_gbdt(&classifier).expect("exports");
    std::fs::write(format!("{dir}/exported_logistic.json"), export.to_json()).unwrap();
    // Rows to score: the training table plus codes never seen (6) and all-missing rows.
    let (mut score, _) = table(200, 8);
    for f in &mut score {
        f.values.push(if f.name == "code" { 6.0 } else { f32::NAN });
        f.values.push(f32::NAN);
    }
    let mut csv = String::new();
    let names: Vec<&str> = score.iter().map(|f| f.name.as_str()).collect();
    writeln!(csv, "{}", names.join(",")).unwrap();
    for r in 0..score[0].values.len() {
        let cells: Vec<String> = score
            .iter()
            .map(|f| {
                let v = f.values[r];
                if v.is_nan() {
                    String::new()
                } else {
                    v.to_string()
                }
            })
            .collect();
        writeln!(csv, "{}", cells.join(",")).unwrap();
    }
    std::fs::write(format!("{dir}/table.csv"), csv).unwrap();
    let mut csv = String::from("x,gap,code,count,y\n");
    for (r, target) in y.iter().enumerate() {
        let cell = |v: f32| {
            if v.is_nan() {
                String::new()
            } else {
                v.to_string()
            }
        };
        let row: Vec<String> = features.iter().map(|f| cell(f.values[r])).collect();
        writeln!(csv, "{},{target}", row.join(",")).unwrap();
    }
    std::fs::write(format!("{dir}/train.csv"), csv).unwrap();
    println!("models written to {dir}");
}
