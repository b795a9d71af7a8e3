//! The growth of one tree: gather the tree's drawn rows into a compact row-major copy, then
//! split nodes depth first. A node draws its candidate features, builds their class-count
//! histograms in one pass over its rows, keeps the best split, and reorders its rows in place
//! (the boosting learner's [`Partition`]). Features are drawn afresh at every node, so no
//! histogram is shared between a parent and its children (boosting's subtraction trick does not
//! apply). Instead the copy is compact (a balanced tree over 10,000 drawn rows of 30 features
//! reads 300 kB) and row-major, so the one pass reads one cache line per row for all the drawn
//! features, where a column per feature would cost a miss per row and feature.

use super::sample::TreeSample;
use super::split::{
    cost, scan_feature, Candidate, ClassCount, Occupied, Scan, SplitLimits, SplitRule,
};
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

/// Features known to be constant on a node's rows (and so on its children's): the first 256
/// features are tracked, as scikit-learn tracks them, so that deep nodes skip the many flags
/// that no longer vary instead of counting them again.
type Constant = [u64; 4];

/// A node waiting to be split: its rows are `begin..end` of the partition.
struct Pending {
    node: usize,
    begin: usize,
    end: usize,
    depth: u32,
    total: ClassCount,
    constant: Constant,
}

/// Nodes with at most this many rows sort their rows' bins instead of filling a histogram.
const SMALL_NODE: usize = 128;

/// Grows trees, keeping its buffers from one tree to the next.
pub(crate) struct Grower {
    n_bins: Vec<usize>,
    categorical: Vec<bool>,
    /// The drawn rows' bins, row after row: feature `f` of local row `i` is
    /// `rows[i * n_features + f]`.
    rows: Vec<u8>,
    /// Per local row: [drawn positives, draws].
    counts: Vec<ClassCount>,
    partition: Partition,
    /// Dense histograms of the features of a batch, 256 cells each, all zero between uses.
    hist: Vec<ClassCount>,
    /// The features of the batch being scanned.
    batch: Vec<usize>,
    /// The occupied bins of the feature being scanned.
    occupied: Vec<Occupied>,
    order: Vec<(f64, u8, ClassCount)>,
    features: Vec<usize>,
    stack: Vec<Pending>,
}

impl Grower {
    /// A grower for features with these bin counts and kinds.
    pub(crate) fn new(n_bins: Vec<usize>, categorical: Vec<bool>) -> Grower {
        Grower {
            n_bins,
            categorical,
            rows: Vec::new(),
            counts: Vec::new(),
            partition: Partition::new(),
            hist: Vec::new(),
            batch: Vec::new(),
            occupied: Vec::new(),
            order: Vec::new(),
            features: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Copies the drawn rows' bins and class counts.
    fn gather(&mut self, matrix: &BinnedMatrix, labels: &[bool], sample: &TreeSample) {
        self.rows.clear();
        self.counts.clear();
        for (&r, &c) in sample.rows.iter().zip(&sample.counts) {
            self.rows.extend_from_slice(matrix.row(r as usize));
            self.counts
                .push([if labels[r as usize] { c } else { 0 }, c]);
        }
    }

    /// The occupied bins of every feature of `self.batch` over local rows `begin..end` of the
    /// partition, into `self.occupied` (batch member `j`'s bins at `spans[j]`). A small node
    /// sorts its rows' bins; a larger one fills the dense histograms in one pass over its rows
    /// and reads them back.
    fn occupied_bins(&mut self, begin: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
        let p = self.n_bins.len();
        let rows = self.partition.rows(begin, end);
        let out = &mut self.occupied;
        out.clear();
        spans.clear();
        if rows.len() <= SMALL_NODE {
            for &f in &self.batch {
                let start = out.len();
                out.extend(rows.iter().map(|&i| {
                    let i = i as usize;
                    (self.rows[i * p + f], self.counts[i])
                }));
                let group = &mut out[start..];
                group.sort_unstable_by_key(|o| o.0);
                let mut kept = 0;
                for k in 0..group.len() {
                    if kept > 0 && group[kept - 1].0 == group[k].0 {
                        let c = group[k].1;
                        group[kept - 1].1[0] += c[0];
                        group[kept - 1].1[1] += c[1];
                    } else {
                        group[kept] = group[k];
                        kept += 1;
                    }
                }
                out.truncate(start + kept);
                spans.push((start, out.len()));
            }
            return;
        }
        let cells = self.batch.len() * 256;
        if self.hist.len() < cells {
            self.hist.resize(cells, [0, 0]);
        }
        let hist = &mut self.hist[..cells];
        for &i in rows {
            let i = i as usize;
            let bins = &self.rows[i * p..(i + 1) * p];
            let c = self.counts[i];
            for (j, &f) in self.batch.iter().enumerate() {
                let cell = &mut hist[j * 256 + bins[f] as usize];
                cell[0] += c[0];
                cell[1] += c[1];
            }
        }
        for (j, &f) in self.batch.iter().enumerate() {
            let start = out.len();
            for (b, cell) in hist[j * 256..j * 256 + self.n_bins[f]]
                .iter_mut()
                .enumerate()
            {
                if cell[1] > 0 {
                    out.push((b as u8, *cell));
                    *cell = [0, 0];
                }
            }
            spans.push((start, out.len()));
        }
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
            constant: [0; 4],
        });
        while let Some(p) = self.stack.pop() {
            // The node is already a leaf holding its rows: it stays one unless it splits.
            let mut constant = p.constant;
            let Some(best) = self.best_split(&p, &mut constant, settings, rng) else {
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
            let (rows, width) = (&self.rows, self.n_bins.len());
            let set = best.rule.left_bins();
            let mid = self.partition.split_with(
                p.begin,
                p.end,
                |i| contains(&set, rows[i as usize * width + f]),
                |_| {},
            );
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
                constant,
            });
            self.stack.push(Pending {
                node: left,
                begin: p.begin,
                end: mid,
                depth,
                total: best.left,
                constant,
            });
        }
        ForestTree::new(nodes)
    }

    /// The best split of a pending node over its drawn features, or `None` if it stays a leaf.
    /// Features found constant on its rows are added to `constant`.
    fn best_split(
        &mut self,
        p: &Pending,
        constant: &mut Constant,
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
        let known = |c: &Constant, f: usize| f < 256 && c[f >> 6] >> (f & 63) & 1 == 1;
        let mut spans = Vec::new();
        // A partial Fisher-Yates shuffle draws features without replacement until enough
        // non-constant ones have been tried; those known constant are passed over uncounted,
        // as if drawn only from the others. The features still needed are drawn as a batch and
        // histogrammed in one pass: the same draws, in the same order, as one at a time.
        while drawn < n_features && tried < settings.max_features {
            self.batch.clear();
            while drawn < n_features && self.batch.len() < settings.max_features - tried {
                let j = rng.random_range(drawn..n_features);
                self.features.swap(drawn, j);
                let f = self.features[drawn];
                drawn += 1;
                if !known(constant, f) {
                    self.batch.push(f);
                }
            }
            self.occupied_bins(p.begin, p.end, &mut spans);
            for (&f, &(start, stop)) in self.batch.iter().zip(&spans) {
                let scan = scan_feature(
                    f,
                    &self.occupied[start..stop],
                    self.n_bins[f],
                    self.categorical[f],
                    p.total,
                    settings.limits,
                    &mut self.order,
                );
                match scan {
                    Scan::Constant => {
                        if f < 256 {
                            constant[f >> 6] |= 1 << (f & 63);
                        }
                    }
                    Scan::NoSplit => tried += 1,
                    Scan::Split(c) => {
                        tried += 1;
                        if best.as_ref().is_none_or(|b| c.cost < b.cost) {
                            best = Some(c);
                        }
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
