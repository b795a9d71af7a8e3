//! The EM runs, stepwise: the point EM and the M bootstrap EMs iterate one step at a time, and
//! after each step the caller's progress callback may cancel the job.

use super::{EmProgress, Stage};
use crate::error::UseCaseError;
use learn::impute::{
    draw_imputation, EmFitter, EmRun, EmbParams, Imputation, ImputeError, PatternData,
};

/// The point EM, the M bootstrap runs and their imputations.
pub(crate) struct Fitted {
    pub point: EmRun,
    pub runs: Vec<EmRun>,
    pub imputations: Vec<Imputation>,
}

/// Words for a learner error, with column numbers replaced by the column names.
pub(crate) fn model_error(error: ImputeError, columns: &[String]) -> UseCaseError {
    let name = |j: usize| columns.get(j).map_or("?", String::as_str);
    UseCaseError::Model(match error {
        ImputeError::NoObservedValues { column } => {
            format!(
                "column {}: no observed value, nothing to impute it from",
                name(column)
            )
        }
        ImputeError::ConstantColumn { column } => {
            format!(
                "column {}: fewer than two distinct observed values",
                name(column)
            )
        }
        ImputeError::TooFewRows { rows, columns: p } => format!(
            "{rows} rows are too few for {p} columns (bootstrap EM needs at least twice as many \
             rows as columns): select fewer columns, or set a ridge prior (empri) of about {}",
            (2 * p).saturating_sub(rows) + rows / 100 + 1
        ),
        other => other.to_string(),
    })
}

fn step(
    fitter: &mut EmFitter,
    stage: Stage,
    run: usize,
    runs: usize,
    columns: &[String],
    progress: &mut dyn FnMut(EmProgress) -> bool,
) -> Result<(), UseCaseError> {
    while !fitter.done() {
        let Some(s) = fitter.iterate().map_err(|e| model_error(e, columns))? else {
            break;
        };
        let event = EmProgress {
            stage,
            run,
            runs,
            iteration: fitter.iterations(),
            max_change: s.max_change,
        };
        if !progress(event) {
            return Err(UseCaseError::Cancelled);
        }
    }
    Ok(())
}

/// Runs the point EM, then for each of the M resamples its EM and its draws, calling `progress`
/// after every EM iteration and every draw.
pub(crate) fn fit(
    data: &PatternData,
    params: &EmbParams,
    columns: &[String],
    progress: &mut dyn FnMut(EmProgress) -> bool,
) -> Result<Fitted, UseCaseError> {
    let err = |e| model_error(e, columns);
    let m = params.m;
    let mut point = EmFitter::new(data, params).map_err(err)?;
    step(&mut point, Stage::Em, 0, m, columns, progress)?;
    let point = point.finish();
    let mut runs = Vec::with_capacity(m);
    let mut imputations = Vec::with_capacity(m);
    for k in 0..m {
        let mut fitter = EmFitter::bootstrap(data, params, k).map_err(err)?;
        step(&mut fitter, Stage::Bootstrap, k + 1, m, columns, progress)?;
        let run = fitter.finish();
        imputations.push(draw_imputation(data, &run, params, k).map_err(err)?);
        let event = EmProgress {
            stage: Stage::Draw,
            run: k + 1,
            runs: m,
            iteration: run.iterations,
            max_change: 0.0,
        };
        runs.push(run);
        if !progress(event) {
            return Err(UseCaseError::Cancelled);
        }
    }
    Ok(Fitted {
        point,
        runs,
        imputations,
    })
}
