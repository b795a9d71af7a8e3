//! Use case 2.1 on small tables: the station summary of the real Bosch header, the stepwise run
//! equals learn's one-shot fit, cancellation, dropped columns, the memory refusal, the outputs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use tabular::{read_bytes, read_path, ReadOptions, Table};
use usecases::impute::{self, ColumnSelection, ImputeParams};
use usecases::UseCaseError;

fn real_head() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bosch_train_numeric_head100.csv");
    read_path(&path, ReadOptions::default()).unwrap()
}

/// `n` rows of three correlated columns with 20% holes, a constant column, an empty column and
/// a text id, some ids looking like spreadsheet formulas.
fn generic(n: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut csv = String::from("id,a,b,c,flat,blank\n");
    for i in 0..n {
        let z: f64 = rng.sample(StandardNormal);
        let e: [f64; 3] = [
            rng.sample(StandardNormal),
            rng.sample(StandardNormal),
            rng.sample(StandardNormal),
        ];
        let vals = [10.0 + 2.0 * z + e[0], -3.0 + z + 0.5 * e[1], 0.4 * z + e[2]];
        let id = if i % 50 == 7 {
            format!("=HYPERLINK(\"x{i}\")")
        } else {
            format!("p{i}")
        };
        let cells: Vec<String> = vals
            .iter()
            .map(|v| {
                if rng.random::<f64>() < 0.2 {
                    String::new()
                } else {
                    format!("{v:.4}")
                }
            })
            .collect();
        let id = tabular::write::escape_cell(&id, false).into_owned();
        csv.push_str(&format!("{id},{},1.5,\n", cells.join(",")));
    }
    read_bytes("generic.csv", csv.as_bytes(), ReadOptions::default()).unwrap()
}

#[test]
fn real_bosch_header_groups_into_its_lines_and_stations() {
    let table = real_head();
    let summary = impute::summarize(&table, 5);
    // Counted independently from the header and cells of the fixture.
    assert_eq!(summary.rows, 100);
    assert_eq!(summary.columns, 968);
    assert_eq!(summary.stations.len(), 50);
    let lines: Vec<(u32, usize)> = summary.lines.iter().map(|l| (l.line, l.columns)).collect();
    assert_eq!(lines, vec![(0, 168), (1, 513), (2, 42), (3, 245)]);
    let s29 = summary
        .stations
        .iter()
        .find(|s| s.name == "L3_S29")
        .unwrap();
    assert_eq!((s29.line, s29.station, s29.columns.len()), (3, 29, 53));
    assert_eq!(s29.rows_visited, 93);
    assert_eq!(summary.lines[0].rows_visited, 90);
    assert!((summary.missing_share - 0.816_373_966_9).abs() < 1e-9);
    assert_eq!(summary.pattern_unit, "station");
    assert_eq!(summary.distinct_patterns, 81);
    assert_eq!(summary.top_patterns.len(), 5);
    assert_eq!(summary.top_patterns[0].rows, 4);
    assert!(summary
        .top_patterns
        .windows(2)
        .all(|w| w[0].rows >= w[1].rows));
}

#[test]
fn stepwise_run_equals_the_one_shot_fit_and_drops_unusable_columns() {
    let table = generic(300, 1);
    let params = ImputeParams {
        m: 2,
        seed: 9,
        ..ImputeParams::default()
    };
    let mut stages = Vec::new();
    let imputed = impute::run(&table, &params, &mut |p| {
        stages.push(p.stage);
        true
    })
    .unwrap();
    let report = &imputed.report;
    assert_eq!(report.plan.columns, ["a", "b", "c"]);
    let dropped: Vec<&str> = report
        .plan
        .dropped
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(dropped, ["flat", "blank"]);
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("flat") && n.contains("constant")));
    assert_eq!(report.plan.rows_used + report.plan.rows_left_out, 300);
    assert!(stages.contains(&"em") && stages.contains(&"bootstrap"));
    assert_eq!(stages.iter().filter(|&&s| s == "draw").count(), 2);
    assert_eq!(stages.last(), Some(&"diagnostics"));

    // The same matrix through learn's one-shot fit gives the same datasets.
    let data = imputed.completed(0).unwrap();
    let mut holes = data.clone();
    let cols: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|c| table.column(c).unwrap())
        .collect();
    let rows: Vec<usize> = (0..300)
        .filter(|&r| cols.iter().any(|c| c.f64_at(r).is_some()))
        .collect();
    for (i, &r) in rows.iter().enumerate() {
        for (j, c) in cols.iter().enumerate() {
            holes[[i, j]] = c.f64_at(r).unwrap_or(f64::NAN);
        }
    }
    let direct = params.em().fit(holes.view()).unwrap();
    for k in 0..2 {
        assert_eq!(
            imputed.completed(k).unwrap(),
            direct.complete(holes.view(), k).unwrap()
        );
    }
    assert_eq!(report.em, direct.em);
    assert_eq!(report.bootstrap_iterations, direct.bootstrap_iterations);
}

#[test]
fn cancelling_stops_the_run() {
    let table = generic(200, 2);
    let mut calls = 0;
    let result = impute::run(&table, &ImputeParams::default(), &mut |_| {
        calls += 1;
        calls < 3
    });
    assert!(matches!(result, Err(UseCaseError::Cancelled)));
    assert_eq!(calls, 3);
}

#[test]
fn a_selection_above_the_memory_budget_is_refused_with_what_fits() {
    let table = generic(200, 3);
    let params = ImputeParams {
        memory_budget: 20_000,
        ..ImputeParams::default()
    };
    let needed = impute::plan(&table, &ImputeParams::default())
        .unwrap()
        .memory_bytes;
    assert!(needed > 20_000);
    let message = impute::plan(&table, &params).unwrap_err().to_string();
    assert!(
        message.contains("budget") && message.contains("columns fit"),
        "{message}"
    );
    let Err(UseCaseError::Input(_)) = impute::run(&table, &params, &mut |_| true) else {
        panic!("expected a refusal");
    };
}

#[test]
fn bad_selections_name_what_is_wrong() {
    let table = generic(50, 4);
    let by = |s: ColumnSelection| {
        impute::plan(
            &table,
            &ImputeParams {
                columns: s,
                ..ImputeParams::default()
            },
        )
    };
    let missing = by(ColumnSelection::Names(vec!["zz".into()])).unwrap_err();
    assert!(missing.to_string().contains("zz"), "{missing}");
    let text = by(ColumnSelection::Names(vec!["id".into()])).unwrap_err();
    assert!(text.to_string().contains("id"), "{text}");
    let none = by(ColumnSelection::Pattern("^q".into())).unwrap_err();
    assert!(none.to_string().contains("no column matches"), "{none}");
    let bad = by(ColumnSelection::Pattern("(".into())).unwrap_err();
    assert!(bad.to_string().contains("not valid"), "{bad}");
    let only_flat = by(ColumnSelection::Names(vec!["flat".into()])).unwrap_err();
    assert!(only_flat.to_string().contains("constant"), "{only_flat}");
    let picked = by(ColumnSelection::Pattern("^[ab]$".into())).unwrap();
    assert_eq!(picked.columns, ["a", "b"]);
}

#[test]
fn long_output_stacks_the_datasets_and_defuses_formula_ids() {
    let table = generic(120, 5);
    let params = ImputeParams {
        m: 3,
        ..ImputeParams::default()
    };
    let imputed = impute::run(&table, &params, &mut |_| true).unwrap();
    let mut out = Vec::new();
    imputed.write_long(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(".imp,id,a,b,c"));
    let rows: Vec<&str> = lines.collect();
    let used = imputed.report.plan.rows_used as usize;
    assert_eq!(rows.len(), 3 * used);
    for (k, chunk) in rows.chunks(used).enumerate() {
        assert!(chunk.iter().all(|l| l.starts_with(&format!("{},", k + 1))));
    }
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x7\"\")\""),
        "formula id not defused"
    );
    let back = read_bytes("long.csv", text.as_bytes(), ReadOptions::default()).unwrap();
    for c in ["a", "b", "c"] {
        assert_eq!(back.column(c).unwrap().missing, 0);
    }
}

/// A float column `x`, a count `k` = round(5 + 2x + noise) and a skewed non-negative `w` (a
/// squared normal, which a normal model draws below 0), with holes in each (never all in a row).
fn counts(n: usize) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut csv = String::from("x,k,w\n");
    for i in 0..n {
        let x: f64 = rng.sample(StandardNormal);
        let e: f64 = rng.sample(StandardNormal);
        let k = (5.0 + 2.0 * x + 0.7 * e).round().max(0.0);
        let f: f64 = rng.sample(StandardNormal);
        let w = if i % 4 == 1 {
            String::new()
        } else {
            format!("{:.4}", f * f)
        };
        let x = if i % 10 == 3 {
            String::new()
        } else {
            format!("{x:.4}")
        };
        let k = if i % 5 == 0 {
            String::new()
        } else {
            format!("{k}")
        };
        csv.push_str(&format!("{x},{k},{w}\n"));
    }
    read_bytes("counts.csv", csv.as_bytes(), ReadOptions::default()).unwrap()
}

/// The imputed cells of column `j` in dataset `k`, and the column's observed range.
fn imputed_cells(table: &Table, imputed: &impute::Imputed, j: usize) -> (Vec<f64>, f64, f64) {
    let column = &table.columns[j];
    let observed: Vec<f64> = (0..table.n_rows).filter_map(|r| column.f64_at(r)).collect();
    let lo = observed.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = observed.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let data = imputed.completed(0).unwrap();
    let cells = (0..table.n_rows)
        .filter(|&r| column.f64_at(r).is_none())
        .map(|r| data[[r, j]])
        .collect();
    (cells, lo, hi)
}

#[test]
fn integer_columns_are_rounded_and_draws_kept_in_the_observed_range_when_asked() {
    let table = counts(400);
    let plain = ImputeParams {
        m: 2,
        ..ImputeParams::default()
    };
    let run = |params: &ImputeParams| impute::run(&table, params, &mut |_| true).unwrap();
    let free = run(&plain);
    assert!(!free.report.round_integers && !free.report.bound_to_observed);
    let (k_free, _, _) = imputed_cells(&table, &free, 1);
    assert_eq!(k_free.len(), 80);
    assert!(k_free.iter().any(|v| v.fract() != 0.0));

    let rounded = run(&ImputeParams {
        round_integers: true,
        ..plain.clone()
    });
    assert!(rounded.report.round_integers);
    let (k_rounded, _, _) = imputed_cells(&table, &rounded, 1);
    assert!(k_rounded.iter().all(|v| v.fract() == 0.0), "{k_rounded:?}");
    // Rounding changes each draw by at most a half; the float column is left alone.
    for (a, b) in k_free.iter().zip(&k_rounded) {
        assert!((a - b).abs() <= 0.5, "{a} rounded to {b}");
    }
    let (x_rounded, _, _) = imputed_cells(&table, &rounded, 0);
    assert!(x_rounded.iter().any(|v| v.fract() != 0.0));

    // Without bounds some draws leave the observed range (the tails of a normal); with them none.
    let outside = |imputed: &impute::Imputed| {
        (0..3)
            .map(|j| {
                let (cells, lo, hi) = imputed_cells(&table, imputed, j);
                cells.iter().filter(|v| !(lo..=hi).contains(*v)).count()
            })
            .sum::<usize>()
    };
    let bounded = run(&ImputeParams {
        bound_to_observed: true,
        ..plain.clone()
    });
    assert!(bounded.report.bound_to_observed);
    assert!(outside(&free) > 10, "{} draws outside", outside(&free));
    assert_eq!(outside(&bounded), 0);
}
