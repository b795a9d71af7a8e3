//! What a forecast run returns: plain serde structures that the page draws and the command line
//! prints.

use learn::gbdt::TargetTransform;
use serde::Serialize;

/// The errors of one model (or the baseline) on the validation days.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Scores {
    /// Mean absolute error over open validation days.
    pub mae: f64,
    /// Sum of absolute errors: the business score.
    pub abs_error_sum: f64,
    /// Root mean squared percentage error over open days with sales (a day without sales has
    /// no percentage error), the competition's metric.
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

/// How the model is judged, defined once and printed with every report: which days are held
/// out, which rows each score leaves out and why, and what the baseline is.
#[derive(Debug, Clone, Serialize)]
pub struct Holdout {
    /// First validation day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last validation day (the file's last).
    pub valid_to: String,
    /// Calendar days held out.
    pub days: u32,
    /// Open validation days: MAE and the sum of absolute errors are over these.
    pub rows_valid: usize,
    /// Of them, days with sales above 0: RMSPE is over these.
    pub rows_rmspe: usize,
    /// Validation days left out because the store was closed (forecast 0, sold 0).
    pub rows_closed: usize,
    /// Open validation days with no sales: in MAE, out of RMSPE (no percentage error).
    pub rows_zero_sales: usize,
    /// Training days the model learns from: open, with sales, before the validation days.
    pub rows_train: usize,
    /// Training days left out: closed, or open without sales.
    pub rows_train_excluded: usize,
    /// The naive forecast beside the model.
    pub baseline: &'static str,
}

/// The baseline, in words.
pub const BASELINE: &str = "each store's mean sales by weekday and promo over its open training days (the store's mean, then the chain's, where a cell has none)";

/// How the number of trees was found.
#[derive(Debug, Clone, Serialize)]
pub struct EarlyStopping {
    /// First day of the early-stopping slice (the last days of the training period).
    pub from: String,
    /// Its last day (the day before validation).
    pub to: String,
    /// Training rows in the slice, which the first fit scores after each tree.
    pub rows: usize,
    /// Training rows before it, which the first fit learns from.
    pub rows_fit: usize,
    /// Trees without improvement on the slice that end the first fit.
    pub rounds: usize,
    /// Trees trained by the first fit.
    pub trees_tried: usize,
    /// Trees at the slice's lowest error: the model's count.
    pub best_trees: usize,
    /// Whether the model was then trained again on all training rows with that count.
    pub refit: bool,
}

/// Where the model comes from.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// `trained` here, or `loaded` from a model file.
    pub source: &'static str,
    /// The loaded file's name.
    pub file: Option<String>,
    /// `vitrine-gbdt` or `xgboost`.
    pub format: &'static str,
    /// What the trees predict: `log1p` (ln(1 + sales), undone for the forecast) or `identity`.
    pub target: TargetTransform,
    /// The features the model reads, by name.
    pub features: Vec<String>,
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

/// One validation day's errors over every open store.
#[derive(Debug, Clone, Serialize)]
pub struct DayError {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Open stores that day.
    pub stores: u32,
    /// Model's mean absolute error.
    pub mae: f64,
    /// Baseline's mean absolute error.
    pub baseline_mae: f64,
}

/// Where the model loses to the baseline: counted over stores and days, so that the page can
/// say it plainly.
#[derive(Debug, Clone, Serialize)]
pub struct Losses {
    /// Stores whose model MAE is above the baseline's.
    pub stores_worse: usize,
    /// Stores scored.
    pub stores: usize,
    /// Their share of the model's sum of absolute errors.
    pub stores_worse_error_share: f64,
    /// Days whose model MAE is above the baseline's.
    pub days_worse: usize,
    /// Days scored.
    pub days: usize,
    /// The model's MAE is above the baseline's over the whole validation period.
    pub worse_mae: bool,
    /// The model's RMSPE is above the baseline's.
    pub worse_rmspe: bool,
}

/// Time spent per stage, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Reading the CSV files (filled by the caller, which owns the reading).
    pub parse: f64,
    /// Building the feature columns (typed rows, store history, events).
    pub features: f64,
    /// Training (early stopping and refit), or reading a loaded model.
    pub train: f64,
    /// Predicting the validation and forecast rows.
    pub predict: f64,
    /// The whole run, reading aside.
    pub total: f64,
}

/// Time spent by a comparison model, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ComparisonSeconds {
    /// Building its feature columns.
    pub features: f64,
    /// Training it.
    pub train: f64,
}
