//! Training the forecast's trees: early stopping on the last days of the training period finds
//! how many trees to use (a first fit on the days before them, scored on them after every
//! tree), then the model is trained again on every training day with that count, so that it
//! learns from the most recent days too. Without early stopping, all `trees` are trained.

use learn::gbdt::{Dataset, Feature, GbdtModel, GbdtParams, Trainer};

use super::report::EarlyStopping;
use crate::boosting::model_error;
use crate::calendar::iso_date;
use crate::progress::Progress;
use crate::UseCaseError;

/// The rows of `features` (and their sales) as a learner's dataset.
pub(crate) fn dataset(
    features: &[Feature],
    sales: &[f32],
    rows: &[usize],
) -> Result<Dataset, UseCaseError> {
    Dataset::new(
        subset(features, rows),
        rows.iter().map(|&i| sales[i]).collect(),
    )
    .map_err(model_error)
}

/// The rows `rows` of every column.
pub(crate) fn subset(features: &[Feature], rows: &[usize]) -> Vec<Feature> {
    features
        .iter()
        .map(|f| Feature {
            name: f.name.clone(),
            kind: f.kind,
            values: rows.iter().map(|&i| f.values[i]).collect(),
        })
        .collect()
}

/// What a training run learns from.
pub(crate) struct TrainingRows<'a> {
    /// Every training row (open, with sales, before validation), in file order.
    pub(crate) train: &'a [usize],
    /// The validation rows, scored after each tree for the progress bar only.
    pub(crate) valid: &'a [usize],
    /// Days since 1970-01-01 of every row.
    pub(crate) date: &'a [i32],
    /// First validation day.
    pub(crate) valid_from: i32,
}

/// Where a training run reports: its stage names for the early-stopping fit and the final one,
/// and the share of the progress bar it fills from `start`.
pub(crate) struct Reporting<'p> {
    pub(crate) stop_stage: &'static str,
    pub(crate) stage: &'static str,
    pub(crate) start: f64,
    pub(crate) share: f64,
    pub(crate) on_progress: &'p mut dyn FnMut(&Progress) -> bool,
}

/// Trains on `rows` with `gbdt` (its `n_trees` the most trees), finding the count by early
/// stopping on the last `stop_days` training days when `stop_days > 0` (ending after `rounds`
/// trees without improvement), then refitting on every training row when `refit`.
pub(crate) fn train(
    gbdt: &GbdtParams,
    (stop_days, rounds, refit): (u32, usize, bool),
    features: &[Feature],
    sales: &[f32],
    rows: &TrainingRows<'_>,
    report: Reporting<'_>,
) -> Result<(GbdtModel, Option<EarlyStopping>), UseCaseError> {
    let Reporting {
        stop_stage,
        stage,
        start,
        share,
        on_progress,
    } = report;
    let valid = dataset(features, sales, rows.valid)?;
    if stop_days == 0 {
        let train = dataset(features, sales, rows.train)?;
        let (model, _) = fit(gbdt, &train, &valid, &mut |p| {
            on_progress(&tree_progress(stage, p, start, share))
        })?;
        return Ok((model, None));
    }
    let stop_from = rows.valid_from - stop_days as i32;
    let (fit_rows, stop_rows): (Vec<usize>, Vec<usize>) =
        rows.train.iter().partition(|&&i| rows.date[i] < stop_from);
    if fit_rows.is_empty() || stop_rows.is_empty() {
        return Err(UseCaseError::param(
            "earlyStoppingDays",
            format!(
                "the last {stop_days} training days leave {} rows to fit and {} to stop on; \
                 choose fewer days, or 0 to train every tree",
                fit_rows.len(),
                stop_rows.len()
            ),
        ));
    }
    // The first fit's share of the bar: all of it without a refit; else about its part of the
    // work (it trains about 20 trees more than the refit, on fewer rows).
    let first_share = if refit { share / 2.0 } else { share };
    let stopping = GbdtParams {
        early_stopping_rounds: Some(rounds),
        ..gbdt.clone()
    };
    let early = |trees_tried, best_trees| EarlyStopping {
        from: iso_date(stop_from),
        to: iso_date(rows.valid_from - 1),
        rows: stop_rows.len(),
        rows_fit: fit_rows.len(),
        rounds,
        trees_tried,
        best_trees,
        refit,
    };
    if refit && side_by_side() {
        let fit_set = dataset(features, sales, &fit_rows)?;
        let stop_set = dataset(features, sales, &stop_rows)?;
        let train = dataset(features, sales, rows.train)?;
        let (model, trees_tried, best_trees) = fit_beside_refit(
            (&stopping, gbdt),
            (&fit_set, &stop_set),
            (&train, &valid),
            &mut |p| on_progress(&tree_progress(stop_stage, p, start, share)),
        )?;
        // The refit's trees were trained beside: its stage ends at once, with the count kept.
        let finished = Progress {
            stage,
            done: best_trees as u64,
            total: best_trees as u64,
            fraction: start + share,
            value: None,
        };
        if !on_progress(&finished) {
            return Err(UseCaseError::Cancelled);
        }
        return Ok((model, Some(early(trees_tried, best_trees))));
    }
    let (first, trees_tried) = {
        let fit_set = dataset(features, sales, &fit_rows)?;
        let stop_set = dataset(features, sales, &stop_rows)?;
        fit(&stopping, &fit_set, &stop_set, &mut |p| {
            on_progress(&tree_progress(stop_stage, p, start, first_share))
        })?
    };
    let early = early(trees_tried, first.n_trees());
    if !refit {
        return Ok((first, Some(early)));
    }
    drop(first);
    let again = GbdtParams {
        n_trees: early.best_trees.max(1),
        ..gbdt.clone()
    };
    let train = dataset(features, sales, rows.train)?;
    let (model, _) = fit(&again, &train, &valid, &mut |p| {
        on_progress(&tree_progress(
            stage,
            p,
            start + first_share,
            share - first_share,
        ))
    })?;
    Ok((model, Some(early)))
}

/// Trains tree by tree, reporting after each; `false` from `on_progress` cancels. Returns the
/// model (cut back to its best count when stopping early) and the trees trained.
fn fit(
    params: &GbdtParams,
    train: &Dataset,
    valid: &Dataset,
    on_progress: &mut dyn FnMut(&learn::gbdt::Progress) -> bool,
) -> Result<(GbdtModel, usize), UseCaseError> {
    let mut trainer = Trainer::new(params, train, Some(valid)).map_err(model_error)?;
    while !trainer.done() {
        trainer.step().map_err(model_error)?;
        if !on_progress(trainer.progress()) {
            return Err(UseCaseError::Cancelled);
        }
    }
    let tried = trainer.progress().trees;
    Ok((trainer.finish(), tried))
}

/// Whether the early-stopping fit and the refit run side by side: natively on two threads or
/// more. The page's wasm runs on one thread, where the refit trains its trees after.
fn side_by_side() -> bool {
    #[cfg(feature = "threads")]
    {
        rayon::current_num_threads() > 1
    }
    #[cfg(not(feature = "threads"))]
    {
        false
    }
}

/// The early-stopping fit (`stopping` on `fit_set`, scored on `stop_set`) and the refit (`refit`
/// on every training row) a tree each in turn, on two threads: the refit's trees do not depend
/// on how many it will keep, so it keeps pace and, once the first fit has found the count, its
/// first trees are the model, the same as a refit started afterwards with that count. A whole
/// tree per thread and step: histograms of these few dozen columns are too small to share
/// between threads (each would read every row), two fits are not. Returns the model, the trees
/// the first fit tried and the count it found.
#[cfg(feature = "threads")]
fn fit_beside_refit(
    (stopping, refit): (&GbdtParams, &GbdtParams),
    (fit_set, stop_set): (&Dataset, &Dataset),
    (train, valid): (&Dataset, &Dataset),
    on_progress: &mut dyn FnMut(&learn::gbdt::Progress) -> bool,
) -> Result<(GbdtModel, usize, usize), UseCaseError> {
    let mut first = Trainer::new(stopping, fit_set, Some(stop_set)).map_err(model_error)?;
    let mut again = Trainer::new(refit, train, Some(valid)).map_err(model_error)?;
    while !first.done() {
        let ahead = !again.done();
        let (a, b) = rayon::join(
            || first.step(),
            || if ahead { again.step() } else { Ok(()) },
        );
        a.map_err(model_error)?;
        b.map_err(model_error)?;
        if !on_progress(first.progress()) {
            return Err(UseCaseError::Cancelled);
        }
    }
    let tried = first.progress().trees;
    let best = first.finish().n_trees().max(1);
    while again.progress().trees < best && !again.done() {
        again.step().map_err(model_error)?;
    }
    Ok((again.finish_at(best), tried, best))
}

#[cfg(not(feature = "threads"))]
fn fit_beside_refit(
    _: (&GbdtParams, &GbdtParams),
    _: (&Dataset, &Dataset),
    _: (&Dataset, &Dataset),
    _: &mut dyn FnMut(&learn::gbdt::Progress) -> bool,
) -> Result<(GbdtModel, usize, usize), UseCaseError> {
    unreachable!("side_by_side() is false without threads")
}

/// One tree's progress as the use case reports it: `share` of the bar from `start`.
fn tree_progress(
    stage: &'static str,
    p: &learn::gbdt::Progress,
    start: f64,
    share: f64,
) -> Progress {
    Progress {
        stage,
        done: p.trees as u64,
        total: p.n_trees as u64,
        fraction: start + share * p.trees as f64 / p.n_trees.max(1) as f64,
        value: p.valid_loss,
    }
}
