//! A Hoeffding tree (VFDT, Domingos and Hulten, 2000) for sparse numeric parts.
//!
//! Each leaf keeps, per measurement and class, a weighted Gaussian of the values seen (count,
//! mean and squared deviations by Welford's algorithm) and the range; the weight of the parts
//! for which the measurement was empty follows from the class totals. Every `grace_period`
//! parts a leaf scores candidate splits: per measurement, `split_points` thresholds evenly over
//! its range plus "present or empty", with the empty cells sent to the side that scores best (a
//! learned default direction, as XGBoost's; Bosch's empty cells say which stations a part
//! visited). A side's class weights are estimated from the Gaussians' distribution functions, as
//! River's Gaussian splitter does. The leaf splits when the best merit (information gain or
//! Gini decrease) beats the second best by more than the Hoeffding bound
//! `eps = sqrt(R^2 ln(1/delta) / (2 n))` (`R` = 1 for both criteria over two classes, `n` the
//! parts seen at the leaf), or when `eps` falls below the tie threshold. A leaf predicts the
//! weighted share of failures it has seen (majority-class leaves, smoothed), naive Bayes over the
//! measurements present, or whichever of the two has been right more often at that leaf.

use super::error::{check_count, check_probability, check_range, OnlineError};
use super::explain::{occlusion, Baseline};
use super::{sigmoid, unweighted, ClassCounts, ClassWeight, Contribution, OnlineModel, Row};
use serde::{Deserialize, Serialize};

/// How a split's merit is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SplitCriterion {
    /// Decrease of entropy, in bits.
    #[default]
    InfoGain,
    /// Decrease of Gini impurity.
    Gini,
}

/// What a leaf predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LeafPrediction {
    /// The (class-weighted) share of failures seen at the leaf.
    Majority,
    /// Naive Bayes over the measurements present.
    NaiveBayes,
    /// Whichever of the two has been right more often at the leaf (River's default).
    #[default]
    Adaptive,
}

/// What a detected drift does to the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TreeDrift {
    /// Grows a new tree from a single leaf.
    #[default]
    Restart,
    /// Does nothing.
    Ignore,
}

/// Settings of [`HoeffdingTree`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HoeffdingParams {
    /// Parts a leaf sees between two looks for a split.
    pub grace_period: u32,
    /// Chance of choosing a split that more data would not confirm (the bound's delta).
    pub delta: f64,
    /// Below this bound, the best split is taken even if the runner-up is as good.
    pub tie_threshold: f64,
    /// Information gain or Gini.
    pub criterion: SplitCriterion,
    /// What leaves predict.
    pub leaf: LeafPrediction,
    /// Candidate thresholds per measurement.
    pub split_points: u32,
    /// Least share of the leaf's weight on each side of a split.
    pub min_branch_share: f64,
    /// Depth limit (the root is depth 0).
    pub max_depth: u32,
    /// Leaf limit, which bounds memory: a leaf holds two Gaussians per measurement.
    pub max_leaves: u32,
    /// Weight of failures.
    pub class_weight: ClassWeight,
    /// What a drift does.
    pub on_drift: TreeDrift,
}

impl Default for HoeffdingParams {
    fn default() -> Self {
        HoeffdingParams {
            grace_period: 200,
            delta: 1e-7,
            tie_threshold: 0.05,
            criterion: SplitCriterion::InfoGain,
            leaf: LeafPrediction::Adaptive,
            split_points: 10,
            min_branch_share: 0.01,
            max_depth: 20,
            max_leaves: 256,
            class_weight: ClassWeight::Balanced { max: 50.0 },
            on_drift: TreeDrift::Restart,
        }
    }
}

impl HoeffdingParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), OnlineError> {
        check_count("grace_period", u64::from(self.grace_period))?;
        check_probability("delta", self.delta)?;
        let (tie, share) = (self.tie_threshold, self.min_branch_share);
        check_range("tie_threshold", tie, 0.0, 1.0, false, "a number in [0, 1]")?;
        check_count("split_points", u64::from(self.split_points))?;
        check_range(
            "min_branch_share",
            share,
            0.0,
            0.5,
            false,
            "a share in [0, 0.5]",
        )?;
        check_count("max_leaves", u64::from(self.max_leaves))?;
        self.class_weight.check()
    }

    /// A tree of one leaf for parts of `n_features` measurements.
    pub fn build(&self, n_features: usize) -> Result<HoeffdingTree, OnlineError> {
        self.check()?;
        if n_features == 0 {
            return Err(OnlineError::NoFeatures);
        }
        Ok(HoeffdingTree {
            params: self.clone(),
            n_features,
            nodes: vec![Node::Leaf(0)],
            leaves: vec![Leaf::new(n_features, [0.0; 2], 0)],
            classes: ClassCounts::default(),
            means: vec![(0.0, 0.0); n_features],
        })
    }
}

/// A weighted Gaussian of one measurement in one class.
#[derive(Debug, Clone, Copy, Default)]
struct Gaussian {
    weight: f64,
    mean: f64,
    m2: f64,
}

impl Gaussian {
    #[inline]
    fn add(&mut self, x: f64, w: f64) {
        self.weight += w;
        let delta = x - self.mean;
        self.mean += delta * w / self.weight;
        self.m2 += w * delta * (x - self.mean);
    }

    fn sd(&self) -> f64 {
        if self.weight > 0.0 {
            (self.m2 / self.weight).max(0.0).sqrt()
        } else {
            0.0
        }
    }

    /// Weight below `x` (inclusive), from the distribution function.
    fn weight_below(&self, x: f64) -> f64 {
        let sd = self.sd();
        if sd <= 1e-12 {
            return if self.mean <= x { self.weight } else { 0.0 };
        }
        self.weight * normal_cdf((x - self.mean) / sd)
    }

    /// Log-density at `x`, with a floor on the deviation so that one-value leaves stay finite.
    fn log_density(&self, x: f64, sd_floor: f64) -> f64 {
        let sd = self.sd().max(sd_floor);
        let z = (x - self.mean) / sd;
        -0.5 * z * z - sd.ln() - 0.918_938_533_204_672_7
    }
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf; absolute
/// error below 1.5e-7, plenty to rank split candidates).
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// What a leaf has seen.
#[derive(Debug, Clone)]
struct Leaf {
    /// Class weights: [passes, failures], the first from the split that made the leaf.
    classes: [f64; 2],
    /// Per measurement: the Gaussians of passes and failures.
    gaussians: Vec<[Gaussian; 2]>,
    /// Per measurement: the smallest and largest value.
    range: Vec<[f32; 2]>,
    /// Parts learned at this leaf, and when a split was last considered.
    seen: u64,
    seen_at_last_look: u64,
    depth: u32,
    /// Weighted right answers of the majority and naive-Bayes predictions.
    majority_right: f64,
    bayes_right: f64,
}

impl Leaf {
    fn new(n_features: usize, classes: [f64; 2], depth: u32) -> Leaf {
        Leaf {
            classes,
            gaussians: vec![[Gaussian::default(); 2]; n_features],
            range: vec![[f32::INFINITY, f32::NEG_INFINITY]; n_features],
            seen: 0,
            seen_at_last_look: 0,
            depth,
            majority_right: 0.0,
            bayes_right: 0.0,
        }
    }

    /// Smoothed weighted share of failures.
    fn majority(&self) -> f64 {
        (self.classes[1] + 0.5) / (self.classes[0] + self.classes[1] + 1.0)
    }

    /// Naive Bayes: class prior times the Gaussians of the measurements present.
    fn bayes(&self, row: Row) -> f64 {
        let total = self.classes[0] + self.classes[1];
        if total <= 0.0 {
            return 0.5;
        }
        let mut log_odds = ((self.classes[1] + 0.5) / (self.classes[0] + 0.5)).ln();
        for (&j, &x) in row.features.iter().zip(row.values) {
            let [pass, fail] = &self.gaussians[j as usize];
            if pass.weight <= 0.0 || fail.weight <= 0.0 {
                continue;
            }
            // Floors scaled to the measurement's spread, so that a class seen once does not
            // dominate.
            let floor = 1e-3 * (1.0 + pass.sd());
            log_odds +=
                fail.log_density(f64::from(x), floor) - pass.log_density(f64::from(x), floor);
        }
        sigmoid(log_odds)
    }
}

/// A node: a leaf (index into the leaves) or a split.
#[derive(Debug, Clone)]
enum Node {
    Leaf(usize),
    Split {
        feature: u32,
        /// Present values at most this go left; `+inf` splits on presence alone.
        threshold: f32,
        missing_left: bool,
        left: usize,
        right: usize,
    },
}

/// A split a leaf could make.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    merit: f64,
    feature: u32,
    threshold: f32,
    missing_left: bool,
    /// Class weights of the left and right sides.
    left: [f64; 2],
    right: [f64; 2],
}

/// A Hoeffding tree: see the module documentation.
#[derive(Debug, Clone)]
pub struct HoeffdingTree {
    params: HoeffdingParams,
    n_features: usize,
    nodes: Vec<Node>,
    leaves: Vec<Leaf>,
    classes: ClassCounts,
    /// Count and mean of each measurement over all parts learned (for explanations).
    means: Vec<(f64, f64)>,
}

impl HoeffdingTree {
    /// Nodes (splits and leaves) in the tree.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The leaf a part reaches.
    fn leaf_of(&self, row: Row) -> usize {
        match self.nodes[self.reach(row)] {
            Node::Leaf(leaf) => leaf,
            Node::Split { .. } => unreachable!("reach ends at a leaf"),
        }
    }

    fn predict(&self, leaf: &Leaf, row: Row) -> f64 {
        match self.params.leaf {
            LeafPrediction::Majority => leaf.majority(),
            LeafPrediction::NaiveBayes => leaf.bayes(row),
            LeafPrediction::Adaptive => {
                if leaf.bayes_right > leaf.majority_right {
                    leaf.bayes(row)
                } else {
                    leaf.majority()
                }
            }
        }
    }

    /// Impurity of class weights under the criterion.
    fn impurity(&self, w: [f64; 2]) -> f64 {
        let total = w[0] + w[1];
        if total <= 0.0 {
            return 0.0;
        }
        let (p0, p1) = (w[0] / total, w[1] / total);
        match self.params.criterion {
            SplitCriterion::Gini => 1.0 - p0 * p0 - p1 * p1,
            SplitCriterion::InfoGain => {
                let h = |p: f64| if p > 0.0 { -p * p.log2() } else { 0.0 };
                h(p0) + h(p1)
            }
        }
    }

    /// Merit of sending `left` and `right` weights apart, or `None` if a side is too light.
    fn merit(&self, parent: [f64; 2], left: [f64; 2], right: [f64; 2]) -> Option<f64> {
        let total = parent[0] + parent[1];
        let (wl, wr) = (left[0] + left[1], right[0] + right[1]);
        let least = self.params.min_branch_share * total;
        if wl <= least || wr <= least || wl <= 0.0 || wr <= 0.0 {
            return None;
        }
        Some(self.impurity(parent) - (wl * self.impurity(left) + wr * self.impurity(right)) / total)
    }

    /// The best split of each measurement, best first.
    fn candidates(&self, leaf: &Leaf) -> Vec<Candidate> {
        let parent = leaf.classes;
        let mut best_per_feature = Vec::new();
        let points = self.params.split_points;
        for j in 0..self.n_features {
            let [pass, fail] = leaf.gaussians[j];
            if pass.weight + fail.weight <= 0.0 {
                continue;
            }
            let present = [pass.weight, fail.weight];
            let missing = [
                (parent[0] - present[0]).max(0.0),
                (parent[1] - present[1]).max(0.0),
            ];
            let [low, high] = leaf.range[j];
            let mut best: Option<Candidate> = None;
            let mut consider = |threshold: f32, below: [f64; 2]| {
                let above = [present[0] - below[0], present[1] - below[1]];
                for missing_left in [true, false] {
                    let (left, right) = if missing_left {
                        ([below[0] + missing[0], below[1] + missing[1]], above)
                    } else {
                        (below, [above[0] + missing[0], above[1] + missing[1]])
                    };
                    if let Some(merit) = self.merit(parent, left, right) {
                        if best.is_none_or(|b| merit > b.merit) {
                            best = Some(Candidate {
                                merit,
                                feature: j as u32,
                                threshold,
                                missing_left,
                                left,
                                right,
                            });
                        }
                    }
                }
            };
            // Present or empty.
            consider(f32::INFINITY, present);
            if high > low {
                for i in 1..=points {
                    let t = low + (high - low) * i as f32 / (points + 1) as f32;
                    let below = [
                        pass.weight_below(f64::from(t)),
                        fail.weight_below(f64::from(t)),
                    ];
                    consider(t, below);
                }
            }
            if let Some(b) = best {
                best_per_feature.push(b);
            }
        }
        best_per_feature.sort_by(|a, b| b.merit.total_cmp(&a.merit));
        best_per_feature
    }

    /// Splits leaf `leaf` (at node `node`) if the Hoeffding bound allows.
    fn look_for_split(&mut self, node: usize, leaf: usize) {
        let l = &self.leaves[leaf];
        if l.depth >= self.params.max_depth || self.leaves.len() >= self.params.max_leaves as usize
        {
            return;
        }
        // Pure leaves have nothing to split.
        if l.classes[0] <= 0.0 || l.classes[1] <= 0.0 {
            return;
        }
        let candidates = self.candidates(l);
        let Some(best) = candidates.first().copied() else {
            return;
        };
        let runner_up = candidates.get(1).map_or(0.0, |c| c.merit.max(0.0));
        let n = l.seen as f64;
        let epsilon = ((1.0 / self.params.delta).ln() / (2.0 * n)).sqrt();
        if best.merit <= 0.0
            || (best.merit - runner_up <= epsilon && epsilon >= self.params.tie_threshold)
        {
            return;
        }
        let depth = l.depth + 1;
        let left_leaf = leaf;
        self.leaves[left_leaf] = Leaf::new(self.n_features, best.left, depth);
        let right_leaf = self.leaves.len();
        self.leaves
            .push(Leaf::new(self.n_features, best.right, depth));
        let left = self.nodes.len();
        self.nodes.push(Node::Leaf(left_leaf));
        self.nodes.push(Node::Leaf(right_leaf));
        self.nodes[node] = Node::Split {
            feature: best.feature,
            threshold: best.threshold,
            missing_left: best.missing_left,
            left,
            right: left + 1,
        };
    }

    /// The (leaf) node a part reaches: a measurement left empty follows its split's empty
    /// side.
    fn reach(&self, row: Row) -> usize {
        let mut node = 0;
        while let Node::Split {
            feature,
            threshold,
            missing_left,
            left,
            right,
        } = self.nodes[node]
        {
            let value = row
                .features
                .iter()
                .position(|&f| f == feature)
                .map(|i| row.values[i]);
            let go_left = value.map_or(missing_left, |v| v <= threshold);
            node = if go_left { left } else { right };
        }
        node
    }
}

impl OnlineModel for HoeffdingTree {
    fn score(&mut self, row: Row) -> f64 {
        let leaf = self.leaf_of(row);
        let weight = self.classes.failure_weight(self.params.class_weight);
        unweighted(self.predict(&self.leaves[leaf], row), weight)
    }

    fn learn(&mut self, row: Row, failed: bool) {
        let weight = self.classes.weight(self.params.class_weight, failed);
        self.classes.add(failed);
        let node = self.reach(row);
        let Node::Leaf(leaf) = self.nodes[node] else {
            unreachable!("reach ends at a leaf")
        };
        let class = usize::from(failed);
        {
            let l = &self.leaves[leaf];
            if self.params.leaf == LeafPrediction::Adaptive {
                let majority_says = l.majority() >= 0.5;
                let bayes_says = l.bayes(row) >= 0.5;
                let (m, b) = (
                    f64::from(u8::from(majority_says == failed)),
                    f64::from(u8::from(bayes_says == failed)),
                );
                let l = &mut self.leaves[leaf];
                l.majority_right += weight * m;
                l.bayes_right += weight * b;
            }
        }
        let l = &mut self.leaves[leaf];
        l.classes[class] += weight;
        l.seen += 1;
        for (&j, &x) in row.features.iter().zip(row.values) {
            let j = j as usize;
            let (count, mean) = &mut self.means[j];
            *count += 1.0;
            *mean += (f64::from(x) - *mean) / *count;
            l.gaussians[j][class].add(f64::from(x), weight);
            let r = &mut l.range[j];
            r[0] = r[0].min(x);
            r[1] = r[1].max(x);
        }
        if l.seen - l.seen_at_last_look >= u64::from(self.params.grace_period) {
            l.seen_at_last_look = l.seen;
            self.look_for_split(node, leaf);
        }
    }

    /// Occlusion: the risk minus the risk with the reading replaced by the measurement's mean
    /// over all parts learned. With majority leaves only the measurements the splits read can
    /// push; naive-Bayes leaves read them all.
    fn explain(&mut self, row: Row, k: usize) -> Vec<Contribution> {
        let mut read = vec![self.params.leaf != LeafPrediction::Majority; self.n_features];
        for node in &self.nodes {
            if let Node::Split { feature, .. } = node {
                read[*feature as usize] = true;
            }
        }
        let means = std::mem::take(&mut self.means);
        let top = occlusion(
            |r| self.score(r),
            |j| match means[j as usize] {
                _ if !read[j as usize] => Baseline::Ignored,
                (count, mean) if count > 0.0 => Baseline::Typical(mean as f32),
                _ => Baseline::Empty,
            },
            row,
            k,
        );
        self.means = means;
        top
    }

    fn drift(&mut self, _time: f64) {
        if self.params.on_drift == TreeDrift::Restart {
            self.nodes = vec![Node::Leaf(0)];
            self.leaves = vec![Leaf::new(self.n_features, [0.0; 2], 0)];
        }
    }

    fn name(&self) -> &'static str {
        "hoeffding"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn normal_cdf_is_accurate() {
        for (z, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (-1.96, 0.024_997_895),
            (3.0, 0.998_650_102),
        ] {
            assert!((normal_cdf(z) - p).abs() < 2e-7, "{z}");
        }
    }

    /// Failures when measurement 3 exceeds 1.5 (about 7 %); 10 noise measurements; measurement
    /// 3 empty for a quarter of the parts, which never fail.
    fn part(rng: &mut ChaCha8Rng) -> (Vec<u32>, Vec<f32>, bool) {
        let mut f = Vec::new();
        let mut v = Vec::new();
        let mut fails = false;
        for j in 0..11u32 {
            let x: f32 = rng.sample(rand_distr::StandardNormal);
            if j == 3 {
                if rng.random::<f64>() < 0.25 {
                    continue;
                }
                fails = x > 1.5;
            }
            f.push(j);
            v.push(x);
        }
        (f, v, fails)
    }

    #[test]
    fn splits_on_the_planted_measurement_and_ranks_parts() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let params = HoeffdingParams {
            leaf: LeafPrediction::Majority,
            ..HoeffdingParams::default()
        };
        let mut tree = params.build(11).unwrap();
        for _ in 0..20_000 {
            let (f, v, y) = part(&mut rng);
            tree.learn(
                Row {
                    time: 0.0,
                    features: &f,
                    values: &v,
                },
                y,
            );
        }
        assert!(tree.n_nodes() >= 3);
        let Node::Split {
            feature, threshold, ..
        } = tree.nodes[0]
        else {
            panic!("no split")
        };
        assert_eq!(feature, 3);
        assert!((threshold - 1.5).abs() < 0.6, "{threshold}");
        let mut labels = Vec::new();
        let mut scores = Vec::new();
        for _ in 0..5_000 {
            let (f, v, y) = part(&mut rng);
            scores.push(tree.score(Row {
                time: 0.0,
                features: &f,
                values: &v,
            }));
            labels.push(y);
        }
        let auc = crate::metrics::auc(&labels, &scores);
        assert!(auc > 0.95, "{auc}");
        // A failing part is explained by measurement 3.
        let (f, v, _) = loop {
            let p = part(&mut rng);
            if p.2 {
                break p;
            }
        };
        let top = tree.explain(
            Row {
                time: 0.0,
                features: &f,
                values: &v,
            },
            3,
        );
        assert_eq!(top[0].feature, 3);
        tree.drift(0.0);
        assert_eq!(tree.n_nodes(), 1);
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = HoeffdingParams {
            grace_period: 0,
            ..HoeffdingParams::default()
        };
        assert!(matches!(
            bad.build(3),
            Err(OnlineError::InvalidParam {
                name: "grace_period",
                ..
            })
        ));
    }
}
