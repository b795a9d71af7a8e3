//! A fitted tree in bin space: its nodes as plain data (what is saved, and what rules and
//! importances read) and, rebuilt from them, a packed form the prediction loop walks.

use crate::gbdt::binning::MISSING_BIN;
use crate::gbdt::split::{contains, insert, BinSet};
use serde::{Deserialize, Serialize};

/// How a node sends a row, by the bin of one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NodeRule {
    /// A leaf: its `value` is the forest's vote.
    Leaf,
    /// Value bins `1..=bin` go left (the raw threshold is the feature's cut `bin - 1`); missing
    /// values go left when `missing_left`.
    Threshold {
        /// Feature index.
        feature: u32,
        /// The last value bin going left.
        bin: u8,
        /// Where missing values go.
        missing_left: bool,
    },
    /// The listed bins go left (the missing bin, 0, among them or not), the others right.
    Categories {
        /// Feature index.
        feature: u32,
        /// Bins going left, increasing.
        left_bins: Vec<u8>,
    },
}

/// A node of a tree. A split's children are `left` and `left + 1`, both after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    /// Leaf or split.
    pub rule: NodeRule,
    /// Index of the left child (0 for a leaf: the root is nobody's child).
    pub left: u32,
    /// Share of positives among the tree's drawn rows reaching the node: a leaf's vote.
    pub value: f32,
    /// Drawn rows reaching the node (a row drawn twice counts twice).
    pub samples: u32,
    /// Impurity decrease of the split, weighted by the node's share of the tree's drawn rows
    /// (scikit-learn's definition); 0 for a leaf. Summed by feature, the impurity importance.
    pub decrease: f32,
}

impl TreeNode {
    /// The split's feature, `None` for a leaf.
    pub fn feature(&self) -> Option<usize> {
        match &self.rule {
            NodeRule::Leaf => None,
            NodeRule::Threshold { feature, .. } | NodeRule::Categories { feature, .. } => {
                Some(*feature as usize)
            }
        }
    }

    /// The bins going left, `None` for a leaf.
    pub(crate) fn left_set(&self) -> Option<BinSet> {
        let mut set = [0u64; 4];
        match &self.rule {
            NodeRule::Leaf => return None,
            NodeRule::Threshold {
                bin, missing_left, ..
            } => {
                for b in 1..=*bin {
                    insert(&mut set, b);
                }
                if *missing_left {
                    insert(&mut set, MISSING_BIN);
                }
            }
            NodeRule::Categories { left_bins, .. } => {
                for &b in left_bins {
                    insert(&mut set, b);
                }
            }
        }
        Some(set)
    }
}

/// A node as the prediction loop reads it, 16 bytes: four to a cache line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packed {
    /// Feature of a split (0 for a leaf).
    feature: u32,
    /// Left child of a split (the right one follows it); a leaf's own index.
    left: u32,
    /// Categorical split: index of its bin set in `sets`; 0 (`NUMERIC`) for a threshold.
    set: u32,
    /// Threshold split: bins `1..=threshold` go left (a leaf: 255, every value bin).
    threshold: u8,
    /// Threshold split: whether the missing bin goes left (a leaf: true).
    missing_left: bool,
    is_leaf: bool,
}

/// The `set` of threshold nodes; `sets[0]` is a placeholder so that it can be read regardless.
const NUMERIC: u32 = 0;

/// A tree as saved: its nodes.
#[derive(Deserialize)]
struct SavedTree {
    nodes: Vec<TreeNode>,
}

impl From<SavedTree> for ForestTree {
    fn from(saved: SavedTree) -> ForestTree {
        ForestTree::new(saved.nodes)
    }
}

impl Packed {
    /// Whether a row whose bin of this node's feature is `b` goes left (to `left`).
    #[inline(always)]
    fn goes_left(&self, b: u8, sets: &[BinSet]) -> bool {
        // Bin 0 (missing) wraps around and fails the range test.
        let numeric =
            ((b as u32).wrapping_sub(1) < self.threshold as u32) | (b == 0 && self.missing_left);
        let categorical = contains(&sets[self.set as usize], b);
        if self.set == NUMERIC {
            numeric
        } else {
            categorical
        }
    }
}

/// One tree of the forest. Deserialising it packs it for prediction (its structure is checked
/// when the forest holding it is read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "SavedTree")]
pub struct ForestTree {
    /// The nodes, root first.
    pub nodes: Vec<TreeNode>,
    /// Rebuilt on load: the packed nodes.
    #[serde(skip)]
    packed: Vec<Packed>,
    /// Rebuilt on load: the left-going bins of the categorical splits (after a placeholder).
    #[serde(skip)]
    sets: Vec<BinSet>,
    /// Rebuilt on load: each node's value.
    #[serde(skip)]
    values: Vec<f32>,
}

impl ForestTree {
    /// A tree of these nodes, packed for prediction.
    pub(crate) fn new(nodes: Vec<TreeNode>) -> ForestTree {
        let mut tree = ForestTree {
            nodes,
            packed: Vec::new(),
            sets: Vec::new(),
            values: Vec::new(),
        };
        tree.pack();
        tree
    }

    /// Rebuilds the packed form from `nodes` (after construction or load).
    pub(crate) fn pack(&mut self) {
        self.sets.clear();
        self.sets.push([0; 4]);
        self.values = self.nodes.iter().map(|n| n.value).collect();
        let sets = &mut self.sets;
        self.packed = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut packed = Packed {
                    feature: 0,
                    left: i as u32,
                    set: NUMERIC,
                    threshold: 255,
                    missing_left: true,
                    is_leaf: true,
                };
                match &n.rule {
                    NodeRule::Leaf => {}
                    NodeRule::Threshold {
                        feature,
                        bin,
                        missing_left,
                    } => {
                        packed = Packed {
                            feature: *feature,
                            left: n.left,
                            set: NUMERIC,
                            threshold: *bin,
                            missing_left: *missing_left,
                            is_leaf: false,
                        };
                    }
                    NodeRule::Categories { feature, .. } => {
                        packed = Packed {
                            feature: *feature,
                            left: n.left,
                            set: sets.len() as u32,
                            threshold: 0,
                            missing_left: false,
                            is_leaf: false,
                        };
                        sets.push(n.left_set().unwrap_or_default());
                    }
                }
                packed
            })
            .collect();
    }

    /// The leaf a row reaches, the bin of its feature `f` being `bin(f)`.
    #[inline]
    pub(crate) fn leaf_by_bin(&self, bin: impl Fn(usize) -> u8) -> usize {
        let mut i = 0;
        loop {
            let n = self.packed[i];
            if n.is_leaf {
                return i;
            }
            let left = n.goes_left(bin(n.feature as usize), &self.sets);
            i = n.left as usize + !left as usize;
        }
    }

    /// Walks `rows` through the tree eight at a time and calls `emit(row, leaf)` for each. The
    /// eight walks are independent, so the processor overlaps their loads where one walk would
    /// wait on each node in turn; a walk that reaches its leaf hands its lane to the next row
    /// at once, so deep paths do not hold the others up. Leaves are emitted in the order they
    /// are reached, not in row order.
    #[inline]
    pub(crate) fn for_each_leaf<'r>(
        &self,
        mut rows: impl Iterator<Item = (usize, &'r [u8])>,
        mut emit: impl FnMut(usize, usize),
    ) {
        const LANES: usize = 8;
        let mut lanes: [(usize, &[u8], usize); LANES] = [(usize::MAX, &[], 0); LANES];
        let mut active = 0;
        for lane in lanes.iter_mut() {
            match rows.next() {
                Some((r, bins)) => {
                    *lane = (r, bins, 0);
                    active += 1;
                }
                None => break,
            }
        }
        while active > 0 {
            for lane in lanes.iter_mut() {
                let (r, bins, node) = *lane;
                if r == usize::MAX {
                    continue;
                }
                let n = self.packed[node];
                if n.is_leaf {
                    emit(r, node);
                    *lane = match rows.next() {
                        Some((r, bins)) => (r, bins, 0),
                        None => {
                            active -= 1;
                            (usize::MAX, &[], 0)
                        }
                    };
                    continue;
                }
                let left = n.goes_left(bins[n.feature as usize], &self.sets);
                lane.2 = n.left as usize + !left as usize;
            }
        }
    }

    /// The vote of the leaf a row of bins reaches.
    #[inline]
    pub(crate) fn vote(&self, row: &[u8]) -> f32 {
        self.values[self.leaf_by_bin(|f| row[f])]
    }

    /// The vote of node `leaf`.
    #[inline]
    pub(crate) fn leaf_vote(&self, leaf: usize) -> f32 {
        self.values[leaf]
    }

    /// Whether any split of the tree reads feature `f`.
    pub(crate) fn uses(&self, f: usize) -> bool {
        self.packed
            .iter()
            .any(|n| !n.is_leaf && n.feature == f as u32)
    }

    /// The depth of every node (the root is 0).
    pub fn depths(&self) -> Vec<u32> {
        let mut depth = vec![0; self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            if n.feature().is_some() {
                let l = n.left as usize;
                depth[l] = depth[i] + 1;
                depth[l + 1] = depth[i] + 1;
            }
        }
        depth
    }

    /// Checks the structure of a loaded tree against the features' bin counts.
    pub(crate) fn check(&self, n_bins: &[usize]) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return Err("a tree has no nodes".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let Some(f) = node.feature() else { continue };
            let l = node.left as usize;
            if l <= i || l + 1 >= n {
                return Err(format!("node {i}: children out of order"));
            }
            let Some(&bins) = n_bins.get(f) else {
                return Err(format!("node {i}: feature {f} out of range"));
            };
            match &node.rule {
                NodeRule::Threshold { bin, .. } if *bin as usize >= bins || *bin == 0 => {
                    return Err(format!(
                        "node {i}: threshold bin {bin} off its feature's bins"
                    ))
                }
                NodeRule::Categories { left_bins, .. }
                    if !left_bins.windows(2).all(|w| w[0] < w[1]) =>
                {
                    return Err(format!("node {i}: category bins out of order"))
                }
                _ => {}
            }
        }
        Ok(())
    }
}
