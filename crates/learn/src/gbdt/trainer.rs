//! The boosting loop, one tree per `step()`, so that the page can report progress and cancel
//! between trees.

use std::borrow::Cow;

use super::binning::{
    bin_sample, fit_bins, fit_feature_bins, BinnedColumns, BinnedMatrix, FeatureBins,
};
use super::bundle::BundledRows;
use super::data::{check_schema, Dataset, Feature, FeatureKind};
use super::grow::{BinNode, Grower, TreeParams};
use super::model::{GbdtModel, ModelFeature, Node, Tree};
use super::objective::weighted_median;
use super::params::{GbdtParams, Growth, TargetTransform};
use super::partition::Partition;
use super::split::{Rule, SplitParams};
use super::GbdtError;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Where training stands after the last tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Trees trained so far.
    pub trees: usize,
    /// Trees asked for.
    pub n_trees: usize,
    /// Name of the metric below and of [`Trainer::train_loss`]'s (`rmse`, `mae`,
    /// `poisson_deviance`, `logloss`).
    pub metric: &'static str,
    /// The metric on the validation rows, if any.
    pub valid_loss: Option<f64>,
    /// Number of trees at the best validation metric so far (= `trees` without validation).
    pub best_trees: usize,
}

/// Trains an ensemble tree by tree.
pub struct Trainer<'a> {
    params: GbdtParams,
    /// The training target after `params.target`'s transform (what the trees fit), borrowed
    /// from a [`Dataset`] when there is no transform, owned otherwise.
    target: Cow<'a, [f32]>,
    weights: Option<Cow<'a, [f32]>>,
    /// Name and kind of each feature, kept in the model.
    schema: Vec<(String, FeatureKind)>,
    valid: Option<&'a Dataset>,
    /// The validation target after the same transform.
    valid_target: Option<Cow<'a, [f32]>>,
    bins: Vec<FeatureBins>,
    /// The training rows in bundle codes, for histograms.
    train_rows: BundledRows,
    /// The training bins feature by feature, for partitions and predictions.
    train_columns: BinnedColumns,
    valid_bins: Option<BinnedMatrix>,
    grower: Grower,
    tree_params: TreeParams,
    base_score: f32,
    pred: Vec<f64>,
    valid_pred: Vec<f64>,
    gh: Vec<[f32; 2]>,
    trees: Vec<Tree>,
    /// The rows outside a tree's sample, routed down it to update their predictions.
    out_of_sample: Partition,
    rng: ChaCha8Rng,
    progress: Progress,
    best_valid: f64,
    done: bool,
}

/// A training set in bins: what the trainer keeps of it.
struct Binned<'a> {
    target: Cow<'a, [f32]>,
    weights: Option<Cow<'a, [f32]>>,
    schema: Vec<(String, FeatureKind)>,
    bins: Vec<FeatureBins>,
    columns: BinnedColumns,
}

impl Trainer<'static> {
    /// A trainer of `n_features` columns given one at a time: `column(f)` returns feature `f`
    /// of every row (gathered, say, from a table much larger than the training rows), which is
    /// binned and dropped before the next is asked for. Only one column of raw `f32` values is
    /// alive at a time beside the `u8` bins: for 7.5 M rows of 24 features, 0.72 GB of floats
    /// are never held at once, which decides whether a wasm32 page can train on them. Binning,
    /// and so the model, are the same as [`Trainer::new`]'s on a [`Dataset`] of these columns.
    /// No validation set.
    pub fn from_columns(
        params: &GbdtParams,
        n_features: usize,
        column: &mut dyn FnMut(usize) -> Feature,
        target: Vec<f32>,
    ) -> Result<Trainer<'static>, GbdtError> {
        params.check()?;
        if n_features == 0 {
            return Err(GbdtError::NoFeatures);
        }
        if target.is_empty() {
            return Err(GbdtError::NoRows);
        }
        if let Some(row) = target.iter().position(|y| !y.is_finite()) {
            return Err(GbdtError::InvalidTarget {
                row,
                value: target[row],
                expected: "a finite number",
            });
        }
        let target = match params.target {
            TargetTransform::Identity => target,
            transform => transform.apply(&target)?.into_owned(),
        };
        params.objective.check_target(&target)?;
        let n_rows = target.len();
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let sample = bin_sample(n_rows, params.bin_sample_rows, &mut rng);
        let mut schema = Vec::with_capacity(n_features);
        let mut bins = Vec::with_capacity(n_features);
        let mut columns = BinnedColumns::with_capacity(n_rows, n_features);
        for f in 0..n_features {
            let feature = column(f);
            feature.check(n_rows)?;
            let fb = fit_feature_bins(&feature, params.n_bins as usize, sample.as_deref());
            columns.push(&feature, &fb);
            schema.push((feature.name, feature.kind));
            bins.push(fb);
        }
        Ok(Trainer::from_binned(
            params,
            Binned {
                target: Cow::Owned(target),
                weights: None,
                schema,
                bins,
                columns,
            },
            None,
            rng,
        ))
    }
}

impl<'a> Trainer<'a> {
    /// Checks the parameters and data, bins the features and sets every row at the base score.
    pub fn new(
        params: &GbdtParams,
        train: &'a Dataset,
        valid: Option<&'a Dataset>,
    ) -> Result<Trainer<'a>, GbdtError> {
        params.check()?;
        let objective = params.objective;
        let train_target = params.target.apply(train.target())?;
        objective.check_target(&train_target)?;
        let schema: Vec<(String, FeatureKind)> = train
            .features()
            .iter()
            .map(|f| (f.name.clone(), f.kind))
            .collect();
        if let Some(v) = valid {
            check_schema(&schema, v.features())?;
        }
        let valid_target = valid.map(|v| params.target.apply(v.target())).transpose()?;
        if let Some(y) = &valid_target {
            objective.check_target(y)?;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let bins = fit_bins(
            train.features(),
            params.n_bins as usize,
            params.bin_sample_rows,
            &mut rng,
        );
        let train_columns = BinnedColumns::new(train.features(), &bins);
        Ok(Trainer::from_binned(
            params,
            Binned {
                target: train_target,
                weights: train.weights().map(Cow::Borrowed),
                schema,
                bins,
                columns: train_columns,
            },
            valid.zip(valid_target),
            rng,
        ))
    }

    /// The trainer of binned data: sets every row at the base score.
    fn from_binned(
        params: &GbdtParams,
        train: Binned<'a>,
        valid: Option<(&'a Dataset, Cow<'a, [f32]>)>,
        rng: ChaCha8Rng,
    ) -> Trainer<'a> {
        let (valid, valid_target) = valid.unzip();
        let objective = params.objective;
        let Binned {
            target,
            weights,
            schema,
            bins,
            columns: train_columns,
        } = train;
        let valid_bins = valid.map(|v| BinnedMatrix::new(v.features(), &bins));
        let categorical = bins
            .iter()
            .map(|b| matches!(b, FeatureBins::Categorical { .. }))
            .collect();
        let n_bins: Vec<usize> = bins.iter().map(FeatureBins::n_bins).collect();
        let grower = Grower::new(&n_bins, categorical);
        let train_rows = BundledRows::new(&train_columns, grower.bundles());
        let n_rows = target.len();
        let base_score = objective.base_score(&target, weights.as_deref()) as f32;
        let pred = vec![base_score as f64; n_rows];
        let valid_pred = vec![base_score as f64; valid.map_or(0, Dataset::n_rows)];
        let valid_loss = valid
            .zip(valid_target.as_deref())
            .map(|(v, y)| objective.loss(y, v.weights(), &valid_pred));
        let tree_params = TreeParams {
            split: SplitParams {
                lambda: params.lambda,
                gamma: params.gamma,
                min_child_weight: params.min_child_weight,
            },
            max_depth: params.max_depth,
            max_leaves: params.max_leaves,
            leaf_wise: params.growth == Growth::LeafWise,
        };
        Trainer {
            params: params.clone(),
            target,
            weights,
            schema,
            valid,
            valid_target,
            bins,
            train_rows,
            train_columns,
            valid_bins,
            grower,
            tree_params,
            base_score,
            pred,
            valid_pred,
            gh: vec![[0.0; 2]; n_rows],
            trees: Vec::new(),
            out_of_sample: Partition::new(),
            rng,
            progress: Progress {
                trees: 0,
                n_trees: params.n_trees,
                metric: objective.metric_name(),
                valid_loss,
                best_trees: 0,
            },
            best_valid: valid_loss.unwrap_or(f64::INFINITY),
            done: false,
        }
    }

    /// Whether all trees are trained or early stopping has triggered.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Where training stands.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The metric on the training rows now: measured when asked (a pass over every row), as
    /// the stream's retrains, a few a second, never ask.
    pub fn train_loss(&self) -> f64 {
        let objective = self.params.objective;
        objective.loss(&self.target, self.weights.as_deref(), &self.pred)
    }

    /// Trains one more tree.
    pub fn step(&mut self) -> Result<(), GbdtError> {
        if self.done {
            return Err(GbdtError::AlreadyDone);
        }
        let objective = self.params.objective;
        objective.gradients(
            &self.target,
            self.weights.as_deref(),
            &self.pred,
            &mut self.gh,
        );
        let sample = self.sample_rows();
        let allowed = self.sample_features();
        let (y, w) = (&*self.target, self.weights.as_deref());
        let grown = self.grower.grow(
            &self.train_rows,
            &self.train_columns,
            &self.gh,
            sample.as_deref(),
            &allowed,
            &self.tree_params,
        );
        let lr = self.params.learning_rate;
        let values: Vec<f32> = grown
            .leaves
            .iter()
            .map(|leaf| {
                let v = if objective.renews_leaves() {
                    let rows = self.grower.rows(leaf);
                    let residuals = rows
                        .iter()
                        .map(|&r| y[r as usize] as f64 - self.pred[r as usize])
                        .collect();
                    let weights: Option<Vec<f32>> =
                        w.map(|w| rows.iter().map(|&r| w[r as usize]).collect());
                    weighted_median(residuals, weights.as_deref())
                } else {
                    leaf.sum.leaf_value(self.params.lambda)
                };
                (v * lr) as f32
            })
            .collect();
        let tree = self.to_tree(&grown.nodes, &values);
        match sample {
            None => {
                for (leaf, &v) in grown.leaves.iter().zip(&values) {
                    for &r in self.grower.rows(leaf) {
                        self.pred[r as usize] += v as f64;
                    }
                }
            }
            Some(sample) => {
                for (leaf, &v) in grown.leaves.iter().zip(&values) {
                    for &r in self.grower.rows(leaf) {
                        self.pred[r as usize] += v as f64;
                    }
                }
                self.add_out_of_sample(&sample, &grown.nodes, &values);
            }
        }
        if let Some(vb) = &self.valid_bins {
            for (r, p) in self.valid_pred.iter_mut().enumerate() {
                *p += tree.leaf_binned(vb.row(r)) as f64;
            }
        }
        self.trees.push(tree);
        let trees = self.trees.len();
        self.progress.trees = trees;
        match self.valid.zip(self.valid_target.as_deref()) {
            Some((v, valid_y)) => {
                let loss = objective.loss(valid_y, v.weights(), &self.valid_pred);
                self.progress.valid_loss = Some(loss);
                if loss < self.best_valid {
                    self.best_valid = loss;
                    self.progress.best_trees = trees;
                }
                if let Some(rounds) = self.params.early_stopping_rounds {
                    if trees - self.progress.best_trees >= rounds {
                        self.done = true;
                    }
                }
            }
            None => self.progress.best_trees = trees,
        }
        if trees >= self.params.n_trees {
            self.done = true;
        }
        Ok(())
    }

    /// The fitted model; with early stopping, cut back to the best number of trees.
    pub fn finish(self) -> GbdtModel {
        let keep = if self.params.early_stopping_rounds.is_some() && self.valid.is_some() {
            self.progress.best_trees
        } else {
            self.trees.len()
        };
        self.model(keep)
    }

    /// The model of the first `n_trees` trees trained (all of them if fewer), as a trainer of
    /// the same parameters asked for `n_trees` would have finished it: each tree depends only on
    /// the ones before it, so a fit can run ahead while another decides how many trees to keep.
    pub fn finish_at(mut self, n_trees: usize) -> GbdtModel {
        self.params.n_trees = n_trees;
        self.model(n_trees)
    }

    /// The model of the first `keep` trees.
    fn model(self, keep: usize) -> GbdtModel {
        let mut trees = self.trees;
        trees.truncate(keep);
        let features = self
            .schema
            .into_iter()
            .zip(self.bins)
            .map(|((name, _), bins)| ModelFeature { name, bins })
            .collect();
        let mut model = GbdtModel::new(self.params, self.base_score, features, trees);
        model
            .index()
            .expect("a trained model is consistent by construction");
        model
    }

    /// Adds the new tree's values to the predictions of the rows outside `sample` (ascending):
    /// they are routed down the grown tree node by node, each node's rows split in place as
    /// growing split the sampled ones, so that a column is read in row order rather than one
    /// row's bins gathered from every column.
    fn add_out_of_sample(&mut self, sample: &[u32], nodes: &[BinNode], values: &[f32]) {
        let n = self.target.len() as u32;
        let mut in_sample = sample.iter().copied().peekable();
        self.out_of_sample.reset((0..n).filter(|&r| {
            let sampled = in_sample.peek() == Some(&r);
            if sampled {
                in_sample.next();
            }
            !sampled
        }));
        let mut stack = vec![(0usize, 0usize, self.out_of_sample.len())];
        while let Some((node, begin, end)) = stack.pop() {
            if begin == end {
                continue;
            }
            match &nodes[node] {
                BinNode::Leaf { leaf } => {
                    let v = values[*leaf] as f64;
                    for &r in self.out_of_sample.rows(begin, end) {
                        self.pred[r as usize] += v;
                    }
                }
                BinNode::Split { info, left, right } => {
                    let column = self.train_columns.column(info.feature);
                    let mid = self
                        .out_of_sample
                        .split(begin, end, column, &info.left_bins());
                    stack.push((*left as usize, begin, mid));
                    stack.push((*right as usize, mid, end));
                }
            }
        }
    }

    /// This tree's rows, each kept with probability `subsample`; `None` for all rows.
    fn sample_rows(&mut self) -> Option<Vec<u32>> {
        let share = self.params.subsample;
        if share >= 1.0 {
            return None;
        }
        let n = self.target.len();
        let mut rows: Vec<u32> = (0..n as u32)
            .filter(|_| self.rng.random::<f64>() < share)
            .collect();
        if rows.is_empty() {
            rows.push(self.rng.random_range(0..n as u32));
        }
        Some(rows)
    }

    /// This tree's features: a `colsample_bytree` share, at least one.
    fn sample_features(&mut self) -> Vec<bool> {
        let n = self.bins.len();
        let share = self.params.colsample_bytree;
        if share >= 1.0 {
            return vec![true; n];
        }
        let k = ((share * n as f64).round() as usize).clamp(1, n);
        let mut order: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = self.rng.random_range(i..n);
            order.swap(i, j);
        }
        let mut allowed = vec![false; n];
        for &f in &order[..k] {
            allowed[f] = true;
        }
        allowed
    }

    /// Turns a grown tree (bin space) into a model tree (raw thresholds and category codes).
    fn to_tree(&self, nodes: &[BinNode], values: &[f32]) -> Tree {
        let nodes = nodes
            .iter()
            .map(|node| match node {
                BinNode::Leaf { leaf } => Node::Leaf {
                    value: values[*leaf],
                },
                BinNode::Split { info, left, right } => {
                    let feature = info.feature as u32;
                    match (&info.rule, &self.bins[info.feature]) {
                        (Rule::Numeric { bin }, FeatureBins::Numeric { cuts }) => Node::Numeric {
                            feature,
                            threshold: cuts.get(*bin as usize - 1).copied(),
                            threshold_bin: *bin,
                            default_left: info.default_left,
                            left: *left,
                            right: *right,
                            gain: info.gain as f32,
                        },
                        (
                            Rule::Categorical { left: set },
                            FeatureBins::Categorical { categories, .. },
                        ) => Node::Categorical {
                            feature,
                            left_categories: categories
                                .iter()
                                .enumerate()
                                .filter(|(b, _)| super::split::contains(set, (*b + 1) as u8))
                                .map(|(_, &code)| code)
                                .collect(),
                            default_left: info.default_left,
                            left: *left,
                            right: *right,
                            gain: info.gain as f32,
                            left_bins: *set,
                        },
                        _ => unreachable!("a split's rule matches its feature's kind"),
                    }
                }
            })
            .collect();
        Tree::new(nodes)
    }
}
