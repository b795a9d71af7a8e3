//! Rubin's rules: pooling a column mean across the M completed datasets, so that the reported
//! uncertainty includes the uncertainty about the imputed values.

use super::{Imputation, ImputeError};
use ndarray::ArrayView2;
use serde::Serialize;

/// A column mean pooled over the imputations by Rubin's rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PooledMean {
    /// Column index.
    pub column: usize,
    /// Average of the M completed-data means.
    pub estimate: f64,
    /// Within-imputation variance: average of the squared standard errors of the mean.
    pub within: f64,
    /// Between-imputation variance of the M means (0 when M = 1).
    pub between: f64,
    /// Total variance `within + (1 + 1/M) between`.
    pub total: f64,
    /// Degrees of freedom, Barnard–Rubin small-sample form (as R's mice reports), complete-data
    /// degrees of freedom n - 1.
    pub df: f64,
    /// Fraction of missing information.
    pub fraction_missing_information: f64,
    /// Standard error of the pooled mean, the square root of `total`.
    pub standard_error: f64,
    /// Lower end of the 95 % confidence interval: estimate - t(0.975, df) x standard error.
    pub ci_low: f64,
    /// Upper end of the 95 % confidence interval.
    pub ci_high: f64,
}

/// Pools each column's mean over `imputations` of `data` (the matrix they were drawn for).
pub fn pool_means(
    data: ArrayView2<f64>,
    imputations: &[Imputation],
) -> Result<Vec<PooledMean>, ImputeError> {
    let (n, p) = data.dim();
    if imputations.is_empty() || n < 2 {
        return Err(ImputeError::EmptyData);
    }
    let holes = data.iter().filter(|v| v.is_nan()).count();
    let mut means = vec![vec![0.0; p]; imputations.len()];
    let mut variances = vec![vec![0.0; p]; imputations.len()];
    for (k, imp) in imputations.iter().enumerate() {
        if imp.values.len() != holes {
            return Err(ImputeError::LengthMismatch {
                what: "imputed values",
                expected: holes,
                found: imp.values.len(),
            });
        }
        for pass in 0..2 {
            let mut next = imp.values.iter();
            for row in data.outer_iter() {
                for (j, &v) in row.iter().enumerate() {
                    let v = if v.is_nan() {
                        *next.next().expect("counted")
                    } else {
                        v
                    };
                    if pass == 0 {
                        means[k][j] += v;
                    } else {
                        let d = v - means[k][j];
                        variances[k][j] += d * d;
                    }
                }
            }
            if pass == 0 {
                means[k].iter_mut().for_each(|m| *m /= n as f64);
            }
        }
        variances[k].iter_mut().for_each(|s| *s /= (n - 1) as f64);
    }
    let m = imputations.len() as f64;
    let nu_com = (n - 1) as f64;
    Ok((0..p)
        .map(|j| {
            let estimate = means.iter().map(|q| q[j]).sum::<f64>() / m;
            let within = variances.iter().map(|s| s[j] / n as f64).sum::<f64>() / m;
            let between = if imputations.len() > 1 {
                means.iter().map(|q| (q[j] - estimate).powi(2)).sum::<f64>() / (m - 1.0)
            } else {
                0.0
            };
            let total = within + (1.0 + 1.0 / m) * between;
            let lambda = if total > 0.0 {
                (1.0 + 1.0 / m) * between / total
            } else {
                0.0
            };
            let nu_obs = (nu_com + 1.0) / (nu_com + 3.0) * nu_com * (1.0 - lambda);
            let df = if lambda > 0.0 {
                let nu_old = (m - 1.0) / (lambda * lambda);
                nu_old * nu_obs / (nu_old + nu_obs)
            } else {
                nu_obs
            };
            let r = if within > 0.0 {
                (1.0 + 1.0 / m) * between / within
            } else {
                0.0
            };
            let standard_error = total.sqrt();
            let half = crate::stats::student_t_quantile(0.975, df) * standard_error;
            PooledMean {
                column: j,
                estimate,
                within,
                between,
                total,
                df,
                fraction_missing_information: (r + 2.0 / (df + 3.0)) / (r + 1.0),
                standard_error,
                ci_low: estimate - half,
                ci_high: estimate + half,
            }
        })
        .collect())
}
