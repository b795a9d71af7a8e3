//! Online classifiers on a stream of parts (use case 2.2: will this part fail its conformity
//! test?), their drift detectors, the prequential evaluation and the alerts.
//!
//! A part arrives as a sparse [`Row`]: the indices and values of its non-empty measurements (a
//! Bosch part has about 170 of 968), and its time. Every model implements [`OnlineModel`]:
//! `score` gives the risk of failure before the label is known, `learn` takes the label when
//! it arrives, so that the pipeline can swap models. The models, one file each:
//!
//! * [`logistic`]: logistic regression by Adagrad or SGD, with running standardisation
//!   (Welford) and a presence weight per measurement (the missing-value indicator), class
//!   weighting for the rare failures;
//! * [`hoeffding`]: a Hoeffding tree (VFDT) with Gaussian estimators per class, information
//!   gain or Gini, the Hoeffding bound, a tie threshold, a grace period, a learned side for
//!   missing values, and majority, naive Bayes or adaptive leaves;
//! * [`windowed`]: gradient-boosted trees of [`crate::gbdt`] retrained every N parts on the last
//!   W parts (counts or time).
//!
//! The detectors ([`adwin`], [`page_hinkley`], as River defines them) watch the stream of
//! errors; a drift resets or retrains the model. [`prequential`] runs the stream: each part is
//! scored before its label is learned (optionally D parts or D time units later), alerts when
//! its risk reaches the [`threshold`] (fixed, or chosen online for a target precision or the
//! best Matthews correlation), and keeps the streaming [`metrics`] beside naive baselines.
//! [`replay`] turns Bosch's Id-ordered files into a time-ordered stream in bounded memory.

pub mod adwin;
pub mod drift;
pub mod error;
pub mod hoeffding;
pub mod logistic;
pub mod metrics;
pub mod page_hinkley;
pub mod prequential;
pub mod replay;
pub mod threshold;
pub mod windowed;

mod explain;
mod rows;

pub use drift::{Detector, DetectorParams};
pub use error::OnlineError;
pub use hoeffding::{HoeffdingParams, HoeffdingTree};
pub use logistic::{LogisticParams, OnlineLogistic};
pub use prequential::{
    Alert, Labelled, Part, Prequential, Quality, Scored, StreamParams, StreamReport,
};
pub use threshold::{ThresholdParams, ThresholdRule};
pub use windowed::{WindowedGbdt, WindowedParams};

use serde::{Deserialize, Serialize};

/// One part's measurements, sparse: `values[i]` is measurement `features[i]`; the others are
/// empty. Features are indices into the stream's feature names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    /// The part's time (any increasing unit: a row number, Bosch's 0.01 h stamps).
    pub time: f64,
    /// Indices of the non-empty measurements, each at most once.
    pub features: &'a [u32],
    /// Their values.
    pub values: &'a [f32],
}

/// How much a measurement pushed a part's risk up (in log-odds for the logistic, in risk for
/// trees); see each model's [`OnlineModel::explain`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The feature index.
    pub feature: u32,
    /// The measured value.
    pub value: f32,
    /// Its push on the risk (positive: towards failure).
    pub push: f64,
}

/// A classifier that learns one part at a time, so that the stream can swap models.
pub trait OnlineModel: Send {
    /// The risk that the part fails, in [0, 1], before its label is known. Takes `&mut self`
    /// for scratch space; it does not learn.
    fn score(&mut self, row: Row) -> f64;

    /// Learns the part's outcome (`true`: it failed).
    fn learn(&mut self, row: Row, failed: bool);

    /// The part's `k` measurements that pushed its risk up most, largest first.
    fn explain(&mut self, row: Row, k: usize) -> Vec<Contribution>;

    /// A drift was detected on the stream's errors: restart or retrain.
    fn drift(&mut self, time: f64);

    /// A short name for reports (`logistic`, `hoeffding`, `windowed_gbdt`).
    fn name(&self) -> &'static str;
}

/// Weight of a failure against a pass in learning: failures are about 0.6 % of Bosch's parts,
/// and an unweighted learner would learn to never alert.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ClassWeight {
    /// Both classes weigh 1.
    None,
    /// Failures weigh `passes / failures` as counted so far, capped at `max`.
    Balanced {
        /// The cap on a failure's weight.
        max: f64,
    },
    /// Failures weigh this much.
    Fixed {
        /// A failure's weight.
        weight: f64,
    },
}

impl ClassWeight {
    pub(crate) fn check(&self) -> Result<(), OnlineError> {
        match *self {
            ClassWeight::None => Ok(()),
            ClassWeight::Balanced { max } => {
                error::check_range("max", max, 1.0, f64::MAX, false, "a weight >= 1")
            }
            ClassWeight::Fixed { weight } => {
                error::check_range("weight", weight, 0.0, f64::MAX, true, "a weight > 0")
            }
        }
    }
}

/// Running counts of the classes, for [`ClassWeight::Balanced`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct ClassCounts {
    pub(crate) passes: f64,
    pub(crate) failures: f64,
}

impl ClassCounts {
    pub(crate) fn add(&mut self, failed: bool) {
        if failed {
            self.failures += 1.0;
        } else {
            self.passes += 1.0;
        }
    }

    /// The weight of a failure now: what [`unweighted`] divides a risk's odds by.
    pub(crate) fn failure_weight(&self, rule: ClassWeight) -> f64 {
        self.weight(rule, true)
    }

    /// The weight of a part with this outcome.
    pub(crate) fn weight(&self, rule: ClassWeight, failed: bool) -> f64 {
        if !failed {
            return 1.0;
        }
        match rule {
            ClassWeight::None => 1.0,
            ClassWeight::Fixed { weight } => weight,
            ClassWeight::Balanced { max } => {
                // One imagined failure and pass keep the first weights finite.
                ((self.passes + 1.0) / (self.failures + 1.0)).clamp(1.0, max)
            }
        }
    }
}

/// A risk learned with failures weighing `failure_weight` passes, as the chance of failure: the
/// weighting multiplies a model's odds of failure by the weight, so the weighted odds are
/// divided by it. Ranks are unchanged; a risk then reads as a probability (a threshold of 0.1
/// means one part in ten fails), whatever the model and its weighting.
pub(crate) fn unweighted(risk: f64, failure_weight: f64) -> f64 {
    if failure_weight == 1.0 || !(0.0..1.0).contains(&risk) {
        return risk;
    }
    let odds = risk / (1.0 - risk) / failure_weight;
    odds / (1.0 + odds)
}

/// The logistic function.
pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}
