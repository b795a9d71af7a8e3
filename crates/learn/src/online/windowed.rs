//! Gradient-boosted trees on a sliding window: every N labelled parts (or N time units), the
//! model is retrained from scratch on the last W labelled parts (or W time units) with
//! [`crate::gbdt`] (its [`Objective::Logistic`] and [`GbdtParams::fit`]; few shallow trees keep a
//! retrain affordable), and scores parts until the next retrain. A drift retrains at once on the
//! parts since the drift's neighbourhood only.
//!
//! Two things keep a retrain cheap on Bosch's 968 mostly empty measurements and 0.6 % of
//! failures: passes are sampled into the window (each kept with probability `pass_sample`, then
//! weighing `1 / pass_sample`; every failure is kept), and a retrain screens the measurements,
//! keeping the `max_features` whose values (or presence) differ most between the window's
//! failures and passes (Welch's t statistic). The window holds its parts sparse
//! ([`super::rows::RowQueue`]); a retrain lays the screened measurements out as dense `f32`
//! columns (NaN for empty cells).

use super::error::{invalid, OnlineError};
use super::explain::{occlusion, Baseline};
use super::rows::RowQueue;
use super::{unweighted, ClassCounts, ClassWeight, Contribution, OnlineModel, Row};
use crate::gbdt::{Dataset, Feature, GbdtModel, GbdtParams, Objective};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// A span of the stream: a number of labelled parts, or of time units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Span {
    /// This many labelled parts.
    Parts {
        /// The count.
        count: u64,
    },
    /// This much time (in the rows' time unit).
    Time {
        /// The length.
        length: f64,
    },
}

impl Span {
    fn check(&self, name: &'static str) -> Result<(), OnlineError> {
        match *self {
            Span::Parts { count: 0 } => Err(invalid(name, 0, "at least 1 part")),
            Span::Time { length } if !(length.is_finite() && length > 0.0) => {
                Err(invalid(name, length, "a time length > 0"))
            }
            _ => Ok(()),
        }
    }
}

/// Settings of [`WindowedGbdt`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WindowedParams {
    /// The training window: the last W labelled parts or time units.
    pub window: Span,
    /// Retrain every N labelled parts or time units.
    pub retrain_every: Span,
    /// Failures the window must hold for a retrain.
    pub min_failures: usize,
    /// Weight of failures (as row weights of the boosting).
    pub class_weight: ClassWeight,
    /// The boosting; its objective is set to logistic.
    pub gbdt: GbdtParams,
    /// After a drift, retrain at once on at most this many of the latest parts (0: ignore
    /// drifts).
    pub drift_keep: usize,
    /// Share of passes kept in the window, in (0, 1] (failures are all kept).
    pub pass_sample: f64,
    /// Measurements a retrain keeps, those that best tell failures from passes (0: all).
    pub max_features: usize,
    /// Seed of the pass sampling.
    pub seed: u64,
}

impl Default for WindowedParams {
    fn default() -> Self {
        WindowedParams {
            window: Span::Parts { count: 20_000 },
            retrain_every: Span::Parts { count: 5_000 },
            min_failures: 10,
            class_weight: ClassWeight::Balanced { max: 50.0 },
            gbdt: GbdtParams {
                objective: Objective::Logistic,
                n_trees: 20,
                max_depth: 3,
                learning_rate: 0.2,
                n_bins: 32,
                min_child_weight: 1.0,
                bin_sample_rows: 20_000,
                ..GbdtParams::default()
            },
            drift_keep: 5_000,
            pass_sample: 0.25,
            max_features: 32,
            seed: 0,
        }
    }
}

impl WindowedParams {
    /// Checks every field's range, the boosting's included.
    pub fn check(&self) -> Result<(), OnlineError> {
        self.window.check("window")?;
        self.retrain_every.check("retrain_every")?;
        self.class_weight.check()?;
        super::error::check_range(
            "pass_sample",
            self.pass_sample,
            0.0,
            1.0,
            true,
            "a share in (0, 1]",
        )?;
        self.gbdt.check().map_err(|e| match e {
            crate::gbdt::GbdtError::InvalidParam {
                name,
                value,
                expected,
            } => OnlineError::InvalidParam {
                name,
                value,
                expected,
            },
            other => invalid("gbdt", other, "valid boosting settings"),
        })
    }

    /// A model for parts of `n_features` measurements, untrained (it scores the failure rate
    /// until its first retrain).
    pub fn build(&self, n_features: usize) -> Result<WindowedGbdt, OnlineError> {
        self.check()?;
        if n_features == 0 {
            return Err(OnlineError::NoFeatures);
        }
        let mut params = self.clone();
        params.gbdt.objective = Objective::Logistic;
        Ok(WindowedGbdt {
            n_features,
            window: RowQueue::new(),
            window_failures: 0,
            moments: WindowMoments::new(n_features),
            model: None,
            column_of: vec![u32::MAX; n_features],
            dense: Vec::new(),
            means: vec![f32::NAN; n_features],
            since_retrain: 0,
            last_retrain_time: None,
            classes: ClassCounts::default(),
            retrains: 0,
            rng: ChaCha8Rng::seed_from_u64(params.seed),
            prior: 0.0,
            failure_weight: 1.0,
            params,
        })
    }
}

/// Per measurement and class (pass, failure): the count, sum and sum of squares of the values
/// present in the window, and the parts of each class, kept as parts join and leave it so that a
/// retrain screens the measurements without going through the whole window again.
struct WindowMoments {
    by_feature: Vec<[[f64; 3]; 2]>,
    rows: [f64; 2],
}

impl WindowMoments {
    fn new(n_features: usize) -> WindowMoments {
        WindowMoments {
            by_feature: vec![[[0.0; 3]; 2]; n_features],
            rows: [0.0; 2],
        }
    }

    /// Counts a part in (`sign` 1) or out (-1).
    fn add(&mut self, row: Row, failed: bool, sign: f64) {
        let c = usize::from(failed);
        self.rows[c] += sign;
        for (&j, &x) in row.features.iter().zip(row.values) {
            let s = &mut self.by_feature[j as usize][c];
            let x = f64::from(x);
            s[0] += sign;
            s[1] += sign * x;
            s[2] += sign * x * x;
        }
    }
}

/// Boosted trees retrained on a sliding window: see the module documentation.
pub struct WindowedGbdt {
    params: WindowedParams,
    n_features: usize,
    /// The labelled parts of the window, oldest first, with their outcome.
    window: RowQueue<bool>,
    window_failures: usize,
    /// The window's moments per measurement and class, for the screening.
    moments: WindowMoments,
    model: Option<GbdtModel>,
    /// For each measurement, its column in the model, or `u32::MAX`.
    column_of: Vec<u32>,
    /// A part laid out densely for the model (NaN where empty), reset after each use.
    dense: Vec<f32>,
    /// Mean of each measurement in the window of the last retrain (NaN if never present), the
    /// typical value of explanations.
    means: Vec<f32>,
    since_retrain: u64,
    last_retrain_time: Option<f64>,
    classes: ClassCounts,
    retrains: u64,
    rng: ChaCha8Rng,
    /// The risk scored before the first model.
    prior: f64,
    /// The weight of failures in the model's window (its passes weigh what they stand for).
    failure_weight: f64,
}

impl WindowedGbdt {
    /// Retrains so far.
    pub fn retrains(&self) -> u64 {
        self.retrains
    }

    /// Drops the parts that have left the window.
    fn slide(&mut self, now: f64) {
        loop {
            let leaves = match (self.params.window, self.window.front()) {
                (_, None) => false,
                (Span::Parts { count }, Some(_)) => {
                    self.window.len() as f64 > self.expected_kept(count as f64)
                }
                (Span::Time { length }, Some(front)) => front.time < now - length,
            };
            if !leaves {
                return;
            }
            self.pop_oldest();
        }
    }

    /// A labelled part joins the window.
    fn push_part(&mut self, row: Row, failed: bool) {
        self.window.push(row, failed);
        self.window_failures += usize::from(failed);
        self.moments.add(row, failed, 1.0);
    }

    /// The oldest part leaves the window.
    fn pop_oldest(&mut self) {
        let moments = &mut self.moments;
        let left = self.window.pop_with(|row, failed| {
            moments.add(row, failed, -1.0);
            failed
        });
        if let Some(failed) = left {
            self.window_failures -= usize::from(failed);
        }
    }

    /// Parts the window keeps of `parts` labelled parts: the failures and the sampled passes.
    fn expected_kept(&self, parts: f64) -> f64 {
        let total = self.classes.passes + self.classes.failures;
        let failure_rate = if total > 0.0 {
            self.classes.failures / total
        } else {
            0.0
        };
        parts * (failure_rate + (1.0 - failure_rate) * self.params.pass_sample)
    }

    /// The `max_features` measurements of the window that best tell failures from passes: by
    /// the larger of Welch's t on their values and on their presence.
    fn screen(&self) -> Vec<usize> {
        let n = self.n_features;
        let (stats, rows) = (&self.moments.by_feature, self.moments.rows);
        let welch = |m0: f64, v0: f64, n0: f64, m1: f64, v1: f64, n1: f64| {
            let se = (v0 / n0.max(1.0) + v1 / n1.max(1.0)).sqrt();
            if se > 0.0 {
                ((m1 - m0) / se).abs()
            } else {
                0.0
            }
        };
        let mut scored: Vec<(f64, usize)> = (0..n)
            .filter(|&j| stats[j][0][0] + stats[j][1][0] > 0.0)
            .map(|j| {
                let [s0, s1] = stats[j];
                let moments = |s: [f64; 3]| {
                    let mean = s[1] / s[0].max(1.0);
                    (mean, (s[2] / s[0].max(1.0) - mean * mean).max(0.0), s[0])
                };
                let ((m0, v0, n0), (m1, v1, n1)) = (moments(s0), moments(s1));
                let values = if n0 >= 2.0 && n1 >= 2.0 {
                    welch(m0, v0, n0, m1, v1, n1)
                } else {
                    0.0
                };
                let (p0, p1) = (n0 / rows[0].max(1.0), n1 / rows[1].max(1.0));
                let presence = welch(p0, p0 * (1.0 - p0), rows[0], p1, p1 * (1.0 - p1), rows[1]);
                (values.max(presence), j)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let keep = if self.params.max_features == 0 {
            scored.len()
        } else {
            self.params.max_features
        };
        let mut used: Vec<usize> = scored.into_iter().take(keep).map(|(_, j)| j).collect();
        used.sort_unstable();
        used
    }

    fn due(&self, now: f64) -> bool {
        match self.params.retrain_every {
            // While the stream is young, retrain each time it has grown by half: a model on
            // the first thousands of parts beats none, and a better one soon replaces it.
            Span::Parts { count } => {
                let seen = (self.classes.passes + self.classes.failures) as u64;
                self.since_retrain >= count.min((seen / 2).max(1_000))
            }
            Span::Time { length } => self.last_retrain_time.is_none_or(|t| now - t >= length),
        }
    }

    /// Trains a new model on the window.
    fn retrain(&mut self, now: f64) {
        self.since_retrain = 0;
        self.last_retrain_time = Some(now);
        let seen = self.classes.passes + self.classes.failures;
        self.prior = self.classes.failures / seen.max(1.0);
        if self.window_failures < self.params.min_failures
            || self.window_failures == self.window.len()
        {
            return;
        }
        let used = self.screen();
        if used.is_empty() {
            return;
        }
        let n = self.window.len();
        let mut column_of = vec![u32::MAX; self.n_features];
        for (c, &j) in used.iter().enumerate() {
            column_of[j] = c as u32;
        }
        let mut columns = vec![vec![f32::NAN; n]; used.len()];
        let mut target = Vec::with_capacity(n);
        let mut weights = Vec::with_capacity(n);
        let pass_weight = 1.0 / self.params.pass_sample;
        let failure_weight = self.classes.failure_weight(self.params.class_weight);
        for (r, (row, failed)) in self.window.iter().enumerate() {
            for (&j, &x) in row.features.iter().zip(row.values) {
                let c = column_of[j as usize];
                if c != u32::MAX {
                    columns[c as usize][r] = x;
                }
            }
            target.push(f32::from(u8::from(failed)));
            let weight = if failed { failure_weight } else { pass_weight };
            weights.push(weight as f32);
        }
        let mut means = vec![f32::NAN; self.n_features];
        for (column, &j) in columns.iter().zip(&used) {
            let (sum, count) = column
                .iter()
                .filter(|v| !v.is_nan())
                .fold((0.0f64, 0u32), |(s, c), &v| (s + f64::from(v), c + 1));
            means[j] = (sum / f64::from(count.max(1))) as f32;
        }
        let features = columns
            .into_iter()
            .zip(&used)
            .map(|(values, &j)| Feature::numeric(format!("f{j}"), values))
            .collect();
        let fitted = Dataset::new(features, target)
            .and_then(|d| d.with_weights(weights))
            .and_then(|d| self.params.gbdt.fit(&d, None));
        // A window the booster refuses keeps the model in force.
        if let Ok(model) = fitted {
            self.means = means;
            self.model = Some(model);
            self.failure_weight = failure_weight;
            self.column_of = column_of;
            self.dense = vec![f32::NAN; used.len()];
            self.retrains += 1;
        }
    }
}

impl OnlineModel for WindowedGbdt {
    fn score(&mut self, row: Row) -> f64 {
        let Some(model) = &self.model else {
            // Until the first model: the failure rate seen.
            return (self.classes.failures + 0.5)
                / (self.classes.passes + self.classes.failures + 1.0);
        };
        for (&j, &x) in row.features.iter().zip(row.values) {
            let c = self.column_of[j as usize];
            if c != u32::MAX {
                self.dense[c as usize] = x;
            }
        }
        let risk = model.predict_row(&self.dense).unwrap_or(f64::NAN);
        self.dense.fill(f32::NAN);
        unweighted(risk, self.failure_weight)
    }

    fn learn(&mut self, row: Row, failed: bool) {
        self.classes.add(failed);
        if failed || self.rng.random::<f64>() < self.params.pass_sample {
            self.push_part(row, failed);
        }
        self.slide(row.time);
        self.since_retrain += 1;
        if self.due(row.time) {
            self.retrain(row.time);
        }
    }

    /// Occlusion: the risk minus the risk with the reading replaced by the measurement's mean
    /// in the training window.
    fn explain(&mut self, row: Row, k: usize) -> Vec<Contribution> {
        let means = std::mem::take(&mut self.means);
        let top = occlusion(
            |r| self.score(r),
            |j| match means[j as usize] {
                m if m.is_nan() => Baseline::Ignored,
                m => Baseline::Typical(m),
            },
            row,
            k,
        );
        self.means = means;
        top
    }

    fn drift(&mut self, time: f64) {
        if self.params.drift_keep == 0 {
            return;
        }
        let keep = self.expected_kept(self.params.drift_keep as f64);
        while self.window.len() as f64 > keep {
            self.pop_oldest();
        }
        self.retrain(time);
    }

    fn name(&self) -> &'static str {
        "windowed_gbdt"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Failures when measurement `rule` exceeds 1.3 (about 10 %) among 8 measurements.
    fn part(rng: &mut ChaCha8Rng, rule: usize) -> (Vec<u32>, Vec<f32>, bool) {
        let v: Vec<f32> = (0..8)
            .map(|_| rng.sample(rand_distr::StandardNormal))
            .collect();
        let fails = v[rule] > 1.3;
        ((0..8).collect(), v, fails)
    }

    /// The moments kept as parts join and leave the window are those of the parts in it.
    #[test]
    fn window_moments_follow_the_window() {
        let params = WindowedParams {
            window: Span::Parts { count: 300 },
            retrain_every: Span::Parts { count: 250 },
            drift_keep: 100,
            ..WindowedParams::default()
        };
        let mut model = params.build(8).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for t in 0..2_000 {
            let (f, v, y) = part(&mut rng, 2);
            // Sparse parts: a measurement in three is empty.
            let (f, v): (Vec<u32>, Vec<f32>) = f
                .into_iter()
                .zip(v)
                .filter(|_| rng.random::<f64>() > 0.33)
                .unzip();
            let row = Row {
                time: t as f64,
                features: &f,
                values: &v,
            };
            model.learn(row, y);
            if t == 1_200 {
                model.drift(t as f64);
            }
        }
        let mut fresh = WindowMoments::new(8);
        for (row, failed) in model.window.iter() {
            fresh.add(row, failed, 1.0);
        }
        assert_eq!(model.moments.rows, fresh.rows);
        for (kept, recounted) in model.moments.by_feature.iter().zip(&fresh.by_feature) {
            for (a, b) in kept.iter().flatten().zip(recounted.iter().flatten()) {
                assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} {b}");
            }
        }
    }

    fn auc_on(model: &mut WindowedGbdt, rng: &mut ChaCha8Rng, rule: usize) -> f64 {
        let (mut labels, mut scores) = (Vec::new(), Vec::new());
        for _ in 0..2_000 {
            let (f, v, y) = part(rng, rule);
            scores.push(model.score(Row {
                time: 0.0,
                features: &f,
                values: &v,
            }));
            labels.push(y);
        }
        crate::metrics::auc(&labels, &scores)
    }

    #[test]
    fn follows_a_rule_that_moves_once_the_window_has_slid() {
        let params = WindowedParams {
            window: Span::Parts { count: 3_000 },
            retrain_every: Span::Parts { count: 1_000 },
            ..WindowedParams::default()
        };
        let mut model = params.build(8).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        assert!(
            model.score(Row {
                time: 0.0,
                features: &[],
                values: &[]
            }) < 0.6
        );
        for t in 0..6_000 {
            let (f, v, y) = part(&mut rng, 2);
            model.learn(
                Row {
                    time: f64::from(t),
                    features: &f,
                    values: &v,
                },
                y,
            );
        }
        assert_eq!(model.retrains(), 6);
        assert!(auc_on(&mut model, &mut rng, 2) > 0.95);
        // The rule moves to measurement 5: after one window, the model has followed.
        for t in 6_000..9_000 {
            let (f, v, y) = part(&mut rng, 5);
            model.learn(
                Row {
                    time: f64::from(t),
                    features: &f,
                    values: &v,
                },
                y,
            );
        }
        assert!(auc_on(&mut model, &mut rng, 5) > 0.95);
        assert!(auc_on(&mut model, &mut rng, 2) < 0.7);
        // Explained by the rule's measurement.
        let (f, v, _) = loop {
            let p = part(&mut rng, 5);
            if p.2 {
                break p;
            }
        };
        assert_eq!(
            model.explain(
                Row {
                    time: 0.0,
                    features: &f,
                    values: &v
                },
                1
            )[0]
            .feature,
            5
        );
    }

    #[test]
    fn a_window_in_time_units() {
        let params = WindowedParams {
            window: Span::Time { length: 100.0 },
            retrain_every: Span::Time { length: 50.0 },
            min_failures: 1,
            pass_sample: 1.0,
            ..WindowedParams::default()
        };
        let mut model = params.build(8).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for t in 0..1_000 {
            let (f, v, y) = part(&mut rng, 0);
            model.learn(
                Row {
                    time: f64::from(t) / 2.0,
                    features: &f,
                    values: &v,
                },
                y,
            );
        }
        // 100 time units hold 200 parts.
        assert!(
            (199..=201).contains(&model.window.len()),
            "{}",
            model.window.len()
        );
        assert!(model.retrains() >= 9);
        assert!(WindowedParams {
            window: Span::Parts { count: 0 },
            ..WindowedParams::default()
        }
        .check()
        .is_err());
    }
}
