//! Principal component analysis on standardised numeric columns, for the map of entities.
//!
//! Conventions (FactoMineR's `PCA(scale.unit = TRUE)`): each column is centred and divided by
//! its population standard deviation (divisor N), missing cells take their column's mean (so 0
//! once standardised; the standard deviation is that of the completed column, as FactoMineR's), and the eigen-decomposition is that of the correlation matrix (nalgebra's
//! `SymmetricEigen`). Eigenvalues equal R's `prcomp(scale. = TRUE)$sdev^2`; scores are
//! FactoMineR's `ind$coord`, which are prcomp's `x` times sqrt((N-1)/N), up to sign.
//! Sign: each component is flipped so that its largest loading (by absolute value) is positive,
//! making maps reproducible across platforms.

use super::ClusterError;
use nalgebra::{DMatrix, SymmetricEigen};
use ndarray::{Array2, ArrayView2};

/// Settings of a PCA.
#[derive(Debug, Clone, PartialEq)]
pub struct PcaParams {
    /// Components whose scores and correlations are kept (FactoMineR's `ncp`, default 5; capped
    /// at the number of non-trivial components). Every eigenvalue is reported regardless.
    pub n_components: usize,
}

impl Default for PcaParams {
    fn default() -> Self {
        PcaParams { n_components: 5 }
    }
}

impl PcaParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), ClusterError> {
        if self.n_components == 0 {
            return Err(ClusterError::InvalidParam {
                name: "n_components",
                reason: "must be at least 1".to_string(),
            });
        }
        Ok(())
    }

    /// Fits the PCA to `data` (rows = entities, columns = variables, NaN = missing).
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<Pca, ClusterError> {
        self.check()?;
        let (n, p) = data.dim();
        if n < 2 || p == 0 {
            return Err(ClusterError::EmptyData);
        }
        let mut z = Array2::zeros((n, p));
        for (c, column) in data.columns().into_iter().enumerate() {
            if let Some(row) = column.iter().position(|v| v.is_infinite()) {
                return Err(ClusterError::InvalidValue {
                    row,
                    column: c,
                    reason: "infinite value (expected a number or an empty cell)",
                });
            }
            let column = column.to_vec();
            let (mean, sd) = mean_sd(&column);
            if sd.is_nan() || sd <= 0.0 {
                return Err(ClusterError::ConstantColumn { column: c });
            }
            for (r, &v) in column.iter().enumerate() {
                z[[r, c]] = if v.is_nan() { 0.0 } else { (v - mean) / sd };
            }
        }
        let axes = Axes::fit(&z, self.n_components);
        let correlations = correlations(&axes, p);
        Ok(Pca { axes, correlations })
    }
}

/// Mean of the observed values and the population standard deviation of the column once its
/// missing cells hold that mean (FactoMineR imputes first, then standardises): the squared
/// deviations of observed cells over all `n` cells. NaN mean if nothing is observed.
pub(crate) fn mean_sd(values: &[f64]) -> (f64, f64) {
    let observed = values.iter().filter(|v| !v.is_nan());
    let (count, sum) = observed
        .clone()
        .fold((0usize, 0.0), |(c, s), v| (c + 1, s + v));
    let mean = sum / count as f64;
    let ss: f64 = observed.map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / values.len() as f64).sqrt())
}

/// Principal axes of a prepared (centred, weighted) matrix: eigen-decomposition of X'X / N.
#[derive(Debug, Clone, PartialEq)]
pub struct Axes {
    /// Every eigenvalue, largest first (variance of each component).
    pub eigenvalues: Vec<f64>,
    /// Each eigenvalue's share of the total variance.
    pub explained_ratio: Vec<f64>,
    /// Loadings (unit eigenvectors), prepared columns x kept components.
    pub loadings: Array2<f64>,
    /// Entity coordinates on the kept components (entities x components).
    pub scores: Array2<f64>,
}

impl Axes {
    /// Decomposes `x` (already centred and scaled) and keeps `keep` components.
    pub(crate) fn fit(x: &Array2<f64>, keep: usize) -> Axes {
        let (n, q) = x.dim();
        let mut cov = DMatrix::<f64>::zeros(q, q);
        for a in 0..q {
            for b in a..q {
                let s: f64 = x
                    .column(a)
                    .iter()
                    .zip(x.column(b))
                    .map(|(u, v)| u * v)
                    .sum();
                cov[(a, b)] = s / n as f64;
                cov[(b, a)] = s / n as f64;
            }
        }
        let eig = SymmetricEigen::new(cov);
        let mut order: Vec<usize> = (0..q).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        // Rounding leaves tiny negative eigenvalues on rank-deficient data; they are zeros.
        let eigenvalues: Vec<f64> = order.iter().map(|&k| eig.eigenvalues[k].max(0.0)).collect();
        let total: f64 = eigenvalues.iter().sum();
        let explained_ratio = eigenvalues.iter().map(|l| l / total).collect();
        let nontrivial = eigenvalues.iter().filter(|&&l| l > 1e-12 * total).count();
        let keep = keep.min(nontrivial).max(1);
        let mut loadings = Array2::zeros((q, keep));
        for (c, &k) in order.iter().take(keep).enumerate() {
            let v = eig.eigenvectors.column(k);
            let largest = v
                .iter()
                .copied()
                .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            let sign = if largest < 0.0 { -1.0 } else { 1.0 };
            for r in 0..q {
                loadings[[r, c]] = sign * v[r];
            }
        }
        let scores = x.dot(&loadings);
        Axes {
            eigenvalues,
            explained_ratio,
            loadings,
            scores,
        }
    }
}

/// Correlation of each of the first `p` (standardised) columns with each kept component:
/// `loading * sqrt(eigenvalue)`.
pub(crate) fn correlations(axes: &Axes, p: usize) -> Array2<f64> {
    let keep = axes.loadings.ncols();
    Array2::from_shape_fn((p, keep), |(j, k)| {
        axes.loadings[[j, k]] * axes.eigenvalues[k].sqrt()
    })
}

/// A fitted PCA.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Eigenvalues, explained variance, loadings and entity scores.
    pub axes: Axes,
    /// The correlation circle: variables x kept components.
    pub correlations: Array2<f64>,
}
