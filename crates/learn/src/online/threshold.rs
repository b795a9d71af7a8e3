//! The alert threshold: set by the user, or chosen online from the recent labelled parts (no
//! hindsight: a part is judged by the threshold chosen before its label arrived).

use super::error::{check_range, invalid, OnlineError};
use super::metrics::Confusion;
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
    /// The threshold of best Matthews correlation on the recent parts.
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
}

impl Default for ThresholdParams {
    fn default() -> Self {
        ThresholdParams {
            rule: ThresholdRule::MaxMcc,
            window: 20_000,
            every: 500,
            min_failures: 10,
            initial: 0.5,
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
        check_range("initial", self.initial, 0.0, 1.0, false, "a risk in [0, 1]")
    }
}

/// The threshold in force and the recent (risk, failed) pairs it is chosen on.
#[derive(Debug, Clone)]
pub struct Threshold {
    params: ThresholdParams,
    current: f64,
    recent: VecDeque<(f32, bool)>,
    failures: usize,
    since_choice: usize,
    /// Scratch space of the choice, kept to avoid an allocation each time.
    sorted: Vec<(f32, bool)>,
}

impl Threshold {
    /// A threshold with these settings.
    pub fn new(params: &ThresholdParams) -> Result<Threshold, OnlineError> {
        params.check()?;
        let current = match params.rule {
            ThresholdRule::Fixed { risk } => risk,
            _ => params.initial,
        };
        Ok(Threshold {
            params: params.clone(),
            current,
            recent: VecDeque::with_capacity(params.window.min(1 << 20)),
            failures: 0,
            since_choice: 0,
            sorted: Vec::new(),
        })
    }

    /// The threshold in force.
    pub fn value(&self) -> f64 {
        self.current
    }

    /// Records a labelled part's risk (as scored before its label was known).
    pub fn observe(&mut self, risk: f64, failed: bool) {
        if matches!(self.params.rule, ThresholdRule::Fixed { .. }) {
            return;
        }
        if self.recent.len() == self.params.window {
            if let Some((_, f)) = self.recent.pop_front() {
                self.failures -= usize::from(f);
            }
        }
        self.recent.push_back((risk as f32, failed));
        self.failures += usize::from(failed);
        self.since_choice += 1;
        if self.since_choice >= self.params.every && self.failures >= self.params.min_failures {
            self.since_choice = 0;
            self.choose();
        }
    }

    /// Forgets the recorded parts (after a drift, their risks came from a model that has been
    /// reset); the threshold in force stays until enough new failures are in.
    pub fn forget(&mut self) {
        self.recent.clear();
        self.failures = 0;
        self.since_choice = 0;
    }

    fn choose(&mut self) {
        self.sorted.clear();
        self.sorted.extend(self.recent.iter().copied());
        self.sorted.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        if let Some(t) = best_threshold(&self.sorted, self.params.rule) {
            self.current = t;
        }
    }
}

/// The threshold the rule picks on (risk, failed) pairs sorted by decreasing risk: alerts are
/// the parts of risk at least the threshold, which is one of the risks.
fn best_threshold(sorted: &[(f32, bool)], rule: ThresholdRule) -> Option<f64> {
    let failures = sorted.iter().filter(|p| p.1).count() as u64;
    let passes = sorted.len() as u64 - failures;
    let mut c = Confusion {
        true_negatives: passes,
        false_negatives: failures,
        ..Confusion::default()
    };
    let mut best: Option<(f64, f64)> = None;
    let mut i = 0;
    while i < sorted.len() {
        // Parts of equal risk are alerted together.
        let risk = sorted[i].0;
        while i < sorted.len() && sorted[i].0 == risk {
            if sorted[i].1 {
                c.true_positives += 1;
                c.false_negatives -= 1;
            } else {
                c.false_positives += 1;
                c.true_negatives -= 1;
            }
            i += 1;
        }
        match rule {
            ThresholdRule::MaxMcc => {
                let mcc = c.mcc();
                if best.is_none_or(|(m, _)| mcc > m) {
                    best = Some((mcc, f64::from(risk)));
                }
            }
            ThresholdRule::TargetPrecision { precision } => {
                // The lowest threshold reaching the precision, once it catches something.
                if c.true_positives > 0 && c.precision() >= precision {
                    best = Some((0.0, f64::from(risk)));
                }
            }
            ThresholdRule::Fixed { .. } => return None,
        }
    }
    best.map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(pairs: &[(f32, bool)]) -> Vec<(f32, bool)> {
        let mut v = pairs.to_vec();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v
    }

    #[test]
    fn max_mcc_and_target_precision_by_hand() {
        // Risks: failures at .9 .8 .4, passes at .85 .5 .3 .2 .1.
        let pairs = sorted(&[
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
            best_threshold(&pairs, ThresholdRule::MaxMcc),
            Some(0.4f32 as f64)
        );
        // Precision 1 only at .9; 2/3 reached down to .8; 0.6 down to .4.
        let at = |p| best_threshold(&pairs, ThresholdRule::TargetPrecision { precision: p });
        assert_eq!(at(1.0), Some(0.9f32 as f64));
        assert_eq!(at(0.66), Some(0.8f32 as f64));
        assert_eq!(at(0.6), Some(0.4f32 as f64));
        assert_eq!(
            best_threshold(
                &sorted(&[(0.5, false)]),
                ThresholdRule::TargetPrecision { precision: 0.5 }
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
        assert_eq!(t.value(), 0.5);
        // Failures score 0.2, passes 0.1: the best cut is at 0.2.
        for i in 0..100 {
            t.observe(if i % 10 == 0 { 0.2 } else { 0.1 }, i % 10 == 0);
        }
        assert_eq!(t.value(), 0.2f32 as f64);
        // Then failures score 0.7 and passes 0.3; once the old parts leave, the cut moves.
        for i in 0..100 {
            t.observe(if i % 10 == 0 { 0.7 } else { 0.3 }, i % 10 == 0);
        }
        assert_eq!(t.value(), 0.7f32 as f64);
        let fixed = Threshold::new(&ThresholdParams {
            rule: ThresholdRule::Fixed { risk: 0.3 },
            ..params
        })
        .unwrap();
        assert_eq!(fixed.value(), 0.3);
        assert!(Threshold::new(&ThresholdParams {
            window: 0,
            ..ThresholdParams::default()
        })
        .is_err());
    }
}
