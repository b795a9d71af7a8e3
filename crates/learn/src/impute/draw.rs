//! Imputation draws: each missing cell of the original data drawn from the normal conditional on
//! its row's observed cells, under one run's mean and covariance. Rows with nothing observed are
//! drawn from the marginal. Bounded cells are redrawn (the row's missing cells together, as
//! Amelia does) up to `max_resample` times, then the last draw is clamped.

use super::bootstrap::{self, Purpose};
use super::conditional::Conditional;
use super::data::PatternData;
use super::dense::{cholesky, invert_spd};
use super::{EmRun, EmbParams, ImputeError};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

/// One completed dataset, kept as the imputed values only (in the row-major order of the
/// missing cells, see [`PatternData::cells`]) to save memory; `fill` or `complete` rebuild it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imputation {
    /// Imputed value of each missing cell, in the data's units.
    pub values: Vec<f64>,
}

impl Imputation {
    /// Writes the imputed values into the NaN cells of `data` (the matrix the fit was run on).
    pub fn fill(&self, mut data: ArrayViewMut2<f64>) -> Result<(), ImputeError> {
        let holes = data.iter().filter(|v| v.is_nan()).count();
        if holes != self.values.len() {
            return Err(ImputeError::LengthMismatch {
                what: "missing cells",
                expected: self.values.len(),
                found: holes,
            });
        }
        let mut next = self.values.iter();
        for mut row in data.outer_iter_mut() {
            for v in row.iter_mut().filter(|v| v.is_nan()) {
                *v = *next.next().expect("counted above");
            }
        }
        Ok(())
    }

    /// A completed copy of `data`.
    pub fn complete(&self, data: ArrayView2<f64>) -> Result<Array2<f64>, ImputeError> {
        let mut out = data.to_owned();
        self.fill(out.view_mut())?;
        Ok(out)
    }
}

/// Draws imputation `index` of the data under `run`'s parameters.
pub fn draw_imputation(
    data: &PatternData,
    run: &EmRun,
    params: &EmbParams,
    index: usize,
) -> Result<Imputation, ImputeError> {
    params.check_columns(data.cols())?;
    let p = data.cols();
    let mut rng = bootstrap::rng(params.seed, index, Purpose::Draw);
    // Bounds on the standardised scale.
    let bounds: Vec<(f64, f64)> = (0..p)
        .map(|j| match params.bounds.get(j).copied().flatten() {
            Some((lo, hi)) => (
                (lo - data.center[j]) / data.scale[j],
                (hi - data.center[j]) / data.scale[j],
            ),
            None => (f64::NEG_INFINITY, f64::INFINITY),
        })
        .collect();
    let round = |j: usize| params.round.get(j).copied().unwrap_or(false);

    let failed = ImputeError::NotPositiveDefinite {
        iteration: run.iterations,
    };
    // Amelia's check before drawing: a covariance with a vanishing eigenvalue (collinear
    // columns) would give degenerate draws, so it is refused.
    let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(p, p, &run.cov));
    if eig
        .eigenvalues
        .iter()
        .any(|&e| e.is_nan() || e < f64::EPSILON)
    {
        return Err(failed);
    }
    let mut work = run.cov.clone();
    let mut work2 = vec![0.0; p * p];
    let mut precision = vec![0.0; p * p];
    let have_precision = invert_spd(&mut work, p, &mut work2, &mut precision);
    let mut cond = Conditional::new(p);
    let mut chol = vec![0.0; p * p];
    let mut mean = vec![0.0; p];
    let mut z = vec![0.0; p];
    let mut x = vec![0.0; p];
    let mut values = vec![0.0; data.missing_cells()];

    for pat in data.patterns.iter().filter(|pat| pat.n_mis > 0) {
        let (obs, mis) = (pat.obs(&data.columns), pat.mis(&data.columns));
        let (o, m) = (obs.len(), mis.len());
        let precision = have_precision.then_some(&precision[..]);
        if !cond.compute(&run.mean, &run.cov, precision, obs, mis) {
            return Err(failed);
        }
        chol[..m * m].copy_from_slice(&cond.c[..m * m]);
        if !cholesky(&mut chol[..m * m], m) {
            return Err(failed);
        }
        let bounded = mis
            .iter()
            .any(|&j| bounds[j].0.is_finite() || bounds[j].1.is_finite());
        for i in 0..pat.rows {
            let xo = &data.values[pat.values_start + i * o..pat.values_start + (i + 1) * o];
            for (r, mr) in mean[..m].iter_mut().enumerate() {
                *mr = cond.b[r] + super::dense::dot(&cond.a[r * o..(r + 1) * o], xo);
            }
            let mut tries = 0;
            loop {
                tries += 1;
                for zr in &mut z[..m] {
                    *zr = rng.sample(StandardNormal);
                }
                for (r, xr) in x[..m].iter_mut().enumerate() {
                    *xr = mean[r] + super::dense::dot(&chol[r * m..r * m + r + 1], &z[..=r]);
                }
                let inside = !bounded
                    || mis
                        .iter()
                        .enumerate()
                        .all(|(r, &j)| x[r] >= bounds[j].0 && x[r] <= bounds[j].1);
                if inside {
                    break;
                }
                if tries >= params.max_resample {
                    for (r, &j) in mis.iter().enumerate() {
                        x[r] = x[r].clamp(bounds[j].0, bounds[j].1);
                    }
                    break;
                }
            }
            let row = data.row_index[pat.first + i] as usize;
            let start = data.cell_start[row];
            for (r, &j) in mis.iter().enumerate() {
                let v = x[r] * data.scale[j] + data.center[j];
                values[start + r] = if round(j) { v.round() } else { v };
            }
        }
    }
    Ok(Imputation { values })
}
