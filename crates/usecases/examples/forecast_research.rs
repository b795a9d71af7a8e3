//! Our engine on a forecast feature table, for the feature research of use case 1.1 on the real
//! Rossmann rows: the table (`Set` = train/valid, `Date`, `Sales`, then one column per feature,
//! as `tests/bench/forecast_research.py --features-out DIR` writes it) is read, a model is
//! trained on the `train` rows with the chosen features and settings and scored on the `valid`
//! rows. Prints one JSON line: MAE, sum of absolute errors, RMSPE, trees, fit seconds.
//!
//!     cargo run --release -p usecases --example forecast_research -- TABLE.csv \
//!         [--features a,b,c] [--trees 300] [--depth 8] [--lr 0.1] [--target log1p|identity] \
//!         [--early-stop-days 42 --early-stop-rounds 20] [--since 2013-07-01] [--xgboost-out FILE]
//!
//! With `--raw TRAIN.csv --store STORE.csv --cut YYYY-MM-DD`, it instead builds the history
//! features of `src/forecast/history.rs` from the raw files for the 42-day holdout from the cut
//! and compares them, row by row (Store, Date), with the same columns of TABLE.csv: the check that
//! the Rust features are the researched ones. Its unit tests run with
//! `cargo test -p usecases --example forecast_research`.

use std::time::Instant;

use learn::gbdt::{Dataset, Feature, GbdtParams, Growth, TargetTransform, XgbModel};
use usecases::calendar::{days_from_civil, iso_date};
use usecases::forecast::history;
use usecases::rossmann::DailyRows;

struct Table {
    names: Vec<String>,
    set: Vec<bool>,
    date: Vec<String>,
    sales: Vec<f32>,
    columns: Vec<Vec<f32>>,
}

fn read_table(path: &str) -> Table {
    let text = std::fs::read_to_string(path).expect("readable table");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(&header[..3], ["Set", "Date", "Sales"], "table columns");
    let names: Vec<String> = header[3..].iter().map(|s| s.to_string()).collect();
    let mut table = Table {
        columns: vec![Vec::new(); names.len()],
        names,
        set: Vec::new(),
        date: Vec::new(),
        sales: Vec::new(),
    };
    for line in lines {
        let mut cells = line.split(',');
        let set = cells.next().unwrap();
        if set != "train" && set != "valid" {
            continue;
        }
        table.set.push(set == "valid");
        table.date.push(cells.next().unwrap().to_string());
        table.sales.push(cells.next().unwrap().parse().unwrap());
        for (cell, column) in cells.zip(&mut table.columns) {
            column.push(if cell.is_empty() {
                f32::NAN
            } else {
                cell.parse().unwrap()
            });
        }
    }
    table
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .map(|i| args[i + 1].clone())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let table = read_table(&args[1]);
    if let Some(raw) = arg(&args, "--raw") {
        compare_features(&table, &raw, &arg(&args, "--cut").expect("--cut"));
        return;
    }
    let chosen: Vec<String> = match arg(&args, "--features") {
        Some(list) => list.split(',').map(str::to_string).collect(),
        None => table.names.clone(),
    };
    let number =
        |name: &str, default: f64| arg(&args, name).map_or(default, |v| v.parse().unwrap());
    let target = match arg(&args, "--target").as_deref() {
        None | Some("log1p") => TargetTransform::Log1p,
        Some("identity") => TargetTransform::Identity,
        Some(other) => panic!("--target {other}"),
    };
    let since = arg(&args, "--since").unwrap_or_default();
    let early_days = number("--early-stop-days", 0.0) as i64;
    // The early-stopping slice: the last `early_days` days of the training rows, by date.
    let last_train_date = table
        .date
        .iter()
        .zip(&table.set)
        .filter(|(_, &v)| !v)
        .map(|(d, _)| d.as_str())
        .max()
        .unwrap()
        .to_string();
    let stop_from = shift_date(&last_train_date, 1 - early_days);
    let pick = |rows: &[usize]| -> (Vec<Feature>, Vec<f32>) {
        let features = chosen
            .iter()
            .map(|name| {
                let c = table
                    .names
                    .iter()
                    .position(|n| n == name)
                    .unwrap_or_else(|| panic!("no column {name}"));
                Feature::numeric(
                    name.clone(),
                    rows.iter().map(|&r| table.columns[c][r]).collect(),
                )
            })
            .collect();
        (features, rows.iter().map(|&r| table.sales[r]).collect())
    };
    let n = table.sales.len();
    let fit_rows: Vec<usize> = (0..n)
        .filter(|&r| {
            !table.set[r]
                && table.date[r] >= since
                && (early_days == 0 || table.date[r] < stop_from)
        })
        .collect();
    let stop_rows: Vec<usize> = (0..n)
        .filter(|&r| !table.set[r] && early_days > 0 && table.date[r] >= stop_from)
        .collect();
    let valid_rows: Vec<usize> = (0..n).filter(|&r| table.set[r]).collect();
    let params = GbdtParams {
        n_trees: number("--trees", 300.0) as usize,
        max_depth: number("--depth", 8.0) as u32,
        learning_rate: number("--lr", 0.1),
        min_child_weight: number("--min-child-weight", 1.0),
        lambda: number("--lambda", 1.0),
        colsample_bytree: number("--colsample", 1.0),
        subsample: number("--subsample", 1.0),
        target,
        growth: if number("--leaves", 0.0) > 0.0 {
            Growth::LeafWise
        } else {
            Growth::DepthWise
        },
        max_leaves: number("--leaves", 0.0) as u32,
        early_stopping_rounds: (early_days > 0)
            .then(|| number("--early-stop-rounds", 20.0) as usize),
        ..GbdtParams::default()
    };
    let clock = Instant::now();
    let (x, y) = pick(&fit_rows);
    let train = Dataset::new(x, y).unwrap();
    let stop = (!stop_rows.is_empty()).then(|| {
        let (x, y) = pick(&stop_rows);
        Dataset::new(x, y).unwrap()
    });
    let model = params.fit(&train, stop.as_ref()).unwrap();
    let fit_s = clock.elapsed().as_secs_f64();
    let (x, y) = pick(&valid_rows);
    let predicted = model.predict(&x).unwrap();
    let truth: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
    let trimmed = rmspe_trim(&table, &valid_rows, &fit_rows, &predicted);
    if let Some(path) = arg(&args, "--xgboost-out") {
        std::fs::write(path, XgbModel::from_gbdt(&model).unwrap().to_json()).unwrap();
    }
    println!(
        "{{\"engine\":\"vitrine\",\"rows_train\":{},\"rows_stop\":{},\"rows_valid\":{},\"features\":{},\"trees\":{},\"fit_s\":{:.2},\"mae\":{:.1},\"abs_error_sum\":{:.0},\"rmspe\":{:.4},\"rmspe_trim\":{:.4}}}",
        fit_rows.len(),
        stop_rows.len(),
        valid_rows.len(),
        chosen.len(),
        model.n_trees(),
        fit_s,
        learn::metrics::mae(&truth, &predicted),
        learn::metrics::abs_error_sum(&truth, &predicted),
        learn::metrics::rmspe(&truth, &predicted),
        trimmed,
    );
}

/// RMSPE leaving out validation days whose sales are below a tenth of the store's median over
/// the training rows (one such day, store 652 on 2014-11-22 selling 46, makes the Christmas
/// holdout's RMSPE alone), as `forecast_research.py` computes it.
fn rmspe_trim(table: &Table, valid: &[usize], train: &[usize], predicted: &[f64]) -> f64 {
    let store = table
        .names
        .iter()
        .position(|n| n == "Store")
        .expect("a Store column");
    let mut by_store: std::collections::HashMap<u32, Vec<f32>> = Default::default();
    for &r in train {
        by_store
            .entry(table.columns[store][r] as u32)
            .or_default()
            .push(table.sales[r]);
    }
    let median: std::collections::HashMap<u32, f32> = by_store
        .into_iter()
        .map(|(s, mut v)| {
            v.sort_by(f32::total_cmp);
            let m = v.len() / 2;
            (
                s,
                if v.len() % 2 == 1 {
                    v[m]
                } else {
                    (v[m - 1] + v[m]) / 2.0
                },
            )
        })
        .collect();
    let (mut sum, mut n) = (0.0, 0usize);
    for (&r, &p) in valid.iter().zip(predicted) {
        let y = table.sales[r];
        let typical = median
            .get(&(table.columns[store][r] as u32))
            .copied()
            .unwrap_or(0.0);
        if y > 0.0 && y >= 0.1 * typical {
            sum += ((f64::from(y) - p) / f64::from(y)).powi(2);
            n += 1;
        }
    }
    (sum / n as f64).sqrt()
}

/// `YYYY-MM-DD` moved by `days`.
fn shift_date(date: &str, days: i64) -> String {
    let parts: Vec<u32> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let day = days_from_civil(parts[0] as i32, parts[1], parts[2]) + days as i32;
    iso_date(day)
}

/// Builds the history features from the raw train.csv for the holdout of 42 days from `cut` and
/// reports, per column, how many rows of `table` differ (beyond 1e-4) from them.
fn compare_features(table: &Table, raw: &str, cut: &str) {
    use history::{
        event_features, recipe_features, store_level_features, trend_features, HistoryParams,
        RECIPE_COLUMNS,
    };
    let options = tabular::ReadOptions::default();
    let train = tabular::read_path(std::path::Path::new(raw), options).expect("train.csv");
    let all = DailyRows::from_table(&train).expect("Rossmann rows");
    let parts: Vec<u32> = cut.split('-').map(|p| p.parse().unwrap()).collect();
    let cut_day = days_from_civil(parts[0] as i32, parts[1], parts[2]);
    let keep: Vec<usize> = (0..all.len())
        .filter(|&i| all.date[i] <= cut_day + 41)
        .collect();
    let pick = |v: &[f32]| keep.iter().map(|&i| v[i]).collect::<Vec<f32>>();
    let rows = DailyRows {
        store: keep.iter().map(|&i| all.store[i]).collect(),
        date: keep.iter().map(|&i| all.date[i]).collect(),
        day_of_week: pick(&all.day_of_week),
        open: keep.iter().map(|&i| all.open[i]).collect(),
        promo: pick(&all.promo),
        state_holiday: pick(&all.state_holiday),
        school_holiday: pick(&all.school_holiday),
        sales: all.sales.as_deref().map(pick),
        customers: all.customers.as_deref().map(pick),
        id: None,
    };
    let training: Vec<bool> = rows.date.iter().map(|&d| d < cut_day).collect();
    let params = HistoryParams::default();
    let clock = Instant::now();
    let mut ours = store_level_features(&rows, &training, &params);
    ours.extend(event_features(&rows, &params));
    ours.extend(trend_features(&rows, &training));
    let seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let recipe = recipe_features(&rows, &training, &params);
    println!(
        "the default's {} history columns built in {:.2} s",
        RECIPE_COLUMNS.len(),
        clock.elapsed().as_secs_f64()
    );
    for feature in &recipe {
        let same = ours.iter().find(|f| f.name == feature.name).expect("built");
        assert!(same
            .values
            .iter()
            .zip(&feature.values)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
    let index: std::collections::HashMap<(u32, i32), usize> = (0..rows.len())
        .map(|i| ((rows.store[i], rows.date[i]), i))
        .collect();
    let store_column = table.names.iter().position(|n| n == "Store").unwrap();
    let row_of: Vec<usize> = (0..table.sales.len())
        .map(|r| {
            let d: Vec<u32> = table.date[r]
                .split('-')
                .map(|p| p.parse().unwrap())
                .collect();
            let day = days_from_civil(d[0] as i32, d[1], d[2]);
            index[&(table.columns[store_column][r] as u32, day)]
        })
        .collect();
    println!("{} rows, features built in {seconds:.2} s", rows.len());
    for feature in &ours {
        let Some(c) = table.names.iter().position(|n| *n == feature.name) else {
            println!("{:<28} not in the table", feature.name);
            continue;
        };
        let differ = row_of
            .iter()
            .enumerate()
            .filter(|&(r, &i)| {
                let (a, b) = (feature.values[i], table.columns[c][r]);
                !(a.is_nan() && b.is_nan() || (a - b).abs() <= 1e-4 * b.abs().max(1.0))
            })
            .count();
        println!(
            "{:<28} {differ} of {} rows differ",
            feature.name,
            row_of.len()
        );
    }
}
