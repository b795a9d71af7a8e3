//! `vitrine forecast`: use case 1.1 on the command line. Trains on Rossmann's `train.csv` (joined
//! to `store.csv`), validates on the last days, prints the scores beside the baseline as JSON and
//! writes the predictions and the model when asked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde::Serialize;
use tabular::ReadOptions;
use usecases::forecast::features::FeatureSet;
use usecases::forecast::{run as run_forecast, ForecastInputs, ForecastParams, ForecastReport};

use crate::input::read_table;

const USAGE: &str = "usage: vitrine forecast --train FILE [--store FILE] [--predict TEST_FILE]
       [--features seed|full] [--holdout-days N] [--trees N] [--depth D] [--learning-rate X]
       [--bins B] [--threads T] [--seed S] [--no-compare]
       [--out PREDICTIONS.csv] [--model-out MODEL.json] [--features-out FEATURES.csv]";

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    report: ForecastReport,
    /// Where the validation predictions (and the forecast of --predict) were written.
    written: Vec<String>,
}

/// Parses the arguments, runs the forecast, prints the JSON report.
pub fn run(mut parser: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut train: Option<PathBuf> = None;
    let mut store: Option<PathBuf> = None;
    let mut test: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut model_out: Option<PathBuf> = None;
    let mut features_out: Option<PathBuf> = None;
    let mut threads: Option<usize> = None;
    let mut params = ForecastParams::default();
    let text = |parser: &mut lexopt::Parser| -> Result<String, String> {
        parser
            .value()
            .map_err(|e| e.to_string())?
            .into_string()
            .map_err(|v| format!("not UTF-8: {v:?}"))
    };
    let number = |parser: &mut lexopt::Parser, name: &str| -> Result<f64, String> {
        let value = text(parser)?;
        value
            .parse::<f64>()
            .map_err(|_| format!("--{name} takes a number, not \"{value}\""))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("train") => train = Some(text(&mut parser)?.into()),
            Long("store") => store = Some(text(&mut parser)?.into()),
            Long("predict") => test = Some(text(&mut parser)?.into()),
            Long("out") => out = Some(text(&mut parser)?.into()),
            Long("model-out") => model_out = Some(text(&mut parser)?.into()),
            Long("features-out") => features_out = Some(text(&mut parser)?.into()),
            Long("features") => {
                let value = text(&mut parser)?;
                params.features = FeatureSet::parse(&value)
                    .ok_or(format!("--features takes seed or full, not \"{value}\""))?;
            }
            Long("holdout-days") => {
                params.holdout_days = number(&mut parser, "holdout-days")? as u32
            }
            Long("trees") => params.gbdt.n_trees = number(&mut parser, "trees")? as usize,
            Long("depth") => params.gbdt.max_depth = number(&mut parser, "depth")? as u32,
            Long("learning-rate") => {
                params.gbdt.learning_rate = number(&mut parser, "learning-rate")?
            }
            Long("bins") => params.gbdt.n_bins = number(&mut parser, "bins")? as u32,
            Long("seed") => params.gbdt.seed = number(&mut parser, "seed")? as u64,
            Long("threads") => threads = Some(number(&mut parser, "threads")? as usize),
            Long("no-compare") => params.compare_seed = false,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    crate::threads::configure(threads)?;
    let train = train.ok_or(format!("--train is required\n{USAGE}"))?;
    let (train, mut parse) = read_table(&train, ReadOptions::default())?;
    let mut optional = |path: Option<PathBuf>| -> Result<Option<tabular::Table>, String> {
        path.map(|p| {
            read_table(&p, ReadOptions::default()).map(|(table, seconds)| {
                parse += seconds;
                table
            })
        })
        .transpose()
    };
    let store = optional(store)?;
    let test = optional(test)?;
    let inputs = ForecastInputs {
        train: &train,
        store: store.as_ref(),
        test: test.as_ref(),
    };
    if let Some(path) = features_out {
        let mut file = create(&path)?;
        let rows = usecases::forecast::export_features(inputs, &params, &mut file)
            .map_err(|e| e.to_string())?;
        file.flush()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {rows} feature rows to {}", path.display());
    }
    let mut last_reported = 0;
    let forecast = run_forecast(inputs, &params, &mut |phase, progress| {
        if progress.trees >= last_reported + 50 || progress.trees == progress.n_trees {
            last_reported = progress.trees % progress.n_trees;
            eprintln!(
                "{phase:?} model: {}/{} trees",
                progress.trees, progress.n_trees
            );
        }
        true
    })
    .map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    if let Some(path) = out {
        let mut file = create(&path)?;
        forecast
            .write_validation_csv(&mut file)
            .and_then(|()| file.flush())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.display().to_string());
        let test_path = path.with_file_name(format!(
            "{}_test.csv",
            path.file_stem().unwrap_or_default().to_string_lossy()
        ));
        let mut test_file = Vec::new();
        if forecast
            .write_test_csv(&mut test_file)
            .map_err(|e| e.to_string())?
        {
            std::fs::write(&test_path, test_file)
                .map_err(|e| format!("cannot write {}: {e}", test_path.display()))?;
            written.push(test_path.display().to_string());
        }
    }
    if let Some(path) = model_out {
        std::fs::write(&path, forecast.model.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    let mut report = forecast.report;
    report.seconds.parse = parse;
    let output = Output { report, written };
    println!(
        "{}",
        serde_json::to_string(&output).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn create(path: &PathBuf) -> Result<BufWriter<File>, String> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}
