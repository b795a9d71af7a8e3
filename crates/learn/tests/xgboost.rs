//! XGBoost's JSON model format against XGBoost 3.2.0 itself, on the fixtures of
//! `fixtures/xgboost/` (made by `examples/xgboost_fixture.rs` and `make_fixtures.py`, see there):
//! our export as XGBoost scores it, and XGBoost's own models as we score them.

use learn::gbdt::{
    Dataset, Feature, GbdtParams, LoadedModel, Objective, TargetTransform, XgbModel,
};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xgboost/");

/// The numeric columns of a fixture CSV (empty cells are missing).
fn columns(name: &str) -> Vec<(String, Vec<f32>)> {
    let text = std::fs::read_to_string(format!("{DIR}{name}")).unwrap();
    let mut lines = text.lines();
    let mut out: Vec<(String, Vec<f32>)> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|n| (n.to_string(), Vec::new()))
        .collect();
    for line in lines {
        for (cell, (_, values)) in line.split(',').zip(&mut out) {
            values.push(if cell.is_empty() {
                f32::NAN
            } else {
                cell.parse().unwrap()
            });
        }
    }
    out
}

/// The table's columns as features, `code` categorical as the fixture example declares it.
fn features(name: &str) -> (Vec<Feature>, Option<Vec<f32>>) {
    let mut target = None;
    let mut out = Vec::new();
    for (name, values) in columns(name) {
        match name.as_str() {
            "y" => target = Some(values),
            "code" => out.push(Feature::categorical(name, values, 7)),
            _ => out.push(Feature::numeric(name, values)),
        }
    }
    (out, target)
}

fn expected(name: &str, column: &str) -> Vec<f64> {
    columns(&format!("{name}_predictions.csv"))
        .into_iter()
        .find(|(n, _)| n == column)
        .unwrap()
        .1
        .into_iter()
        .map(f64::from)
        .collect()
}

fn assert_close(ours: &[f64], theirs: &[f64], what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}");
    for (r, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let tolerance = 1e-5 * b.abs().max(1e-3);
        assert!(
            (a - b).abs() <= tolerance,
            "{what}, row {r}: ours {a}, XGBoost {b}"
        );
    }
}

#[test]
fn our_export_scores_as_xgboost_scores_it() {
    let text = std::fs::read_to_string(format!("{DIR}exported.json")).unwrap();
    let model = XgbModel::from_json(&text).unwrap();
    assert_eq!(model.target(), TargetTransform::Log1p);
    assert_eq!(model.feature_names(), ["x", "gap", "code", "count"]);
    let (table, _) = features("table.csv");
    let margin = model.predict_raw(&table).unwrap();
    assert_close(&margin, &expected("exported", "margin"), "margin");
    // XGBoost does not know the transform: its prediction is the log1p value, ours the sales.
    let sales = model.predict(&table).unwrap();
    for (s, m) in sales.iter().zip(&margin) {
        assert!((s - m.exp_m1()).abs() <= 1e-9 * s.abs());
    }
}

#[test]
fn our_classifier_export_scores_as_xgboost_scores_it() {
    // XGBoost keeps a logistic model's base score as a probability and takes its logit.
    let text = std::fs::read_to_string(format!("{DIR}exported_logistic.json")).unwrap();
    let model = XgbModel::from_json(&text).unwrap();
    assert_eq!(model.objective(), Objective::Logistic);
    let (table, _) = features("table.csv");
    let file = "exported_logistic";
    assert_close(
        &model.predict_raw(&table).unwrap(),
        &expected(file, "margin"),
        "margin",
    );
    assert_close(
        &model.predict(&table).unwrap(),
        &expected(file, "prediction"),
        "probability",
    );
}

#[test]
fn a_fresh_export_keeps_our_predictions_and_matches_xgboost() {
    // The fixture example's training, from its table: if training changes, regenerate the
    // fixtures (commands in make_fixtures.py); the exactness checks hold regardless.
    let (train, y) = features("train.csv");
    let params = GbdtParams {
        n_trees: 25,
        max_depth: 4,
        learning_rate: 0.3,
        target: TargetTransform::Log1p,
        ..GbdtParams::default()
    };
    let model = params
        .fit(&Dataset::new(train, y.unwrap()).unwrap(), None)
        .unwrap();
    let export = XgbModel::from_gbdt(&model).unwrap();
    let (table, _) = features("table.csv");
    let ours = model.predict_raw(&table).unwrap();
    let exported = export.predict_raw(&table).unwrap();
    for (a, b) in ours.iter().zip(&exported) {
        assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "{a} {b}");
    }
    let back = XgbModel::from_json(&export.to_json()).unwrap();
    assert_eq!(back.predict_raw(&table).unwrap(), exported);
    assert_close(
        &ours,
        &expected("exported", "margin"),
        "fresh model vs XGBoost",
    );
    assert_close(
        &model.predict(&table).unwrap(),
        &LoadedModel::from_json(&export.to_json())
            .unwrap()
            .predict(&table)
            .unwrap(),
        "predictions after the transform",
    );
}

#[test]
fn xgboost_models_score_as_xgboost_scores_them() {
    let (table, _) = features("table.csv");
    for (name, objective) in [
        ("squarederror", Objective::SquaredError),
        ("absoluteerror", Objective::AbsoluteError),
        ("logistic", Objective::Logistic),
        ("poisson", Objective::Poisson),
    ] {
        let text = std::fs::read_to_string(format!("{DIR}xgb_{name}.json")).unwrap();
        let LoadedModel::Xgboost(model) = LoadedModel::from_json(&text).unwrap() else {
            panic!("{name}: read as ours");
        };
        assert_eq!(model.objective(), objective, "{name}");
        assert_eq!(model.target(), TargetTransform::Identity);
        let file = format!("xgb_{name}");
        assert_close(
            &model.predict_raw(&table).unwrap(),
            &expected(&file, "margin"),
            &format!("{name} margin"),
        );
        assert_close(
            &model.predict(&table).unwrap(),
            &expected(&file, "prediction"),
            &format!("{name} prediction"),
        );
    }
}

#[test]
fn columns_are_found_by_name_whatever_their_order() {
    let text = std::fs::read_to_string(format!("{DIR}xgb_squarederror.json")).unwrap();
    let model = LoadedModel::from_json(&text).unwrap();
    let (mut table, _) = features("table.csv");
    let straight = model.predict(&table).unwrap();
    table.reverse();
    table.push(Feature::numeric("unused", vec![0.0; table[0].values.len()]));
    assert_eq!(model.predict(&table).unwrap(), straight);
    table.retain(|f| f.name != "gap");
    let missing = model.predict(&table).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "the model needs a column \"gap\", which the data does not have"
    );
}
