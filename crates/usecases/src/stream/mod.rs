//! Use case 2.2: will this part fail its conformity test? Bosch's `train_numeric.csv` (or any
//! numeric CSV with a 0/1 target column) is replayed as a stream of parts: each part is scored
//! by an online model before its test result is learned (prequential evaluation, with an
//! optional label delay), an alert is raised when its risk reaches the threshold, and a drift
//! detector watches the errors. The engine is `learn::online`; this module reads the files as a
//! stream ([`crate::streaming`]), in time order when `train_date.csv` is given, and reports.
//!
//! [`session`] is the stream itself, [`report`] what it shows and downloads. With the date file
//! a part's time is the earliest stamp of its stations and the parts are replayed in time order
//! by `learn::online::replay` (a pass over the date file, then one pass over the numeric file
//! per time segment, each segment of at most `replayMemoryMb`); without it, a part's time is its
//! position and the numeric file is read once, in file order.

mod reader;
pub mod report;
pub mod session;

use learn::online::adwin::AdwinParams;
use learn::online::drift::DetectorParams;
use learn::online::hoeffding::HoeffdingParams;
use learn::online::logistic::LogisticParams;
use learn::online::prequential::{LabelDelay, ModelParams};
use learn::online::windowed::{Span, WindowedParams};
use learn::online::{OnlineError, ThresholdParams, ThresholdRule};
use serde::{Deserialize, Serialize};
use tabular::KnownFile;

use crate::contract::Download;
use crate::params::Check;
use crate::streaming::{StreamFile, StreamInput, StreamingUseCase};
use crate::UseCaseError;
pub use report::{StreamReport, StreamResult};
pub use session::ConformitySession;

/// The online model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StreamModel {
    /// Online logistic regression (standardised measurements, a missing-value indicator each).
    Logistic,
    /// Hoeffding tree.
    Hoeffding,
    /// Gradient-boosted trees retrained every N parts on the last W parts.
    WindowGbdt,
}

/// What `window`, `retrainEvery` and `labelDelay` count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanUnit {
    /// Parts.
    Parts,
    /// The stream's time: Bosch's 0.01 h stamps with the date file, else the part's position.
    Time,
}

/// The drift detector on the stream of errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriftDetector {
    /// Page-Hinkley (rises only), on how failures rank among recent passes.
    PageHinkley,
    /// ADWIN, River's settings.
    Adwin,
    /// No detection.
    None,
}

crate::params! {
    /// What the user sets for use case 2.2. The defaults scored best (MCC) on the generated
    /// Bosch stream whose defect rule changes half-way (`learn/tests/stream_drift.rs` holds
    /// them to it); the models' finer settings are `learn::online`'s.
    pub struct StreamParams {
        /// The model: window-gbdt (boosted trees retrained on a sliding window), logistic
        /// (online logistic regression) or hoeffding (Hoeffding tree).
        pub model: StreamModel = StreamModel::WindowGbdt,
        /// The boosted model's training window: the last W labelled parts (or time units).
        pub window: f64 = 20_000.0,
        /// The boosted model is retrained every N labelled parts (or time units).
        pub retrain_every: f64 = 5_000.0,
        /// What window, retrainEvery and labelDelay count: parts, or time (Bosch's 0.01 h with
        /// the date file, else the part's position).
        pub unit: SpanUnit = SpanUnit::Parts,
        /// A fixed alert threshold on the risk (a chance of failure, 0 to 1); none: chosen
        /// online for the best MCC on the recent labelled parts.
        pub threshold: Option<f64> = None,
        /// Choose the threshold online to reach this precision of alerts on the recent parts
        /// (0 to 1) instead of the best MCC.
        pub target_precision: Option<f64> = None,
        /// How much later than its measurements a part's test result arrives, in parts (or time
        /// units); 0: before the next part.
        pub label_delay: f64 = 0.0,
        /// The drift detector on the errors: page-hinkley, adwin or none.
        pub detector: DriftDetector = DriftDetector::PageHinkley,
        /// A detected drift retrains the model on the latest parts (else it is only shown).
        pub retrain_on_drift: bool = true,
        /// Labelled parts of the moving-window metrics.
        pub metrics_window: u64 = 20_000,
        /// Measurements named with each alert, those that pushed its risk up most.
        pub top_measurements: u64 = 5,
        /// The part id column (empty: a part's id is its row number).
        pub id_column: String = "Id".to_string(),
        /// The 0/1 target column (1: the part failed).
        pub target_column: String = "Response".to_string(),
        /// Memory for one time segment of the time-ordered replay, in MB: more memory, fewer
        /// passes over the numeric file.
        pub replay_memory_mb: f64 = 256.0,
        /// Seed of the random steps (the boosted model's pass sampling, the rate baseline).
        pub seed: u64 = 42,
    }
}

impl Check for StreamParams {
    fn check(&self) -> Result<(), UseCaseError> {
        let positive = |name: &str, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(UseCaseError::param(
                    name,
                    format!("expected a number above 0, found {value}"),
                ))
            }
        };
        positive("window", self.window)?;
        positive("retrainEvery", self.retrain_every)?;
        positive("replayMemoryMb", self.replay_memory_mb)?;
        if self.unit == SpanUnit::Parts {
            for (name, value) in [
                ("window", self.window),
                ("retrainEvery", self.retrain_every),
            ] {
                if value < 1.0 || value.fract() != 0.0 {
                    return Err(UseCaseError::param(
                        name,
                        format!("expected a whole number of parts, at least 1, found {value}"),
                    ));
                }
            }
        }
        if !(self.label_delay.is_finite() && self.label_delay >= 0.0) {
            return Err(UseCaseError::param(
                "labelDelay",
                format!("expected 0 or more, found {}", self.label_delay),
            ));
        }
        if let Some(t) = self.threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(UseCaseError::param(
                    "threshold",
                    format!("expected a risk from 0 to 1, found {t}"),
                ));
            }
        }
        if let Some(p) = self.target_precision {
            if !(p > 0.0 && p <= 1.0) {
                return Err(UseCaseError::param(
                    "targetPrecision",
                    format!("expected a share above 0 and at most 1, found {p}"),
                ));
            }
            if self.threshold.is_some() {
                return Err(UseCaseError::param(
                    "targetPrecision",
                    "give a fixed threshold or a target precision, not both",
                ));
            }
        }
        if self.metrics_window == 0 {
            return Err(UseCaseError::param(
                "metricsWindow",
                "expected at least 1 part",
            ));
        }
        if self.top_measurements > 50 {
            return Err(UseCaseError::param(
                "topMeasurements",
                "expected at most 50",
            ));
        }
        if self.target_column.trim().is_empty() {
            return Err(UseCaseError::param(
                "targetColumn",
                "name the 0/1 target column",
            ));
        }
        if self.id_column == self.target_column {
            return Err(UseCaseError::param(
                "idColumn",
                "the id and the target must be different columns",
            ));
        }
        self.engine().check().map_err(online_param_error)
    }
}

impl StreamParams {
    /// The settings of `learn::online`'s stream these parameters choose.
    pub fn engine(&self) -> learn::online::StreamParams {
        let span = |value: f64| match self.unit {
            SpanUnit::Parts => Span::Parts {
                count: value.round() as u64,
            },
            SpanUnit::Time => Span::Time { length: value },
        };
        let defaults = learn::online::StreamParams::default();
        let model = match self.model {
            StreamModel::Logistic => ModelParams::Logistic(LogisticParams::default()),
            StreamModel::Hoeffding => ModelParams::Hoeffding(HoeffdingParams::default()),
            StreamModel::WindowGbdt => ModelParams::WindowedGbdt(WindowedParams {
                window: span(self.window),
                retrain_every: span(self.retrain_every),
                seed: self.seed,
                ..WindowedParams::default()
            }),
        };
        let rule = match (self.threshold, self.target_precision) {
            (Some(risk), _) => ThresholdRule::Fixed { risk },
            (None, Some(precision)) => ThresholdRule::TargetPrecision { precision },
            (None, None) => ThresholdRule::MaxMcc,
        };
        learn::online::StreamParams {
            model,
            threshold: ThresholdParams {
                rule,
                ..ThresholdParams::default()
            },
            label_delay: match self.unit {
                SpanUnit::Parts => LabelDelay::Parts {
                    count: self.label_delay.round() as u64,
                },
                SpanUnit::Time => LabelDelay::Time {
                    length: self.label_delay,
                },
            },
            detector: match self.detector {
                DriftDetector::PageHinkley => defaults.detector.clone(),
                DriftDetector::Adwin => DetectorParams::Adwin(AdwinParams::default()),
                DriftDetector::None => DetectorParams::None,
            },
            adapt_on_drift: self.retrain_on_drift,
            metrics_window: self.metrics_window as usize,
            top_measurements: self.top_measurements as usize,
            seed: self.seed,
            ..defaults
        }
    }
}

/// An engine setting out of range, named as this use case's parameters name it.
pub(crate) fn online_param_error(error: OnlineError) -> UseCaseError {
    match error {
        OnlineError::InvalidParam { name, .. } => {
            let ours = match name {
                "retrain_every" => "retrainEvery",
                "risk" => "threshold",
                "precision" => "targetPrecision",
                "label_delay" => "labelDelay",
                "metrics_window" => "metricsWindow",
                other => other,
            };
            UseCaseError::param(ours, error.to_string())
        }
        other => UseCaseError::Input(other.to_string()),
    }
}

/// Use case 2.2 as the catalogue runs it.
pub struct ConformityStream;

/// The inputs: the numeric file, and the date file for time order.
static INPUTS: [StreamInput; 2] = [
    StreamInput {
        role: "numeric",
        required: true,
        file: Some(KnownFile::BoschNumeric),
        help: "FILE  the parts' measurements and 0/1 target (Bosch's train_numeric.csv, or any numeric CSV)",
    },
    StreamInput {
        role: "date",
        required: false,
        file: Some(KnownFile::BoschDate),
        help: "FILE  the parts' time stamps (train_date.csv): the stream in time order",
    },
];

impl StreamingUseCase for ConformityStream {
    const NAME: &'static str = "stream";
    type Params = StreamParams;
    type Session = ConformitySession;

    fn inputs() -> &'static [StreamInput] {
        &INPUTS
    }

    fn outputs() -> Vec<Download> {
        vec![
            Download::csv("alerts", "stream_alerts.csv").streamed(),
            Download::csv("scores", "stream_scores.csv").streamed(),
        ]
    }

    fn start(
        files: &[StreamFile],
        params: &StreamParams,
        outputs: &[String],
    ) -> Result<ConformitySession, UseCaseError> {
        params.check()?;
        ConformitySession::new(files, params, outputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::from_flags;

    fn flags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_issue_s_options_read_as_parameters() {
        let p: StreamParams = from_flags(&flags(&[
            ("model", "window-gbdt"),
            ("window", "30000"),
            ("retrain-every", "2000"),
            ("threshold", "0.2"),
            ("label-delay", "500"),
        ]))
        .unwrap();
        assert_eq!(p.model, StreamModel::WindowGbdt);
        assert_eq!((p.window, p.retrain_every), (30_000.0, 2_000.0));
        assert_eq!(p.threshold, Some(0.2));
        p.check().unwrap();
        let engine = p.engine();
        assert_eq!(engine.label_delay, LabelDelay::Parts { count: 500 });
        assert_eq!(engine.threshold.rule, ThresholdRule::Fixed { risk: 0.2 });
        let ModelParams::WindowedGbdt(w) = engine.model else {
            panic!("the windowed model");
        };
        assert_eq!(w.window, Span::Parts { count: 30_000 });
        // The defaults are the engine's.
        assert_eq!(
            StreamParams::default().engine(),
            learn::online::StreamParams {
                model: ModelParams::WindowedGbdt(WindowedParams {
                    seed: 42,
                    ..WindowedParams::default()
                }),
                ..learn::online::StreamParams::default()
            }
        );
    }

    #[test]
    fn bad_settings_name_the_parameter() {
        let name = |p: StreamParams| match p.check() {
            Err(UseCaseError::Param { name, .. }) => name,
            other => panic!("{other:?}"),
        };
        let d = StreamParams::default;
        assert_eq!(name(StreamParams { window: 0.0, ..d() }), "window");
        assert_eq!(
            name(StreamParams {
                window: 10.5,
                ..d()
            }),
            "window"
        );
        assert_eq!(
            name(StreamParams {
                threshold: Some(1.5),
                ..d()
            }),
            "threshold"
        );
        assert_eq!(
            name(StreamParams {
                threshold: Some(0.5),
                target_precision: Some(0.5),
                ..d()
            }),
            "targetPrecision"
        );
        assert_eq!(
            name(StreamParams {
                label_delay: -1.0,
                ..d()
            }),
            "labelDelay"
        );
        assert_eq!(
            name(StreamParams {
                target_column: String::new(),
                ..d()
            }),
            "targetColumn"
        );
        let wrong = from_flags::<StreamParams>(&flags(&[("model", "forest")]));
        assert!(
            matches!(&wrong, Err(UseCaseError::Param { name, message }) if name == "model" && message.contains("window-gbdt")),
            "{wrong:?}"
        );
        // Time spans need not be whole.
        StreamParams {
            unit: SpanUnit::Time,
            window: 250.5,
            ..d()
        }
        .check()
        .unwrap();
    }
}
