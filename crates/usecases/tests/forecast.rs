//! The forecast pipeline on the Rossmann sample: the model must beat the naive baseline, early
//! stopping must find the tree count that the refit then uses, the holdout's counts must add
//! up, the feature table must be the one the model scores, and the `Customers` leak of the seed
//! set must show.

use learn::gbdt::{LoadedModel, TargetTransform};
use samples::Dataset;
use tabular::{read_bytes, ReadOptions, Table};
use usecases::forecast::features::FeatureSet;
use usecases::forecast::{export_features, run, ForecastInputs, ForecastParams, ModelFile};

fn sample_table(file: &str, scale: f64) -> Table {
    let bytes = samples::file_bytes(Dataset::Rossmann, file, scale, 7);
    read_bytes(file, &bytes, ReadOptions::default()).unwrap()
}

/// The defaults with fewer, smaller trees, for a debug build.
fn quick_params() -> ForecastParams {
    ForecastParams {
        trees: 60,
        leaves: 31,
        depth: 6,
        ..ForecastParams::default()
    }
}

fn inputs<'a>(
    train: &'a Table,
    store: Option<&'a Table>,
    test: Option<&'a Table>,
) -> ForecastInputs<'a> {
    ForecastInputs {
        train,
        store,
        test,
        model: None,
    }
}

#[test]
fn full_model_beats_the_weekday_promo_baseline_and_forecasts_test_csv() {
    let train = sample_table("train.csv", 0.03);
    let store = sample_table("store.csv", 0.03);
    let test = sample_table("test.csv", 0.03);
    let mut stopping_trees = 0;
    let mut refit_trees = 0;
    let forecast = run(
        inputs(&train, Some(&store), Some(&test)),
        &quick_params(),
        &mut |p| {
            match p.stage {
                "stop" => stopping_trees = stopping_trees.max(p.done),
                "train" => refit_trees = refit_trees.max(p.done),
                _ => {}
            }
            true
        },
    )
    .unwrap();
    let report = &forecast.report;
    assert!(
        report.metrics.mae < 0.9 * report.baseline.mae,
        "model MAE {} vs baseline {}",
        report.metrics.mae,
        report.baseline.mae
    );
    assert!(report.metrics.rmspe < report.baseline.rmspe);
    assert!(!report.losses.worse_mae && report.losses.stores_worse < report.losses.stores);
    assert_eq!(report.days.len(), 42);

    // Early stopping found the count on the 42 days before validation, and the refit used it.
    let early = report.early_stopping.as_ref().unwrap();
    assert_eq!(
        (early.from.as_str(), early.to.as_str()),
        ("2015-05-09", "2015-06-19")
    );
    assert!(early.refit);
    assert_eq!(early.rows + early.rows_fit, report.rows_train);
    assert!(early.best_trees >= 1 && early.best_trees <= early.trees_tried);
    assert!(early.trees_tried == 60 || early.trees_tried == early.best_trees + early.rounds);
    assert_eq!(stopping_trees as usize, early.trees_tried);
    assert_eq!(refit_trees as usize, early.best_trees);
    assert_eq!(report.trees, early.best_trees);
    assert_eq!(report.model.target, TargetTransform::Log1p);

    // 42 days held out, every open day of every store scored; the exclusions add up.
    let holdout = &report.holdout;
    assert_eq!(report.valid_to, "2015-07-31");
    assert_eq!(report.valid_from, "2015-06-20");
    assert_eq!(holdout.days, 42);
    assert_eq!(holdout.rows_valid, report.rows_valid);
    assert_eq!(
        holdout.rows_rmspe + holdout.rows_zero_sales,
        holdout.rows_valid
    );
    let stores = forecast.stores().len();
    assert_eq!(holdout.rows_valid + holdout.rows_closed, 42 * stores);
    assert!(
        holdout.rows_closed >= 3 * stores,
        "most stores close on Sundays"
    );
    assert_eq!(
        holdout.rows_train + holdout.rows_train_excluded + 42 * stores,
        train.n_rows
    );
    assert!(report.rows_valid > 0 && report.rows_train > 10 * report.rows_valid);
    // The seed comparison trains too, with its own time.
    let comparison = report.comparison.as_ref().unwrap();
    assert_eq!(comparison.feature_set, FeatureSet::Seed);
    assert!(comparison.seconds.train > 0.0);
    assert!(report.seconds.features > 0.0 && report.seconds.train > 0.0);
    assert!(report.importance[0].gain > 0.0);

    assert_eq!(report.rows_forecast, test.n_rows);
    let mut csv = Vec::new();
    assert!(forecast.write_test_csv(&mut csv).unwrap());
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), test.n_rows + 1);
    assert!(text.starts_with("Id,Sales\n1,"));

    let store_id = forecast.stores()[0];
    let series = forecast.store_series(store_id, 30);
    let predicted_days = series.predicted.iter().filter(|p| p.is_some()).count();
    assert!(
        predicted_days >= 42,
        "validation and forecast days: {predicted_days}"
    );
}

#[test]
fn the_feature_table_is_what_the_model_scores_and_its_export_reads_it_back() {
    let train = sample_table("train.csv", 0.01);
    let store = sample_table("store.csv", 0.01);
    let params = ForecastParams {
        early_stopping_days: 0,
        trees: 15,
        compare_seed: false,
        ..quick_params()
    };
    let forecast = run(inputs(&train, Some(&store), None), &params, &mut |_| true).unwrap();
    let mut table = Vec::new();
    let written = export_features(inputs(&train, Some(&store), None), &params, &mut table).unwrap();
    let table = String::from_utf8(table).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["Set", "Date", "Sales"]);
    assert_eq!(header[3..], forecast.report.features[..]);
    assert_eq!(header.iter().filter(|h| **h == "Store").count(), 1);
    assert_eq!(
        written,
        forecast.report.rows_train + forecast.report.rows_valid
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), written);
    let valid: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "valid").collect();
    assert_eq!(valid.len(), forecast.report.rows_valid);
    assert!(rows.iter().all(|r| r[0] == "train" || r[0] == "valid"));

    // The model as XGBoost would load it scores the table's validation rows as the run did.
    let xgboost = forecast.xgboost_json().unwrap().unwrap();
    let loaded = LoadedModel::from_json(&xgboost).unwrap();
    assert_eq!(loaded.target(), TargetTransform::Log1p);
    let columns: Vec<learn::gbdt::Feature> = header[3..]
        .iter()
        .enumerate()
        .map(|(c, name)| {
            learn::gbdt::Feature::numeric(
                *name,
                valid
                    .iter()
                    .map(|r| r[c + 3].parse().unwrap_or(f32::NAN))
                    .collect(),
            )
        })
        .collect();
    let from_table = loaded.predict(&columns).unwrap();
    let mut out = Vec::new();
    forecast.write_validation_csv(&mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    for (line, p) in out.lines().skip(1).zip(&from_table) {
        let predicted: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        assert!(
            (predicted - p.max(0.0)).abs() <= 0.005 + 1e-5 * p,
            "{line} {p}"
        );
    }

    // And read back through the pipeline it gives the same scores.
    let again = run(
        ForecastInputs {
            model: Some(ModelFile {
                name: "forecast_model_xgboost.json".into(),
                text: &xgboost,
            }),
            ..inputs(&train, Some(&store), None)
        },
        &params,
        &mut |_| true,
    )
    .unwrap();
    let (a, b) = (again.report.metrics, forecast.report.metrics);
    assert!((a.mae - b.mae).abs() < 1e-6 * b.mae, "{a:?} {b:?}");
    assert_eq!(again.report.model.format, "xgboost");
}

#[test]
fn a_model_file_reading_an_unknown_feature_is_refused_by_name() {
    let train = sample_table("train.csv", 0.01);
    let model = r#"{"learner":{"attributes":{},"feature_names":["StoreLevel","Weather"],
        "feature_types":["float","float"],"gradient_booster":{"model":{"gbtree_model_param":
        {"num_trees":"1"},"trees":[{"base_weights":[0.0],"default_left":[0],"left_children":[-1],
        "right_children":[-1],"split_conditions":[1.0],"split_indices":[0],"split_type":[0],
        "categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],
        "loss_changes":[0.0],"parents":[2147483647],"sum_hessian":[1.0],"id":0,
        "tree_param":{"num_nodes":"1","num_feature":"2"}}],"tree_info":[0]},"name":"gbtree"},
        "learner_model_param":{"base_score":"5E-1","num_feature":"2","num_target":"1"},
        "objective":{"name":"reg:squarederror"}},"version":[3,2,0]}"#;
    let error = run(
        ForecastInputs {
            model: Some(ModelFile {
                name: "other.json".into(),
                text: model,
            }),
            ..inputs(&train, None, None)
        },
        &ForecastParams::default(),
        &mut |_| true,
    );
    let message = match error {
        Err(e) => e.to_string(),
        Ok(_) => match LoadedModel::from_json(model) {
            Err(e) => panic!("the fixture model does not read: {e}"),
            Ok(_) => panic!("a model reading Weather scored"),
        },
    };
    assert!(message.contains("other.json reads Weather"), "{message}");
}

#[test]
fn without_a_refit_the_model_is_the_early_stopped_one() {
    let train = sample_table("train.csv", 0.01);
    let params = ForecastParams {
        refit: false,
        compare_seed: false,
        ..quick_params()
    };
    let forecast = run(inputs(&train, None, None), &params, &mut |_| true).unwrap();
    let early = forecast.report.early_stopping.as_ref().unwrap();
    assert!(!early.refit);
    assert_eq!(forecast.report.trees, early.best_trees);
    assert_eq!(forecast.model.as_ref().unwrap().n_trees(), early.best_trees);
}

/// Natively on two threads, the early-stopping fit and the refit run side by side; the model is
/// the one a refit trained afterwards with the count found makes, tree for tree.
#[cfg(feature = "threads")]
#[test]
fn the_refit_beside_early_stopping_is_the_refit_after_it() {
    let train = sample_table("train.csv", 0.01);
    let params = ForecastParams {
        compare_seed: false,
        ..quick_params()
    };
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut stages = Vec::new();
        let forecast = pool
            .install(|| {
                run(inputs(&train, None, None), &params, &mut |p| {
                    stages.push((p.stage, p.done));
                    true
                })
            })
            .unwrap();
        let last_train = stages.iter().rev().find(|(s, _)| *s == "train").copied();
        (forecast, last_train)
    };
    let (after, after_train) = on(1);
    let (beside, beside_train) = on(2);
    let early = beside.report.early_stopping.as_ref().unwrap();
    let early_after = after.report.early_stopping.as_ref().unwrap();
    assert!(early.refit);
    assert_eq!(early.best_trees, early_after.best_trees);
    assert_eq!(early.trees_tried, early_after.trees_tried);
    assert_eq!(
        beside.model.as_ref().unwrap().to_json(),
        after.model.as_ref().unwrap().to_json()
    );
    assert_eq!(beside.report.metrics.mae, after.report.metrics.mae);
    assert_eq!(after_train, Some(("train", early.best_trees as u64)));
    assert_eq!(beside_train, after_train);
}

#[test]
fn cancelling_stops_training() {
    let train = sample_table("train.csv", 0.01);
    let result = run(inputs(&train, None, None), &quick_params(), &mut |p| {
        p.done < 5
    });
    assert!(matches!(result, Err(usecases::UseCaseError::Cancelled)));
}

#[test]
fn a_holdout_longer_than_the_file_is_refused_with_the_range() {
    let train = sample_table("train.csv", 0.01);
    let params = ForecastParams {
        holdout_days: 5000,
        ..quick_params()
    };
    let error = run(inputs(&train, None, None), &params, &mut |_| true)
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot hold out 5000 days"), "{error}");
}

#[test]
fn parameters_are_checked_under_their_own_names() {
    use usecases::params::Check;
    let name = |params: ForecastParams| match params.check() {
        Err(usecases::UseCaseError::Param { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        name(ForecastParams {
            leaves: 1,
            ..ForecastParams::default()
        }),
        "leaves"
    );
    assert_eq!(
        name(ForecastParams {
            min_child_weight: -1.0,
            ..ForecastParams::default()
        }),
        "minChildWeight"
    );
    assert_eq!(
        name(ForecastParams {
            feature_fraction: 0.0,
            ..ForecastParams::default()
        }),
        "featureFraction"
    );
    assert_eq!(
        name(ForecastParams {
            early_stopping_rounds: 0,
            ..ForecastParams::default()
        }),
        "earlyStoppingRounds"
    );
    assert_eq!(ForecastParams::default().check().ok(), Some(()));
}
