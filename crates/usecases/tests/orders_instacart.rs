//! Use cases 4.1 and 4.2 on the Instacart sample: the features recover the planted signal.

#[allow(dead_code, unused_imports)]
#[path = "../src/orders/mod.rs"]
mod orders;

use orders::{Instacart, InstacartTables};
use samples::Dataset;
use tabular::{read_bytes, ReadOptions, Table};

fn sample_table(file: &str, scale: f64, seed: u64) -> Table {
    let mut bytes = Vec::new();
    samples::write_file(Dataset::Instacart, file, scale, seed, &mut bytes).unwrap();
    read_bytes(file, &bytes, ReadOptions::default()).unwrap()
}

#[test]
fn smoke() {
    let scale = 0.01;
    let orders = sample_table("orders.csv", scale, 7);
    let prior = sample_table("order_products__prior.csv", scale, 7);
    let train = sample_table("order_products__train.csv", scale, 7);
    let products = sample_table("products.csv", scale, 7);
    let data = Instacart::read(InstacartTables {
        orders: &orders,
        prior: &prior,
        train: Some(&train),
        products: Some(&products),
    })
    .unwrap();
    let params = orders::NextOrderParams {
        compare_objectives: true,
        ..Default::default()
    };
    let r = orders::run_next_order(&data, &params, &mut |_, _, _| true).unwrap();
    println!("{}", serde_json::to_string_pretty(&r.report).unwrap());
    let r = orders::run_reorder(&data, &Default::default(), &mut |_, _, _| true).unwrap();
    let mut rep = r.report.clone();
    rep.top_products.truncate(3);
    println!("{}", serde_json::to_string_pretty(&rep).unwrap());
}
