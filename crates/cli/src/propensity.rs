//! `vitrine propensity`: use case 3.1 on the command line. Streams Santander's `train_ver2.csv`
//! (or a `.gz`/`.zip` of it) into the compact store, fits one forest per product on rayon's
//! threads (the forests the page's pool fits, bit for bit), prints the report as JSON, and
//! writes a campaign list and the scores when asked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use usecases::pool::run_here;
use usecases::propensity::{plan_store, PropensityParams};
use usecases::santander::{read, SantanderStore};
use usecases::{Clock, Fitted};

use crate::args::{self, Own};

const OWN: &[Own] = &[
    Own {
        name: "input",
        value: true,
        help: "FILE  Santander's train_ver2.csv, or a .gz or .zip of it (required)",
    },
    Own {
        name: "campaign",
        value: true,
        help: "PRODUCT  write the customers to target for this product (a column) to --out",
    },
    Own {
        name: "top",
        value: true,
        help: "N  the campaign's N highest scored customers (default: the top 1 %)",
    },
    Own {
        name: "above",
        value: true,
        help: "P  the campaign's customers scored at or above the probability P",
    },
    Own {
        name: "out",
        value: true,
        help: "FILE  the campaign list (with --campaign) as CSV: rank,ncodpers,product,probability",
    },
    Own {
        name: "scores-out",
        value: true,
        help: "FILE  every customer of the last month with a probability per product, as CSV",
    },
];

/// Reads `path` into the compact store, saying how far it got on stderr; returns it with the
/// seconds the read took.
pub fn read_store(path: &Path) -> Result<(SantanderStore, f64), String> {
    let clock = Clock::start();
    let mut next_report = 0u64;
    let store = read::read_path(path, &mut |done, total| {
        if done >= next_report {
            eprintln!(
                "reading {}: {} of {} MB",
                path.display(),
                done >> 20,
                total >> 20
            );
            next_report = done + (256 << 20);
        }
        true
    })
    .map_err(|e| e.to_string())?
    .ok_or("cancelled")?;
    let seconds = clock.total();
    eprintln!(
        "{}: {} rows over {} months, {} MB kept, {seconds:.1} s",
        store.file,
        store.rows,
        store.months.len(),
        store.bytes() >> 20
    );
    Ok((store, seconds))
}

/// Creates `path` for writing, naming it in the error.
pub fn create(path: &Path) -> Result<BufWriter<File>, String> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes download `key` of `fitted` to `path`.
pub fn write_download(fitted: &dyn Fitted, key: &str, path: &Path) -> Result<(), String> {
    let mut file = create(path)?;
    fitted.download(key, &mut file).map_err(|e| e.to_string())?;
    file.flush()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Reports a stage of a run on stderr.
pub fn progress(p: &usecases::Progress) -> bool {
    if p.total > 0 {
        eprintln!("{}: {}/{}", p.stage, p.done, p.total);
    } else {
        eprintln!("{}", p.stage);
    }
    true
}

/// Parses the arguments, fits the forests, prints the JSON report.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<PropensityParams>(parser, "propensity", OWN, &[])? else {
        return Ok(());
    };
    let input = args.required_path("input")?;
    let (store, read_seconds) = read_store(&input)?;
    let plan = plan_store(&store, &args.params, read_seconds).map_err(|e| e.to_string())?;
    drop(store);
    let mut fitted = run_here(plan, &mut progress).map_err(|e| e.to_string())?;
    if let Some(product) = args.value("campaign") {
        let out = args
            .path("out")
            .ok_or("--campaign writes its list to --out FILE")?;
        let mut question = serde_json::json!({ "product": product });
        match (args.value("top"), args.value("above")) {
            (Some(_), Some(_)) => return Err("give --top or --above, not both".into()),
            (Some(n), None) => {
                question["top"] = n
                    .parse::<usize>()
                    .map_err(|_| format!("--top takes a whole number, not \"{n}\""))?
                    .into()
            }
            (None, Some(p)) => {
                question["threshold"] = p
                    .parse::<f64>()
                    .map_err(|_| format!("--above takes a probability, not \"{p}\""))?
                    .into()
            }
            (None, None) => question["share"] = 0.01.into(),
        }
        let chosen = fitted
            .ask("campaign", &question)
            .map_err(|e| e.to_string())?;
        eprintln!(
            "campaign {product}: {} customers, {:.1} take-ups expected",
            chosen["customers"], chosen["expected_take_ups"]
        );
        write_download(&fitted, "campaign", &out)?;
    }
    if let Some(path) = args.path("scores-out") {
        write_download(&fitted, "scores", &path)?;
    }
    println!("{}", fitted.report());
    Ok(())
}
