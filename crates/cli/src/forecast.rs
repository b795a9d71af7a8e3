//! `vitrine forecast`: use case 1.1 on the command line. Trains on Rossmann's `train.csv` (joined
//! to `store.csv`), validates on the last days, prints the scores beside the baseline as JSON and
//! writes the predictions and the model when asked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde::Serialize;
use tabular::ReadOptions;
use usecases::forecast::{run as run_forecast, ForecastInputs, ForecastParams, ForecastReport};

use crate::args::{self, Alias, Own};
use crate::input::read_table;

const OWN: &[Own] = &[
    Own {
        name: "train",
        value: true,
        help: "FILE  Rossmann's train.csv (required)",
    },
    Own {
        name: "store",
        value: true,
        help: "FILE  store.csv, joined on Store",
    },
    Own {
        name: "predict",
        value: true,
        help: "FILE  test.csv: the days to forecast",
    },
    Own {
        name: "out",
        value: true,
        help: "FILE  validation predictions (Store,Date,Sales,Predicted,Baseline); \
               the test.csv forecast goes beside it as FILE_test.csv",
    },
    Own {
        name: "model-out",
        value: true,
        help: "FILE  the trained model as JSON",
    },
    Own {
        name: "features-out",
        value: true,
        help: "FILE  the model's training and validation rows as a numeric feature CSV",
    },
];

const ALIASES: &[Alias] = &[Alias {
    flag: "no-compare",
    param: "compare-seed",
    value: false,
    value_of: |_| Ok("false".into()),
}];

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    report: ForecastReport,
    /// Where the validation predictions (and the forecast of --predict) were written.
    written: Vec<String>,
}

/// Parses the arguments, runs the forecast, prints the JSON report.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<ForecastParams>(parser, "forecast", OWN, ALIASES)? else {
        return Ok(());
    };
    let params = args.params.clone();
    let (train, store, test) = (args.path("train"), args.path("store"), args.path("predict"));
    let (out, model_out, features_out) = (
        args.path("out"),
        args.path("model-out"),
        args.path("features-out"),
    );
    let train = train.ok_or_else(|| {
        format!(
            "--train is required\n{}",
            args::usage::<ForecastParams>("forecast", OWN, ALIASES)
        )
    })?;
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
    let forecast = run_forecast(inputs, &params, &mut |p| {
        if p.done % 50 == 0 || p.done == p.total {
            eprintln!("{}: {}/{} trees", p.stage, p.done, p.total);
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
