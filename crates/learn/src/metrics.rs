//! Quality metrics shared by every use case, so that a model and its naive baseline are always
//! scored by the same code.

/// Sum of absolute errors: the business score of the forecasting use cases.
pub fn abs_error_sum(truth: &[f64], predicted: &[f64]) -> f64 {
    debug_assert_eq!(truth.len(), predicted.len());
    truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| (t - p).abs())
        .sum()
}

/// Mean absolute error; `NaN` for no rows, so an empty split is never mistaken for a perfect one.
pub fn mae(truth: &[f64], predicted: &[f64]) -> f64 {
    abs_error_sum(truth, predicted) / truth.len() as f64
}

/// Root mean squared error; `NaN` for no rows.
pub fn rmse(truth: &[f64], predicted: &[f64]) -> f64 {
    let sum: f64 = truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| (t - p) * (t - p))
        .sum();
    (sum / truth.len() as f64).sqrt()
}

/// Root mean squared percentage error over the rows whose truth is not zero, as the Rossmann
/// competition scores it (a zero-sales day has no defined percentage error).
pub fn rmspe(truth: &[f64], predicted: &[f64]) -> f64 {
    let (sum, count) = truth
        .iter()
        .zip(predicted)
        .filter(|(t, _)| **t != 0.0)
        .fold((0.0, 0usize), |(sum, count), (t, p)| {
            let relative = (t - p) / t;
            (sum + relative * relative, count + 1)
        });
    (sum / count as f64).sqrt()
}

/// Area under the ROC curve for 0/1 labels, with ties in the score counted as half (the
/// Mann-Whitney statistic). `NaN` when one class is absent.
pub fn auc(labels: &[bool], scores: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels.iter().filter(|l| **l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && scores[order[end + 1]] == scores[order[start]] {
            end += 1;
        }
        // Tied scores share the mean of the ranks they span (ranks are 1-based).
        let mean_rank = (start + end) as f64 / 2.0 + 1.0;
        let tied_positives = order[start..=end].iter().filter(|&&i| labels[i]).count();
        rank_sum += mean_rank * tied_positives as f64;
        start = end + 1;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Precision, recall and F1 of predicted sets against true sets; 0 where undefined.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct F1 {
    /// Share of predicted positives that are true.
    pub precision: f64,
    /// Share of true positives that were predicted.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// F1 of 0/1 predictions against 0/1 labels.
pub fn f1(labels: &[bool], predicted: &[bool]) -> F1 {
    let mut true_pos = 0usize;
    let mut false_pos = 0usize;
    let mut false_neg = 0usize;
    for (&label, &guess) in labels.iter().zip(predicted) {
        match (label, guess) {
            (true, true) => true_pos += 1,
            (false, true) => false_pos += 1,
            (true, false) => false_neg += 1,
            (false, false) => {}
        }
    }
    let ratio = |num: usize, den: usize| {
        if den == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    };
    let precision = ratio(true_pos, true_pos + false_pos);
    let recall = ratio(true_pos, true_pos + false_neg);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    F1 {
        precision,
        recall,
        f1,
    }
}

/// Precision, recall and F1 of the rule "score >= threshold predicts positive".
pub fn f1_at_threshold(labels: &[bool], scores: &[f64], threshold: f64) -> F1 {
    let predicted: Vec<bool> = scores.iter().map(|&s| s >= threshold).collect();
    f1(labels, &predicted)
}

/// The threshold of highest F1 and its scores.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BestF1 {
    /// Rows scoring at or above it are predicted positive.
    pub threshold: f64,
    /// Precision, recall and F1 at that threshold.
    pub score: F1,
}

/// The threshold maximising F1 over every distinct score (rows scoring at least the threshold
/// are predicted positive), the highest threshold on ties. `None` without a positive label, where
/// F1 is 0 at every threshold. Rare events put their best threshold far below 0.5: this is how a
/// use case picks the cut it reports.
pub fn best_f1_threshold(labels: &[bool], scores: &[f64]) -> Option<BestF1> {
    let positives = labels.iter().filter(|l| **l).count();
    if positives == 0 {
        return None;
    }
    let order = descending(scores);
    let mut best: Option<BestF1> = None;
    let mut true_pos = 0usize;
    let mut start = 0;
    while start < order.len() {
        let value = scores[order[start]];
        let mut end = start;
        // A threshold takes every row tied at its value.
        while end < order.len() && scores[order[end]] == value {
            true_pos += labels[order[end]] as usize;
            end += 1;
        }
        let precision = true_pos as f64 / end as f64;
        let recall = true_pos as f64 / positives as f64;
        let f1 = if true_pos == 0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        if best.is_none_or(|b| f1 > b.score.f1) {
            best = Some(BestF1 {
                threshold: value,
                score: F1 {
                    precision,
                    recall,
                    f1,
                },
            });
        }
        start = end;
    }
    best
}

/// Row indices by decreasing score (NaN last), ties in row order.
fn descending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| match (scores[a].is_nan(), scores[b].is_nan()) {
        (false, false) => scores[b].total_cmp(&scores[a]),
        (x, y) => x.cmp(&y),
    });
    order
}

/// Share of positives among the `share` (0..=1) highest-scored rows: "of the top 5 % of the
/// ranking, how many take the product". The top holds `round(share * n)` rows (at least one);
/// when that count cuts through rows of equal score, the tied rows count by their mean label, the
/// expected precision of any order among them, so that ties never favour a model.
pub fn precision_at_top(labels: &[bool], scores: &[f64], share: f64) -> f64 {
    let n = scores.len();
    if n == 0 {
        return f64::NAN;
    }
    let k = ((share.clamp(0.0, 1.0) * n as f64).round() as usize).clamp(1, n);
    let order = descending(scores);
    let mut hits = 0.0;
    let mut start = 0;
    while start < k {
        let value = scores[order[start]];
        let mut end = start;
        let mut tied_pos = 0usize;
        while end < n
            && (scores[order[end]] == value || (value.is_nan() && scores[order[end]].is_nan()))
        {
            tied_pos += labels[order[end]] as usize;
            end += 1;
        }
        let taken = end.min(k) - start;
        hits += tied_pos as f64 * taken as f64 / (end - start) as f64;
        start = end;
    }
    hits / k as f64
}

/// Mean negative log-likelihood of 0/1 labels under predicted probabilities, each clipped to
/// `[1e-15, 1 - 1e-15]` as scikit-learn does, so that one confident miss is costly but finite:
/// the measure of whether calibrated probabilities are honest, which AUC cannot see.
pub fn log_loss(labels: &[bool], probabilities: &[f64]) -> f64 {
    const EPS: f64 = 1e-15;
    let sum: f64 = labels
        .iter()
        .zip(probabilities)
        .map(|(&y, &p)| {
            let p = p.clamp(EPS, 1.0 - EPS);
            if y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    sum / labels.len() as f64
}

/// Number of the first `k` recommended items that are relevant (an item recommended twice counts
/// once).
fn hits_at_k<T: PartialEq>(recommended: &[T], relevant: &[T], k: usize) -> usize {
    let top = &recommended[..k.min(recommended.len())];
    top.iter()
        .enumerate()
        .filter(|(i, item)| relevant.contains(item) && !top[..*i].contains(item))
        .count()
}

/// Precision at k of one ranked list: relevant items among the first `k` recommended, over `k`
/// (a list shorter than `k` is not rewarded for it).
pub fn precision_at_k<T: PartialEq>(recommended: &[T], relevant: &[T], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    hits_at_k(recommended, relevant, k) as f64 / k as f64
}

/// Recall at k of one ranked list: relevant items found among the first `k`, over the number of
/// relevant items; 0 when there are none.
pub fn recall_at_k<T: PartialEq>(recommended: &[T], relevant: &[T], k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    hits_at_k(recommended, relevant, k) as f64 / relevant.len() as f64
}

/// Average precision at k of one ranked list, as the Kaggle MAP@k (and `ml_metrics.apk`)
/// defines it: the sum of precision@i over the ranks i <= k holding a relevant item (not seen
/// earlier in the list), divided by `min(|relevant|, k)`; 0 when there is no relevant item.
pub fn average_precision_at_k<T: PartialEq>(recommended: &[T], relevant: &[T], k: usize) -> f64 {
    if relevant.is_empty() || k == 0 {
        return 0.0;
    }
    let top = &recommended[..k.min(recommended.len())];
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, item) in top.iter().enumerate() {
        if relevant.contains(item) && !top[..i].contains(item) {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum / relevant.len().min(k) as f64
}

/// Mean of [`average_precision_at_k`] over users, each given as (recommended, relevant). Users
/// without a relevant item count as 0, as in the Kaggle Santander MAP@7: pass only users with at
/// least one to average over those. `NaN` for no users.
pub fn mean_average_precision_at_k<'a, T: PartialEq + 'a>(
    users: impl IntoIterator<Item = (&'a [T], &'a [T])>,
    k: usize,
) -> f64 {
    let (sum, count) =
        users
            .into_iter()
            .fold((0.0, 0usize), |(sum, count), (recommended, relevant)| {
                (
                    sum + average_precision_at_k(recommended, relevant, k),
                    count + 1,
                )
            });
    sum / count as f64
}

/// Adjusted Rand index between two labelings of the same items (Hubert and Arabie): 1 for the
/// same partition up to renaming, about 0 for independent ones.
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings must cover the same items");
    let rows = a.iter().max().map_or(0, |m| m + 1);
    let cols = b.iter().max().map_or(0, |m| m + 1);
    let mut table = vec![0u64; rows * cols];
    for (&i, &j) in a.iter().zip(b) {
        table[i * cols + j] += 1;
    }
    let pairs = |n: u64| (n * n.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.iter().map(|&n| pairs(n)).sum();
    let row_pairs: f64 = (0..rows)
        .map(|i| pairs(table[i * cols..(i + 1) * cols].iter().sum()))
        .sum();
    let col_pairs: f64 = (0..cols)
        .map(|j| pairs((0..rows).map(|i| table[i * cols + j]).sum()))
        .sum();
    let total = pairs(a.len() as u64);
    let expected = row_pairs * col_pairs / total;
    let max_index = (row_pairs + col_pairs) / 2.0;
    if max_index == expected {
        return 1.0;
    }
    (index - expected) / (max_index - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_errors_on_a_known_example() {
        let truth = [10.0, 0.0, 20.0];
        let predicted = [12.0, 1.0, 15.0];
        assert_eq!(abs_error_sum(&truth, &predicted), 8.0);
        assert!((mae(&truth, &predicted) - 8.0 / 3.0).abs() < 1e-12);
        assert!((rmse(&truth, &predicted) - (30.0f64 / 3.0).sqrt()).abs() < 1e-12);
        // The zero-truth row is left out: ((0.2^2 + 0.25^2) / 2)^0.5.
        let expected = ((0.04 + 0.0625) / 2.0f64).sqrt();
        assert!((rmspe(&truth, &predicted) - expected).abs() < 1e-12);
    }

    #[test]
    fn auc_counts_ties_as_half_and_matches_pair_counting() {
        let labels = [true, false, true, false, true];
        let scores = [0.9, 0.9, 0.4, 0.1, 0.8];
        // Pairs (pos, neg): 3 positives x 2 negatives = 6; wins: 0.9>0.1, 0.9=0.9 (half),
        // 0.4<0.9, 0.4>0.1, 0.8<0.9, 0.8>0.1 => 1 + 0.5 + 0 + 1 + 0 + 1 = 3.5.
        assert!((auc(&labels, &scores) - 3.5 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn f1_of_a_known_confusion() {
        let labels = [true, true, false, false, true];
        let predicted = [true, false, true, false, true];
        let score = f1(&labels, &predicted);
        assert!((score.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((score.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((score.f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn adjusted_rand_index_known_values() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285714
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 0.5714285714285714).abs() < 1e-12, "{ari}");
        // sklearn.metrics.adjusted_rand_score([0,0,0,1,1,1],[0,1,2,0,1,2]) = -0.36363636363636365
        let ari = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 2, 0, 1, 2]);
        assert!((ari + 0.36363636363636365).abs() < 1e-12, "{ari}");
    }
    #[test]
    fn best_f1_threshold_sweeps_distinct_scores() {
        let labels = [true, false, true, false, false, true];
        let scores = [0.9, 0.8, 0.7, 0.7, 0.2, 0.1];
        // Thresholds 0.9: P 1, R 1/3, F1 0.5; 0.8: P 1/2, R 1/3, F1 0.4; 0.7 (both tied rows):
        // P 2/4, R 2/3, F1 4/7; 0.2: P 2/5, R 2/3, F1 0.5; 0.1: P 3/6, R 1, F1 2/3.
        let best = best_f1_threshold(&labels, &scores).unwrap();
        assert_eq!(best.threshold, 0.1);
        assert!((best.score.f1 - 2.0 / 3.0).abs() < 1e-12);
        let at = f1_at_threshold(&labels, &scores, 0.7);
        assert!((at.f1 - 4.0 / 7.0).abs() < 1e-12);
        assert!((at.precision - 0.5).abs() < 1e-12);
        assert_eq!(best_f1_threshold(&[false, false], &[0.3, 0.1]), None);
    }

    #[test]
    fn precision_at_top_shares_ties() {
        let labels = [
            true, false, true, false, true, false, false, false, false, false,
        ];
        let scores = [0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0];
        // Top 10 %: the 0.9 row.
        assert_eq!(precision_at_top(&labels, &scores, 0.1), 1.0);
        // Top 20 %: 0.9, then one of three rows tied at 0.8 holding one positive: 1 + 1/3.
        assert!((precision_at_top(&labels, &scores, 0.2) - (4.0 / 3.0) / 2.0).abs() < 1e-12);
        // Top 50 %: 0.9, the three 0.8, 0.5: 3 of 5.
        assert!((precision_at_top(&labels, &scores, 0.5) - 0.6).abs() < 1e-12);
    }

    #[test]
    fn log_loss_of_a_known_example() {
        // sklearn.metrics.log_loss([1, 0, 1], [0.9, 0.2, 0.6]) = 0.2797765635793423
        let loss = log_loss(&[true, false, true], &[0.9, 0.2, 0.6]);
        let expected = -(0.9f64.ln() + 0.8f64.ln() + 0.6f64.ln()) / 3.0;
        assert!((loss - expected).abs() < 1e-12);
        assert!((loss - 0.2797765635793423).abs() < 1e-12);
        assert!(log_loss(&[true], &[0.0]).is_finite());
    }

    #[test]
    fn ranking_metrics_by_hand() {
        // Relevant {2, 5, 9}; recommended [5, 1, 2, 7]: hits at ranks 1 and 3.
        let rec = [5u8, 1, 2, 7];
        let rel = [2u8, 5, 9];
        assert!((precision_at_k(&rec, &rel, 3) - 2.0 / 3.0).abs() < 1e-12);
        assert!((recall_at_k(&rec, &rel, 3) - 2.0 / 3.0).abs() < 1e-12);
        assert!((precision_at_k(&rec, &rel, 1) - 1.0).abs() < 1e-12);
        // AP@3 = (1/1 + 2/3) / min(3, 3).
        let ap = average_precision_at_k(&rec, &rel, 3);
        assert!((ap - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        // AP@7 with one relevant item found at rank 2: (1/2) / 1 (ml_metrics.apk([3], [1, 3], 7)).
        assert!((average_precision_at_k(&[1, 3], &[3], 7) - 0.5).abs() < 1e-12);
        // A repeated recommendation does not count twice.
        assert!((average_precision_at_k(&[3, 3], &[3, 4], 2) - 0.5).abs() < 1e-12);
        assert_eq!(average_precision_at_k::<u8>(&[1, 2], &[], 7), 0.0);
        let users: Vec<(&[u8], &[u8])> = vec![(&rec, &rel), (&[1, 3], &[3]), (&[4], &[])];
        let map = mean_average_precision_at_k(users, 7);
        let expected = ((1.0 + 2.0 / 3.0) / 3.0 + 0.5 + 0.0) / 3.0;
        assert!((map - expected).abs() < 1e-12);
    }
}
