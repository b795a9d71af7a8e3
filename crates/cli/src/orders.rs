//! `vitrine next-order` and `vitrine reorder`: use cases 4.1 and 4.2 on Instacart's files.
//! Each reads `orders.csv` and the order lines, trains, scores on held-out customers beside the
//! baseline, prints the report as JSON, and writes the predictions and the model when asked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tabular::{ReadOptions, Table};
use usecases::orders::{next_order, reorder, InstacartTables};
use usecases::params::Params;
use usecases::progress::Progress;

use crate::args::{self, Own};
use crate::input::read_table;

const FILES: [Own; 4] = [
    Own {
        name: "orders",
        value: true,
        help: "FILE  Instacart's orders.csv (required)",
    },
    Own {
        name: "prior",
        value: true,
        help: "FILE  order_products__prior.csv (required)",
    },
    Own {
        name: "train",
        value: true,
        help: "FILE  order_products__train.csv",
    },
    Own {
        name: "products",
        value: true,
        help: "FILE  products.csv: departments and names",
    },
];

const NEXT_ORDER_OUT: [Own; 2] = [
    Own {
        name: "out",
        value: true,
        help: "FILE  every customer's predicted days \
               (user_id,eval_set,predicted_days,baseline_days,actual_days,validation)",
    },
    Own {
        name: "model-out",
        value: true,
        help: "FILE  the trained model as JSON",
    },
];

const REORDER_OUT: [Own; 3] = [
    Own {
        name: "out",
        value: true,
        help: "FILE  every candidate pair's probability \
               (user_id,product_id,probability,predicted,actual,validation)",
    },
    Own {
        name: "baskets",
        value: true,
        help: "FILE  every customer's predicted next basket \
               (user_id,order_id,eval_set,validation,products,actual)",
    },
    Own {
        name: "model-out",
        value: true,
        help: "FILE  the pooled model as JSON",
    },
];

/// The report as printed, with the files written.
#[derive(Serialize)]
struct Output<R: Serialize> {
    #[serde(flatten)]
    report: R,
    written: Vec<String>,
}

/// The Instacart files named by the options.
struct Files {
    orders: Table,
    prior: Table,
    train: Option<Table>,
    products: Option<Table>,
}

impl Files {
    fn read<P: Params>(args: &args::Parsed<P>, train_required: bool) -> Result<Files, String> {
        let required = |name: &str| args.required_path(name);
        let read = |path: &Path| read_table(path, ReadOptions::default()).map(|(t, _)| t);
        let orders = read(&required("orders")?)?;
        let prior = read(&required("prior")?)?;
        let train = if train_required {
            Some(read(&required("train")?)?)
        } else {
            args.path("train").as_deref().map(read).transpose()?
        };
        let products = args.path("products").as_deref().map(read).transpose()?;
        Ok(Files {
            orders,
            prior,
            train,
            products,
        })
    }

    fn inputs(&self) -> InstacartTables<'_> {
        InstacartTables {
            orders: &self.orders,
            prior: &self.prior,
            train: self.train.as_ref(),
            products: self.products.as_ref(),
        }
    }
}

/// Prints each stage once, then every 50 trees, on stderr.
fn progress_to_stderr() -> impl FnMut(&Progress) -> bool {
    let mut stage = "";
    move |p| {
        let tree_stage = p.stage.starts_with("train") || p.stage.starts_with("compare");
        if p.stage != stage || (tree_stage && p.done > 0 && (p.done % 50 == 0 || p.done == p.total))
        {
            stage = p.stage;
            eprintln!("{}: {}/{}", p.stage, p.done, p.total);
        }
        true
    }
}

/// Writes `file` with `write`, and notes it in `written`.
fn write_file(
    path: Option<PathBuf>,
    written: &mut Vec<String>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let Some(path) = path else {
        return Ok(());
    };
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    written.push(path.display().to_string());
    Ok(())
}

fn print<R: Serialize>(report: R, written: Vec<String>) -> Result<(), String> {
    let output = Output { report, written };
    println!(
        "{}",
        serde_json::to_string(&output).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn own_options(outputs: &[Own]) -> Vec<Own> {
    FILES.iter().chain(outputs).copied().collect()
}

/// `vitrine next-order`: days until each customer's next order (use case 4.1).
pub fn run_next_order(parser: lexopt::Parser) -> Result<(), String> {
    let own = own_options(&NEXT_ORDER_OUT);
    let Some(args) = args::parse::<next_order::NextOrderParams>(parser, "next-order", &own, &[])?
    else {
        return Ok(());
    };
    let files = Files::read(&args, false)?;
    let fitted = next_order::run(files.inputs(), &args.params, &mut progress_to_stderr())
        .map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    write_file(args.path("out"), &mut written, |out| fitted.write_csv(out))?;
    write_file(args.path("model-out"), &mut written, |out| {
        out.write_all(fitted.model.to_json().as_bytes())
    })?;
    print(fitted.report, written)
}

/// `vitrine reorder`: which products of past orders each customer buys again (use case 4.2).
pub fn run_reorder(parser: lexopt::Parser) -> Result<(), String> {
    let own = own_options(&REORDER_OUT);
    let Some(args) = args::parse::<reorder::ReorderParams>(parser, "reorder", &own, &[])? else {
        return Ok(());
    };
    let files = Files::read(&args, true)?;
    let fitted = reorder::run(files.inputs(), &args.params, &mut progress_to_stderr())
        .map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    write_file(args.path("out"), &mut written, |out| {
        fitted.write_pairs_csv(out)
    })?;
    write_file(args.path("baskets"), &mut written, |out| {
        fitted.write_baskets_csv(out)
    })?;
    write_file(args.path("model-out"), &mut written, |out| {
        out.write_all(fitted.model.to_json().as_bytes())
    })?;
    print(fitted.report, written)
}
