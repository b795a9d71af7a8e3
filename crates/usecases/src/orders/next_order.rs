//! Use case 4.1: days until each customer's next order, by gradient-boosted regression on the
//! user features, scored on held-out users beside the user's median gap.
//!
//! `days_since_prior_order` is capped at 30 ("30 or more"): errors are reported over every
//! validation user and over those whose true gap is under 30, and predictions are clipped to
//! 0-30, the range the target is written in. The business scores |true - predicted|, so the
//! default objective is the absolute error; [`NextOrderParams::compare_objectives`] trains the
//! squared-error and Poisson models on the same users to show which fits that score best.

use std::io::{self, Write};

use learn::gbdt::{Dataset, GbdtModel, GbdtParams, Objective};
use serde::{Deserialize, Serialize};

use super::history::NONE;
use super::input::{Instacart, EVAL_SETS, PRIOR};
use super::metrics::{RegressionScores, CENSORED_AT};
use super::split::{split_users, Side};
use super::training::{importance, train, Importance};
use super::user_features::{gaps_of, geometric_mean, median, user_features};
use super::{OrdersError, ProgressFn};

/// What the user can choose for 4.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NextOrderParams {
    /// Share of the users with a train order held out for validation.
    pub valid_share: f64,
    /// Seed of the validation draw (the boosting seed is `gbdt.seed`).
    pub seed: u64,
    /// Also train squared-error and Poisson models and report their scores.
    pub compare_objectives: bool,
    /// Learn the correction to the user's typical gap (geometric mean) rather than the gap itself (absolute and
    /// squared error; Poisson, whose target must be a count, always learns the gap): the trees
    /// then spend their splits on when to trust it, not on re-learning it.
    pub residual: bool,
    /// Round predictions to whole days: the target is a whole number of days, and the value
    /// that minimises the expected absolute error of a whole-number target (its median) is a
    /// whole number.
    pub whole_days: bool,
    /// The boosting parameters (objective: absolute error).
    pub gbdt: GbdtParams,
}

impl Default for NextOrderParams {
    fn default() -> Self {
        NextOrderParams {
            valid_share: 0.2,
            seed: 42,
            compare_objectives: false,
            residual: true,
            whole_days: true,
            gbdt: GbdtParams {
                objective: Objective::AbsoluteError,
                // Measured on the sample (examples/orders_tune.rs): shallow, slow trees over
                // many users; deeper ones fit the noise of the gaps.
                n_trees: 300,
                max_depth: 3,
                learning_rate: 0.05,
                min_child_weight: 100.0,
                ..GbdtParams::default()
            },
        }
    }
}

impl NextOrderParams {
    /// Checks every field, naming the one out of range.
    pub fn check(&self) -> Result<(), OrdersError> {
        check_share(self.valid_share)?;
        self.gbdt.check()?;
        Ok(())
    }
}

/// `validShare` must leave users on both sides.
pub fn check_share(share: f64) -> Result<(), OrdersError> {
    if !(share > 0.0 && share < 1.0) {
        return Err(OrdersError::Input(format!(
            "validShare is {share}: expected a share strictly between 0 and 1"
        )));
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

/// The scores of one objective on the validation users.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveScore {
    /// The objective trained.
    pub objective: Objective,
    /// Its errors.
    pub metrics: RegressionScores,
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
    /// Share of validation users whose true gap is 30 ("30 or more").
    pub censored_share: f64,
    /// The objective of the model.
    pub objective: Objective,
    /// Whether the model learns the correction to the median gap.
    pub residual: bool,
    /// Every objective trained, on the same users (the model's first).
    pub objectives: Vec<ObjectiveScore>,
    /// Feature names.
    pub features: Vec<String>,
    /// Features by gain.
    pub importance: Vec<Importance>,
    /// Users by predicted days rounded, index 0..=30.
    pub predicted_days_histogram: Vec<u32>,
    /// Trees in the model.
    pub trees: usize,
    /// Seconds spent building features and training.
    pub seconds: Seconds,
}

/// Where the time went.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Building the feature table.
    pub features: f64,
    /// Training (all objectives).
    pub train: f64,
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
}

impl NextOrder {
    /// The prediction of `user_id`, if it is in `orders.csv`.
    pub fn prediction(&self, user_id: u32) -> Option<&UserPrediction> {
        self.predictions
            .binary_search_by_key(&user_id, |p| p.user_id)
            .ok()
            .map(|i| &self.predictions[i])
    }

    /// The per-user predictions as CSV.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "user_id,eval_set,predicted_days,baseline_days,actual_days,validation"
        )?;
        for p in &self.predictions {
            write!(
                out,
                "{},{},{:.2},{},",
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
    pub table: super::table::FeatureTable,
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

fn rows_of(sides: &[Side], side: Side) -> Vec<u32> {
    (0..sides.len() as u32)
        .filter(|&u| sides[u as usize] == side)
        .collect()
}

/// Builds features, trains, predicts every user and scores the validation users.
pub fn run_next_order(
    data: &Instacart,
    params: &NextOrderParams,
    progress: &mut ProgressFn<'_>,
) -> Result<NextOrder, OrdersError> {
    params.check()?;
    let clock = web_time::Instant::now();
    if !progress("features", 0, 1) {
        return Err(OrdersError::Cancelled);
    }
    let prepared = prepare(data, params);
    let history = &data.history;
    let fit_rows = rows_of(&prepared.sides, Side::Fit);
    let valid_rows = rows_of(&prepared.sides, Side::Valid);
    if fit_rows.is_empty() || valid_rows.is_empty() {
        return Err(OrdersError::Input(format!(
            "{} has {} users with a train order: 4.1 needs two or more to fit and validate on",
            data.orders.file,
            fit_rows.len() + valid_rows.len()
        )));
    }
    let seconds_features = clock.elapsed().as_secs_f64();
    let target_of =
        |rows: &[u32]| -> Vec<f32> { rows.iter().map(|&u| prepared.target[u as usize]).collect() };
    let fit_features = prepared.table.gather(&fit_rows, false);
    let valid_features = prepared.table.gather(&valid_rows, false);
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

    let mut objectives = vec![params.gbdt.objective];
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
    let clock = web_time::Instant::now();
    let mut scores = Vec::new();
    let mut main_model = None;
    for objective in objectives {
        let gbdt = GbdtParams {
            objective,
            ..params.gbdt.clone()
        };
        let stage = format!("train_{}", objective_name(objective));
        let fit_offset = offsets(&fit_rows, objective);
        let fit_target = target_of(&fit_rows)
            .iter()
            .zip(&fit_offset)
            .map(|(&y, &o)| (f64::from(y) - o) as f32)
            .collect();
        let fit = Dataset::new(fit_features.clone(), fit_target)?;
        let model = train(&gbdt, &fit, &stage, progress)?;
        let predicted: Vec<f64> = model
            .predict(&valid_features)?
            .into_iter()
            .zip(offsets(&valid_rows, objective))
            .map(|(p, o)| clip(p + o))
            .collect();
        scores.push(ObjectiveScore {
            objective,
            metrics: RegressionScores::score(&valid_truth, &predicted),
        });
        if main_model.is_none() {
            main_model = Some(model);
        }
    }
    let seconds_train = clock.elapsed().as_secs_f64();
    let model = main_model.expect("one objective at least");

    let all_rows: Vec<u32> = (0..history.n_users() as u32).collect();
    let predicted: Vec<f64> = model
        .predict(&prepared.table.gather(&all_rows, false))?
        .into_iter()
        .zip(offsets(&all_rows, params.gbdt.objective))
        .map(|(p, o)| clip(p + o))
        .collect();
    let valid_baseline: Vec<f64> = valid_rows
        .iter()
        .map(|&u| prepared.baseline[u as usize])
        .collect();
    let mut histogram = vec![0u32; CENSORED_AT as usize + 1];
    for &p in &predicted {
        histogram[p.round() as usize] += 1;
    }
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
    let censored = valid_truth.iter().filter(|&&t| t >= CENSORED_AT).count();
    let report = NextOrderReport {
        metrics: scores[0].metrics,
        baseline: RegressionScores::score(&valid_truth, &valid_baseline),
        users: history.n_users(),
        users_fit: fit_rows.len(),
        users_valid: valid_rows.len(),
        users_test: predictions.iter().filter(|p| p.eval_set == "test").count(),
        censored_share: censored as f64 / valid_truth.len() as f64,
        objective: params.gbdt.objective,
        residual: residual_for(params.gbdt.objective),
        objectives: scores,
        features: prepared.table.names(),
        importance: importance(&model),
        predicted_days_histogram: histogram,
        trees: model.n_trees(),
        seconds: Seconds {
            features: seconds_features,
            train: seconds_train,
        },
    };
    Ok(NextOrder {
        report,
        model,
        predictions,
    })
}

/// The snake_case name of an objective, for stage names.
pub fn objective_name(objective: Objective) -> &'static str {
    match objective {
        Objective::SquaredError => "squared_error",
        Objective::AbsoluteError => "absolute_error",
        Objective::Poisson => "poisson",
        Objective::Logistic => "logistic",
    }
}
