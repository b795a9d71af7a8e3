//! Use case 2.2 end to end on a generated Bosch stream whose defect rule changes at a known
//! point: the bytes of `train_numeric.csv`, cut in 64 KiB chunks, go through `tabular`'s row
//! stream into the prequential stream with the default settings. The drift is found within a
//! bounded delay after the change and not before, the model recovers (its MCC on the parts after
//! the change is far above the baselines'), alerts name the measurements of the rule in force,
//! and the default model beats the other models on MCC.

use learn::online::metrics::Confusion;
use learn::online::prequential::{ModelParams, Part, Prequential, StreamParams, StreamReport};
use learn::online::{Alert, HoeffdingParams, LogisticParams};
use samples::bosch::{self, StreamOptions};
use tabular::rows::{RowStream, RowsOptions, SparseRow};

const SEED: u64 = 2;
const SCALE: f64 = 0.04;
const CHANGE: f64 = 0.5;

/// A part as read: id, failed, measurements.
struct Read {
    id: u64,
    failed: bool,
    features: Vec<u32>,
    values: Vec<f32>,
}

/// The generated stream, parsed once for all tests (through the row stream, in chunks).
fn parts() -> &'static (Vec<String>, Vec<Read>) {
    static PARTS: std::sync::OnceLock<(Vec<String>, Vec<Read>)> = std::sync::OnceLock::new();
    PARTS.get_or_init(|| {
        let options = StreamOptions {
            time_ordered: true,
            rule_change: Some(CHANGE),
        };
        let mut bytes = Vec::new();
        bosch::write_stream("train_numeric.csv", SCALE, SEED, &options, &mut bytes).unwrap();
        let mut parts = Vec::new();
        let mut keep = |r: &SparseRow| {
            parts.push(Read {
                id: r.id,
                failed: r.target == Some(true),
                features: r.features.to_vec(),
                values: r.values.to_vec(),
            })
        };
        let mut rows = RowStream::new("train_numeric.csv", RowsOptions::default());
        for chunk in bytes.chunks(64 * 1024) {
            rows.push(chunk, &mut keep).unwrap();
        }
        let summary = rows.finish(&mut keep).unwrap();
        (summary.features, parts)
    })
}

fn change_row() -> u64 {
    (CHANGE * bosch::part_count(SCALE) as f64).ceil() as u64
}

/// Runs the stream (a part's time is its row); calls `each` with every part's index, outcome
/// and alert.
fn run(params: &StreamParams, mut each: impl FnMut(u64, bool, Option<&Alert>)) -> StreamReport {
    let (names, parts) = parts();
    let mut stream = Prequential::new(params, names.clone()).unwrap();
    for (i, p) in parts.iter().enumerate() {
        let scored = stream.process(Part {
            id: p.id,
            time: i as f64,
            features: &p.features,
            values: &p.values,
            failed: Some(p.failed),
        });
        each(i as u64, p.failed, scored.alert.as_ref());
    }
    stream.finish()
}

/// The default stream's report, and its alerts' quality after the change.
fn default_run() -> &'static (StreamReport, Confusion, [usize; 2]) {
    static RUN: std::sync::OnceLock<(StreamReport, Confusion, [usize; 2])> =
        std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let change = change_row();
        let (old, new) = (bosch::defect_rule(SEED), bosch::changed_rule(SEED));
        let mut after = Confusion::default();
        // Alerts from 10,000 parts after the change (once the model has followed it) whose
        // first measurement is one of the old rule's, and one of the new rule's. (Others of
        // the five named may be any of the station's, which are correlated.)
        let mut named = [0usize; 2];
        let report = run(&StreamParams::default(), |i, failed, alert| {
            if i < change {
                return;
            }
            after.add(alert.is_some(), failed);
            if let Some(a) = alert.filter(|_| i >= change + 10_000) {
                let has = |f: &str| a.measurements.first().is_some_and(|m| m.name == f);
                named[0] += usize::from(has(old.feature_a) || has(old.feature_b));
                named[1] += usize::from(has(new.feature_a) || has(new.feature_b));
            }
        });
        (report, after, named)
    })
}

#[test]
fn drift_is_found_soon_after_the_change_and_not_before() {
    let (report, _, _) = default_run();
    let change = change_row();
    assert_eq!(report.model, "windowed_gbdt");
    let first = report.drifts.first().expect("a drift is found").index;
    // Within 4,000 parts: about 25 failures at Bosch's rate.
    assert!(
        first >= change && first < change + 4_000,
        "{:?} (change at {change})",
        report.drifts
    );
}

#[test]
fn the_model_recovers_and_alerts_on_the_new_rule() {
    let (report, after, named) = default_run();
    // After the change, the alerts are good: MCC well above the baselines' (about 0).
    assert!(after.mcc() > 0.25, "{after:?}");
    assert!(report.rate_based.mcc.abs() < 0.05 && report.always_pass.mcc == 0.0);
    // The last window (all after the change) is better still.
    assert!(
        report.window.mcc > 0.35 && report.window.auc > 0.85,
        "{:?}",
        report.window
    );
    // Over the whole stream, the targets: MCC at least 0.15, AUC at least 0.75.
    assert!(report.overall.mcc >= 0.15, "{:?}", report.overall);
    assert!(report.overall.auc >= 0.75, "{:?}", report.overall);
    // Alerts once the model has followed are explained by the new rule's measurements.
    assert!(named[1] > 3 * named[0].max(1), "{named:?}");
}

#[test]
fn the_default_model_has_the_best_mcc() {
    let default = default_run().0.overall.mcc;
    let mcc = |model: ModelParams| {
        let params = StreamParams {
            model,
            ..StreamParams::default()
        };
        run(&params, |_, _, _| {}).overall.mcc
    };
    let logistic = mcc(ModelParams::Logistic(LogisticParams::default()));
    let tree = mcc(ModelParams::Hoeffding(HoeffdingParams::default()));
    assert!(
        default > logistic && default > tree,
        "{default} {logistic} {tree}"
    );
}
