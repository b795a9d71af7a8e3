//! Plumbing the benchmark examples share: numeric feature CSVs (the format of the peer scripts in
//! `shared/bench/`: numbers, a target column, a 0/1 `valid` column) read and written, and split
//! into training and validation datasets.

#![allow(dead_code)]

use learn::gbdt::{Dataset, Feature};
use std::io::{BufRead, BufReader, Write};

/// Columns of a CSV of numbers (empty or unparsable cells are missing; `train` and `valid`, the
/// `Set` cells of the forecast's feature table, read as 0 and 1).
pub fn read_csv(path: &str) -> Result<(Vec<String>, Vec<Vec<f32>>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = BufReader::with_capacity(1 << 20, file).lines();
    let header = lines
        .next()
        .ok_or("empty file")?
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = header
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    let mut cols: Vec<Vec<f32>> = vec![Vec::new(); names.len()];
    for (i, line) in lines.enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        if line.is_empty() {
            continue;
        }
        let mut n = 0;
        for (col, cell) in cols.iter_mut().zip(line.split(',')) {
            let cell = cell.trim().trim_matches('"');
            col.push(match cell {
                "train" => 0.0,
                "valid" => 1.0,
                _ => cell.parse().unwrap_or(f32::NAN),
            });
            n += 1;
        }
        if n != names.len() {
            return Err(format!(
                "{path}, line {}: {n} fields, expected {}",
                i + 2,
                names.len()
            ));
        }
    }
    Ok((names, cols))
}

/// Writes columns as a CSV of numbers (missing values as empty cells).
pub fn write_csv(path: &str, names: &[String], cols: &[Vec<f32>]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{}", names.join(","))?;
    for r in 0..cols[0].len() {
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            if !c[r].is_nan() {
                write!(out, "{}", c[r])?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The rows with `valid_col == 0` and those with `valid_col != 0`, every column but the target
/// and `valid_col` as a numeric feature (a column missing on every row is left out).
pub fn split_train_valid(
    names: &[String],
    cols: &[Vec<f32>],
    target: &str,
    valid_col: &str,
) -> Result<(Dataset, Dataset), String> {
    let find = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .ok_or(format!("no column {name}"))
    };
    let (ti, vi) = (find(target)?, find(valid_col)?);
    let is_valid: Vec<bool> = cols[vi].iter().map(|&v| v != 0.0).collect();
    let split = |col: &[f32], want: bool| -> Vec<f32> {
        col.iter()
            .zip(&is_valid)
            .filter(|(_, &v)| v == want)
            .map(|(&x, _)| x)
            .collect()
    };
    let make = |want: bool| -> Result<Dataset, String> {
        let features = names
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ti && *i != vi && cols[*i].iter().any(|x| !x.is_nan()))
            .map(|(i, n)| Feature::numeric(n.clone(), split(&cols[i], want)))
            .collect();
        Dataset::new(features, split(&cols[ti], want)).map_err(|e| e.to_string())
    };
    Ok((make(false)?, make(true)?))
}

/// CPU seconds the calling thread has run (Linux: `/proc/thread-self/schedstat`; `NaN`
/// elsewhere): on a machine shared with other jobs, wall time counts their share too, so the
/// benchmarks print both.
pub fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

/// Runs `f`, returning its result with the wall and thread-CPU seconds it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu_seconds());
    let out = f();
    (
        out,
        wall.elapsed().as_secs_f64(),
        thread_cpu_seconds() - cpu,
    )
}
