//! The data as EM wants it: columns standardised by their observed mean and standard deviation
//! (as Amelia does, so that the tolerance means the same on any units), and rows grouped by
//! their pattern of missing cells, so that the regression of missing on observed is worked out
//! once per pattern rather than once per row. Only observed values are stored, packed per row:
//! memory follows the observed cells, which matters for mostly empty tables.

use super::ImputeError;
use ndarray::ArrayView2;

/// One missingness pattern: a run of rows (in pattern order) sharing the same observed columns.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// First row of the run, as a position in pattern order.
    pub first: usize,
    /// Number of rows in the run.
    pub rows: usize,
    /// Offset of the run's first packed observed value in `values`.
    pub values_start: usize,
    /// Offset of the pattern's column lists in `columns`: observed first, then missing.
    pub columns_start: usize,
    pub n_obs: usize,
    pub n_mis: usize,
}

/// A numeric matrix with missing cells, standardised and grouped by missingness pattern; built
/// once and shared by the EM fit on the data and by every bootstrap run.
#[derive(Debug, Clone)]
pub struct PatternData {
    n_rows: usize,
    n_cols: usize,
    pub(crate) center: Vec<f64>,
    pub(crate) scale: Vec<f64>,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) columns: Vec<usize>,
    /// Original row index of each row in pattern order.
    pub(crate) row_index: Vec<u32>,
    /// Observed standardised values, row after row in pattern order, each row's in column order.
    pub(crate) values: Vec<f64>,
    /// For each original row, the index of its first missing cell in row-major cell order.
    pub(crate) cell_start: Vec<usize>,
    /// Rows with at least one observed value; they come first in pattern order.
    pub(crate) n_nonblank: usize,
}

impl Pattern {
    /// Observed columns, ascending.
    pub(crate) fn obs<'a>(&self, columns: &'a [usize]) -> &'a [usize] {
        &columns[self.columns_start..self.columns_start + self.n_obs]
    }
    /// Missing columns, ascending.
    pub(crate) fn mis<'a>(&self, columns: &'a [usize]) -> &'a [usize] {
        let start = self.columns_start + self.n_obs;
        &columns[start..start + self.n_mis]
    }
}

impl PatternData {
    /// Standardises and groups `data` (rows x columns, NaN = missing, any memory layout).
    pub fn new(data: ArrayView2<f64>) -> Result<PatternData, ImputeError> {
        let (n, p) = data.dim();
        if n == 0 || p == 0 {
            return Err(ImputeError::EmptyData);
        }
        if n > u32::MAX as usize {
            return Err(ImputeError::TooFewRows {
                rows: n,
                columns: p,
            });
        }
        let (center, scale) = column_moments(data)?;

        let words = p.div_ceil(64);
        let mut keys = vec![0u64; n * words];
        let mut missing_per_row = vec![0usize; n];
        for (i, row) in data.outer_iter().enumerate() {
            let key = &mut keys[i * words..(i + 1) * words];
            for (j, &v) in row.iter().enumerate() {
                if v.is_nan() {
                    key[j / 64] |= 1u64 << (j % 64);
                    missing_per_row[i] += 1;
                }
            }
        }
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Stable sort: rows of one pattern keep their file order, so results never depend on
        // the sort's internals. Complete rows (all-zero key) come first, blank rows last.
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            keys[a * words..(a + 1) * words].cmp(&keys[b * words..(b + 1) * words])
        });

        let mut cell_start = Vec::with_capacity(n + 1);
        let mut cells = 0usize;
        for &m in &missing_per_row {
            cell_start.push(cells);
            cells += m;
        }
        cell_start.push(cells);

        let mut patterns: Vec<Pattern> = Vec::new();
        let mut columns = Vec::new();
        let mut values = Vec::with_capacity(n * p - cells);
        let mut n_nonblank = 0;
        for (pos, &r) in order.iter().enumerate() {
            let r = r as usize;
            let key = &keys[r * words..(r + 1) * words];
            let same = pos > 0 && {
                let q = order[pos - 1] as usize;
                &keys[q * words..(q + 1) * words] == key
            };
            if same {
                patterns.last_mut().expect("a previous pattern").rows += 1;
            } else {
                let columns_start = columns.len();
                columns.extend((0..p).filter(|&j| key[j / 64] & (1u64 << (j % 64)) == 0));
                let n_obs = columns.len() - columns_start;
                columns.extend((0..p).filter(|&j| key[j / 64] & (1u64 << (j % 64)) != 0));
                patterns.push(Pattern {
                    first: pos,
                    rows: 1,
                    values_start: values.len(),
                    columns_start,
                    n_obs,
                    n_mis: p - n_obs,
                });
            }
            if missing_per_row[r] < p {
                n_nonblank += 1;
            }
            let row = data.row(r);
            for (j, &v) in row.iter().enumerate() {
                if !v.is_nan() {
                    values.push((v - center[j]) / scale[j]);
                }
            }
        }
        Ok(PatternData {
            n_rows: n,
            n_cols: p,
            center,
            scale,
            patterns,
            columns,
            row_index: order,
            values,
            cell_start,
            n_nonblank,
        })
    }

    /// Rows of the data.
    pub fn rows(&self) -> usize {
        self.n_rows
    }
    /// Columns of the data.
    pub fn cols(&self) -> usize {
        self.n_cols
    }
    /// Number of distinct missingness patterns (the unit of work of an EM iteration).
    pub fn n_patterns(&self) -> usize {
        self.patterns.len()
    }
    /// Number of missing cells, i.e. the length of each [`super::Imputation`].
    pub fn missing_cells(&self) -> usize {
        self.cell_start[self.n_rows]
    }
    /// Rows with at least one observed value: the rows EM learns from and bootstrap resamples.
    pub fn informative_rows(&self) -> usize {
        self.n_nonblank
    }
    /// Observed mean of each column (the standardisation centre).
    pub fn column_means(&self) -> &[f64] {
        &self.center
    }
    /// Observed standard deviation of each column (the standardisation scale).
    pub fn column_sds(&self) -> &[f64] {
        &self.scale
    }
    /// (row, column) of each missing cell, in row-major order: the order of imputed values.
    pub fn cells(&self) -> Vec<(usize, usize)> {
        let mut out = vec![(0, 0); self.missing_cells()];
        for pat in &self.patterns {
            for pos in pat.first..pat.first + pat.rows {
                let r = self.row_index[pos] as usize;
                for (k, &j) in pat.mis(&self.columns).iter().enumerate() {
                    out[self.cell_start[r] + k] = (r, j);
                }
            }
        }
        out
    }
}

/// Observed mean and standard deviation (n - 1) per column, two-pass for accuracy.
fn column_moments(data: ArrayView2<f64>) -> Result<(Vec<f64>, Vec<f64>), ImputeError> {
    let p = data.ncols();
    let mut sum = vec![0.0; p];
    let mut count = vec![0usize; p];
    for (i, row) in data.outer_iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            if !v.is_finite() {
                return Err(ImputeError::NonFinite { row: i, column: j });
            }
            sum[j] += v;
            count[j] += 1;
        }
    }
    let mut mean = vec![0.0; p];
    for j in 0..p {
        if count[j] == 0 {
            return Err(ImputeError::NoObservedValues { column: j });
        }
        mean[j] = sum[j] / count[j] as f64;
    }
    let mut ss = vec![0.0; p];
    for row in data.outer_iter() {
        for (j, &v) in row.iter().enumerate() {
            if !v.is_nan() {
                ss[j] += (v - mean[j]) * (v - mean[j]);
            }
        }
    }
    let mut sd = vec![0.0; p];
    for j in 0..p {
        if count[j] < 2 {
            return Err(ImputeError::ConstantColumn { column: j });
        }
        sd[j] = (ss[j] / (count[j] - 1) as f64).sqrt();
        if sd[j].is_nan() || sd[j] <= 1e-12 * mean[j].abs().max(f64::MIN_POSITIVE) {
            return Err(ImputeError::ConstantColumn { column: j });
        }
    }
    Ok((mean, sd))
}
