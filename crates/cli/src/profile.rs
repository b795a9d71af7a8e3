//! `vitrine profile FILE...`: streams each file through the same reader as the page (a CSV
//! file, a `.gz` of one, a `.zip` of several), and prints, for each CSV file, its columns' types,
//! missing values and distinct counts, what the reader warns of, which public dataset it is,
//! and which use cases the files make ready. A file too large to keep whole is profiled in one
//! pass (counts, missing, ranges, kinds). Exits 1 when a file cannot be read; warnings do not
//! change that.

use serde::Serialize;
use std::path::{Path, PathBuf};
use tabular::profile::{profile, ColumnProfile, TableProfile, TopValue};
use tabular::summary::SummaryProfile;
use tabular::{ColumnKind, KnownFile, ReadOptions, Warning};
use usecases::catalogue::{statuses, UseCaseStatus};

use crate::input::read_tables;

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
    /// The CSV file's name (an archive's entry is named after it).
    path: String,
    /// The archive it came from, if any.
    archive: Option<String>,
    rows: u64,
    bytes: u64,
    delimiter: String,
    encoding: String,
    decimal_comma: bool,
    dataset: Option<KnownFile>,
    /// Every column in file order: those kept with their distinct counts and top values, the
    /// others (a file too large to keep) with what one pass tells.
    columns: Vec<ColumnOut>,
    warnings: Vec<Warning>,
}

#[derive(Serialize)]
struct ColumnOut {
    name: String,
    #[serde(rename = "type")]
    kind: ColumnKind,
    missing: u64,
    missing_share: f64,
    /// `null` for a column not kept.
    distinct: Option<u64>,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    min_label: Option<String>,
    max_label: Option<String>,
    top: Vec<TopValue>,
    kept: bool,
}

impl From<ColumnProfile> for ColumnOut {
    fn from(c: ColumnProfile) -> ColumnOut {
        ColumnOut {
            name: c.name,
            kind: c.kind,
            missing: c.missing,
            missing_share: c.missing_share,
            distinct: Some(c.distinct),
            min: c.min,
            max: c.max,
            mean: c.mean,
            min_label: c.min_label,
            max_label: c.max_label,
            top: c.top,
            kept: true,
        }
    }
}

impl From<SummaryProfile> for ColumnOut {
    fn from(c: SummaryProfile) -> ColumnOut {
        ColumnOut {
            name: c.name,
            kind: c.kind,
            missing: c.missing,
            missing_share: c.missing_share,
            distinct: None,
            min: c.min,
            max: c.max,
            mean: c.mean,
            min_label: c.min_label,
            max_label: c.max_label,
            top: Vec::new(),
            kept: false,
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
        files.extend(profile_file(path)?);
    }
    let known: Vec<KnownFile> = files.iter().filter_map(|(f, _)| f.dataset).collect();
    let families: Vec<String> = known.iter().filter_map(family).collect();
    let dataset = match families.first() {
        Some(first) if families.iter().all(|f| f == first) => Some(first.clone()),
        _ => None,
    };
    let report = Report {
        files: files
            .into_iter()
            .map(|(p, archive)| file_out(p, archive))
            .collect(),
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

fn file_out(p: TableProfile, archive: Option<String>) -> FileOut {
    let mut columns: Vec<ColumnOut> = p.columns.into_iter().map(ColumnOut::from).collect();
    columns.extend(p.skipped.into_iter().map(ColumnOut::from));
    FileOut {
        path: p.file,
        archive,
        rows: p.rows,
        bytes: p.bytes,
        delimiter: p.delimiter,
        encoding: p.encoding,
        decimal_comma: p.decimal_comma,
        dataset: p.dataset,
        columns,
        warnings: p.warnings,
    }
}

/// Streams one file through the reader and profiles each CSV file it holds.
fn profile_file(path: &Path) -> Result<Vec<(TableProfile, Option<String>)>, String> {
    let (tables, _) = read_tables(path, ReadOptions::default())?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    Ok(tables
        .iter()
        .map(|table| {
            let archive = name.clone().filter(|n| *n != table.name);
            (profile(table), archive)
        })
        .collect())
}
