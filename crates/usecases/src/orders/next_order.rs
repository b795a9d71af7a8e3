//! Use case 4.1: days until each customer's next order, by gradient-boosted regression on the
//! user features, scored on held-out users beside the user's median gap.
//!
//! `days_since_prior_order` is capped at 30 ("30 or more"): errors are reported over every
//! validation user and over those whose true gap is under 30, and predictions are clipped to
//! 0-30, the range the target is written in. The business scores |true - predicted|, so the
//! default objective is the absolute error; [`NextOrderParams::compare_objectives`] trains the
//! squared-error and Poisson models on the same users to show which fits that score best.

use std::io::{self, Write};

use learn::gbdt::{GbdtModel, GbdtParams, Objective};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::history::NONE;
use super::input::{read_reporting, Instacart, InstacartTables, EVAL_SETS, PRIOR, TEST};
use super::metrics::{RegressionScores, CENSORED_AT};
use super::split::{split_users, Side};
use super::table::FeatureTable;
use super::training::{predict, train_in, Span};
use super::user_features::{gaps_of, geometric_mean, median, user_features};
use crate::boosting::{gbdt_param_error, importance, write_importance_csv, Importance};
use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted, UseCase,
};
use crate::params::Check;
use crate::progress::{Clock, OnProgress};
use crate::{Tables, UseCaseError};

crate::params! {
    /// What the user can choose for 4.1. The boosting defaults were measured on the sample:
    /// shallow, slow trees over many users (deeper ones fit the noise of the gaps).
    pub struct NextOrderParams {
        /// Share of the customers with a train order held out for validation: scored, never
        /// trained on.
        pub valid_share: f64 = 0.2,
        /// Seed of the validation draw and of the rows that place the bin boundaries.
        pub seed: u64 = 42,
        /// Loss the trees minimise: absolute_error (the business score), squared_error or
        /// poisson.
        pub objective: Objective = Objective::AbsoluteError,
        /// Also train the other two losses on the same customers and report their errors.
        pub compare_objectives: bool = true,
        /// Learn the correction to the customer's typical gap (the geometric mean of its gaps)
        /// rather than the gap itself (absolute and squared error; Poisson, whose target is a
        /// count, always learns the gap).
        pub residual: bool = true,
        /// Round predictions to whole days: the target is a whole number of days, and the value
        /// that minimises the expected absolute error of a whole number (its median) is one.
        pub whole_days: bool = true,
        /// Boosting rounds, one tree each.
        pub trees: usize = 300,
        /// Depth limit of each tree.
        pub depth: u32 = 3,
        /// Shrinkage of each tree: smaller learns slower but generalises better.
        pub learning_rate: f64 = 0.05,
        /// Fewest customers (hessian sum) on each side of a split.
        pub min_child_weight: f64 = 100.0,
        /// Bins per feature, the missing-value bin included (2 to 256).
        pub bins: u32 = 256,
    }
}

impl NextOrderParams {
    /// The boosting settings of `objective`.
    pub fn gbdt(&self, objective: Objective) -> GbdtParams {
        GbdtParams {
            objective,
            n_trees: self.trees,
            max_depth: self.depth,
            learning_rate: self.learning_rate,
            min_child_weight: self.min_child_weight,
            n_bins: self.bins,
            seed: self.seed,
            ..GbdtParams::default()
        }
    }
}

impl Check for NextOrderParams {
    fn check(&self) -> Result<(), UseCaseError> {
        check_share(self.valid_share)?;
        if self.objective == Objective::Logistic {
            return Err(UseCaseError::param(
                "objective",
                "4.1 predicts a number of days: expected absolute_error, squared_error or poisson",
            ));
        }
        self.gbdt(self.objective)
            .check()
            .map_err(|e| gbdt_param_error(e, ""))
    }
}

/// `validShare` must leave users on both sides.
pub fn check_share(share: f64) -> Result<(), UseCaseError> {
    if !(share > 0.0 && share < 1.0) {
        return Err(UseCaseError::param(
            "validShare",
            format!("{share}: expected a share strictly between 0 and 1"),
        ));
    }
    Ok(())
}

/// One user's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserPrediction {
    /// `user_id`.
    pub user_id: u32,
    /// `train` or `test`: the set of the user's last order (`prior` when it has none).
    pub eval_set: &'static str,
    /// Predicted days until the next order, 0-30 (30: "30 or more").
    pub predicted_days: f64,
    /// The baseline: the median of the user's gaps.
    pub baseline_days: f64,
    /// The true gap, for train users.
    pub actual_days: Option<f32>,
    /// Whether the user was held out for validation (its error is in the report).
    pub validation: bool,
}

/// A customer as the lookup shows it: the prediction and the gaps it was made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    /// The prediction.
    #[serde(flatten)]
    pub prediction: UserPrediction,
    /// `days_since_prior_order` of the customer's prior orders after the first, in order
    /// (30: "30 or more").
    pub gaps: Vec<f32>,
}

/// The scores of one objective on the validation users.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveScore {
    /// The objective trained.
    pub objective: Objective,
    /// Its errors.
    pub metrics: RegressionScores,
}

/// Users by whole days 0 to 30.
#[derive(Debug, Clone, Serialize)]
pub struct DaysHistogram {
    /// Every user's predicted days, rounded.
    pub predicted: Vec<u32>,
    /// Validation users' predicted days, rounded.
    pub valid_predicted: Vec<u32>,
    /// Validation users' true days.
    pub valid_actual: Vec<u32>,
}

/// Where the time went, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Typing and checking the files, ordering each user's orders.
    pub read: f64,
    /// Building the feature table.
    pub features: f64,
    /// Training (every objective).
    pub train: f64,
    /// Predicting every user.
    pub predict: f64,
    /// The whole run.
    pub total: f64,
}

/// What a 4.1 run reports.
#[derive(Debug, Clone, Serialize)]
pub struct NextOrderReport {
    /// The model's errors on the validation users.
    pub metrics: RegressionScores,
    /// The median-gap baseline's errors on the same users.
    pub baseline: RegressionScores,
    /// Users predicted (every user of `orders.csv`).
    pub users: usize,
    /// Users fitted on.
    pub users_fit: usize,
    /// Users held out.
    pub users_valid: usize,
    /// Users whose last order is `test`: predicted, never scored.
    pub users_test: usize,
    /// The cap of `days_since_prior_order`: a gap written as 30 means 30 or more.
    pub censored_at: f32,
    /// Share of validation users whose true gap is at the cap.
    pub censored_share: f64,
    /// The objective of the model.
    pub objective: Objective,
    /// Whether the model learns the correction to the typical gap.
    pub residual: bool,
    /// Every objective trained, on the same users (the model's first).
    pub objectives: Vec<ObjectiveScore>,
    /// Feature names.
    pub features: Vec<String>,
    /// Features by gain.
    pub importance: Vec<Importance>,
    /// Predicted and true days, by whole day.
    pub histogram: DaysHistogram,
    /// A few validation users to look up first, in id order.
    pub examples: Vec<u32>,
    /// Trees in the model.
    pub trees: usize,
    /// Where the time went.
    pub seconds: Seconds,
}

/// A finished 4.1 run.
#[derive(Debug, Clone)]
pub struct NextOrder {
    /// What the page and the command line show first.
    pub report: NextOrderReport,
    /// The model, for download.
    pub model: GbdtModel,
    /// One per user, in ascending `user_id`.
    pub predictions: Vec<UserPrediction>,
    /// User `i`'s gaps are `gaps[gap_start[i]..gap_start[i + 1]]`.
    gap_start: Vec<u32>,
    gaps: Vec<f32>,
}

impl NextOrder {
    /// The prediction of `user_id`, if it is in `orders.csv`.
    pub fn prediction(&self, user_id: u32) -> Option<&UserPrediction> {
        self.slot(user_id).map(|i| &self.predictions[i])
    }

    fn slot(&self, user_id: u32) -> Option<usize> {
        self.predictions
            .binary_search_by_key(&user_id, |p| p.user_id)
            .ok()
    }

    /// The customer `user_id` with its gaps, if it is in `orders.csv`.
    pub fn customer(&self, user_id: u32) -> Option<Customer> {
        let i = self.slot(user_id)?;
        let gaps = &self.gaps[self.gap_start[i] as usize..self.gap_start[i + 1] as usize];
        Some(Customer {
            prediction: self.predictions[i].clone(),
            gaps: gaps.to_vec(),
        })
    }

    /// The per-user predictions as CSV:
    /// `user_id,eval_set,predicted_days,baseline_days,actual_days,validation`.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "user_id,eval_set,predicted_days,baseline_days,actual_days,validation"
        )?;
        for p in &self.predictions {
            write!(
                out,
                "{},{},{},{},",
                p.user_id, p.eval_set, p.predicted_days, p.baseline_days
            )?;
            if let Some(a) = p.actual_days {
                write!(out, "{a}")?;
            }
            writeln!(out, ",{}", u8::from(p.validation))?;
        }
        Ok(())
    }
}

/// The 4.1 data set: features of every user, the split and the targets.
pub struct Prepared {
    /// Features, one row per user slot.
    pub table: FeatureTable,
    /// Side of each user slot.
    pub sides: Vec<Side>,
    /// Target of each user slot (NaN without a train order).
    pub target: Vec<f32>,
    /// Median gap of each user (the global median of gaps where a user has none).
    pub baseline: Vec<f64>,
    /// Geometric mean of each user's gaps (the baseline where a user has none): what a
    /// residual model corrects.
    pub typical: Vec<f64>,
}

/// Builds the features, the split and the baseline.
pub fn prepare(data: &Instacart, params: &NextOrderParams) -> Prepared {
    let history = &data.history;
    let table = user_features(data, history);
    let sides = split_users(data, history, params.valid_share, params.seed);
    let target: Vec<f32> = (0..history.n_users())
        .map(|u| match sides[u] {
            Side::Predict => f32::NAN,
            _ => data.orders.days_since_prior[history.target[u] as usize],
        })
        .collect();
    let mut gaps = Vec::new();
    let mut medians: Vec<f32> = (0..history.n_users())
        .map(|u| {
            gaps_of(data, history, u, &mut gaps);
            median(&mut gaps)
        })
        .collect();
    let mut all: Vec<f32> = data
        .orders
        .days_since_prior
        .iter()
        .zip(&data.orders.eval_set)
        .filter(|(g, &s)| !g.is_nan() && s == PRIOR)
        .map(|(&g, _)| g)
        .collect();
    let fallback = median(&mut all);
    let baseline: Vec<f64> = medians
        .iter_mut()
        .map(|m| f64::from(if m.is_nan() { fallback } else { *m }))
        .collect();
    let typical = (0..history.n_users())
        .map(|u| {
            gaps_of(data, history, u, &mut gaps);
            let g = geometric_mean(&gaps);
            if g.is_nan() {
                baseline[u]
            } else {
                f64::from(g)
            }
        })
        .collect();
    Prepared {
        table,
        sides,
        target,
        baseline,
        typical,
    }
}

/// The user slots on `side`.
pub fn rows_of(sides: &[Side], side: Side) -> Vec<u32> {
    (0..sides.len() as u32)
        .filter(|&u| sides[u as usize] == side)
        .collect()
}

/// Reads the files, then runs 4.1 on them ([`run_on`]); `on_progress` hears `read` first.
pub fn run(
    inputs: InstacartTables<'_>,
    params: &NextOrderParams,
    on_progress: OnProgress<'_>,
) -> Result<NextOrder, UseCaseError> {
    params.check()?;
    let need = super::memory::next_order_need(&inputs);
    let (data, seconds_read) = read_reporting(inputs, &need, 0.08, on_progress)?;
    let mut fitted = run_on(&data, params, on_progress)?;
    fitted.report.seconds.read = seconds_read;
    fitted.report.seconds.total += seconds_read;
    Ok(fitted)
}

/// The objectives trained: the chosen one first, then (when comparing) the other two.
fn objectives(params: &NextOrderParams) -> Vec<Objective> {
    let mut objectives = vec![params.objective];
    if params.compare_objectives {
        for o in [
            Objective::AbsoluteError,
            Objective::SquaredError,
            Objective::Poisson,
        ] {
            if !objectives.contains(&o) {
                objectives.push(o);
            }
        }
    }
    objectives
}

/// Builds features, trains, predicts every user and scores the validation users, on files
/// already read. Stages: `features`, `train` (the model), `compare_squared_error`,
/// `compare_absolute_error`, `compare_poisson` (the comparisons asked for), `predict`.
pub fn run_on(
    data: &Instacart,
    params: &NextOrderParams,
    on_progress: OnProgress<'_>,
) -> Result<NextOrder, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    Span {
        stage: "features",
        from: 0.08,
        share: 0.07,
    }
    .report(on_progress, 0, 1, None)?;
    let prepared = prepare(data, params);
    let history = &data.history;
    let fit_rows = rows_of(&prepared.sides, Side::Fit);
    let valid_rows = rows_of(&prepared.sides, Side::Valid);
    if fit_rows.is_empty() || valid_rows.is_empty() {
        return Err(UseCaseError::Input(format!(
            "{} has {} users with a train order: 4.1 needs two or more to fit and validate on",
            data.orders.file,
            fit_rows.len() + valid_rows.len()
        )));
    }
    let seconds_features = clock.lap();
    let target_of =
        |rows: &[u32]| -> Vec<f32> { rows.iter().map(|&u| prepared.target[u as usize]).collect() };
    let valid_truth = target_of(&valid_rows);
    let clip = |p: f64| {
        let p = p.clamp(0.0, f64::from(CENSORED_AT));
        if params.whole_days {
            p.round()
        } else {
            p
        }
    };
    let residual_for = |o: Objective| params.residual && o != Objective::Poisson;
    let offsets = |rows: &[u32], o: Objective| -> Vec<f64> {
        rows.iter()
            .map(|&u| {
                if residual_for(o) {
                    prepared.typical[u as usize]
                } else {
                    0.0
                }
            })
            .collect()
    };

    let objectives = objectives(params);
    let share = 0.8 / objectives.len() as f64;
    let mut scores = Vec::new();
    let mut main = None;
    for (k, &objective) in objectives.iter().enumerate() {
        let span = Span {
            stage: if k == 0 {
                "train"
            } else {
                compare_stage(objective)
            },
            from: 0.15 + share * k as f64,
            share,
        };
        let fit_offset = offsets(&fit_rows, objective);
        let fit_target = target_of(&fit_rows)
            .iter()
            .zip(&fit_offset)
            .map(|(&y, &o)| (f64::from(y) - o) as f32)
            .collect();
        let model = train_in(
            &params.gbdt(objective),
            &prepared.table,
            &fit_rows,
            fit_target,
            span,
            on_progress,
        )?;
        let predicted: Vec<f64> = predict(&model, &prepared.table, &valid_rows, None, on_progress)?
            .into_iter()
            .zip(offsets(&valid_rows, objective))
            .map(|(p, o)| clip(p + o))
            .collect();
        scores.push(ObjectiveScore {
            objective,
            metrics: RegressionScores::score(&valid_truth, &predicted),
        });
        if main.is_none() {
            main = Some((model, predicted));
        }
    }
    let seconds_train = clock.lap();
    let (model, valid_predicted) = main.expect("one objective at least");

    let all_rows: Vec<u32> = (0..history.n_users() as u32).collect();
    let predict_span = Span {
        stage: "predict",
        from: 0.95,
        share: 0.05,
    };
    let predicted: Vec<f64> = predict(
        &model,
        &prepared.table,
        &all_rows,
        Some(predict_span),
        on_progress,
    )?
    .into_iter()
    .zip(offsets(&all_rows, params.objective))
    .map(|(p, o)| clip(p + o))
    .collect();
    let valid_baseline: Vec<f64> = valid_rows
        .iter()
        .map(|&u| prepared.baseline[u as usize])
        .collect();
    let predictions: Vec<UserPrediction> = (0..history.n_users())
        .map(|u| {
            let t = history.target[u];
            UserPrediction {
                user_id: history.user_id[u],
                eval_set: if t == NONE {
                    EVAL_SETS[PRIOR as usize]
                } else {
                    EVAL_SETS[data.orders.eval_set[t as usize] as usize]
                },
                predicted_days: predicted[u],
                baseline_days: prepared.baseline[u],
                actual_days: (!prepared.target[u].is_nan()).then_some(prepared.target[u]),
                validation: prepared.sides[u] == Side::Valid,
            }
        })
        .collect();
    let (mut gap_start, mut gaps, mut buffer) = (vec![0u32], Vec::new(), Vec::new());
    for u in 0..history.n_users() {
        gaps_of(data, history, u, &mut buffer);
        gaps.extend_from_slice(&buffer);
        gap_start.push(gaps.len() as u32);
    }
    let histogram = DaysHistogram {
        predicted: days_histogram(predicted.iter().copied()),
        valid_predicted: days_histogram(valid_predicted.iter().copied()),
        valid_actual: days_histogram(valid_truth.iter().map(|&t| f64::from(t))),
    };
    let censored = valid_truth.iter().filter(|&&t| t >= CENSORED_AT).count();
    let seconds_predict = clock.lap();
    let report = NextOrderReport {
        metrics: scores[0].metrics,
        baseline: RegressionScores::score(&valid_truth, &valid_baseline),
        users: history.n_users(),
        users_fit: fit_rows.len(),
        users_valid: valid_rows.len(),
        users_test: (0..history.n_users())
            .filter(|&u| {
                history.target[u] != NONE
                    && data.orders.eval_set[history.target[u] as usize] == TEST
            })
            .count(),
        censored_at: CENSORED_AT,
        censored_share: censored as f64 / valid_truth.len() as f64,
        objective: params.objective,
        residual: residual_for(params.objective),
        objectives: scores,
        features: prepared.table.names(),
        importance: importance(model.feature_importance()),
        histogram,
        examples: valid_rows
            .iter()
            .take(EXAMPLES)
            .map(|&u| history.user_id[u as usize])
            .collect(),
        trees: model.n_trees(),
        seconds: Seconds {
            read: 0.0,
            features: seconds_features,
            train: seconds_train,
            predict: seconds_predict,
            total: clock.total(),
        },
    };
    Ok(NextOrder {
        report,
        model,
        predictions,
        gap_start,
        gaps,
    })
}

/// Validation users offered to look up first.
pub const EXAMPLES: usize = 12;

/// Users by whole day 0-30 of `days` (already in 0-30).
fn days_histogram(days: impl Iterator<Item = f64>) -> Vec<u32> {
    let mut counts = vec![0u32; CENSORED_AT as usize + 1];
    for d in days {
        counts[(d.round() as usize).min(CENSORED_AT as usize)] += 1;
    }
    counts
}

/// The progress stage of a comparison model.
fn compare_stage(objective: Objective) -> &'static str {
    match objective {
        Objective::SquaredError => "compare_squared_error",
        Objective::AbsoluteError => "compare_absolute_error",
        Objective::Poisson => "compare_poisson",
        Objective::Logistic => "compare_logistic",
    }
}

/// Use case 4.1 as the catalogue runs it.
pub struct NextOrderUseCase;

impl UseCase for NextOrderUseCase {
    const NAME: &'static str = "next-order";
    type Params = NextOrderParams;
    type Inputs<'a> = InstacartTables<'a>;
    type Fitted = NextOrder;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        _params: &NextOrderParams,
    ) -> Result<InstacartTables<'a>, UseCaseError> {
        InstacartTables::from_tables(tables, Self::NAME, false)
    }

    fn run(
        inputs: InstacartTables<'_>,
        params: &NextOrderParams,
        on_progress: OnProgress<'_>,
    ) -> Result<NextOrder, UseCaseError> {
        run(inputs, params, on_progress)
    }
}

/// The arguments of the `customer` question.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomerQuestion {
    user_id: u32,
}

impl Fitted for NextOrder {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `customer` `{userId}`: the customer's prediction, baseline, true gap and past gaps.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "customer" => {
                let q: CustomerQuestion = question_args(question, args)?;
                let customer = self.customer(q.user_id).ok_or_else(|| {
                    UseCaseError::param("userId", format!("no user {} in orders.csv", q.user_id))
                })?;
                Ok(report_json(&customer))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        vec![
            Download::csv("predictions", "next_order_predictions.csv"),
            Download::csv("importance", "next_order_importance.csv"),
            Download::json("model", "next_order_model.json"),
        ]
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "predictions" => self.write_csv(out)?,
            "importance" => write_importance_csv(&self.report.importance, out)?,
            "model" => out.write_all(self.model.to_json().as_bytes())?,
            _ => return Err(unknown_download("4.1", key)),
        }
        Ok(())
    }
}
