//! What a forecast run returns: plain serde structures that the page draws and the command line
//! prints.

use serde::Serialize;

/// The errors of one model (or the baseline) on the validation days.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Scores {
    /// Mean absolute error over open validation days.
    pub mae: f64,
    /// Sum of absolute errors: the business score.
    pub abs_error_sum: f64,
    /// Root mean squared percentage error over days with sales, the competition's metric.
    pub rmspe: f64,
}

impl Scores {
    /// Scores predictions against the truth.
    pub fn of(truth: &[f64], predicted: &[f64]) -> Scores {
        Scores {
            mae: learn::metrics::mae(truth, predicted),
            abs_error_sum: learn::metrics::abs_error_sum(truth, predicted),
            rmspe: learn::metrics::rmspe(truth, predicted),
        }
    }
}

pub use crate::boosting::Importance;

/// One store's errors, for the sortable table.
#[derive(Debug, Clone, Serialize)]
pub struct StoreError {
    /// Store id.
    pub store: u32,
    /// Open validation days of the store.
    pub days: u32,
    /// Model's mean absolute error.
    pub mae: f64,
    /// Baseline's mean absolute error.
    pub baseline_mae: f64,
    /// Model's sum of absolute errors.
    pub abs_error_sum: f64,
}

/// Time spent per stage, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Reading the CSV files (filled by the caller, which owns the reading).
    pub parse: f64,
    /// Building features and training.
    pub train: f64,
    /// Predicting the validation and forecast rows.
    pub predict: f64,
    /// The whole run, reading aside.
    pub total: f64,
}
