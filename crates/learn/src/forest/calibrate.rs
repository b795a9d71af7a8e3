//! From the trees' vote to an honest probability, in two steps.
//!
//! 1. Prior shift. A tree grown on a balanced bootstrap sees the rare class far more often than
//!    it occurs: drawing negatives at `N_drawn / N` times their frequency (positives at their
//!    own count) multiplies the odds a tree sees by `N / N_drawn`. Dividing them back gives
//!    `p' = p r / (p r + 1 - p)` with `r = N_drawn / N` (Saerens et al. 2002; Dal Pozzolo et al.
//!    2015, "Calibrating probability with undersampling"). The plain bootstrap keeps the class
//!    mix: `r = 1`.
//! 2. Platt scaling on the out-of-bag rows (optional, on by default). Averaging trees pulls votes
//!    toward the middle (Niculescu-Mizil and Caruana 2005), and after the prior shift that pull
//!    is steep: a region whose true rate is 30 % can read 23 %. A logistic fit of the labels on
//!    `logit(p')` over the out-of-bag probabilities (which no tree saw its own row for)
//!    straightens it: `p'' = sigmoid(a logit(p') + b)`, with Platt's smoothed targets. It is
//!    monotone, so rankings and AUC are unchanged.

use serde::{Deserialize, Serialize};

/// A logistic map of the log-odds: `sigmoid(slope * logit(p) + intercept)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Multiplies the log-odds (> 1 spreads squeezed probabilities apart).
    pub slope: f64,
    /// Adds to the log-odds.
    pub intercept: f64,
}

/// How the trees' vote maps to a calibrated probability (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Share of positives in the training rows.
    pub base_rate: f64,
    /// `r` of the prior shift: the true odds over the odds the trees saw.
    pub odds_factor: f64,
    /// Platt scaling fitted on the out-of-bag rows after the prior shift, if asked for.
    pub platt: Option<Platt>,
}

/// Probabilities are kept this far from 0 and 1 before taking log-odds.
const EDGE: f64 = 1e-7;

fn logit(p: f64) -> f64 {
    let p = p.clamp(EDGE, 1.0 - EDGE);
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Calibration {
    /// The prior shift alone.
    #[inline]
    pub fn shift(&self, p: f64) -> f64 {
        let pr = p * self.odds_factor;
        // r > 0, so the denominator is 0 only for p = 1, which maps to 1.
        let denominator = pr + (1.0 - p);
        if denominator <= 0.0 {
            1.0
        } else {
            // Rounding can lift the quotient a hair above 1 for a vote just below 1.
            (pr / denominator).min(1.0)
        }
    }

    /// The calibrated probability of a vote `p`.
    #[inline]
    pub fn apply(&self, p: f64) -> f64 {
        self.apply_shifted(self.shift(p))
    }

    /// The calibrated probability of a vote already shifted.
    #[inline]
    pub(crate) fn apply_shifted(&self, shifted: f64) -> f64 {
        match self.platt {
            None => shifted,
            Some(Platt { slope, intercept }) => sigmoid(slope * logit(shifted) + intercept),
        }
    }
}

/// Fits Platt scaling of `labels` on `probabilities` (Platt 1999, with Lin, Lin and Weng's
/// safeguards: smoothed targets, Newton steps with a backtracking line search). `None` if the
/// fit does not converge or finds a slope <= 0 (scores that do not rank: no scaling is better).
pub(crate) fn fit_platt(labels: &[bool], probabilities: &[f64]) -> Option<Platt> {
    let x: Vec<f64> = probabilities.iter().map(|&p| logit(p)).collect();
    let positives = labels.iter().filter(|&&y| y).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    let (hi, lo) = (
        (positives + 1.0) / (positives + 2.0),
        1.0 / (negatives + 2.0),
    );
    let t: Vec<f64> = labels.iter().map(|&y| if y { hi } else { lo }).collect();
    let loss = |a: f64, b: f64| -> f64 {
        x.iter()
            .zip(&t)
            .map(|(&x, &t)| {
                let z = a * x + b;
                // log(1 + e^z) - t z, stable for large |z|.
                z.max(0.0) + (-z.abs()).exp().ln_1p() - t * z
            })
            .sum()
    };
    // Start at the identity: the prior shift alone.
    let (mut a, mut b) = (1.0, 0.0);
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for (&x, &t) in x.iter().zip(&t) {
            let p = sigmoid(a * x + b);
            let d = p - t;
            let w = p * (1.0 - p);
            ga += d * x;
            gb += d;
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det <= 0.0 {
            return None;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        // The Newton direction descends: decrease > 0 (the Hessian is positive definite). When
        // it is this small the loss is at its minimum to rounding: stop.
        let decrease = ga * da + gb * db;
        if decrease < 1e-12 * labels.len() as f64 {
            break;
        }
        let tolerance = 1e-12 * (1.0 + current.abs());
        let mut step = 1.0;
        let mut moved = false;
        for _ in 0..30 {
            let (na, nb) = (a - step * da, b - step * db);
            let next = loss(na, nb);
            if next <= current - 1e-4 * step * decrease + tolerance {
                a = na;
                b = nb;
                current = next;
                moved = true;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    (a > 0.0 && a.is_finite() && b.is_finite()).then_some(Platt {
        slope: a,
        intercept: b,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn prior_shift_undoes_undersampling() {
        // 1 % positives; balanced draws keep N_drawn = P, so r = P / N = 1/99. A vote of 0.5
        // (even odds among the drawn rows) is the base rate.
        let c = Calibration {
            base_rate: 0.01,
            odds_factor: 1.0 / 99.0,
            platt: None,
        };
        assert!((c.apply(0.5) - 0.01).abs() < 1e-12);
        assert_eq!(c.apply(0.0), 0.0);
        assert_eq!(c.apply(1.0), 1.0);
        // Odds 9 among the drawn rows are odds 9/99 truly: p = 9 / 108.
        assert!((c.apply(0.9) - 9.0 / 108.0).abs() < 1e-12);
    }

    #[test]
    fn platt_recovers_a_planted_logistic_map() {
        // Labels drawn from sigmoid(2 logit(p) - 1): the fit finds slope 2, intercept -1.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let p: Vec<f64> = (0..50_000).map(|_| rng.random_range(0.01..0.99)).collect();
        let y: Vec<bool> = p
            .iter()
            .map(|&p| rng.random::<f64>() < sigmoid(2.0 * logit(p) - 1.0))
            .collect();
        let fit = fit_platt(&y, &p).unwrap();
        assert!((fit.slope - 2.0).abs() < 0.05, "{fit:?}");
        assert!((fit.intercept + 1.0).abs() < 0.05, "{fit:?}");
        // Scores unrelated to the labels in reverse: no positive slope.
        let reversed: Vec<f64> = p.iter().map(|&p| 1.0 - p).collect();
        let y: Vec<bool> = p.iter().map(|&p| rng.random::<f64>() < p).collect();
        assert_eq!(fit_platt(&y, &reversed), None);
    }
}
