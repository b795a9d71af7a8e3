//! Gower distance over mixed columns, as R's `cluster::daisy(x, metric = "gower")` computes it.
//!
//! Each column contributes a dissimilarity in [0, 1]: numbers and ordinal codes the absolute
//! difference over the column's observed range (a constant column contributes 0), categories and
//! symmetric flags 0 when equal and 1 otherwise, asymmetric flags the same but only for pairs
//! where at least one is 1. A pair's distance is the weighted mean over the columns both
//! entities have: `sum_f w_f d_f / sum_f w_f`. With no such column the distance is NaN and the
//! matrix counts it (daisy's NA). One difference from daisy: daisy also calls a pair NA when the
//! weights of its shared columns sum to 0.5 or less, which only matters for weights below 1.

use super::condensed::{check_budget, DistanceMatrix, DEFAULT_MEMORY_BUDGET};
use super::data::{ColumnValues, MixedTable, MISSING_BINARY, MISSING_CODE};
use super::ClusterError;

/// Settings of a Gower distance.
#[derive(Debug, Clone, PartialEq)]
pub struct GowerParams {
    /// One non-negative weight per column; empty means 1 for every column.
    pub weights: Vec<f64>,
    /// Largest condensed matrix, in bytes, that [`Gower::matrix`] may allocate: more entities
    /// are refused up front by `fit`. Default [`DEFAULT_MEMORY_BUDGET`] (1.5 GiB).
    pub memory_budget_bytes: u64,
}

impl Default for GowerParams {
    fn default() -> Self {
        GowerParams {
            weights: Vec::new(),
            memory_budget_bytes: DEFAULT_MEMORY_BUDGET,
        }
    }
}

impl GowerParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), ClusterError> {
        if let Some(c) = self
            .weights
            .iter()
            .position(|w| !(w.is_finite() && *w >= 0.0))
        {
            return Err(ClusterError::InvalidParam {
                name: "weights",
                reason: format!("weight of column {} must be a non-negative number", c + 1),
            });
        }
        if self.memory_budget_bytes == 0 {
            return Err(ClusterError::InvalidParam {
                name: "memory_budget_bytes",
                reason: "must be positive".to_string(),
            });
        }
        Ok(())
    }

    /// Prepares the distance on `table`: range-scales numeric and ordinal columns once. Refuses
    /// a table whose matrix would not fit the memory budget.
    pub fn fit(&self, table: &MixedTable) -> Result<Gower, ClusterError> {
        self.check()?;
        table.validate()?;
        let n = table.n_rows();
        check_budget(n, self.memory_budget_bytes)?;
        let p = table.columns.len();
        if !self.weights.is_empty() && self.weights.len() != p {
            return Err(ClusterError::LengthMismatch {
                what: "weights".to_string(),
                expected: p,
                found: self.weights.len(),
            });
        }
        let columns = table.columns.iter().map(|c| prepare(&c.values)).collect();
        let weights = if self.weights.is_empty() {
            vec![1.0; p]
        } else {
            self.weights.clone()
        };
        Ok(Gower {
            n,
            columns,
            weights,
        })
    }
}

/// A column as the distance reads it.
#[derive(Debug, Clone, PartialEq)]
enum Prepared {
    /// Range-scaled values in [0, 1], NaN missing (numeric and ordinal columns).
    Interval { x: Vec<f64>, missing: bool },
    /// Level codes, `MISSING_CODE` missing.
    Nominal { codes: Vec<u32>, missing: bool },
    /// Flags, `MISSING_BINARY` missing.
    Binary { values: Vec<u8>, asymmetric: bool },
}

fn prepare(values: &ColumnValues) -> Prepared {
    match values {
        ColumnValues::Numeric(v) => interval(v.clone()),
        ColumnValues::Ordinal { codes, .. } => interval(
            codes
                .iter()
                .map(|&c| {
                    if c == MISSING_CODE {
                        f64::NAN
                    } else {
                        f64::from(c)
                    }
                })
                .collect(),
        ),
        ColumnValues::Categorical { codes, .. } => Prepared::Nominal {
            missing: codes.contains(&MISSING_CODE),
            codes: codes.clone(),
        },
        ColumnValues::Binary { values, asymmetric } => Prepared::Binary {
            values: values.clone(),
            asymmetric: *asymmetric,
        },
    }
}

/// Scales to (x - min) / range in the order daisy does (via `scale()`), so that the differences
/// match R's to the last bit; a constant column keeps range 1.
fn interval(mut x: Vec<f64>) -> Prepared {
    let observed = x.iter().copied().filter(|v| !v.is_nan());
    let (lo, hi) = observed.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let range = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    for v in x.iter_mut() {
        *v = (*v - lo) / range;
    }
    Prepared::Interval {
        missing: x.iter().any(|v| v.is_nan()),
        x,
    }
}

/// A Gower distance fitted to a table: gives the distance of any pair, or the whole matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Gower {
    n: usize,
    columns: Vec<Prepared>,
    weights: Vec<f64>,
}

impl Gower {
    /// Number of entities.
    pub fn n_entities(&self) -> usize {
        self.n
    }

    /// Distance between entities `i` and `j` (NaN if they share no observed column).
    pub fn distance(&self, i: usize, j: usize) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (column, &w) in self.columns.iter().zip(&self.weights) {
            if let Some(d) = column_distance(column, i, j) {
                num += w * d;
                den += w;
            }
        }
        if den > 0.0 {
            num / den
        } else {
            f64::NAN
        }
    }

    /// The condensed matrix of all pairs (order: see [`super::condensed`]). O(n² p) time,
    /// n(n-1)/2 f64 of memory (within the budget checked by `fit`).
    pub fn matrix(&self) -> Result<DistanceMatrix, ClusterError> {
        let n = self.n;
        let mut values = vec![0.0; n * n.saturating_sub(1) / 2];
        fill(self, 0..n.saturating_sub(1), &mut values);
        DistanceMatrix::from_condensed(n, values)
    }

    /// As [`Gower::matrix`], in blocks of rows of about 1/64th of the pairs, calling
    /// `progress(pairs_done, pairs_total)` after each block: on thousands of entities the matrix
    /// takes seconds, and a page must show it advancing. A `false` from `progress` stops the work
    /// and gives `Ok(None)`. The values are the same as [`Gower::matrix`]'s.
    pub fn matrix_with_progress(
        &self,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Option<DistanceMatrix>, ClusterError> {
        let n = self.n;
        let total = n * n.saturating_sub(1) / 2;
        let mut values = vec![0.0; total];
        let block = (total / 64).max(1);
        let (mut row, mut done) = (0, 0);
        while row + 1 < n {
            let first = row;
            let mut pairs = 0;
            while row + 1 < n && pairs < block {
                pairs += n - row - 1;
                row += 1;
            }
            fill(self, first..row, &mut values[done..done + pairs]);
            done += pairs;
            if !progress(done as u64, total as u64) {
                return Ok(None);
            }
        }
        DistanceMatrix::from_condensed(n, values).map(Some)
    }

    /// Fills row `i`'s segment (`j` in `i+1..n`) with accumulated numerators, then divides.
    fn fill_row(&self, i: usize, out: &mut [f64], den: &mut Vec<f64>) {
        let start = i + 1;
        den.clear();
        den.resize(out.len(), 0.0);
        let mut den_all = 0.0;
        for v in out.iter_mut() {
            *v = 0.0;
        }
        for (column, &w) in self.columns.iter().zip(&self.weights) {
            match column {
                Prepared::Interval { x, missing } => {
                    let xi = x[i];
                    let rest = &x[start..];
                    if !missing {
                        for (o, &xj) in out.iter_mut().zip(rest) {
                            *o += w * (xi - xj).abs();
                        }
                        den_all += w;
                    } else if !xi.is_nan() {
                        for ((o, d), &xj) in out.iter_mut().zip(den.iter_mut()).zip(rest) {
                            if !xj.is_nan() {
                                *o += w * (xi - xj).abs();
                                *d += w;
                            }
                        }
                    }
                }
                Prepared::Nominal { codes, missing } => {
                    let ci = codes[i];
                    let rest = &codes[start..];
                    if !missing {
                        for (o, &cj) in out.iter_mut().zip(rest) {
                            *o += if ci != cj { w } else { 0.0 };
                        }
                        den_all += w;
                    } else if ci != MISSING_CODE {
                        for ((o, d), &cj) in out.iter_mut().zip(den.iter_mut()).zip(rest) {
                            if cj != MISSING_CODE {
                                *o += if ci != cj { w } else { 0.0 };
                                *d += w;
                            }
                        }
                    }
                }
                Prepared::Binary { values, asymmetric } => {
                    let bi = values[i];
                    if bi == MISSING_BINARY {
                        continue;
                    }
                    let rest = &values[start..];
                    for ((o, d), &bj) in out.iter_mut().zip(den.iter_mut()).zip(rest) {
                        if bj != MISSING_BINARY && !(*asymmetric && bi == 0 && bj == 0) {
                            *o += if bi != bj { w } else { 0.0 };
                            *d += w;
                        }
                    }
                }
            }
        }
        for (o, d) in out.iter_mut().zip(den.iter()) {
            let total = den_all + d;
            *o = if total > 0.0 { *o / total } else { f64::NAN };
        }
    }
}

fn column_distance(column: &Prepared, i: usize, j: usize) -> Option<f64> {
    match column {
        Prepared::Interval { x, .. } => {
            let d = (x[i] - x[j]).abs();
            (!d.is_nan()).then_some(d)
        }
        Prepared::Nominal { codes, .. } => {
            let (a, b) = (codes[i], codes[j]);
            (a != MISSING_CODE && b != MISSING_CODE).then_some(if a != b { 1.0 } else { 0.0 })
        }
        Prepared::Binary { values, asymmetric } => {
            let (a, b) = (values[i], values[j]);
            let skip =
                a == MISSING_BINARY || b == MISSING_BINARY || (*asymmetric && a == 0 && b == 0);
            (!skip).then_some(if a != b { 1.0 } else { 0.0 })
        }
    }
}

/// Fills the condensed segments of `rows` (consecutive), which `values` holds back to back.
#[cfg(not(feature = "threads"))]
fn fill(gower: &Gower, rows: std::ops::Range<usize>, values: &mut [f64]) {
    let n = gower.n;
    let mut den = Vec::with_capacity(n);
    let mut rest = values;
    for i in rows {
        let (row, tail) = rest.split_at_mut(n - i - 1);
        gower.fill_row(i, row, &mut den);
        rest = tail;
    }
}

/// Fills the condensed segments of `rows` (consecutive), which `values` holds back to back.
#[cfg(feature = "threads")]
fn fill(gower: &Gower, rows: std::ops::Range<usize>, values: &mut [f64]) {
    use rayon::prelude::*;
    let n = gower.n;
    // Each row owns its disjoint segment; rows are independent, so the result does not depend on
    // scheduling.
    let mut segments = Vec::with_capacity(rows.len());
    let mut rest = values;
    for i in rows {
        let (row, tail) = rest.split_at_mut(n - i - 1);
        segments.push((i, row));
        rest = tail;
    }
    segments
        .into_par_iter()
        .for_each_init(Vec::new, |den, (i, row)| gower.fill_row(i, row, den));
}
