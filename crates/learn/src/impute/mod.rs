//! Multiple imputation by bootstrap EM, after Amelia II (Honaker, King and Blackwell): EM for
//! the mean and covariance of a multivariate normal with missing cells, run on M bootstrap
//! resamples of the rows; each resample's (mean, covariance) then draws the missing cells from
//! their normal conditional on the observed ones, giving M completed datasets whose spread
//! carries both the sampling and the imputation uncertainty.
//!
//! Shape: [`EmbParams`] (with `check`) and [`EmbParams::fit`] for the whole job; for a page that
//! shows progress, cancels, or spreads the M runs over workers, the same job in pieces:
//! [`PatternData::new`] once, then per run [`EmFitter::bootstrap`] + `iterate` until `done` +
//! `finish`, then [`draw_imputation`].

mod bootstrap;
mod conditional;
mod data;
mod dense;
mod draw;
mod em;
mod error;
mod intervals;
mod params;
mod pool;

pub use data::PatternData;
pub use draw::{draw_imputation, Imputation};
pub use em::{EmEstimate, EmFitter, EmRun, EmStep};
pub use error::ImputeError;
pub use intervals::{missing_intervals, overimpute, CellInterval, OverimputedCell};
pub use params::EmbParams;
pub use pool::{pool_means, PooledMean};

use ndarray::{Array2, ArrayView2};
use serde::Serialize;

/// The outcome of bootstrap EM: the point estimate on the data, the M models and the M
/// imputations (values of the missing cells only, see [`Imputation`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmbResult {
    /// EM on the data itself (no resampling), in the data's units.
    pub em: EmEstimate,
    /// Convergence trace of that EM.
    pub em_trace: Vec<EmStep>,
    /// The M bootstrap EM runs (standardised scale, with their traces).
    pub runs: Vec<EmRun>,
    /// The M imputations.
    pub imputations: Vec<Imputation>,
    /// EM iterations of each bootstrap run.
    pub bootstrap_iterations: Vec<usize>,
}

impl EmbResult {
    /// Convergence trace of each bootstrap run, for the convergence chart.
    pub fn traces(&self) -> Vec<&[EmStep]> {
        self.runs.iter().map(|r| &r.trace[..]).collect()
    }

    /// Completed dataset `k` (0-based) of `data`, the matrix the fit was run on.
    pub fn complete(&self, data: ArrayView2<f64>, k: usize) -> Result<Array2<f64>, ImputeError> {
        let imp = self.imputations.get(k).ok_or(ImputeError::OutOfRange {
            what: "imputation",
            index: k,
            len: self.imputations.len(),
        })?;
        imp.complete(data)
    }
}

/// Bootstrap run `index`: EM on its resample, then its imputation of the data. Independent of
/// the other runs, so a worker pool can take one each.
pub fn run_bootstrap(
    data: &PatternData,
    params: &EmbParams,
    index: usize,
) -> Result<(EmRun, Imputation), ImputeError> {
    let run = EmFitter::bootstrap(data, params, index)?.run()?;
    let imputation = draw_imputation(data, &run, params, index)?;
    Ok((run, imputation))
}

impl EmbParams {
    /// Runs bootstrap EM on `data` (rows x columns, NaN = missing).
    pub fn fit(&self, data: ArrayView2<f64>) -> Result<EmbResult, ImputeError> {
        self.check()?;
        self.check_columns(data.ncols())?;
        let prepared = PatternData::new(data)?;
        self.fit_prepared(&prepared)
    }

    /// Runs bootstrap EM on data already grouped (keep the [`PatternData`] to run
    /// [`overimpute`] or [`missing_intervals`] afterwards).
    pub fn fit_prepared(&self, data: &PatternData) -> Result<EmbResult, ImputeError> {
        self.check()?;
        self.check_columns(data.cols())?;
        let point = EmFitter::new(data, self)?.run()?;
        #[cfg(feature = "threads")]
        let runs: Vec<_> = {
            use rayon::prelude::*;
            (0..self.m)
                .into_par_iter()
                .map(|k| run_bootstrap(data, self, k))
                .collect()
        };
        #[cfg(not(feature = "threads"))]
        let runs: Vec<_> = (0..self.m).map(|k| run_bootstrap(data, self, k)).collect();
        let mut models = Vec::with_capacity(self.m);
        let mut imputations = Vec::with_capacity(self.m);
        for r in runs {
            let (run, imp) = r?;
            models.push(run);
            imputations.push(imp);
        }
        Ok(EmbResult {
            em: point.to_original(data),
            em_trace: point.trace,
            bootstrap_iterations: models.iter().map(|r| r.iterations).collect(),
            runs: models,
            imputations,
        })
    }
}
