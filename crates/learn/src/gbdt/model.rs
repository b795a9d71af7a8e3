//! A fitted ensemble: the bins of each feature, the trees, and how they predict, on raw `f32`
//! values or on bins (both take the same branches, so both give the same bits), saved as
//! versioned JSON.

use super::binning::{BinnedMatrix, FeatureBins, MISSING_BIN};
use super::data::{check_schema, Feature, FeatureKind};
use super::objective::Objective;
use super::params::GbdtParams;
use super::split::{contains, insert, BinSet};
use super::GbdtError;
use serde::{Deserialize, Serialize};

/// The `format` field of a saved model.
pub const MODEL_FORMAT: &str = "vitrine-gbdt";
/// The schema version this build writes and reads.
pub const MODEL_VERSION: u32 = 1;

/// A node of a tree. Children always have larger indices than their parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// A leaf adding `value` to the score.
    Leaf {
        /// The (shrunk) leaf value.
        value: f32,
    },
    /// Rows with `value <= threshold` go left, missing ones go by `default_left`.
    Numeric {
        /// Feature index.
        feature: u32,
        /// `None` when every non-missing value goes left (a split on missingness alone).
        threshold: Option<f32>,
        /// The same threshold as a bin: bins `1..=threshold_bin` go left.
        threshold_bin: u8,
        /// Where missing values go.
        default_left: bool,
        /// Left child index.
        left: u32,
        /// Right child index.
        right: u32,
        /// Loss reduction of the split (for importance); f32 so that it survives JSON exactly.
        gain: f32,
    },
    /// Rows whose category is in `left_categories` go left; missing values and categories
    /// without a bin go by `default_left`.
    Categorical {
        /// Feature index.
        feature: u32,
        /// Codes going left, increasing.
        left_categories: Vec<u32>,
        /// Where missing values and unindexed categories go.
        default_left: bool,
        /// Left child index.
        left: u32,
        /// Right child index.
        right: u32,
        /// Loss reduction of the split (for importance); f32 so that it survives JSON exactly.
        gain: f32,
        /// Rebuilt on load: the bins going left.
        #[serde(skip)]
        left_bins: BinSet,
    },
}

/// One tree, root first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// The nodes; index 0 is the root; a split's right child follows its left child.
    pub nodes: Vec<Node>,
    /// Rebuilt on load: the nodes packed in 16 bytes each for the traversal loop.
    #[serde(skip)]
    flat: Vec<FlatNode>,
    /// Rebuilt on load: the bins going left of each categorical split.
    #[serde(skip)]
    sets: Vec<BinSet>,
}

const FLAT_LEAF: u8 = 0;
const FLAT_NUMERIC: u8 = 1;
const FLAT_CATEGORICAL: u8 = 2;

/// A node as the traversal loop reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FlatNode {
    feature: u32,
    /// Left child; the right one is `left + 1`.
    left: u32,
    /// Leaf value bits, or the index of a categorical split's bin set.
    payload: u32,
    threshold_bin: u8,
    kind: u8,
    default_left: bool,
}

impl Tree {
    /// A tree of these nodes (whose categorical `left_bins` are set), packed for traversal.
    pub(crate) fn new(nodes: Vec<Node>) -> Tree {
        let mut tree = Tree {
            nodes,
            flat: Vec::new(),
            sets: Vec::new(),
        };
        tree.pack();
        tree
    }

    fn pack(&mut self) {
        self.sets.clear();
        let sets = &mut self.sets;
        self.flat = self
            .nodes
            .iter()
            .map(|node| match node {
                Node::Leaf { value } => FlatNode {
                    feature: 0,
                    left: 0,
                    payload: value.to_bits(),
                    threshold_bin: 0,
                    kind: FLAT_LEAF,
                    default_left: false,
                },
                Node::Numeric {
                    feature,
                    threshold_bin,
                    default_left,
                    left,
                    ..
                } => FlatNode {
                    feature: *feature,
                    left: *left,
                    payload: 0,
                    threshold_bin: *threshold_bin,
                    kind: FLAT_NUMERIC,
                    default_left: *default_left,
                },
                Node::Categorical {
                    feature,
                    left_bins,
                    default_left,
                    left,
                    ..
                } => {
                    sets.push(*left_bins);
                    FlatNode {
                        feature: *feature,
                        left: *left,
                        payload: (sets.len() - 1) as u32,
                        threshold_bin: 0,
                        kind: FLAT_CATEGORICAL,
                        default_left: *default_left,
                    }
                }
            })
            .collect();
    }

    /// The leaf value reached by a row of bins.
    #[inline]
    pub(crate) fn leaf_binned(&self, row: &[u8]) -> f32 {
        self.leaf_by_bin(|f| row[f])
    }

    /// The leaf value reached by a row whose bin of feature `f` is `bin(f)`.
    #[inline]
    pub(crate) fn leaf_by_bin(&self, bin: impl Fn(usize) -> u8) -> f32 {
        let mut i = 0;
        loop {
            let n = self.flat[i];
            let go_left = match n.kind {
                FLAT_LEAF => return f32::from_bits(n.payload),
                FLAT_NUMERIC => {
                    let b = bin(n.feature as usize);
                    if b == MISSING_BIN {
                        n.default_left
                    } else {
                        b <= n.threshold_bin
                    }
                }
                _ => contains(&self.sets[n.payload as usize], bin(n.feature as usize)),
            };
            i = n.left as usize + !go_left as usize;
        }
    }

    /// The leaf value reached by a row of raw values.
    fn leaf_raw(&self, row: &[f32], bins: &[ModelFeature]) -> f32 {
        let mut i = 0;
        loop {
            i = match &self.nodes[i] {
                Node::Leaf { value } => return *value,
                Node::Numeric {
                    feature,
                    threshold,
                    default_left,
                    left,
                    right,
                    ..
                } => {
                    let v = row[*feature as usize];
                    let go_left = if v.is_nan() {
                        *default_left
                    } else {
                        threshold.is_none_or(|t| v <= t)
                    };
                    if go_left {
                        *left
                    } else {
                        *right
                    }
                }
                Node::Categorical {
                    feature,
                    left_bins,
                    left,
                    right,
                    ..
                } => {
                    let f = *feature as usize;
                    if contains(left_bins, bins[f].bins.bin(row[f])) {
                        *left
                    } else {
                        *right
                    }
                }
            } as usize;
        }
    }
}

/// A feature as the model knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFeature {
    /// The column name.
    pub name: String,
    /// Its bins (and so its kind).
    pub bins: FeatureBins,
}

impl ModelFeature {
    /// Numeric or categorical.
    pub fn kind(&self) -> FeatureKind {
        match &self.bins {
            FeatureBins::Numeric { .. } => FeatureKind::Numeric,
            FeatureBins::Categorical { n_categories, .. } => FeatureKind::Categorical {
                n_categories: *n_categories,
            },
        }
    }
}

/// Bins columns of raw values with a fitted model's features, after checking that they are the
/// model's columns (names and kinds, in order) and of one length: what every tree model predicts
/// from.
pub(crate) fn bin_columns(
    model: &[ModelFeature],
    features: &[Feature],
) -> Result<BinnedMatrix, GbdtError> {
    let schema: Vec<(String, FeatureKind)> =
        model.iter().map(|f| (f.name.clone(), f.kind())).collect();
    check_schema(&schema, features)?;
    let n = features[0].values.len();
    if let Some(f) = features.iter().find(|f| f.values.len() != n) {
        return Err(GbdtError::LengthMismatch {
            what: format!("feature {}", f.name),
            expected: n,
            found: f.values.len(),
        });
    }
    let bins: Vec<FeatureBins> = model.iter().map(|f| f.bins.clone()).collect();
    Ok(BinnedMatrix::new(features, &bins))
}

/// A feature's share in the ensemble's splits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureImportance {
    /// The column name.
    pub name: String,
    /// Total loss reduction of the splits on it.
    pub gain: f64,
    /// Number of splits on it.
    pub splits: u32,
}

/// A fitted gradient-boosted tree ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    format: String,
    version: u32,
    objective: Objective,
    base_score: f32,
    features: Vec<ModelFeature>,
    trees: Vec<Tree>,
    params: GbdtParams,
}

impl GbdtModel {
    /// Assembles a model from training's parts.
    pub(crate) fn new(
        params: GbdtParams,
        base_score: f32,
        features: Vec<ModelFeature>,
        trees: Vec<Tree>,
    ) -> GbdtModel {
        GbdtModel {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            objective: params.objective,
            base_score,
            features,
            trees,
            params,
        }
    }

    /// The objective it was trained for.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The score every prediction starts from.
    pub fn base_score(&self) -> f32 {
        self.base_score
    }

    /// The settings it was trained with.
    pub fn params(&self) -> &GbdtParams {
        &self.params
    }

    /// The features it expects, in order.
    pub fn features(&self) -> &[ModelFeature] {
        &self.features
    }

    /// The trees.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Scores (before the link: log-odds, log-rate; on the transformed scale of a
    /// `params.target` transform) of every row of `features`, which must be
    /// the training columns (names and kinds) in the same order.
    pub fn predict_raw(&self, features: &[Feature]) -> Result<Vec<f64>, GbdtError> {
        let matrix = bin_columns(&self.features, features)?;
        Ok(self.predict_binned(&matrix))
    }

    /// Predictions (after the link: probabilities, rates; the target transform undone) of every
    /// row of `features`.
    pub fn predict(&self, features: &[Feature]) -> Result<Vec<f64>, GbdtError> {
        let mut out = self.predict_raw(features)?;
        for p in &mut out {
            *p = self.params.target.invert(self.objective.transform(*p));
        }
        Ok(out)
    }

    /// Scores of rows already binned with this model's bins. Rows are summed tree by tree in
    /// order, exactly as training accumulated them. A block of rows walks one tree after the
    /// other, so that a tree's nodes stay in cache while the block's rows go through it (rather
    /// than every tree being fetched again for every row).
    pub(crate) fn predict_binned(&self, matrix: &BinnedMatrix) -> Vec<f64> {
        /// Rows per block: their bins (256 x features bytes) stay in the first-level cache.
        const BLOCK: usize = 256;
        let n = matrix.n_rows();
        let mut out = vec![self.base_score as f64; n];
        for start in (0..n).step_by(BLOCK) {
            let block = &mut out[start..(start + BLOCK).min(n)];
            for t in &self.trees {
                for (i, s) in block.iter_mut().enumerate() {
                    *s += t.leaf_binned(matrix.row(start + i)) as f64;
                }
            }
        }
        out
    }

    /// The score of one row of raw values, one per feature in training order.
    pub fn predict_row_raw(&self, row: &[f32]) -> Result<f64, GbdtError> {
        if row.len() != self.features.len() {
            return Err(GbdtError::FeatureMismatch {
                index: row.len().min(self.features.len()),
                expected: format!("{} values", self.features.len()),
                found: format!("{} values", row.len()),
            });
        }
        let mut s = self.base_score as f64;
        for t in &self.trees {
            s += t.leaf_raw(row, &self.features) as f64;
        }
        Ok(s)
    }

    /// The prediction for one row of raw values, one per feature in training order.
    pub fn predict_row(&self, row: &[f32]) -> Result<f64, GbdtError> {
        let score = self.predict_row_raw(row)?;
        Ok(self.params.target.invert(self.objective.transform(score)))
    }

    /// Gain and split count of each feature, in feature order.
    pub fn feature_importance(&self) -> Vec<FeatureImportance> {
        let mut out: Vec<FeatureImportance> = self
            .features
            .iter()
            .map(|f| FeatureImportance {
                name: f.name.clone(),
                gain: 0.0,
                splits: 0,
            })
            .collect();
        for node in self.trees.iter().flat_map(|t| &t.nodes) {
            if let Node::Numeric { feature, gain, .. } | Node::Categorical { feature, gain, .. } =
                node
            {
                out[*feature as usize].gain += *gain as f64;
                out[*feature as usize].splits += 1;
            }
        }
        out
    }

    /// The model as JSON (`{"format":"vitrine-gbdt","version":1,...}`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model always serialises")
    }

    /// Reads a model saved by [`GbdtModel::to_json`], checking format, version and structure so
    /// that a damaged file is refused rather than mispredicting.
    pub fn from_json(json: &str) -> Result<GbdtModel, GbdtError> {
        #[derive(Deserialize)]
        struct Header {
            format: String,
            version: u32,
        }
        let header: Header =
            serde_json::from_str(json).map_err(|e| GbdtError::InvalidModel(e.to_string()))?;
        if header.format != MODEL_FORMAT || header.version != MODEL_VERSION {
            return Err(GbdtError::UnsupportedModel {
                format: header.format,
                version: header.version,
            });
        }
        let mut model: GbdtModel =
            serde_json::from_str(json).map_err(|e| GbdtError::InvalidModel(e.to_string()))?;
        model.index()?;
        Ok(model)
    }

    /// Validates the structure and rebuilds the lookup tables that are not saved.
    pub(crate) fn index(&mut self) -> Result<(), GbdtError> {
        let bad = |why: String| Err(GbdtError::InvalidModel(why));
        if self.features.is_empty() {
            return bad("no features".into());
        }
        for f in &mut self.features {
            if !f.bins.is_valid() {
                return bad(format!("feature {}: inconsistent bins", f.name));
            }
            f.bins.index();
        }
        for (t, tree) in self.trees.iter_mut().enumerate() {
            let n = tree.nodes.len();
            if n == 0 {
                return bad(format!("tree {t} has no nodes"));
            }
            for (i, node) in tree.nodes.iter_mut().enumerate() {
                let (feature, left, right) = match node {
                    Node::Leaf { .. } => continue,
                    Node::Numeric {
                        feature,
                        left,
                        right,
                        ..
                    }
                    | Node::Categorical {
                        feature,
                        left,
                        right,
                        ..
                    } => (*feature as usize, *left as usize, *right as usize),
                };
                if left <= i || right != left + 1 || right >= n {
                    return bad(format!("tree {t}, node {i}: child out of order"));
                }
                let Some(mf) = self.features.get(feature) else {
                    return bad(format!(
                        "tree {t}, node {i}: feature {feature} out of range"
                    ));
                };
                match (node, &mf.bins) {
                    (
                        Node::Numeric {
                            threshold,
                            threshold_bin,
                            ..
                        },
                        FeatureBins::Numeric { cuts },
                    ) => {
                        let tb = *threshold_bin as usize;
                        let expected = cuts.get(tb.wrapping_sub(1)).copied();
                        if tb == 0 || tb > cuts.len() + 1 || *threshold != expected {
                            return bad(format!("tree {t}, node {i}: threshold off its bins"));
                        }
                    }
                    (
                        Node::Categorical {
                            left_categories,
                            default_left,
                            left_bins,
                            ..
                        },
                        FeatureBins::Categorical { categories, .. },
                    ) => {
                        if !left_categories.windows(2).all(|w| w[0] < w[1]) {
                            return bad(format!("tree {t}, node {i}: categories out of order"));
                        }
                        let mut set = [0u64; 4];
                        if *default_left {
                            insert(&mut set, MISSING_BIN);
                        }
                        for (b, code) in categories.iter().enumerate() {
                            if left_categories.binary_search(code).is_ok() {
                                insert(&mut set, (b + 1) as u8);
                            }
                        }
                        *left_bins = set;
                    }
                    _ => return bad(format!("tree {t}, node {i}: split of the wrong kind")),
                }
            }
            tree.pack();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn f32_values_survive_json_exactly() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let values: Vec<f32> = (0..200_000)
            .map(|i| {
                let scale = 10f32.powi(i % 30 - 15);
                (rng.random::<f32>() - 0.5) * scale
            })
            .collect();
        let back: Vec<f32> =
            serde_json::from_str(&serde_json::to_string(&values).unwrap()).unwrap();
        assert!(values
            .iter()
            .zip(&back)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
