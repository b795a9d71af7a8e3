//! `vitrine impute --input F [--m M] [--columns REGEX | --names A,B] [--seed S] [--empri X]
//! [--tolerance T] [--budget-gb G] [--round] [--bounds-observed] [--out DIR] [--long]
//! [--summary]`: multiple imputation by bootstrap EM (use case 2.1); `--help` lists every
//! parameter with its default. Prints the report as JSON; with `--out`, writes the M completed
//! datasets there (`imputed_1.csv`.. or one `imputed_long.csv` with `--long`). `--summary` prints
//! the missingness summary (by line, station and visit pattern) instead of imputing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use tabular::ReadOptions;
use usecases::impute::{self, ImputeParams, TOP_PATTERNS};

use crate::args::{self, Alias, Own};
use crate::input::read_table;

const OWN: &[Own] = &[
    Own {
        name: "input",
        value: true,
        help: "FILE  the numeric CSV to impute (Bosch train_numeric.csv or any)",
    },
    Own {
        name: "out",
        value: true,
        help: "DIR   write the M completed datasets there (imputed_1.csv ...)",
    },
    Own {
        name: "long",
        value: false,
        help: "      with --out: one imputed_long.csv with an .imp column instead",
    },
    Own {
        name: "summary",
        value: false,
        help: "      print where the holes are (by line, station, visit pattern) instead",
    },
];

const ALIASES: &[Alias] = &[
    Alias {
        flag: "names",
        param: "columns",
        value: true,
        value_of: |names| Ok(names.to_string()),
    },
    Alias {
        flag: "budget-gb",
        param: "memory-budget",
        value: true,
        value_of: |gb| match gb.parse::<f64>() {
            Ok(gb) if gb.is_finite() && gb > 0.0 => Ok(((gb * 1e9) as u64).to_string()),
            _ => Err("expected a positive number".into()),
        },
    },
    Alias {
        flag: "round",
        param: "round-integers",
        value: false,
        value_of: |_| Ok("true".into()),
    },
    Alias {
        flag: "bounds-observed",
        param: "bound-to-observed",
        value: false,
        value_of: |_| Ok("true".into()),
    },
];

/// Parses the arguments, reads the file, imputes (or summarises), prints JSON, writes the files.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<ImputeParams>(parser, "impute", OWN, ALIASES)? else {
        return Ok(());
    };
    let mut params = args.params.clone();
    let input = args.path("input").ok_or_else(|| {
        format!(
            "no --input file given\n{}",
            args::usage::<ImputeParams>("impute", OWN, ALIASES)
        )
    })?;
    // Only the columns the selection needs are read: one station group of Bosch's 2 GB file
    // fits where the whole file would not.
    let options = match (&params.columns, args.switch("summary")) {
        (impute::ColumnSelection::All, _) | (_, true) => ReadOptions::default(),
        (selection, false) => {
            let header = tabular::read_path_header(&input).map_err(|e| e.to_string())?;
            ReadOptions {
                columns: Some(impute::columns_to_read(&header, selection)),
                ..ReadOptions::default()
            }
        }
    };
    let (table, _) = read_table(&input, options)?;
    if args.switch("summary") {
        let summary = impute::summarize(&table, TOP_PATTERNS);
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    params.table = Some(table.name.clone());
    let plan = impute::plan(&table, &params).map_err(|e| e.to_string())?;
    eprintln!(
        "imputing {} columns over {} rows ({} left out), {} holes, about {:.0} MB",
        plan.columns.len(),
        plan.rows_used,
        plan.rows_left_out,
        plan.missing_cells,
        plan.memory_bytes as f64 / 1e6
    );
    let imputed = impute::run(&table, &params, &mut |p| {
        if p.stage == "draw" {
            eprintln!("dataset {}/{} drawn", p.done, p.total);
        }
        true
    })
    .map_err(|e| e.to_string())?;
    drop(table);

    let mut files = Vec::new();
    if let Some(dir) = args.path("out") {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if args.switch("long") {
            let path = dir.join("imputed_long.csv");
            write(&path, |w| imputed.write_long(w))?;
            files.push(path);
        } else {
            for k in 0..params.m {
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
