//! Settings of a random forest, with scikit-learn's `RandomForestClassifier` defaults where they
//! carry over, and their validation.

use super::error::{invalid, ForestError};
use serde::{Deserialize, Serialize};

/// The impurity a split reduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity `2 p (1 - p)`: cheapest, scikit-learn's default.
    #[default]
    Gini,
    /// Shannon entropy `-p log2 p - (1 - p) log2 (1 - p)` (information gain).
    Entropy,
}

/// How many features a node may choose its split from (drawn afresh at every node).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// `round(sqrt(p))`, at least 1: the classification default (Breiman; scikit-learn).
    #[default]
    Sqrt,
    /// `round(log2(p))`, at least 1.
    Log2,
    /// A share of the features in (0, 1], rounded, at least 1.
    Share(f64),
    /// A fixed count, at most the number of features.
    Count(usize),
    /// Every feature: bagged trees without feature sampling.
    All,
}

impl MaxFeatures {
    /// The count for `n_features` features.
    pub fn count(self, n_features: usize) -> usize {
        let p = n_features as f64;
        let k = match self {
            MaxFeatures::Sqrt => p.sqrt().round() as usize,
            MaxFeatures::Log2 => p.log2().round() as usize,
            MaxFeatures::Share(s) => (s * p).round() as usize,
            MaxFeatures::Count(k) => k,
            MaxFeatures::All => n_features,
        };
        k.clamp(1, n_features.max(1))
    }
}

/// Which rows each tree is grown on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Breiman's bootstrap: as many rows as the data has, drawn with replacement.
    Bootstrap,
    /// Balanced bootstrap against class imbalance (imbalanced-learn's
    /// `BalancedRandomForestClassifier`): each tree draws, with replacement, as many positives as
    /// there are, and `negatives_per_positive` times as many negatives. A tree then sees the rare
    /// class as often as the common one, and the forest's probabilities are brought back to the
    /// true base rate by the prior-shift correction of [`super::RandomForest::calibration`].
    Balanced {
        /// Negatives drawn per positive drawn (1 = as many of each).
        negatives_per_positive: f64,
    },
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling::Balanced {
            negatives_per_positive: 1.0,
        }
    }
}

/// How the trees' vote becomes a probability (see [`super::Calibration`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationMethod {
    /// The prior shift back to the true base rate only.
    PriorShift,
    /// The prior shift, then Platt scaling fitted on the out-of-bag probabilities (needs
    /// `oob`): the honest default for statements like "12 % take-up".
    #[default]
    PriorShiftThenOobPlatt,
}

/// Settings of a random forest binary classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForestParams {
    /// Number of trees.
    pub n_trees: usize,
    /// The impurity splits reduce.
    pub criterion: Criterion,
    /// Features a node chooses from. As in scikit-learn, a node whose drawn features are all
    /// constant on its rows keeps drawing until it has tried this many non-constant ones or none
    /// is left.
    pub max_features: MaxFeatures,
    /// Depth limit (the root is depth 0); `None` grows until leaves are pure or too small.
    pub max_depth: Option<u32>,
    /// A node is split only if it holds at least this many drawn rows (a row drawn twice counts
    /// twice).
    pub min_samples_split: u32,
    /// Each child of a split holds at least this many drawn rows (a row drawn twice counts twice).
    pub min_samples_leaf: u32,
    /// A split is made only if it reduces the impurity, weighted by the node's share of the
    /// tree's drawn rows, by at least this much.
    pub min_impurity_decrease: f64,
    /// Bootstrap or balanced bootstrap.
    pub sampling: Sampling,
    /// Whether to score every training row with the trees that did not draw it (the out-of-bag
    /// estimate: AUC, accuracy, log loss): about the cost of predicting the training rows once.
    pub oob: bool,
    /// How votes become probabilities.
    pub calibration: CalibrationMethod,
    /// Bins per feature, the missing-value bin included (2..=256).
    pub n_bins: u32,
    /// Rows sampled to place the numeric bin boundaries.
    pub bin_sample_rows: usize,
    /// Seed of binning, bootstraps and feature draws; tree `t` draws from its own stream, so the
    /// forest is the same whether trees are grown in order or in parallel.
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            n_trees: 100,
            criterion: Criterion::Gini,
            max_features: MaxFeatures::Sqrt,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_impurity_decrease: 0.0,
            sampling: Sampling::default(),
            oob: true,
            calibration: CalibrationMethod::default(),
            n_bins: 256,
            bin_sample_rows: 200_000,
            seed: 0,
        }
    }
}

impl ForestParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), ForestError> {
        if self.n_trees == 0 {
            return Err(invalid("n_trees", self.n_trees, "at least 1"));
        }
        match self.max_features {
            MaxFeatures::Share(s) if !(s > 0.0 && s <= 1.0) => {
                return Err(invalid("max_features", s, "a share in (0, 1]"))
            }
            MaxFeatures::Count(0) => return Err(invalid("max_features", 0, "at least 1")),
            _ => {}
        }
        if let Some(d) = self.max_depth {
            if !(1..=64).contains(&d) {
                return Err(invalid("max_depth", d, "1 to 64, or none"));
            }
        }
        if self.min_samples_split < 2 {
            return Err(invalid(
                "min_samples_split",
                self.min_samples_split,
                "at least 2",
            ));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid(
                "min_samples_leaf",
                self.min_samples_leaf,
                "at least 1",
            ));
        }
        if !(self.min_impurity_decrease.is_finite() && self.min_impurity_decrease >= 0.0) {
            return Err(invalid(
                "min_impurity_decrease",
                self.min_impurity_decrease,
                "a number >= 0",
            ));
        }
        if let Sampling::Balanced {
            negatives_per_positive: r,
        } = self.sampling
        {
            if !(r.is_finite() && r > 0.0) {
                return Err(invalid("negatives_per_positive", r, "a number > 0"));
            }
        }
        if self.calibration == CalibrationMethod::PriorShiftThenOobPlatt && !self.oob {
            return Err(invalid(
                "calibration",
                "prior_shift_then_oob_platt",
                "prior_shift when oob is off (Platt scaling is fitted on out-of-bag rows)",
            ));
        }
        if !(2..=256).contains(&self.n_bins) {
            return Err(invalid("n_bins", self.n_bins, "2 to 256"));
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
        assert_eq!(ForestParams::default().check(), Ok(()));
        let named = |p: ForestParams| match p.check() {
            Err(ForestError::InvalidParam { name, .. }) => name,
            other => panic!("{other:?}"),
        };
        let base = ForestParams::default;
        assert_eq!(
            named(ForestParams {
                n_trees: 0,
                ..base()
            }),
            "n_trees"
        );
        assert_eq!(
            named(ForestParams {
                max_features: MaxFeatures::Share(1.5),
                ..base()
            }),
            "max_features"
        );
        assert_eq!(
            named(ForestParams {
                min_samples_leaf: 0,
                ..base()
            }),
            "min_samples_leaf"
        );
        assert_eq!(
            named(ForestParams {
                sampling: Sampling::Balanced {
                    negatives_per_positive: 0.0
                },
                ..base()
            }),
            "negatives_per_positive"
        );
    }

    #[test]
    fn max_features_counts() {
        assert_eq!(MaxFeatures::Sqrt.count(30), 5);
        assert_eq!(MaxFeatures::Log2.count(30), 5);
        assert_eq!(MaxFeatures::Share(0.5).count(30), 15);
        assert_eq!(MaxFeatures::Count(50).count(30), 30);
        assert_eq!(MaxFeatures::Sqrt.count(1), 1);
        assert_eq!(MaxFeatures::All.count(7), 7);
    }
}
