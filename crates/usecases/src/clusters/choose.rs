//! The suggested number of clusters and the bars the page draws beside the dendrogram.
//!
//! Ward's linkage: FactoMineR HCPC's inertia rule (learn's [`ChooseKParams`]): the bars are the
//! inertia gains of the last merges, and k minimises `W(k) / W(k - 1)`. Other linkages have no
//! inertia to speak of; the bars are the last merge heights, and k is the cut just below the
//! largest jump in height, `height(n - k) - height(n - k - 1)` (merges 0-based), the
//! textbook reading of a dendrogram.

use learn::cluster::{ChooseKParams, Dendrogram, Linkage};
use serde::Serialize;

use crate::UseCaseError;

/// Bars kept for the chart: enough to show the elbow past any suggested k.
pub const BARS: usize = 30;

/// What the bars measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BarMeasure {
    /// Inertia gain of a merge (Ward): `height² / 2`.
    InertiaGain,
    /// Merge height (other linkages).
    Height,
}

/// How the suggested k was chosen, with what the page draws to show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KChoiceView {
    /// What `bars` hold.
    pub measure: BarMeasure,
    /// One bar per merge, the last merge (2 clusters -> 1) first, at most [`BARS`].
    pub bars: Vec<f64>,
    /// Each k considered with its criterion: `W(k) / W(k - 1)` (smallest wins) for Ward, the
    /// height jump above the cut (largest wins) otherwise.
    pub candidates: Vec<(usize, f64)>,
    /// The suggested k.
    pub suggested_k: usize,
}

/// Suggests k for `tree` among `[min_k, max_k]` (`max_k` defaulting to HCPC's
/// `min(10, round(N / 2))`), clamped to what the tree can be cut into.
pub fn choose_k(
    tree: &Dendrogram,
    min_k: usize,
    max_k: Option<usize>,
) -> Result<KChoiceView, UseCaseError> {
    let n = tree.n;
    if n < 3 {
        // Nothing to choose: one cluster per entity at most.
        return Ok(KChoiceView {
            measure: bar_measure(tree.linkage),
            bars: last_heights(tree),
            candidates: Vec::new(),
            suggested_k: n.max(1),
        });
    }
    let min_k = min_k.min(n - 1);
    let max_k = max_k.map_or(hcpc_max(n), |m| m.min(n - 1)).max(min_k);
    if tree.linkage == Linkage::Ward {
        let choice = ChooseKParams {
            min_k,
            max_k: Some(max_k),
        }
        .fit(tree)
        .map_err(|e| UseCaseError::Model(e.to_string()))?;
        return Ok(KChoiceView {
            measure: BarMeasure::InertiaGain,
            bars: choice.gains.iter().take(BARS).copied().collect(),
            candidates: choice.candidates,
            suggested_k: choice.suggested_k,
        });
    }
    let heights = tree.heights();
    let candidates: Vec<(usize, f64)> = (min_k..=max_k)
        .map(|k| (k, heights[n - k] - heights[n - k - 1]))
        .collect();
    let suggested_k = candidates
        .iter()
        .fold(None, |best: Option<(usize, f64)>, &(k, jump)| match best {
            Some((_, b)) if b >= jump => best,
            _ => Some((k, jump)),
        })
        .map_or(min_k, |(k, _)| k);
    Ok(KChoiceView {
        measure: BarMeasure::Height,
        bars: last_heights(tree),
        candidates,
        suggested_k,
    })
}

/// HCPC's `min(10, round(N / 2))` (R rounds halves to even), capped at N - 1.
fn hcpc_max(n: usize) -> usize {
    let half = n / 2 + usize::from(n % 2 == 1 && (n / 2) % 2 == 1);
    half.min(10).min(n - 1)
}

fn bar_measure(linkage: Linkage) -> BarMeasure {
    if linkage == Linkage::Ward {
        BarMeasure::InertiaGain
    } else {
        BarMeasure::Height
    }
}

fn last_heights(tree: &Dendrogram) -> Vec<f64> {
    let bars = tree.merges.iter().rev().take(BARS);
    if tree.linkage == Linkage::Ward {
        bars.map(|m| m.height * m.height / 2.0).collect()
    } else {
        bars.map(|m| m.height).collect()
    }
}
