//! The forecast's models travel to XGBoost and back, checked against XGBoost 3.2.0's own
//! predictions (fixtures made by `tests/fixtures/forecast_xgboost/make_fixtures.sh` on the
//! Rossmann sample at scale 0.01, seed 3):
//! - our forecast model, exported with `--xgboost-model-out`, is what XGBoost read, and
//!   XGBoost's predictions of the exported validation rows are ours to 1e-5;
//! - a model XGBoost trained on a dozen of the exported columns scores the same validation rows
//!   through the forecast (`model`, features found by name) as XGBoost scored them.

use std::collections::HashMap;

use learn::gbdt::{Feature, GbdtModel, XgbModel};
use samples::Dataset;
use tabular::{read_bytes, ReadOptions, Table};
use usecases::forecast::{run, ForecastInputs, ForecastParams, ModelFile};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/forecast_xgboost/"
);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap()
}

/// A CSV of numbers (empty = missing) and text, as its header names and rows of cells.
fn csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = fixture(name);
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn number(cell: &str) -> f64 {
    if cell.is_empty() {
        f64::NAN
    } else {
        cell.parse().unwrap()
    }
}

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= 1e-5 * theirs.abs().max(1.0)
}

fn sample_table(file: &str) -> Table {
    let bytes = samples::file_bytes(Dataset::Rossmann, file, 0.01, 3);
    read_bytes(file, &bytes, ReadOptions::default()).unwrap()
}

#[test]
fn our_forecast_model_predicts_as_xgboost_reads_its_export() {
    let model = GbdtModel::from_json(&fixture("ours.json")).unwrap();
    // The export XGBoost read is the one we write.
    let exported: serde_json::Value =
        serde_json::from_str(&XgbModel::from_gbdt(&model).unwrap().to_json()).unwrap();
    let read: serde_json::Value = serde_json::from_str(&fixture("ours_xgboost.json")).unwrap();
    assert_eq!(exported, read);

    let (header, rows) = csv("valid_features.csv");
    let features: Vec<Feature> = model
        .features()
        .iter()
        .map(|f| {
            let c = header.iter().position(|h| *h == f.name).unwrap();
            Feature {
                name: f.name.clone(),
                kind: f.kind(),
                values: rows.iter().map(|r| number(&r[c]) as f32).collect(),
            }
        })
        .collect();
    let margins = model.predict_raw(&features).unwrap();
    let (_, expected) = csv("ours_predictions.csv");
    assert_eq!(margins.len(), expected.len());
    assert!(rows.len() > 300, "{} validation rows", rows.len());
    for (ours, theirs) in margins.iter().zip(&expected) {
        assert!(close(*ours, number(&theirs[0])), "{ours} vs {theirs:?}");
    }
}

#[test]
fn a_model_xgboost_trained_on_the_exported_columns_scores_through_the_forecast() {
    let (train, store) = (sample_table("train.csv"), sample_table("store.csv"));
    let text = fixture("xgb_forecast.json");
    let inputs = ForecastInputs {
        train: &train,
        store: Some(&store),
        test: None,
        model: Some(ModelFile {
            name: "xgb_forecast.json".into(),
            text: &text,
        }),
    };
    let forecast = run(inputs, &ForecastParams::default(), &mut |_| true).unwrap();
    let report = &forecast.report;
    assert_eq!(report.model.source, "loaded");
    assert_eq!(report.model.format, "xgboost");
    assert_eq!(report.model.features.len(), 12);
    assert_eq!(report.trees, 15);
    assert!(report.comparison.is_none(), "nothing is trained");
    assert!(forecast.model.is_none());

    let mut written = Vec::new();
    forecast.write_validation_csv(&mut written).unwrap();
    let written = String::from_utf8(written).unwrap();
    let ours: HashMap<(String, String), f64> = written
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            ((c[0].to_string(), c[1].to_string()), c[3].parse().unwrap())
        })
        .collect();
    let (_, expected) = csv("xgb_predictions.csv");
    assert_eq!(ours.len(), expected.len());
    for row in &expected {
        let theirs = number(&row[3]).max(0.0);
        let mine = ours[&(row[0].clone(), row[1].clone())];
        // --out writes two decimals.
        assert!(
            (mine - theirs).abs() <= 0.005 + 1e-5 * theirs,
            "{row:?}: {mine}"
        );
    }
}
