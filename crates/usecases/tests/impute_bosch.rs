//! Use case 2.1 on a generated Bosch sample: imputing station L0_S0 recovers the planted mean and
//! correlations (mean imputation gets the means but not the correlations), the row rule leaves
//! out exactly the parts that never passed the station, and the written datasets keep the
//! observed cells and the ids.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use samples::{bosch, Dataset};
use tabular::{read_bytes, ReadOptions, Table};
use usecases::impute::{self, ColumnSelection, ImputeParams};

const SEED: u64 = 11;
const SCALE: f64 = 0.002;
const EXTRA_BLANK: f64 = 0.3;

/// The sample's `train_numeric.csv`, with a further 30% of station L0_S0's cells blanked at
/// random (on top of the generator's 5%), so that how holes are filled matters.
fn sample() -> Table {
    let bytes = samples::file_bytes(Dataset::Bosch, "train_numeric.csv", SCALE, SEED);
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let s0: Vec<bool> = header.split(',').map(|c| c.starts_with("L0_S0_")).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut out = format!("{header}\n");
    for line in lines {
        let cells: Vec<&str> = line
            .split(',')
            .zip(&s0)
            .map(|(cell, &hit)| {
                if hit && rng.random::<f64>() < EXTRA_BLANK {
                    ""
                } else {
                    cell
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    read_bytes("train_numeric.csv", out.as_bytes(), ReadOptions::default()).unwrap()
}

fn corr(cov: &[f64], p: usize, a: usize, b: usize) -> f64 {
    cov[a * p + b] / (cov[a * p + a] * cov[b * p + b]).sqrt()
}

#[test]
fn station_imputation_recovers_mean_and_correlations_that_mean_imputation_loses() {
    let table = sample();
    let params = ImputeParams {
        columns: ColumnSelection::Names(vec!["L0_S0".into()]),
        m: 3,
        seed: 5,
        ..ImputeParams::default()
    };
    let mut events = 0;
    let imputed = impute::run(&table, &params, &mut |_| {
        events += 1;
        true
    })
    .unwrap();
    let report = &imputed.report;
    let truth = bosch::station_truth(0, SEED);
    assert_eq!(report.plan.columns, truth.columns);
    let p = truth.columns.len();
    assert!(p >= 10 && events > params.m);

    // Mean imputation on the same rows: each hole gets its column's observed mean.
    let data = imputed.completed(0).unwrap();
    let observed_means: Vec<f64> = report
        .per_column
        .iter()
        .map(|c| c.pooled.estimate)
        .collect();
    let mut filled = vec![vec![0.0; report.plan.rows_used as usize]; p];
    let table_cols: Vec<_> = truth
        .columns
        .iter()
        .map(|c| table.column(c).unwrap())
        .collect();
    let ids: Vec<&str> = imputed.ids().iter().map(String::as_str).collect();
    let id_col = table.column("Id").unwrap();
    let rows: Vec<usize> = (0..table.n_rows)
        .filter(|&r| table_cols.iter().any(|c| c.f64_at(r).is_some()))
        .collect();
    assert_eq!(rows.len(), data.nrows());
    for (j, col) in table_cols.iter().enumerate() {
        let obs: Vec<f64> = rows.iter().filter_map(|&r| col.f64_at(r)).collect();
        let mean = obs.iter().sum::<f64>() / obs.len() as f64;
        for (i, &r) in rows.iter().enumerate() {
            filled[j][i] = col.f64_at(r).unwrap_or(mean);
        }
    }
    for (i, &r) in rows.iter().enumerate() {
        assert_eq!(ids[i], id_col.text_at(r).unwrap());
    }
    let n = rows.len() as f64;
    let mut mean_cov = vec![0.0; p * p];
    let mi_means: Vec<f64> = filled.iter().map(|c| c.iter().sum::<f64>() / n).collect();
    for a in 0..p {
        for b in 0..p {
            mean_cov[a * p + b] = filled[a]
                .iter()
                .zip(&filled[b])
                .map(|(x, y)| (x - mi_means[a]) * (y - mi_means[b]))
                .sum::<f64>()
                / (n - 1.0);
        }
    }
    let em_cov: Vec<f64> = report.em.cov.iter().flatten().copied().collect();

    let sd = |j: usize| truth.cov[j * p + j].sqrt();
    for j in 0..p {
        let em_err = (report.em.mean[j] - truth.mean[j]).abs() / sd(j);
        let mi_err = (mi_means[j] - truth.mean[j]).abs() / sd(j);
        assert!(
            em_err < 0.2,
            "EM mean of {}: {em_err} sd off",
            truth.columns[j]
        );
        assert!(mi_err < 0.2, "mean imputation: {mi_err} sd off");
        let pooled_err = (observed_means[j] - truth.mean[j]).abs() / sd(j);
        assert!(pooled_err < 0.2, "pooled mean: {pooled_err} sd off");
    }
    let (mut em_err, mut mi_err, mut pairs) = (0.0, 0.0, 0.0);
    for a in 0..p {
        for b in 0..a {
            let t = corr(&truth.cov, p, a, b);
            em_err += (corr(&em_cov, p, a, b) - t).abs();
            mi_err += (corr(&mean_cov, p, a, b) - t).abs();
            pairs += 1.0;
        }
    }
    let (em_err, mi_err) = (em_err / pairs, mi_err / pairs);
    eprintln!(
        "corr err em {em_err} mean-imp {mi_err} coverage {:?}",
        report.coverage
    );
    assert!(em_err < 0.05, "EM correlations off by {em_err} on average");
    assert!(
        mi_err > 0.08,
        "mean imputation kept correlations ({mi_err})?"
    );

    // The diagnostics are filled and sensible: intervals cover about 90% of observed values.
    let coverage = report.coverage.unwrap();
    assert!((0.8..0.97).contains(&coverage), "coverage {coverage}");
    assert_eq!(report.bootstrap_iterations.len(), 3);
    assert_eq!(report.traces.len(), 3);
    for c in &report.per_column {
        assert_eq!(c.imputed_means.len(), 3);
        assert!(c.between_sd > 0.0);
        let obs: u64 = c.histogram.observed.iter().sum();
        let imp: u64 = c.histogram.imputed.iter().sum();
        assert_eq!((obs, imp), (c.observed, 3 * c.imputed));
        assert_eq!(c.observed + c.imputed, report.plan.rows_used);
    }
}

#[test]
fn parts_that_never_passed_the_station_are_left_out() {
    let table = sample();
    let params = ImputeParams {
        columns: ColumnSelection::Pattern("^L0_S0_".into()),
        m: 1,
        ..ImputeParams::default()
    };
    let plan = impute::plan(&table, &params).unwrap();
    // Only route 0 passes station 0; its 12 cells are all empty for a visiting part with
    // probability 0.335^12, i.e. never in this sample.
    let rows: Vec<usize> = (0..table.n_rows)
        .filter(|&r| bosch::part_route(r as u64, SEED) == 0)
        .collect();
    let on_route = rows.len() as u64;
    assert!(on_route > 0 && on_route < table.n_rows as u64);
    assert_eq!(plan.rows_used, on_route);
    assert_eq!(plan.rows_left_out, table.n_rows as u64 - on_route);

    let imputed = impute::run(&table, &params, &mut |_| true).unwrap();
    assert_eq!(imputed.report.plan.rows_left_out, plan.rows_left_out);
    assert!(imputed.report.notes.iter().any(|n| n.contains("left out")));
    let id = table.column("Id").unwrap();
    let expected: Vec<String> = rows
        .iter()
        .map(|&r| id.text_at(r).unwrap().into_owned())
        .collect();
    assert_eq!(imputed.ids(), &expected[..]);

    // The written dataset: header, one line per used row, no hole left, observed cells as read.
    let mut csv = Vec::new();
    imputed.write_dataset(0, &mut csv).unwrap();
    let back = read_bytes("imputed.csv", &csv, ReadOptions::default()).unwrap();
    assert_eq!(back.n_rows as u64, on_route);
    assert_eq!(back.columns.len(), 1 + imputed.report.plan.columns.len());
    for name in &imputed.report.plan.columns {
        let written = back.column(name).unwrap();
        assert_eq!(written.missing, 0, "{name}");
        let original = table.column(name).unwrap();
        for (i, &r) in rows.iter().enumerate() {
            if let Some(v) = original.f64_at(r) {
                assert_eq!(written.f64_at(i), Some(v), "{name} row {r}");
            }
        }
    }
}

#[test]
fn selecting_two_stations_counts_cells_of_the_unvisited_one() {
    let table = sample();
    // Station 30 is optional on routes 0 and 1 and core on route 3; station 29 is on every route.
    let params = ImputeParams {
        columns: ColumnSelection::Names(vec!["L3_S29_F3315".into(), "L3_S30".into()]),
        m: 1,
        empri: 10.0,
        ..ImputeParams::default()
    };
    let plan = impute::plan(&table, &params).unwrap();
    assert_eq!(plan.columns[0], "L3_S29_F3315");
    assert!(plan.columns[1..].iter().all(|c| c.starts_with("L3_S30_")));
    let imputed = impute::run(&table, &params, &mut |_| true).unwrap();
    let s30 = (plan.columns.len() - 1) as u64;
    let f3315 = table.column("L3_S29_F3315").unwrap();
    let s30_blank = |r: usize| {
        plan.columns[1..]
            .iter()
            .all(|c| table.column(c).unwrap().f64_at(r).is_none())
    };
    let without_s30: Vec<usize> = (0..table.n_rows)
        .filter(|&r| f3315.f64_at(r).is_some() && s30_blank(r))
        .collect();
    let without_f3315 = (0..table.n_rows)
        .filter(|&r| f3315.f64_at(r).is_none() && !s30_blank(r))
        .count() as u64;
    // Parts without station 30 are those of the routes where it is optional or absent.
    assert!(!without_s30.is_empty());
    assert!(without_s30
        .iter()
        .all(|&r| bosch::part_route(r as u64, SEED) != 3));
    assert_eq!(
        imputed.report.unvisited_station_cells,
        s30 * without_s30.len() as u64 + without_f3315
    );
}
