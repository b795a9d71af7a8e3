//! `vitrine impute --input F [--m M] [--columns REGEX | --names A,B] [--seed S] [--empri X]
//! [--tolerance T] [--budget-gb G] [--round] [--bounds-observed] [--out DIR] [--long] [--summary]`: multiple imputation by
//! bootstrap EM (use case 2.1). Prints the report as JSON; with `--out`, writes the M completed
//! datasets there (`imputed_1.csv`.. or one `imputed_long.csv` with `--long`). `--summary` prints
//! the missingness summary (by line, station and visit pattern) instead of imputing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tabular::ReadOptions;
use usecases::impute::{self, ColumnSelection, ImputeParams, Progress, Stage};

use crate::input::read_table;

const USAGE: &str = "usage: vitrine impute --input FILE [--m M] [--columns REGEX | --names A,B] \
[--seed S] [--empri X] [--tolerance T] [--budget-gb G] [--round] [--bounds-observed] [--out DIR] \
[--long] [--summary]";

struct Args {
    input: PathBuf,
    params: ImputeParams,
    out: Option<PathBuf>,
    long: bool,
    summary: bool,
}

fn number<T: std::str::FromStr>(parser: &mut lexopt::Parser, name: &str) -> Result<T, String> {
    let value = parser.value().map_err(|e| e.to_string())?;
    let text = value.to_string_lossy();
    text.parse()
        .map_err(|_| format!("--{name}: expected a number, found \"{text}\""))
}

fn parse(mut parser: lexopt::Parser) -> Result<Option<Args>, String> {
    use lexopt::prelude::*;
    let mut input = None;
    let mut params = ImputeParams::default();
    let (mut out, mut long, mut summary) = (None, false, false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("input") => {
                input = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
            }
            Long("m") => params.m = number(&mut parser, "m")?,
            Long("seed") => params.seed = number(&mut parser, "seed")?,
            Long("empri") => params.empri = number(&mut parser, "empri")?,
            Long("tolerance") => params.tolerance = number(&mut parser, "tolerance")?,
            Long("budget-gb") => {
                let gb: f64 = number(&mut parser, "budget-gb")?;
                if !(gb.is_finite() && gb > 0.0) {
                    return Err("--budget-gb: expected a positive number".into());
                }
                params.memory_budget = (gb * 1e9) as u64;
            }
            Long("columns") => {
                let v = parser.value().map_err(|e| e.to_string())?;
                params.columns = ColumnSelection::Pattern(v.to_string_lossy().into_owned());
            }
            Long("names") => {
                let v = parser.value().map_err(|e| e.to_string())?;
                params.columns = ColumnSelection::Names(
                    v.to_string_lossy().split(',').map(str::to_string).collect(),
                );
            }
            Long("out") => out = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?)),
            Long("long") => long = true,
            Long("round") => params.round_integers = true,
            Long("bounds-observed") => params.bound_to_observed = true,
            Long("summary") => summary = true,
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let input = input.ok_or_else(|| format!("no --input file given\n{USAGE}"))?;
    Ok(Some(Args {
        input,
        params,
        out,
        long,
        summary,
    }))
}

/// Parses the arguments, reads the file, imputes (or summarises), prints JSON, writes the files.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = parse(parser)? else {
        return Ok(());
    };
    args.params.check().map_err(|e| e.to_string())?;
    let (table, _) = read_table(&args.input, ReadOptions::default())?;
    if args.summary {
        let summary = impute::summarize(&table, 20);
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    let plan = impute::plan(&table, &args.params).map_err(|e| e.to_string())?;
    eprintln!(
        "imputing {} columns over {} rows ({} left out), {} holes, about {:.0} MB",
        plan.columns.len(),
        plan.rows_used,
        plan.rows_left_out,
        plan.missing_cells,
        plan.memory_bytes as f64 / 1e6
    );
    let started = Instant::now();
    let mut on_progress = |p: Progress| {
        if p.stage == Stage::Draw {
            eprintln!(
                "dataset {}/{} drawn after {} EM iterations",
                p.run, p.runs, p.iteration
            );
        }
        true
    };
    let mut imputed =
        impute::run(&table, &args.params, &mut on_progress).map_err(|e| e.to_string())?;
    imputed.report.seconds = started.elapsed().as_secs_f64();
    drop(table);

    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if args.long {
            let path = dir.join("imputed_long.csv");
            write(&path, |w| imputed.write_long(w))?;
            files.push(path);
        } else {
            for k in 0..args.params.m {
                let path = dir.join(format!("imputed_{}.csv", k + 1));
                write(&path, |w| imputed.write_dataset(k, w))?;
                files.push(path);
            }
        }
    }
    let mut json = serde_json::to_value(&imputed.report).map_err(|e| e.to_string())?;
    json["files"] = files.iter().map(|p| p.display().to_string()).collect();
    println!("{json}");
    Ok(())
}

fn write(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut w = BufWriter::new(File::create(path).map_err(fail)?);
    body(&mut w).map_err(fail)?;
    w.flush().map_err(fail)
}
