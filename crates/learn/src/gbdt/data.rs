//! The columns boosting trains on: plain `f32` feature columns (NaN = missing), a target and
//! optional row weights, validated once so that the stages after never meet bad input.

use super::GbdtError;
use serde::{Deserialize, Serialize};

/// The most categories a categorical feature may declare: the code-to-bin table is one byte per
/// category, so this bounds it at 16 MiB.
pub const MAX_CATEGORIES: u32 = 1 << 24;

/// How a feature's values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// Ordered values, split by a threshold.
    Numeric,
    /// Unordered codes `0..n_categories`, split by a set of categories.
    Categorical {
        /// How many codes the feature can take.
        n_categories: u32,
    },
}

/// One feature column.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The column's name, kept in the model so that predictions can check their columns.
    pub name: String,
    /// One value per row; NaN is missing. Categorical values are codes stored as `f32`.
    pub values: Vec<f32>,
    /// Numeric or categorical.
    pub kind: FeatureKind,
}

impl Feature {
    /// A numeric feature.
    pub fn numeric(name: impl Into<String>, values: Vec<f32>) -> Feature {
        Feature {
            name: name.into(),
            values,
            kind: FeatureKind::Numeric,
        }
    }

    /// A categorical feature whose values are codes `0..n_categories` (NaN = missing).
    pub fn categorical(name: impl Into<String>, values: Vec<f32>, n_categories: u32) -> Feature {
        Feature {
            name: name.into(),
            values,
            kind: FeatureKind::Categorical { n_categories },
        }
    }

    /// Checks that the values fit the kind: categorical values must be codes in range.
    pub(crate) fn check(&self, n_rows: usize) -> Result<(), GbdtError> {
        if self.values.len() != n_rows {
            return Err(GbdtError::LengthMismatch {
                what: format!("feature {}", self.name),
                expected: n_rows,
                found: self.values.len(),
            });
        }
        if let FeatureKind::Categorical { n_categories } = self.kind {
            if n_categories > MAX_CATEGORIES {
                return Err(GbdtError::TooManyCategories {
                    feature: self.name.clone(),
                    n_categories,
                    limit: MAX_CATEGORIES,
                });
            }
            let bad = self.values.iter().position(|&v| {
                let is_code = v >= 0.0 && v < n_categories as f32 && v.fract() == 0.0;
                !(v.is_nan() || is_code)
            });
            if let Some(row) = bad {
                return Err(GbdtError::InvalidCategory {
                    feature: self.name.clone(),
                    row,
                    value: self.values[row],
                    n_categories,
                });
            }
        }
        Ok(())
    }
}

/// Feature columns with a target and optional weights, all of one length.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    features: Vec<Feature>,
    target: Vec<f32>,
    weights: Option<Vec<f32>>,
}

impl Dataset {
    /// Checks lengths, a finite target and categorical codes. The objective checks the target's
    /// range (0/1 labels, non-negative counts) when training starts.
    pub fn new(features: Vec<Feature>, target: Vec<f32>) -> Result<Dataset, GbdtError> {
        if features.is_empty() {
            return Err(GbdtError::NoFeatures);
        }
        if target.is_empty() {
            return Err(GbdtError::NoRows);
        }
        for feature in &features {
            feature.check(target.len())?;
        }
        if let Some(row) = target.iter().position(|y| !y.is_finite()) {
            return Err(GbdtError::InvalidTarget {
                row,
                value: target[row],
                expected: "a finite number",
            });
        }
        Ok(Dataset {
            features,
            target,
            weights: None,
        })
    }

    /// Adds row weights (finite, >= 0): a row of weight 2 counts as two copies of it.
    pub fn with_weights(mut self, weights: Vec<f32>) -> Result<Dataset, GbdtError> {
        if weights.len() != self.target.len() {
            return Err(GbdtError::LengthMismatch {
                what: "weights".into(),
                expected: self.target.len(),
                found: weights.len(),
            });
        }
        if let Some(row) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(GbdtError::InvalidWeight {
                row,
                value: weights[row],
            });
        }
        self.weights = Some(weights);
        Ok(self)
    }

    /// The feature columns.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The target, one value per row.
    pub fn target(&self) -> &[f32] {
        &self.target
    }

    /// The row weights, if any.
    pub fn weights(&self) -> Option<&[f32]> {
        self.weights.as_deref()
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.target.len()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }
}

/// Checks that `given` columns match the `expected` names and kinds, position by position.
pub(crate) fn check_schema(
    expected: &[(String, FeatureKind)],
    given: &[Feature],
) -> Result<(), GbdtError> {
    if expected.len() != given.len() {
        return Err(GbdtError::FeatureMismatch {
            index: expected.len().min(given.len()),
            expected: format!("{} features", expected.len()),
            found: format!("{} features", given.len()),
        });
    }
    for (index, ((name, kind), feature)) in expected.iter().zip(given).enumerate() {
        if *name != feature.name || *kind != feature.kind {
            return Err(GbdtError::FeatureMismatch {
                index,
                expected: format!("{name} ({kind:?})"),
                found: format!("{} ({:?})", feature.name, feature.kind),
            });
        }
    }
    Ok(())
}
