//! `vitrine profile FILE...`: streams each CSV file through the same parser as the page (1 MiB
//! chunks), and prints its columns' types, missing values and distinct counts, which public
//! dataset each file is, and which use cases the files make ready.

use serde::Serialize;
use std::path::{Path, PathBuf};
use tabular::profile::{profile, ColumnProfile, TableProfile, TopValue};
use tabular::KnownFile;
use tabular::{ColumnKind, ReadOptions};
use usecases::catalogue::{statuses, UseCaseStatus};

use crate::input::read_table;

const USAGE: &str = "usage: vitrine profile FILE...";
#[derive(Serialize)]
struct Report {
    files: Vec<FileOut>,
    /// The public dataset the recognised files belong to, when they agree on one.
    dataset: Option<String>,
    use_cases: Vec<UseCaseStatus>,
}

#[derive(Serialize)]
struct FileOut {
    path: String,
    rows: u64,
    bytes: u64,
    delimiter: String,
    encoding: String,
    decimal_comma: bool,
    dataset: Option<KnownFile>,
    columns: Vec<ColumnOut>,
}

#[derive(Serialize)]
struct ColumnOut {
    name: String,
    #[serde(rename = "type")]
    kind: ColumnKind,
    missing: u64,
    missing_share: f64,
    distinct: u64,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    min_label: Option<String>,
    max_label: Option<String>,
    top: Vec<TopValue>,
}

impl From<ColumnProfile> for ColumnOut {
    fn from(c: ColumnProfile) -> ColumnOut {
        ColumnOut {
            name: c.name,
            kind: c.kind,
            missing: c.missing,
            missing_share: c.missing_share,
            distinct: c.distinct,
            min: c.min,
            max: c.max,
            mean: c.mean,
            min_label: c.min_label,
            max_label: c.max_label,
            top: c.top,
        }
    }
}

/// Parses the arguments, profiles each file, prints the JSON report.
pub fn run(mut parser: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut paths: Vec<PathBuf> = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Value(v) => paths.push(v.into()),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    if paths.is_empty() {
        return Err(format!("no file given\n{USAGE}"));
    }
    let mut files = Vec::new();
    for path in &paths {
        let table = profile_file(path)?;
        files.push(table);
    }
    let known: Vec<KnownFile> = files.iter().filter_map(|f| f.dataset).collect();
    let families: Vec<String> = known.iter().filter_map(family).collect();
    let dataset = match families.first() {
        Some(first) if families.iter().all(|f| f == first) => Some(first.clone()),
        _ => None,
    };
    let report = Report {
        files: files.into_iter().map(file_out).collect(),
        dataset,
        use_cases: statuses(&known),
    };
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// "rossmann" from "rossmann.train".
fn family(file: &KnownFile) -> Option<String> {
    let value = serde_json::to_value(file).ok()?;
    Some(value.as_str()?.split('.').next()?.to_string())
}

fn file_out(p: TableProfile) -> FileOut {
    FileOut {
        path: p.file,
        rows: p.rows,
        bytes: p.bytes,
        delimiter: p.delimiter,
        encoding: p.encoding,
        decimal_comma: p.decimal_comma,
        dataset: p.dataset,
        columns: p.columns.into_iter().map(ColumnOut::from).collect(),
    }
}

/// Streams one file through the parser and profiles the table.
fn profile_file(path: &Path) -> Result<TableProfile, String> {
    let (table, _) = read_table(path, ReadOptions::default())?;
    Ok(profile(&table))
}
