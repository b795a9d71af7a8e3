//! The forecast pipeline on the Rossmann sample: the model must beat the naive baseline, and the
//! `Customers` leak of the seed set must show.

use samples::Dataset;
use tabular::{read_bytes, ReadOptions, Table};
use usecases::forecast::features::FeatureSet;
use usecases::forecast::{run, ForecastInputs, ForecastParams};

fn sample_table(file: &str, scale: f64) -> Table {
    let mut bytes = Vec::new();
    samples::write_file(Dataset::Rossmann, file, scale, 7, &mut bytes).unwrap();
    read_bytes(file, &bytes, ReadOptions::default()).unwrap()
}

fn quick_params() -> ForecastParams {
    ForecastParams {
        trees: 60,
        depth: 6,
        learning_rate: 0.2,
        ..ForecastParams::default()
    }
}

#[test]
fn full_model_beats_the_weekday_promo_baseline_and_forecasts_test_csv() {
    let train = sample_table("train.csv", 0.03);
    let store = sample_table("store.csv", 0.03);
    let test = sample_table("test.csv", 0.03);
    let inputs = ForecastInputs {
        train: &train,
        store: Some(&store),
        test: Some(&test),
    };
    let mut trees_seen = 0;
    let forecast = run(inputs, &quick_params(), &mut |p| {
        if p.stage == "train" {
            trees_seen = trees_seen.max(p.done);
        }
        true
    })
    .unwrap();
    let report = &forecast.report;
    assert_eq!(trees_seen, 60);
    assert!(
        report.metrics.mae < 0.9 * report.baseline.mae,
        "model MAE {} vs baseline {}",
        report.metrics.mae,
        report.baseline.mae
    );
    assert!(report.metrics.rmspe < report.baseline.rmspe);
    // 42 days held out, every open day of every store scored.
    assert_eq!(report.valid_to, "2015-07-31");
    assert_eq!(report.valid_from, "2015-06-20");
    assert!(report.rows_valid > 0 && report.rows_train > 10 * report.rows_valid);
    // The seed comparison sees Customers, which nearly gives the answer away.
    let comparison = report.comparison.as_ref().unwrap();
    assert_eq!(comparison.feature_set, FeatureSet::Seed);
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
fn cancelling_stops_training() {
    let train = sample_table("train.csv", 0.01);
    let inputs = ForecastInputs {
        train: &train,
        store: None,
        test: None,
    };
    let result = run(inputs, &quick_params(), &mut |p| p.done < 5);
    assert!(matches!(result, Err(usecases::UseCaseError::Cancelled)));
}

#[test]
fn a_holdout_longer_than_the_file_is_refused_with_the_range() {
    let train = sample_table("train.csv", 0.01);
    let inputs = ForecastInputs {
        train: &train,
        store: None,
        test: None,
    };
    let params = ForecastParams {
        holdout_days: 5000,
        ..quick_params()
    };
    let error = run(inputs, &params, &mut |_| true).unwrap_err().to_string();
    assert!(error.contains("cannot hold out 5000 days"), "{error}");
}
