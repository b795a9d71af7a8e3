//! Benchmark of bootstrap EM against R's Amelia on the same CSV.
//!
//! Writes a seeded n x 20 multivariate-normal table with 20% of cells missing completely at
//! random to `/tmp/impute_bench_<n>.csv`, times `EmbParams { m: 5, .. }.fit` on it (the point
//! EM plus 5 bootstrap EMs and imputations; Amelia's timed call does only the latter), and
//! prints JSON. With `--peer FILE` (the JSON that `peer_amelia.R` printed for that CSV) it adds
//! the time ratio and the largest difference between the two EM estimates.
//!
//! cargo run --release -p learn --example impute_bench -- --rows 10000 [--peer amelia.json]

use learn::impute::{EmFitter, EmbParams, PatternData};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use std::io::Write;
use std::time::Instant;

fn main() {
    let mut rows = 10_000usize;
    let mut peer: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--peer" => peer = args.next(),
            other => panic!("unknown argument {other}"),
        }
    }
    let p = 20;
    let data = simulate(rows, p, 7);
    let path = format!("/tmp/impute_bench_{rows}.csv");
    write_csv(&path, &data);

    let params = EmbParams {
        m: 5,
        seed: 1,
        ..EmbParams::default()
    };
    let start = Instant::now();
    let result = params.fit(data.view()).expect("fit");
    let seconds = start.elapsed().as_secs_f64();

    // The estimate to compare with the peer's, converged as tightly as the peer script does.
    let prepared = PatternData::new(data.view()).expect("data");
    let tight = EmbParams {
        tolerance: 1e-8,
        ..params.clone()
    };
    let tight_run = EmFitter::new(&prepared, &tight)
        .and_then(|f| f.run())
        .expect("em");
    let em = tight_run.to_original(&prepared);

    let mut out = serde_json::json!({
        "engine": "vitrine",
        "csv": path,
        "rows": rows,
        "columns": p,
        "m": params.m,
        "patterns": prepared.n_patterns(),
        "seconds": seconds,
        "em_iterations": result.em.iterations,
        "bootstrap_iterations": result.bootstrap_iterations,
        "em_iterations_tol_1e-8": tight_run.iterations,
        "em_mean": em.mean,
        "em_cov": em.cov,
    });
    if let Some(peer) = peer {
        let text = std::fs::read_to_string(&peer).expect("peer json");
        let peer: serde_json::Value = serde_json::from_str(&text).expect("peer json");
        let num = |v: &serde_json::Value| v.as_f64().expect("number");
        let peer_mean: Vec<f64> = peer["em_mean"]
            .as_array()
            .expect("em_mean")
            .iter()
            .map(num)
            .collect();
        let peer_cov: Vec<Vec<f64>> = peer["em_cov"]
            .as_array()
            .expect("em_cov")
            .iter()
            .map(|r| r.as_array().expect("row").iter().map(num).collect())
            .collect();
        let sd = prepared.column_sds();
        let mut mean_diff: f64 = 0.0;
        let mut cov_diff: f64 = 0.0;
        for i in 0..p {
            mean_diff =
                mean_diff.max((em.mean[i] - peer_mean[i]).abs() / peer_mean[i].abs().max(sd[i]));
            for j in 0..p {
                let d = (em.cov[i][j] - peer_cov[i][j]).abs() / (sd[i] * sd[j]);
                cov_diff = cov_diff.max(d);
            }
        }
        out["peer_seconds"] = peer["seconds"].clone();
        out["speedup"] = serde_json::json!(num(&peer["seconds"]) / seconds);
        out["max_rel_diff_mean"] = serde_json::json!(mean_diff);
        out["max_scaled_diff_cov"] = serde_json::json!(cov_diff);
        out["peer_iterations"] = peer["em_iterations"].clone();
    }
    println!("{out}");
}

/// n rows from N(mu, Sigma) with a random correlated Sigma, then 20% of cells removed at random.
fn simulate(n: usize, p: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Sigma = L L' with a random lower-triangular L, so columns are correlated.
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            l[i * p + j] = if i == j {
                1.0
            } else {
                0.5 * rng.sample::<f64, _>(StandardNormal)
            };
        }
    }
    let mu: Vec<f64> = (0..p).map(|j| (j as f64) * 2.0 - 10.0).collect();
    let mut data = Array2::zeros((n, p));
    let mut z = vec![0.0; p];
    for i in 0..n {
        z.iter_mut().for_each(|v| *v = rng.sample(StandardNormal));
        for a in 0..p {
            let x = mu[a] + (0..=a).map(|b| l[a * p + b] * z[b]).sum::<f64>();
            data[[i, a]] = if rng.random::<f64>() < 0.2 {
                f64::NAN
            } else {
                x
            };
        }
    }
    data
}

fn write_csv(path: &str, data: &Array2<f64>) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("csv"));
    let header: Vec<String> = (1..=data.ncols()).map(|j| format!("x{j}")).collect();
    writeln!(f, "{}", header.join(",")).unwrap();
    for row in data.outer_iter() {
        let cells: Vec<String> = row
            .iter()
            .map(|v| {
                if v.is_nan() {
                    String::new()
                } else {
                    format!("{v}")
                }
            })
            .collect();
        writeln!(f, "{}", cells.join(",")).unwrap();
    }
}
