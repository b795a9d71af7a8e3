//! `vitrine recommend`: use case 3.2 on the command line. Streams Santander's `train_ver2.csv`
//! into the compact store, fits the product forests on rayon's threads, compares the
//! recommenders on the held-out month, prints the report as JSON (the chosen recommender's
//! figures at the top) and writes every customer's recommendations with `--out`.

use usecases::pool::run_here;
use usecases::recommend::{plan_store, RecommendParams};
use usecases::Fitted;

use crate::args::{self, Own};
use crate::propensity::{progress, read_store, write_download};

const OWN: &[Own] = &[
    Own {
        name: "input",
        value: true,
        help: "FILE  Santander's train_ver2.csv, or a .gz or .zip of it (required)",
    },
    Own {
        name: "out",
        value: true,
        help: "FILE  every customer's recommendations as CSV: ncodpers,rank,product,label",
    },
];

/// Parses the arguments, runs the recommenders, prints the JSON report.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<RecommendParams>(parser, "recommend", OWN, &[])? else {
        return Ok(());
    };
    let input = args.required_path("input")?;
    let (store, read_seconds) = read_store(&input)?;
    let plan = plan_store(&store, &args.params, read_seconds).map_err(|e| e.to_string())?;
    drop(store);
    let fitted = run_here(plan, &mut progress).map_err(|e| e.to_string())?;
    if let Some(path) = args.path("out") {
        write_download(&fitted, "recommendations", &path)?;
    }
    println!("{}", fitted.report());
    Ok(())
}
