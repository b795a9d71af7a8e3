//! Diagnostics of the M imputations, as Amelia draws them: observed vs imputed densities on shared
//! bins, overimputation (observed cells predicted from the rest of their row: do the 90%
//! intervals cover them?), the spread between the datasets, and Rubin's pooled means.

use learn::impute::{overimpute, EmRun, Imputation, ImputeError, OverimputedCell, PatternData};
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per column: observed count, imputed count, histogram bounds and counts, imputed mean per
/// dataset.
pub(crate) struct Densities {
    pub observed: Vec<u64>,
    pub imputed: Vec<u64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub observed_bins: Vec<Vec<u64>>,
    pub imputed_bins: Vec<Vec<u64>>,
    pub imputed_means: Vec<Vec<f64>>,
}

/// Calls `f(column, value, dataset)` for every cell of every completed dataset, `dataset` being
/// `None` for an observed cell (visited once) and `Some(k)` for the cell imputed in dataset `k`.
fn each_cell(
    data: ArrayView2<f64>,
    imputations: &[Imputation],
    mut f: impl FnMut(usize, f64, Option<usize>),
) {
    for row in data.outer_iter() {
        for (j, &v) in row.iter().enumerate() {
            if !v.is_nan() {
                f(j, v, None);
            }
        }
    }
    for (k, imp) in imputations.iter().enumerate() {
        let mut next = imp.values.iter();
        for row in data.outer_iter() {
            for (j, &v) in row.iter().enumerate() {
                if v.is_nan() {
                    f(
                        j,
                        *next.next().expect("one value per missing cell"),
                        Some(k),
                    );
                }
            }
        }
    }
}

/// Observed and imputed values of each column on `bins` shared bins, and the imputed means.
pub(crate) fn densities(
    data: ArrayView2<f64>,
    imputations: &[Imputation],
    bins: usize,
) -> Densities {
    let p = data.ncols();
    let m = imputations.len();
    let mut d = Densities {
        observed: vec![0; p],
        imputed: vec![0; p],
        lo: vec![f64::INFINITY; p],
        hi: vec![f64::NEG_INFINITY; p],
        observed_bins: vec![vec![0; bins]; p],
        imputed_bins: vec![vec![0; bins]; p],
        imputed_means: vec![vec![0.0; m]; p],
    };
    let mut counts = vec![vec![0u64; m]; p];
    each_cell(data, imputations, |j, v, k| {
        d.lo[j] = d.lo[j].min(v);
        d.hi[j] = d.hi[j].max(v);
        match k {
            None => d.observed[j] += 1,
            Some(k) => {
                d.imputed_means[j][k] += v;
                counts[j][k] += 1;
            }
        }
    });
    for (j, counts) in counts.iter().enumerate() {
        d.imputed[j] = counts.first().copied().unwrap_or(0);
        for (mean, &count) in d.imputed_means[j].iter_mut().zip(counts) {
            *mean = if count > 0 {
                *mean / count as f64
            } else {
                f64::NAN
            };
        }
        if d.lo[j] == d.hi[j] {
            d.hi[j] = d.lo[j] + 1.0;
        }
    }
    each_cell(data, imputations, |j, v, k| {
        let width = (d.hi[j] - d.lo[j]) / bins as f64;
        let b = (((v - d.lo[j]) / width) as usize).min(bins - 1);
        match k {
            None => d.observed_bins[j][b] += 1,
            Some(_) => d.imputed_bins[j][b] += 1,
        }
    });
    d
}

/// Sample standard deviation of `values` (0 for fewer than two, or NaN entries).
pub(crate) fn sd(values: &[f64]) -> f64 {
    if values.len() < 2 || values.iter().any(|v| v.is_nan()) {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (values.len() - 1) as f64).sqrt()
}

/// Overimputation on a sample of rows: per column, every observed cell of the sampled rows, with
/// its row in `data` and the draws' mean and interval.
///
/// Checking every observed cell would cost a conditional per missingness pattern and column, far
/// more than the fit on a large file, so a seeded sample of `rows` rows is taken (topped up so
/// that each column has at least `per_column` observed cells in it). The sample is standardised
/// by its own moments, so the M models are carried over to that scale first.
pub(crate) fn overimputation(
    data: ArrayView2<f64>,
    full: &PatternData,
    runs: &[EmRun],
    rows: usize,
    per_column: usize,
    level: f64,
    seed: u64,
) -> Result<Vec<Vec<OverimputedCell>>, ImputeError> {
    let (n, p) = data.dim();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0DE1_1A7E);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut take = vec![false; n];
    order.iter().take(rows).for_each(|&r| take[r] = true);
    for j in 0..p {
        let mut have = order
            .iter()
            .take(rows)
            .filter(|&&r| !data[[r, j]].is_nan())
            .count();
        for &r in order.iter().skip(rows) {
            if have >= per_column {
                break;
            }
            if !take[r] && !data[[r, j]].is_nan() {
                take[r] = true;
                have += 1;
            }
        }
    }
    let chosen: Vec<usize> = (0..n).filter(|&r| take[r]).collect();
    let mut sub = Array2::from_elem((chosen.len(), p), f64::NAN);
    for (i, &r) in chosen.iter().enumerate() {
        sub.row_mut(i).assign(&data.row(r));
    }
    let sample = PatternData::new(sub.view())?;
    let (c, s) = (full.column_means(), full.column_sds());
    let (c2, s2) = (sample.column_means(), sample.column_sds());
    let carried: Vec<EmRun> = runs
        .iter()
        .map(|run| EmRun {
            mean: (0..p)
                .map(|j| (run.mean[j] * s[j] + c[j] - c2[j]) / s2[j])
                .collect(),
            cov: (0..p * p)
                .map(|ij| {
                    let (i, j) = (ij / p, ij % p);
                    run.cov[ij] * s[i] * s[j] / (s2[i] * s2[j])
                })
                .collect(),
            ..run.clone()
        })
        .collect();
    (0..p)
        .map(|j| {
            let mut cells = overimpute(&sample, &carried, j, 20, level, seed)?;
            cells
                .iter_mut()
                .for_each(|cell| cell.row = chosen[cell.row]);
            Ok(cells)
        })
        .collect()
}
