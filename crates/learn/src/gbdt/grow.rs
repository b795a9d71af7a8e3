//! The growth loop of one tree: take a node, split its rows, build the smaller child's histogram
//! and get the larger one's by subtraction, find each child's best split, repeat. Depth-wise
//! growth expands every node that can split down to `max_depth` (nodes are taken depth-first,
//! which builds the same tree as level by level while holding only a path's histograms);
//! leaf-wise growth takes the node of largest gain first until `max_leaves`.

use super::binning::BinnedColumns;
use super::bundle::{BundledRows, Bundles};
use super::histogram::{self, GradSum, Layout};
use super::partition::Partition;
use super::split::{best_split, SplitInfo, SplitParams, Sum};

/// Shape limits and regularisation of one tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeParams {
    pub(crate) split: SplitParams,
    /// 0 = no limit.
    pub(crate) max_depth: u32,
    /// 0 = no limit.
    pub(crate) max_leaves: u32,
    pub(crate) leaf_wise: bool,
}

/// A node of a grown tree, in bin space.
#[derive(Debug, Clone)]
pub(crate) enum BinNode {
    /// `leaf` indexes [`GrownTree::leaves`].
    Leaf { leaf: usize },
    Split {
        info: SplitInfo,
        left: u32,
        right: u32,
    },
}

/// The rows and totals of one leaf.
#[derive(Debug, Clone)]
pub(crate) struct LeafRows {
    pub(crate) begin: usize,
    pub(crate) end: usize,
    pub(crate) sum: Sum,
}

/// A grown tree: nodes (root first) and its leaves, whose rows are ranges of
/// [`Grower::rows`].
pub(crate) struct GrownTree {
    pub(crate) nodes: Vec<BinNode>,
    pub(crate) leaves: Vec<LeafRows>,
}

struct Candidate {
    node: u32,
    begin: usize,
    end: usize,
    depth: u32,
    sum: Sum,
    /// The node's histogram of bundle codes, kept for its children's subtraction.
    hist: Vec<GradSum>,
    split: SplitInfo,
}

/// Grows trees over one training set (bundled rows and bin columns), keeping its buffers from
/// tree to tree.
pub(crate) struct Grower {
    bundles: Bundles,
    /// Histograms are built over bundle codes in this layout...
    codes: Layout,
    /// ...and read by the split finder per feature in this one.
    layout: Layout,
    /// The per-feature histogram of the node being considered.
    unbundled: Vec<GradSum>,
    categorical: Vec<bool>,
    partition: Partition,
    pool: Vec<Vec<GradSum>>,
    /// The bundles the tree being grown may split on (holding an allowed feature), ascending.
    active: Vec<usize>,
}

impl Grower {
    /// A grower for features with these bin counts and kinds.
    pub(crate) fn new(n_bins: &[usize], categorical: Vec<bool>) -> Grower {
        let bundles = Bundles::new(n_bins);
        let layout = Layout::new(n_bins);
        Grower {
            codes: Layout::new(bundles.n_codes()),
            unbundled: vec![[0.0; 2]; layout.total()],
            layout,
            bundles,
            categorical,
            partition: Partition::new(),
            pool: Vec::new(),
            active: Vec::new(),
        }
    }

    /// How the features share codes: the training rows' [`BundledRows`] must follow it.
    pub(crate) fn bundles(&self) -> &Bundles {
        &self.bundles
    }

    /// The rows of a leaf range of the last grown tree.
    pub(crate) fn rows(&self, leaf: &LeafRows) -> &[u32] {
        self.partition.rows(leaf.begin, leaf.end)
    }

    /// The histogram of `rows` (all rows when `None`) over the active bundles, into a zeroed
    /// `hist`: all of them with the (threaded) full build, else only theirs.
    fn build(
        &self,
        hist: &mut [GradSum],
        bins: &BundledRows,
        gh: &[[f32; 2]],
        rows: Option<&[u32]>,
    ) {
        if self.active.len() == self.bundles.len() {
            histogram::build(hist, &self.codes, bins, gh, rows);
        } else {
            histogram::build_active(hist, &self.codes, bins, gh, rows, &self.active);
        }
    }

    fn take_hist(&mut self) -> Vec<GradSum> {
        let mut h = self.pool.pop().unwrap_or_default();
        h.clear();
        h.resize(self.codes.total(), [0.0; 2]);
        h
    }

    /// Grows one tree on `sample` rows (all rows when `None`) using the features flagged in
    /// `allowed`.
    pub(crate) fn grow(
        &mut self,
        bins: &BundledRows,
        columns: &BinnedColumns,
        gh: &[[f32; 2]],
        sample: Option<&[u32]>,
        allowed: &[bool],
        p: &TreeParams,
    ) -> GrownTree {
        match sample {
            Some(rows) => self.partition.reset(rows.iter().copied()),
            None => self.partition.reset(0..bins.n_rows() as u32),
        }
        let n = self.partition.len();
        self.active = self.bundles.active(allowed);
        let root_sum = match sample {
            Some(rows) => rows
                .iter()
                .fold(Sum::default(), |s, &r| add(s, gh[r as usize])),
            None => gh.iter().fold(Sum::default(), |s, &pair| add(s, pair)),
        };
        let mut tree = GrownTree {
            nodes: vec![BinNode::Leaf { leaf: 0 }],
            leaves: Vec::new(),
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        if can_split(p, 0, root_sum, n) {
            let mut hist = self.take_hist();
            self.build(&mut hist, bins, gh, sample);
            self.consider(
                &mut tree,
                &mut candidates,
                (0, 0, n, 0),
                root_sum,
                hist,
                allowed,
                p,
            );
        } else {
            make_leaf(&mut tree, 0, 0, n, root_sum);
        }
        while let Some(c) = pick(&mut candidates, p.leaf_wise) {
            let leaves_now = tree.leaves.len() + candidates.len() + 1;
            if p.max_leaves > 0 && leaves_now >= p.max_leaves as usize {
                make_leaf(&mut tree, c.node, c.begin, c.end, c.sum);
                self.pool.push(c.hist);
                continue;
            }
            let f = c.split.feature;
            let set = c.split.left_bins();
            let mid = self
                .partition
                .split(c.begin, c.end, columns.column(f), &set);
            let left = tree.nodes.len() as u32;
            let right = left + 1;
            tree.nodes.push(BinNode::Leaf { leaf: 0 });
            tree.nodes.push(BinNode::Leaf { leaf: 0 });
            let (ls, rs) = (c.split.left, c.split.right);
            let depth = c.depth + 1;
            let left_can = can_split(p, depth, ls, mid - c.begin);
            let right_can = can_split(p, depth, rs, c.end - mid);
            let (begin, end) = (c.begin, c.end);
            let mut parent_hist = c.hist;
            tree.nodes[c.node as usize] = BinNode::Split {
                info: c.split,
                left,
                right,
            };
            if left_can || right_can {
                let left_smaller = mid - begin <= end - mid;
                let (sb, se) = if left_smaller {
                    (begin, mid)
                } else {
                    (mid, end)
                };
                let mut small = self.take_hist();
                self.build(&mut small, bins, gh, Some(self.partition.rows(sb, se)));
                histogram::subtract(&mut parent_hist, &small);
                let (lh, rh) = if left_smaller {
                    (small, parent_hist)
                } else {
                    (parent_hist, small)
                };
                for (node, b, e, sum, can, hist) in [
                    (left, begin, mid, ls, left_can, lh),
                    (right, mid, end, rs, right_can, rh),
                ] {
                    if can {
                        self.consider(
                            &mut tree,
                            &mut candidates,
                            (node, b, e, depth),
                            sum,
                            hist,
                            allowed,
                            p,
                        );
                    } else {
                        make_leaf(&mut tree, node, b, e, sum);
                        self.pool.push(hist);
                    }
                }
            } else {
                self.pool.push(parent_hist);
                make_leaf(&mut tree, left, begin, mid, ls);
                make_leaf(&mut tree, right, mid, end, rs);
            }
        }
        tree
    }

    /// Finds the node's best split and queues it, or makes the node a leaf.
    #[allow(clippy::too_many_arguments)]
    fn consider(
        &mut self,
        tree: &mut GrownTree,
        candidates: &mut Vec<Candidate>,
        (node, begin, end, depth): (u32, usize, usize, u32),
        sum: Sum,
        hist: Vec<GradSum>,
        allowed: &[bool],
        p: &TreeParams,
    ) {
        self.bundles.unbundle(
            &hist,
            &self.codes,
            &mut self.unbundled,
            &self.layout,
            &self.active,
        );
        match best_split(
            &self.unbundled,
            &self.layout,
            &self.categorical,
            allowed,
            sum,
            &p.split,
        ) {
            Some(split) => candidates.push(Candidate {
                node,
                begin,
                end,
                depth,
                sum,
                hist,
                split,
            }),
            None => {
                make_leaf(tree, node, begin, end, sum);
                self.pool.push(hist);
            }
        }
    }
}

fn add(s: Sum, [g, h]: [f32; 2]) -> Sum {
    Sum {
        g: s.g + g as f64,
        h: s.h + h as f64,
    }
}

fn can_split(p: &TreeParams, depth: u32, sum: Sum, rows: usize) -> bool {
    (p.max_depth == 0 || depth < p.max_depth)
        && rows >= 2
        && sum.h >= 2.0 * p.split.min_child_weight
}

fn make_leaf(tree: &mut GrownTree, node: u32, begin: usize, end: usize, sum: Sum) {
    tree.nodes[node as usize] = BinNode::Leaf {
        leaf: tree.leaves.len(),
    };
    tree.leaves.push(LeafRows { begin, end, sum });
}

/// The next node to split: the last queued (depth-first) or the largest gain (leaf-wise; the
/// lowest node id on ties, so the choice never depends on queue order).
fn pick(candidates: &mut Vec<Candidate>, leaf_wise: bool) -> Option<Candidate> {
    if !leaf_wise {
        return candidates.pop();
    }
    let i = (0..candidates.len()).max_by(|&a, &b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        ca.split
            .gain
            .total_cmp(&cb.split.gain)
            .then(cb.node.cmp(&ca.node))
    })?;
    Some(candidates.swap_remove(i))
}
