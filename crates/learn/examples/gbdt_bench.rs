//! Benchmark of our boosting against the peers' on the same rows: trains on rows with `valid == 0`
//! of a feature CSV (the format of `shared/bench/peer_gbdt.py`; `--valid-col Set` reads the
//! `train`/`valid` cells of `vitrine forecast --features-out`, and a column without any number,
//! such as its `Date`, is not a feature), or on generated rows, and prints
//! `{"seconds_fit", "mae_valid", "rmse_valid", ...}` as JSON.
//!
//! ```text
//! cargo run --release -p learn --example gbdt_bench -- [FILE.csv --target NAME] [--valid-col valid]
//!     [--objective reg|binary] [--trees 200] [--depth 8] [--lr 0.1] [--bins 256]
//!     [--rows 1000000] [--write-csv OUT.csv] [--seed 0]
//! ```
//! Without a file, `--rows` rows of 10 features are generated (and written to `--write-csv` for
//! the peers when given).

#[path = "common/mod.rs"]
mod common;

use learn::gbdt::{GbdtParams, Objective};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

struct Args {
    file: Option<String>,
    target: String,
    valid_col: String,
    objective: Objective,
    trees: usize,
    depth: u32,
    lr: f64,
    bins: u32,
    rows: usize,
    write_csv: Option<String>,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        file: None,
        target: "y".into(),
        valid_col: "valid".into(),
        objective: Objective::SquaredError,
        trees: 200,
        depth: 8,
        lr: 0.1,
        bins: 256,
        rows: 1_000_000,
        write_csv: None,
        seed: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|e| format!("{s}: {e}"));
        match arg.as_str() {
            "--target" => a.target = value()?,
            "--valid-col" => a.valid_col = value()?,
            "--objective" => {
                a.objective = match value()?.as_str() {
                    "reg" => Objective::SquaredError,
                    "binary" => Objective::Logistic,
                    "l1" => Objective::AbsoluteError,
                    other => return Err(format!("unknown objective {other}")),
                }
            }
            "--trees" => a.trees = num(value()?)? as usize,
            "--depth" => a.depth = num(value()?)? as u32,
            "--lr" => a.lr = num(value()?)?,
            "--bins" => a.bins = num(value()?)? as u32,
            "--rows" => a.rows = num(value()?)? as usize,
            "--seed" => a.seed = num(value()?)? as u64,
            "--write-csv" => a.write_csv = Some(value()?),
            _ if !arg.starts_with("--") && a.file.is_none() => a.file = Some(arg),
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(a)
}

/// 10 features with a planted signal: steps, curves, an interaction, missing values.
fn generate(rows: usize, seed: u64) -> (Vec<String>, Vec<Vec<f32>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut names: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
    names.push("y".into());
    names.push("valid".into());
    let mut cols: Vec<Vec<f32>> = (0..12).map(|_| Vec::with_capacity(rows)).collect();
    for _ in 0..rows {
        let x: Vec<f32> = (0..10).map(|_| rng.random::<f32>()).collect();
        let day = (x[7] * 7.0).floor();
        let noise: f32 = (0..4).map(|_| rng.random::<f32>() - 0.5).sum::<f32>();
        let y = 3.0 * (x[0] > 0.5) as u8 as f32
            + 4.0 * x[1] * x[1]
            + (6.0 * x[2]).sin()
            + 2.0 * x[3] * x[4]
            + 0.5 * x[5]
            + 0.3 * day
            + noise;
        for (c, &v) in cols.iter_mut().zip(&x) {
            c.push(v);
        }
        cols[7].pop();
        cols[7].push(day);
        if rng.random::<f32>() < 0.1 {
            cols[6].pop();
            cols[6].push(f32::NAN);
        }
        cols[10].push(y);
        cols[11].push((rng.random::<f32>() < 0.2) as u8 as f32);
    }
    (names, cols)
}

fn main() -> Result<(), String> {
    let a = parse_args()?;
    let (names, cols) = match &a.file {
        Some(path) => common::read_csv(path)?,
        None => {
            let (names, cols) = generate(a.rows, a.seed);
            if let Some(out) = &a.write_csv {
                common::write_csv(out, &names, &cols).map_err(|e| e.to_string())?;
            }
            (names, cols)
        }
    };
    let (train, valid) = common::split_train_valid(&names, &cols, &a.target, &a.valid_col)?;
    drop(cols);
    let params = GbdtParams {
        objective: a.objective,
        n_trees: a.trees,
        max_depth: a.depth,
        learning_rate: a.lr,
        n_bins: a.bins,
        seed: a.seed,
        ..GbdtParams::default()
    };
    let t = Instant::now();
    let model = params.fit(&train, None).map_err(|e| e.to_string())?;
    let seconds_fit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let pred = model.predict(valid.features()).map_err(|e| e.to_string())?;
    let seconds_predict = t.elapsed().as_secs_f64();
    let truth: Vec<f64> = valid.target().iter().map(|&y| y as f64).collect();
    let quality = match a.objective {
        Objective::Logistic => {
            let labels: Vec<bool> = truth.iter().map(|&y| y == 1.0).collect();
            format!("\"auc_valid\": {}", learn::metrics::auc(&labels, &pred))
        }
        _ => format!(
            "\"mae_valid\": {}, \"rmse_valid\": {}",
            learn::metrics::mae(&truth, &pred),
            learn::metrics::rmse(&truth, &pred)
        ),
    };
    println!(
        "{{\"rows_train\": {}, \"rows_valid\": {}, \"features\": {}, \"trees\": {}, \"threads\": {}, \"seconds_fit\": {seconds_fit:.3}, \"seconds_predict\": {seconds_predict:.3}, {quality}}}",
        train.n_rows(),
        valid.n_rows(),
        train.n_features(),
        model.n_trees(),
        if cfg!(feature = "threads") { "\"rayon\"" } else { "1" },
    );
    Ok(())
}
