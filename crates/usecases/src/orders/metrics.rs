//! Scores of both use cases, computed the same way for a model and its baseline.

use serde::Serialize;

/// Errors of predicted days against true days; the business score is the absolute error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegressionScores {
    /// Mean absolute error over every validation user.
    pub mae: f64,
    /// Sum of absolute errors over every validation user.
    pub abs_error_sum: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Users scored.
    pub users: usize,
    /// Mean absolute error over users whose true gap is under 30 (30 means "30 or more", so the
    /// error there is only a lower bound).
    pub mae_uncensored: f64,
    /// Sum of absolute errors over those users.
    pub abs_error_sum_uncensored: f64,
    /// Root mean squared error over those users.
    pub rmse_uncensored: f64,
    /// Users with a true gap under 30.
    pub users_uncensored: usize,
}

/// The censoring cap of `days_since_prior_order`.
pub const CENSORED_AT: f32 = 30.0;

impl RegressionScores {
    /// Scores `predicted` against `truth`.
    pub fn score(truth: &[f32], predicted: &[f64]) -> RegressionScores {
        let all: (Vec<f64>, Vec<f64>) = truth
            .iter()
            .map(|&t| f64::from(t))
            .zip(predicted.iter().copied())
            .unzip();
        let open: (Vec<f64>, Vec<f64>) = truth
            .iter()
            .zip(predicted)
            .filter(|(&t, _)| t < CENSORED_AT)
            .map(|(&t, &p)| (f64::from(t), p))
            .unzip();
        RegressionScores {
            mae: learn::metrics::mae(&all.0, &all.1),
            abs_error_sum: learn::metrics::abs_error_sum(&all.0, &all.1),
            rmse: learn::metrics::rmse(&all.0, &all.1),
            users: all.0.len(),
            mae_uncensored: learn::metrics::mae(&open.0, &open.1),
            abs_error_sum_uncensored: learn::metrics::abs_error_sum(&open.0, &open.1),
            rmse_uncensored: learn::metrics::rmse(&open.0, &open.1),
            users_uncensored: open.0.len(),
        }
    }
}

/// Scores of reorder predictions over candidate pairs and per user.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScores {
    /// F1 over every candidate pair of the validation users at `threshold`.
    pub f1: f64,
    /// Precision over pairs.
    pub precision: f64,
    /// Recall over pairs.
    pub recall: f64,
    /// Area under the ROC curve over pairs (NaN for 0/1 predictions with one class).
    pub auc: f64,
    /// Mean over validation users of the F1 of the predicted basket, with "None" standing for
    /// an empty basket on either side (the competition's metric).
    pub mean_user_f1: f64,
    /// A pair is predicted when its probability is at least this.
    pub threshold: f64,
}

/// The threshold on `scores` that maximises F1 over pairs, and that F1's precision and recall.
/// Candidates are the distinct scores; a pair is predicted when its score is >= the threshold.
pub fn best_f1_threshold(labels: &[bool], scores: &[f64]) -> (f64, learn::metrics::F1) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let positives = labels.iter().filter(|&&l| l).count();
    let mut best = (
        f64::INFINITY,
        learn::metrics::F1 {
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
        },
    );
    let mut tp = 0usize;
    for (k, &i) in order.iter().enumerate() {
        tp += usize::from(labels[i]);
        let is_cut = k + 1 == order.len() || scores[order[k + 1]] != scores[i];
        if !is_cut || positives == 0 {
            continue;
        }
        let predicted = k + 1;
        let f1 = 2.0 * tp as f64 / (predicted + positives) as f64;
        if f1 > best.1.f1 {
            best = (
                scores[i],
                learn::metrics::F1 {
                    precision: tp as f64 / predicted as f64,
                    recall: tp as f64 / positives as f64,
                    f1,
                },
            );
        }
    }
    best
}

/// The competition's mean F1 over users: `users` gives each user's pairs as a range; a user with
/// no true pair has the true basket {None}, a user with no predicted pair the predicted basket
/// {None}; F1 of two {None} is 1.
pub fn mean_user_f1(users: &[std::ops::Range<usize>], labels: &[bool], predicted: &[bool]) -> f64 {
    if users.is_empty() {
        return f64::NAN;
    }
    let total: f64 = users
        .iter()
        .map(|range| {
            let (mut tp, mut truth, mut guess) = (0usize, 0usize, 0usize);
            for i in range.clone() {
                tp += usize::from(labels[i] && predicted[i]);
                truth += usize::from(labels[i]);
                guess += usize::from(predicted[i]);
            }
            match (truth, guess) {
                (0, 0) => 1.0,
                (0, _) | (_, 0) => 0.0,
                _ => 2.0 * tp as f64 / (truth + guess) as f64,
            }
        })
        .sum();
    total / users.len() as f64
}

/// Precision, recall and F1 over pairs when a pair is predicted at or above `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdPoint {
    /// The cut.
    pub threshold: f64,
    /// Precision at it (1 when nothing is predicted).
    pub precision: f64,
    /// Recall at it.
    pub recall: f64,
    /// F1 at it.
    pub f1: f64,
}

/// Precision, recall and F1 at the thresholds 0, 1/`steps`, ..., 1: how the choice of the
/// threshold trades one for the other.
pub fn threshold_curve(labels: &[bool], scores: &[f64], steps: usize) -> Vec<ThresholdPoint> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let positives = labels.iter().filter(|&&l| l).count();
    let (mut k, mut tp) = (0usize, 0usize);
    (0..=steps)
        .rev()
        .map(|step| {
            let threshold = step as f64 / steps as f64;
            while k < order.len() && scores[order[k]] >= threshold {
                tp += usize::from(labels[order[k]]);
                k += 1;
            }
            let precision = if k > 0 { tp as f64 / k as f64 } else { 1.0 };
            let recall = if positives > 0 {
                tp as f64 / positives as f64
            } else {
                0.0
            };
            let f1 = if k + positives > 0 {
                2.0 * tp as f64 / (k + positives) as f64
            } else {
                0.0
            };
            ThresholdPoint {
                threshold,
                precision,
                recall,
                f1,
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

/// Every score of `scores` on the pairs, at the threshold that maximises pair F1.
pub fn class_scores(
    users: &[std::ops::Range<usize>],
    labels: &[bool],
    scores: &[f64],
) -> ClassScores {
    let (threshold, f1) = best_f1_threshold(labels, scores);
    let predicted: Vec<bool> = scores.iter().map(|&s| s >= threshold).collect();
    ClassScores {
        f1: f1.f1,
        precision: f1.precision,
        recall: f1.recall,
        auc: learn::metrics::auc(labels, scores),
        mean_user_f1: mean_user_f1(users, labels, &predicted),
        threshold,
    }
}

/// Scores of fixed 0/1 picks (a baseline).
pub fn pick_scores(
    users: &[std::ops::Range<usize>],
    labels: &[bool],
    picked: &[bool],
) -> ClassScores {
    let f1 = learn::metrics::f1(labels, picked);
    let as_scores: Vec<f64> = picked.iter().map(|&p| f64::from(u8::from(p))).collect();
    ClassScores {
        f1: f1.f1,
        precision: f1.precision,
        recall: f1.recall,
        auc: learn::metrics::auc(labels, &as_scores),
        mean_user_f1: mean_user_f1(users, labels, picked),
        threshold: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_threshold_sweeps_distinct_scores() {
        let labels = [true, true, false, true, false];
        let scores = [0.9, 0.8, 0.7, 0.4, 0.1];
        let (t, f1) = best_f1_threshold(&labels, &scores);
        // Top 2: tp 2, P 3 -> 0.8; top 4: tp 3 -> 6/7 = 0.857.
        assert_eq!(t, 0.4);
        assert!((f1.f1 - 6.0 / 7.0).abs() < 1e-12);
        // Ties are cut together.
        let (t, f1) = best_f1_threshold(&[true, false], &[0.5, 0.5]);
        assert_eq!(t, 0.5);
        assert!((f1.f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_threshold_curve_counts_pairs_at_or_above_each_cut() {
        let labels = [true, true, false, true, false];
        let scores = [0.9, 0.8, 0.7, 0.4, 0.1];
        let curve = threshold_curve(&labels, &scores, 10);
        assert_eq!(curve.len(), 11);
        assert_eq!(curve[0].threshold, 0.0);
        // At 0 every pair is predicted: 3 of 5 right, every positive found.
        assert!((curve[0].precision - 0.6).abs() < 1e-12 && curve[0].recall == 1.0);
        // At 0.4 (the best cut): the top 4.
        assert!((curve[4].f1 - 6.0 / 7.0).abs() < 1e-12);
        // At 1 nothing is predicted.
        assert_eq!(
            (curve[10].precision, curve[10].recall, curve[10].f1),
            (1.0, 0.0, 0.0)
        );
    }

    #[test]
    fn user_f1_counts_the_none_basket() {
        let users = [0..2, 2..4, 4..6];
        // User 0: truth {a}, predicted {a, b} -> 2/3. User 1: truth None, predicted None -> 1.
        // User 2: truth {e}, predicted None -> 0.
        let labels = [true, false, false, false, true, false];
        let predicted = [true, true, false, false, false, false];
        let f = mean_user_f1(&users, &labels, &predicted);
        assert!((f - (2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn regression_scores_split_out_censored_targets() {
        let s = RegressionScores::score(&[10.0, 30.0], &[12.0, 20.0]);
        assert_eq!(s.mae, 6.0);
        assert_eq!(s.abs_error_sum, 12.0);
        assert_eq!(s.users_uncensored, 1);
        assert_eq!(s.mae_uncensored, 2.0);
    }
}
