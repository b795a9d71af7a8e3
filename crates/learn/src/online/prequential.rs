//! The stream: prequential (test-then-train) evaluation with alerts.
//!
//! For each part, in arrival order, [`Prequential::process`]:
//! 1. learns the labels that have become available (those of parts `label_delay` parts or time
//!    units older), scoring each against the risk and alert it got when it arrived: streaming
//!    metrics, the threshold's window, the baselines and the drift detector are fed then;
//! 2. scores the part with the model, which has not seen its label, and raises an [`Alert`] when
//!    the risk reaches the threshold in force (chosen from earlier labels only);
//! 3. holds the part until its label is due (at once with no delay).
//!
//! The detector watches the stream of errors (1 when the alert decision and the outcome
//! differ); a detection is recorded and, unless told otherwise, restarts or retrains the model
//! and clears the threshold's window. Beside the model, two naive baselines are scored on the
//! same parts: always-pass (never alert) and rate-based (alert at random, seeded, at the
//! failure rate seen so far, whose risk is that rate).

use super::drift::{Change, Detector, DetectorParams};
use super::error::{check_range, invalid, OnlineError};
use super::hoeffding::HoeffdingParams;
use super::logistic::LogisticParams;
use super::metrics::{score_bin, Confusion, ScoreHistogram, WindowMetrics};
use super::page_hinkley::{Direction, PageHinkleyParams};
use super::rows::RowQueue;
use super::threshold::{Threshold, ThresholdParams};
use super::windowed::WindowedParams;
use super::{OnlineModel, Row};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Which model scores the stream, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ModelParams {
    /// Online logistic regression.
    Logistic(LogisticParams),
    /// Hoeffding tree.
    Hoeffding(HoeffdingParams),
    /// Boosted trees retrained on a sliding window.
    WindowedGbdt(WindowedParams),
}

impl Default for ModelParams {
    /// The model that scored best (Matthews correlation) on the generated Bosch stream whose
    /// defect rule changes half-way (`examples/stream_bench.rs`; `tests/stream_drift.rs` holds
    /// it to it): boosted trees on a sliding window.
    fn default() -> Self {
        ModelParams::WindowedGbdt(WindowedParams::default())
    }
}

impl ModelParams {
    /// Checks the chosen model's settings.
    pub fn check(&self) -> Result<(), OnlineError> {
        match self {
            ModelParams::Logistic(p) => p.check(),
            ModelParams::Hoeffding(p) => p.check(),
            ModelParams::WindowedGbdt(p) => p.check(),
        }
    }

    /// The model, for parts of `n_features` measurements.
    pub fn build(&self, n_features: usize) -> Result<Box<dyn OnlineModel>, OnlineError> {
        Ok(match self {
            ModelParams::Logistic(p) => Box::new(p.build(n_features)?),
            ModelParams::Hoeffding(p) => Box::new(p.build(n_features)?),
            ModelParams::WindowedGbdt(p) => Box::new(p.build(n_features)?),
        })
    }
}

/// When a part's label becomes available.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LabelDelay {
    /// This many parts later (0: at once, before the next part is scored).
    Parts {
        /// The count.
        count: u64,
    },
    /// This much time later (in the parts' time unit).
    Time {
        /// The length.
        length: f64,
    },
}

/// What the drift detector watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DriftSignal {
    /// For each failure, the share of the recent passes (the metrics window) that the model
    /// ranked at least as high: near 0 while the model knows what makes parts fail, near 0.5
    /// once it does not. It does not move with the alert threshold, which the MCC-seeking
    /// threshold moves often, nor with calibration; only failures feed it.
    #[default]
    FailureRank,
    /// For each labelled part, 1 when the alert decision was wrong, else 0 (the classic error
    /// stream, River's); it moves with the threshold.
    AlertErrors,
}

/// Settings of a stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StreamParams {
    /// The model.
    pub model: ModelParams,
    /// The alert threshold.
    pub threshold: ThresholdParams,
    /// When labels arrive.
    pub label_delay: LabelDelay,
    /// The drift detector. The default, Page-Hinkley (rises only) on the failures' ranks with a
    /// tolerance of 0.1 and a threshold of 4, found the generated streams' rule change within
    /// 1,000 to 4,000 parts (about 6 to 25 failures) with no false alarm, where ADWIN at
    /// River's confidence (0.002), or 0.05, needed more failures than the change lasted. A
    /// tolerance of 0.05 raised false drifts on the full-size stream: about one failure in ten
    /// is missed by chance (ranked among the passes), and over 3,500 failures such misses
    /// cluster; at 0.1 the largest excursion before the change is 3.15 of the 4
    /// (`tests/drift_full_size.rs`).
    pub detector: DetectorParams,
    /// What it watches.
    pub drift_signal: DriftSignal,
    /// Whether a detected drift restarts or retrains the model (else it is only reported).
    /// Only a rise of the error rate counts as a drift: a model that gets better is not reset.
    pub adapt_on_drift: bool,
    /// Labelled parts learned before errors are fed to the detector: a young model's error rate
    /// falls as it learns, which is no drift.
    pub drift_grace: u64,
    /// Labelled parts of the moving-window metrics.
    pub metrics_window: usize,
    /// Measurements named in each alert.
    pub top_measurements: usize,
    /// Latest alerts kept for the report.
    pub keep_alerts: usize,
    /// A timeline point every this many labelled parts (doubled as the stream grows, so that at
    /// most 2,048 points are kept).
    pub timeline_every: u64,
    /// Seed of the rate-based baseline.
    pub seed: u64,
}

impl Default for StreamParams {
    fn default() -> Self {
        StreamParams {
            model: ModelParams::default(),
            threshold: ThresholdParams::default(),
            label_delay: LabelDelay::Parts { count: 0 },
            detector: DetectorParams::PageHinkley(PageHinkleyParams {
                delta: 0.1,
                threshold: 4.0,
                direction: Direction::Up,
                ..PageHinkleyParams::default()
            }),
            drift_signal: DriftSignal::FailureRank,
            adapt_on_drift: true,
            drift_grace: 10_000,
            metrics_window: 20_000,
            top_measurements: 5,
            keep_alerts: 1_000,
            timeline_every: 1_000,
            seed: 42,
        }
    }
}

impl StreamParams {
    /// Checks every field, the model's, threshold's and detector's included.
    pub fn check(&self) -> Result<(), OnlineError> {
        self.model.check()?;
        self.threshold.check()?;
        self.detector.check()?;
        if let LabelDelay::Time { length } = self.label_delay {
            check_range(
                "label_delay",
                length,
                0.0,
                f64::MAX,
                false,
                "a time length >= 0",
            )?;
        }
        if self.metrics_window == 0 {
            return Err(invalid("metrics_window", 0, "at least 1"));
        }
        if self.timeline_every == 0 {
            return Err(invalid("timeline_every", 0, "at least 1"));
        }
        Ok(())
    }
}

/// One part of the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part<'a> {
    /// The part's id (Bosch's `Id`).
    pub id: u64,
    /// Its time; must not decrease along the stream when the label delay is in time units.
    pub time: f64,
    /// Indices of its non-empty measurements.
    pub features: &'a [u32],
    /// Their values.
    pub values: &'a [f32],
    /// Its outcome, if known (it is learned after the delay); `None`: scored only.
    pub failed: Option<bool>,
}

/// A measurement named in an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertMeasurement {
    /// The measurement's column name.
    pub name: String,
    /// Its value.
    pub value: f32,
    /// How much it pushed the risk up (log-odds for the logistic, risk for trees).
    pub push: f64,
}

/// A part whose risk reached the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// The part's id.
    pub id: u64,
    /// Its time.
    pub time: f64,
    /// Its 0-based position in the stream.
    pub index: u64,
    /// Its risk.
    pub risk: f64,
    /// The threshold in force.
    pub threshold: f64,
    /// The measurements that pushed the risk up most.
    pub measurements: Vec<AlertMeasurement>,
    /// Whether the part failed, once its label has arrived: a true or a false alert.
    pub failed: Option<bool>,
}

/// What the stream says of a part as it arrives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scored {
    /// Its risk of failure, in [0, 1].
    pub risk: f64,
    /// The alert, if the risk reached the threshold.
    pub alert: Option<Alert>,
}

/// A drift found on the error stream.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftEvent {
    /// Position in the stream of the part being processed when the label that tipped the
    /// detector arrived.
    pub index: u64,
    /// That part's time.
    pub time: f64,
    /// Position of the part whose label tipped the detector.
    pub labelled_index: u64,
}

/// Metrics of a set of parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    /// Matthews correlation of the alerts (the competition's metric).
    pub mcc: f64,
    /// Area under the ROC curve of the risks (`NaN` while one class is absent).
    pub auc: f64,
    /// Share of alerts that were failures.
    pub precision: f64,
    /// Share of failures alerted.
    pub recall: f64,
    /// The counts behind them.
    pub confusion: Confusion,
}

impl Quality {
    fn of(confusion: &Confusion, auc: f64) -> Quality {
        Quality {
            mcc: confusion.mcc(),
            auc,
            precision: confusion.precision(),
            recall: confusion.recall(),
            confusion: *confusion,
        }
    }
}

/// The state of the stream at one point, for the page's charts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePoint {
    /// Parts processed.
    pub parts: u64,
    /// Time of the last part.
    pub time: f64,
    /// Threshold in force (`None`: no part alerts).
    pub threshold: Option<f64>,
    /// Metrics over the moving window.
    pub window: Quality,
    /// Alerts so far.
    pub alerts: u64,
}

/// Everything the stream measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamReport {
    /// The model's name.
    pub model: &'static str,
    /// Parts processed.
    pub parts: u64,
    /// Parts whose label has been learned and scored.
    pub labelled: u64,
    /// Failures among them.
    pub failures: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// The model over the whole stream.
    pub overall: Quality,
    /// The model over the last `metrics_window` labelled parts.
    pub window: Quality,
    /// Never alert.
    pub always_pass: Quality,
    /// Alert at random at the failure rate seen so far.
    pub rate_based: Quality,
    /// The threshold in force (`None`: no part alerts, the model has not shown enough skill).
    pub threshold: Option<f64>,
    /// Drifts detected.
    pub drifts: Vec<DriftEvent>,
    /// The latest alerts, oldest first.
    pub latest_alerts: Vec<Alert>,
    /// The stream over time.
    pub timeline: Vec<TimelinePoint>,
}

/// A part whose label has just been learned, with what the stream said of it when it arrived:
/// what a caller writes out part by part ([`Prequential::take_labelled`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Labelled {
    /// Its 0-based position in the stream.
    pub index: u64,
    /// Its id.
    pub id: u64,
    /// Its time.
    pub time: f64,
    /// Its risk at arrival.
    pub risk: f64,
    /// Whether it raised an alert.
    pub alerted: bool,
    /// Whether it failed.
    pub failed: bool,
}

/// What is held of a part until its label arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pending {
    index: u64,
    id: u64,
    risk: f64,
    alerted: bool,
    baseline_risk: f64,
    baseline_alerted: bool,
    failed: bool,
}

/// A threshold as reported: `None` for "no alert".
fn finite(threshold: f64) -> Option<f64> {
    threshold.is_finite().then_some(threshold)
}

/// Most timeline points kept.
const TIMELINE_POINTS: usize = 2_048;

/// A running stream: see the module documentation.
pub struct Prequential {
    params: StreamParams,
    names: Vec<String>,
    model: Box<dyn OnlineModel>,
    threshold: Threshold,
    detector: Option<Detector>,
    pending: RowQueue<Pending>,
    rng: ChaCha8Rng,
    parts: u64,
    labelled: u64,
    failures: u64,
    alerts: u64,
    confusion: Confusion,
    histogram: ScoreHistogram,
    window: WindowMetrics,
    pass_confusion: Confusion,
    pass_histogram: ScoreHistogram,
    rate_confusion: Confusion,
    rate_histogram: ScoreHistogram,
    drifts: Vec<DriftEvent>,
    latest_alerts: VecDeque<Alert>,
    timeline: Vec<TimelinePoint>,
    timeline_every: u64,
    now: (u64, f64),
    /// Parts labelled since [`Prequential::take_labelled`], when a caller asked for them.
    labelled_out: Option<Vec<Labelled>>,
}

impl Prequential {
    /// A stream over parts whose measurements are named `feature_names` (indices into it).
    pub fn new(
        params: &StreamParams,
        feature_names: Vec<String>,
    ) -> Result<Prequential, OnlineError> {
        params.check()?;
        Ok(Prequential {
            model: params.model.build(feature_names.len())?,
            names: feature_names,
            threshold: Threshold::new(&params.threshold)?,
            detector: params.detector.build()?,
            pending: RowQueue::new(),
            rng: ChaCha8Rng::seed_from_u64(params.seed),
            parts: 0,
            labelled: 0,
            failures: 0,
            alerts: 0,
            confusion: Confusion::default(),
            histogram: ScoreHistogram::default(),
            window: WindowMetrics::new(params.metrics_window),
            pass_confusion: Confusion::default(),
            pass_histogram: ScoreHistogram::default(),
            rate_confusion: Confusion::default(),
            rate_histogram: ScoreHistogram::default(),
            drifts: Vec::new(),
            latest_alerts: VecDeque::new(),
            timeline: Vec::new(),
            timeline_every: params.timeline_every,
            now: (0, f64::NEG_INFINITY),
            labelled_out: None,
            params: params.clone(),
        })
    }

    /// Processes the next part: learns the labels now due, scores the part, and returns its
    /// risk, with an alert if the risk reaches the threshold.
    pub fn process(&mut self, part: Part) -> Scored {
        let index = self.parts;
        self.parts += 1;
        self.now = (index, part.time);
        self.release_due();
        let row = Row {
            time: part.time,
            features: part.features,
            values: part.values,
        };
        let risk = self.model.score(row);
        let threshold = self.threshold.value();
        let alerted = self.threshold.decide(risk);
        let alert = alerted.then(|| {
            let top = self.model.explain(row, self.params.top_measurements);
            Alert {
                id: part.id,
                time: part.time,
                index,
                risk,
                threshold,
                measurements: top
                    .into_iter()
                    .map(|c| AlertMeasurement {
                        name: self.names[c.feature as usize].clone(),
                        value: c.value,
                        push: c.push,
                    })
                    .collect(),
                failed: None,
            }
        });
        if let Some(a) = &alert {
            self.alerts += 1;
            if self.params.keep_alerts > 0 {
                if self.latest_alerts.len() == self.params.keep_alerts {
                    self.latest_alerts.pop_front();
                }
                self.latest_alerts.push_back(a.clone());
            }
        }
        if let Some(failed) = part.failed {
            let baseline_risk = (self.failures as f64 + 0.5) / (self.labelled as f64 + 1.0);
            let baseline_alerted = self.rng.random::<f64>() < baseline_risk;
            let pending = Pending {
                index,
                id: part.id,
                risk,
                alerted,
                baseline_risk,
                baseline_alerted,
                failed,
            };
            if self.pending.is_empty() && self.due(index, part.time, index, part.time) {
                // Labelled at once (no delay): learnt from the row at hand, not from a copy
                // queued and taken out again.
                self.model.learn(row, failed);
                self.learnt(pending, part.time);
            } else {
                self.pending.push(row, pending);
                self.release_due();
            }
        }
        Scored { risk, alert }
    }

    /// Learns and scores every label still held (at the end of a stream whose labels are all
    /// known), and returns the report.
    pub fn finish(&mut self) -> StreamReport {
        while !self.pending.is_empty() {
            self.release_one();
        }
        self.report()
    }

    /// Parts processed so far.
    pub fn parts(&self) -> u64 {
        self.parts
    }

    /// Keeps, from now on, each part whose label is learned, for [`Prequential::take_labelled`].
    pub fn keep_labelled(&mut self) {
        self.labelled_out.get_or_insert_with(Vec::new);
    }

    /// Moves the parts labelled since the last call, in stream order, to the end of `into`
    /// (none unless [`Prequential::keep_labelled`] was called). A caller that reuses `into`
    /// allocates nothing per part.
    pub fn take_labelled(&mut self, into: &mut Vec<Labelled>) {
        if let Some(out) = &mut self.labelled_out {
            into.append(out);
        }
    }

    /// The model over the whole stream so far (what [`Prequential::report`] says, without
    /// copying its lists).
    pub fn overall(&self) -> Quality {
        Quality::of(&self.confusion, self.histogram.auc())
    }

    /// The model over the last `metrics_window` labelled parts.
    pub fn window(&self) -> Quality {
        Quality::of(self.window.confusion(), self.window.auc())
    }

    /// The naive baselines over the whole stream: always-pass, then rate-based.
    pub fn baselines(&self) -> (Quality, Quality) {
        (
            Quality::of(&self.pass_confusion, self.pass_histogram.auc()),
            Quality::of(&self.rate_confusion, self.rate_histogram.auc()),
        )
    }

    /// Labelled parts, failures among them and alerts raised so far.
    pub fn counts(&self) -> (u64, u64, u64) {
        (self.labelled, self.failures, self.alerts)
    }

    /// The drifts detected so far.
    pub fn drifts(&self) -> &[DriftEvent] {
        &self.drifts
    }

    /// The stream over time so far (at most 2,048 points).
    pub fn timeline(&self) -> &[TimelinePoint] {
        &self.timeline
    }

    /// The latest alerts, oldest first.
    pub fn latest_alerts(&self) -> impl DoubleEndedIterator<Item = &Alert> + ExactSizeIterator {
        self.latest_alerts.iter()
    }

    /// Times the threshold's flood guard moved the cut.
    pub fn floods(&self) -> u64 {
        self.threshold.floods()
    }

    /// The threshold in force (infinite when no part alerts).
    pub fn threshold(&self) -> f64 {
        self.threshold.value()
    }

    /// The model, to inspect.
    pub fn model(&self) -> &dyn OnlineModel {
        self.model.as_ref()
    }

    /// What the stream has measured so far.
    pub fn report(&self) -> StreamReport {
        StreamReport {
            model: self.model.name(),
            parts: self.parts,
            labelled: self.labelled,
            failures: self.failures,
            alerts: self.alerts,
            overall: Quality::of(&self.confusion, self.histogram.auc()),
            window: Quality::of(self.window.confusion(), self.window.auc()),
            always_pass: Quality::of(&self.pass_confusion, self.pass_histogram.auc()),
            rate_based: Quality::of(&self.rate_confusion, self.rate_histogram.auc()),
            threshold: finite(self.threshold.value()),
            drifts: self.drifts.clone(),
            latest_alerts: self.latest_alerts.iter().cloned().collect(),
            timeline: self.timeline.clone(),
        }
    }

    fn release_due(&mut self) {
        let (index, time) = self.now;
        while let Some(front) = self.pending.front() {
            if !self.due(front.tag.index, front.time, index, time) {
                return;
            }
            self.release_one();
        }
    }

    /// Whether the label of the part at (`index`, `time`) has arrived by part (`now_index`,
    /// `now_time`).
    fn due(&self, index: u64, time: f64, now_index: u64, now_time: f64) -> bool {
        match self.params.label_delay {
            LabelDelay::Parts { count } => index + count <= now_index,
            LabelDelay::Time { length } => time + length <= now_time,
        }
    }

    /// Learns the oldest held label and scores the part's risk and alert against it.
    fn release_one(&mut self) {
        let model = &mut self.model;
        let Some((p, time)) = self.pending.pop_with(|row, p| {
            model.learn(row, p.failed);
            (p, row.time)
        }) else {
            return;
        };
        self.learnt(p, time);
    }

    /// Counts a label the model has just learnt (of the part at `time`) in the metrics, the
    /// threshold and the drift detector.
    fn learnt(&mut self, p: Pending, time: f64) {
        self.labelled += 1;
        self.failures += u64::from(p.failed);
        if let Some(out) = &mut self.labelled_out {
            out.push(Labelled {
                index: p.index,
                id: p.id,
                time,
                risk: p.risk,
                alerted: p.alerted,
                failed: p.failed,
            });
        }
        if p.alerted {
            // Alerts are kept in stream order: the one of this part, if still kept.
            let alerts = &mut self.latest_alerts;
            if let Ok(k) = alerts.binary_search_by_key(&p.index, |a| a.index) {
                alerts[k].failed = Some(p.failed);
            }
        }
        let bin = score_bin(p.risk);
        // Before the part joins the window: it is ranked against the passes before it.
        let rank_error = match self.params.drift_signal {
            DriftSignal::FailureRank if p.failed => self.window.histogram().passes_above(bin),
            _ => f64::NAN,
        };
        self.confusion.add(p.alerted, p.failed);
        self.histogram.add(bin, p.failed);
        self.window.add(bin, p.alerted, p.failed);
        self.pass_confusion.add(false, p.failed);
        self.pass_histogram.add(0, p.failed);
        self.rate_confusion.add(p.baseline_alerted, p.failed);
        self.rate_histogram
            .add(score_bin(p.baseline_risk), p.failed);
        self.threshold.observe(p.risk, p.failed);
        let error = match self.params.drift_signal {
            DriftSignal::AlertErrors => Some(f64::from(u8::from(p.alerted != p.failed))),
            DriftSignal::FailureRank => (!rank_error.is_nan()).then_some(rank_error),
        };
        let watched = self.labelled > self.params.drift_grace;
        let change = match (error, self.detector.as_mut()) {
            (Some(e), Some(d)) if watched => d.update(e),
            _ => None,
        };
        if change == Some(Change::Increase) {
            let (index, time) = self.now;
            self.drifts.push(DriftEvent {
                index,
                time,
                labelled_index: p.index,
            });
            if self.params.adapt_on_drift {
                self.model.drift(time);
                self.threshold.forget();
            }
        }
        if self.labelled.is_multiple_of(self.timeline_every) {
            self.timeline.push(TimelinePoint {
                parts: self.parts,
                time: self.now.1,
                threshold: finite(self.threshold.value()),
                window: Quality::of(self.window.confusion(), self.window.auc()),
                alerts: self.alerts,
            });
            if self.timeline.len() >= TIMELINE_POINTS {
                // Keep every other point and space the next ones twice as far.
                let kept: Vec<TimelinePoint> =
                    self.timeline.iter().skip(1).step_by(2).copied().collect();
                self.timeline = kept;
                self.timeline_every *= 2;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that scores what it is told and records what it learns, to check the order of
    /// events.
    struct Scripted {
        risks: VecDeque<f64>,
        learned: Learned,
    }

    impl OnlineModel for Scripted {
        fn score(&mut self, _row: Row) -> f64 {
            self.risks.pop_front().unwrap_or(0.0)
        }
        fn learn(&mut self, row: Row, failed: bool) {
            self.learned.lock().unwrap().push((row.time, failed));
        }
        fn explain(&mut self, row: Row, _k: usize) -> Vec<super::super::Contribution> {
            vec![super::super::Contribution {
                feature: row.features[0],
                value: row.values[0],
                push: 1.0,
            }]
        }
        fn drift(&mut self, _time: f64) {}
        fn name(&self) -> &'static str {
            "scripted"
        }
    }

    /// What the scripted model learned: (time, failed) in order.
    type Learned = std::sync::Arc<std::sync::Mutex<Vec<(f64, bool)>>>;

    /// The times of the parts learned so far.
    fn learned_times(learned: &Learned) -> Vec<f64> {
        learned.lock().unwrap().iter().map(|l| l.0).collect()
    }

    fn stream(delay: LabelDelay, risks: &[f64]) -> (Prequential, Learned) {
        let params = StreamParams {
            label_delay: delay,
            threshold: ThresholdParams {
                rule: super::super::ThresholdRule::Fixed { risk: 0.5 },
                ..ThresholdParams::default()
            },
            detector: DetectorParams::None,
            timeline_every: 2,
            ..StreamParams::default()
        };
        let mut s = Prequential::new(&params, vec!["a".into(), "b".into()]).unwrap();
        let learned = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        s.model = Box::new(Scripted {
            risks: risks.iter().copied().collect(),
            learned: learned.clone(),
        });
        (s, learned)
    }

    #[test]
    fn labels_arrive_after_the_delay_and_metrics_use_the_risk_at_arrival() {
        let risks = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3];
        let outcomes = [true, false, false, false, true, true];
        let (mut s, learned) = stream(LabelDelay::Parts { count: 2 }, &risks);
        s.keep_labelled();
        let mut alerts = Vec::new();
        for (i, &failed) in outcomes.iter().enumerate() {
            let part = Part {
                id: 100 + i as u64,
                time: i as f64,
                features: &[1],
                values: &[3.0],
                failed: Some(failed),
            };
            alerts.extend(s.process(part).alert);
            // Part i's label is learned when part i + 2 arrives.
            assert_eq!(learned.lock().unwrap().len(), i.saturating_sub(1));
        }
        assert_eq!(
            alerts.iter().map(|a| a.id).collect::<Vec<_>>(),
            [100, 102, 104]
        );
        assert_eq!(alerts[0].measurements[0].name, "b");
        // Parts 0 to 3 are labelled by the time part 5 arrives, with their risk at arrival.
        let mut labelled = Vec::new();
        s.take_labelled(&mut labelled);
        assert_eq!(
            labelled
                .iter()
                .map(|l| (l.id, l.risk, l.alerted, l.failed))
                .collect::<Vec<_>>(),
            [
                (100, 0.9, true, true),
                (101, 0.1, false, false),
                (102, 0.8, true, false),
                (103, 0.2, false, false)
            ]
        );
        let report = s.finish();
        labelled.clear();
        s.take_labelled(&mut labelled);
        assert_eq!(labelled.len(), 2);
        // Each kept alert knows its outcome once labelled: a true, a false, a true alert.
        let outcomes: Vec<Option<bool>> = report.latest_alerts.iter().map(|a| a.failed).collect();
        assert_eq!(outcomes, [Some(true), Some(false), Some(true)]);
        assert_eq!(learned_times(&learned), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        // Alerts 100 (failed), 102 (passed), 104 (failed); 105 failed unalerted.
        let c = report.overall.confusion;
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (2, 1, 2, 1)
        );
        // Risks of failures .9 .7 .3 against passes .1 .8 .2: 7 of 9 pairs.
        assert!((report.overall.auc - 7.0 / 9.0).abs() < 1e-12);
        assert_eq!(report.always_pass.mcc, 0.0);
        assert_eq!(report.always_pass.auc, 0.5);
        assert_eq!(
            (
                report.parts,
                report.labelled,
                report.failures,
                report.alerts
            ),
            (6, 6, 3, 3)
        );
        assert_eq!(report.timeline.len(), 3);
    }

    #[test]
    fn delay_in_time_units_and_unlabelled_parts() {
        let (mut s, learned) = stream(LabelDelay::Time { length: 10.0 }, &[0.0; 5]);
        for (t, failed) in [
            (0.0, Some(true)),
            (4.0, None),
            (9.0, Some(false)),
            (10.0, Some(false)),
            (19.5, Some(true)),
        ] {
            s.process(Part {
                id: 1,
                time: t,
                features: &[0],
                values: &[1.0],
                failed,
            });
        }
        // At 19.5 the labels of parts at 0 and 9 are due (0 + 10 <= 19.5, 9 + 10 <= 19.5).
        assert_eq!(learned_times(&learned), [0.0, 9.0]);
        assert_eq!(s.finish().labelled, 4);
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = StreamParams {
            metrics_window: 0,
            ..StreamParams::default()
        };
        assert!(matches!(
            Prequential::new(&bad, vec!["a".into()]),
            Err(OnlineError::InvalidParam {
                name: "metrics_window",
                ..
            })
        ));
        assert!(matches!(
            Prequential::new(&StreamParams::default(), vec![]),
            Err(OnlineError::NoFeatures)
        ));
    }
}
