//! EM recovers a known normal's mean and covariance from data with cells removed completely at
//! random and at random given an observed column; the same checks fail for listwise deletion and
//! mean imputation on the same data (asserted, so the test cannot pass with a naive method).

use learn::impute::{EmFitter, EmbParams, PatternData};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

const MU: [f64; 4] = [1.0, 2.0, -1.0, 0.5];
const SIGMA: [[f64; 4]; 4] = [
    [1.0, 0.8, 0.6, 0.5],
    [0.8, 2.0, 0.9, 0.6],
    [0.6, 0.9, 1.5, 0.7],
    [0.5, 0.6, 0.7, 1.2],
];

fn draw(n: usize, seed: u64) -> Array2<f64> {
    // Cholesky of SIGMA by hand so the truth is exactly the constant above.
    let mut l = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..=i {
            let s: f64 = SIGMA[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            l[i][j] = if i == j { s.sqrt() } else { s / l[j][j] };
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 4));
    for i in 0..n {
        let z: Vec<f64> = (0..4).map(|_| rng.sample(StandardNormal)).collect();
        for a in 0..4 {
            x[[i, a]] = MU[a] + (0..=a).map(|b| l[a][b] * z[b]).sum::<f64>();
        }
    }
    x
}

/// Listwise-deletion mean and mean-imputation variance, the naive answers EM must beat.
fn naive(x: &Array2<f64>) -> (Vec<f64>, Vec<f64>) {
    let complete: Vec<_> = x
        .outer_iter()
        .filter(|r| r.iter().all(|v| !v.is_nan()))
        .collect();
    let listwise = (0..4)
        .map(|j| complete.iter().map(|r| r[j]).sum::<f64>() / complete.len() as f64)
        .collect();
    let n = x.nrows() as f64;
    let mean_imputed_var = (0..4)
        .map(|j| {
            let obs: Vec<f64> = x
                .column(j)
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .collect();
            let m = obs.iter().sum::<f64>() / obs.len() as f64;
            obs.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n
        })
        .collect();
    (listwise, mean_imputed_var)
}

fn check_recovery(x: &Array2<f64>, label: &str) {
    let data = PatternData::new(x.view()).unwrap();
    let est = EmFitter::new(&data, &EmbParams::default())
        .unwrap()
        .run()
        .unwrap()
        .to_original(&data);
    let (listwise, mean_imp_var) = naive(x);
    let mut naive_mean_worst: f64 = 0.0;
    let mut naive_var_worst: f64 = 0.0;
    for j in 0..4 {
        let sd = SIGMA[j][j].sqrt();
        let err = (est.mean[j] - MU[j]).abs() / sd;
        assert!(err < 0.06, "{label}: mean {j} off by {err} sd");
        naive_mean_worst = naive_mean_worst.max((listwise[j] - MU[j]).abs() / sd);
        for (k, sigma_k) in SIGMA.iter().enumerate() {
            let err = (est.cov[j][k] - SIGMA[j][k]).abs() / (SIGMA[j][j] * sigma_k[k]).sqrt();
            assert!(err < 0.07, "{label}: cov {j},{k} off by {err}");
        }
        naive_var_worst = naive_var_worst.max((mean_imp_var[j] - SIGMA[j][j]).abs() / SIGMA[j][j]);
    }
    // The same thresholds fail for the naive methods on this data.
    assert!(
        naive_var_worst > 0.07,
        "{label}: mean imputation would pass ({naive_var_worst})"
    );
    if label == "MAR" {
        assert!(
            naive_mean_worst > 0.06,
            "{label}: listwise would pass ({naive_mean_worst})"
        );
    }
}

#[test]
fn em_recovers_truth_under_mcar() {
    let mut x = draw(5000, 11);
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for v in x.iter_mut() {
        if rng.random::<f64>() < 0.25 {
            *v = f64::NAN;
        }
    }
    check_recovery(&x, "MCAR");
}

#[test]
fn em_recovers_truth_under_mar() {
    let mut x = draw(5000, 21);
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    // Column 0 always observed; the others go missing far more often when column 0 is high.
    for mut row in x.outer_iter_mut() {
        let p = 1.0 / (1.0 + (-(2.5 * (row[0] - MU[0]) - 0.5)).exp());
        for j in 1..4 {
            if rng.random::<f64>() < p {
                row[j] = f64::NAN;
            }
        }
    }
    check_recovery(&x, "MAR");
}
