//! `vitrine cluster`: use case 1.2 on the command line. Rossmann store profiles from
//! `--train` (and `--store`), or any table with one row per entity from `--table`; Gower
//! distance, hierarchical clustering, suggested k, map, cluster portraits and anomalies, printed
//! as JSON (the page's result, plus the seconds each stage took).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use tabular::{ReadOptions, Table};

use crate::{input, threads};
use usecases::clusters::{
    parse_linkage, rossmann_entities, store_weights, ClusterParams, ClusterResult, EntityTable,
    Stage, TableOptions,
};

const USAGE: &str = "usage: vitrine cluster (--train FILE [--store FILE] | --table FILE [--id COLUMN] [--ordinal COLUMN]... [--ignore COLUMN]...)
       [--linkage ward|average|complete|single] [--k K] [--min-k K] [--max-k K]
       [--weight NAME=W]... [--anomaly-threshold T] [--save-profiles FILE] [--threads N]";

/// Where the entities come from.
enum Source {
    Rossmann {
        train: PathBuf,
        store: Option<PathBuf>,
    },
    Table {
        path: PathBuf,
        options: TableOptions,
    },
}

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    result: ClusterResult,
    /// Wall-clock seconds per stage (not part of the page's result: it varies run to run).
    seconds: Seconds,
}

#[derive(Serialize, Default)]
struct Seconds {
    read: f64,
    profile: f64,
    distance: f64,
    tree: f64,
    map: f64,
    describe: f64,
    total: f64,
}

/// Parses the arguments, clusters, prints the JSON result.
pub fn run(mut parser: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let (mut train, mut store, mut table) = (None, None, None);
    let mut options = TableOptions::default();
    let mut params = ClusterParams::default();
    let mut weights: Vec<(String, f64)> = Vec::new();
    let mut save: Option<PathBuf> = None;
    let mut pool: Option<usize> = None;
    let text = |parser: &mut lexopt::Parser| -> Result<String, String> {
        Ok(parser
            .value()
            .map_err(|e| format!("{e}\n{USAGE}"))?
            .to_string_lossy()
            .into_owned())
    };
    let number = |value: String, what: &str| -> Result<usize, String> {
        value
            .parse()
            .map_err(|_| format!("{what} expects a whole number, found \"{value}\""))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("train") => train = Some(PathBuf::from(text(&mut parser)?)),
            Long("store") => store = Some(PathBuf::from(text(&mut parser)?)),
            Long("table") => table = Some(PathBuf::from(text(&mut parser)?)),
            Long("id") => options.id = Some(text(&mut parser)?),
            Long("ordinal") => options.ordinal.push(text(&mut parser)?),
            Long("ignore") => options.ignore.push(text(&mut parser)?),
            Long("linkage") => {
                let name = text(&mut parser)?;
                params.linkage = parse_linkage(&name).ok_or_else(|| {
                    format!(
                        "unknown linkage \"{name}\": expected ward, average, complete or single"
                    )
                })?;
            }
            Long("k") => params.k = Some(number(text(&mut parser)?, "--k")?),
            Long("min-k") => params.min_k = number(text(&mut parser)?, "--min-k")?,
            Long("max-k") => params.max_k = Some(number(text(&mut parser)?, "--max-k")?),
            Long("weight") => {
                let spec = text(&mut parser)?;
                let parsed = spec
                    .rsplit_once('=')
                    .and_then(|(name, w)| Some((name.to_string(), w.parse::<f64>().ok()?)));
                weights.push(parsed.ok_or_else(|| {
                    format!("--weight expects NAME=WEIGHT, e.g. promo2=0, found \"{spec}\"")
                })?);
            }
            Long("anomaly-threshold") => {
                let value = text(&mut parser)?;
                params.anomaly_threshold = value.parse().map_err(|_| {
                    format!("--anomaly-threshold expects a number, found \"{value}\"")
                })?;
            }
            Long("save-profiles") => save = Some(PathBuf::from(text(&mut parser)?)),
            Long("threads") => pool = Some(number(text(&mut parser)?, "--threads")?),
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let source = match (train, table) {
        (Some(train), None) => Source::Rossmann { train, store },
        (None, Some(path)) if store.is_none() => Source::Table { path, options },
        (None, None) => return Err(format!("give --train (Rossmann) or --table\n{USAGE}")),
        _ => {
            return Err(format!(
                "--table is for any table, --train/--store for Rossmann's files: give one\n{USAGE}"
            ))
        }
    };
    threads::configure(pool)?;
    let start = Instant::now();
    let mut seconds = Seconds::default();
    let entities = match &source {
        Source::Rossmann { train, store } => {
            let train = read(train)?;
            let store = store.as_deref().map(read).transpose()?;
            seconds.read = start.elapsed().as_secs_f64();
            let entities = rossmann_entities(&train, store.as_ref()).map_err(|e| e.to_string())?;
            // The Rossmann profile's own weights first; the user's --weight override them.
            params.weights = store_weights()
                .into_iter()
                .filter(|(name, _)| entities.variables.iter().any(|v| &v.name == name))
                .collect();
            entities
        }
        Source::Table { path, options } => {
            let table = read(path)?;
            seconds.read = start.elapsed().as_secs_f64();
            EntityTable::from_table(&table, options).map_err(|e| e.to_string())?
        }
    };
    params.weights.extend(weights);
    seconds.profile = start.elapsed().as_secs_f64() - seconds.read;
    if let Some(path) = &save {
        let id_name = match &source {
            Source::Rossmann { .. } => "Store",
            Source::Table { options, .. } => options.id.as_deref().unwrap_or("row"),
        };
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        );
        entities
            .write_csv(id_name, &mut file)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!(
        "clustering {} entities on {} variables",
        entities.len(),
        entities.variables.len()
    );
    let mut last = (None::<Stage>, Instant::now());
    let mut record = |seconds: &mut Seconds, stage: Option<Stage>| {
        let elapsed = last.1.elapsed().as_secs_f64();
        match last.0 {
            Some(Stage::Distance) => seconds.distance = elapsed,
            Some(Stage::Tree) => seconds.tree = elapsed,
            Some(Stage::Map) => seconds.map = elapsed,
            Some(Stage::Describe) => seconds.describe = elapsed,
            None => {}
        }
        last = (stage, Instant::now());
    };
    let model = params
        .fit_with_progress(&entities, &mut |stage| {
            record(&mut seconds, Some(stage));
            true
        })
        .map_err(|e| e.to_string())?;
    let result = model.result().map_err(|e| e.to_string())?;
    record(&mut seconds, None);
    seconds.total = start.elapsed().as_secs_f64();
    let out = Output { result, seconds };
    println!(
        "{}",
        serde_json::to_string(&out).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Reads a CSV file through the same streaming parser as the page.
fn read(path: &Path) -> Result<Table, String> {
    input::read_table(path, ReadOptions::default()).map(|(table, _)| table)
}
