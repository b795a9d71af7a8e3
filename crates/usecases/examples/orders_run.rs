//! Runs both Instacart pipelines on a directory of files and prints their reports as JSON, as
//! the command line's `next-order` and `reorder` will (the top products and importances cut to
//! the first 10):
//!
//! ```text
//! cargo run --release -p usecases --example orders_run -- DIR [--compare-objectives] [--per-product N]
//! ```

#[allow(dead_code, unused_imports)]
#[path = "../src/orders/mod.rs"]
mod orders;

use std::path::PathBuf;

use orders::{Instacart, InstacartTables, NextOrderParams, ReorderParams};
use tabular::{read_path, ReadOptions};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: orders_run DIR")?);
    let mut next = NextOrderParams::default();
    let mut reorder = ReorderParams::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--compare-objectives" => next.compare_objectives = true,
            "--per-product" => {
                reorder.per_product.products = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--per-product needs a count")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let read = |f: &str| read_path(&dir.join(f), ReadOptions::default()).map_err(|e| e.to_string());
    let (o, p, t, pr) = (
        read("orders.csv")?,
        read("order_products__prior.csv")?,
        read("order_products__train.csv")?,
        read("products.csv")?,
    );
    let data = Instacart::read(InstacartTables {
        orders: &o,
        prior: &p,
        train: Some(&t),
        products: Some(&pr),
    })
    .map_err(|e| e.to_string())?;
    let quiet = &mut |_: &str, _: u64, _: u64| true;
    let mut a = orders::run_next_order(&data, &next, quiet)
        .map_err(|e| e.to_string())?
        .report;
    a.importance.truncate(10);
    let mut b = orders::run_reorder(&data, &reorder, quiet)
        .map_err(|e| e.to_string())?
        .report;
    b.importance.truncate(10);
    b.top_products.truncate(10);
    println!(
        "{{\"next_order\": {}, \"reorder\": {}}}",
        serde_json::to_string(&a).map_err(|e| e.to_string())?,
        serde_json::to_string(&b).map_err(|e| e.to_string())?
    );
    Ok(())
}
