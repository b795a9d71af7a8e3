//! What the trees minimise: each objective gives the starting score, the per-row gradient and
//! hessian of its loss at the current score, the link from score to prediction, and the metric
//! that early stopping watches.

use super::GbdtError;
use serde::{Deserialize, Serialize};

/// XGBoost's and LightGBM's `max_delta_step` for Poisson: inflating the hessian by `exp(0.7)`
/// keeps the first trees' steps from overshooting on the log scale.
const POISSON_MAX_DELTA_STEP: f64 = 0.7;

/// The loss boosting minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Squared error; starts from the mean; early stopping on RMSE.
    #[default]
    SquaredError,
    /// Absolute error: trees are fitted to the gradient's sign and each leaf's value is then the
    /// median residual of its rows (as LightGBM does); starts from the median; stops on MAE.
    AbsoluteError,
    /// Poisson deviance with a log link, for counts; starts from log(mean); stops on deviance.
    Poisson,
    /// Binary log loss with a logit link, for 0/1 targets; starts from the log-odds of the mean;
    /// stops on log loss.
    Logistic,
}

impl Objective {
    /// The name of the metric early stopping minimises.
    pub fn metric_name(self) -> &'static str {
        match self {
            Objective::SquaredError => "rmse",
            Objective::AbsoluteError => "mae",
            Objective::Poisson => "poisson_deviance",
            Objective::Logistic => "logloss",
        }
    }

    /// Checks that every target is in the objective's range.
    pub(crate) fn check_target(self, target: &[f32]) -> Result<(), GbdtError> {
        let (bad, expected): (fn(f32) -> bool, &'static str) = match self {
            Objective::SquaredError | Objective::AbsoluteError => return Ok(()),
            Objective::Poisson => (|y| y < 0.0, "a count >= 0"),
            Objective::Logistic => (|y| y != 0.0 && y != 1.0, "0 or 1"),
        };
        match target.iter().position(|&y| bad(y)) {
            Some(row) => Err(GbdtError::InvalidTarget {
                row,
                value: target[row],
                expected,
            }),
            None => Ok(()),
        }
    }

    /// The constant score the ensemble starts from.
    pub(crate) fn base_score(self, y: &[f32], w: Option<&[f32]>) -> f64 {
        let mean = || {
            let (s, sw) = match w {
                Some(w) => y.iter().zip(w).fold((0.0, 0.0), |(s, sw), (&y, &w)| {
                    (s + y as f64 * w as f64, sw + w as f64)
                }),
                None => (y.iter().map(|&y| y as f64).sum(), y.len() as f64),
            };
            if sw > 0.0 {
                s / sw
            } else {
                0.0
            }
        };
        match self {
            Objective::SquaredError => mean(),
            Objective::AbsoluteError => {
                let values: Vec<f64> = y.iter().map(|&y| y as f64).collect();
                weighted_median(values, w)
            }
            Objective::Poisson => mean().max(1e-10).ln(),
            Objective::Logistic => {
                let p = mean().clamp(1e-6, 1.0 - 1e-6);
                (p / (1.0 - p)).ln()
            }
        }
    }

    /// Gradient and hessian of each row's loss at score `pred`, weighted.
    pub(crate) fn gradients(self, y: &[f32], w: Option<&[f32]>, pred: &[f64], gh: &mut [[f32; 2]]) {
        let pair = |y: f64, f: f64| -> (f64, f64) {
            match self {
                Objective::SquaredError => (f - y, 1.0),
                Objective::AbsoluteError => ((f - y).signum() * ((f - y) != 0.0) as u8 as f64, 1.0),
                Objective::Poisson => (f.exp() - y, (f + POISSON_MAX_DELTA_STEP).exp()),
                Objective::Logistic => {
                    let p = sigmoid(f);
                    (p - y, (p * (1.0 - p)).max(1e-16))
                }
            }
        };
        match w {
            None => {
                for ((out, &y), &f) in gh.iter_mut().zip(y).zip(pred) {
                    let (g, h) = pair(y as f64, f);
                    *out = [g as f32, h as f32];
                }
            }
            Some(w) => {
                for (((out, &y), &f), &w) in gh.iter_mut().zip(y).zip(pred).zip(w) {
                    let (g, h) = pair(y as f64, f);
                    let w = w as f64;
                    *out = [(g * w) as f32, (h * w) as f32];
                }
            }
        }
    }

    /// Whether leaf values are re-estimated from residuals rather than taken from the gradient
    /// sums (the median of residuals for absolute error).
    pub(crate) fn renews_leaves(self) -> bool {
        self == Objective::AbsoluteError
    }

    /// The prediction for score `f`.
    pub fn transform(self, f: f64) -> f64 {
        match self {
            Objective::SquaredError | Objective::AbsoluteError => f,
            Objective::Poisson => f.exp(),
            Objective::Logistic => sigmoid(f),
        }
    }

    /// The (weighted) mean metric of scores `pred` against `y`: lower is better.
    pub(crate) fn loss(self, y: &[f32], w: Option<&[f32]>, pred: &[f64]) -> f64 {
        let row = |y: f64, f: f64| -> f64 {
            match self {
                Objective::SquaredError => (f - y) * (f - y),
                Objective::AbsoluteError => (f - y).abs(),
                Objective::Poisson => {
                    let mu = f.exp();
                    let ylog = if y > 0.0 { y * (y / mu).ln() } else { 0.0 };
                    2.0 * (ylog - (y - mu))
                }
                Objective::Logistic => {
                    // log(1 + e^f) - y f, written to stay finite for large |f|.
                    let softplus = if f > 0.0 {
                        f + (-f).exp().ln_1p()
                    } else {
                        f.exp().ln_1p()
                    };
                    softplus - y * f
                }
            }
        };
        let (s, sw) = match w {
            None => (
                y.iter()
                    .zip(pred)
                    .map(|(&y, &f)| row(y as f64, f))
                    .sum::<f64>(),
                y.len() as f64,
            ),
            Some(w) => y
                .iter()
                .zip(pred)
                .zip(w)
                .fold((0.0, 0.0), |(s, sw), ((&y, &f), &w)| {
                    (s + w as f64 * row(y as f64, f), sw + w as f64)
                }),
        };
        let mean = s / sw;
        match self {
            Objective::SquaredError => mean.sqrt(),
            _ => mean,
        }
    }
}

fn sigmoid(f: f64) -> f64 {
    1.0 / (1.0 + (-f).exp())
}

/// The median of `values` (the mean of the two middle ones for an even count), or with weights
/// the smallest value whose cumulative weight reaches half the total. 0 for no rows.
pub(crate) fn weighted_median(mut values: Vec<f64>, w: Option<&[f32]>) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    match w {
        None => {
            let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
            if n % 2 == 1 {
                upper
            } else {
                let lower = values[..n / 2]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                (lower + upper) / 2.0
            }
        }
        Some(w) => {
            let mut pairs: Vec<(f64, f64)> = values
                .into_iter()
                .zip(w)
                .map(|(v, &w)| (v, w as f64))
                .collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let half = pairs.iter().map(|p| p.1).sum::<f64>() / 2.0;
            let mut acc = 0.0;
            for &(v, w) in &pairs {
                acc += w;
                if acc >= half && w > 0.0 {
                    return v;
                }
            }
            pairs[n - 1].0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(weighted_median(vec![3.0, 1.0, 2.0], None), 2.0);
        assert_eq!(weighted_median(vec![4.0, 1.0, 3.0, 2.0], None), 2.5);
        assert_eq!(
            weighted_median(vec![1.0, 2.0, 3.0], Some(&[1.0, 1.0, 5.0])),
            3.0
        );
    }

    #[test]
    fn base_scores_minimise_each_loss() {
        let y = [0.0f32, 1.0, 1.0, 1.0];
        assert_eq!(Objective::SquaredError.base_score(&y, None), 0.75);
        assert_eq!(Objective::AbsoluteError.base_score(&y, None), 1.0);
        assert!((Objective::Logistic.base_score(&y, None) - 3f64.ln()).abs() < 1e-12);
        assert!((Objective::Poisson.base_score(&y, None) - 0.75f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn gradients_vanish_at_the_optimum_of_squared_and_logistic() {
        let mut gh = [[0.0f32; 2]; 2];
        Objective::SquaredError.gradients(&[2.0, 3.0], None, &[2.0, 3.0], &mut gh);
        assert_eq!(gh, [[0.0, 1.0], [0.0, 1.0]]);
        Objective::Logistic.gradients(&[1.0, 0.0], None, &[0.0, 0.0], &mut gh);
        assert_eq!(gh, [[-0.5, 0.25], [0.5, 0.25]]);
    }
}
