//! The drift detector a stream watches its error with, chosen by settings.

use super::adwin::{Adwin, AdwinParams};
use super::error::OnlineError;
use super::page_hinkley::{PageHinkley, PageHinkleyParams};
use serde::{Deserialize, Serialize};

/// Which detector watches the stream's errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DetectorParams {
    /// No detection.
    None,
    /// ADWIN.
    Adwin(AdwinParams),
    /// Page-Hinkley.
    PageHinkley(PageHinkleyParams),
}

impl Default for DetectorParams {
    fn default() -> Self {
        DetectorParams::Adwin(AdwinParams::default())
    }
}

impl DetectorParams {
    /// Checks the chosen detector's settings.
    pub fn check(&self) -> Result<(), OnlineError> {
        match self {
            DetectorParams::None => Ok(()),
            DetectorParams::Adwin(p) => p.check(),
            DetectorParams::PageHinkley(p) => p.check(),
        }
    }

    /// The detector, or `None`.
    pub fn build(&self) -> Result<Option<Detector>, OnlineError> {
        Ok(match self {
            DetectorParams::None => None,
            DetectorParams::Adwin(p) => Some(Detector::Adwin(p.build()?)),
            DetectorParams::PageHinkley(p) => Some(Detector::PageHinkley(p.build()?)),
        })
    }
}

/// Which way the watched mean moved at a detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Change {
    /// The mean rose (more errors: the model got worse).
    Increase,
    /// The mean fell.
    Decrease,
}

/// A built detector.
#[derive(Debug, Clone)]
pub enum Detector {
    /// ADWIN.
    Adwin(Adwin),
    /// Page-Hinkley.
    PageHinkley(PageHinkley),
}

impl Detector {
    /// Adds a value; the change detected at it, if any. For ADWIN the way is the window's mean
    /// after the cut (the recent values) against its mean before; for Page-Hinkley, the test
    /// that fired.
    pub fn update(&mut self, value: f64) -> Option<Change> {
        match self {
            Detector::Adwin(d) => {
                let before = d.estimation();
                d.update(value).then(|| {
                    if d.estimation() >= before {
                        Change::Increase
                    } else {
                        Change::Decrease
                    }
                })
            }
            Detector::PageHinkley(d) => d.update(value).then(|| {
                if d.rose() {
                    Change::Increase
                } else {
                    Change::Decrease
                }
            }),
        }
    }
}
