//! The contract of a use case whose inputs are read as a stream, not loaded as tables: a file
//! too large for a tab (Bosch's 2 GB `train_numeric.csv`, Santander's 2.3 GB file) is read chunk
//! by chunk and never held, and a result builds up as it reads.
//!
//! The caller (the page's worker, the command line, a test) holds the files and drives a
//! [`StreamSession`]: it asks [`StreamSession::next`] what to do, and
//!
//! - on [`Next::Read`], reads the named input from its first byte, [`push`](StreamSession::push)es
//!   its chunks in order (any size, cut anywhere), then calls
//!   [`end_pass`](StreamSession::end_pass); a session may ask for the same file several times
//!   (a time-ordered replay reads the numeric file once per time segment);
//! - on [`Next::Work`], calls [`step`](StreamSession::step) until the session asks for something
//!   else: work on what was read, in slices short enough to report progress and honour a cancel
//!   between them;
//! - on [`Next::Done`], calls [`finish`](StreamSession::finish) for the [`Fitted`] result, which
//!   answers questions and downloads as every use case's does.
//!
//! Between calls the caller reads [`progress`](StreamSession::progress) and the bounded
//! [`live`](StreamSession::live) report (what the view draws while it runs), drains the streamed
//! outputs ([`take_output`](StreamSession::take_output): a download too long to hold, written as
//! the stream goes), and may pause, slow down or cancel: nothing runs between calls. Parameters
//! are declared with [`params!`](crate::params!) as for every use case. A file may be
//! compressed (`.gz`, or a `.zip` of CSV files): the session started through the catalogue
//! unpacks it as it streams, so a use case only ever reads text.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tabular::{KnownFile, Unpacker};

use crate::contract::{Download, Fitted};
use crate::params::Params;
use crate::progress::Progress;
use crate::UseCaseError;

/// An input a streamed use case reads, as it documents it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StreamInput {
    /// The role the session names it by (`numeric`, `date`); the command line's option.
    pub role: &'static str,
    /// Whether the use case cannot run without it.
    pub required: bool,
    /// The public file usually given, if any.
    pub file: Option<KnownFile>,
    /// One line of help.
    pub help: &'static str,
}

/// One input file as the caller has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamFile {
    /// Its role ([`StreamInput::role`]).
    pub role: String,
    /// Its name as the user knows it, named in errors.
    pub name: String,
    /// Its size in bytes, when known (progress).
    #[serde(default)]
    pub bytes: Option<u64>,
    /// For an archive, the CSV file in it to read (its first one when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl StreamFile {
    /// Whether its name says it is compressed (`.gz`, `.zip`): its text is then unpacked, and
    /// its size is not its text's.
    fn packed(&self) -> bool {
        let lower = self.name.to_ascii_lowercase();
        self.entry.is_some() || [".gz", ".gzip", ".zip"].iter().any(|s| lower.ends_with(s))
    }

    /// The file as its session sees it: an archive's text is named after its CSV file and the
    /// archive (`train_numeric.csv in train_numeric.csv.zip`) and its size is unknown.
    fn unpacked(&self) -> StreamFile {
        if !self.packed() {
            return self.clone();
        }
        let inner = self.entry.clone().unwrap_or_else(|| {
            let lower = self.name.to_ascii_lowercase();
            let cut = [".gzip", ".gz", ".zip"]
                .iter()
                .find(|s| lower.ends_with(*s))
                .map_or(0, |s| s.len());
            self.name[..self.name.len() - cut].to_string()
        });
        StreamFile {
            role: self.role.clone(),
            name: format!("{inner} in {}", self.name),
            bytes: None,
            entry: None,
        }
    }
}

/// The session of any streamed use case as its caller drives it: the file's bytes go through
/// `tabular`'s [`Unpacker`] (the page's and the reader's unpacking of `.gz` and `.zip`), so that
/// the session reads text whether the user has `train_numeric.csv` or `train_numeric.csv.zip`.
struct Unpacking {
    inner: Box<dyn StreamSession>,
    files: Vec<StreamFile>,
    unpacker: Option<Unpacker>,
    /// The pass is fed rows parsed (and unpacked) elsewhere.
    rows: bool,
}

impl Unpacking {
    /// The unpacker of the pass being read, made at its first chunk.
    fn unpacker(&mut self) -> Result<&mut Unpacker, UseCaseError> {
        if self.unpacker.is_none() {
            let Next::Read { role, .. } = self.inner.next() else {
                return Err(UseCaseError::Input("no file is being read now".into()));
            };
            let file = self
                .files
                .iter()
                .find(|f| f.role == role)
                .ok_or_else(|| UseCaseError::Input(format!("no {role} file was given")))?;
            let mut unpacker = Unpacker::new(&file.name);
            if let Some(entry) = &file.entry {
                unpacker = unpacker.entry(entry);
            }
            self.unpacker = Some(unpacker);
        }
        Ok(self.unpacker.as_mut().expect("made above"))
    }
}

/// Feeds text to `inner`, keeping its error (the unpacker stops on a stand-in).
fn feed<'a>(
    inner: &'a mut Box<dyn StreamSession>,
    failure: &'a mut Option<UseCaseError>,
) -> impl FnMut(&[u8]) -> Result<(), tabular::CsvError> + 'a {
    move |text| {
        inner.push(text).map_err(|e| {
            *failure = Some(e);
            tabular::CsvError::new("", tabular::ErrorKind::Invalid(String::new()))
        })
    }
}

impl StreamSession for Unpacking {
    fn next(&self) -> Next {
        self.inner.next()
    }

    fn push(&mut self, chunk: &[u8]) -> Result<(), UseCaseError> {
        if self.rows {
            return Err(UseCaseError::Input(
                "this pass is read as rows: its text cannot be pushed too".into(),
            ));
        }
        self.unpacker()?;
        let mut failure = None;
        let unpacker = self.unpacker.as_mut().expect("made above");
        let result = unpacker.push(chunk, &mut feed(&mut self.inner, &mut failure));
        match failure {
            Some(e) => Err(e),
            None => result.map_err(UseCaseError::from),
        }
    }

    fn reading(&self) -> Option<Reading> {
        let mut reading = self.inner.reading()?;
        let file = self.files.iter().find(|f| f.role == reading.role)?;
        reading.file = file.name.clone();
        reading.entry = file.entry.clone();
        Some(reading)
    }

    fn push_rows(&mut self, batch: &[u8]) -> Result<(), UseCaseError> {
        if self.unpacker.is_some() {
            return Err(UseCaseError::Input(
                "this pass is read as text: its rows cannot be pushed too".into(),
            ));
        }
        self.rows = true;
        self.inner.push_rows(batch)
    }

    fn end_pass(&mut self) -> Result<(), UseCaseError> {
        if std::mem::take(&mut self.rows) {
            return self.inner.end_pass();
        }
        self.unpacker()?;
        let unpacker = self.unpacker.take().expect("made above");
        let mut failure = None;
        let result = unpacker.finish(&mut feed(&mut self.inner, &mut failure));
        if let Some(e) = failure {
            return Err(e);
        }
        result?;
        self.inner.end_pass()
    }

    fn step(&mut self, max_units: u64) -> Result<(), UseCaseError> {
        self.inner.step(max_units)
    }

    fn progress(&self) -> Progress {
        self.inner.progress()
    }

    fn live(&self) -> Value {
        self.inner.live()
    }

    fn take_output(&mut self, key: &str) -> Vec<u8> {
        self.inner.take_output(key)
    }

    fn finish(self: Box<Self>) -> Result<Box<dyn Fitted>, UseCaseError> {
        self.inner.finish()
    }
}

/// How the rows of a pass may be parsed apart from the session (in another worker or thread):
/// a [`tabular::rows::batch::RowParser`] made from it reads the file's chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// The input's role.
    pub role: String,
    /// The text's name, as errors name it.
    pub name: String,
    /// The file as given (an archive, when packed).
    pub file: String,
    /// For an archive, the CSV file in it to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// How its rows are read.
    pub options: tabular::rows::RowsOptions,
}

impl Reading {
    /// The parser of this pass's chunks.
    pub fn parser(&self) -> tabular::rows::batch::RowParser {
        tabular::rows::batch::RowParser::new(
            &self.name,
            &self.file,
            self.entry.as_deref(),
            self.options.clone(),
        )
    }
}

/// What a session asks of its caller next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Next {
    /// Read the input `role` from its first byte: push its chunks, then end the pass.
    Read {
        /// The input's role.
        role: String,
        /// 1-based number of this pass over the inputs ...
        pass: u32,
        /// ... of this many planned so far (the plan may grow once the first pass is read).
        passes: u32,
    },
    /// Call [`StreamSession::step`].
    Work,
    /// Call [`StreamSession::finish`].
    Done,
}

/// A running streamed use case: see the module documentation.
pub trait StreamSession {
    /// What the caller should do next.
    fn next(&self) -> Next;

    /// The next chunk of the file [`Next::Read`] asked for.
    fn push(&mut self, chunk: &[u8]) -> Result<(), UseCaseError>;

    /// How the file [`Next::Read`] asks for may be parsed elsewhere, before its first chunk is
    /// pushed: `None` when the session reads this pass as text only.
    fn reading(&self) -> Option<Reading> {
        None
    }

    /// Instead of [`push`](StreamSession::push)ing the file's text, the next batch of its
    /// rows, parsed elsewhere as [`reading`](StreamSession::reading) said (the bytes of
    /// [`tabular::rows::batch::RowParser`]); the session then asks for [`Next::Work`] until
    /// the batch's rows are used. The pass's last batch comes from the parser's `finish`.
    fn push_rows(&mut self, _batch: &[u8]) -> Result<(), UseCaseError> {
        Err(UseCaseError::Input(
            "this use case reads its files as text only".into(),
        ))
    }

    /// The file [`Next::Read`] asked for has ended.
    fn end_pass(&mut self) -> Result<(), UseCaseError>;

    /// Does at most `max_units` units of the work [`Next::Work`] asked for (parts of a stream).
    fn step(&mut self, max_units: u64) -> Result<(), UseCaseError>;

    /// How far the run has got.
    fn progress(&self) -> Progress;

    /// What the view draws while the run goes on: of bounded size, whatever the stream's length.
    fn live(&self) -> Value;

    /// The bytes of streamed output `key` written since the last call (empty for an output not
    /// asked for at the start).
    fn take_output(&mut self, key: &str) -> Vec<u8>;

    /// Ends the run (every pass read, or the caller stops following a growing file).
    fn finish(self: Box<Self>) -> Result<Box<dyn Fitted>, UseCaseError>;
}

/// A use case read as a stream: its parameters, its inputs and outputs, and its session.
pub trait StreamingUseCase {
    /// Its name in the catalogue: the facade's key and the command line's subcommand.
    const NAME: &'static str;
    /// What the user sets.
    type Params: Params;
    /// A running stream.
    type Session: StreamSession + 'static;

    /// The inputs it reads.
    fn inputs() -> &'static [StreamInput];

    /// The downloads it streams out as it runs ([`Download::streamed`]): the caller asks for
    /// those it keeps and drains them with [`StreamSession::take_output`].
    fn outputs() -> Vec<Download>;

    /// Starts a session on `files` (by role), writing the streamed `outputs` asked for.
    fn start(
        files: &[StreamFile],
        params: &Self::Params,
        outputs: &[String],
    ) -> Result<Self::Session, UseCaseError>;
}

/// Reads JSON parameters and starts a session: a streamed use case with its types erased.
pub type StartFn =
    fn(&[StreamFile], &Value, &[String]) -> Result<Box<dyn StreamSession>, UseCaseError>;

pub(crate) fn start_erased<S: StreamingUseCase>(
    files: &[StreamFile],
    params: &Value,
    outputs: &[String],
) -> Result<Box<dyn StreamSession>, UseCaseError> {
    let params: S::Params = crate::params::from_json(params)?;
    for input in S::inputs() {
        let given = files.iter().filter(|f| f.role == input.role).count();
        if input.required && given == 0 {
            return Err(UseCaseError::Input(format!(
                "the {} use case needs its {} file{}",
                S::NAME,
                input.role,
                input
                    .file
                    .map_or(String::new(), |f| format!(" ({})", f.public_name()))
            )));
        }
        if given > 1 {
            return Err(UseCaseError::Input(format!(
                "one {} file at a time, {given} were given",
                input.role
            )));
        }
    }
    if let Some(unknown) = files
        .iter()
        .find(|f| !S::inputs().iter().any(|i| i.role == f.role))
    {
        let roles: Vec<&str> = S::inputs().iter().map(|i| i.role).collect();
        return Err(UseCaseError::Input(format!(
            "no input called {}: the {} use case reads {}",
            unknown.role,
            S::NAME,
            roles.join(", ")
        )));
    }
    let unpacked: Vec<StreamFile> = files.iter().map(StreamFile::unpacked).collect();
    let inner = Box::new(S::start(&unpacked, &params, outputs)?);
    Ok(Box::new(Unpacking {
        inner,
        files: files.to_vec(),
        unpacker: None,
        rows: false,
    }))
}

/// Drives `session` over files the caller reads with `open(role)` (a reader from the file's
/// first byte), in chunks of `chunk` bytes, to the end; `on_tick` hears the session after every
/// chunk and step and answers `false` to cancel. What the command line and the tests do with
/// files on disk or in memory; the page's worker runs the same loop with `file.stream()`.
pub fn drive(
    session: Box<dyn StreamSession>,
    open: &mut dyn FnMut(&str) -> std::io::Result<Box<dyn std::io::Read>>,
    chunk: usize,
    on_tick: &mut dyn FnMut(&mut dyn StreamSession) -> bool,
) -> Result<Box<dyn Fitted>, UseCaseError> {
    drive_parsing(session, open, chunk, false, on_tick)
}

/// [`drive`], the passes the session lets be parsed apart ([`StreamSession::reading`]) given
/// as batches of rows parsed here when `apart`: the way the page's two workers share a pass, on
/// one thread (the engine's warm-up runs what both workers run).
pub fn drive_parsing(
    mut session: Box<dyn StreamSession>,
    open: &mut dyn FnMut(&str) -> std::io::Result<Box<dyn std::io::Read>>,
    chunk: usize,
    apart: bool,
    on_tick: &mut dyn FnMut(&mut dyn StreamSession) -> bool,
) -> Result<Box<dyn Fitted>, UseCaseError> {
    let mut buffer = vec![0u8; chunk.max(1)];
    loop {
        match session.next() {
            Next::Done => return session.finish(),
            Next::Work => session.step(STEP_UNITS)?,
            Next::Read { role, .. } => {
                let mut reader = open(&role)?;
                let mut parser = session.reading().filter(|_| apart).map(|r| r.parser());
                while let Some(n) = read_some(&mut reader, &mut buffer)? {
                    match parser.as_mut() {
                        Some(parser) => push_batch(session.as_mut(), &parser.push(&buffer[..n])?)?,
                        None => session.push(&buffer[..n])?,
                    }
                    if !on_tick(session.as_mut()) {
                        return Err(UseCaseError::Cancelled);
                    }
                }
                if let Some(parser) = parser {
                    push_batch(session.as_mut(), &parser.finish(&[])?)?;
                }
                session.end_pass()?;
            }
        }
        if !on_tick(session.as_mut()) {
            return Err(UseCaseError::Cancelled);
        }
    }
}

/// Pushes a batch of rows parsed apart and does the work of using them.
fn push_batch(session: &mut dyn StreamSession, batch: &[u8]) -> Result<(), UseCaseError> {
    session.push_rows(batch)?;
    while session.next() == Next::Work {
        session.step(STEP_UNITS)?;
    }
    Ok(())
}

/// [`drive`] on two threads: a pass the session lets be parsed apart
/// ([`StreamSession::reading`]) is read and parsed on a thread of its own, a few batches ahead,
/// while this one scores and learns; the same result as [`drive`]'s, sooner on two cores.
#[cfg(not(target_arch = "wasm32"))]
pub fn drive_in_two(
    mut session: Box<dyn StreamSession>,
    open: &mut dyn FnMut(&str) -> std::io::Result<Box<dyn std::io::Read + Send>>,
    chunk: usize,
    on_tick: &mut dyn FnMut(&mut dyn StreamSession) -> bool,
) -> Result<Box<dyn Fitted>, UseCaseError> {
    let chunk = chunk.max(1);
    loop {
        match session.next() {
            Next::Done => return session.finish(),
            Next::Work => session.step(STEP_UNITS)?,
            Next::Read { role, .. } => {
                let mut reader = open(&role)?;
                match session.reading() {
                    Some(reading) => rows_apart(session.as_mut(), reading, reader, chunk, on_tick)?,
                    None => {
                        let mut buffer = vec![0u8; chunk];
                        while let Some(n) = read_some(&mut reader, &mut buffer)? {
                            session.push(&buffer[..n])?;
                            if !on_tick(session.as_mut()) {
                                return Err(UseCaseError::Cancelled);
                            }
                        }
                    }
                }
                session.end_pass()?;
            }
        }
        if !on_tick(session.as_mut()) {
            return Err(UseCaseError::Cancelled);
        }
    }
}

/// Batches a parsing thread may be ahead of the session: bounds the memory they hold.
#[cfg(not(target_arch = "wasm32"))]
const BATCHES_AHEAD: usize = 8;

/// One pass parsed on a thread of its own, its batches pushed and their rows used here.
#[cfg(not(target_arch = "wasm32"))]
fn rows_apart(
    session: &mut dyn StreamSession,
    reading: Reading,
    mut reader: Box<dyn std::io::Read + Send>,
    chunk: usize,
    on_tick: &mut dyn FnMut(&mut dyn StreamSession) -> bool,
) -> Result<(), UseCaseError> {
    std::thread::scope(|scope| {
        let (send, batches) = std::sync::mpsc::sync_channel(BATCHES_AHEAD);
        scope.spawn(move || {
            let mut parser = reading.parser();
            let mut buffer = vec![0u8; chunk];
            loop {
                let batch = match read_some(&mut reader, &mut buffer) {
                    Ok(Some(n)) => parser.push(&buffer[..n]).map_err(UseCaseError::from),
                    Ok(None) => break,
                    Err(e) => Err(e),
                };
                let failed = batch.is_err();
                // The session stopped (an error, a cancel): so does the parsing.
                if send.send(batch).is_err() || failed {
                    return;
                }
            }
            let _ = send.send(parser.finish(&[]).map_err(UseCaseError::from));
        });
        // Leaving early drops `batches`, which stops the parsing thread at its next batch.
        for batch in batches {
            push_batch(session, &batch?)?;
            if !on_tick(session) {
                return Err(UseCaseError::Cancelled);
            }
        }
        Ok(())
    })
}

/// The next bytes of `reader` (`None` at its end), a read interrupted by a signal retried.
fn read_some(
    reader: &mut dyn std::io::Read,
    buffer: &mut [u8],
) -> Result<Option<usize>, UseCaseError> {
    loop {
        match reader.read(buffer) {
            Ok(0) => return Ok(None),
            Ok(n) => return Ok(Some(n)),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Units of work a driver asks for per [`StreamSession::step`] when it has no pace to keep.
pub const STEP_UNITS: u64 = 5_000;
