//! Settings of boosting, with XGBoost-like defaults, and their validation.

use std::borrow::Cow;

use super::objective::Objective;
use super::GbdtError;
use serde::{Deserialize, Serialize};

/// How trees grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    /// Every node that gains is split, down to `max_depth` (XGBoost's `depthwise`).
    #[default]
    DepthWise,
    /// The leaf of largest gain is split first, until `max_leaves` (LightGBM's, XGBoost's
    /// `lossguide`); `max_depth` still applies unless 0.
    LeafWise,
}

/// A transform of the target that training fits in place of the raw values, and prediction undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetTransform {
    /// The target as given.
    #[default]
    Identity,
    /// `ln(1 + y)`, for non-negative amounts such as sales: a squared error on it is about a
    /// squared relative error, which is what RMSPE scores, and big stores stop dominating the fit.
    Log1p,
}

impl TargetTransform {
    /// The name written in exported models (`vitrine_target` attribute).
    pub fn name(self) -> &'static str {
        match self {
            TargetTransform::Identity => "identity",
            TargetTransform::Log1p => "log1p",
        }
    }

    /// The transform named `name` (as [`TargetTransform::name`] writes it).
    pub fn from_name(name: &str) -> Option<TargetTransform> {
        match name {
            "identity" => Some(TargetTransform::Identity),
            "log1p" => Some(TargetTransform::Log1p),
            _ => None,
        }
    }

    /// The transformed targets, checked to be in the transform's domain (the identity borrows
    /// them: no copy of a large target).
    pub(crate) fn apply(self, y: &[f32]) -> Result<Cow<'_, [f32]>, GbdtError> {
        match self {
            TargetTransform::Identity => Ok(Cow::Borrowed(y)),
            TargetTransform::Log1p => match y.iter().position(|&v| v < 0.0) {
                Some(row) => Err(GbdtError::InvalidTarget {
                    row,
                    value: y[row],
                    expected: "a number >= 0 for a log1p target",
                }),
                None => Ok(Cow::Owned(y.iter().map(|&v| v.ln_1p()).collect())),
            },
        }
    }

    /// The prediction on the target's own scale of a prediction `p` on the transformed scale.
    pub fn invert(self, p: f64) -> f64 {
        match self {
            TargetTransform::Identity => p,
            TargetTransform::Log1p => p.exp_m1(),
        }
    }
}

/// Settings of a gradient-boosted tree ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbdtParams {
    /// The loss minimised.
    pub objective: Objective,
    /// What the trees fit: the target, or its transform (undone by `predict`).
    pub target: TargetTransform,
    /// Number of boosting rounds (one tree each).
    pub n_trees: usize,
    /// Shrinkage of each tree's values: smaller learns slower but generalises better.
    pub learning_rate: f64,
    /// Depth limit (the root is depth 0); 0 = no limit, allowed only for leaf-wise growth.
    pub max_depth: u32,
    /// Leaf limit per tree; 0 = no limit, allowed only for depth-wise growth.
    pub max_leaves: u32,
    /// Depth-wise or leaf-wise.
    pub growth: Growth,
    /// Bins per feature, the missing-value bin included (2..=256).
    pub n_bins: u32,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Minimum gain for a split to be made (XGBoost's `gamma` / `min_split_loss`).
    pub gamma: f64,
    /// Minimum hessian sum in each child (a row count for squared error).
    pub min_child_weight: f64,
    /// Share of rows drawn (without replacement, afresh) for each tree, in (0, 1].
    pub subsample: f64,
    /// Share of features drawn for each tree, in (0, 1].
    pub colsample_bytree: f64,
    /// Stop when the validation metric has not improved for this many trees, and keep the trees
    /// up to its best; `None` trains all `n_trees` (still reporting the validation metric).
    pub early_stopping_rounds: Option<usize>,
    /// Seed of row and column sampling and of the rows binning samples.
    pub seed: u64,
    /// Rows sampled to place the numeric bin boundaries.
    pub bin_sample_rows: usize,
}

impl Default for GbdtParams {
    fn default() -> Self {
        GbdtParams {
            objective: Objective::SquaredError,
            target: TargetTransform::Identity,
            n_trees: 200,
            learning_rate: 0.1,
            max_depth: 8,
            max_leaves: 0,
            growth: Growth::DepthWise,
            n_bins: 256,
            lambda: 1.0,
            gamma: 0.0,
            min_child_weight: 1.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            early_stopping_rounds: None,
            seed: 0,
            bin_sample_rows: 200_000,
        }
    }
}

fn invalid(name: &'static str, value: impl ToString, expected: &'static str) -> GbdtError {
    GbdtError::InvalidParam {
        name,
        value: value.to_string(),
        expected,
    }
}

impl GbdtParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), GbdtError> {
        if self.n_trees == 0 {
            return Err(invalid("n_trees", self.n_trees, "at least 1"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(invalid("learning_rate", self.learning_rate, "a number > 0"));
        }
        if self.max_depth > 64 {
            return Err(invalid("max_depth", self.max_depth, "at most 64"));
        }
        match self.growth {
            Growth::DepthWise if self.max_depth == 0 => {
                return Err(invalid("max_depth", 0, "at least 1 for depth-wise growth"))
            }
            Growth::LeafWise if self.max_leaves < 2 => {
                return Err(invalid(
                    "max_leaves",
                    self.max_leaves,
                    "at least 2 for leaf-wise growth",
                ))
            }
            _ => {}
        }
        if self.max_leaves == 1 {
            return Err(invalid("max_leaves", 1, "0 (no limit) or at least 2"));
        }
        if !(2..=256).contains(&self.n_bins) {
            return Err(invalid("n_bins", self.n_bins, "2 to 256"));
        }
        for (name, value) in [
            ("lambda", self.lambda),
            ("gamma", self.gamma),
            ("min_child_weight", self.min_child_weight),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(name, value, "a number >= 0"));
            }
        }
        for (name, value) in [
            ("subsample", self.subsample),
            ("colsample_bytree", self.colsample_bytree),
        ] {
            if !(value > 0.0 && value <= 1.0) {
                return Err(invalid(name, value, "a share in (0, 1]"));
            }
        }
        if self.early_stopping_rounds == Some(0) {
            return Err(invalid("early_stopping_rounds", 0, "at least 1, or none"));
        }
        if self.bin_sample_rows == 0 {
            return Err(invalid("bin_sample_rows", 0, "at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_bad_values_are_named() {
        assert_eq!(GbdtParams::default().check(), Ok(()));
        let bad = GbdtParams {
            n_bins: 300,
            ..GbdtParams::default()
        };
        assert!(matches!(
            bad.check(),
            Err(GbdtError::InvalidParam { name: "n_bins", .. })
        ));
        let bad = GbdtParams {
            subsample: 0.0,
            ..GbdtParams::default()
        };
        assert!(matches!(
            bad.check(),
            Err(GbdtError::InvalidParam {
                name: "subsample",
                ..
            })
        ));
        let bad = GbdtParams {
            growth: Growth::LeafWise,
            ..GbdtParams::default()
        };
        assert!(matches!(
            bad.check(),
            Err(GbdtError::InvalidParam {
                name: "max_leaves",
                ..
            })
        ));
    }
}
