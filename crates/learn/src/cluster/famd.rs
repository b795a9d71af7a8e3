//! Factor analysis of mixed data (FAMD, as FactoMineR's `FAMD`): the map for entities described
//! by numbers and categories together.
//!
//! Numeric columns are standardised as in [`super::pca`]; each category level becomes an
//! indicator column `(I - p) / sqrt(p)`, with `p` the level's share, so that a categorical
//! variable with m levels weighs m - 1 in the total inertia as in multiple correspondence
//! analysis. The axes are those of the covariance of these columns. Ordinal and binary columns
//! are treated as categories, as FactoMineR treats R factors. Missing cells sit at the centre
//! (0 on every column of their variable).

use super::data::{ColumnValues, MixedTable, MISSING_BINARY, MISSING_CODE};
use super::pca::{correlations, mean_sd, Axes, PcaParams};
use super::ClusterError;
use ndarray::Array2;

/// Settings of a FAMD.
#[derive(Debug, Clone, PartialEq)]
pub struct FamdParams {
    /// Components whose scores and correlations are kept (default 5), as [`PcaParams`].
    pub n_components: usize,
}

impl Default for FamdParams {
    fn default() -> Self {
        FamdParams { n_components: 5 }
    }
}

impl FamdParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), ClusterError> {
        PcaParams {
            n_components: self.n_components,
        }
        .check()
    }

    /// Fits the FAMD to `table`.
    pub fn fit(&self, table: &MixedTable) -> Result<Famd, ClusterError> {
        fit_famd(self, table)
    }
}

/// What each prepared column stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum FamdColumn {
    /// A numeric table column (index into the table's columns).
    Numeric { column: usize },
    /// One level of a categorical table column, with its share of the entities.
    Level {
        column: usize,
        level: u32,
        share: f64,
    },
}

/// A fitted FAMD.
#[derive(Debug, Clone, PartialEq)]
pub struct Famd {
    /// Eigenvalues, explained variance, loadings and entity scores.
    pub axes: Axes,
    /// What each row of `axes.loadings` stands for: numeric columns first, then levels.
    pub prepared: Vec<FamdColumn>,
    /// Correlation circle of the numeric columns (numeric columns x kept components).
    pub correlations: Array2<f64>,
    /// Centre of each level's entities on the kept components (levels x components, in the
    /// order of the `Level` entries of `prepared`).
    pub level_centres: Array2<f64>,
}

fn fit_famd(params: &FamdParams, table: &MixedTable) -> Result<Famd, ClusterError> {
    params.check()?;
    table.validate()?;
    let n = table.n_rows();
    if n < 2 {
        return Err(ClusterError::EmptyData);
    }
    let mut prepared = Vec::new();
    let mut blocks: Vec<Vec<f64>> = Vec::new();
    for (c, column) in table.columns.iter().enumerate() {
        if let ColumnValues::Numeric(v) = &column.values {
            let (mean, sd) = mean_sd(v);
            if sd.is_nan() || sd <= 0.0 {
                return Err(ClusterError::ConstantColumn { column: c });
            }
            blocks.push(
                v.iter()
                    .map(|&x| if x.is_nan() { 0.0 } else { (x - mean) / sd })
                    .collect(),
            );
            prepared.push(FamdColumn::Numeric { column: c });
        }
    }
    let n_numeric = prepared.len();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (c, column) in table.columns.iter().enumerate() {
        let codes: Vec<Option<u32>> = match &column.values {
            ColumnValues::Numeric(_) => continue,
            ColumnValues::Ordinal { codes, .. } | ColumnValues::Categorical { codes, .. } => codes
                .iter()
                .map(|&x| (x != MISSING_CODE).then_some(x))
                .collect(),
            ColumnValues::Binary { values, .. } => values
                .iter()
                .map(|&x| (x != MISSING_BINARY).then_some(u32::from(x)))
                .collect(),
        };
        let levels = codes.iter().flatten().max().map_or(0, |&m| m as usize + 1);
        let mut count = vec![0usize; levels];
        for &code in codes.iter().flatten() {
            count[code as usize] += 1;
        }
        for (level, &k) in count.iter().enumerate() {
            if k == 0 {
                continue;
            }
            let share = k as f64 / n as f64;
            let root = share.sqrt();
            blocks.push(
                codes
                    .iter()
                    .map(|&x| match x {
                        Some(code) if code as usize == level => (1.0 - share) / root,
                        Some(_) => -share / root,
                        None => 0.0,
                    })
                    .collect(),
            );
            members.push((0..n).filter(|&r| codes[r] == Some(level as u32)).collect());
            prepared.push(FamdColumn::Level {
                column: c,
                level: level as u32,
                share,
            });
        }
    }
    if blocks.is_empty() {
        return Err(ClusterError::EmptyData);
    }
    let x = Array2::from_shape_fn((n, blocks.len()), |(r, c)| blocks[c][r]);
    let axes = Axes::fit(&x, params.n_components);
    let correlations = correlations(&axes, n_numeric);
    let keep = axes.scores.ncols();
    let level_centres = Array2::from_shape_fn((members.len(), keep), |(l, k)| {
        let rows = &members[l];
        rows.iter().map(|&r| axes.scores[[r, k]]).sum::<f64>() / rows.len() as f64
    });
    Ok(Famd {
        axes,
        prepared,
        correlations,
        level_centres,
    })
}
