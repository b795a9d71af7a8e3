//! Benchmark of the Instacart pipelines' feature building, and of our boosting against the peers
//! on the exported feature tables.
//!
//! ```text
//! cargo run --release -p usecases --example orders_bench -- DIR [--export OUT_DIR] [--train]
//! ```
//! `DIR` holds `orders.csv`, `order_products__prior.csv`, `order_products__train.csv` and
//! `products.csv` (`vitrine sample instacart --out DIR --scale 1`). Prints one JSON object: the
//! seconds of each stage (reading the CSVs, typing and checking them, the 4.1 user features, the
//! 4.2 candidate pairs), row counts and the peak resident memory (VmHWM). With `--export`, writes
//! `next_order_features.csv` and `reorder_features.csv` (train users only; key columns
//! `user_id`/`product_id`, target `days`/`reordered`, 0/1 `valid`) for
//! `shared/bench/peer_gbdt.py`. With `--train`, fits our boosting on the same rows with the
//! peers' settings (all features numeric, 200 trees, depth 8, learning rate 0.1, 256 bins) and
//! prints its fit seconds, MAE (4.1, squared error as the peer) and best F1 / AUC (4.2). The
//! JSON also carries what the page's up-front memory check estimates for each run on these files
//! (`page_need`); with `--need`, only that, once the CSVs are read.

use std::path::{Path, PathBuf};
use std::time::Instant;

use learn::gbdt::{Dataset, GbdtParams, Objective};
use tabular::{read_path, ReadOptions, Table};
use usecases::orders::split::{split_users, Side};
use usecases::orders::{self as orders, Instacart, InstacartTables};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn read(dir: &Path, file: &str) -> Result<Table, String> {
    read_path(&dir.join(file), ReadOptions::default()).map_err(|e| e.to_string())
}

fn peer_params(objective: Objective) -> GbdtParams {
    GbdtParams {
        objective,
        n_trees: 200,
        max_depth: 8,
        learning_rate: 0.1,
        n_bins: 256,
        ..GbdtParams::default()
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: orders_bench DIR [--export OUT] [--train]")?,
    );
    let (mut export, mut fit, mut need_only) = (None, false, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--export" => export = Some(PathBuf::from(args.next().ok_or("--export needs a dir")?)),
            "--train" => fit = true,
            "--need" => need_only = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let t = Instant::now();
    let orders_t = read(&dir, "orders.csv")?;
    let prior_t = read(&dir, "order_products__prior.csv")?;
    let train_t = read(&dir, "order_products__train.csv")?;
    let products_t = read(&dir, "products.csv")?;
    let seconds_read = t.elapsed().as_secs_f64();
    let tables = InstacartTables {
        orders: &orders_t,
        prior: &prior_t,
        train: Some(&train_t),
        products: Some(&products_t),
    };
    let page_need = page_need_json(&tables);
    if need_only {
        println!(
            "{{\"prior_lines\": {}, \"page_need\": {page_need}}}",
            prior_t.n_rows
        );
        return Ok(());
    }
    let t = Instant::now();
    let data = Instacart::read(tables).map_err(|e| e.to_string())?;
    let seconds_typed = t.elapsed().as_secs_f64();
    let prior_lines = prior_t.n_rows;
    let n_orders = orders_t.n_rows;
    // The tables stay loaded, as in the page.
    let t = Instant::now();
    let users = orders::user_features::user_features(&data, &data.history);
    let seconds_user_features = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let pairs =
        orders::candidates::build(&data, &data.history, &mut |_, _| true).ok_or("cancelled")?;
    let seconds_candidates = t.elapsed().as_secs_f64();
    let peak_features = peak_rss_mb();

    let history = &data.history;
    let params = orders::NextOrderParams::default();
    let sides = split_users(&data, history, params.valid_share, params.seed);
    let user_rows: Vec<u32> = (0..history.n_users() as u32)
        .filter(|&u| sides[u as usize] != Side::Predict)
        .collect();
    let days: Vec<f32> = (0..history.n_users())
        .map(|u| match sides[u] {
            Side::Predict => f32::NAN,
            _ => data.orders.days_since_prior[history.target[u] as usize],
        })
        .collect();
    let user_valid: Vec<bool> = sides.iter().map(|&s| s == Side::Valid).collect();
    let pair_rows: Vec<u32> = (0..pairs.len() as u32)
        .filter(|&i| sides[pairs.user()[i as usize] as usize] != Side::Predict)
        .collect();
    let pair_valid: Vec<bool> = pairs
        .user()
        .iter()
        .map(|&u| sides[u as usize] == Side::Valid)
        .collect();
    let labels: Vec<f32> = pairs.label.iter().map(|&l| f32::from(l)).collect();

    let mut seconds_export = None;
    if let Some(out) = &export {
        let t = Instant::now();
        std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
        let file = |name: &str| -> Result<std::io::BufWriter<std::fs::File>, String> {
            Ok(std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(out.join(name)).map_err(|e| e.to_string())?,
            ))
        };
        let user_ids: Vec<u32> = history.user_id.clone();
        orders::export::write_feature_csv(
            &mut file("next_order_features.csv")?,
            &[("user_id", &user_ids)],
            &users,
            ("days", &days),
            &user_valid,
            &user_rows,
        )
        .map_err(|e| e.to_string())?;
        let pair_users: Vec<u32> = pairs
            .user()
            .iter()
            .map(|&u| history.user_id[u as usize])
            .collect();
        orders::export::write_feature_csv(
            &mut file("reorder_features.csv")?,
            &[("user_id", &pair_users), ("product_id", pairs.product())],
            &pairs.table,
            ("reordered", &labels),
            &pair_valid,
            &pair_rows,
        )
        .map_err(|e| e.to_string())?;
        seconds_export = Some(t.elapsed().as_secs_f64());
    }

    let mut trained = String::new();
    if fit {
        let split = |rows: &[u32], valid: &[bool], want: bool| -> Vec<u32> {
            rows.iter()
                .copied()
                .filter(|&r| valid[r as usize] == want)
                .collect()
        };
        // 4.1, as the peer: squared error, every feature numeric.
        let (fit_rows, valid_rows) = (
            split(&user_rows, &user_valid, false),
            split(&user_rows, &user_valid, true),
        );
        let target =
            |rows: &[u32], y: &[f32]| -> Vec<f32> { rows.iter().map(|&r| y[r as usize]).collect() };
        let train_set = Dataset::new(users.gather(&fit_rows, true), target(&fit_rows, &days))
            .map_err(|e| e.to_string())?;
        let t = Instant::now();
        let model = peer_params(Objective::SquaredError)
            .fit(&train_set, None)
            .map_err(|e| e.to_string())?;
        let fit_reg = t.elapsed().as_secs_f64();
        let p = model
            .predict(&users.gather(&valid_rows, true))
            .map_err(|e| e.to_string())?;
        let truth: Vec<f64> = target(&valid_rows, &days)
            .iter()
            .map(|&y| f64::from(y))
            .collect();
        let mae = learn::metrics::mae(&truth, &p);
        let rmse = learn::metrics::rmse(&truth, &p);
        // 4.2, as the peer: logistic, every feature numeric.
        let (fit_rows, valid_rows) = (
            split(&pair_rows, &pair_valid, false),
            split(&pair_rows, &pair_valid, true),
        );
        let train_set = Dataset::new(
            pairs.table.gather(&fit_rows, true),
            target(&fit_rows, &labels),
        )
        .map_err(|e| e.to_string())?;
        let t = Instant::now();
        let model = peer_params(Objective::Logistic)
            .fit(&train_set, None)
            .map_err(|e| e.to_string())?;
        let fit_bin = t.elapsed().as_secs_f64();
        drop(train_set);
        let p = model
            .predict(&pairs.table.gather(&valid_rows, true))
            .map_err(|e| e.to_string())?;
        let y: Vec<bool> = valid_rows
            .iter()
            .map(|&r| pairs.label[r as usize] == 1)
            .collect();
        let (_, f1) = orders::metrics::best_f1_threshold(&y, &p);
        let auc = learn::metrics::auc(&y, &p);
        trained = format!(
            ", \"next_order\": {{\"rows_train\": {}, \"rows_valid\": {}, \"seconds_fit\": {fit_reg:.3}, \"mae\": {mae:.5}, \"rmse\": {rmse:.5}}}, \"reorder\": {{\"rows_train\": {}, \"rows_valid\": {}, \"seconds_fit\": {fit_bin:.3}, \"best_f1\": {:.5}, \"auc\": {auc:.5}}}",
            train_set_rows(&user_rows, &user_valid),
            truth.len(),
            fit_rows.len(),
            valid_rows.len(),
            f1.f1
        );
    }
    println!(
        "{{\"orders\": {n_orders}, \"prior_lines\": {prior_lines}, \"users\": {}, \"pairs\": {}, \"user_features\": {}, \"pair_features\": {}, \"seconds\": {{\"read_csv\": {seconds_read:.3}, \"typed_and_checked\": {seconds_typed:.3}, \"user_features\": {seconds_user_features:.3}, \"candidates\": {seconds_candidates:.3}, \"export\": {}}}, \"peak_rss_mb_after_features\": {peak_features:.0}, \"peak_rss_mb\": {:.0}, \"page_need\": {page_need}{trained}}}",
        history.n_users(),
        pairs.len(),
        users.columns.len(),
        pairs.table.columns.len(),
        seconds_export.map_or("null".to_string(), |s| format!("{s:.3}")),
        peak_rss_mb(),
    );
    Ok(())
}

/// The page's up-front estimate of each run on `tables` (bytes the loaded files take, bytes the
/// run adds) and whether the check lets it run in a 4 GiB page.
fn page_need_json(tables: &InstacartTables<'_>) -> String {
    use orders::memory::{check_within, next_order_need, reorder_need, PAGE_BYTES};
    let one = |need: orders::memory::Need| {
        format!(
            "{{\"loaded_bytes\": {}, \"run_bytes\": {}, \"fits\": {}}}",
            need.loaded,
            need.bytes,
            check_within(&need, PAGE_BYTES).is_ok()
        )
    };
    format!(
        "{{\"next_order\": {}, \"reorder\": {}}}",
        one(next_order_need(tables)),
        one(reorder_need(tables))
    )
}

fn train_set_rows(rows: &[u32], valid: &[bool]) -> usize {
    rows.iter().filter(|&&r| !valid[r as usize]).count()
}
