//! Benchmark of use case 2.2's engine: the prequential stream over a time-ordered CSV with a 0/1
//! target, from raw bytes (parsing included), beside `shared/bench/peer_stream.py` (River).
//!
//! ```text
//! # a time-ordered Bosch-shaped stream whose defect rule changes half-way
//! cargo run --release -p learn --example stream_bench -- generate --out DIR --scale 0.05 \
//!     [--seed 42] [--change 0.5]
//! # the stream, one JSON line per model
//! cargo run --release -p learn --example stream_bench -- run DIR/train_numeric.csv \
//!     [--model logistic|hoeffding|gbdt|all] [--delay PARTS] [--detector adwin|ph|none]
//!     [--threshold mcc|precision:P|fixed:R] [--change-row N] [--max-rows N] [--chunk BYTES]
//!     [--grace N] [--leaf majority|bayes|adaptive] [--lr R] [--sgd] [--on-drift ...]
//!     [--window N] [--every N] [--trees N] [--depth N] [--no-adapt] [--buckets N]
//!     [--threshold-min-failures N] [--min-mcc M] [--flood F] [--initial R]
//! ```
//!
//! ```text
//! # the time-ordered replay of Id-ordered files (parts' times from train_date.csv), in
//! # passes of at most --max-parts parts; --id-order runs the same stream in file order
//! cargo run --release -p learn --example stream_bench -- generate --out DIR --random-times ...
//! cargo run --release -p learn --example stream_bench -- replay DIR [--max-parts N]
//!     [--change-time T] [--id-order]
//! ```
//!
//! With `run`, a part's time is its row number (the generated stream is in time order). With
//! `--change-row`, the output adds the stream's metrics on the parts after the change (MCC and
//! AUC of those parts, and of the last `--tail` of them) and the delay of the first drift
//! detected after it. `parse_seconds` is a pass that only parses, for the cost of reading.
//! `--buckets N` adds, per N parts, the alerts, true alerts, failures and the threshold at the
//! bucket's end (where alerts flood, and why).

use learn::online::adwin::AdwinParams;
use learn::online::drift::DetectorParams;
use learn::online::hoeffding::{HoeffdingParams, LeafPrediction};
use learn::online::logistic::{LogisticDrift, LogisticParams, Optimizer};
use learn::online::metrics::{score_bin, Confusion, ScoreHistogram};
use learn::online::page_hinkley::{Direction, PageHinkleyParams};
use learn::online::prequential::{
    DriftSignal, LabelDelay, ModelParams, Part, Prequential, StreamParams,
};
use learn::online::windowed::{Span, WindowedParams};
use learn::online::{ThresholdParams, ThresholdRule};
use std::io::Read;
use std::time::Instant;
use tabular::rows::{RowStream, RowsOptions, SparseRow};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("replay") => replay(&args[1..]),
        _ => {
            Err("usage: stream_bench generate --out DIR ... | run FILE ... | replay DIR ...".into())
        }
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

/// The value after flag `name`, if given.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("{name}: not a number: {v}")),
    }
}

/// Seconds this thread has spent on a CPU (Linux's schedstat), to measure beside the wall
/// clock on a shared machine; `NaN` elsewhere.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

fn generate(args: &[String]) -> Result<(), String> {
    let out = flag(args, "--out").ok_or("--out DIR is required")?;
    let scale: f64 = number(args, "--scale", 0.05)?;
    let seed: u64 = number(args, "--seed", 42)?;
    let change: f64 = number(args, "--change", 0.5)?;
    let options = samples::bosch::StreamOptions {
        time_ordered: !args.iter().any(|a| a == "--random-times"),
        rule_change: (change > 0.0).then_some(change),
    };
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    for file in ["train_numeric.csv", "train_date.csv"] {
        let path = std::path::Path::new(out).join(file);
        let f = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        samples::bosch::write_stream(file, scale, seed, &options, &mut w)
            .map_err(|e| e.to_string())?;
    }
    let parts = samples::bosch::part_count(scale);
    let change_row = options
        .rule_change
        .map(|c| (c * parts as f64).ceil() as u64);
    println!(
        "{{\"dir\":\"{out}\",\"parts\":{parts},\"seed\":{seed},\"change_row\":{}}}",
        change_row.map_or("null".into(), |r| r.to_string())
    );
    Ok(())
}

/// The models to run, by name, with the flags' settings.
fn models(args: &[String]) -> Result<Vec<ModelParams>, String> {
    let which = flag(args, "--model").unwrap_or("all");
    let mut logistic = LogisticParams::default();
    logistic.learning_rate = number(args, "--lr", logistic.learning_rate)?;
    logistic.l2 = number(args, "--l2", logistic.l2)?;
    if args.iter().any(|a| a == "--sgd") {
        logistic.optimizer = Optimizer::Sgd;
    }
    logistic.on_drift = match flag(args, "--on-drift") {
        Some("restart") => LogisticDrift::Restart,
        Some("ignore") => LogisticDrift::Ignore,
        _ => logistic.on_drift,
    };
    let mut tree = HoeffdingParams::default();
    tree.grace_period = number(args, "--grace", tree.grace_period)?;
    tree.leaf = match flag(args, "--leaf") {
        Some("majority") => LeafPrediction::Majority,
        Some("bayes") => LeafPrediction::NaiveBayes,
        Some("adaptive") => LeafPrediction::Adaptive,
        _ => tree.leaf,
    };
    let mut gbdt = WindowedParams::default();
    if let Some(w) = flag(args, "--window") {
        gbdt.window = Span::Parts {
            count: w.parse().map_err(|_| "--window")?,
        };
    }
    if let Some(n) = flag(args, "--every") {
        gbdt.retrain_every = Span::Parts {
            count: n.parse().map_err(|_| "--every")?,
        };
    }
    gbdt.gbdt.n_trees = number(args, "--trees", gbdt.gbdt.n_trees)?;
    gbdt.min_failures = number(args, "--min-failures", gbdt.min_failures)?;
    gbdt.max_features = number(args, "--max-features", gbdt.max_features)?;
    gbdt.gbdt.max_depth = number(args, "--depth", gbdt.gbdt.max_depth)?;
    Ok(match which {
        "logistic" => vec![ModelParams::Logistic(logistic)],
        "hoeffding" => vec![ModelParams::Hoeffding(tree)],
        "gbdt" => vec![ModelParams::WindowedGbdt(gbdt)],
        "all" => vec![
            ModelParams::Logistic(logistic),
            ModelParams::Hoeffding(tree),
            ModelParams::WindowedGbdt(gbdt),
        ],
        other => return Err(format!("--model: unknown {other}")),
    })
}

fn stream_params(args: &[String], model: ModelParams) -> Result<StreamParams, String> {
    let mut p = StreamParams {
        model,
        ..StreamParams::default()
    };
    p.label_delay = LabelDelay::Parts {
        count: number(args, "--delay", 0)?,
    };
    p.detector = match flag(args, "--detector") {
        None => p.detector,
        Some("adwin") => DetectorParams::Adwin(AdwinParams {
            delta: number(args, "--adwin-delta", 0.002)?,
            ..AdwinParams::default()
        }),
        Some("ph") => DetectorParams::PageHinkley(PageHinkleyParams {
            direction: Direction::Up,
            threshold: number(args, "--ph-threshold", 4.0)?,
            delta: number(args, "--ph-delta", 0.05)?,
            ..PageHinkleyParams::default()
        }),
        Some("none") => DetectorParams::None,
        Some(other) => return Err(format!("--detector: unknown {other}")),
    };
    p.threshold = ThresholdParams {
        rule: match flag(args, "--threshold") {
            None | Some("mcc") => ThresholdRule::MaxMcc,
            Some(t) if t.starts_with("precision:") => ThresholdRule::TargetPrecision {
                precision: t[10..].parse().map_err(|_| "--threshold precision:P")?,
            },
            Some(t) if t.starts_with("fixed:") => ThresholdRule::Fixed {
                risk: t[6..].parse().map_err(|_| "--threshold fixed:R")?,
            },
            Some(other) => return Err(format!("--threshold: unknown {other}")),
        },
        ..p.threshold.clone()
    };
    if let Some(initial) = flag(args, "--initial") {
        p.threshold.initial = Some(initial.parse().map_err(|_| "--initial")?);
    }
    p.threshold.flood_factor = number(args, "--flood", p.threshold.flood_factor)?;
    p.threshold.window = number(args, "--threshold-window", p.threshold.window)?;
    p.threshold.every = number(args, "--threshold-every", p.threshold.every)?;
    p.threshold.min_failures = number(args, "--threshold-min-failures", p.threshold.min_failures)?;
    p.threshold.min_mcc = number(args, "--min-mcc", p.threshold.min_mcc)?;
    p.adapt_on_drift = !args.iter().any(|a| a == "--no-adapt");
    p.drift_signal = match flag(args, "--signal") {
        None | Some("rank") => DriftSignal::FailureRank,
        Some("errors") => DriftSignal::AlertErrors,
        Some(other) => return Err(format!("--signal: unknown {other}")),
    };
    p.drift_grace = number(args, "--grace-drift", p.drift_grace)?;
    p.metrics_window = number(args, "--metrics-window", p.metrics_window)?;
    p.timeline_every = number(args, "--timeline-every", p.timeline_every)?;
    p.check().map_err(|e| e.to_string())?;
    Ok(p)
}

/// Reads `path` in chunks of `chunk` bytes through the row stream, calling `each` per row.
fn read_rows(
    path: &str,
    chunk: usize,
    max_rows: u64,
    mut each: impl FnMut(&SparseRow),
) -> Result<Vec<String>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut stream = RowStream::new(path, RowsOptions::default());
    let mut buf = vec![0u8; chunk];
    let mut rows = 0u64;
    let mut keep = |r: &SparseRow| {
        if max_rows == 0 || rows < max_rows {
            each(r);
        }
        rows += 1;
    };
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        stream
            .push(&buf[..n], &mut keep)
            .map_err(|e| e.to_string())?;
    }
    Ok(stream
        .finish(&mut keep)
        .map_err(|e| e.to_string())?
        .features)
}

fn run(args: &[String]) -> Result<(), String> {
    let path = args.first().ok_or("run FILE")?.clone();
    let chunk: usize = number(args, "--chunk", 1 << 20)?;
    let max_rows: u64 = number(args, "--max-rows", 0)?;
    let change_row: Option<u64> = flag(args, "--change-row").and_then(|v| v.parse().ok());
    let tail: u64 = number(args, "--tail", 20_000)?;

    // Parsing alone, for the cost of reading.
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut parsed = 0u64;
    let names = read_rows(&path, chunk, max_rows, |_| parsed += 1)?;
    let parse_seconds = start.elapsed().as_secs_f64();
    let parse_cpu = cpu_seconds() - cpu_start;
    let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
    println!(
        "{{\"parse_only\":true,\"rows\":{parsed},\"bytes\":{bytes},\"parse_seconds\":{parse_seconds:.3},\"parse_cpu_seconds\":{parse_cpu:.3},\"mb_per_s\":{:.1},\"mb_per_cpu_s\":{:.1}}}",
        bytes as f64 / 1e6 / parse_seconds,
        bytes as f64 / 1e6 / parse_cpu
    );

    for model in models(args)? {
        let params = stream_params(args, model)?;
        let mut stream = Prequential::new(&params, names.clone()).map_err(|e| e.to_string())?;
        // Metrics of the parts after the change, scored at arrival (the label is the stream's).
        let mut after = (Confusion::default(), ScoreHistogram::default());
        let mut tail_metrics = (Confusion::default(), ScoreHistogram::default());
        let total_rows = if max_rows > 0 { max_rows } else { parsed };
        let mut index = 0u64;
        // Per bucket of parts: alerts, true alerts, failures, threshold at the bucket's end.
        let bucket: u64 = number(args, "--buckets", 0)?;
        let mut buckets: Vec<(u64, u64, u64, f64)> = Vec::new();
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        read_rows(&path, chunk, max_rows, |r| {
            let scored = stream.process(Part {
                id: r.id,
                time: index as f64,
                features: r.features,
                values: r.values,
                failed: r.target,
            });
            if let (Some(change), Some(failed)) = (change_row, r.target) {
                if index >= change {
                    let (alerted, bin) = (scored.alert.is_some(), score_bin(scored.risk));
                    after.0.add(alerted, failed);
                    after.1.add(bin, failed);
                    if index + tail >= total_rows {
                        tail_metrics.0.add(alerted, failed);
                        tail_metrics.1.add(bin, failed);
                    }
                }
            }
            if let Some(b) = index.checked_div(bucket) {
                let b = b as usize;
                if buckets.len() <= b {
                    buckets.push((0, 0, 0, 0.0));
                }
                let failed = r.target == Some(true);
                let alerted = scored.alert.is_some();
                buckets[b].0 += u64::from(alerted);
                buckets[b].1 += u64::from(alerted && failed);
                buckets[b].2 += u64::from(failed);
                buckets[b].3 = stream.threshold();
            }
            index += 1;
        })?;
        let report = stream.finish();
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_start;
        let drift_delay = change_row.and_then(|c| {
            report
                .drifts
                .iter()
                .find(|d| d.index >= c)
                .map(|d| d.index - c)
        });
        let drifts: Vec<u64> = report.drifts.iter().map(|d| d.index).collect();
        let mut json = serde_json::json!({
            "model": report.model,
            "rows": report.parts,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "rows_per_s": (report.parts as f64 / seconds).round(),
            "cpu_seconds": (cpu * 1000.0).round() / 1000.0,
            "rows_per_cpu_s": (report.parts as f64 / cpu).round(),
            "mcc": report.overall.mcc,
            "auc": report.overall.auc,
            "precision": report.overall.precision,
            "recall": report.overall.recall,
            "alerts": report.alerts,
            "failures": report.failures,
            "threshold": report.threshold,
            "window_mcc": report.window.mcc,
            "window_auc": report.window.auc,
            "always_pass_mcc": report.always_pass.mcc,
            "rate_based_mcc": report.rate_based.mcc,
            "rate_based_auc": report.rate_based.auc,
            "drifts": drifts,
        });
        if change_row.is_some() {
            json["after_change_mcc"] = after.0.mcc().into();
            json["after_change_auc"] = after.1.auc().into();
            json["tail_mcc"] = tail_metrics.0.mcc().into();
            json["tail_auc"] = tail_metrics.1.auc().into();
            json["drift_delay"] = drift_delay.into();
        }
        if bucket > 0 {
            json["buckets"] = serde_json::to_value(&buckets).map_err(|e| e.to_string())?;
        }
        if args.iter().any(|a| a == "--timeline") {
            let points: Vec<_> = report
                .timeline
                .iter()
                .map(|t| {
                    (
                        t.parts,
                        (t.window.auc * 1000.0).round() / 1000.0,
                        (t.window.mcc * 1000.0).round() / 1000.0,
                    )
                })
                .collect();
            json["timeline"] = serde_json::to_value(points).map_err(|e| e.to_string())?;
        }
        if let Some(a) = report.latest_alerts.last() {
            json["last_alert"] = serde_json::to_value(a).map_err(|e| e.to_string())?;
        }
        println!("{json}");
    }
    Ok(())
}

/// Reads `path` in chunks through the row stream, keeping the rows `select` accepts.
fn read_selected(
    path: &str,
    options: RowsOptions,
    mut select: impl FnMut(u64) -> bool,
    mut each: impl FnMut(&SparseRow),
) -> Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut stream = RowStream::new(path, options);
    let mut buf = vec![0u8; 1 << 20];
    let mut keep = |r: &SparseRow| each(r);
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        stream
            .push_selected(&buf[..n], &mut select, &mut keep)
            .map_err(|e| e.to_string())?;
    }
    stream
        .finish_selected(&mut select, &mut keep)
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn replay(args: &[String]) -> Result<(), String> {
    use learn::online::replay::{ReplayPlan, StartTimes};
    let dir = std::path::Path::new(args.first().ok_or("replay DIR")?);
    let numeric = dir.join("train_numeric.csv").display().to_string();
    let date = dir.join("train_date.csv").display().to_string();
    let max_parts: usize = number(args, "--max-parts", 200_000)?;
    let change_time: Option<f64> = flag(args, "--change-time").and_then(|v| v.parse().ok());
    let start = Instant::now();
    // Pass 1: the start of each part.
    let mut times = StartTimes::default();
    let date_options = RowsOptions {
        target: None,
        ..RowsOptions::default()
    };
    read_selected(
        &date,
        date_options,
        |_| true,
        |r| times.push(r.id, r.values),
    )?;
    let date_seconds = start.elapsed().as_secs_f64();
    let plan = ReplayPlan::new(times, max_parts).map_err(|e| e.to_string())?;
    // The names, from the first chunks of the numeric file.
    let names = {
        let mut head = RowStream::new(&numeric, RowsOptions::default());
        let mut file = std::fs::File::open(&numeric).map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 1 << 16];
        while head.feature_names().is_none() {
            let n = file.read(&mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            head.push(&buf[..n], &mut |_| {})
                .map_err(|e| e.to_string())?;
        }
        head.feature_names().unwrap_or(&[]).to_vec()
    };
    let params = stream_params(args, ModelParams::default())?;
    let mut stream = Prequential::new(&params, names).map_err(|e| e.to_string())?;
    let mut peak_bytes = 0usize;
    let mut last_time = f64::NEG_INFINITY;
    let mut ordered = true;
    let id_order = args.iter().any(|a| a == "--id-order");
    let passes = if id_order { 1 } else { plan.segments() };
    for k in 0..passes {
        if id_order {
            // The file order, each part at its start time (times go back and forth).
            read_selected(
                &numeric,
                RowsOptions::default(),
                |_| true,
                |r| {
                    let _ = stream.process(Part {
                        id: r.id,
                        time: r.index as f64,
                        features: r.features,
                        values: r.values,
                        failed: r.target,
                    });
                },
            )?;
            continue;
        }
        let mut buffer = plan.buffer(k);
        let mut failure = None;
        read_selected(
            &numeric,
            RowsOptions::default(),
            |row| plan.in_segment(row, k),
            |r| {
                if let Err(e) = buffer.push(&plan, r.index, r.id, r.target, r.features, r.values) {
                    failure.get_or_insert(e.to_string());
                }
            },
        )?;
        if let Some(e) = failure {
            return Err(e);
        }
        peak_bytes = peak_bytes.max(buffer.cell_bytes());
        buffer.replay(|p| {
            ordered &= p.time >= last_time;
            last_time = p.time;
            let _ = stream.process(p);
        });
    }
    let report = stream.finish();
    let seconds = start.elapsed().as_secs_f64();
    let drift_times: Vec<f64> = report.drifts.iter().map(|d| d.time).collect();
    let json = serde_json::json!({
        "mode": if id_order { "id_order" } else { "time_order" },
        "parts": report.parts,
        "passes": passes,
        "max_parts": max_parts,
        "peak_segment_cell_bytes": peak_bytes,
        "date_pass_seconds": (date_seconds * 1000.0).round() / 1000.0,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "in_time_order": ordered,
        "mcc": report.overall.mcc,
        "auc": report.overall.auc,
        "window_mcc": report.window.mcc,
        "window_auc": report.window.auc,
        "alerts": report.alerts,
        "drift_times": drift_times,
        "drift_parts": report.drifts.iter().map(|d| d.index).collect::<Vec<_>>(),
        "change_time": change_time,
    });
    println!("{json}");
    Ok(())
}
