//! XGBoost's JSON model format, both ways, so that a model travels between the page and XGBoost
//! on Spark or Dask: [`XgbModel::from_gbdt`] + [`XgbModel::to_json`] write what XGBoost 3.2's
//! `Booster.save_model("x.json")` writes, and [`XgbModel::from_json`] reads such a file (ours or
//! XGBoost's) into a model that predicts by feature name.
//!
//! The two formats differ in three ways that the conversion takes care of:
//! - XGBoost sends a row left when `value < split_condition` (in `f32`); ours when
//!   `value <= threshold`. For `f32` values both agree with `split_condition = threshold.next_up()`.
//! - XGBoost 3.x keeps `base_score` in the prediction space (a probability for
//!   `binary:logistic`, a rate for `count:poisson`) and takes the link's inverse on load; ours is
//!   a margin.
//! - Exports hold numeric splits only, so that a plain numeric `DMatrix` of the exported feature
//!   table scores them. A categorical split (a set of integer codes going left) becomes a small
//!   search tree of numeric splits over the runs of codes with one direction, each run leading to
//!   a copy of the child it goes to: exact on every code and on missing values, at the price of
//!   duplicated subtrees, bounded by [`MAX_EXPORT_NODES`] per tree.
//!
//! A model fitted on a transformed target says so in the attribute `vitrine_target` (`log1p`);
//! XGBoost's raw prediction is then the transformed value, and [`XgbModel::predict`] undoes it.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::binning::FeatureBins;
use super::data::Feature;
use super::model::{GbdtModel, Node, Tree};
use super::objective::Objective;
use super::params::TargetTransform;
use super::GbdtError;

/// The XGBoost version whose format [`XgbModel::to_json`] writes.
pub const XGBOOST_VERSION: [u32; 3] = [3, 2, 0];
/// The most nodes an exported tree may have once its categorical splits are made numeric.
pub const MAX_EXPORT_NODES: usize = 1 << 20;
/// The model attribute naming the target transform.
pub const TARGET_ATTRIBUTE: &str = "vitrine_target";
/// XGBoost's parent of the root.
const NO_PARENT: i64 = 2_147_483_647;

/// One node of an XGBoost tree: a leaf when `left < 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct XgbNode {
    /// Left child, -1 for a leaf.
    left: i32,
    /// Right child, -1 for a leaf.
    right: i32,
    /// Feature index of a split.
    feature: u32,
    /// Rows with `value < condition` go left; a leaf's value.
    condition: f32,
    /// Where missing values go.
    default_left: bool,
    /// Loss reduction of the split (XGBoost's `loss_changes`).
    gain: f32,
}

impl XgbNode {
    fn leaf(value: f32) -> XgbNode {
        XgbNode {
            left: -1,
            right: -1,
            feature: 0,
            condition: value,
            default_left: false,
            gain: 0.0,
        }
    }
}

/// A tree ensemble in XGBoost's terms: numeric `<` splits on `f32` values, a base score, an
/// objective, feature names and string attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct XgbModel {
    feature_names: Vec<String>,
    objective: Objective,
    /// `base_score` as XGBoost stores it, in the prediction space.
    base_score: f32,
    /// The score every row starts from, in the margin space.
    base_margin: f64,
    trees: Vec<Vec<XgbNode>>,
    attributes: BTreeMap<String, String>,
    target: TargetTransform,
}

/// XGBoost's objective name for ours.
fn objective_name(objective: Objective) -> &'static str {
    match objective {
        Objective::SquaredError => "reg:squarederror",
        Objective::AbsoluteError => "reg:absoluteerror",
        Objective::Poisson => "count:poisson",
        Objective::Logistic => "binary:logistic",
    }
}

/// The margin of a base score kept in the prediction space, as XGBoost computes it (in `f32`).
fn margin_of(objective: Objective, base_score: f32) -> f64 {
    match objective {
        Objective::SquaredError | Objective::AbsoluteError => base_score as f64,
        Objective::Poisson => base_score.ln() as f64,
        Objective::Logistic => (-(1.0 / base_score - 1.0).ln()) as f64,
    }
}

impl XgbModel {
    /// Our model in XGBoost's terms, its categorical splits made numeric (see the module doc).
    /// The feature names and the target transform travel with it.
    pub fn from_gbdt(model: &GbdtModel) -> Result<XgbModel, GbdtError> {
        let objective = model.objective();
        let base_margin = model.base_score() as f64;
        let base_score = objective.transform(base_margin) as f32;
        let trees = model
            .trees()
            .iter()
            .enumerate()
            .map(|(t, tree)| export_tree(tree, model, t))
            .collect::<Result<_, _>>()?;
        let target = model.params().target;
        let mut attributes = BTreeMap::new();
        if target != TargetTransform::Identity {
            attributes.insert(TARGET_ATTRIBUTE.to_string(), target.name().to_string());
        }
        Ok(XgbModel {
            feature_names: model.features().iter().map(|f| f.name.clone()).collect(),
            objective,
            base_score,
            // Identity links keep the exact margin; others round-trip through f32 as XGBoost does.
            base_margin: match objective {
                Objective::SquaredError | Objective::AbsoluteError => base_margin,
                _ => margin_of(objective, base_score),
            },
            trees,
            attributes,
            target,
        })
    }

    /// The feature names, in the order of the model's feature indices.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The objective (which fixes the link from score to prediction).
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The target transform that [`XgbModel::predict`] undoes (`vitrine_target`).
    pub fn target(&self) -> TargetTransform {
        self.target
    }

    /// The model's string attributes (`Booster.attributes()`).
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Gain and split count of each feature, in feature order.
    pub fn feature_importance(&self) -> Vec<super::FeatureImportance> {
        let mut out: Vec<super::FeatureImportance> = self
            .feature_names
            .iter()
            .map(|name| super::FeatureImportance {
                name: name.clone(),
                gain: 0.0,
                splits: 0,
            })
            .collect();
        for node in self.trees.iter().flatten().filter(|n| n.left >= 0) {
            let slot = &mut out[node.feature as usize];
            slot.gain += node.gain as f64;
            slot.splits += 1;
        }
        out
    }

    /// Scores before the link (XGBoost's `output_margin=True`), on the transformed scale of a
    /// `vitrine_target`, for the rows of `columns`, found by name (extra columns are ignored).
    pub fn predict_raw(&self, columns: &[Feature]) -> Result<Vec<f64>, GbdtError> {
        let picked = pick_columns(&self.feature_names, columns)?;
        let n = picked.first().map_or(0, |c| c.len());
        let mut out = vec![self.base_margin; n];
        for tree in &self.trees {
            for (r, score) in out.iter_mut().enumerate() {
                *score += leaf_value(tree, |f| picked[f][r]) as f64;
            }
        }
        Ok(out)
    }

    /// Predictions (after the link, the target transform undone) for the rows of `columns`.
    pub fn predict(&self, columns: &[Feature]) -> Result<Vec<f64>, GbdtError> {
        let mut out = self.predict_raw(columns)?;
        for p in &mut out {
            *p = self.target.invert(self.objective.transform(*p));
        }
        Ok(out)
    }

    /// The model as XGBoost 3.2's `save_model("x.json")` writes it.
    pub fn to_json(&self) -> String {
        let trees: Vec<Value> = self
            .trees
            .iter()
            .enumerate()
            .map(|(id, nodes)| tree_json(id, nodes, self.feature_names.len()))
            .collect();
        let n_trees = self.trees.len();
        let objective = match self.objective {
            Objective::SquaredError | Objective::Logistic => json!({
                "name": objective_name(self.objective),
                "reg_loss_param": {"scale_pos_weight": "1"}
            }),
            Objective::AbsoluteError => json!({"name": "reg:absoluteerror"}),
            Objective::Poisson => json!({
                "name": "count:poisson",
                "poisson_regression_param": {"max_delta_step": "0.699999988"}
            }),
        };
        let model = json!({
            "learner": {
                "attributes": self.attributes,
                "feature_names": self.feature_names,
                "feature_types": [],
                "gradient_booster": {
                    "model": {
                        "cats": {"enc": [], "feature_segments": [], "sorted_idx": []},
                        "gbtree_model_param": {
                            "num_parallel_tree": "1",
                            "num_trees": n_trees.to_string()
                        },
                        "iteration_indptr": (0..=n_trees).collect::<Vec<_>>(),
                        "tree_info": vec![0; n_trees],
                        "trees": trees
                    },
                    "name": "gbtree"
                },
                "learner_model_param": {
                    "base_score": format!("[{:E}]", self.base_score),
                    "boost_from_average": "1",
                    "num_class": "0",
                    "num_feature": self.feature_names.len().to_string(),
                    "num_target": "1"
                },
                "objective": objective
            },
            "version": XGBOOST_VERSION
        });
        serde_json::to_string(&model).expect("a model always serialises")
    }

    /// Reads a model saved by XGBoost (`save_model("x.json")`, 1.x to 3.x) or by
    /// [`XgbModel::to_json`]: `gbtree` with one output, numeric splits, objective
    /// `reg:squarederror`, `reg:absoluteerror`, `binary:logistic` or `count:poisson`.
    pub fn from_json(text: &str) -> Result<XgbModel, GbdtError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| GbdtError::InvalidModel(e.to_string()))?;
        let learner = field(&root, "learner")?;
        let unsupported = |why: String| Err(GbdtError::UnsupportedXgboost(why));
        let objective_text = text_at(field(learner, "objective")?, "name")?;
        let objective = match objective_text {
            "reg:squarederror" | "reg:linear" => Objective::SquaredError,
            "reg:absoluteerror" => Objective::AbsoluteError,
            "binary:logistic" => Objective::Logistic,
            "count:poisson" => Objective::Poisson,
            other => return unsupported(format!("objective {other}")),
        };
        let params = field(learner, "learner_model_param")?;
        let count = |name: &str| -> Result<u64, GbdtError> {
            match params.get(name) {
                None => Ok(0),
                Some(v) => v
                    .as_str()
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| GbdtError::InvalidModel(format!("{name}: {v}"))),
            }
        };
        if count("num_class")? > 1 || count("num_target")? > 1 {
            return unsupported("several outputs (multi-class or multi-target)".into());
        }
        let base_text = text_at(params, "base_score")?;
        let base_score: f32 = base_text
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim()
            .parse()
            .map_err(|_| GbdtError::InvalidModel(format!("base_score {base_text:?}")))?;
        let booster = field(learner, "gradient_booster")?;
        let booster_name = text_at(booster, "name")?;
        if booster_name != "gbtree" {
            return unsupported(format!("booster {booster_name} (only gbtree is read)"));
        }
        let trees_json = field(field(booster, "model")?, "trees")?
            .as_array()
            .ok_or_else(|| GbdtError::InvalidModel("trees is not a list".into()))?;
        let trees: Vec<Vec<XgbNode>> = trees_json
            .iter()
            .enumerate()
            .map(|(t, tree)| read_tree(t, tree))
            .collect::<Result<_, _>>()?;
        let n_features = count("num_feature")? as usize;
        let mut feature_names: Vec<String> = match learner.get("feature_names") {
            Some(Value::Array(names)) => names
                .iter()
                .map(|n| n.as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(|| GbdtError::InvalidModel("feature_names".into()))?,
            _ => Vec::new(),
        };
        let used = trees
            .iter()
            .flatten()
            .filter(|n| n.left >= 0)
            .map(|n| n.feature as usize + 1)
            .max()
            .unwrap_or(0);
        if feature_names.is_empty() {
            // A model trained on a bare matrix: XGBoost's own names for its columns.
            feature_names = (0..n_features.max(used)).map(|i| format!("f{i}")).collect();
        }
        if used > feature_names.len() {
            return Err(GbdtError::InvalidModel(format!(
                "a split on feature {} of {}",
                used,
                feature_names.len()
            )));
        }
        let attributes: BTreeMap<String, String> = match learner.get("attributes") {
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect(),
            _ => BTreeMap::new(),
        };
        let target = match attributes.get(TARGET_ATTRIBUTE) {
            None => TargetTransform::Identity,
            Some(name) => TargetTransform::from_name(name).ok_or_else(|| {
                GbdtError::UnsupportedXgboost(format!("{TARGET_ATTRIBUTE} = {name}"))
            })?,
        };
        Ok(XgbModel {
            feature_names,
            objective,
            base_score,
            base_margin: margin_of(objective, base_score),
            trees,
            attributes,
            target,
        })
    }
}

/// The leaf value a row reaches, the row's value of feature `f` being `value(f)`.
#[inline]
fn leaf_value(tree: &[XgbNode], value: impl Fn(usize) -> f32) -> f32 {
    let mut i = 0;
    loop {
        let node = tree[i];
        if node.left < 0 {
            return node.condition;
        }
        let v = value(node.feature as usize);
        let go_left = if v.is_nan() {
            node.default_left
        } else {
            v < node.condition
        };
        i = if go_left { node.left } else { node.right } as usize;
    }
}

/// The columns named `names`, in that order, from `columns`.
fn pick_columns<'a>(names: &[String], columns: &'a [Feature]) -> Result<Vec<&'a [f32]>, GbdtError> {
    let n = columns.first().map_or(0, |c| c.values.len());
    names
        .iter()
        .map(|name| {
            let column = columns
                .iter()
                .find(|c| &c.name == name)
                .ok_or_else(|| GbdtError::MissingFeature { name: name.clone() })?;
            if column.values.len() != n {
                return Err(GbdtError::LengthMismatch {
                    what: format!("feature {name}"),
                    expected: n,
                    found: column.values.len(),
                });
            }
            Ok(column.values.as_slice())
        })
        .collect()
}

fn field<'a>(value: &'a Value, name: &str) -> Result<&'a Value, GbdtError> {
    value
        .get(name)
        .ok_or_else(|| GbdtError::InvalidModel(format!("no field {name}")))
}

fn text_at<'a>(value: &'a Value, name: &str) -> Result<&'a str, GbdtError> {
    field(value, name)?
        .as_str()
        .ok_or_else(|| GbdtError::InvalidModel(format!("{name} is not text")))
}

/// A list of numbers of a tree, one per node.
fn numbers(tree: &Value, name: &str, n: usize) -> Result<Vec<f64>, GbdtError> {
    let list = field(tree, name)?
        .as_array()
        .ok_or_else(|| GbdtError::InvalidModel(format!("{name} is not a list")))?;
    if list.len() != n {
        return Err(GbdtError::InvalidModel(format!(
            "{name} has {} entries for {n} nodes",
            list.len()
        )));
    }
    list.iter()
        .map(|v| match v {
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => v.as_f64(),
        })
        .collect::<Option<_>>()
        .ok_or_else(|| GbdtError::InvalidModel(format!("{name} holds a non-number")))
}

/// One tree of XGBoost's JSON, checked: children in range, every node reached once from the root.
fn read_tree(t: usize, tree: &Value) -> Result<Vec<XgbNode>, GbdtError> {
    let bad = |why: String| GbdtError::InvalidModel(format!("tree {t}: {why}"));
    let left = field(tree, "left_children")?
        .as_array()
        .ok_or_else(|| bad("left_children is not a list".into()))?;
    let n = left.len();
    if n == 0 {
        return Err(bad("no nodes".into()));
    }
    let left = numbers(tree, "left_children", n)?;
    let right = numbers(tree, "right_children", n)?;
    let feature = numbers(tree, "split_indices", n)?;
    let condition = numbers(tree, "split_conditions", n)?;
    let default_left = numbers(tree, "default_left", n)?;
    let gain = match tree.get("loss_changes") {
        Some(_) => numbers(tree, "loss_changes", n)?,
        None => vec![0.0; n],
    };
    if tree.get("split_type").is_some() && numbers(tree, "split_type", n)?.iter().any(|&s| s != 0.0)
    {
        return Err(GbdtError::UnsupportedXgboost(format!(
            "tree {t} has categorical splits"
        )));
    }
    let nodes: Vec<XgbNode> = (0..n)
        .map(|i| {
            let child = |c: f64| -> Result<i32, GbdtError> {
                if c == -1.0 || (c >= 0.0 && (c as usize) < n && c.fract() == 0.0) {
                    Ok(c as i32)
                } else {
                    Err(bad(format!("node {i}: child {c}")))
                }
            };
            let (l, r) = (child(left[i])?, child(right[i])?);
            if (l < 0) != (r < 0) {
                return Err(bad(format!("node {i} has one child")));
            }
            if l >= 0 && r != l + 1 {
                // XGBoost's predictor takes `left + 1` for the right child, whatever the file says.
                return Err(bad(format!(
                    "node {i}: right child {r} is not left child {l} + 1"
                )));
            }
            if l >= 0 && !(feature[i] >= 0.0 && feature[i].fract() == 0.0) {
                return Err(bad(format!("node {i}: feature {}", feature[i])));
            }
            Ok(XgbNode {
                left: l,
                right: r,
                feature: if l >= 0 { feature[i] as u32 } else { 0 },
                condition: condition[i] as f32,
                default_left: default_left[i] != 0.0,
                gain: gain[i] as f32,
            })
        })
        .collect::<Result<_, _>>()?;
    // Every node reached at most once from the root: no cycle, so prediction ends.
    let mut seen = vec![false; n];
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            return Err(bad(format!("node {i} is reached twice")));
        }
        if nodes[i].left >= 0 {
            stack.push(nodes[i].left as usize);
            stack.push(nodes[i].right as usize);
        }
    }
    Ok(nodes)
}

/// One tree as XGBoost writes it.
fn tree_json(id: usize, nodes: &[XgbNode], n_features: usize) -> Value {
    let n = nodes.len();
    let mut parents = vec![NO_PARENT; n];
    for (i, node) in nodes.iter().enumerate().filter(|(_, n)| n.left >= 0) {
        parents[node.left as usize] = i as i64;
        parents[node.right as usize] = i as i64;
    }
    let is_leaf = |n: &XgbNode| n.left < 0;
    json!({
        "base_weights": nodes.iter().map(|n| if is_leaf(n) { n.condition } else { 0.0 }).collect::<Vec<_>>(),
        "categories": [],
        "categories_nodes": [],
        "categories_segments": [],
        "categories_sizes": [],
        "default_left": nodes.iter().map(|n| u8::from(n.default_left)).collect::<Vec<_>>(),
        "id": id,
        "left_children": nodes.iter().map(|n| n.left).collect::<Vec<_>>(),
        "loss_changes": nodes.iter().map(|n| n.gain).collect::<Vec<_>>(),
        "parents": parents,
        "right_children": nodes.iter().map(|n| n.right).collect::<Vec<_>>(),
        "split_conditions": nodes.iter().map(|n| n.condition).collect::<Vec<_>>(),
        "split_indices": nodes.iter().map(|n| n.feature).collect::<Vec<_>>(),
        "split_type": vec![0; n],
        "sum_hessian": vec![0.0; n],
        "tree_param": {
            "num_deleted": "0",
            "num_feature": n_features.to_string(),
            "num_nodes": n.to_string(),
            "size_leaf_vector": "1"
        }
    })
}

/// Our tree as XGBoost nodes, root first, each right child right after its left one (XGBoost's
/// predictor finds the right child as `left + 1`).
fn export_tree(tree: &Tree, model: &GbdtModel, t: usize) -> Result<Vec<XgbNode>, GbdtError> {
    let mut out = Vec::with_capacity(tree.nodes.len());
    out.push(XgbNode::leaf(0.0));
    emit(tree, 0, model, &mut out, 0).map_err(|()| GbdtError::ExportTooLarge {
        tree: t,
        limit: MAX_EXPORT_NODES,
    })?;
    Ok(out)
}

/// Room for the two children of the node at `at`, which becomes a split; returns the left slot.
fn add_children(out: &mut Vec<XgbNode>, at: usize, split: XgbNode) -> Result<usize, ()> {
    if out.len() + 2 > MAX_EXPORT_NODES {
        return Err(());
    }
    let left = out.len();
    out.extend([XgbNode::leaf(0.0); 2]);
    out[at] = XgbNode {
        left: left as i32,
        right: left as i32 + 1,
        ..split
    };
    Ok(left)
}

/// Writes node `i` of `tree` into slot `at` of `out`, its subtree after.
fn emit(
    tree: &Tree,
    i: usize,
    model: &GbdtModel,
    out: &mut Vec<XgbNode>,
    at: usize,
) -> Result<(), ()> {
    match &tree.nodes[i] {
        Node::Leaf { value } => {
            out[at] = XgbNode::leaf(*value);
            Ok(())
        }
        Node::Numeric {
            feature,
            threshold,
            default_left,
            left,
            right,
            gain,
            ..
        } => {
            // v <= t  <=>  v < next_up(t) for every f32; no threshold sends every value left
            // (f32::MAX: all but +inf).
            let condition = threshold
                .map(f32::next_up)
                .filter(|c| c.is_finite())
                .unwrap_or(f32::MAX);
            let split = XgbNode {
                left: -1,
                right: -1,
                feature: *feature,
                condition,
                default_left: *default_left,
                gain: *gain,
            };
            let slot = add_children(out, at, split)?;
            emit(tree, *left as usize, model, out, slot)?;
            emit(tree, *right as usize, model, out, slot + 1)
        }
        Node::Categorical {
            feature,
            left_categories,
            default_left,
            left,
            right,
            gain,
            ..
        } => {
            let FeatureBins::Categorical { categories, .. } =
                &model.features()[*feature as usize].bins
            else {
                unreachable!("a categorical split is on a categorical feature");
            };
            let runs = code_runs(categories, left_categories, *default_left);
            let split = CategoricalSplit {
                feature: *feature,
                gain: *gain,
                left: *left as usize,
                right: *right as usize,
                runs: &runs,
            };
            split.emit_runs(tree, 0, runs.len(), model, out, at)
        }
    }
}

/// The runs of a categorical split: `(first code, goes left)`, the first run starting at minus
/// infinity (negative values are no code: they go where missing values go), consecutive runs
/// differing in direction. Codes without a bin of their own go where missing values go.
fn code_runs(categories: &[u32], left_categories: &[u32], default_left: bool) -> Vec<(f32, bool)> {
    let mut runs = vec![(f32::NEG_INFINITY, default_left)];
    for &code in categories {
        let goes_left = left_categories.binary_search(&code).is_ok();
        if goes_left == default_left {
            continue;
        }
        let (start, end) = (code as f32, code as f32 + 1.0);
        if runs.len() >= 2 && runs.last() == Some(&(start, default_left)) {
            // The code before went this way too and its run ended here: extend that run.
            runs.pop();
        } else {
            runs.push((start, goes_left));
        }
        runs.push((end, default_left));
    }
    runs
}

/// A categorical split being written as numeric ones.
struct CategoricalSplit<'a> {
    feature: u32,
    gain: f32,
    left: usize,
    right: usize,
    runs: &'a [(f32, bool)],
}

impl CategoricalSplit<'_> {
    /// Writes a search tree over `runs[lo..hi]` into slot `at`; a single run becomes a copy of
    /// the child it goes to. Missing values go left at every node, to the first run, which goes
    /// their way.
    fn emit_runs(
        &self,
        tree: &Tree,
        lo: usize,
        hi: usize,
        model: &GbdtModel,
        out: &mut Vec<XgbNode>,
        at: usize,
    ) -> Result<(), ()> {
        if hi - lo == 1 {
            let child = if self.runs[lo].1 {
                self.left
            } else {
                self.right
            };
            return emit(tree, child, model, out, at);
        }
        let mid = lo + (hi - lo) / 2;
        let split = XgbNode {
            left: -1,
            right: -1,
            feature: self.feature,
            condition: self.runs[mid].0,
            default_left: true,
            // The split's gain once, on the search tree's root.
            gain: if lo == 0 && hi == self.runs.len() {
                self.gain
            } else {
                0.0
            },
        };
        let slot = add_children(out, at, split)?;
        self.emit_runs(tree, lo, mid, model, out, slot)?;
        self.emit_runs(tree, mid, hi, model, out, slot + 1)
    }
}

/// A model read from a file: ours (`vitrine-gbdt`) or XGBoost's JSON, both scored by feature
/// name, so that `--model-in` and the page take either.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadedModel {
    /// Saved by [`GbdtModel::to_json`].
    Vitrine(GbdtModel),
    /// Saved by XGBoost (or by [`XgbModel::to_json`]).
    Xgboost(XgbModel),
}

impl LoadedModel {
    /// Reads either format, told apart by their top-level fields (`format` or `learner`).
    pub fn from_json(text: &str) -> Result<LoadedModel, GbdtError> {
        #[derive(serde::Deserialize)]
        struct Probe {
            format: Option<Value>,
            learner: Option<serde::de::IgnoredAny>,
        }
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| GbdtError::InvalidModel(e.to_string()))?;
        match (probe.format, probe.learner) {
            (Some(_), _) => GbdtModel::from_json(text).map(LoadedModel::Vitrine),
            (None, Some(_)) => XgbModel::from_json(text).map(LoadedModel::Xgboost),
            (None, None) => Err(GbdtError::InvalidModel(
                "neither a vitrine-gbdt model nor an XGBoost JSON model".into(),
            )),
        }
    }

    /// The feature names the model reads, in its order.
    pub fn feature_names(&self) -> Vec<String> {
        match self {
            LoadedModel::Vitrine(m) => m.features().iter().map(|f| f.name.clone()).collect(),
            LoadedModel::Xgboost(m) => m.feature_names().to_vec(),
        }
    }

    /// The target transform its predictions undo.
    pub fn target(&self) -> TargetTransform {
        match self {
            LoadedModel::Vitrine(m) => m.params().target,
            LoadedModel::Xgboost(m) => m.target(),
        }
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        match self {
            LoadedModel::Vitrine(m) => m.n_trees(),
            LoadedModel::Xgboost(m) => m.n_trees(),
        }
    }

    /// Gain and split count of each feature, in the model's feature order.
    pub fn feature_importance(&self) -> Vec<super::FeatureImportance> {
        match self {
            LoadedModel::Vitrine(m) => m.feature_importance(),
            LoadedModel::Xgboost(m) => m.feature_importance(),
        }
    }

    /// Predictions (after the link, the target transform undone) for the rows of `columns`,
    /// found by name; extra columns are ignored. A categorical feature of our model reads its
    /// column's values as codes.
    pub fn predict(&self, columns: &[Feature]) -> Result<Vec<f64>, GbdtError> {
        match self {
            LoadedModel::Xgboost(m) => m.predict(columns),
            LoadedModel::Vitrine(m) => {
                let names: Vec<String> = m.features().iter().map(|f| f.name.clone()).collect();
                let picked = pick_columns(&names, columns)?;
                let ordered: Vec<Feature> = m
                    .features()
                    .iter()
                    .zip(picked)
                    .map(|(f, values)| Feature {
                        name: f.name.clone(),
                        values: values.to_vec(),
                        kind: f.kind(),
                    })
                    .collect();
                m.predict(&ordered)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::{Dataset, GbdtParams};
    use proptest::prelude::*;

    #[test]
    fn runs_of_codes_alternate_and_merge_neighbours() {
        let inf = f32::NEG_INFINITY;
        // Codes 0..6 indexed; 1, 2 and 5 go left; missing goes right.
        assert_eq!(
            code_runs(&[0, 1, 2, 3, 4, 5], &[1, 2, 5], false),
            vec![
                (inf, false),
                (1.0, true),
                (3.0, false),
                (5.0, true),
                (6.0, false)
            ]
        );
        // Missing goes left: the codes going right make the runs; code 7 has no bin.
        assert_eq!(
            code_runs(&[0, 3, 4], &[3], true),
            vec![
                (inf, true),
                (0.0, false),
                (1.0, true),
                (4.0, false),
                (5.0, true)
            ]
        );
        assert_eq!(code_runs(&[0, 1], &[], false), vec![(inf, false)]);
    }

    /// A small model over a numeric feature and a categorical one of `n_codes` codes, whose
    /// effect per code is pseudo-random so that splits take scattered sets of codes.
    fn categorical_model(
        n_codes: u32,
        seed: u64,
        target: TargetTransform,
    ) -> (GbdtModel, Vec<Feature>) {
        let n = 600;
        let code: Vec<f32> = (0..n)
            .map(|i| {
                if i % 37 == 0 {
                    f32::NAN
                } else {
                    ((i * 7 + seed as usize) % n_codes as usize) as f32
                }
            })
            .collect();
        let x: Vec<f32> = (0..n).map(|i| ((i * 31) % 101) as f32 / 10.0).collect();
        let y: Vec<f32> = code
            .iter()
            .zip(&x)
            .map(|(&c, &x)| {
                let effect = if c.is_nan() {
                    5.0
                } else {
                    ((c as u64 * 2654435761 + seed) % 17) as f32
                };
                effect + x
            })
            .collect();
        let features = vec![
            Feature::numeric("x", x),
            Feature::categorical("code", code, n_codes),
        ];
        let params = GbdtParams {
            n_trees: 8,
            max_depth: 4,
            target,
            seed,
            ..GbdtParams::default()
        };
        let model = params
            .fit(&Dataset::new(features.clone(), y).unwrap(), None)
            .unwrap();
        (model, features)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn categorical_splits_export_exactly(n_codes in 2u32..60, seed in 0u64..1000) {
            let (model, mut features) = categorical_model(n_codes, seed, TargetTransform::Identity);
            // Codes the model never saw, out of range and missing go where missing values go.
            for f in &mut features {
                f.values.extend(if f.name == "code" { [n_codes as f32, f32::NAN, 0.0] } else { [1.0, 2.0, f32::NAN] });
            }
            let export = XgbModel::from_gbdt(&model).unwrap();
            let ours = model.predict_raw(&features).unwrap();
            let theirs = export.predict_raw(&features).unwrap();
            for (a, b) in ours.iter().zip(&theirs) {
                prop_assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "{} {}", a, b);
            }
            let back = XgbModel::from_json(&export.to_json()).unwrap();
            prop_assert_eq!(back.predict_raw(&features).unwrap(), theirs);
        }
    }

    #[test]
    fn the_target_transform_travels_as_an_attribute() {
        let (model, features) = categorical_model(5, 1, TargetTransform::Log1p);
        let export = XgbModel::from_gbdt(&model).unwrap();
        assert_eq!(export.attributes()[TARGET_ATTRIBUTE], "log1p");
        let back = LoadedModel::from_json(&export.to_json()).unwrap();
        assert_eq!(back.target(), TargetTransform::Log1p);
        let ours = model.predict(&features).unwrap();
        for (a, b) in ours.iter().zip(back.predict(&features).unwrap()) {
            assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0));
        }
        // Our own format is read by the same entry point.
        let same = LoadedModel::from_json(&model.to_json()).unwrap();
        assert_eq!(same.predict(&features).unwrap(), ours);
    }

    fn tiny_model(left: &str, right: &str, split_type: &str) -> String {
        format!(
            r#"{{"learner":{{"attributes":{{}},"feature_names":["a"],
            "gradient_booster":{{"name":"gbtree","model":{{"trees":[{{
              "left_children":{left},"right_children":{right},"split_indices":[0,0,0],
              "split_conditions":[0.5,1.0,2.0],"default_left":[0,0,0],"split_type":{split_type}}}]}}}},
            "learner_model_param":{{"base_score":"5E-1","num_class":"0","num_feature":"1"}},
            "objective":{{"name":"reg:squarederror"}}}}}}"#
        )
    }

    #[test]
    fn damaged_or_foreign_models_are_refused() {
        let good = tiny_model("[1,-1,-1]", "[2,-1,-1]", "[0,0,0]");
        let model = XgbModel::from_json(&good).unwrap();
        let column = [Feature::numeric("a", vec![0.0, 0.5, f32::NAN])];
        assert_eq!(model.predict(&column).unwrap(), vec![1.5, 2.5, 2.5]);
        let cycle = tiny_model("[1,0,-1]", "[2,1,-1]", "[0,0,0]");
        assert!(matches!(
            XgbModel::from_json(&cycle),
            Err(GbdtError::InvalidModel(_))
        ));
        let swapped = tiny_model("[2,-1,-1]", "[1,-1,-1]", "[0,0,0]");
        assert!(matches!(
            XgbModel::from_json(&swapped),
            Err(GbdtError::InvalidModel(_))
        ));
        let categorical = tiny_model("[1,-1,-1]", "[2,-1,-1]", "[1,0,0]");
        assert!(matches!(
            XgbModel::from_json(&categorical),
            Err(GbdtError::UnsupportedXgboost(_))
        ));
        let multiclass = good.replace(r#""num_class":"0""#, r#""num_class":"3""#);
        assert!(matches!(
            XgbModel::from_json(&multiclass),
            Err(GbdtError::UnsupportedXgboost(_))
        ));
        let ranker = good.replace("reg:squarederror", "rank:pairwise");
        assert!(matches!(
            XgbModel::from_json(&ranker),
            Err(GbdtError::UnsupportedXgboost(_))
        ));
        assert!(LoadedModel::from_json("{}").is_err());
    }
}
