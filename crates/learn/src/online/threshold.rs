//! The alert threshold: set by the user, or chosen online from the recent labelled parts (no
//! hindsight: a part is judged by the threshold chosen before its label arrived).

use super::error::{check_range, invalid, OnlineError};
use super::metrics::{bin_floor, score_bin, ScoreHistogram, AUC_BINS};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the threshold is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ThresholdRule {
    /// A fixed risk: alert when the risk is at least this.
    Fixed {
        /// The risk threshold in [0, 1].
        risk: f64,
    },
    /// The lowest threshold whose alerts on the recent parts reach this precision (most
    /// failures caught at that precision).
    TargetPrecision {
        /// The share of alerts that should be failures, in (0, 1].
        precision: f64,
    },
    /// The threshold of best Matthews correlation on the recent parts, if that beats not
    /// alerting at all (whose correlation is 0) by `min_mcc`; else no alert until it does.
    MaxMcc,
}

/// Settings of the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ThresholdParams {
    /// How it is set.
    pub rule: ThresholdRule,
    /// Labelled parts it is chosen on (the most recent).
    pub window: usize,
    /// It is chosen again every this many labelled parts.
    pub every: usize,
    /// Failures the window must hold before a choice replaces `initial`.
    pub min_failures: usize,
    /// The threshold until the first choice.
    pub initial: f64,
    /// With [`ThresholdRule::MaxMcc`], the least correlation on the recent parts for alerts to
    /// be raised: a young model whose best cut correlates by chance raises none.
    pub min_mcc: f64,
}

impl Default for ThresholdParams {
    fn default() -> Self {
        ThresholdParams {
            rule: ThresholdRule::MaxMcc,
            window: 20_000,
            every: 500,
            min_failures: 10,
            initial: 0.5,
            min_mcc: 0.05,
        }
    }
}

impl ThresholdParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), OnlineError> {
        match self.rule {
            ThresholdRule::Fixed { risk } => {
                check_range("risk", risk, 0.0, 1.0, false, "a risk in [0, 1]")?
            }
            ThresholdRule::TargetPrecision { precision } => {
                check_range("precision", precision, 0.0, 1.0, true, "a share in (0, 1]")?
            }
            ThresholdRule::MaxMcc => {}
        }
        if self.window == 0 {
            return Err(invalid("window", 0, "at least 1"));
        }
        if self.every == 0 {
            return Err(invalid("every", 0, "at least 1"));
        }
        check_range("initial", self.initial, 0.0, 1.0, false, "a risk in [0, 1]")?;
        check_range(
            "min_mcc",
            self.min_mcc,
            0.0,
            1.0,
            false,
            "a correlation in [0, 1]",
        )
    }
}

/// The threshold in force and the recent labelled parts it is chosen on, as a histogram of
/// their risks ([`ScoreHistogram`]'s bins, 0.25 % apart in odds), so that a choice costs one
/// sweep of the bins however long the window is. A chosen threshold is a bin: a part alerts
/// when its risk falls in that bin or above.
#[derive(Debug, Clone)]
pub struct Threshold {
    params: ThresholdParams,
    /// A user-set risk, compared as is.
    fixed: Option<f64>,
    /// The chosen bin.
    bin: u16,
    recent: VecDeque<(u16, bool)>,
    histogram: ScoreHistogram,
    since_choice: usize,
}

impl Threshold {
    /// A threshold with these settings.
    pub fn new(params: &ThresholdParams) -> Result<Threshold, OnlineError> {
        params.check()?;
        let fixed = match params.rule {
            ThresholdRule::Fixed { risk } => Some(risk),
            _ => None,
        };
        Ok(Threshold {
            params: params.clone(),
            fixed,
            bin: score_bin(params.initial),
            recent: VecDeque::with_capacity(params.window.min(1 << 20)),
            histogram: ScoreHistogram::default(),
            since_choice: 0,
        })
    }

    /// The threshold in force, as a risk (above 1 when no part alerts).
    pub fn value(&self) -> f64 {
        match (self.fixed, self.bin) {
            (Some(t), _) => t,
            (None, SILENT) => f64::INFINITY,
            (None, bin) => bin_floor(bin),
        }
    }

    /// Whether a part of this risk raises an alert.
    pub fn alerts(&self, risk: f64) -> bool {
        match self.fixed {
            Some(t) => risk >= t,
            None => score_bin(risk) >= self.bin,
        }
    }

    /// Records a labelled part's risk (as scored before its label was known).
    pub fn observe(&mut self, risk: f64, failed: bool) {
        if self.fixed.is_some() {
            return;
        }
        if self.recent.len() == self.params.window {
            if let Some((b, f)) = self.recent.pop_front() {
                self.histogram.remove(b, f);
            }
        }
        let bin = score_bin(risk);
        self.recent.push_back((bin, failed));
        self.histogram.add(bin, failed);
        self.since_choice += 1;
        let failures = self.histogram.counts().0 as usize;
        if self.since_choice >= self.params.every && failures >= self.params.min_failures {
            self.since_choice = 0;
            if let Some(bin) = best_cut(&self.histogram, self.params.rule, self.params.min_mcc) {
                self.bin = bin;
            }
        }
    }

    /// Forgets the recorded parts (after a drift, their risks came from a model that has been
    /// reset); the threshold in force stays until enough new failures are in.
    pub fn forget(&mut self) {
        while let Some((b, f)) = self.recent.pop_front() {
            self.histogram.remove(b, f);
        }
        self.since_choice = 0;
    }
}

/// A bin above every risk: no alert.
const SILENT: u16 = AUC_BINS as u16;

/// The bin the rule picks: alerts are the parts of that bin and above ([`SILENT`]: none).
fn best_cut(histogram: &ScoreHistogram, rule: ThresholdRule, min_mcc: f64) -> Option<u16> {
    let mut best: Option<(f64, u16)> = match rule {
        ThresholdRule::MaxMcc => Some((min_mcc, SILENT)),
        _ => None,
    };
    for (bin, c) in histogram.cuts() {
        match rule {
            ThresholdRule::MaxMcc => {
                let mcc = c.mcc();
                if best.is_none_or(|(m, _)| mcc > m) {
                    best = Some((mcc, bin));
                }
            }
            ThresholdRule::TargetPrecision { precision } => {
                // The lowest cut reaching the precision, once it catches something.
                if c.true_positives > 0 && c.precision() >= precision {
                    best = Some((0.0, bin));
                }
            }
            ThresholdRule::Fixed { .. } => return None,
        }
    }
    best.map(|(_, bin)| bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(pairs: &[(f64, bool)]) -> ScoreHistogram {
        let mut h = ScoreHistogram::default();
        for &(r, f) in pairs {
            h.add(score_bin(r), f);
        }
        h
    }

    #[test]
    fn max_mcc_and_target_precision_by_hand() {
        // Risks: failures at .9 .8 .4, passes at .85 .5 .3 .2 .1.
        let h = histogram(&[
            (0.9, true),
            (0.85, false),
            (0.8, true),
            (0.5, false),
            (0.4, true),
            (0.3, false),
            (0.2, false),
            (0.1, false),
        ]);
        // At .8: tp 2 fp 1 tn 4 fn 1: (8 - 1) / sqrt(3 * 3 * 5 * 5) = 7/15; at .4: tp 3 fp 2
        // tn 3 fn 0: 9 / sqrt(5 * 3 * 5 * 3) = 9/15, the best cut.
        assert_eq!(
            best_cut(&h, ThresholdRule::MaxMcc, 0.05),
            Some(score_bin(0.4))
        );
        // Unless the best correlation is below the least asked for: no alert.
        assert_eq!(best_cut(&h, ThresholdRule::MaxMcc, 0.61), Some(SILENT));
        // Precision 1 only at .9; 2/3 reached down to .8; 0.6 down to .4.
        let at = |p| best_cut(&h, ThresholdRule::TargetPrecision { precision: p }, 0.0);
        assert_eq!(at(1.0), Some(score_bin(0.9)));
        assert_eq!(at(0.66), Some(score_bin(0.8)));
        assert_eq!(at(0.6), Some(score_bin(0.4)));
        let passes_only = histogram(&[(0.5, false)]);
        assert_eq!(
            best_cut(
                &passes_only,
                ThresholdRule::TargetPrecision { precision: 0.5 },
                0.0
            ),
            None
        );
    }

    #[test]
    fn chosen_online_from_the_recent_window_only() {
        let params = ThresholdParams {
            window: 100,
            every: 10,
            min_failures: 2,
            ..ThresholdParams::default()
        };
        let mut t = Threshold::new(&params).unwrap();
        assert!(t.alerts(0.5) && !t.alerts(0.49));
        // Failures score 0.2, passes 0.1: the best cut is at 0.2.
        for i in 0..100 {
            t.observe(if i % 10 == 0 { 0.2 } else { 0.1 }, i % 10 == 0);
        }
        assert!(t.alerts(0.2) && !t.alerts(0.1));
        assert!(t.value() <= 0.2 && t.value() > 0.199);
        // Then failures score 0.7 and passes 0.3; once the old parts leave, the cut moves.
        for i in 0..100 {
            t.observe(if i % 10 == 0 { 0.7 } else { 0.3 }, i % 10 == 0);
        }
        assert!(t.alerts(0.7) && !t.alerts(0.3));
        let fixed = Threshold::new(&ThresholdParams {
            rule: ThresholdRule::Fixed { risk: 0.3 },
            ..params
        })
        .unwrap();
        assert_eq!(fixed.value(), 0.3);
        assert!(fixed.alerts(0.3) && !fixed.alerts(0.2999));
        assert!(Threshold::new(&ThresholdParams {
            window: 0,
            ..ThresholdParams::default()
        })
        .is_err());
    }
}
