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
}
