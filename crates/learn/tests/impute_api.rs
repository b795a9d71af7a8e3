//! Behaviour of the public API: reproducibility, independence of the M runs, the stepwise fit,
//! bounds and rounding, blank rows, Rubin's rules, and typed errors on bad input.

use learn::impute::{
    draw_imputation, pool_means, run_bootstrap, EmFitter, EmbParams, ImputeError, PatternData,
};
use ndarray::{array, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

fn sample(n: usize, seed: u64, missing: f64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 3));
    for i in 0..n {
        let a: f64 = rng.sample(StandardNormal);
        let b: f64 = rng.sample(StandardNormal);
        let c: f64 = rng.sample(StandardNormal);
        x[[i, 0]] = 10.0 + 2.0 * a;
        x[[i, 1]] = 5.0 + a + 0.5 * b;
        x[[i, 2]] = 0.3 * a + c;
    }
    for v in x.iter_mut() {
        if rng.random::<f64>() < missing {
            *v = f64::NAN;
        }
    }
    x
}

#[test]
fn same_seed_same_result_and_runs_are_independent() {
    let x = sample(400, 1, 0.2);
    let params = EmbParams {
        m: 3,
        seed: 42,
        ..EmbParams::default()
    };
    let a = params.fit(x.view()).unwrap();
    let b = params.fit(x.view()).unwrap();
    assert_eq!(a, b);
    let other = EmbParams {
        seed: 43,
        ..params.clone()
    }
    .fit(x.view())
    .unwrap();
    assert_ne!(a.imputations[0], other.imputations[0]);
    assert_ne!(a.imputations[0], a.imputations[1]);
    // Run 2 alone (as a worker would) equals run 2 of the whole fit.
    let data = PatternData::new(x.view()).unwrap();
    let (run, imp) = run_bootstrap(&data, &params, 2).unwrap();
    assert_eq!(run, a.runs[2]);
    assert_eq!(imp, a.imputations[2]);
    assert_eq!(
        a.bootstrap_iterations,
        a.runs.iter().map(|r| r.iterations).collect::<Vec<_>>()
    );
    // Bootstrap estimates differ from each other and from the point estimate, a little.
    assert_ne!(a.runs[0].mean, a.runs[1].mean);
}

#[test]
fn stepwise_fit_equals_run_and_keeps_a_trace() {
    let x = sample(300, 2, 0.25);
    let data = PatternData::new(x.view()).unwrap();
    let params = EmbParams::default();
    let mut f = EmFitter::new(&data, &params).unwrap();
    let mut steps = 0;
    while !f.done() {
        let step = f.iterate().unwrap().unwrap();
        steps += 1;
        assert_eq!(step.changed == 0, f.converged());
    }
    assert!(f.iterate().unwrap().is_none());
    assert!(f.converged() && steps > 2);
    let last = *f.trace().last().unwrap();
    assert!(last.max_change <= params.tolerance && last.changed == 0);
    assert!(f.trace()[0].max_change > params.tolerance);
    let stepped = f.finish();
    let run = EmFitter::new(&data, &params).unwrap().run().unwrap();
    assert_eq!(stepped, run);
    // Stopping at max_iterations leaves the run marked unconverged.
    let short = EmbParams {
        max_iterations: 2,
        ..params
    };
    let run = EmFitter::new(&data, &short).unwrap().run().unwrap();
    assert_eq!(run.iterations, 2);
    assert!(!run.converged);
}

#[test]
fn imputations_fill_only_missing_cells_within_bounds() {
    let mut x = sample(500, 3, 0.3);
    x.row_mut(7).fill(f64::NAN); // a blank row: drawn from the marginal
    let params = EmbParams {
        m: 2,
        bounds: vec![None, Some((4.5, 5.5)), None],
        round: vec![true, false, false],
        ..EmbParams::default()
    };
    let result = params.fit(x.view()).unwrap();
    let data = PatternData::new(x.view()).unwrap();
    let cells = data.cells();
    assert_eq!(cells.len(), x.iter().filter(|v| v.is_nan()).count());
    for k in 0..2 {
        let done = result.complete(x.view(), k).unwrap();
        for ((i, j), v) in done.indexed_iter() {
            assert!(v.is_finite());
            if !x[[i, j]].is_nan() {
                assert_eq!(*v, x[[i, j]]);
            }
        }
        for (&(i, j), &v) in cells.iter().zip(&result.imputations[k].values) {
            assert_eq!(done[[i, j]], v);
            if j == 1 {
                assert!((4.5..=5.5).contains(&v), "{v}");
            }
            if j == 0 {
                assert_eq!(v, v.round());
            }
        }
    }
    assert!(result.complete(x.view(), 2).is_err());
    // Column 1 unbounded: its draws spread well beyond the bounds (the bounds did the work).
    let free = draw_imputation(&data, &result.runs[0], &EmbParams::default(), 0).unwrap();
    let outside = cells
        .iter()
        .zip(&free.values)
        .filter(|(c, v)| c.1 == 1 && !(4.5..=5.5).contains(*v))
        .count();
    assert!(outside > 20, "{outside}");
}

#[test]
fn rubin_rules() {
    let x = sample(600, 4, 0.3);
    let result = EmbParams {
        m: 5,
        ..EmbParams::default()
    }
    .fit(x.view())
    .unwrap();
    let pooled = pool_means(x.view(), &result.imputations).unwrap();
    for p in &pooled {
        let j = p.column;
        let means: Vec<f64> = (0..5)
            .map(|k| {
                result
                    .complete(x.view(), k)
                    .unwrap()
                    .column(j)
                    .mean()
                    .unwrap()
            })
            .collect();
        let q = means.iter().sum::<f64>() / 5.0;
        let b = means.iter().map(|m| (m - q).powi(2)).sum::<f64>() / 4.0;
        assert!((p.estimate - q).abs() < 1e-12);
        assert!((p.between - b).abs() < 1e-12);
        assert!((p.total - (p.within + 1.2 * b)).abs() < 1e-15);
        assert!(p.between > 0.0 && p.df > 4.0 && p.df < 599.0);
        assert!(p.fraction_missing_information > 0.0 && p.fraction_missing_information < 1.0);
        // The pooled estimate is near the EM mean.
        assert!((p.estimate - result.em.mean[j]).abs() < 3.0 * p.total.sqrt());
    }
}

fn bad<T>(r: Result<T, ImputeError>) -> ImputeError {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn typed_errors() {
    let x = array![
        [1.0, f64::NAN],
        [2.0, f64::NAN],
        [3.0, f64::NAN],
        [4.0, f64::NAN],
        [5.0, f64::NAN]
    ];
    assert_eq!(
        bad(PatternData::new(x.view())),
        ImputeError::NoObservedValues { column: 1 }
    );
    let x = array![
        [1.0, 2.0],
        [1.0, 3.0],
        [1.0, f64::NAN],
        [1.0, 4.0],
        [1.0, 5.0]
    ];
    assert_eq!(
        bad(PatternData::new(x.view())),
        ImputeError::ConstantColumn { column: 0 }
    );
    let x = array![[1.0, f64::INFINITY], [2.0, 3.0]];
    assert_eq!(
        bad(PatternData::new(x.view())),
        ImputeError::NonFinite { row: 0, column: 1 }
    );
    assert_eq!(
        bad(PatternData::new(Array2::zeros((0, 3)).view())),
        ImputeError::EmptyData
    );
    let x = array![[1.0, 2.0, 3.0], [2.0, f64::NAN, 1.0], [3.0, 1.0, 2.0]];
    let data = PatternData::new(x.view()).unwrap();
    assert!(matches!(
        bad(EmFitter::new(&data, &EmbParams::default())),
        ImputeError::TooFewRows {
            rows: 3,
            columns: 3
        }
    ));
    for p in [
        EmbParams {
            m: 0,
            ..EmbParams::default()
        },
        EmbParams {
            tolerance: 0.0,
            ..EmbParams::default()
        },
        EmbParams {
            empri: -1.0,
            ..EmbParams::default()
        },
        EmbParams {
            bounds: vec![Some((2.0, 1.0))],
            ..EmbParams::default()
        },
    ] {
        assert!(matches!(p.check(), Err(ImputeError::InvalidParam { .. })));
    }
    let x = sample(100, 5, 0.1);
    let p = EmbParams {
        round: vec![true],
        ..EmbParams::default()
    };
    assert!(matches!(
        bad(p.fit(x.view())),
        ImputeError::LengthMismatch { .. }
    ));
    // A duplicated column: a typed error, cured by the ridge prior.
    let mut x = sample(200, 6, 0.0);
    for i in 0..200 {
        x[[i, 2]] = x[[i, 0]];
        if i % 5 == 0 {
            x[[i, 1]] = f64::NAN;
        }
    }
    let err = bad(EmbParams::default().fit(x.view()));
    assert!(
        matches!(err, ImputeError::NotPositiveDefinite { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("empri"));
    assert!(EmbParams {
        empri: 2.0,
        ..EmbParams::default()
    }
    .fit(x.view())
    .is_ok());
}
