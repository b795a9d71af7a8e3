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

use std::io::Write;

use serde::Serialize;
use serde_json::Value;
use tabular::{KnownFile, Table};

use crate::params::{self, Documented, ParamDoc, Params};
use crate::progress::{OnProgress, Progress};
use crate::UseCaseError;

/// The tables a run may take its inputs from: the page's registry of loaded files, or the files
/// the command line was given.
pub trait Tables {
    /// The loaded table recognised (by its header) as the public file `file`.
    fn recognised(&self, file: KnownFile) -> Option<&Table>;

    /// The loaded table named `name`.
    fn named(&self, name: &str) -> Option<&Table>;

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
}

impl TableSet {
    /// An empty set.
    pub fn new() -> TableSet {
        TableSet::default()
    }

    /// Adds `table`, recognising it by its header and name; a table of the same name is replaced.
    pub fn add(&mut self, table: Table) {
        let header: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let known = tabular::dataset::recognize(&table.name, &header);
        self.tables.retain(|(t, _)| t.name != table.name);
        self.tables.push((table, known));
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
}

impl Download {
    /// A CSV download.
    pub fn csv(key: &str, file_name: &str) -> Download {
        Download {
            key: key.to_string(),
            file_name: file_name.to_string(),
            media_type: "text/csv",
        }
    }

    /// A JSON download.
    pub fn json(key: &str, file_name: &str) -> Download {
        Download {
            key: key.to_string(),
            file_name: file_name.to_string(),
            media_type: "application/json",
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
        Err(UseCaseError::Unavailable(format!(
            "this result has no download named {key}"
        )))
    }
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

/// A use case with its types erased, as the catalogue holds it: what the facade and the
/// command line call by name.
#[derive(Clone, Copy)]
pub struct Runner {
    /// The parameters with their help and defaults.
    pub params: fn() -> Vec<ParamDoc>,
    /// Reads JSON parameters, takes the inputs and runs.
    pub run: RunFn,
    /// Answers a question before a run.
    pub preview: fn(&dyn Tables, &str, &Value) -> Result<Value, UseCaseError>,
}

impl Runner {
    /// The runner of `U`.
    pub const fn of<U: UseCase>() -> Runner {
        Runner {
            params: <U::Params as Documented>::docs,
            run: run_erased::<U>,
            preview: U::preview,
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
