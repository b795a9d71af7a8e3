//! Benchmark of our k-NN recommender against scikit-surprise's `KNNBasic` (user-based cosine,
//! `shared/bench/peer_knn.py`) on the same customers, and our time on a whole customer base.
//! The data: Santander monthly snapshots (a file, or generated in memory by the `samples`
//! crate); holdings are the products of the last month but one, the truth the products added in
//! the last month, "recent take-ups" those added the month before.
//!
//! ```text
//! # 1. Write a sample of customers in the peer's format (user,item CSVs: holdings.csv,
//! #    added.csv, and recent.csv for our variant); --users 0 writes every customer.
//! cargo run --release -p learn --example knn_bench -- --write-peer DIR --users 10000
//!     [--scale 0.05 | --santander train_ver2.csv] [--seed 42]
//! # 2. Our recommender on the peer's files: precision@3, seconds (the peer's JSON fields).
//! cargo run --release -p learn --example knn_bench -- --holdings DIR/holdings.csv
//!     --added DIR/added.csv [--k 40] [--top 3]
//! # 3. Every customer of a generated (or given) file: k-NN (holdings and recent take-ups as
//! #    r_vi, cosine and Jaccard), popularity, and their quality over customers who added a
//! #    product.
//! cargo run --release -p learn --example knn_bench -- --full [--scale 1 | --santander FILE |
//!     --holdings H.csv --added A.csv --recent R.csv] [--k 40]
//! ```

#[path = "common/mod.rs"]
mod common;
#[path = "santander/mod.rs"]
mod santander;

use learn::metrics::{mean_average_precision_at_k, precision_at_k, recall_at_k};
use learn::neighbours::{
    top_items_into, KnnParams, Popularity, Ratings, Recommendations, Similarity,
};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

struct Args {
    write_peer: Option<String>,
    users: usize,
    holdings: Option<String>,
    added: Option<String>,
    recent: Option<String>,
    full: bool,
    santander: Option<String>,
    scale: f64,
    seed: u64,
    k: usize,
    top: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        write_peer: None,
        users: 10_000,
        holdings: None,
        added: None,
        recent: None,
        full: false,
        santander: None,
        scale: 0.05,
        seed: 42,
        k: 40,
        top: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|e| format!("{s}: {e}"));
        match arg.as_str() {
            "--write-peer" => a.write_peer = Some(value()?),
            "--users" => a.users = num(value()?)? as usize,
            "--holdings" => a.holdings = Some(value()?),
            "--added" => a.added = Some(value()?),
            "--recent" => a.recent = Some(value()?),
            "--full" => a.full = true,
            "--santander" => a.santander = Some(value()?),
            "--scale" => a.scale = num(value()?)?,
            "--seed" => a.seed = num(value()?)? as u64,
            "--k" => a.k = num(value()?)? as usize,
            "--top" => a.top = num(value()?)? as usize,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(a)
}

/// Customers present in the last three months: holdings of the last but one, products added in
/// the last (the truth) and in the last but one (recent take-ups).
struct Customers {
    ids: Vec<u64>,
    holdings: Vec<u32>,
    added: Vec<u32>,
    recent: Vec<u32>,
}

fn customers(a: &Args) -> Result<Customers, String> {
    if let (Some(h), Some(added), Some(recent)) = (&a.holdings, &a.added, &a.recent) {
        return customers_from_files(h, added, recent);
    }
    let mut last: Vec<HashMap<u64, u32>> = Vec::new();
    santander::months(a.santander.as_deref(), a.scale, a.seed, |_, rows| {
        last.push(rows.iter().map(|s| (s.ncodpers, s.products)).collect());
        if last.len() > 3 {
            last.remove(0);
        }
    })
    .map_err(|e| e.to_string())?;
    let [before, now, after] = &last[..] else {
        return Err("fewer than three months".into());
    };
    let mut ids: Vec<u64> = now
        .keys()
        .filter(|id| before.contains_key(id) && after.contains_key(id))
        .copied()
        .collect();
    ids.sort_unstable();
    Ok(Customers {
        holdings: ids.iter().map(|id| now[id]).collect(),
        added: ids.iter().map(|id| after[id] & !now[id]).collect(),
        recent: ids.iter().map(|id| now[id] & !before[id]).collect(),
        ids,
    })
}

/// Customers from files written by `--write-peer` (customers holding nothing are absent from
/// the holdings file, as in the peer's input, and so absent here).
fn customers_from_files(holdings: &str, added: &str, recent: &str) -> Result<Customers, String> {
    let index: HashMap<&str, usize> = santander::PRODUCTS
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, i))
        .collect();
    let bits = |path: &str| -> Result<HashMap<u64, u32>, String> {
        let mut out: HashMap<u64, u32> = HashMap::new();
        for (u, i) in read_pairs(path)? {
            let id: u64 = u.parse().map_err(|e| format!("{path}: {u}: {e}"))?;
            let item = *index
                .get(i.as_str())
                .ok_or(format!("{path}: unknown item {i}"))?;
            *out.entry(id).or_default() |= 1 << item;
        }
        Ok(out)
    };
    let (h, ad, re) = (bits(holdings)?, bits(added)?, bits(recent)?);
    let mut ids: Vec<u64> = h.keys().copied().collect();
    ids.sort_unstable();
    Ok(Customers {
        holdings: ids.iter().map(|id| h[id]).collect(),
        added: ids
            .iter()
            .map(|id| ad.get(id).copied().unwrap_or(0))
            .collect(),
        recent: ids
            .iter()
            .map(|id| re.get(id).copied().unwrap_or(0))
            .collect(),
        ids,
    })
}

fn write_pairs(path: &str, ids: &[u64], patterns: &[u32]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "user,item")?;
    for (id, &p) in ids.iter().zip(patterns) {
        for (i, name) in santander::PRODUCTS.iter().enumerate() {
            if p >> i & 1 == 1 {
                writeln!(out, "{id},{name}")?;
            }
        }
    }
    out.flush()
}

fn read_pairs(path: &str) -> Result<Vec<(String, String)>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    for line in BufReader::new(file).lines().skip(1) {
        let line = line.map_err(|e| e.to_string())?;
        if let Some((u, i)) = line.split_once(',') {
            out.push((u.to_string(), i.to_string()));
        }
    }
    Ok(out)
}

/// Precision@k and recall@k summed over users with at least one relevant item, as the peer
/// computes them (hits over recommended, hits over relevant).
fn hits(rec: &Recommendations, truth: &[u32], top: usize) -> serde_json::Value {
    let (mut hits, mut recommended, mut relevant, mut users) = (0usize, 0usize, 0usize, 0usize);
    let mut lists: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (u, &t) in truth.iter().enumerate() {
        if t == 0 {
            continue;
        }
        let items = rec.of(u);
        let rel: Vec<u8> = (0..32u8).filter(|&i| t >> i & 1 == 1).collect();
        hits += (precision_at_k(items, &rel, top) * top as f64).round() as usize;
        recommended += items.len();
        relevant += rel.len();
        users += 1;
        lists.push((items.to_vec(), rel));
    }
    let map = mean_average_precision_at_k(lists.iter().map(|(r, t)| (&r[..], &t[..])), top);
    let mean_recall = lists
        .iter()
        .map(|(r, t)| recall_at_k(r, t, top))
        .sum::<f64>()
        / users.max(1) as f64;
    serde_json::json!({
        "users_scored": users,
        format!("precision@{top}"): hits as f64 / recommended.max(1) as f64,
        format!("recall@{top}"): hits as f64 / relevant.max(1) as f64,
        format!("map@{top}"): map,
        format!("mean_recall@{top}"): mean_recall,
    })
}

/// Our recommender on the peer's two files.
fn on_peer_files(a: &Args, holdings: &str, added: &str) -> Result<(), String> {
    let pairs = read_pairs(holdings)?;
    let truth_pairs = read_pairs(added)?;
    let items: Vec<String> = pairs
        .iter()
        .map(|p| p.1.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let item_index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let mut users: BTreeMap<String, u32> = BTreeMap::new();
    for (u, i) in &pairs {
        *users.entry(u.clone()).or_default() |= 1 << item_index[i.as_str()];
    }
    let order: Vec<&String> = users.keys().collect();
    let position: HashMap<&String, usize> =
        order.iter().enumerate().map(|(k, u)| (*u, k)).collect();
    let holdings_bits: Vec<u32> = users.values().copied().collect();
    let mut truth = vec![0u32; holdings_bits.len()];
    for (u, i) in &truth_pairs {
        if let (Some(&k), Some(&i)) = (position.get(u), item_index.get(i.as_str())) {
            truth[k] |= 1 << i;
        }
    }
    let params = KnnParams {
        k: a.k,
        similarity: Similarity::Cosine,
        top_n: a.top,
    };
    let (model, fit_s, fit_cpu_s) =
        common::timed(|| params.fit(&holdings_bits, Ratings::Holdings, items.len()));
    let model = model.map_err(|e| e.to_string())?;
    let (rec, recommend_s, recommend_cpu_s) = common::timed(|| model.recommend_all());
    // The same scores with ties broken by item name, as the peer's stable sort over its sorted
    // items does: isolates the formula from our popularity tie order.
    let t = Instant::now();
    let name_order: Vec<u8> = (0..items.len() as u8).collect();
    let mut by_name = Recommendations {
        top_n: a.top,
        items: vec![0; holdings_bits.len() * a.top],
    };
    let mut scores = [0.0; 32];
    for (u, slots) in by_name.items.chunks_exact_mut(a.top).enumerate() {
        model.scores_into(u, &mut scores);
        top_items_into(&scores, holdings_bits[u], &name_order, slots);
    }
    let by_name_s = t.elapsed().as_secs_f64();
    let mut out = serde_json::json!({
        "engine": "vitrine-knn-user-cosine",
        "users": holdings_bits.len(),
        "items": items.len(),
        "patterns": model.n_patterns(),
        "k": a.k,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "recommend_s": recommend_s,
        "recommend_cpu_s": recommend_cpu_s,
    });
    merge(&mut out, hits(&rec, &truth, a.top));
    let mut ties_by_name = serde_json::json!({ "recommend_s": by_name_s });
    merge(&mut ties_by_name, hits(&by_name, &truth, a.top));
    out["ties_by_item_name"] = ties_by_name;
    println!("{out}");
    Ok(())
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    if let (Some(a), serde_json::Value::Object(b)) = (into.as_object_mut(), from) {
        a.extend(b);
    }
}

/// Every customer: our k-NN variants and the popularity baseline.
fn full(a: &Args) -> Result<(), String> {
    let t = Instant::now();
    let c = customers(a)?;
    let load_s = t.elapsed().as_secs_f64();
    let n_items = santander::PRODUCTS.len();
    let mut runs = Vec::new();
    for (name, similarity, ratings) in [
        ("knn_cosine_holdings", Similarity::Cosine, Ratings::Holdings),
        (
            "knn_jaccard_holdings",
            Similarity::Jaccard,
            Ratings::Holdings,
        ),
        (
            "knn_cosine_recent_takeups",
            Similarity::Cosine,
            Ratings::Vectors(&c.recent),
        ),
    ] {
        let params = KnnParams {
            k: a.k,
            similarity,
            top_n: a.top,
        };
        let (model, fit_s, fit_cpu_s) = common::timed(|| params.fit(&c.holdings, ratings, n_items));
        let model = model.map_err(|e| e.to_string())?;
        let (rec, recommend_s, recommend_cpu_s) = common::timed(|| model.recommend_all());
        let mut run = serde_json::json!({
            "method": name,
            "patterns": model.n_patterns(),
            "fit_s": fit_s,
            "fit_cpu_s": fit_cpu_s,
            "recommend_s": recommend_s,
            "recommend_cpu_s": recommend_cpu_s,
        });
        merge(&mut run, hits(&rec, &c.added, a.top));
        runs.push(run);
    }
    let t = Instant::now();
    let popularity = Popularity::fit(&c.recent, n_items).map_err(|e| e.to_string())?;
    let rec = popularity.recommend_all(&c.holdings, a.top);
    let mut run = serde_json::json!({
        "method": "popularity_recent_takeups",
        "fit_s": t.elapsed().as_secs_f64(),
    });
    merge(&mut run, hits(&rec, &c.added, a.top));
    runs.push(run);
    let out = serde_json::json!({
        "engine": "vitrine-knn",
        "customers": c.ids.len(),
        "customers_adding": c.added.iter().filter(|&&t| t != 0).count(),
        "k": a.k,
        "threads": if cfg!(feature = "threads") { "rayon" } else { "1" },
        "load_s": load_s,
        "runs": runs,
    });
    println!("{out}");
    Ok(())
}

fn main() -> Result<(), String> {
    let a = parse_args()?;
    if let Some(dir) = &a.write_peer {
        let c = customers(&a)?;
        let mut order: Vec<usize> = (0..c.ids.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(a.seed));
        if a.users > 0 {
            order.truncate(a.users);
        }
        order.sort_unstable();
        let pick = |v: &[u32]| -> Vec<u32> { order.iter().map(|&u| v[u]).collect() };
        let ids: Vec<u64> = order.iter().map(|&u| c.ids[u]).collect();
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        write_pairs(&format!("{dir}/holdings.csv"), &ids, &pick(&c.holdings))
            .map_err(|e| e.to_string())?;
        write_pairs(&format!("{dir}/added.csv"), &ids, &pick(&c.added))
            .map_err(|e| e.to_string())?;
        write_pairs(&format!("{dir}/recent.csv"), &ids, &pick(&c.recent))
            .map_err(|e| e.to_string())?;
        eprintln!(
            "{dir}: {} of {} customers, {} adding a product",
            ids.len(),
            c.ids.len(),
            pick(&c.added).iter().filter(|&&t| t != 0).count()
        );
        return Ok(());
    }
    if a.full {
        return full(&a);
    }
    if let (Some(h), Some(added)) = (&a.holdings, &a.added) {
        return on_peer_files(&a, h, added);
    }
    Err("give --write-peer DIR, --holdings and --added, or --full".into())
}
