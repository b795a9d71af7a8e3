//! Choosing the number of clusters from a Ward tree by inertia, as FactoMineR's `HCPC` does.
//!
//! With ward.D2 heights on a Euclidean distance, merging clusters A and B raises the
//! within-cluster sum of squares by `n_a n_b / (n_a + n_b) |c_a - c_b|²`, and the Lance-Williams
//! recurrence on squared distances makes the squared height exactly twice that, so the inertia
//! gain of a merge is `height² / 2` (unit entity weights; HCPC weighs entities by 1/N, which
//! divides every gain by N and changes no ratio). `tests/cluster_inertia.rs` checks this against
//! sums of squares computed directly.
//!
//! HCPC's rule (`auto.cut.tree`): with `W(k)` the within-cluster inertia when the tree is cut
//! into k clusters (the sum of the gains of every merge but the last k - 1), choose the k in
//! `[min_k, max_k]` minimising `W(k) / W(k - 1)`: the k at which splitting once more (k → k+1)
//! would buy the least relative loss of inertia compared with the split just made. HCPC's defaults are `min_k = 3` and
//! `max_k = min(10, round(N / 2))`, capped at N - 1.

use super::hclust::{Dendrogram, Linkage};
use super::ClusterError;
use serde::Serialize;

/// Settings of the choice of k.
#[derive(Debug, Clone, PartialEq)]
pub struct ChooseKParams {
    /// Smallest k considered (HCPC's `min`, default 3; at least 2).
    pub min_k: usize,
    /// Largest k considered; `None` is HCPC's default `min(10, round(N / 2))`.
    pub max_k: Option<usize>,
}

impl Default for ChooseKParams {
    fn default() -> Self {
        ChooseKParams {
            min_k: 3,
            max_k: None,
        }
    }
}

/// The inertia profile of a Ward tree and the suggested number of clusters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KChoice {
    /// Inertia gain of each merge, last merge first (`gains[0]` is what the 2 → 1 merge costs),
    /// as HCPC's `inert.gain` (times N).
    pub gains: Vec<f64>,
    /// `within[k - 1]` = within-cluster inertia with k clusters (HCPC's `within`, times N).
    pub within: Vec<f64>,
    /// The k values considered and their ratio `W(k) / W(k - 1)` (HCPC's `quot`).
    pub candidates: Vec<(usize, f64)>,
    /// The k with the smallest ratio (the first one on ties, as `which.min`).
    pub suggested_k: usize,
}

impl ChooseKParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), ClusterError> {
        if self.min_k < 2 {
            return Err(ClusterError::InvalidParam {
                name: "min_k",
                reason: "must be at least 2 (the ratio needs W(k - 1))".to_string(),
            });
        }
        if let Some(max) = self.max_k {
            if max < self.min_k {
                return Err(ClusterError::InvalidParam {
                    name: "max_k",
                    reason: format!("must be at least min_k ({})", self.min_k),
                });
            }
        }
        Ok(())
    }

    /// Computes the inertia profile of a Ward tree and suggests k.
    pub fn fit(&self, tree: &Dendrogram) -> Result<KChoice, ClusterError> {
        self.check()?;
        if tree.linkage != Linkage::Ward {
            return Err(ClusterError::NotWard);
        }
        let n = tree.n;
        // R's round() halves to even; N/2 is a whole or a half number.
        let half = n / 2 + usize::from(n % 2 == 1 && (n / 2) % 2 == 1);
        let max_k = self.max_k.unwrap_or(half.min(10)).min(n.saturating_sub(1));
        if max_k < self.min_k {
            return Err(ClusterError::InvalidK {
                k: self.min_k,
                entities: n,
            });
        }
        let gains: Vec<f64> = tree
            .merges
            .iter()
            .rev()
            .map(|m| m.height * m.height / 2.0)
            .collect();
        // within[k-1] = sum of gains[k-1..], accumulated from the smallest gain up as R's
        // rev(cumsum(rev(.))) does.
        let mut within = vec![0.0; gains.len()];
        let mut acc = 0.0;
        for (w, g) in within.iter_mut().zip(&gains).rev() {
            acc += g;
            *w = acc;
        }
        let candidates: Vec<(usize, f64)> = (self.min_k..=max_k)
            .map(|k| (k, within[k - 1] / within[k - 2]))
            .collect();
        let suggested_k = candidates
            .iter()
            .fold(None, |best: Option<(usize, f64)>, &(k, q)| match best {
                Some((_, bq)) if bq <= q => best,
                _ => Some((k, q)),
            })
            .map_or(self.min_k, |(k, _)| k);
        Ok(KChoice {
            gains,
            within,
            candidates,
            suggested_k,
        })
    }
}
