//! Gower distance + Ward clustering on random mixed tables (Rossmann store-like: 1,115 entities,
//! then 5,000 and 20,000), printing one JSON line of seconds per size.
//!
//! `cargo run --release -p learn --example cluster_bench -- [--csv-dir DIR] [SIZES...]`
//! With `--csv-dir`, each table is also written as DIR/cluster_bench_N.csv for the R peer:
//! `Rscript /work/shared/bench/peer_hclust.R DIR/cluster_bench_N.csv ward.D2 4`.

use learn::cluster::{
    ColumnValues, GowerParams, HclustParams, MixedColumn, MixedTable, MISSING_CODE,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::time::Instant;

/// A store-like table: 3 numbers (one with 5% empty), a 0/1 flag, two categories.
fn table(n: usize, seed: u64) -> MixedTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let group: Vec<usize> = (0..n).map(|_| rng.random_range(0..4)).collect();
    let num = |rng: &mut ChaCha8Rng, scale: f64, miss: f64| -> Vec<f64> {
        group
            .iter()
            .map(|&g| {
                if rng.random::<f64>() < miss {
                    f64::NAN
                } else {
                    g as f64 * scale + rng.random::<f64>() * scale * 1.5
                }
            })
            .collect()
    };
    let a = num(&mut rng, 1000.0, 0.05);
    let b = num(&mut rng, 3.0, 0.0);
    let c = num(&mut rng, 50.0, 0.0);
    let flag = group
        .iter()
        .map(|&g| u8::from(rng.random::<f64>() < 0.2 + 0.2 * g as f64))
        .collect();
    let kind = group
        .iter()
        .map(|&g| ((g + rng.random_range(0..2)) % 4) as u32)
        .collect();
    let assort = (0..n).map(|_| rng.random_range(0..3)).collect();
    let col = |name: &str, values| MixedColumn {
        name: name.to_string(),
        values,
    };
    let levels = |k: usize| {
        (0..k)
            .map(|i| ["a", "b", "c", "d"][i].to_string())
            .collect()
    };
    MixedTable::new(vec![
        col("CompetitionDistance", ColumnValues::Numeric(a)),
        col("MeanCustomers", ColumnValues::Numeric(b)),
        col("MeanSales", ColumnValues::Numeric(c)),
        col(
            "Promo2",
            ColumnValues::Binary {
                values: flag,
                asymmetric: false,
            },
        ),
        col(
            "StoreType",
            ColumnValues::Categorical {
                codes: kind,
                levels: levels(4),
            },
        ),
        col(
            "Assortment",
            ColumnValues::Categorical {
                codes: assort,
                levels: levels(3),
            },
        ),
    ])
    .expect("generated table is valid")
}

fn write_csv(table: &MixedTable, path: &str) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    writeln!(out, "{}", names.join(","))?;
    for r in 0..table.n_rows() {
        let cells: Vec<String> = table
            .columns
            .iter()
            .map(|c| match &c.values {
                ColumnValues::Numeric(v) if v[r].is_nan() => String::new(),
                ColumnValues::Numeric(v) => format!("{:.17e}", v[r]),
                ColumnValues::Binary { values, .. } => values[r].to_string(),
                ColumnValues::Categorical { codes, levels } if codes[r] != MISSING_CODE => {
                    levels[codes[r] as usize].clone()
                }
                _ => String::new(),
            })
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    out.flush()
}

fn main() {
    let mut sizes = Vec::new();
    let mut csv_dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--csv-dir" {
            csv_dir = args.next();
        } else if let Ok(n) = arg.parse::<usize>() {
            sizes.push(n);
        }
    }
    if sizes.is_empty() {
        sizes = vec![1115, 5000, 20000];
    }
    for n in sizes {
        let t = table(n, 42);
        if let Some(dir) = &csv_dir {
            let path = format!("{dir}/cluster_bench_{n}.csv");
            write_csv(&t, &path).expect("write the table");
        }
        let start = Instant::now();
        let gower = GowerParams::default().fit(&t).expect("fits the budget");
        let matrix = gower.matrix().expect("matrix");
        let gower_s = start.elapsed().as_secs_f64();
        let tree = HclustParams::default()
            .fit_owned(matrix)
            .expect("no undefined pair");
        let total_s = start.elapsed().as_secs_f64();
        let labels = tree.cut(4).expect("k = 4");
        let sizes: Vec<usize> = (1..=4)
            .map(|k| labels.iter().filter(|&&l| l == k).count())
            .collect();
        println!(
            "{{\"engine\":\"vitrine learn\",\"n\":{n},\"gower_seconds\":{gower_s:.4},\"ward_seconds\":{:.4},\"seconds\":{total_s:.4},\"top_height\":{:.12},\"cluster_sizes\":{sizes:?}}}",
            total_s - gower_s,
            tree.merges.last().map_or(0.0, |m| m.height)
        );
    }
}
