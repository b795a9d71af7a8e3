//! Streaming quality metrics: the confusion counts of alerts (Matthews correlation, the
//! competition's metric; precision and recall) and the area under the ROC curve from score
//! histograms, over the whole stream or a moving window, in O(1) per part.

use serde::Serialize;

/// Counts of alerts against outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Alerted parts that failed.
    pub true_positives: u64,
    /// Alerted parts that passed.
    pub false_positives: u64,
    /// Parts let through that passed.
    pub true_negatives: u64,
    /// Parts let through that failed.
    pub false_negatives: u64,
}

impl Confusion {
    /// Counts one part.
    pub fn add(&mut self, alerted: bool, failed: bool) {
        *self.cell(alerted, failed) += 1;
    }

    /// Uncounts one part (for moving windows).
    pub fn remove(&mut self, alerted: bool, failed: bool) {
        *self.cell(alerted, failed) -= 1;
    }

    fn cell(&mut self, alerted: bool, failed: bool) -> &mut u64 {
        match (alerted, failed) {
            (true, true) => &mut self.true_positives,
            (true, false) => &mut self.false_positives,
            (false, false) => &mut self.true_negatives,
            (false, true) => &mut self.false_negatives,
        }
    }

    /// Parts counted.
    pub fn total(&self) -> u64 {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// Matthews correlation coefficient, in [-1, 1]; 0 when a margin is empty (no alert, or no
    /// failure), as the competition's scorer and scikit-learn define it.
    pub fn mcc(&self) -> f64 {
        let (tp, fp, tn, fn_) = (
            self.true_positives as f64,
            self.false_positives as f64,
            self.true_negatives as f64,
            self.false_negatives as f64,
        );
        let denominator = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
        if denominator == 0.0 {
            0.0
        } else {
            (tp * tn - fp * fn_) / denominator
        }
    }

    /// Share of alerts that were failures; 0 with no alert.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Share of failures that raised an alert; 0 with no failure.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Bins of the score histograms: a risk is binned by its log-odds, clamped to ±`LOGIT_RANGE`,
/// in bins of width 2 * 20 / 16384 ≈ 0.0024: two risks share a bin only when their odds differ
/// by less than 0.25 %, and then count as a tie.
pub const AUC_BINS: usize = 1 << 14;
const LOGIT_RANGE: f64 = 20.0;

/// The histogram bin of a risk in [0, 1] (NaN counts as 0).
pub fn score_bin(risk: f64) -> u16 {
    let p = if risk.is_nan() {
        0.0
    } else {
        risk.clamp(0.0, 1.0)
    };
    let logit = (p / (1.0 - p)).ln().clamp(-LOGIT_RANGE, LOGIT_RANGE);
    let unit = (logit + LOGIT_RANGE) / (2.0 * LOGIT_RANGE);
    ((unit * AUC_BINS as f64) as usize).min(AUC_BINS - 1) as u16
}

/// The smallest risk of bin `bin` (the inverse of [`score_bin`] at the bin's lower edge).
pub fn bin_floor(bin: u16) -> f64 {
    if bin == 0 {
        return 0.0;
    }
    let logit = bin as f64 / AUC_BINS as f64 * 2.0 * LOGIT_RANGE - LOGIT_RANGE;
    1.0 / (1.0 + (-logit).exp())
}

/// Scores of failures and of passes, binned, for the area under the ROC curve.
#[derive(Debug, Clone)]
pub struct ScoreHistogram {
    positives: Vec<u64>,
    negatives: Vec<u64>,
    n_positives: u64,
    n_negatives: u64,
}

impl Default for ScoreHistogram {
    fn default() -> Self {
        ScoreHistogram {
            positives: vec![0; AUC_BINS],
            negatives: vec![0; AUC_BINS],
            n_positives: 0,
            n_negatives: 0,
        }
    }
}

impl ScoreHistogram {
    /// Counts a scored part (by its bin, see [`score_bin`]).
    pub fn add(&mut self, bin: u16, failed: bool) {
        if failed {
            self.positives[bin as usize] += 1;
            self.n_positives += 1;
        } else {
            self.negatives[bin as usize] += 1;
            self.n_negatives += 1;
        }
    }

    /// Uncounts a scored part.
    pub fn remove(&mut self, bin: u16, failed: bool) {
        if failed {
            self.positives[bin as usize] -= 1;
            self.n_positives -= 1;
        } else {
            self.negatives[bin as usize] -= 1;
            self.n_negatives -= 1;
        }
    }

    /// Area under the ROC curve: the chance that a failure outscores a pass, ties (same bin)
    /// counted half: the Mann-Whitney statistic. `NaN` while one class is absent.
    pub fn auc(&self) -> f64 {
        if self.n_positives == 0 || self.n_negatives == 0 {
            return f64::NAN;
        }
        let mut negatives_below = 0u64;
        let mut wins = 0.0;
        for (p, n) in self.positives.iter().zip(&self.negatives) {
            wins += *p as f64 * (negatives_below as f64 + *n as f64 / 2.0);
            negatives_below += n;
        }
        wins / (self.n_positives as f64 * self.n_negatives as f64)
    }

    /// Share of the passes counted that score at least as high as bin `bin` (ties half): how
    /// badly a failure of that score is ranked. `NaN` with no pass.
    pub fn passes_above(&self, bin: u16) -> f64 {
        if self.n_negatives == 0 {
            return f64::NAN;
        }
        let b = bin as usize;
        let above: u64 = self.negatives[b + 1..].iter().sum();
        (above as f64 + self.negatives[b] as f64 / 2.0) / self.n_negatives as f64
    }

    /// For each cut between bins, from the highest: the bin, and the counts if the parts of
    /// that bin and above are alerted. Only bins holding parts are cuts.
    pub fn cuts(&self) -> impl Iterator<Item = (u16, Confusion)> + '_ {
        let mut c = Confusion {
            true_negatives: self.n_negatives,
            false_negatives: self.n_positives,
            ..Confusion::default()
        };
        (0..AUC_BINS).rev().filter_map(move |b| {
            let (p, n) = (self.positives[b], self.negatives[b]);
            if p + n == 0 {
                return None;
            }
            c.true_positives += p;
            c.false_negatives -= p;
            c.false_positives += n;
            c.true_negatives -= n;
            Some((b as u16, c))
        })
    }

    /// Failures and passes counted.
    pub fn counts(&self) -> (u64, u64) {
        (self.n_positives, self.n_negatives)
    }
}

/// Metrics on the last `capacity` labelled parts: confusion counts and AUC.
#[derive(Debug, Clone)]
pub struct WindowMetrics {
    /// Per part: score bin, alerted, failed.
    ring: std::collections::VecDeque<(u16, bool, bool)>,
    capacity: usize,
    confusion: Confusion,
    histogram: ScoreHistogram,
}

impl WindowMetrics {
    /// A window of the last `capacity` parts (at least 1).
    pub fn new(capacity: usize) -> Self {
        WindowMetrics {
            ring: std::collections::VecDeque::with_capacity(capacity.max(1)),
            capacity: capacity.max(1),
            confusion: Confusion::default(),
            histogram: ScoreHistogram::default(),
        }
    }

    /// Counts a labelled part, forgetting the oldest beyond the capacity.
    pub fn add(&mut self, bin: u16, alerted: bool, failed: bool) {
        if self.ring.len() == self.capacity {
            let (b, a, f) = self.ring.pop_front().expect("full");
            self.confusion.remove(a, f);
            self.histogram.remove(b, f);
        }
        self.ring.push_back((bin, alerted, failed));
        self.confusion.add(alerted, failed);
        self.histogram.add(bin, failed);
    }

    /// Confusion counts of the window.
    pub fn confusion(&self) -> &Confusion {
        &self.confusion
    }

    /// AUC of the window (`NaN` while one class is absent).
    pub fn auc(&self) -> f64 {
        self.histogram.auc()
    }

    /// The window's score histogram.
    pub fn histogram(&self) -> &ScoreHistogram {
        &self.histogram
    }

    /// Parts in the window.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcc_precision_recall_by_hand() {
        // tp 6, fp 2, tn 90, fn 2: (6*90 - 2*2) / sqrt(8 * 8 * 92 * 92) = 536 / 736.
        let mut c = Confusion::default();
        for (alerted, failed, n) in [
            (true, true, 6),
            (true, false, 2),
            (false, false, 90),
            (false, true, 2),
        ] {
            for _ in 0..n {
                c.add(alerted, failed);
            }
        }
        assert!((c.mcc() - 536.0 / 736.0).abs() < 1e-12);
        assert_eq!((c.precision(), c.recall()), (0.75, 0.75));
        // Perfect, inverted, and no alert at all.
        let perfect = Confusion {
            true_positives: 3,
            true_negatives: 5,
            ..Confusion::default()
        };
        assert_eq!(perfect.mcc(), 1.0);
        let inverted = Confusion {
            false_positives: 5,
            false_negatives: 3,
            ..Confusion::default()
        };
        assert_eq!(inverted.mcc(), -1.0);
        let silent = Confusion {
            true_negatives: 99,
            false_negatives: 1,
            ..Confusion::default()
        };
        assert_eq!(
            (silent.mcc(), silent.precision(), silent.recall()),
            (0.0, 0.0, 0.0)
        );
        c.remove(true, true);
        assert_eq!(c.true_positives, 5);
    }

    #[test]
    fn auc_by_hand_and_against_the_exact_statistic() {
        // Failures at 0.9, 0.4; passes at 0.1, 0.4, 0.6: pairs won 3 + 1 + 0.5 of 6.
        let mut h = ScoreHistogram::default();
        for (s, f) in [
            (0.9, true),
            (0.4, true),
            (0.1, false),
            (0.4, false),
            (0.6, false),
        ] {
            h.add(score_bin(s), f);
        }
        assert!((h.auc() - 4.5 / 6.0).abs() < 1e-12);
        // Distinct bins: the exact Mann-Whitney statistic of `crate::metrics::auc`.
        let scores: Vec<f64> = (0..500)
            .map(|i| ((i * 7919) % 1000) as f64 / 1000.0 + 1e-4)
            .collect();
        let labels: Vec<bool> = (0..500)
            .map(|i| (i * 31) % 7 < 2 || scores[i] > 0.9)
            .collect();
        let mut h = ScoreHistogram::default();
        for (s, l) in scores.iter().zip(&labels) {
            h.add(score_bin(*s), *l);
        }
        let exact = crate::metrics::auc(&labels, &scores);
        assert!((h.auc() - exact).abs() < 1e-12, "{} {exact}", h.auc());
        assert!(ScoreHistogram::default().auc().is_nan());
        // Of the passes .1 .4 .6, a failure at .4 is outranked by .6 and ties .4: 1.5 / 3.
        let mut h = ScoreHistogram::default();
        for s in [0.1, 0.4, 0.6] {
            h.add(score_bin(s), false);
        }
        assert_eq!(h.passes_above(score_bin(0.4)), 0.5);
        assert_eq!(h.passes_above(score_bin(0.9)), 0.0);
    }

    #[test]
    fn bin_floor_inverts_score_bin() {
        for r in [1e-6, 0.0058, 0.3, 0.5, 0.97] {
            let b = score_bin(r);
            assert!(bin_floor(b) <= r && score_bin(bin_floor(b)) == b, "{r}");
            assert!(bin_floor(b + 1) > r);
        }
        assert_eq!(bin_floor(0), 0.0);
    }

    #[test]
    fn bins_keep_the_order_of_risks() {
        let risks = [0.0, 1e-8, 1e-4, 0.0058, 0.0059, 0.3, 0.5, 0.7, 0.999, 1.0];
        let bins: Vec<u16> = risks.iter().map(|&r| score_bin(r)).collect();
        assert!(bins.windows(2).all(|w| w[0] < w[1]), "{bins:?}");
        assert_eq!(score_bin(f64::NAN), 0);
    }

    #[test]
    fn window_forgets_the_oldest() {
        let mut w = WindowMetrics::new(4);
        w.add(score_bin(0.9), true, true);
        w.add(score_bin(0.1), false, false);
        assert_eq!(w.auc(), 1.0);
        for _ in 0..3 {
            w.add(score_bin(0.8), true, false);
        }
        // The failure has left the window.
        assert_eq!(w.confusion().true_positives, 0);
        assert_eq!(w.confusion().false_positives, 3);
        assert!(w.auc().is_nan());
        assert_eq!(w.len(), 4);
    }
}
