//! The stream of use case 2.2 as a [`StreamSession`]: which file to read next, the rows read
//! from each chunk, the parts scored, and what is written out as they are labelled.
//!
//! Without a date file there is one pass over the numeric file, and each row is scored as it is
//! read (its time is its position). With one, the first pass reads the date file into each
//! part's start ([`StartTimes`]); a [`ReplayPlan`] cuts the time axis into segments that fit
//! `replayMemoryMb`; then, for each segment, one pass over the numeric file keeps that
//! segment's rows ([`SegmentBuffer`]) and work steps score them in time order.

use std::collections::VecDeque;

use learn::online::prequential::{Part, Prequential};
use learn::online::replay::{ReplayPlan, SegmentBuffer, StartTimes};
use learn::online::{Alert, Labelled, OnlineError};
use serde_json::Value;
use tabular::rows::{RowStream, RowsOptions, SparseRow};

use super::reader::{Input, Reader};
use tabular::{CsvError, ErrorKind};

use super::online_param_error;
use super::report::{Baselines, Drift, RecentParts, StreamReport, StreamResult};
use super::StreamParams;
use crate::contract::{report_json, Fitted};
use crate::progress::{peak_memory_bytes, Clock, Progress};
use crate::streaming::{Next, Reading, StreamFile, StreamSession};
use crate::UseCaseError;

/// Parts the live risk chart shows.
const RECENT_PARTS: usize = 2_000;
/// Timeline points in a live report.
const LIVE_TIMELINE: usize = 300;
/// Alerts in a live report.
const LIVE_ALERTS: usize = 50;
/// Most throughput samples kept (every other one is dropped when full).
const THROUGHPUT_POINTS: usize = 2_048;
/// Memory a part takes in a replay segment, per byte of its line: a cell of a few characters
/// (and its comma) becomes 8 bytes, an index and an `f32`.
const SEGMENT_BYTES_PER_TEXT_BYTE: f64 = 1.2;
/// Bytes of text a part is assumed to take when the numeric file's size is not known.
const PART_TEXT_BYTES: f64 = 1_700.0;

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the date file.
    Dates,
    /// Reading the numeric file: the only pass in file order, or segment `segment`'s pass.
    Numeric,
    /// Scoring segment `segment`'s parts in time order.
    Replay,
    /// Every part is scored.
    Done,
}

/// One of the latest parts, for the live risk chart.
#[derive(Debug, Clone, Copy)]
struct RecentPart {
    row: u64,
    risk: f32,
    alert: bool,
    failed: Option<bool>,
}

/// What scores the parts and writes what the stream says of them: kept apart from the readers
/// and buffers, which lend it parts.
struct Scoring {
    engine: learn::online::StreamParams,
    stream: Option<Prequential>,
    recent: VecDeque<RecentPart>,
    /// Alert lines waiting for their part's label (the outcome column), by position.
    pending_alerts: VecDeque<(u64, String)>,
    alerts_out: Option<Vec<u8>>,
    scores_out: Option<Vec<u8>>,
    top: usize,
    /// The parts labelled by the last part's arrival (kept to reuse its room).
    labelled: Vec<Labelled>,
}

impl Scoring {
    /// The stream, built on the first part (its measurements' names are the file's).
    fn stream_for(&mut self, names: &[String]) -> Result<&mut Prequential, UseCaseError> {
        if self.stream.is_none() {
            let mut stream =
                Prequential::new(&self.engine, names.to_vec()).map_err(online_param_error)?;
            stream.keep_labelled();
            self.stream = Some(stream);
        }
        Ok(self.stream.as_mut().expect("built above"))
    }

    /// Scores `part` (its measurements named `names`) and writes out the labels now learned.
    fn process(&mut self, names: &[String], part: Part) -> Result<(), UseCaseError> {
        let mut labelled = std::mem::take(&mut self.labelled);
        let stream = self.stream_for(names)?;
        let row = stream.parts();
        let scored = stream.process(part);
        stream.take_labelled(&mut labelled);
        if self.recent.len() == RECENT_PARTS {
            self.recent.pop_front();
        }
        self.recent.push_back(RecentPart {
            row,
            risk: scored.risk as f32,
            alert: scored.alert.is_some(),
            failed: None,
        });
        if let (Some(alert), Some(_)) = (&scored.alert, &self.alerts_out) {
            self.pending_alerts
                .push_back((row, alert_line(alert, self.top)));
        }
        for l in labelled.drain(..) {
            self.write_labelled(&l);
        }
        self.labelled = labelled;
        Ok(())
    }

    /// Learns the labels still held, at the end.
    fn finish(&mut self) {
        if let Some(stream) = &mut self.stream {
            stream.finish();
            let mut labelled = Vec::new();
            stream.take_labelled(&mut labelled);
            for l in &labelled {
                self.write_labelled(l);
            }
        }
    }

    fn write_labelled(&mut self, l: &Labelled) {
        if let Some(first) = self.recent.front().map(|p| p.row) {
            if let Some(p) = l
                .index
                .checked_sub(first)
                .and_then(|k| self.recent.get_mut(k as usize))
            {
                p.failed = Some(l.failed);
            }
        }
        if let Some(out) = &mut self.scores_out {
            use std::io::Write;
            // Writing to a Vec cannot fail.
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                l.id,
                l.time,
                l.index,
                l.risk as f32,
                u8::from(l.alerted),
                u8::from(l.failed)
            );
        }
        if l.alerted {
            while let Some((row, line)) = self.pending_alerts.pop_front() {
                if row < l.index {
                    continue;
                }
                if row == l.index {
                    if let Some(out) = &mut self.alerts_out {
                        let outcome = if l.failed { "failed" } else { "passed" };
                        out.extend_from_slice(line.replacen("{outcome}", outcome, 1).as_bytes());
                    }
                } else {
                    self.pending_alerts.push_front((row, line));
                }
                break;
            }
        }
    }
}

/// An alert as a line of the alerts file, its outcome left as `{outcome}` until its label.
fn alert_line(alert: &Alert, top: usize) -> String {
    use std::fmt::Write;
    let mut line = format!(
        "{},{},{},{},{},{{outcome}}",
        alert.id, alert.time, alert.index, alert.risk as f32, alert.threshold as f32
    );
    for k in 0..top {
        match alert.measurements.get(k) {
            Some(m) => {
                let name = tabular::write::escape_cell(&m.name, true);
                let _ = write!(line, ",{name},{},{}", m.value, m.push as f32);
            }
            None => line.push_str(",,,"),
        }
    }
    line.push('\n');
    line
}

/// The header of the alerts file.
fn alerts_header(top: usize) -> String {
    let mut header = String::from("Id,time,row,risk,threshold,outcome");
    for k in 1..=top {
        header.push_str(&format!(",measurement_{k},value_{k},push_{k}"));
    }
    header.push('\n');
    header
}

/// A running stream: see the module documentation.
pub struct ConformitySession {
    numeric: StreamFile,
    date: Option<StreamFile>,
    options: RowsOptions,
    replay_bytes: f64,
    state: State,
    reader: Option<Reader>,
    times: StartTimes,
    plan: Option<ReplayPlan>,
    segment: usize,
    buffer: Option<SegmentBuffer>,
    /// The next part of the sorted segment to score.
    cursor: usize,
    /// Feature names of the numeric file, once its header is read.
    names: Vec<String>,
    /// Data rows of the numeric file, once a pass has read them all.
    numeric_rows: Option<u64>,
    pass: u32,
    bytes_read: u64,
    scoring: Scoring,
    clock: Clock,
    throughput: Vec<[f64; 2]>,
    throughput_every: f64,
    next_sample: f64,
}

impl ConformitySession {
    /// A session on `files` (`numeric`, and `date` for time order) writing the streamed
    /// `outputs` asked for (`alerts`, `scores`).
    pub fn new(
        files: &[StreamFile],
        params: &StreamParams,
        outputs: &[String],
    ) -> Result<ConformitySession, UseCaseError> {
        let role = |r: &str| files.iter().find(|f| f.role == r).cloned();
        let numeric = role("numeric").ok_or_else(|| {
            UseCaseError::Input("the stream needs the numeric file (train_numeric.csv)".into())
        })?;
        let date = role("date");
        let wants = |key: &str| outputs.iter().any(|o| o == key);
        let top = params.top_measurements as usize;
        let options = RowsOptions {
            delimiter: None,
            id: (!params.id_column.is_empty()).then(|| params.id_column.clone()),
            target: Some(params.target_column.clone()),
            features: None,
        };
        let scoring = Scoring {
            engine: params.engine(),
            stream: None,
            recent: VecDeque::with_capacity(RECENT_PARTS),
            pending_alerts: VecDeque::new(),
            alerts_out: wants("alerts").then(|| alerts_header(top).into_bytes()),
            scores_out: wants("scores").then(|| b"Id,time,row,risk,alert,label\n".to_vec()),
            top,
            labelled: Vec::new(),
        };
        let mut session = ConformitySession {
            state: if date.is_some() {
                State::Dates
            } else {
                State::Numeric
            },
            numeric,
            date,
            options,
            replay_bytes: params.replay_memory_mb * 1e6,
            reader: None,
            times: StartTimes::default(),
            plan: None,
            segment: 0,
            buffer: None,
            cursor: 0,
            names: Vec::new(),
            numeric_rows: None,
            pass: 1,
            bytes_read: 0,
            scoring,
            clock: Clock::start(),
            throughput: Vec::new(),
            throughput_every: 0.25,
            next_sample: 0.0,
        };
        session.open_reader();
        Ok(session)
    }

    /// The file the pass reads and how, while one is read.
    fn pass_file(&self) -> Option<(&StreamFile, RowsOptions)> {
        match (self.state, &self.date) {
            (State::Dates, Some(date)) => Some((
                date,
                RowsOptions {
                    target: None,
                    ..self.options.clone()
                },
            )),
            (State::Numeric, _) => Some((&self.numeric, self.options.clone())),
            _ => None,
        }
    }

    /// A fresh reader for the pass the state asks for (as text until it is fed rows).
    fn open_reader(&mut self) {
        self.reader = self
            .pass_file()
            .map(|(file, options)| Reader::Text(Box::new(RowStream::new(&file.name, options))));
    }

    fn passes(&self) -> u32 {
        match (&self.date, &self.plan) {
            (None, _) => 1,
            (Some(_), None) => 2,
            (Some(_), Some(plan)) => 1 + plan.segments() as u32,
        }
    }

    fn parts(&self) -> u64 {
        self.scoring.stream.as_ref().map_or(0, |s| s.parts())
    }

    /// Records a throughput sample now and then.
    fn sample(&mut self) {
        let seconds = self.clock.total();
        if seconds < self.next_sample {
            return;
        }
        self.next_sample = seconds + self.throughput_every;
        self.throughput.push([seconds, self.parts() as f64]);
        if self.throughput.len() >= THROUGHPUT_POINTS {
            let kept: Vec<[f64; 2]> = self.throughput.iter().step_by(2).copied().collect();
            self.throughput = kept;
            self.throughput_every *= 2.0;
        }
    }

    fn reader(&mut self) -> Result<&mut Reader, UseCaseError> {
        self.reader
            .as_mut()
            .ok_or_else(|| UseCaseError::Input("no file is being read now".into()))
    }

    /// Fills in the column number of an error about a column named in it, from the header.
    fn placed(&self, mut error: CsvError) -> CsvError {
        if let (None, Some(name), Some(reader)) = (error.column, &error.column_name, &self.reader) {
            error.column = reader
                .column_names()
                .and_then(|names| names.iter().position(|n| n == name))
                .map(|k| k + 1);
        }
        error
    }

    /// Reads a numeric row: checks it has a measurement.
    /// Scores a row of the numeric file read in file order (its position is its time), once
    /// it is known to hold a measurement.
    fn score(file: &str, scoring: &mut Scoring, r: &SparseRow) -> Result<(), UseCaseError> {
        Self::measured(file, r)?;
        let part = Part {
            id: r.id,
            time: r.index as f64,
            features: r.features,
            values: r.values,
            failed: r.target,
        };
        scoring.process(r.names, part)
    }

    fn measured(file: &str, row: &SparseRow) -> Result<(), CsvError> {
        if !row.features.is_empty() {
            return Ok(());
        }
        let mut e = CsvError::new(
            file,
            ErrorKind::Invalid(format!(
                "part {} has no measurement: its {} measurement columns are all empty",
                row.id,
                row.names.len()
            )),
        );
        e.line = Some(row.line);
        e.column_name = row.names.first().cloned();
        Err(e)
    }

    /// Feeds the pass being read.
    fn feed(&mut self, input: Input) -> Result<(), UseCaseError> {
        let result = match (self.state, self.plan.is_some()) {
            (State::Dates, _) => self.push_dates(input),
            (State::Numeric, false) => self.push_file_order(input),
            (State::Numeric, true) => self.push_segment(input),
            _ => unreachable!("a reader is open only while a file is read"),
        };
        self.sample();
        result
    }

    fn push_dates(&mut self, input: Input) -> Result<(), UseCaseError> {
        let times = &mut self.times;
        let reader = self.reader.as_mut().expect("a date pass has its reader");
        reader.feed(input, &mut |_| true, &mut |r| times.push(r.id, r.values))?;
        Ok(())
    }

    fn push_file_order(&mut self, input: Input) -> Result<(), UseCaseError> {
        let Self {
            reader,
            scoring,
            numeric,
            ..
        } = self;
        let reader = reader.as_mut().expect("a numeric pass has its reader");
        let mut failure: Option<UseCaseError> = None;
        reader.feed(input, &mut |_| true, &mut |r| {
            if failure.is_some() {
                return;
            }
            failure = Self::score(&numeric.name, scoring, r).err();
        })?;
        match failure {
            Some(UseCaseError::Csv(e)) => Err(self.placed(e).into()),
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn push_segment(&mut self, input: Input) -> Result<(), UseCaseError> {
        let Self {
            reader,
            plan,
            buffer,
            segment,
            numeric,
            date,
            options,
            names,
            ..
        } = self;
        let plan = plan.as_ref().expect("a replay pass has its plan");
        let k = *segment;
        let buffer = buffer.get_or_insert_with(|| plan.buffer(k));
        let reader = reader.as_mut().expect("a numeric pass has its reader");
        let date_name = date.as_ref().map_or("", |d| d.name.as_str());
        let id_name = options.id.clone();
        let mut failure: Option<CsvError> = None;
        reader.feed(input, &mut |row| plan.in_segment(row, k), &mut |r| {
            if failure.is_some() {
                return;
            }
            if names.is_empty() {
                *names = r.names.to_vec();
            }
            failure = Self::measured(&numeric.name, r).err().or_else(|| {
                buffer
                    .push(plan, r.index, r.id, r.target, r.features, r.values)
                    .err()
                    .map(|e| out_of_step(&numeric.name, date_name, id_name.as_deref(), r, e))
            });
        })?;
        match failure {
            Some(e) => Err(self.placed(e).into()),
            None => Ok(()),
        }
    }

    fn end_dates(&mut self) -> Result<(), UseCaseError> {
        let times = &mut self.times;
        let reader = self.reader.take().expect("a date pass has its reader");
        let file = self.date.as_ref().map_or("", |d| d.name.as_str());
        reader.finish(file, &mut |_| true, &mut |r| times.push(r.id, r.values))?;
        let parts = self.times.len().max(1) as f64;
        let text_per_part = self
            .numeric
            .bytes
            .map_or(PART_TEXT_BYTES, |b| b as f64 / parts);
        let max_parts =
            (self.replay_bytes / (text_per_part * SEGMENT_BYTES_PER_TEXT_BYTE)).max(1.0) as usize;
        let times = std::mem::take(&mut self.times);
        // A cell held is 8 bytes (its index and value) for SEGMENT_BYTES_PER_TEXT_BYTE of text.
        let cells_per_part = text_per_part * SEGMENT_BYTES_PER_TEXT_BYTE / 8.0;
        let plan = ReplayPlan::new(times, max_parts).map_err(online_param_error)?;
        self.plan = Some(plan.expecting_cells(cells_per_part));
        self.state = State::Numeric;
        self.segment = 0;
        self.open_reader();
        Ok(())
    }

    fn end_numeric(&mut self) -> Result<(), UseCaseError> {
        let reader = self.reader.take().expect("a numeric pass has its reader");
        if self.plan.is_none() {
            // File order: the last line may have had no line break.
            let Self {
                scoring, numeric, ..
            } = self;
            let mut failure: Option<UseCaseError> = None;
            let summary = reader.finish(&numeric.name, &mut |_| true, &mut |r| {
                if failure.is_none() {
                    failure = Self::score(&numeric.name, scoring, r).err();
                }
            })?;
            if let Some(e) = failure {
                return Err(e);
            }
            self.numeric_rows = Some(summary.rows);
            self.scoring.finish();
            self.state = State::Done;
            return Ok(());
        }
        let plan = self.plan.as_ref().expect("checked above");
        let k = self.segment;
        let buffer = self.buffer.get_or_insert_with(|| plan.buffer(k));
        let mut failure: Option<CsvError> = None;
        let names = &mut self.names;
        let numeric = &self.numeric.name;
        let date_name = self.date.as_ref().map_or("", |d| d.name.as_str());
        let id_name = self.options.id.as_deref();
        let summary = reader.finish(numeric, &mut |row| plan.in_segment(row, k), &mut |r| {
            if names.is_empty() {
                *names = r.names.to_vec();
            }
            if failure.is_none() {
                failure = Self::measured(numeric, r).err().or_else(|| {
                    buffer
                        .push(plan, r.index, r.id, r.target, r.features, r.values)
                        .err()
                        .map(|e| out_of_step(numeric, date_name, id_name, r, e))
                });
            }
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        if summary.rows != plan.parts() as u64 {
            return Err(CsvError::new(
                numeric,
                ErrorKind::Invalid(format!(
                    "{} data rows where {date_name} has {}: both files must list the same parts in the same order",
                    summary.rows,
                    plan.parts()
                )),
            )
            .into());
        }
        if self.names.is_empty() {
            self.names = summary.features;
        }
        self.numeric_rows = Some(summary.rows);
        if let Some(buffer) = &mut self.buffer {
            buffer.sort();
        }
        self.cursor = 0;
        self.state = State::Replay;
        Ok(())
    }

    /// Scores up to `max` parts of the sorted segment.
    fn replay(&mut self, max: u64) -> Result<(), UseCaseError> {
        let Some(buffer) = &self.buffer else {
            return Err(UseCaseError::Input("no segment to score".into()));
        };
        let end = (self.cursor + max.max(1) as usize).min(buffer.len());
        for i in self.cursor..end {
            self.scoring.process(&self.names, buffer.part(i))?;
        }
        self.cursor = end;
        if self.cursor < buffer.len() {
            return Ok(());
        }
        self.buffer = None;
        self.segment += 1;
        self.pass += 1;
        let segments = self.plan.as_ref().map_or(0, |p| p.segments());
        if self.segment < segments {
            self.state = State::Numeric;
            self.open_reader();
        } else {
            self.scoring.finish();
            self.state = State::Done;
        }
        Ok(())
    }

    /// The report now: live (`live`: the latest timeline points and alerts only) or in full.
    pub fn report(&self, live: bool) -> StreamReport {
        let seconds = self.clock.total();
        let stage = match (self.state, &self.date) {
            (State::Dates, _) => "dates",
            (State::Done, _) => "done",
            (_, Some(_)) => "replay",
            (_, None) => "stream",
        };
        let mut report = StreamReport {
            stage,
            pass: self.pass,
            passes: self.passes(),
            rows: 0,
            total_rows: self.plan.as_ref().map(|p| p.parts() as u64),
            labelled: 0,
            failures: 0,
            mcc: 0.0,
            auc: f64::NAN,
            precision: 0.0,
            recall: 0.0,
            alerts: 0,
            true_alerts: 0,
            false_alerts: 0,
            rows_per_s: 0.0,
            seconds,
            bytes_read: self.bytes_read,
            peak_memory_bytes: peak_memory_bytes(),
            drifts: Vec::new(),
            model: model_name(&self.scoring.engine),
            threshold: None,
            threshold_floods: 0,
            time_ordered: self.date.is_some(),
            window: empty_quality(),
            overall: empty_quality(),
            baselines: Baselines {
                always_pass: empty_quality(),
                rate_based: empty_quality(),
            },
            timeline: Vec::new(),
            throughput: self.throughput.clone(),
            latest_alerts: Vec::new(),
            recent: self.recent(),
            files: [Some(&self.numeric), self.date.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        };
        let Some(stream) = &self.scoring.stream else {
            return report;
        };
        let overall = stream.overall();
        let (labelled, failures, alerts) = stream.counts();
        let (always_pass, rate_based) = stream.baselines();
        let threshold = stream.threshold();
        let timeline = stream.timeline();
        let alerts_kept = stream.latest_alerts().len();
        report.rows = stream.parts();
        report.labelled = labelled;
        report.failures = failures;
        report.mcc = overall.mcc;
        report.auc = overall.auc;
        report.precision = overall.precision;
        report.recall = overall.recall;
        report.alerts = alerts;
        report.true_alerts = overall.confusion.true_positives;
        report.false_alerts = overall.confusion.false_positives;
        report.rows_per_s = if seconds > 0.0 {
            stream.parts() as f64 / seconds
        } else {
            0.0
        };
        report.drifts = stream.drifts().iter().map(Drift::from).collect();
        report.threshold = threshold.is_finite().then_some(threshold);
        report.threshold_floods = stream.floods();
        report.window = stream.window();
        report.overall = overall;
        report.baselines = Baselines {
            always_pass,
            rate_based,
        };
        report.timeline = if live && timeline.len() > LIVE_TIMELINE {
            timeline[timeline.len() - LIVE_TIMELINE..].to_vec()
        } else {
            timeline.to_vec()
        };
        let skip = if live {
            alerts_kept.saturating_sub(LIVE_ALERTS)
        } else {
            0
        };
        report.latest_alerts = stream.latest_alerts().skip(skip).cloned().collect();
        report
    }

    fn recent(&self) -> RecentParts {
        let mut recent = RecentParts::default();
        for p in &self.scoring.recent {
            recent.row.push(p.row);
            recent.risk.push(p.risk);
            recent.alert.push(p.alert);
            recent.failed.push(p.failed);
        }
        recent
    }
}

/// The metrics of no part.
fn empty_quality() -> learn::online::Quality {
    learn::online::Quality {
        mcc: 0.0,
        auc: f64::NAN,
        precision: 0.0,
        recall: 0.0,
        confusion: Default::default(),
    }
}

/// The model's name as the parameters spell it.
fn model_name(engine: &learn::online::StreamParams) -> &'static str {
    use learn::online::prequential::ModelParams;
    match engine.model {
        ModelParams::Logistic(_) => "logistic",
        ModelParams::Hoeffding(_) => "hoeffding",
        ModelParams::WindowedGbdt(_) => "window-gbdt",
    }
}

/// A numeric row whose Id is not the date file's on the same row.
fn out_of_step(
    numeric: &str,
    date: &str,
    id_column: Option<&str>,
    row: &SparseRow,
    error: OnlineError,
) -> CsvError {
    let message = match error {
        OnlineError::FilesOutOfStep {
            numeric_id,
            date_id: Some(date_id),
            ..
        } => format!(
            "Id {numeric_id} where {date} has Id {date_id} on the same data row ({}): both files must list the same parts in the same order",
            row.index + 1
        ),
        OnlineError::FilesOutOfStep { numeric_id, .. } => format!(
            "Id {numeric_id} on data row {}, beyond the last row of {date}: both files must list the same parts",
            row.index + 1
        ),
        other => other.to_string(),
    };
    let mut e = CsvError::new(numeric, ErrorKind::Invalid(message));
    e.line = Some(row.line);
    e.column_name = id_column.map(str::to_string);
    e
}

impl StreamSession for ConformitySession {
    fn next(&self) -> Next {
        if self.reader.as_ref().is_some_and(Reader::pending) {
            return Next::Work;
        }
        let (pass, passes) = (self.pass, self.passes());
        match self.state {
            State::Dates => Next::Read {
                role: "date".into(),
                pass,
                passes,
            },
            State::Numeric => Next::Read {
                role: "numeric".into(),
                pass,
                passes,
            },
            State::Replay => Next::Work,
            State::Done => Next::Done,
        }
    }

    fn push(&mut self, chunk: &[u8]) -> Result<(), UseCaseError> {
        if let Reader::Parsed(_) = self.reader()? {
            return Err(UseCaseError::Input(
                "this pass is read as rows: its text cannot be pushed too".into(),
            ));
        }
        self.bytes_read += chunk.len() as u64;
        self.feed(Input::Text(chunk))
    }

    fn reading(&self) -> Option<Reading> {
        // A segment's pass keeps a few rows of the file, and the text reader skips the others
        // unsplit: cheaper than parsing them all elsewhere.
        if self.plan.is_some() && self.state == State::Numeric {
            return None;
        }
        let (file, options) = self.pass_file()?;
        if !self.reader.as_ref()?.takes_rows() {
            return None;
        }
        Some(Reading {
            role: file.role.clone(),
            name: file.name.clone(),
            file: file.name.clone(),
            entry: None,
            options,
        })
    }

    fn push_rows(&mut self, batch: &[u8]) -> Result<(), UseCaseError> {
        let file = self.pass_file().map(|(f, _)| f.name.clone());
        let text = self
            .reader()?
            .take_batch(batch, file.as_deref().unwrap_or_default())?;
        self.bytes_read += text;
        Ok(())
    }

    fn end_pass(&mut self) -> Result<(), UseCaseError> {
        self.reader()?;
        let result = match self.state {
            State::Dates => {
                self.pass += 1;
                self.end_dates()
            }
            _ => self.end_numeric(),
        };
        self.sample();
        result
    }

    fn step(&mut self, max_units: u64) -> Result<(), UseCaseError> {
        if self.reader.as_ref().is_some_and(Reader::pending) {
            return self.feed(Input::Rows(
                usize::try_from(max_units).unwrap_or(usize::MAX),
            ));
        }
        if self.state != State::Replay {
            return Err(UseCaseError::Input(
                "no work to do now: read the next file".into(),
            ));
        }
        let result = self.replay(max_units);
        self.sample();
        result
    }

    fn progress(&self) -> Progress {
        let numeric = self.numeric.bytes.unwrap_or(0) as f64;
        let date = self.date.as_ref().and_then(|d| d.bytes).unwrap_or(0) as f64;
        let total_parts = self.plan.as_ref().map_or(0, |p| p.parts() as u64);
        let parts = self.parts();
        let fraction = match (&self.plan, self.state) {
            (_, State::Done) => 1.0,
            _ if numeric == 0.0 => 0.0,
            (None, State::Dates) => self.bytes_read as f64 / (date + 2.0 * numeric),
            (None, _) => self.bytes_read as f64 / numeric,
            (Some(plan), _) => {
                // Each pass reads the numeric file; scoring counts as one more read of it.
                let total = date + (plan.segments() as f64 + 1.0) * numeric;
                let scored = parts as f64 / total_parts.max(1) as f64 * numeric;
                (self.bytes_read as f64 + scored) / total
            }
        };
        let seconds = self.clock.total();
        let (stage, done, total) = match (self.state, &self.date) {
            (State::Dates, _) => ("dates", self.times.len() as u64, 0),
            (_, Some(_)) => ("replay", parts, total_parts),
            (_, None) => ("stream", parts, 0),
        };
        Progress {
            stage,
            done,
            total,
            fraction: fraction.clamp(0.0, 1.0),
            value: (seconds > 0.0 && parts > 0).then(|| parts as f64 / seconds),
        }
    }

    fn live(&self) -> Value {
        report_json(&self.report(true))
    }

    fn take_output(&mut self, key: &str) -> Vec<u8> {
        let out = match key {
            "alerts" => &mut self.scoring.alerts_out,
            "scores" => &mut self.scoring.scores_out,
            _ => return Vec::new(),
        };
        out.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn finish(mut self: Box<Self>) -> Result<Box<dyn Fitted>, UseCaseError> {
        match self.state {
            State::Done => {}
            // A caller that stops following a growing file: the rows read so far.
            State::Numeric if self.plan.is_none() => self.end_numeric()?,
            _ => {
                return Err(UseCaseError::Input(
                    "the stream stopped before every pass was read".into(),
                ))
            }
        }
        let report = StreamReport {
            stage: "done",
            ..self.report(false)
        };
        Ok(Box::new(StreamResult { report }))
    }
}
