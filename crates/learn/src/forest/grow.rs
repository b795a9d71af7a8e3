//! The growth of one tree: gather the tree's drawn rows into a compact column-major copy, then
//! split nodes depth first. A node draws its candidate features, builds each one's class-count
//! histogram over its rows, keeps the best split, and reorders its rows in place (the boosting
//! learner's [`Partition`]). Features are drawn afresh at every node, so no histogram is shared
//! between a parent and its children (boosting's subtraction trick does not apply); the compact
//! copy keeps those passes in cache instead: a balanced tree over 10,000 drawn rows of 30 features
//! reads 300 kB.

use super::sample::TreeSample;
use super::split::{cost, scan_feature, Candidate, ClassCount, Scan, SplitLimits, SplitRule};
use super::tree::{ForestTree, NodeRule, TreeNode};
use crate::gbdt::binning::BinnedMatrix;
use crate::gbdt::partition::Partition;
use crate::gbdt::split::contains;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The limits of one tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeSettings {
    pub(crate) limits: SplitLimits,
    pub(crate) max_depth: Option<u32>,
    pub(crate) min_samples_split: u32,
    pub(crate) min_impurity_decrease: f64,
    /// Non-constant features a node tries (at most, if fewer are left).
    pub(crate) max_features: usize,
}

/// A node waiting to be split: its rows are `begin..end` of the partition.
struct Pending {
    node: usize,
    begin: usize,
    end: usize,
    depth: u32,
    total: ClassCount,
}

/// Grows trees, keeping its buffers from one tree to the next.
pub(crate) struct Grower {
    n_bins: Vec<usize>,
    categorical: Vec<bool>,
    /// The drawn rows' bins, feature after feature: feature `f` of local row `i` is
    /// `columns[f * n_local + i]`.
    columns: Vec<u8>,
    /// Per local row: [drawn positives, draws].
    counts: Vec<ClassCount>,
    partition: Partition,
    hist: Vec<ClassCount>,
    order: Vec<(f64, u8)>,
    features: Vec<usize>,
    stack: Vec<Pending>,
}

impl Grower {
    /// A grower for features with these bin counts and kinds.
    pub(crate) fn new(n_bins: Vec<usize>, categorical: Vec<bool>) -> Grower {
        Grower {
            n_bins,
            categorical,
            columns: Vec::new(),
            counts: Vec::new(),
            partition: Partition::new(),
            hist: vec![[0, 0]; 256],
            order: Vec::new(),
            features: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Copies the drawn rows' bins and class counts.
    fn gather(&mut self, matrix: &BinnedMatrix, labels: &[bool], sample: &TreeSample) {
        let n = sample.rows.len();
        let p = self.n_bins.len();
        self.columns.clear();
        self.columns.resize(n * p, 0);
        self.counts.clear();
        for (i, (&r, &c)) in sample.rows.iter().zip(&sample.counts).enumerate() {
            let row = matrix.row(r as usize);
            for (f, &b) in row.iter().enumerate() {
                self.columns[f * n + i] = b;
            }
            self.counts
                .push([if labels[r as usize] { c } else { 0 }, c]);
        }
    }

    /// Feature `f`'s class counts per bin over local rows `begin..end` of the partition.
    fn histogram(&mut self, f: usize, begin: usize, end: usize) -> &[ClassCount] {
        let n = self.counts.len();
        let column = &self.columns[f * n..(f + 1) * n];
        let hist = &mut self.hist[..self.n_bins[f]];
        hist.fill([0, 0]);
        for &i in self.partition.rows(begin, end) {
            let c = self.counts[i as usize];
            let cell = &mut hist[column[i as usize] as usize];
            cell[0] += c[0];
            cell[1] += c[1];
        }
        hist
    }

    /// Grows one tree on `sample`, drawing its features with `rng`.
    pub(crate) fn grow(
        &mut self,
        matrix: &BinnedMatrix,
        labels: &[bool],
        sample: &TreeSample,
        settings: &TreeSettings,
        rng: &mut ChaCha8Rng,
    ) -> ForestTree {
        self.gather(matrix, labels, sample);
        let n = self.counts.len();
        self.partition.reset(0..n as u32);
        let root = self
            .counts
            .iter()
            .fold([0, 0], |a, c| [a[0] + c[0], a[1] + c[1]]);
        let tree_samples = root[1] as f64;
        let mut nodes = vec![leaf(root)];
        self.stack.clear();
        self.stack.push(Pending {
            node: 0,
            begin: 0,
            end: n,
            depth: 0,
            total: root,
        });
        while let Some(p) = self.stack.pop() {
            // The node is already a leaf holding its rows: it stays one unless it splits.
            let Some(best) = self.best_split(&p, settings, rng) else {
                continue;
            };
            let parent_cost = cost(settings.limits.criterion, p.total);
            let decrease = (parent_cost - best.cost) / tree_samples;
            // Rounding can leave a useless split a hair below zero; scikit-learn makes such
            // splits (they can open the way to an interaction), so only a real shortfall stops.
            if decrease + 1e-12 < settings.min_impurity_decrease {
                continue;
            }
            let f = best.feature;
            let column = &self.columns[f * n..(f + 1) * n];
            let mid = self
                .partition
                .split(p.begin, p.end, column, &best.rule.left_bins());
            let left = nodes.len();
            nodes.push(leaf(best.left));
            nodes.push(leaf(best.right));
            let rule = match best.rule {
                SplitRule::Threshold { bin, missing_left } => NodeRule::Threshold {
                    feature: f as u32,
                    bin,
                    missing_left,
                },
                SplitRule::Categories { left } => NodeRule::Categories {
                    feature: f as u32,
                    left_bins: (0..self.n_bins[f])
                        .map(|b| b as u8)
                        .filter(|&b| contains(&left, b))
                        .collect(),
                },
            };
            nodes[p.node] = TreeNode {
                rule,
                left: left as u32,
                decrease: decrease.max(0.0) as f32,
                ..leaf(p.total)
            };
            let depth = p.depth + 1;
            self.stack.push(Pending {
                node: left + 1,
                begin: mid,
                end: p.end,
                depth,
                total: best.right,
            });
            self.stack.push(Pending {
                node: left,
                begin: p.begin,
                end: mid,
                depth,
                total: best.left,
            });
        }
        ForestTree::new(nodes)
    }

    /// The best split of a pending node over its drawn features, or `None` if it stays a leaf.
    fn best_split(
        &mut self,
        p: &Pending,
        settings: &TreeSettings,
        rng: &mut ChaCha8Rng,
    ) -> Option<Candidate> {
        let [pos, all] = p.total;
        let too_deep = settings.max_depth.is_some_and(|d| p.depth >= d);
        if too_deep || all < settings.min_samples_split || pos == 0 || pos == all {
            return None;
        }
        let n_features = self.n_bins.len();
        self.features.clear();
        self.features.extend(0..n_features);
        let mut best: Option<Candidate> = None;
        let mut tried = 0;
        let mut drawn = 0;
        // A partial Fisher-Yates shuffle draws features without replacement until enough
        // non-constant ones have been tried.
        while drawn < n_features && tried < settings.max_features {
            let j = rng.random_range(drawn..n_features);
            self.features.swap(drawn, j);
            let f = self.features[drawn];
            drawn += 1;
            let categorical = self.categorical[f];
            let mut order = std::mem::take(&mut self.order);
            let scan = scan_feature(
                f,
                self.histogram(f, p.begin, p.end),
                categorical,
                p.total,
                settings.limits,
                &mut order,
            );
            self.order = order;
            match scan {
                Scan::Constant => {}
                Scan::NoSplit => tried += 1,
                Scan::Split(c) => {
                    tried += 1;
                    if best.as_ref().is_none_or(|b| c.cost < b.cost) {
                        best = Some(c);
                    }
                }
            }
        }
        best
    }
}

/// A leaf holding `total`.
fn leaf(total: ClassCount) -> TreeNode {
    TreeNode {
        rule: NodeRule::Leaf,
        left: 0,
        value: if total[1] == 0 {
            0.0
        } else {
            (total[0] as f64 / total[1] as f64) as f32
        },
        samples: total[1],
        decrease: 0.0,
    }
}
