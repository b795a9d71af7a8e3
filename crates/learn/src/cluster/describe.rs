//! What sets each cluster apart, in the words of FactoMineR's `catdes`, and which entity stands
//! for it.
//!
//! Numeric columns: the mean inside the cluster against the overall mean, and the test value
//! `v = (mean_k - mean) / sd * sqrt(n_k) / sqrt((N - n_k) / (N - 1))` (catdes's `v.test`: `sd`
//! the population standard deviation over observed cells, means over observed cells, `n_k` and
//! `N` counting every entity). Categorical, ordinal and binary columns: the cluster's most
//! frequent level, its share inside against overall, and the same test value on that level's
//! indicator (the normal approximation of catdes's hypergeometric test). Variables are ranked by
//! |v|.
//!
//! The typical entity of a cluster is its medoid, the member with the smallest mean distance to
//! the other members; an entity's anomaly score is its distance to its cluster's medoid divided
//! by the members' mean distance to it (about 1 is ordinary, 3 stands well apart).

use super::data::{ColumnValues, MixedTable};
use super::ClusterError;
use serde::Serialize;

/// Settings of a cluster description.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeParams {
    /// Variables kept per cluster, best |v| first (default 20).
    pub top_variables: usize,
}

impl Default for DescribeParams {
    fn default() -> Self {
        DescribeParams { top_variables: 20 }
    }
}

/// How a cluster differs from the whole on one variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Contrast {
    /// A numeric variable's mean inside and overall.
    Numeric {
        mean_in: f64,
        mean_all: f64,
        sd_all: f64,
    },
    /// The cluster's most frequent level of a categorical variable and its shares.
    Level {
        level: u32,
        level_name: String,
        share_in: f64,
        share_all: f64,
    },
}

/// One variable's contrast with its test value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableContrast {
    /// Column index in the table.
    pub column: usize,
    /// Column name.
    pub name: String,
    /// catdes's test value (a signed z-score).
    pub v_test: f64,
    /// The means or shares.
    pub contrast: Contrast,
}

/// The portrait of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterProfile {
    /// The cluster's label (as `Dendrogram::cut` gives it).
    pub label: u32,
    /// Members.
    pub size: usize,
    /// The medoid (0-based row).
    pub typical_entity: usize,
    /// Members' mean distance to the medoid.
    pub spread: f64,
    /// Variables ranked by |v|, at most `top_variables`.
    pub variables: Vec<VariableContrast>,
}

/// Every cluster's portrait and every entity's anomaly score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterDescription {
    /// Profiles in label order (label 1 first).
    pub clusters: Vec<ClusterProfile>,
    /// Per entity: distance to its cluster's medoid over the cluster's spread (0 for a medoid
    /// or a cluster without spread).
    pub anomaly: Vec<f64>,
}

impl DescribeParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), ClusterError> {
        if self.top_variables == 0 {
            return Err(ClusterError::InvalidParam {
                name: "top_variables",
                reason: "must be at least 1".to_string(),
            });
        }
        Ok(())
    }

    /// Describes the clusters `labels` (1-based, one per row of `table`), with `distance(i, j)`
    /// the distance used to cluster (e.g. `|i, j| gower.distance(i, j)`; NaN pairs are skipped).
    pub fn fit(
        &self,
        table: &MixedTable,
        labels: &[u32],
        distance: &dyn Fn(usize, usize) -> f64,
    ) -> Result<ClusterDescription, ClusterError> {
        self.check()?;
        table.validate()?;
        let n = table.n_rows();
        if labels.len() != n {
            return Err(ClusterError::LengthMismatch {
                what: "cluster labels".to_string(),
                expected: n,
                found: labels.len(),
            });
        }
        let k = labels.iter().copied().max().unwrap_or(0) as usize;
        if labels.contains(&0) {
            return Err(ClusterError::InvalidParam {
                name: "labels",
                reason: "labels are 1-based".to_string(),
            });
        }
        let mut members = vec![Vec::new(); k];
        for (row, &label) in labels.iter().enumerate() {
            members[label as usize - 1].push(row);
        }
        let mut anomaly = vec![0.0; n];
        let mut clusters = Vec::with_capacity(k);
        for (index, rows) in members.iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let (typical_entity, spread) = medoid(rows, distance, &mut anomaly);
            let mut variables: Vec<VariableContrast> = table
                .columns
                .iter()
                .enumerate()
                .filter_map(|(c, column)| {
                    contrast(&column.values, rows, n).map(|(v_test, contrast)| VariableContrast {
                        column: c,
                        name: column.name.clone(),
                        v_test,
                        contrast,
                    })
                })
                .collect();
            variables.sort_by(|a, b| b.v_test.abs().total_cmp(&a.v_test.abs()));
            variables.truncate(self.top_variables);
            clusters.push(ClusterProfile {
                label: index as u32 + 1,
                size: rows.len(),
                typical_entity,
                spread,
                variables,
            });
        }
        Ok(ClusterDescription { clusters, anomaly })
    }
}

/// catdes's test value; None when undefined (no spread, one cluster, nothing observed).
fn v_test(mean_in: f64, mean_all: f64, sd_all: f64, n_k: usize, n: usize) -> Option<f64> {
    let (n_k, n) = (n_k as f64, n as f64);
    let v = (mean_in - mean_all) / sd_all * n_k.sqrt() / ((n - n_k) / (n - 1.0)).sqrt();
    v.is_finite().then_some(v)
}

fn contrast(values: &ColumnValues, rows: &[usize], n: usize) -> Option<(f64, Contrast)> {
    match values {
        ColumnValues::Numeric(v) => {
            let mean = |it: &mut dyn Iterator<Item = f64>| {
                let (c, s) = it
                    .filter(|x| !x.is_nan())
                    .fold((0, 0.0), |(c, s), x| (c + 1, s + x));
                s / c as f64
            };
            let mean_all = mean(&mut v.iter().copied());
            let mean_in = mean(&mut rows.iter().map(|&r| v[r]));
            let observed = v.iter().filter(|x| !x.is_nan());
            let count = observed.clone().count() as f64;
            let sd_all = (observed
                .map(|x| (x - mean_all) * (x - mean_all))
                .sum::<f64>()
                / count)
                .sqrt();
            let v = v_test(mean_in, mean_all, sd_all, rows.len(), n)?;
            Some((
                v,
                Contrast::Numeric {
                    mean_in,
                    mean_all,
                    sd_all,
                },
            ))
        }
        ColumnValues::Ordinal { codes, levels } | ColumnValues::Categorical { codes, levels } => {
            let name = |l: u32| levels.get(l as usize).cloned().unwrap_or_default();
            let at = |r: usize| Some(codes[r]).filter(|&c| c != super::data::MISSING_CODE);
            level_contrast(at, rows, n, &name)
        }
        ColumnValues::Binary { values, .. } => {
            let at = |r: usize| Some(u32::from(values[r])).filter(|&b| b <= 1);
            level_contrast(at, rows, n, &|l: u32| l.to_string())
        }
    }
}

fn level_contrast(
    at: impl Fn(usize) -> Option<u32>,
    rows: &[usize],
    n: usize,
    name: &dyn Fn(u32) -> String,
) -> Option<(f64, Contrast)> {
    let mut counts: Vec<usize> = Vec::new();
    for r in rows {
        if let Some(code) = at(*r) {
            let code = code as usize;
            if counts.len() <= code {
                counts.resize(code + 1, 0);
            }
            counts[code] += 1;
        }
    }
    let observed_in: usize = counts.iter().sum();
    // The most frequent level, the lowest code on ties.
    let (level, &count_in) = counts.iter().enumerate().fold(
        None,
        |best: Option<(usize, &usize)>, (l, c)| match best {
            Some((_, bc)) if bc >= c => best,
            _ => Some((l, c)),
        },
    )?;
    let (mut observed_all, mut count_all) = (0usize, 0usize);
    for r in 0..n {
        if let Some(code) = at(r) {
            observed_all += 1;
            count_all += usize::from(code as usize == level);
        }
    }
    let share_in = count_in as f64 / observed_in as f64;
    let share_all = count_all as f64 / observed_all as f64;
    let sd_all = (share_all * (1.0 - share_all)).sqrt();
    let v = v_test(share_in, share_all, sd_all, rows.len(), n)?;
    Some((
        v,
        Contrast::Level {
            level: level as u32,
            level_name: name(level as u32),
            share_in,
            share_all,
        },
    ))
}

/// The medoid of `rows` and their mean distance to it; writes each member's anomaly score.
fn medoid(
    rows: &[usize],
    distance: &dyn Fn(usize, usize) -> f64,
    anomaly: &mut [f64],
) -> (usize, f64) {
    let m = rows.len();
    let mut sums = vec![(0.0, 0usize); m];
    for a in 0..m {
        for b in a + 1..m {
            let d = distance(rows[a], rows[b]);
            if !d.is_nan() {
                sums[a].0 += d;
                sums[a].1 += 1;
                sums[b].0 += d;
                sums[b].1 += 1;
            }
        }
    }
    let mean = |(s, c): (f64, usize)| if c == 0 { f64::INFINITY } else { s / c as f64 };
    let best = (0..m).fold(0, |best, a| {
        if mean(sums[a]) < mean(sums[best]) {
            a
        } else {
            best
        }
    });
    let centre = rows[best];
    let spread = mean(sums[best]);
    let spread = if spread.is_finite() { spread } else { 0.0 };
    for &r in rows {
        let d = if r == centre {
            0.0
        } else {
            distance(r, centre)
        };
        anomaly[r] = if spread > 0.0 && !d.is_nan() {
            d / spread
        } else {
            0.0
        };
    }
    (centre, spread)
}
