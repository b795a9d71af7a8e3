//! The alert threshold: set by the user, or chosen online from the recent labelled parts (no
//! hindsight: a part is judged by the threshold chosen before its label arrived).

use super::error::{check_range, invalid, OnlineError};
use super::metrics::{bin_floor, score_bin, Confusion, ScoreHistogram, AUC_BINS};
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
    /// The threshold until the first choice; `None`: no alert until then. A model that has
    /// seen no label scores every part alike (the stream's first parts, or all the parts of a
    /// long label delay), so any initial risk either never alerts or alerts on every part.
    pub initial: Option<f64>,
    /// With [`ThresholdRule::MaxMcc`], the least correlation on the recent parts for alerts to
    /// be raised: a young model whose best cut correlates by chance raises none.
    pub min_mcc: f64,
    /// With [`ThresholdRule::MaxMcc`], the most alerts per failure a cut may raise on the
    /// window: on a few failures (after a drift, early on) the best correlation may come from a
    /// cut alerting on nearly half the parts, a feed of false alerts nobody reads.
    pub max_alerts_per_failure: f64,
    /// The flood guard: when more than this many times the share of parts the chosen cut
    /// alerted on its window alert among the last `flood_window` arrivals, the cut is moved to
    /// alert on that share of those arrivals (0: no guard). See [`Threshold`].
    pub flood_factor: f64,
    /// Arrivals the flood guard counts alerts over.
    pub flood_window: usize,
}

impl Default for ThresholdParams {
    fn default() -> Self {
        ThresholdParams {
            rule: ThresholdRule::MaxMcc,
            window: 20_000,
            every: 500,
            min_failures: 10,
            initial: None,
            min_mcc: 0.05,
            max_alerts_per_failure: 10.0,
            flood_factor: 5.0,
            flood_window: 2_000,
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
        if self.flood_window == 0 {
            return Err(invalid("flood_window", 0, "at least 1"));
        }
        if let Some(initial) = self.initial {
            check_range("initial", initial, 0.0, 1.0, false, "a risk in [0, 1]")?;
        }
        check_range(
            "max_alerts_per_failure",
            self.max_alerts_per_failure,
            0.0,
            f64::MAX,
            true,
            "a count > 0",
        )?;
        check_range(
            "flood_factor",
            self.flood_factor,
            0.0,
            f64::MAX,
            false,
            "a factor >= 0",
        )?;
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
///
/// The flood guard. A cut is chosen on risks that earlier models gave; a model retrained since
/// (the windowed boosting retrains every few thousand parts, and at once after a drift on a few
/// parts) may score most parts above it, and every part would alert until the next choice. So
/// the threshold also counts the alerts among the last `flood_window` parts scored: when they
/// exceed `flood_factor` times the share the cut alerted on its labelled window, the cut moves
/// up to alert on that share of those recent parts (the same alert rate, on the risks of the
/// model in force). A failure burst raising alerts up to `flood_factor` times is let through.
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
    /// Share of its window's parts the chosen cut alerted (NaN before a choice).
    chosen_share: f64,
    /// Bins of the last `flood_window` parts scored, and their counts by bin.
    arrivals: VecDeque<u16>,
    arrival_counts: Vec<u32>,
    /// How many of them are at or above the bin in force.
    arrival_alerts: usize,
    /// Times the guard moved the cut.
    floods: u64,
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
            bin: params.initial.map_or(SILENT, score_bin),
            recent: VecDeque::with_capacity(params.window.min(1 << 20)),
            histogram: ScoreHistogram::default(),
            since_choice: 0,
            chosen_share: f64::NAN,
            arrivals: VecDeque::with_capacity(params.flood_window.min(1 << 20)),
            arrival_counts: vec![0; AUC_BINS],
            arrival_alerts: 0,
            floods: 0,
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

    /// Times the flood guard moved the cut.
    pub fn floods(&self) -> u64 {
        self.floods
    }

    /// Decides on a part as it arrives (before its label): whether it alerts. Counts it for
    /// the flood guard, which may move the cut first.
    pub fn decide(&mut self, risk: f64) -> bool {
        if self.fixed.is_some() {
            return self.alerts(risk);
        }
        let bin = score_bin(risk);
        if self.arrivals.len() == self.params.flood_window {
            if let Some(old) = self.arrivals.pop_front() {
                self.arrival_counts[old as usize] -= 1;
                self.arrival_alerts -= usize::from(old >= self.bin);
            }
        }
        self.arrivals.push_back(bin);
        self.arrival_counts[bin as usize] += 1;
        self.arrival_alerts += usize::from(bin >= self.bin);
        self.guard();
        bin >= self.bin
    }

    /// Moves the cut up when the recent parts alert far more often than the chosen share.
    fn guard(&mut self) {
        let n = self.arrivals.len();
        let share = self.chosen_share;
        if self.params.flood_factor == 0.0 || share.is_nan() || self.bin == SILENT {
            return;
        }
        // Half a window at least, and a handful of alerts, before calling it a flood.
        let allowed = (self.params.flood_factor * share * n as f64).max(5.0);
        if 2 * n < self.params.flood_window || (self.arrival_alerts as f64) <= allowed {
            return;
        }
        // On the latest quarter of them, which a recent model change has scored: the lowest
        // bin whose parts at or above it are at most the chosen share.
        let latest = (n / 4).max(1);
        let mut counts = vec![0u32; AUC_BINS];
        for &b in self.arrivals.iter().skip(n - latest) {
            counts[b as usize] += 1;
        }
        let keep = (share * latest as f64).floor() as usize;
        let (mut above, mut cut) = (0usize, SILENT);
        for b in (0..AUC_BINS).rev() {
            let c = counts[b] as usize;
            if above + c > keep {
                break;
            }
            above += c;
            cut = b as u16;
        }
        if cut > self.bin {
            self.set_bin(cut);
            self.floods += 1;
        }
    }

    /// Puts `bin` in force and recounts the recent arrivals it alerts.
    fn set_bin(&mut self, bin: u16) {
        self.bin = bin;
        self.arrival_alerts = self.arrival_counts[bin as usize..]
            .iter()
            .map(|&c| c as usize)
            .sum();
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
            if let Some((bin, share)) = best_cut(&self.histogram, &self.params) {
                self.set_bin(bin);
                self.chosen_share = share;
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

/// The bin the rule picks: alerts are the parts of that bin and above ([`SILENT`]: none), with
/// the share of the histogram's parts it alerts.
fn best_cut(histogram: &ScoreHistogram, params: &ThresholdParams) -> Option<(u16, f64)> {
    let mut best: Option<(f64, u16, Confusion)> = match params.rule {
        ThresholdRule::MaxMcc => Some((params.min_mcc, SILENT, Confusion::default())),
        _ => None,
    };
    let failures = histogram.counts().0 as f64;
    for (bin, c) in histogram.cuts() {
        match params.rule {
            ThresholdRule::MaxMcc => {
                let alerts = (c.true_positives + c.false_positives) as f64;
                if alerts > params.max_alerts_per_failure * failures {
                    // Lower cuts alert on more parts still.
                    break;
                }
                let mcc = c.mcc();
                if best.is_none_or(|(m, _, _)| mcc > m) {
                    best = Some((mcc, bin, c));
                }
            }
            ThresholdRule::TargetPrecision { precision } => {
                // The lowest cut reaching the precision, once it catches something.
                if c.true_positives > 0 && c.precision() >= precision {
                    best = Some((0.0, bin, c));
                }
            }
            ThresholdRule::Fixed { .. } => return None,
        }
    }
    best.map(|(_, bin, c)| {
        let alerted = c.true_positives + c.false_positives;
        (bin, alerted as f64 / c.total().max(1) as f64)
    })
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
        let rule = |rule, min_mcc, max_alerts_per_failure| ThresholdParams {
            rule,
            min_mcc,
            max_alerts_per_failure,
            ..ThresholdParams::default()
        };
        // It alerts 5 of the 8 parts.
        assert_eq!(
            best_cut(&h, &rule(ThresholdRule::MaxMcc, 0.05, 10.0)),
            Some((score_bin(0.4), 5.0 / 8.0))
        );
        // Unless the best correlation is below the least asked for: no alert.
        assert_eq!(
            best_cut(&h, &rule(ThresholdRule::MaxMcc, 0.61, 10.0)),
            Some((SILENT, 0.0))
        );
        // Nor when it alerts more parts per failure than allowed (5 for 3 failures): the best
        // of the cuts alerting at most 4 parts is at .9 (tp 1 fp 0 tn 5 fn 2: 5 / sqrt(105)).
        assert_eq!(
            best_cut(&h, &rule(ThresholdRule::MaxMcc, 0.05, 1.5)),
            Some((score_bin(0.9), 1.0 / 8.0))
        );
        // Precision 1 only at .9; 2/3 reached down to .8; 0.6 down to .4.
        let at = |p| {
            best_cut(
                &h,
                &rule(ThresholdRule::TargetPrecision { precision: p }, 0.0, 1.0),
            )
            .map(|(bin, _)| bin)
        };
        assert_eq!(at(1.0), Some(score_bin(0.9)));
        assert_eq!(at(0.66), Some(score_bin(0.8)));
        assert_eq!(at(0.6), Some(score_bin(0.4)));
        let passes_only = histogram(&[(0.5, false)]);
        assert_eq!(
            best_cut(
                &passes_only,
                &rule(ThresholdRule::TargetPrecision { precision: 0.5 }, 0.0, 1.0)
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
        // No alert before the first choice, unless an initial threshold is set.
        assert!(!t.alerts(1.0) && t.value().is_infinite());
        let initial = Threshold::new(&ThresholdParams {
            initial: Some(0.5),
            ..params.clone()
        })
        .unwrap();
        assert!(initial.alerts(0.5) && !initial.alerts(0.49));
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

    #[test]
    fn the_flood_guard_holds_the_alert_share_when_the_risks_move() {
        let params = ThresholdParams {
            window: 1_000,
            every: 100,
            min_failures: 5,
            flood_window: 400,
            ..ThresholdParams::default()
        };
        let mut t = Threshold::new(&params).unwrap();
        // A model whose failures (1 in 50) score 0.3 and passes 0.01 to 0.1: cut at 0.3, which
        // alerts 2 % of the parts.
        let pass = |i: u32| 0.01 + 0.09 * f64::from(i * 37 % 97) / 96.0;
        for i in 0..1_000u32 {
            let failed = i % 50 == 0;
            let risk = if failed { 0.3 } else { pass(i) };
            // Chosen once 5 failures are in (part 200), then re-chosen every 100.
            let alerted = t.decide(risk);
            assert!(i <= 300 || alerted == failed, "part {i}");
            t.observe(risk, failed);
        }
        assert_eq!(t.floods(), 0);
        // A retrained model scores every part 5 times higher: most parts now reach the cut.
        // The guard moves it after a few alerts, to about 2 % of recent parts.
        let mut unguarded = t.clone();
        unguarded.params.flood_factor = 0.0;
        let (mut alerts, mut flood) = (0, 0);
        for i in 0..400u32 {
            let failed = i % 50 == 0;
            let risk = (5.0 * if failed { 0.3 } else { pass(i) }).min(1.0);
            alerts += usize::from(t.decide(risk));
            flood += usize::from(unguarded.decide(risk));
        }
        assert!(flood > 150, "{flood} alerts without the guard");
        assert!(t.floods() >= 1);
        assert!(alerts < 50, "{alerts} alerts of 400");
        // The guard never lowers the cut, and a fixed threshold has none.
        let mut fixed = Threshold::new(&ThresholdParams {
            rule: ThresholdRule::Fixed { risk: 0.05 },
            ..params
        })
        .unwrap();
        assert!((0..1_000).all(|_| fixed.decide(0.5)));
        assert_eq!(fixed.floods(), 0);
    }
}
