//! Online logistic regression for sparse parts.
//!
//! Each measurement is standardised by its running mean and deviation (Welford's algorithm, on
//! the values seen so far), clipped, and weighted; each also has a presence weight, which is the
//! missing-value indicator in disguise (`m * [missing] = m - m * [present]`, the constant going
//! to the bias), so that a part costs O(its non-empty cells) however many columns the file has.
//! An empty cell contributes nothing beyond its indicator: mean imputation plus indicator.
//! Weights move by Adagrad (per-weight steps shrinking with the squared gradients seen) or
//! plain SGD, with an L2 penalty applied to the weights a part touches (the usual lazy penalty
//! of sparse SGD). Failures are weighted (see [`ClassWeight`]) so that the rare class is
//! learned.

use super::error::{check_range, OnlineError};
use super::{sigmoid, unweighted, ClassCounts, ClassWeight, Contribution, OnlineModel, Row};
use serde::{Deserialize, Serialize};

/// How the weights move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Optimizer {
    /// Adagrad: step `rate / sqrt(sum of squared gradients)` per weight.
    #[default]
    Adagrad,
    /// Plain stochastic gradient descent with a constant step.
    Sgd,
}

/// What a detected drift does to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LogisticDrift {
    /// Starts the weights afresh (the standardisation is kept).
    Restart,
    /// Keeps the weights but resets Adagrad's sums, so that steps are large again.
    #[default]
    Relearn,
    /// Does nothing.
    Ignore,
}

/// Settings of [`OnlineLogistic`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LogisticParams {
    /// Adagrad or SGD.
    pub optimizer: Optimizer,
    /// Step size (Adagrad's base rate, or SGD's step).
    pub learning_rate: f64,
    /// L2 penalty on the weights.
    pub l2: f64,
    /// Weight of failures.
    pub class_weight: ClassWeight,
    /// Standardised values are clipped to `[-clip, clip]`, so that one wild reading cannot
    /// swing the weights.
    pub clip: f64,
    /// Learn a presence weight per measurement (missing-value indicators).
    pub presence: bool,
    /// What a drift does.
    pub on_drift: LogisticDrift,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams {
            optimizer: Optimizer::Adagrad,
            learning_rate: 0.05,
            l2: 1e-4,
            class_weight: ClassWeight::Balanced { max: 50.0 },
            clip: 5.0,
            presence: true,
            on_drift: LogisticDrift::Relearn,
        }
    }
}

impl LogisticParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), OnlineError> {
        check_range(
            "learning_rate",
            self.learning_rate,
            0.0,
            100.0,
            true,
            "a step in (0, 100]",
        )?;
        check_range("l2", self.l2, 0.0, 1.0, false, "a penalty in [0, 1]")?;
        check_range("clip", self.clip, 0.0, f64::MAX, true, "a number > 0")?;
        self.class_weight.check()
    }

    /// A model for parts of `n_features` measurements, knowing nothing yet.
    pub fn build(&self, n_features: usize) -> Result<OnlineLogistic, OnlineError> {
        self.check()?;
        if n_features == 0 {
            return Err(OnlineError::NoFeatures);
        }
        Ok(OnlineLogistic {
            params: self.clone(),
            weights: Weights::new(n_features),
            count: vec![0; n_features],
            mean: vec![0.0; n_features],
            m2: vec![0.0; n_features],
            inverse_sd: vec![0.0; n_features],
            classes: ClassCounts::default(),
        })
    }
}

/// The learned weights and Adagrad's sums.
#[derive(Debug, Clone)]
struct Weights {
    value: Vec<f32>,
    presence: Vec<f32>,
    bias: f64,
    value_sums: Vec<f32>,
    presence_sums: Vec<f32>,
    bias_sum: f64,
}

impl Weights {
    fn new(n: usize) -> Weights {
        Weights {
            value: vec![0.0; n],
            presence: vec![0.0; n],
            bias: 0.0,
            value_sums: vec![0.0; n],
            presence_sums: vec![0.0; n],
            bias_sum: 0.0,
        }
    }
}

/// Online logistic regression: see the module documentation.
#[derive(Debug, Clone)]
pub struct OnlineLogistic {
    params: LogisticParams,
    weights: Weights,
    /// Welford's running count, mean and sum of squared deviations of each measurement.
    count: Vec<u32>,
    mean: Vec<f64>,
    m2: Vec<f64>,
    /// `1 / sd` of each measurement, 0 while unknown: kept so that scoring divides nothing.
    inverse_sd: Vec<f64>,
    classes: ClassCounts,
}

impl OnlineLogistic {
    /// The standardised, clipped value of measurement `j` (0 until its deviation is known).
    #[inline]
    fn standard(&self, j: usize, x: f32) -> f64 {
        let clip = self.params.clip;
        ((f64::from(x) - self.mean[j]) * self.inverse_sd[j]).clamp(-clip, clip)
    }

    /// The log-odds of failure.
    fn logit(&self, row: Row) -> f64 {
        let w = &self.weights;
        let mut z = w.bias;
        for (&j, &x) in row.features.iter().zip(row.values) {
            let j = j as usize;
            z += f64::from(w.value[j]) * self.standard(j, x) + f64::from(w.presence[j]);
        }
        z
    }

    /// One step on a weight of gradient `g`, with its Adagrad sum.
    #[inline]
    fn step(&self, g: f64, sum: &mut f32) -> f64 {
        match self.params.optimizer {
            Optimizer::Sgd => self.params.learning_rate * g,
            Optimizer::Adagrad => {
                *sum += (g * g) as f32;
                self.params.learning_rate * g / (f64::from(*sum).sqrt() + 1e-6)
            }
        }
    }

    /// The weight of measurement `j`'s standardised value and its presence weight.
    pub fn weight(&self, j: usize) -> (f32, f32) {
        (self.weights.value[j], self.weights.presence[j])
    }
}

impl OnlineModel for OnlineLogistic {
    fn score(&mut self, row: Row) -> f64 {
        let weight = self.classes.failure_weight(self.params.class_weight);
        unweighted(sigmoid(self.logit(row)), weight)
    }

    fn learn(&mut self, row: Row, failed: bool) {
        for (&j, &x) in row.features.iter().zip(row.values) {
            let j = j as usize;
            self.count[j] = self.count[j].saturating_add(1);
            let delta = f64::from(x) - self.mean[j];
            self.mean[j] += delta / f64::from(self.count[j]);
            self.m2[j] += delta * (f64::from(x) - self.mean[j]);
            let variance = self.m2[j] / f64::from(self.count[j]);
            self.inverse_sd[j] = if self.count[j] >= 2 && variance > 0.0 {
                1.0 / variance.sqrt()
            } else {
                0.0
            };
        }
        let weight = self.classes.weight(self.params.class_weight, failed);
        self.classes.add(failed);
        let p = sigmoid(self.logit(row));
        let g = (p - f64::from(u8::from(failed))) * weight;
        let l2 = self.params.l2;
        let mut weights = std::mem::replace(&mut self.weights, Weights::new(0));
        for (&j, &x) in row.features.iter().zip(row.values) {
            let j = j as usize;
            let xs = self.standard(j, x);
            let gv = g * xs + l2 * f64::from(weights.value[j]);
            weights.value[j] -= self.step(gv, &mut weights.value_sums[j]) as f32;
            if self.params.presence {
                let gp = g + l2 * f64::from(weights.presence[j]);
                weights.presence[j] -= self.step(gp, &mut weights.presence_sums[j]) as f32;
            }
        }
        let mut bias_sum = weights.bias_sum as f32;
        weights.bias -= self.step(g, &mut bias_sum);
        weights.bias_sum = f64::from(bias_sum);
        self.weights = weights;
    }

    /// The measurements of largest `w_j * z_j` (weight times standardised value, in log-odds):
    /// how far the reading moved the risk from that of an average reading at that station.
    fn explain(&mut self, row: Row, k: usize) -> Vec<Contribution> {
        let mut pushes: Vec<Contribution> = row
            .features
            .iter()
            .zip(row.values)
            .map(|(&j, &x)| Contribution {
                feature: j,
                value: x,
                push: f64::from(self.weights.value[j as usize]) * self.standard(j as usize, x),
            })
            .filter(|c| c.push > 0.0)
            .collect();
        pushes.sort_by(|a, b| b.push.total_cmp(&a.push));
        pushes.truncate(k);
        pushes
    }

    fn drift(&mut self, _time: f64) {
        match self.params.on_drift {
            LogisticDrift::Restart => self.weights = Weights::new(self.count.len()),
            LogisticDrift::Relearn => {
                let w = &mut self.weights;
                w.value_sums.iter_mut().for_each(|s| *s = 0.0);
                w.presence_sums.iter_mut().for_each(|s| *s = 0.0);
                w.bias_sum = 0.0;
            }
            LogisticDrift::Ignore => {}
        }
    }

    fn name(&self) -> &'static str {
        "logistic"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Parts of 6 measurements, the first two always present, the others with probability
    /// 0.7; failures when `(x0 - x1) / 2 > 1.4` (about 16 %).
    fn parts(n: usize, seed: u64) -> Vec<(Vec<u32>, Vec<f32>, bool)> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let x: Vec<f32> = (0..6)
                    .map(|_| rng.sample::<f32, _>(rand_distr::StandardNormal) * 2.0 + 10.0)
                    .collect();
                let present: Vec<bool> =
                    (0..6).map(|j| j < 2 || rng.random::<f64>() < 0.7).collect();
                let fails = (x[0] - x[1]) / 2.0 > 1.4;
                let f: Vec<u32> = (0..6).filter(|&j| present[j]).map(|j| j as u32).collect();
                let v = f.iter().map(|&j| x[j as usize]).collect();
                (f, v, fails)
            })
            .collect()
    }

    #[test]
    fn learns_a_planted_linear_rule_and_explains_it() {
        let mut m = LogisticParams::default().build(6).unwrap();
        let train = parts(20_000, 1);
        for (f, v, y) in &train {
            m.learn(
                Row {
                    time: 0.0,
                    features: f,
                    values: v,
                },
                *y,
            );
        }
        let test = parts(5_000, 2);
        let scores: Vec<f64> = test
            .iter()
            .map(|(f, v, _)| {
                m.score(Row {
                    time: 0.0,
                    features: f,
                    values: v,
                })
            })
            .collect();
        let labels: Vec<bool> = test.iter().map(|t| t.2).collect();
        let auc = crate::metrics::auc(&labels, &scores);
        assert!(auc > 0.97, "{auc}");
        // Rule features carry weight of opposite signs; noise features little.
        let (w0, w1) = (m.weight(0).0, m.weight(1).0);
        assert!(w0 > 0.5 && w1 < -0.5, "{w0} {w1}");
        assert!((2..6).all(|j| m.weight(j).0.abs() < w0.abs() / 4.0));
        // A failing part is explained by the rule's measurements.
        let (f, v, _) = test
            .iter()
            .zip(&scores)
            .filter(|(t, _)| t.2)
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        let top = m.explain(
            Row {
                time: 0.0,
                features: f,
                values: v,
            },
            2,
        );
        let mut named: Vec<u32> = top.iter().map(|c| c.feature).collect();
        named.sort_unstable();
        assert_eq!(named, [0, 1]);
        assert!(top[0].push >= top[1].push && top[1].push > 0.0);
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = LogisticParams {
            learning_rate: 0.0,
            ..LogisticParams::default()
        };
        assert!(matches!(
            bad.build(3),
            Err(OnlineError::InvalidParam {
                name: "learning_rate",
                ..
            })
        ));
        assert_eq!(
            LogisticParams::default().build(0).unwrap_err(),
            OnlineError::NoFeatures
        );
    }
}
