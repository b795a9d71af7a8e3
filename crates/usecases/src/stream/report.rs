//! What the stream shows: one report, drawn live while the stream runs (of bounded size: the
//! latest timeline points, alerts and parts) and in full at the end, where the command line
//! prints it and the page's downloads start from it.

use std::io::Write;

use learn::online::prequential::{DriftEvent, TimelinePoint};
use learn::online::{Alert, Quality};
use serde::Serialize;
use serde_json::Value;

use crate::contract::{report_json, unknown_download, Download, Fitted};
use crate::streaming::StreamFile;
use crate::UseCaseError;

/// A drift the detector found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Drift {
    /// 0-based position in the stream (time order) of the part being scored when the label
    /// that tipped the detector arrived.
    pub row: u64,
    /// That part's time.
    pub time: f64,
    /// Position of the part whose label tipped the detector (earlier with a label delay).
    pub labelled_row: u64,
}

impl From<&DriftEvent> for Drift {
    fn from(d: &DriftEvent) -> Drift {
        Drift {
            row: d.index,
            time: d.time,
            labelled_row: d.labelled_index,
        }
    }
}

/// The latest parts scored, as columns (compact in JSON): what the live risk chart draws.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecentParts {
    /// 0-based positions in the stream.
    pub row: Vec<u64>,
    /// Risks at arrival.
    pub risk: Vec<f32>,
    /// Whether each raised an alert.
    pub alert: Vec<bool>,
    /// Whether each failed, once its label has arrived.
    pub failed: Vec<Option<bool>>,
}

/// The naive baselines scored on the same parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baselines {
    /// Never alert.
    pub always_pass: Quality,
    /// Alert at random at the failure rate seen so far (its risk is that rate).
    pub rate_based: Quality,
}

/// What the stream reports, live and at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamReport {
    /// `dates` (reading the date file), `replay` (time-ordered passes), `stream` (file order)
    /// or `done`.
    pub stage: &'static str,
    /// The pass over the files being read, from 1.
    pub pass: u32,
    /// Passes planned (known once the date file has been read).
    pub passes: u32,
    /// Parts scored.
    pub rows: u64,
    /// Parts in the stream, when known (the date file's rows).
    pub total_rows: Option<u64>,
    /// Parts whose label has been learned.
    pub labelled: u64,
    /// Failures among them.
    pub failures: u64,
    /// Matthews correlation of the alerts over the whole stream (the competition's metric).
    pub mcc: f64,
    /// Area under the ROC curve of the risks over the whole stream.
    pub auc: f64,
    /// Share of (labelled) alerts that were failures.
    pub precision: f64,
    /// Share of failures alerted.
    pub recall: f64,
    /// Alerts raised.
    pub alerts: u64,
    /// Labelled alerts whose part failed.
    pub true_alerts: u64,
    /// Labelled alerts whose part passed.
    pub false_alerts: u64,
    /// Parts per second over the whole run: reading, scoring and learning.
    pub rows_per_s: f64,
    /// Seconds since the start.
    pub seconds: f64,
    /// Bytes read over every pass.
    pub bytes_read: u64,
    /// The most memory held so far (see `usecases::progress::peak_memory_bytes`).
    pub peak_memory_bytes: Option<u64>,
    /// Drifts found.
    pub drifts: Vec<Drift>,
    /// The model's name.
    pub model: &'static str,
    /// The threshold in force (`None`: no part alerts yet, the model has not shown skill).
    pub threshold: Option<f64>,
    /// Times the flood guard raised the threshold (a retrained model's risks rose under it).
    pub threshold_floods: u64,
    /// In time order from the date file (else in file order).
    pub time_ordered: bool,
    /// The model over the last `metricsWindow` labelled parts.
    pub window: Quality,
    /// The whole stream's counts and metrics.
    pub overall: Quality,
    /// The naive baselines on the same parts.
    pub baselines: Baselines,
    /// The stream over time (at most 2,048 points; live, the latest 300).
    pub timeline: Vec<TimelinePoint>,
    /// Parts scored per second over time: `[seconds, rows]`.
    pub throughput: Vec<[f64; 2]>,
    /// The latest alerts, newest last, with their outcome once labelled (live, the last 50).
    pub latest_alerts: Vec<Alert>,
    /// The latest parts scored (2,000).
    pub recent: RecentParts,
    /// The files read.
    pub files: Vec<StreamFile>,
}

/// A finished stream: its report. The alert and score files were streamed to the caller as
/// the stream ran ([`Download::streamed`]); the report is the one download kept here.
#[derive(Debug, Clone)]
pub struct StreamResult {
    /// The final report.
    pub report: StreamReport,
}

impl Fitted for StreamResult {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    fn downloads(&self) -> Vec<Download> {
        let mut downloads = vec![Download::json("report", "stream_report.json")];
        downloads.extend(<super::ConformityStream as crate::StreamingUseCase>::outputs());
        downloads
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "report" => {
                serde_json::to_writer_pretty(&mut *out, &self.report)
                    .map_err(|e| UseCaseError::Io(e.into()))?;
                Ok(())
            }
            "alerts" | "scores" => Err(UseCaseError::Unavailable(format!(
                "the {key} file was streamed out as the stream ran: its reader keeps it"
            ))),
            other => Err(unknown_download("this result", other)),
        }
    }
}
