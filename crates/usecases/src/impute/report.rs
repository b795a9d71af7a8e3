//! What an imputation run returns to the page and the command line: plain serde data, sized by
//! columns and M, never by rows (the imputed datasets themselves are written out separately).

use super::select::ImputePlan;
use learn::impute::{EmEstimate, EmStep, OverimputedCell, PooledMean};
use serde::Serialize;

/// Observed and imputed values of a column counted on the same bins, so that the two densities
/// can be drawn on one chart (a large gap hints at values missing not at random, or at a poor
/// normal model).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedHistogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// Observed cells per bin.
    pub observed: Vec<u64>,
    /// Imputed cells per bin, pooled over the M datasets.
    pub imputed: Vec<u64>,
}

/// Diagnostics of one imputed column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnReport {
    /// Column name.
    pub name: String,
    /// Observed cells among the rows used.
    pub observed: u64,
    /// Imputed cells per dataset.
    pub imputed: u64,
    /// Observed vs imputed values on shared bins.
    pub histogram: SharedHistogram,
    /// Mean of the imputed cells in each of the M datasets.
    pub imputed_means: Vec<f64>,
    /// Standard deviation of `imputed_means` across the M datasets: the between-imputation
    /// spread (0 with M = 1 or nothing imputed).
    pub between_sd: f64,
    /// Overimputation: sampled observed cells treated as missing, with the mean and interval of
    /// their draws under the M models (at most a few hundred points per column, for the chart).
    pub overimputation: Vec<OverimputedCell>,
    /// Observed cells checked by overimputation in this column.
    pub overimputation_checked: u64,
    /// Share of the checked cells whose interval covers the observed value (`None` if none).
    pub coverage: Option<f64>,
    /// Column mean pooled over the M completed datasets by Rubin's rules (over the rows used).
    pub pooled: PooledMean,
}

/// The outcome of an imputation run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImputeReport {
    /// What was imputed: the file, the columns (`em` and `per_column` follow their order), the
    /// columns left out, the rows used and left out, the cells imputed, the memory.
    #[serde(flatten)]
    pub plan: ImputePlan,
    /// Number of imputed datasets.
    pub m: usize,
    /// Master seed.
    pub seed: u64,
    /// Ridge prior in pseudo-observations.
    pub empri: f64,
    /// EM tolerance (standardised scale).
    pub tolerance: f64,
    /// Imputed values of integer and yes/no columns were rounded.
    pub round_integers: bool,
    /// Imputed values were kept within each column's observed range.
    pub bound_to_observed: bool,
    /// Imputed cells of a station that the row's part did not pass although it passed another
    /// selected one (0 when one station is selected, or without station names).
    pub unvisited_station_cells: u64,
    /// EM on the rows used (no resampling), in the data's units: the maximum-likelihood mean and
    /// covariance.
    pub em: EmEstimate,
    /// Convergence trace of that EM.
    pub em_trace: Vec<EmStep>,
    /// EM iterations of each bootstrap run.
    pub bootstrap_iterations: Vec<usize>,
    /// Convergence trace of each bootstrap run.
    pub traces: Vec<Vec<EmStep>>,
    /// Diagnostics per column.
    pub per_column: Vec<ColumnReport>,
    /// Interval level of the overimputation check.
    pub overimputation_level: f64,
    /// Share of all checked observed cells covered by their interval (`None` if none checked).
    pub coverage: Option<f64>,
    /// Things the user should know about the run (columns dropped, rows left out).
    pub notes: Vec<String>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}
