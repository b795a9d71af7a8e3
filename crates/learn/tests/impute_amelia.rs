//! EM estimates against R's Amelia 1.8.1 on the committed fixtures (see
//! tests/fixtures/impute/README.md for the command that made them).

use learn::impute::{EmFitter, EmbParams, PatternData};
use ndarray::Array2;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/impute");

/// Reads a numeric CSV with a header; empty cells are missing.
fn read_csv(name: &str) -> Array2<f64> {
    let text = std::fs::read_to_string(format!("{DIR}/{name}")).unwrap();
    let mut lines = text.lines();
    let p = lines.next().unwrap().split(',').count();
    let mut values = Vec::new();
    let mut n = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        for cell in line.split(',') {
            values.push(if cell.is_empty() || cell == "NA" {
                f64::NAN
            } else {
                cell.parse().unwrap()
            });
        }
        n += 1;
    }
    Array2::from_shape_vec((n, p), values).unwrap()
}

fn runs() -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{DIR}/amelia_em.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    json["runs"].as_array().unwrap().clone()
}

fn rel(a: f64, b: f64, scale: f64) -> f64 {
    (a - b).abs() / scale
}

#[test]
fn em_matches_amelia() {
    for run in runs() {
        let file = run["file"].as_str().unwrap();
        let data = read_csv(file);
        let params = EmbParams {
            tolerance: run["tolerance"].as_f64().unwrap(),
            empri: run["empri"].as_f64().unwrap(),
            ..EmbParams::default()
        };
        let prepared = PatternData::new(data.view()).unwrap();
        let fit = EmFitter::new(&prepared, &params).unwrap().run().unwrap();
        let est = fit.to_original(&prepared);
        let want_mean: Vec<f64> = run["mean"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let want_cov: Vec<Vec<f64>> = run["cov"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let p = want_mean.len();
        let sd = prepared.column_sds();
        let label = format!("{file} tol {} empri {}", params.tolerance, params.empri);
        // Same start, same rule: the iteration count must be Amelia's exactly.
        assert_eq!(
            fit.iterations,
            run["iterations"].as_u64().unwrap() as usize,
            "{label}"
        );
        // Relative to each column's scale (a mean near zero has no meaningful relative error).
        // Amelia's rule and arithmetic are followed step by step, so the match is to rounding error.
        let tol = 1e-9;
        let mut worst: f64 = 0.0;
        for i in 0..p {
            worst = worst.max(rel(est.mean[i], want_mean[i], sd[i]));
            for j in 0..p {
                worst = worst.max(rel(est.cov[i][j], want_cov[i][j], sd[i] * sd[j]));
            }
        }
        println!(
            "{label}: iterations {}, worst scaled difference {worst:.2e}",
            fit.iterations
        );
        assert!(worst < tol, "{label}: worst {worst}");
        if params.tolerance < 1e-6 {
            // Converged estimates: also plain relative error on each mean and variance.
            for i in 0..p {
                let r = (est.mean[i] - want_mean[i]).abs() / want_mean[i].abs().max(sd[i]);
                assert!(r < 1e-6, "{label}: mean {i} {r}");
                let r = (est.cov[i][i] - want_cov[i][i]).abs() / want_cov[i][i];
                assert!(r < 1e-6, "{label}: variance {i} {r}");
            }
        }
    }
}
