//! The shape every use case has, so that a reader of one has read them all, and so that the
//! page's facade and the command line run any of them the same way:
//!
//! - a parameter struct declared with [`params!`](crate::params!) (camelCase JSON names, defaults,
//!   help) with a [`Check`](crate::params::Check) naming the parameter at fault;
//! - typed inputs taken from the loaded tables ([`UseCase::inputs`], errors naming the missing
//!   file or column);
//! - one `run(inputs, &params, on_progress)` reporting [`Progress`] and honouring a cancel;
//! - a [`Fitted`] result that serialises the report the view draws first (snake_case fields,
//!   the same JSON the command line prints), answers the view's follow-up questions without
//!   running again, and writes its downloads.
//!
//! A use case whose inputs are too large to load (a 2 GB file read as a stream) has the same
//! parameters and fitted result, and a session its caller feeds chunks instead of a run on
//! tables: [`crate::streaming`]. The catalogue holds both kinds as a [`Runner`] with its
//! [`Mode`].

use std::io::Write;

use serde::Serialize;
use serde_json::Value;
use tabular::{KnownFile, Table};

use crate::compact::Compact;
use crate::params::{self, Documented, ParamDoc, Params};
use crate::pool::{plan_erased, PlanFn, Pooled};
use crate::progress::{OnProgress, Progress};
use crate::streaming::{StartFn, StreamInput, StreamingUseCase};
use crate::UseCaseError;

/// The tables a run may take its inputs from: the page's registry of loaded files, or the files
/// the command line was given.
pub trait Tables {
    /// The loaded table recognised (by its header) as the public file `file`.
    fn recognised(&self, file: KnownFile) -> Option<&Table>;

    /// The loaded table named `name`.
    fn named(&self, name: &str) -> Option<&Table>;

    /// The loaded text file named `name` that is not a table (a model file in JSON), which a
    /// use case's parameter names. None by default.
    fn document(&self, name: &str) -> Option<&str> {
        let _ = name;
        None
    }

    /// The compact form a use case read the loaded table `name` into ([`crate::compact`]): how
    /// a file too large to hold as a table is still read. None by default.
    fn compact(&self, name: &str) -> Option<&Compact> {
        let _ = name;
        None
    }

    /// As [`Tables::document`], or the error naming what the parameter `param` asked for.
    fn require_document(&self, param: &str, name: &str) -> Result<&str, UseCaseError> {
        self.document(name).ok_or_else(|| {
            UseCaseError::param(param, format!("{name} is not loaded: load the file first"))
        })
    }

    /// The table of `file`: the one recognised as it, else one named as the public file (a file
    /// missing a column is then read, and its error names the column, rather than "not loaded").
    fn find(&self, file: KnownFile) -> Option<&Table> {
        self.recognised(file)
            .or_else(|| self.named(file.public_name()))
    }

    /// As [`Tables::find`], or the error saying that `use_case` needs `file`.
    fn require(&self, use_case: &'static str, file: KnownFile) -> Result<&Table, UseCaseError> {
        self.find(file)
            .ok_or(UseCaseError::MissingFile { use_case, file })
    }

    /// The table named `name`, or the error saying it is not loaded.
    fn require_named(&self, name: &str) -> Result<&Table, UseCaseError> {
        self.named(name).ok_or_else(|| UseCaseError::NoTable {
            name: name.to_string(),
        })
    }
}

/// A set of tables with the public file each was recognised as: what the command line and the
/// tests hand to a run.
#[derive(Debug, Default)]
pub struct TableSet {
    tables: Vec<(Table, Option<KnownFile>)>,
    documents: Vec<(String, String)>,
    compacts: Vec<(String, Compact)>,
}

impl TableSet {
    /// An empty set.
    pub fn new() -> TableSet {
        TableSet::default()
    }

    /// Adds `table`, recognising it by its header and name; a table of the same name is replaced.
    pub fn add(&mut self, table: Table) {
        let known = tabular::dataset::recognize(&table.name, &table.file_header());
        self.tables.retain(|(t, _)| t.name != table.name);
        self.tables.push((table, known));
    }

    /// Adds the text file `name` (a model file), replacing one of the same name.
    pub fn add_document(&mut self, name: &str, text: String) {
        self.documents.retain(|(n, _)| n != name);
        self.documents.push((name.to_string(), text));
    }

    /// Keeps `compact`, the compact form of table `name`, replacing one of the same name.
    pub fn add_compact(&mut self, name: &str, compact: Compact) {
        self.compacts.retain(|(n, _)| n != name);
        self.compacts.push((name.to_string(), compact));
    }

    /// The public files recognised among the tables.
    pub fn recognised_files(&self) -> Vec<KnownFile> {
        self.tables.iter().filter_map(|(_, k)| *k).collect()
    }
}

impl Tables for TableSet {
    fn recognised(&self, file: KnownFile) -> Option<&Table> {
        self.tables
            .iter()
            .find(|(_, k)| *k == Some(file))
            .map(|(t, _)| t)
    }

    fn named(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|(t, _)| t.name == name)
            .map(|(t, _)| t)
    }

    fn document(&self, name: &str) -> Option<&str> {
        self.documents
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }

    fn compact(&self, name: &str) -> Option<&Compact> {
        self.compacts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
    }
}

/// A file a fitted result offers for download.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Download {
    /// Its key, asked for by [`Fitted::download`] (`predictions`, `model`).
    pub key: String,
    /// The file name it is saved as.
    pub file_name: String,
    /// Its media type (`text/csv`, `application/json`).
    pub media_type: &'static str,
    /// Written as a stream ran and handed to its caller as it went
    /// ([`StreamSession::take_output`](crate::streaming::StreamSession::take_output)), too long
    /// to hold: the caller keeps it, [`Fitted::download`] does not have it.
    pub streamed: bool,
}

impl Download {
    /// A CSV download.
    pub fn csv(key: &str, file_name: &str) -> Download {
        Download {
            key: key.to_string(),
            file_name: file_name.to_string(),
            media_type: "text/csv",
            streamed: false,
        }
    }

    /// A JSON download.
    pub fn json(key: &str, file_name: &str) -> Download {
        Download {
            key: key.to_string(),
            file_name: file_name.to_string(),
            media_type: "application/json",
            streamed: false,
        }
    }

    /// This download, streamed out as the run goes (see [`Download::streamed`]).
    pub fn streamed(self) -> Download {
        Download {
            streamed: true,
            ..self
        }
    }
}

/// A finished run.
pub trait Fitted {
    /// The report the view draws first and the command line prints (snake_case fields).
    fn report(&self) -> Value;

    /// Answers one of the view's follow-up questions (another store's series, another cut of
    /// the tree) from what the run kept, without running again. `args` is the question's JSON.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        let _ = args;
        Err(unknown_question(question))
    }

    /// The downloads this result offers, in the order the view lists them.
    fn downloads(&self) -> Vec<Download> {
        Vec::new()
    }

    /// Writes the download `key`.
    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        let _ = out;
        Err(unknown_download("this result", key))
    }
}

/// The error for a download `what` (a forecast, 4.1 ...) does not offer.
pub fn unknown_download(what: &str, key: &str) -> UseCaseError {
    UseCaseError::Unavailable(format!("{what} has no download named {key}"))
}

/// The error for a question a result or a use case does not answer.
pub fn unknown_question(question: &str) -> UseCaseError {
    UseCaseError::Unavailable(format!("no question named {question}"))
}

/// Reads a follow-up question's arguments (JSON) into `T`, naming the question when they do not
/// fit.
pub fn question_args<T: serde::de::DeserializeOwned>(
    question: &str,
    args: &Value,
) -> Result<T, UseCaseError> {
    serde_json::from_value(args.clone())
        .map_err(|e| UseCaseError::param(question, format!("arguments: {e}")))
}

/// A use case: its parameters, the inputs it takes from the loaded tables, its run and its
/// fitted result.
pub trait UseCase {
    /// Its name in the catalogue: the facade's key and the command line's subcommand.
    const NAME: &'static str;
    /// What the user sets.
    type Params: Params;
    /// The typed inputs, borrowed from the loaded tables.
    type Inputs<'a>;
    /// The finished run.
    type Fitted: Fitted + 'static;

    /// Takes the inputs from `tables`, with errors naming the missing file or table.
    fn inputs<'a>(
        tables: &'a dyn Tables,
        params: &Self::Params,
    ) -> Result<Self::Inputs<'a>, UseCaseError>;

    /// Runs, reporting progress; a `false` from `on_progress` cancels.
    fn run(
        inputs: Self::Inputs<'_>,
        params: &Self::Params,
        on_progress: OnProgress<'_>,
    ) -> Result<Self::Fitted, UseCaseError>;

    /// Answers a question the view asks before a run, from the loaded tables (what an
    /// imputation would take, where the holes are). None by default.
    fn preview(tables: &dyn Tables, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        let _ = (tables, args);
        Err(unknown_question(question))
    }
}

/// Reads JSON parameters, takes the inputs from the tables and runs, reporting progress.
pub type RunFn = fn(&dyn Tables, &Value, OnProgress<'_>) -> Result<Box<dyn Fitted>, UseCaseError>;

/// Answers a question before a run, from the loaded tables.
pub type PreviewFn = fn(&dyn Tables, &str, &Value) -> Result<Value, UseCaseError>;

/// How a use case takes its inputs.
#[derive(Clone, Copy)]
pub enum Mode {
    /// From loaded tables, in one call ([`UseCase`]).
    Tables {
        /// Reads JSON parameters, takes the inputs and runs.
        run: RunFn,
        /// Answers a question before a run.
        preview: PreviewFn,
    },
    /// From files read as a stream by a session its caller drives
    /// ([`StreamingUseCase`](crate::streaming::StreamingUseCase)).
    Stream {
        /// The inputs it reads.
        inputs: fn() -> &'static [StreamInput],
        /// The downloads it streams out.
        outputs: fn() -> Vec<Download>,
        /// Reads JSON parameters and starts a session.
        start: StartFn,
    },
}

/// A use case with its types erased, as the catalogue holds it: what the facade and the
/// command line call by name.
#[derive(Clone, Copy)]
pub struct Runner {
    /// The parameters with their help and defaults.
    pub params: fn() -> Vec<ParamDoc>,
    /// How it runs.
    pub mode: Mode,
    /// Plans the run's independent fits, for a caller that runs them on a pool of workers
    /// (`None`: the run is one call).
    pub plan: Option<PlanFn>,
}

impl Runner {
    /// The runner of `U`.
    pub const fn of<U: UseCase>() -> Runner {
        Runner {
            params: <U::Params as Documented>::docs,
            mode: Mode::Tables {
                run: run_erased::<U>,
                preview: U::preview,
            },
            plan: None,
        }
    }

    /// The runner of `U`, whose independent fits may run on a pool ([`crate::pool`]).
    pub const fn pooled<U: Pooled>() -> Runner {
        Runner {
            plan: Some(plan_erased::<U>),
            ..Runner::of::<U>()
        }
    }

    /// The runner of the streamed use case `S`.
    pub const fn streamed<S: StreamingUseCase>() -> Runner {
        Runner {
            params: <S::Params as Documented>::docs,
            mode: Mode::Stream {
                inputs: S::inputs,
                outputs: S::outputs,
                start: crate::streaming::start_erased::<S>,
            },
            plan: None,
        }
    }

    /// Whether it reads its inputs as a stream.
    pub fn is_streamed(&self) -> bool {
        matches!(self.mode, Mode::Stream { .. })
    }

    /// Its run on loaded tables, or the error saying that it reads its files as a stream.
    pub fn tables(&self, name: &str) -> Result<(RunFn, PreviewFn), UseCaseError> {
        match self.mode {
            Mode::Tables { run, preview } => Ok((run, preview)),
            Mode::Stream { .. } => Err(UseCaseError::Unavailable(format!(
                "{name} reads its files as a stream, not from loaded tables: start a stream session"
            ))),
        }
    }

    /// Its session's start, or the error saying that it runs on loaded tables.
    pub fn stream(&self, name: &str) -> Result<StartFn, UseCaseError> {
        match self.mode {
            Mode::Stream { start, .. } => Ok(start),
            Mode::Tables { .. } => Err(UseCaseError::Unavailable(format!(
                "{name} runs on loaded tables, not as a stream"
            ))),
        }
    }
}

fn run_erased<U: UseCase>(
    tables: &dyn Tables,
    params: &Value,
    on_progress: OnProgress<'_>,
) -> Result<Box<dyn Fitted>, UseCaseError> {
    let params: U::Params = params::from_json(params)?;
    let inputs = U::inputs(tables, &params)?;
    Ok(Box::new(U::run(inputs, &params, on_progress)?))
}

/// A report as JSON (reports always serialise: plain numbers, strings and lists).
pub fn report_json<T: Serialize>(report: &T) -> Value {
    serde_json::to_value(report).unwrap_or_default()
}

/// Reports the start of `stage` at `fraction` of the run.
pub fn stage(
    on_progress: OnProgress<'_>,
    stage: &'static str,
    fraction: f64,
) -> Result<(), UseCaseError> {
    crate::progress::report(
        on_progress,
        Progress {
            stage,
            done: 0,
            total: 0,
            fraction,
            value: None,
        },
    )
}
