//! A fitted forest: the features' bins, the trees, the calibration back to the true base rate and
//! the out-of-bag estimate; prediction on raw `f32` columns or rows, and versioned JSON.

use super::calibrate::Calibration;
use super::error::ForestError;
use super::params::ForestParams;
use super::tree::ForestTree;
use crate::gbdt::binning::BinnedMatrix;
use crate::gbdt::model::bin_columns;
use crate::gbdt::{Feature, ModelFeature};
use serde::{Deserialize, Serialize};

/// The `format` field of a saved forest.
pub const MODEL_FORMAT: &str = "vitrine-forest";
/// The schema version this build writes and reads.
pub const MODEL_VERSION: u32 = 1;

/// Rows voted on together, tree by tree.
pub(crate) const VOTE_BLOCK: usize = 256;

/// The forest scored on its own training rows by the trees that did not draw each row: an
/// estimate of its quality on new rows, free of a held-out split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OobEstimate {
    /// Rows left out by at least one tree (the others are not scored).
    pub rows: usize,
    /// ROC AUC of the out-of-bag probabilities.
    pub auc: f64,
    /// Accuracy of "calibrated probability >= 0.5" (for rare events, about one minus the base
    /// rate: read the AUC).
    pub accuracy: f64,
    /// Log loss of the calibrated out-of-bag probabilities: whether they are honest.
    pub log_loss: f64,
}

/// A fitted random forest binary classifier. It serialises with serde (the out-of-bag
/// probabilities left out); deserialising checks the format, version and structure and rebuilds
/// what prediction needs, so a forest read through any serde format predicts at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SavedForest")]
pub struct RandomForest {
    format: String,
    version: u32,
    features: Vec<ModelFeature>,
    trees: Vec<ForestTree>,
    params: ForestParams,
    calibration: Calibration,
    oob: Option<OobEstimate>,
    /// Not saved: the training rows' calibrated out-of-bag probabilities.
    #[serde(skip)]
    oob_probabilities: Option<Vec<f64>>,
}

impl RandomForest {
    pub(crate) fn new(
        features: Vec<ModelFeature>,
        trees: Vec<ForestTree>,
        params: ForestParams,
        calibration: Calibration,
        oob: Option<(OobEstimate, Vec<f64>)>,
    ) -> RandomForest {
        let (oob, oob_probabilities) = match oob {
            Some((estimate, probabilities)) => (Some(estimate), Some(probabilities)),
            None => (None, None),
        };
        RandomForest {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            features,
            trees,
            params,
            calibration,
            oob,
            oob_probabilities,
        }
    }

    /// The features, in column order, with their bins.
    pub fn features(&self) -> &[ModelFeature] {
        &self.features
    }

    /// The trees.
    pub fn trees(&self) -> &[ForestTree] {
        &self.trees
    }

    /// The parameters the forest was trained with.
    pub fn params(&self) -> &ForestParams {
        &self.params
    }

    /// The correction from the trees' vote to the true base rate.
    pub fn calibration(&self) -> Calibration {
        self.calibration
    }

    /// The out-of-bag estimate, if asked for (`ForestParams::oob`).
    pub fn oob(&self) -> Option<&OobEstimate> {
        self.oob.as_ref()
    }

    /// The training rows' calibrated out-of-bag probabilities (NaN for a row every tree drew);
    /// kept from the fit only, not saved.
    pub fn oob_probabilities(&self) -> Option<&[f64]> {
        self.oob_probabilities.as_deref()
    }

    /// Bins columns of raw values with the model's bins, after checking their names, kinds and
    /// lengths.
    pub(crate) fn bin(&self, features: &[Feature]) -> Result<BinnedMatrix, ForestError> {
        Ok(bin_columns(&self.features, features)?)
    }

    /// The trees' mean vote on every row of a binned matrix: a probability under the class mix
    /// the trees were grown on.
    pub(crate) fn mean_votes(&self, matrix: &BinnedMatrix) -> Vec<f64> {
        let mut out = vec![0.0; matrix.n_rows()];
        let block = |(b, chunk): (usize, &mut [f64])| {
            // Tree by tree over a block of rows: the tree stays in cache, and the walks of
            // neighbouring rows are independent, so the processor overlaps them. Each row still
            // adds its trees' votes in tree order.
            let start = b * VOTE_BLOCK;
            for tree in &self.trees {
                let rows = (0..chunk.len()).map(|k| (k, matrix.row(start + k)));
                tree.for_each_leaf(rows, |k, leaf| chunk[k] += tree.leaf_vote(leaf) as f64);
            }
            let n_trees = self.trees.len() as f64;
            for sum in chunk.iter_mut() {
                *sum /= n_trees;
            }
        };
        #[cfg(feature = "threads")]
        {
            use rayon::prelude::*;
            out.par_chunks_mut(VOTE_BLOCK).enumerate().for_each(block);
        }
        #[cfg(not(feature = "threads"))]
        out.chunks_mut(VOTE_BLOCK).enumerate().for_each(block);
        out
    }

    /// Calibrated probabilities of the positive class, one per row of `features` (the columns
    /// the forest was trained on, same names, kinds and order).
    pub fn predict_proba(&self, features: &[Feature]) -> Result<Vec<f64>, ForestError> {
        let mut p = self.predict_votes(features)?;
        for v in &mut p {
            *v = self.calibration.apply(*v);
        }
        Ok(p)
    }

    /// The trees' mean vote, before calibration: the probability under the class mix the trees
    /// were grown on (balanced for the balanced bootstrap). Ranks rows as
    /// [`Self::predict_proba`] does.
    pub fn predict_votes(&self, features: &[Feature]) -> Result<Vec<f64>, ForestError> {
        Ok(self.mean_votes(&self.bin(features)?))
    }

    /// The calibrated probability of one row of raw values, in the model's feature order.
    pub fn predict_row(&self, row: &[f32]) -> Result<f64, ForestError> {
        if row.len() != self.features.len() {
            return Err(ForestError::Data(crate::gbdt::GbdtError::FeatureMismatch {
                index: row.len().min(self.features.len()),
                expected: format!("{} values", self.features.len()),
                found: format!("{} values", row.len()),
            }));
        }
        let bins: Vec<u8> = self
            .features
            .iter()
            .zip(row)
            .map(|(f, &v)| f.bins.bin(v))
            .collect();
        let sum: f64 = self.trees.iter().map(|t| t.vote(&bins) as f64).sum();
        Ok(self.calibration.apply(sum / self.trees.len() as f64))
    }

    /// The forest as JSON (the out-of-bag probabilities are left out).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a forest always serialises")
    }

    /// Reads a forest written by [`Self::to_json`], checking its format, version and structure.
    pub fn from_json(json: &str) -> Result<RandomForest, ForestError> {
        #[derive(Deserialize)]
        struct Header {
            format: String,
            version: u32,
        }
        let bad = |e: serde_json::Error| ForestError::InvalidModel(e.to_string());
        let header: Header = serde_json::from_str(json).map_err(bad)?;
        check_format(&header.format, header.version)?;
        serde_json::from_str(json).map_err(bad)
    }

    /// Checks a loaded forest and rebuilds what is not saved.
    fn index(&mut self) -> Result<(), ForestError> {
        check_format(&self.format, self.version)?;
        let bad = |why: String| Err(ForestError::InvalidModel(why));
        if self.features.is_empty() || self.trees.is_empty() {
            return bad("no features or no trees".into());
        }
        for f in &mut self.features {
            if !f.bins.is_valid() {
                return bad(format!("feature {}: inconsistent bins", f.name));
            }
            f.bins.index();
        }
        let c = self.calibration;
        if !(c.odds_factor.is_finite() && c.odds_factor > 0.0 && (0.0..=1.0).contains(&c.base_rate))
        {
            return bad("calibration out of range".into());
        }
        let n_bins: Vec<usize> = self.features.iter().map(|f| f.bins.n_bins()).collect();
        for (t, tree) in self.trees.iter().enumerate() {
            if let Err(why) = tree.check(&n_bins) {
                return bad(format!("tree {t}: {why}"));
            }
        }
        Ok(())
    }
}

/// The error of a saved forest of another format or version.
fn check_format(format: &str, version: u32) -> Result<(), ForestError> {
    if format != MODEL_FORMAT || version != MODEL_VERSION {
        return Err(ForestError::UnsupportedModel {
            format: format.to_string(),
            version,
        });
    }
    Ok(())
}

/// A forest as saved, before its checks.
#[derive(Deserialize)]
struct SavedForest {
    format: String,
    version: u32,
    features: Vec<ModelFeature>,
    trees: Vec<ForestTree>,
    params: ForestParams,
    calibration: Calibration,
    oob: Option<OobEstimate>,
}

impl TryFrom<SavedForest> for RandomForest {
    type Error = ForestError;

    fn try_from(saved: SavedForest) -> Result<RandomForest, ForestError> {
        let mut forest = RandomForest {
            format: saved.format,
            version: saved.version,
            features: saved.features,
            trees: saved.trees,
            params: saved.params,
            calibration: saved.calibration,
            oob: saved.oob,
            oob_probabilities: None,
        };
        forest.index()?;
        Ok(forest)
    }
}
