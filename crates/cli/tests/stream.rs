//! `vitrine stream` as the issue words it: the options it names are accepted, the JSON carries
//! the fields it lists (drifts as objects with the part's 0-based row), the alerts and scores
//! files are written, and a bad option is named. The models' quality is tested in `learn` and
//! `usecases`; here a small generated stream checks the command's contract.

mod common;
use common::{failure, json, scratch, vitrine};

#[test]
fn the_issue_s_options_and_fields() {
    let dir = scratch("stream");
    let out = dir.to_str().unwrap();
    json(&vitrine(&[
        "sample", "bosch", "--out", out, "--stream", "--change", "0.5", "--parts", "1500",
    ]));
    let numeric = dir.join("train_numeric.csv");
    let date = dir.join("train_date.csv");
    let alerts = dir.join("alerts.csv");
    let scores = dir.join("scores.csv");
    let report = json(&vitrine(&[
        "stream",
        "--numeric",
        numeric.to_str().unwrap(),
        "--date",
        date.to_str().unwrap(),
        "--model",
        "logistic",
        "--window",
        "500",
        "--retrain-every",
        "100",
        "--threshold",
        "0.02",
        "--label-delay",
        "10",
        "--alerts-out",
        alerts.to_str().unwrap(),
        "--scores-out",
        scores.to_str().unwrap(),
    ]));
    for key in [
        "rows",
        "mcc",
        "auc",
        "alerts",
        "true_alerts",
        "rows_per_s",
        "peak_memory_bytes",
    ] {
        assert!(report[key].is_number(), "{key}: {}", report[key]);
    }
    assert_eq!(report["rows"], 1500);
    assert_eq!(report["time_ordered"], true);
    assert_eq!(report["model"], "logistic");
    for drift in report["drifts"].as_array().unwrap() {
        assert!(drift["row"].as_u64().unwrap() < 1500, "{drift}");
    }
    // Every part scored once in the scores file; one line per alert in the alerts file.
    let scored = std::fs::read_to_string(&scores).unwrap();
    assert_eq!(scored.lines().count(), 1 + 1500);
    let alerted = std::fs::read_to_string(&alerts).unwrap();
    assert_eq!(
        alerted.lines().count() as u64,
        1 + report["alerts"].as_u64().unwrap()
    );

    let message = failure(&vitrine(&[
        "stream",
        "--numeric",
        numeric.to_str().unwrap(),
        "--model",
        "forest",
    ]));
    assert!(message.contains("model"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}
