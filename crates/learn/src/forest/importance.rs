//! Which features the forest relies on: the impurity importance (mean decrease in impurity,
//! free, but biased toward features with many distinct values) and the permutation importance
//! (the drop in AUC when one feature's values are shuffled across rows, measured on given rows,
//! so it can be taken on held-out data).

use super::error::{invalid, ForestError};
use super::model::RandomForest;
use crate::gbdt::Dataset;
use crate::metrics;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::cell::Cell;

/// One feature's share of the forest's impurity decrease.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureImportance {
    /// The feature's name.
    pub name: String,
    /// Its share, the shares of all features summing to 1 (all 0 when no tree splits).
    pub importance: f64,
}

/// Settings of a permutation importance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PermutationParams {
    /// Shuffles per feature; the drop is their mean.
    pub repeats: usize,
    /// Rows used at most (a seeded sample of them when the data has more): the cost is
    /// `features x repeats x rows x trees` tree walks.
    pub max_rows: usize,
    /// Seed of the row sample and the shuffles.
    pub seed: u64,
}

impl Default for PermutationParams {
    fn default() -> Self {
        PermutationParams {
            repeats: 5,
            max_rows: 20_000,
            seed: 0,
        }
    }
}

/// One feature's permutation importance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermutationImportance {
    /// The feature's name.
    pub name: String,
    /// Mean drop of the AUC when the feature is shuffled (negative: the feature hurts).
    pub auc_drop: f64,
    /// Standard deviation of the drop over the repeats.
    pub auc_drop_std: f64,
}

impl RandomForest {
    /// The mean decrease in impurity per feature, as scikit-learn's `feature_importances_`:
    /// each tree's weighted impurity decreases summed by feature and normalised to 1, averaged
    /// over trees, normalised again.
    pub fn impurity_importance(&self) -> Vec<FeatureImportance> {
        let p = self.features().len();
        let mut total = vec![0.0f64; p];
        let mut per_tree = vec![0.0f64; p];
        for tree in self.trees() {
            per_tree.fill(0.0);
            for node in &tree.nodes {
                if let Some(f) = node.feature() {
                    per_tree[f] += node.decrease as f64;
                }
            }
            let sum: f64 = per_tree.iter().sum();
            if sum > 0.0 {
                for (t, v) in total.iter_mut().zip(&per_tree) {
                    *t += v / sum;
                }
            }
        }
        let sum: f64 = total.iter().sum();
        self.features()
            .iter()
            .zip(total)
            .map(|(f, v)| FeatureImportance {
                name: f.name.clone(),
                importance: if sum > 0.0 { v / sum } else { 0.0 },
            })
            .collect()
    }

    /// The permutation importance of every feature on `data` (same columns as training, 0/1
    /// target with both classes): the AUC of the forest on the rows, minus its AUC with one
    /// feature's values shuffled among the rows, averaged over `repeats` shuffles. Only trees
    /// that split on the feature are walked again, and only rows whose path met it change.
    pub fn permutation_importance(
        &self,
        data: &Dataset,
        params: &PermutationParams,
    ) -> Result<Vec<PermutationImportance>, ForestError> {
        if params.repeats == 0 {
            return Err(invalid("repeats", 0, "at least 1"));
        }
        if params.max_rows < 2 {
            return Err(invalid("max_rows", params.max_rows, "at least 2"));
        }
        let matrix = self.bin(data.features())?;
        let labels = labels_of(data)?;
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let rows: Vec<usize> = if labels.len() > params.max_rows {
            let mut all: Vec<usize> = (0..labels.len()).collect();
            all.shuffle(&mut rng);
            all.truncate(params.max_rows);
            all.sort_unstable();
            all
        } else {
            (0..labels.len()).collect()
        };
        let y: Vec<bool> = rows.iter().map(|&r| labels[r]).collect();
        if y.iter().all(|&v| v) || !y.iter().any(|&v| v) {
            return Err(ForestError::OneClass { positive: y[0] });
        }
        let base: Vec<f64> = rows
            .iter()
            .map(|&r| {
                let row = matrix.row(r);
                self.trees().iter().map(|t| t.vote(row) as f64).sum()
            })
            .collect();
        let base_auc = metrics::auc(&y, &base);
        let one = |f: usize| -> PermutationImportance {
            let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
            rng.set_stream(f as u64 + 1);
            let trees: Vec<_> = self.trees().iter().filter(|t| t.uses(f)).collect();
            let drops: Vec<f64> = (0..params.repeats)
                .map(|_| {
                    let mut shuffled: Vec<u8> = rows.iter().map(|&r| matrix.row(r)[f]).collect();
                    shuffled.shuffle(&mut rng);
                    let mut scores = base.clone();
                    for tree in &trees {
                        for (i, &r) in rows.iter().enumerate() {
                            let row = matrix.row(r);
                            let met = Cell::new(false);
                            let leaf = tree.leaf_by_bin(|g| {
                                if g == f {
                                    met.set(true);
                                    shuffled[i]
                                } else {
                                    row[g]
                                }
                            });
                            if met.get() {
                                scores[i] += tree.leaf_vote(leaf) as f64 - tree.vote(row) as f64;
                            }
                        }
                    }
                    base_auc - metrics::auc(&y, &scores)
                })
                .collect();
            let mean = drops.iter().sum::<f64>() / drops.len() as f64;
            let var =
                drops.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / drops.len() as f64;
            PermutationImportance {
                name: self.features()[f].name.clone(),
                auc_drop: mean,
                auc_drop_std: var.sqrt(),
            }
        };
        #[cfg(feature = "threads")]
        let out = {
            use rayon::prelude::*;
            (0..self.features().len())
                .into_par_iter()
                .map(one)
                .collect()
        };
        #[cfg(not(feature = "threads"))]
        let out = (0..self.features().len()).map(one).collect();
        Ok(out)
    }
}

/// The 0/1 target of `data` as booleans.
pub(crate) fn labels_of(data: &Dataset) -> Result<Vec<bool>, ForestError> {
    data.target()
        .iter()
        .enumerate()
        .map(|(row, &y)| {
            if y == 0.0 || y == 1.0 {
                Ok(y == 1.0)
            } else {
                Err(ForestError::InvalidTarget { row, value: y })
            }
        })
        .collect()
}
