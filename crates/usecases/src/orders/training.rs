//! Training and prediction over a feature table's rows without holding their features as one
//! matrix: training bins the table's columns one at a time ([`Trainer::from_columns`]), and
//! prediction gathers blocks of rows. Both report progress as a share of the run and stop on a
//! cancel.

use learn::gbdt::{GbdtModel, GbdtParams, Trainer};

use super::table::FeatureTable;
use crate::boosting::model_error;
use crate::progress::{report, OnProgress, Progress};
use crate::UseCaseError;

/// Rows gathered per prediction block: 24 features of 2^18 rows are 25 MB of `f32`.
pub const PREDICT_BLOCK: usize = 1 << 18;

/// Where a stage sits in the whole run's progress bar: it reports `stage` and fills
/// `from..from + share` of the bar.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// The stage's stable name (`train`, `features`).
    pub stage: &'static str,
    /// Share of the run done when the stage starts.
    pub from: f64,
    /// Share of the run the stage takes.
    pub share: f64,
}

impl Span {
    /// Reports `done` of `total` (with `value`), as this span's share of the run.
    pub fn report(
        &self,
        on_progress: OnProgress<'_>,
        done: u64,
        total: u64,
        value: Option<f64>,
    ) -> Result<(), UseCaseError> {
        let part = if total > 0 {
            done as f64 / total as f64
        } else {
            0.0
        };
        report(
            on_progress,
            Progress {
                stage: self.stage,
                done,
                total,
                fraction: self.from + self.share * part.min(1.0),
                value,
            },
        )
    }
}

/// Trains `params` on `rows` of `table` with `target` (one per row), calling `each_tree` after
/// every tree (which reads the trainer's progress; its error cancels).
pub fn train(
    params: &GbdtParams,
    table: &FeatureTable,
    rows: &[u32],
    target: Vec<f32>,
    each_tree: &mut dyn FnMut(&Trainer) -> Result<(), UseCaseError>,
) -> Result<GbdtModel, UseCaseError> {
    let mut trainer = Trainer::from_columns(
        params,
        table.columns.len(),
        &mut |f| table.feature(f, rows, false),
        target,
    )
    .map_err(model_error)?;
    while !trainer.done() {
        trainer.step().map_err(model_error)?;
        each_tree(&trainer)?;
    }
    Ok(trainer.finish())
}

/// As [`train`], reporting each tree in `span` with the training loss.
pub fn train_in(
    params: &GbdtParams,
    table: &FeatureTable,
    rows: &[u32],
    target: Vec<f32>,
    span: Span,
    on_progress: OnProgress<'_>,
) -> Result<GbdtModel, UseCaseError> {
    span.report(on_progress, 0, params.n_trees as u64, None)?;
    train(params, table, rows, target, &mut |trainer| {
        let p = trainer.progress();
        span.report(
            on_progress,
            p.trees as u64,
            p.n_trees as u64,
            Some(trainer.train_loss()),
        )
    })
}

/// Calls `each(i, prediction)` for every `rows[i]` of `table`, gathering a block of rows at a
/// time; reports the rows done in `span` when given.
pub fn predict_each(
    model: &GbdtModel,
    table: &FeatureTable,
    rows: &[u32],
    span: Option<Span>,
    on_progress: OnProgress<'_>,
    each: &mut dyn FnMut(usize, f64),
) -> Result<(), UseCaseError> {
    let mut done = 0;
    for block in rows.chunks(PREDICT_BLOCK) {
        let predicted = model
            .predict(&table.gather(block, false))
            .map_err(model_error)?;
        for p in predicted {
            each(done, p);
            done += 1;
        }
        if let Some(span) = span {
            span.report(on_progress, done as u64, rows.len() as u64, None)?;
        }
    }
    Ok(())
}

/// The model's predictions on `rows` of `table` (see [`predict_each`]).
pub fn predict(
    model: &GbdtModel,
    table: &FeatureTable,
    rows: &[u32],
    span: Option<Span>,
    on_progress: OnProgress<'_>,
) -> Result<Vec<f64>, UseCaseError> {
    let mut out = Vec::with_capacity(rows.len());
    predict_each(model, table, rows, span, on_progress, &mut |_, p| {
        out.push(p)
    })?;
    Ok(out)
}
