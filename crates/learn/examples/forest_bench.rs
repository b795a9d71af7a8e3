//! Benchmark of our random forest against scikit-learn's on the same rows (`shared/bench/
//! peer_forest.py` reads the same file). Two modes:
//!
//! ```text
//! # 1. Build a Santander take-up table: features of month t, label "took product P up in t+1",
//! #    customers not holding P in month t, month pairs from --from-month on; the last pair is
//! #    the validation set (valid = 1).
//! cargo run --release -p learn --example forest_bench -- --write-table OUT.csv
//!     [--scale 0.05 | --santander train_ver2.csv] [--product ind_recibo_ult1] [--from-month 10]
//!     [--seed 42]
//! # 2. Fit on valid == 0, score valid == 1, print JSON (the peer's fields and ours).
//! cargo run --release -p learn --example forest_bench -- TABLE.csv --target y [--trees 100]
//!     [--max-depth N] [--min-samples-leaf 1] [--sampling balanced|bootstrap] [--ratio 1]
//!     [--max-features sqrt|all|SHARE] [--seed 0] [--rules]
//! ```

#[path = "common/mod.rs"]
mod common;
#[path = "santander/mod.rs"]
mod santander;

use learn::forest::{ForestParams, MaxFeatures, RuleParams, Sampling};
use learn::metrics;
use std::collections::HashMap;
use std::time::Instant;

struct Args {
    file: Option<String>,
    write_table: Option<String>,
    santander: Option<String>,
    scale: f64,
    product: String,
    from_month: usize,
    target: String,
    params: ForestParams,
    rules: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        file: None,
        write_table: None,
        santander: None,
        scale: 0.05,
        product: "ind_recibo_ult1".into(),
        from_month: 10,
        target: "y".into(),
        params: ForestParams {
            seed: 0,
            ..ForestParams::default()
        },
        rules: false,
    };
    let mut generator_seed = 42u64;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|e| format!("{s}: {e}"));
        match arg.as_str() {
            "--write-table" => a.write_table = Some(value()?),
            "--santander" => a.santander = Some(value()?),
            "--scale" => a.scale = num(value()?)?,
            "--product" => a.product = value()?,
            "--from-month" => a.from_month = num(value()?)? as usize,
            "--target" => a.target = value()?,
            "--trees" => a.params.n_trees = num(value()?)? as usize,
            "--max-depth" => a.params.max_depth = Some(num(value()?)? as u32),
            "--min-samples-leaf" => a.params.min_samples_leaf = num(value()?)? as u32,
            "--ratio" => {
                a.params.sampling = Sampling::Balanced {
                    negatives_per_positive: num(value()?)?,
                }
            }
            "--sampling" => {
                a.params.sampling = match value()?.as_str() {
                    "bootstrap" => Sampling::Bootstrap,
                    "balanced" => Sampling::default(),
                    other => return Err(format!("unknown sampling {other}")),
                }
            }
            "--max-features" => {
                a.params.max_features = match value()?.as_str() {
                    "sqrt" => MaxFeatures::Sqrt,
                    "all" => MaxFeatures::All,
                    share => MaxFeatures::Share(num(share.to_string())?),
                }
            }
            "--seed" => {
                let s = num(value()?)? as u64;
                a.params.seed = s;
                generator_seed = s;
            }
            "--rules" => a.rules = true,
            _ if !arg.starts_with("--") && a.file.is_none() => a.file = Some(arg),
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    if a.write_table.is_some() {
        a.params.seed = generator_seed;
    }
    Ok(a)
}

/// The take-up table of one product from consecutive monthly snapshots.
fn write_table(a: &Args, out: &str) -> Result<(), String> {
    let product = santander::PRODUCTS
        .iter()
        .position(|p| *p == a.product)
        .ok_or(format!("unknown product {}", a.product))?;
    let mut names: Vec<String> = santander::FEATURES.iter().map(|s| s.to_string()).collect();
    for (p, name) in santander::PRODUCTS.iter().enumerate() {
        if p != product {
            names.push(name.to_string());
        }
    }
    names.extend(["n_products".into(), "y".into(), "valid".into()]);
    let mut cols: Vec<Vec<f32>> = vec![Vec::new(); names.len()];
    let mut previous: HashMap<u64, santander::Snapshot> = HashMap::new();
    let mut pairs: Vec<usize> = Vec::new();
    let mut last_month = 0;
    let started = Instant::now();
    santander::months(a.santander.as_deref(), a.scale, a.params.seed, |m, rows| {
        last_month = m;
        if m > a.from_month {
            let first = cols[0].len();
            for now in &rows {
                let Some(before) = previous.get(&now.ncodpers) else {
                    continue;
                };
                if before.products >> product & 1 == 1 {
                    continue;
                }
                let mut row = before.features.clone();
                for p in 0..santander::PRODUCTS.len() {
                    if p != product {
                        row.push((before.products >> p & 1) as f32);
                    }
                }
                row.push(before.products.count_ones() as f32);
                row.push((now.products >> product & 1) as f32);
                row.push(0.0);
                for (c, v) in cols.iter_mut().zip(row) {
                    c.push(v);
                }
            }
            pairs.push(cols[0].len() - first);
        }
        if m >= a.from_month {
            previous = rows.into_iter().map(|s| (s.ncodpers, s)).collect();
        }
    })
    .map_err(|e| e.to_string())?;
    // The last month pair is the validation set.
    let last_pair = *pairs.last().ok_or("no month pair after --from-month")?;
    let n = cols[0].len();
    let valid = cols.last_mut().unwrap();
    for v in &mut valid[n - last_pair..] {
        *v = 1.0;
    }
    if let Some(dir) = std::path::Path::new(out).parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    common::write_csv(out, &names, &cols).map_err(|e| format!("{out}: {e}"))?;
    let y = &cols[names.len() - 2];
    let positives = y.iter().filter(|&&v| v == 1.0).count();
    eprintln!(
        "{out}: {n} rows ({} month pairs up to month {last_month}, last {last_pair} rows for validation), {positives} take-ups of {} ({:.2} %), {:.1} s",
        pairs.len(),
        a.product,
        100.0 * positives as f64 / n as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let a = parse_args()?;
    if let Some(out) = &a.write_table {
        return write_table(&a, out);
    }
    let file = a
        .file
        .as_deref()
        .ok_or("give a table CSV or --write-table")?;
    let (names, cols) = common::read_csv(file)?;
    let (train, valid) = common::split_train_valid(&names, &cols, &a.target, "valid")?;
    drop(cols);
    let (forest, fit_s, fit_cpu_s) = common::timed(|| a.params.fit(&train));
    let forest = forest.map_err(|e| e.to_string())?;
    let t = Instant::now();
    let p = forest
        .predict_proba(valid.features())
        .map_err(|e| e.to_string())?;
    let predict_s = t.elapsed().as_secs_f64();
    let y: Vec<bool> = valid.target().iter().map(|&v| v == 1.0).collect();
    let oob = forest.oob();
    let base = y.iter().filter(|&&v| v).count() as f64 / y.len() as f64;
    let mut out = serde_json::json!({
        "engine": "vitrine-forest",
        "threads": if cfg!(feature = "threads") {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            1
        },
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "predict_s": predict_s,
        "rows_train": train.n_rows(),
        "rows_valid": valid.n_rows(),
        "features": train.n_features(),
        "trees": forest.trees().len(),
        "nodes": forest.trees().iter().map(|t| t.nodes.len()).sum::<usize>(),
        "sampling": a.params.sampling,
        "auc": metrics::auc(&y, &p),
        "f1_at_0.5": metrics::f1_at_threshold(&y, &p, 0.5).f1,
        "best_f1": metrics::best_f1_threshold(&y, &p).map(|b| b.score.f1),
        "oob_score": oob.map(|o| o.accuracy),
        "oob_auc": oob.map(|o| o.auc),
        "precision_at_5pct": metrics::precision_at_top(&y, &p, 0.05),
        "log_loss": metrics::log_loss(&y, &p),
        "mean_p": p.iter().sum::<f64>() / p.len() as f64,
        "base_rate_valid": base,
        "calibration": forest.calibration(),
    });
    if a.rules {
        let t = Instant::now();
        let rules = forest
            .rules(&valid, &RuleParams::default())
            .map_err(|e| e.to_string())?;
        out["rules_s"] = t.elapsed().as_secs_f64().into();
        out["rules"] = rules
            .rules
            .iter()
            .take(5)
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .into();
    }
    println!("{out}");
    Ok(())
}
