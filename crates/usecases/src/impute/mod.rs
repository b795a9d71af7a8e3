//! Use case 2.1: fill the holes of a production-line file by multiple imputation (bootstrap EM,
//! Amelia II's EMB), on Bosch `train_numeric.csv` or any numeric CSV.
//!
//! Steps, each callable on its own so that the page can show one before running the next:
//! 1. [`summarize`]: where the holes are, by line and station (columns grouped by their
//!    `L{line}_S{station}_F{feature}` names), and which station-visit patterns dominate: the
//!    holes are missing-not-at-random, they follow the parts' routes.
//! 2. [`plan`]: the user's stations or columns ([`ColumnSelection`]), the rows that will be used,
//!    the memory needed; a selection above [`ImputeParams::memory_budget`] is refused up front
//!    with what would fit. Never-observed and constant columns are dropped with a note.
//! 3. [`run`]: EM on the rows used, then M bootstrap EMs and draws, stepwise with a progress
//!    callback that can cancel; returns [`Imputed`]: the [`ImputeReport`] (plain serde data for
//!    the page and the command line) and the M datasets, written by
//!    [`Imputed::write_dataset`] / [`Imputed::write_long`].
//!
//! Rows: only rows with an observed value in at least one selected column are imputed (see
//! `select`): a part that never passed any selected station has no measurement there to recover,
//! and imputing one would invent it. Their count is in the report. When several stations are
//! selected, a part that passed some of them gets the others' cells imputed too (conditional on
//! what it measured); the report counts those cells (`unvisited_station_cells`).

mod diagnostics;
mod export;
mod fit;
mod groups;
mod report;
mod select;
mod summary;

pub use groups::{parse_station, station_groups, StationGroup};
pub use report::{ColumnReport, ImputeReport, SharedHistogram};
pub use select::{
    candidate_columns, columns_to_read, memory_estimate, plan, ColumnSelection, DroppedColumn,
    ImputePlan,
};
pub use summary::{summarize, LineSummary, MissingnessSummary, VisitPattern};

use std::io::Write;

use crate::contract::{question_args, report_json, unknown_question, Download, Fitted, UseCase};
use crate::error::UseCaseError;
use crate::params::{self, Check};
use crate::progress::{Clock, OnProgress, Progress};
use crate::Tables;
use learn::impute::{pool_means, EmbParams, Imputation, PatternData};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tabular::{ColumnKind, KnownFile, Table};

/// The largest estimated memory a run may take by default: a wasm32 tab also holds the loaded
/// files, its memory ends at 4 GiB and never shrinks, so the page's budget is smaller than the
/// command line's.
pub const DEFAULT_MEMORY_BUDGET: u64 = if cfg!(target_arch = "wasm32") {
    1_000_000_000
} else {
    1_500_000_000
};

crate::params! {
    /// Settings of an imputation run. Defaults: all numeric columns, Amelia's EM settings (M = 5,
    /// tolerance 1e-4, no ridge prior).
    pub struct ImputeParams {
        /// The loaded file to impute; absent: the loaded Bosch train_numeric.csv.
        pub table: Option<String> = None,
        /// The columns to impute: "all" (every numeric measurement column), a list of column
        /// names or station keys such as L3_S29 (all the station's columns), or a regular
        /// expression on column names (^L3_S29_).
        pub columns: ColumnSelection = ColumnSelection::All,
        /// Number of imputed datasets (M).
        pub m: usize = EmbParams::default().m,
        /// Master seed of the resamples and draws.
        pub seed: u64 = EmbParams::default().seed,
        /// Ridge prior in pseudo-observations (Amelia's empri).
        pub empri: f64 = EmbParams::default().empri,
        /// EM convergence tolerance on the standardised scale.
        pub tolerance: f64 = EmbParams::default().tolerance,
        /// EM iteration cap per run.
        pub max_iterations: usize = EmbParams::default().max_iterations,
        /// Largest estimated memory a run may take, in bytes; above it the selection is refused
        /// with what would fit.
        pub memory_budget: u64 = DEFAULT_MEMORY_BUDGET,
        /// Bins of the observed-vs-imputed histograms.
        pub bins: usize = 30,
        /// Rows sampled for the overimputation check.
        pub overimpute_rows: usize = 500,
        /// Points per column kept in the report for the overimputation chart.
        pub overimpute_points: usize = 200,
        /// Round the imputed values of integer and yes/no columns to whole numbers, as Amelia's
        /// rounding of ordinal columns does (the EM itself stays continuous).
        pub round_integers: bool = false,
        /// Keep each imputed value within its column's observed range (Amelia's bounds): a draw
        /// outside is redrawn, then clamped.
        pub bound_to_observed: bool = false,
    }
}

impl ImputeParams {
    /// The EM settings.
    pub fn em(&self) -> EmbParams {
        EmbParams {
            m: self.m,
            seed: self.seed,
            empri: self.empri,
            tolerance: self.tolerance,
            max_iterations: self.max_iterations,
            ..EmbParams::default()
        }
    }
}

impl Check for ImputeParams {
    fn check(&self) -> Result<(), UseCaseError> {
        use learn::impute::ImputeError;
        self.em().check().map_err(|e| match e {
            ImputeError::InvalidParam { name, reason } => {
                let ours = match name {
                    "max_iterations" => "maxIterations",
                    other => other,
                };
                UseCaseError::param(ours, reason)
            }
            other => UseCaseError::Input(other.to_string()),
        })?;
        if self.m > 100 {
            return Err(UseCaseError::param(
                "m",
                format!("{} imputations is more than the 100 allowed", self.m),
            ));
        }
        if self.bins == 0 {
            return Err(UseCaseError::param("bins", "at least 1 bin"));
        }
        if self.overimpute_rows == 0 {
            return Err(UseCaseError::param("overimputeRows", "at least 1 row"));
        }
        if self.columns == ColumnSelection::Names(Vec::new()) {
            return Err(UseCaseError::param(
                "columns",
                "no station or column selected: pick at least one",
            ));
        }
        Ok(())
    }
}

/// What a run is doing, reported after every EM iteration and every draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// EM on the data itself (run 0).
    Em,
    /// EM on bootstrap resample `run` (1..=M).
    Bootstrap,
    /// Dataset `run` has been drawn.
    Draw,
    /// Histograms, overimputation and pooling.
    Diagnostics,
}

impl Stage {
    /// The stage's name in a [`Progress`] report.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Em => "em",
            Stage::Bootstrap => "bootstrap",
            Stage::Draw => "draw",
            Stage::Diagnostics => "diagnostics",
        }
    }
}

/// Where the EM runs stand, after every iteration and draw: what [`run`] turns into its
/// [`Progress`] reports (stage, run `done` of M `total`, the largest change as `value`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct EmProgress {
    /// Stage of the run.
    pub stage: Stage,
    /// 0 for the point EM, k for bootstrap k (1-based).
    pub run: usize,
    /// M.
    pub runs: usize,
    /// EM iterations of the current run so far.
    pub iteration: usize,
    /// Largest parameter change of the last iteration (standardised scale).
    pub max_change: f64,
}

impl EmProgress {
    /// Rough completed share of the job, for a progress bar: M + 2 equal parts (point EM, the M
    /// bootstraps, diagnostics), each EM counted as converging in about 30 iterations.
    fn fraction(&self) -> f64 {
        let parts = (self.runs + 2) as f64;
        let within = match self.stage {
            Stage::Draw => 1.0,
            Stage::Diagnostics => 0.0,
            _ => (self.iteration as f64 / 30.0).min(0.95),
        };
        let done = match self.stage {
            Stage::Diagnostics => (self.runs + 1) as f64,
            _ => self.run as f64,
        };
        ((done + within) / parts).min(1.0)
    }

    /// As the use case reports it: the EM on the data counts its iterations, the bootstraps and
    /// draws count runs of M.
    fn progress(&self) -> Progress {
        let (done, total) = match self.stage {
            Stage::Em => (self.iteration, 0),
            _ => (self.run, self.runs),
        };
        Progress {
            stage: self.stage.name(),
            done: done as u64,
            total: total as u64,
            fraction: self.fraction(),
            value: matches!(self.stage, Stage::Em | Stage::Bootstrap).then_some(self.max_change),
        }
    }
}

/// A finished run: the report, and what is needed to write the M completed datasets.
#[derive(Debug, Clone)]
pub struct Imputed {
    /// The report (serde) for the page and the command line.
    pub report: ImputeReport,
    data: Array2<f64>,
    imputations: Vec<Imputation>,
    ids: Vec<String>,
    id_name: String,
    integer: Vec<bool>,
}

impl Imputed {
    /// Completed dataset `k` (0-based) of the rows used, in the report's column order.
    pub fn completed(&self, k: usize) -> Option<Array2<f64>> {
        self.imputations
            .get(k)
            .and_then(|imp| imp.complete(self.data.view()).ok())
    }

    /// Identifier of each row used (the `Id` column, or the 1-based data row number).
    pub fn ids(&self) -> &[String] {
        &self.ids
    }
}

/// Imputes `params.columns` of `table`: see the module documentation. `on_progress` hears the
/// stages `em` (iterations done), `bootstrap` and `draw` (runs done of M) and `diagnostics`;
/// returning false cancels with [`UseCaseError::Cancelled`].
pub fn run(
    table: &Table,
    params: &ImputeParams,
    on_progress: OnProgress<'_>,
) -> Result<Imputed, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    let mut progress = |p: EmProgress| on_progress(&p.progress());
    let plan = plan(table, params)?;
    let data = select::dense(table, &plan);
    let columns = plan.columns.clone();
    let err = |e| fit::model_error(e, &columns);
    let prepared = PatternData::new(data.view()).map_err(err)?;
    let integer: Vec<bool> = plan
        .indices
        .iter()
        .map(|&i| matches!(table.columns[i].kind(), ColumnKind::Int | ColumnKind::Bool))
        .collect();
    let mut em_params = params.em();
    if params.round_integers {
        em_params.round = integer.clone();
    }
    if params.bound_to_observed {
        em_params.bounds = observed_ranges(&data);
    }
    let fitted = fit::fit(&prepared, &em_params, &columns, &mut progress)?;

    if !progress(EmProgress {
        stage: Stage::Diagnostics,
        run: params.m,
        runs: params.m,
        iteration: 0,
        max_change: 0.0,
    }) {
        return Err(UseCaseError::Cancelled);
    }
    let dens = diagnostics::densities(data.view(), &fitted.imputations, params.bins);
    let pooled = if data.nrows() >= 2 {
        pool_means(data.view(), &fitted.imputations).map_err(err)?
    } else {
        return Err(UseCaseError::Input(format!(
            "{}: only {} row has a value in the selected columns",
            table.name,
            data.nrows()
        )));
    };
    let mut notes = Vec::new();
    let over = match diagnostics::overimputation(
        data.view(),
        &prepared,
        &fitted.runs,
        params.overimpute_rows,
        20,
        0.9,
        params.seed,
    ) {
        Ok(over) => over,
        Err(e) => {
            notes.push(format!(
                "overimputation check skipped: {}",
                fit::model_error(e, &columns)
            ));
            vec![Vec::new(); columns.len()]
        }
    };
    let covered = |cells: &[learn::impute::OverimputedCell]| {
        cells
            .iter()
            .filter(|c| c.lower <= c.observed && c.observed <= c.upper)
            .count()
    };
    let (checked, hits) = over.iter().fold((0, 0), |(n, h), cells| {
        (n + cells.len(), h + covered(cells))
    });

    let per_column = (0..columns.len())
        .map(|j| {
            let cells = &over[j];
            ColumnReport {
                name: columns[j].clone(),
                observed: dens.observed[j],
                imputed: dens.imputed[j],
                histogram: SharedHistogram {
                    lo: dens.lo[j],
                    hi: dens.hi[j],
                    observed: dens.observed_bins[j].clone(),
                    imputed: dens.imputed_bins[j].clone(),
                },
                imputed_means: dens.imputed_means[j].clone(),
                between_sd: diagnostics::sd(&dens.imputed_means[j]),
                overimputation: cells
                    .iter()
                    .take(params.overimpute_points)
                    .cloned()
                    .collect(),
                overimputation_checked: cells.len() as u64,
                coverage: (!cells.is_empty()).then(|| covered(cells) as f64 / cells.len() as f64),
                pooled: pooled[j].clone(),
            }
        })
        .collect();

    for d in &plan.dropped {
        notes.push(format!("column {} left out: {}", d.name, d.reason));
    }
    if plan.rows_left_out > 0 {
        notes.push(format!(
            "{} of {} rows have no value in any selected column (parts that passed none of the \
             selected stations) and are left out: there is no measurement of theirs to recover",
            plan.rows_left_out, plan.rows_total
        ));
    }
    let unvisited = unvisited_station_cells(&data, &columns);
    if unvisited > 0 {
        notes.push(format!(
            "{unvisited} imputed cells belong to a selected station that the row's part did not \
             pass (it passed another selected one): impute one station at a time to avoid them"
        ));
    }

    let id_column = table.columns.iter().find(|c| select::is_id(&c.name));
    let ids = plan
        .rows
        .iter()
        .map(|&r| match id_column.and_then(|c| c.text_at(r as usize)) {
            Some(id) => id.into_owned(),
            None => (r as u64 + 1).to_string(),
        })
        .collect();
    let id_name = id_column.map_or_else(|| "row".to_string(), |c| c.name.clone());
    let mut plan = plan;
    // The row and column indices served the reading; the report keeps what it says.
    plan.rows = Vec::new();
    plan.indices = Vec::new();
    let report = ImputeReport {
        plan,
        m: params.m,
        seed: params.seed,
        empri: params.empri,
        tolerance: params.tolerance,
        round_integers: params.round_integers,
        bound_to_observed: params.bound_to_observed,
        unvisited_station_cells: unvisited,
        em: fitted.point.to_original(&prepared),
        em_trace: fitted.point.trace.clone(),
        bootstrap_iterations: fitted.runs.iter().map(|r| r.iterations).collect(),
        traces: fitted.runs.iter().map(|r| r.trace.clone()).collect(),
        per_column,
        overimputation_level: 0.9,
        coverage: (checked > 0).then(|| hits as f64 / checked as f64),
        notes,
        seconds: clock.total(),
    };
    Ok(Imputed {
        report,
        data,
        imputations: fitted.imputations,
        ids,
        id_name,
        integer,
    })
}

/// Each column's smallest and largest observed value, as bounds for the draws.
fn observed_ranges(data: &Array2<f64>) -> Vec<Option<(f64, f64)>> {
    data.columns()
        .into_iter()
        .map(|column| {
            let observed = column.iter().filter(|v| !v.is_nan());
            let (lo, hi) = observed.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}

/// Empty cells of a station that the row has no observed value in, although the row is used
/// (it has a value in another selected station).
fn unvisited_station_cells(data: &Array2<f64>, columns: &[String]) -> u64 {
    let mut stations: Vec<((u32, u32), Vec<usize>)> = Vec::new();
    for (j, name) in columns.iter().enumerate() {
        if let Some(key) = parse_station(name) {
            match stations.iter_mut().find(|(k, _)| *k == key) {
                Some((_, cols)) => cols.push(j),
                None => stations.push((key, vec![j])),
            }
        }
    }
    if stations.len() < 2 {
        return 0;
    }
    data.outer_iter()
        .map(|row| {
            stations
                .iter()
                .filter(|(_, cols)| cols.iter().all(|&j| row[j].is_nan()))
                .map(|(_, cols)| cols.len() as u64)
                .sum::<u64>()
        })
        .sum()
}

/// Visit patterns listed by the `summary` question.
pub const TOP_PATTERNS: usize = 12;

/// Use case 2.1 as the catalogue runs it.
pub struct MultipleImputation;

/// The arguments of the `summary` question.
#[derive(Debug, Deserialize)]
struct SummaryQuestion {
    table: Option<String>,
}

/// The table `name` names, or the loaded Bosch `train_numeric.csv`.
fn input_table<'a>(tables: &'a dyn Tables, name: Option<&str>) -> Result<&'a Table, UseCaseError> {
    match name {
        Some(name) => tables.require_named(name),
        None => tables.require(MultipleImputation::NAME, KnownFile::BoschNumeric),
    }
}

impl UseCase for MultipleImputation {
    const NAME: &'static str = "impute";
    type Params = ImputeParams;
    type Inputs<'a> = &'a Table;
    type Fitted = Imputed;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        params: &ImputeParams,
    ) -> Result<&'a Table, UseCaseError> {
        input_table(tables, params.table.as_deref())
    }

    fn run(
        table: &Table,
        params: &ImputeParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Imputed, UseCaseError> {
        run(table, params, on_progress)
    }

    /// `summary` `{table}`: where the holes are ([`MissingnessSummary`]); `plan` (the run's
    /// parameters): what a run would impute and the memory it needs ([`ImputePlan`]), or the
    /// error saying why it cannot (memory, columns).
    fn preview(tables: &dyn Tables, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "summary" => {
                let q: SummaryQuestion = question_args(question, args)?;
                let table = input_table(tables, q.table.as_deref())?;
                Ok(report_json(&summarize(table, TOP_PATTERNS)))
            }
            "plan" => {
                let params: ImputeParams = params::from_json(args)?;
                params.check()?;
                let table = input_table(tables, params.table.as_deref())?;
                Ok(report_json(&plan(table, &params)?))
            }
            _ => Err(unknown_question(question)),
        }
    }
}

impl Fitted for Imputed {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    fn downloads(&self) -> Vec<Download> {
        let mut downloads: Vec<Download> = (1..=self.imputations.len())
            .map(|k| Download::csv(&format!("dataset-{k}"), &format!("imputed_{k}.csv")))
            .collect();
        downloads.push(Download::csv("long", "imputed_long.csv"));
        downloads
    }

    /// `dataset-K`: completed dataset K (1-based); `long`: all M in one file.
    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        if key == "long" {
            return Ok(self.write_long(out)?);
        }
        match key
            .strip_prefix("dataset-")
            .and_then(|k| k.parse::<usize>().ok())
        {
            Some(k) if (1..=self.imputations.len()).contains(&k) => {
                Ok(self.write_dataset(k - 1, out)?)
            }
            _ => Err(UseCaseError::Unavailable(format!(
                "an imputation of {} datasets has no download named {key}",
                self.imputations.len()
            ))),
        }
    }
}
