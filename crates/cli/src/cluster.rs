//! `vitrine cluster`: use case 1.2 on the command line. Rossmann store profiles from
//! `--train` (and `--store`), or any table with one row per entity from `--table`; Gower
//! distance, hierarchical clustering, suggested k, map, cluster portraits and anomalies, printed
//! as JSON (the page's report, with the seconds each stage took).

use std::path::Path;

use tabular::{ReadOptions, Table};
use usecases::clusters::{self, ClusterInputs, ClusterParams, Source};
use usecases::Clock;

use crate::args::{self, Alias, Own};
use crate::input;

const OWN: &[Own] = &[
    Own {
        name: "train",
        value: true,
        help: "FILE  Rossmann's train.csv: one profile per store",
    },
    Own {
        name: "store",
        value: true,
        help: "FILE  store.csv, with --train",
    },
    Own {
        name: "table",
        value: true,
        help: "FILE  any table with one row per entity (instead of --train)",
    },
    Own {
        name: "save-profiles",
        value: true,
        help: "FILE  the entity table as clustered (one row per entity)",
    },
];

const ALIASES: &[Alias] = &[Alias {
    flag: "weight",
    param: "weights",
    value: true,
    value_of: |spec| match spec.rsplit_once('=') {
        Some((_, w)) if w.parse::<f64>().is_ok() => Ok(spec.to_string()),
        _ => Err(format!(
            "expects NAME=WEIGHT, e.g. promo2=0, found \"{spec}\""
        )),
    },
}];

/// Parses the arguments, clusters, prints the JSON report.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<ClusterParams>(parser, "cluster", OWN, ALIASES)? else {
        return Ok(());
    };
    let usage = || args::usage::<ClusterParams>("cluster", OWN, ALIASES);
    let mut params = args.params.clone();
    let clock = Clock::start();
    let (train, store, table) = match (args.path("train"), args.path("table")) {
        (Some(train), None) => {
            let store = args.path("store").as_deref().map(read).transpose()?;
            (Some(read(&train)?), store, None)
        }
        (None, Some(path)) if !args.switch("store") => {
            let table = read(&path)?;
            params.source = Source::Table;
            params.table = Some(table.name.clone());
            (None, None, Some(table))
        }
        (None, None) => return Err(format!("give --train (Rossmann) or --table\n{}", usage())),
        _ => {
            return Err(format!(
                "--table is for any table, --train/--store for Rossmann's files: give one\n{}",
                usage()
            ))
        }
    };
    let read_seconds = clock.lap();
    let inputs = match (&train, &table) {
        (Some(train), _) => ClusterInputs::Rossmann {
            train,
            store: store.as_ref(),
        },
        (None, Some(table)) => ClusterInputs::Table(table),
        (None, None) => unreachable!("one source was read above"),
    };
    let mut clustered = clusters::run(inputs, &params, &mut |p| {
        if p.done == 0 {
            eprintln!("{}", p.stage);
        }
        true
    })
    .map_err(|e| e.to_string())?;
    clustered.report.seconds.read = read_seconds;
    if let Some(path) = args.path("save-profiles") {
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        );
        clustered
            .entities
            .write_csv(&clustered.report.id_name, &mut file)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "{}",
        serde_json::to_string(&clustered.report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Reads a CSV file through the same streaming parser as the page.
fn read(path: &Path) -> Result<Table, String> {
    input::read_table(path, ReadOptions::default()).map(|(table, _)| table)
}
