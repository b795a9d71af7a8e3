//! Agglomerative hierarchical clustering on a condensed distance matrix, with kodama (a port of
//! Müllner's fastcluster: nearest-neighbour chain for Ward, average and complete linkage, minimum
//! spanning tree for single linkage; O(n²) memory), reported as R's `hclust` reports it.
//!
//! Conventions checked against R (fixtures under `tests/fixtures/cluster/`):
//! - Ward is R's `ward.D2`: it takes unsquared distances, runs Lance-Williams on their squares
//!   and reports heights on the distance scale. kodama's `Method::Ward` does exactly that
//!   (squares the matrix, takes the square root of each merge height), so no conversion is needed.
//! - Merges come in non-decreasing height order, and each merge names its two sides as R's
//!   `merge` matrix does: an entity before a cluster, two entities or two clusters lower first.

use super::condensed::DistanceMatrix;
use super::ClusterError;
use serde::{Deserialize, Serialize};

/// How the distance between two clusters is computed from their members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Linkage {
    /// Ward's minimum variance, as R's `hclust(method = "ward.D2")` (R's name is accepted).
    #[serde(alias = "ward.D2")]
    Ward,
    /// Mean distance over all cross pairs (UPGMA), R's `"average"`.
    Average,
    /// Largest cross-pair distance, R's `"complete"`.
    Complete,
    /// Smallest cross-pair distance, R's `"single"`.
    Single,
}

impl Linkage {
    /// The name R's `hclust` gives this method.
    pub fn r_name(self) -> &'static str {
        match self {
            Linkage::Ward => "ward.D2",
            Linkage::Average => "average",
            Linkage::Complete => "complete",
            Linkage::Single => "single",
        }
    }

    fn kodama(self) -> kodama::Method {
        match self {
            Linkage::Ward => kodama::Method::Ward,
            Linkage::Average => kodama::Method::Average,
            Linkage::Complete => kodama::Method::Complete,
            Linkage::Single => kodama::Method::Single,
        }
    }
}

/// Settings of a hierarchical clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct HclustParams {
    /// The linkage; default Ward (ward.D2).
    pub linkage: Linkage,
}

impl Default for HclustParams {
    fn default() -> Self {
        HclustParams {
            linkage: Linkage::Ward,
        }
    }
}

impl HclustParams {
    /// Validates the parameters (every linkage is valid; kept for the common shape).
    pub fn check(&self) -> Result<(), ClusterError> {
        Ok(())
    }

    /// Clusters a copy of `distances` (the matrix is kept for later use, at twice the memory).
    pub fn fit(&self, distances: &DistanceMatrix) -> Result<Dendrogram, ClusterError> {
        distances.require_defined()?;
        self.fit_owned(distances.clone())
    }

    /// Clusters `distances` in place: the matrix is overwritten by the Lance-Williams updates,
    /// so this is the way to cluster the largest tables the memory budget allows.
    pub fn fit_owned(&self, distances: DistanceMatrix) -> Result<Dendrogram, ClusterError> {
        self.check()?;
        distances.require_defined()?;
        let n = distances.n();
        if n == 0 {
            return Err(ClusterError::EmptyData);
        }
        let mut values = distances.into_vec();
        let steps = if n >= 2 {
            kodama::linkage(&mut values, n, self.linkage.kodama())
                .steps()
                .to_vec()
        } else {
            Vec::new()
        };
        let node = |label: usize| {
            if label < n {
                Node::Entity(label)
            } else {
                Node::Cluster(label - n)
            }
        };
        let merges = steps
            .iter()
            .map(|s| Merge {
                left: node(s.cluster1),
                right: node(s.cluster2),
                height: s.dissimilarity,
                size: s.size,
            })
            .collect();
        Ok(Dendrogram {
            n,
            linkage: self.linkage,
            merges,
        })
    }
}

/// One side of a merge: a single entity or the cluster formed at an earlier merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Node {
    /// An entity, by 0-based input row.
    Entity(usize),
    /// The cluster formed by merge number `s` (0-based).
    Cluster(usize),
}

impl Node {
    /// R's `merge` matrix code: `-(row + 1)` for an entity, `step + 1` for a cluster.
    pub fn r_code(self) -> i64 {
        match self {
            Node::Entity(i) => -(i as i64 + 1),
            Node::Cluster(s) => s as i64 + 1,
        }
    }
}

/// One merge of two clusters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Merge {
    /// The first side (as R orders them: an entity before a cluster, the lower of two).
    pub left: Node,
    /// The second side.
    pub right: Node,
    /// Linkage distance between the two sides (R's `height`).
    pub height: f64,
    /// Entities in the merged cluster.
    pub size: usize,
}

/// A fitted hierarchy: `n - 1` merges in non-decreasing height order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dendrogram {
    /// Number of entities clustered.
    pub n: usize,
    /// The linkage used.
    pub linkage: Linkage,
    /// The merges, in order.
    pub merges: Vec<Merge>,
}

impl Dendrogram {
    /// Merge heights in order (R's `hclust(...)$height`).
    pub fn heights(&self) -> Vec<f64> {
        self.merges.iter().map(|m| m.height).collect()
    }

    /// R's `merge` matrix, one `[left, right]` row per merge (see [`Node::r_code`]).
    pub fn r_merge(&self) -> Vec<[i64; 2]> {
        self.merges
            .iter()
            .map(|m| [m.left.r_code(), m.right.r_code()])
            .collect()
    }

    /// Leaf order for drawing the dendrogram without crossings: R's `hclust(...)$order`
    /// (0-based), the leaves met by a depth-first walk from the last merge, left side first.
    pub fn order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.n);
        let Some(last) = self.merges.len().checked_sub(1) else {
            order.extend(0..self.n);
            return order;
        };
        let mut stack = vec![Node::Cluster(last)];
        while let Some(node) = stack.pop() {
            match node {
                Node::Entity(i) => order.push(i),
                Node::Cluster(s) => {
                    stack.push(self.merges[s].right);
                    stack.push(self.merges[s].left);
                }
            }
        }
        order
    }

    /// Cluster labels (1-based, per entity in input order) after cutting the tree into `k`
    /// clusters, numbered as R's `cutree` numbers them: by first appearance in input order.
    pub fn cut(&self, k: usize) -> Result<Vec<u32>, ClusterError> {
        if k == 0 || k > self.n {
            return Err(ClusterError::InvalidK {
                k,
                entities: self.n,
            });
        }
        // Union-find over entities, applying the first n - k merges.
        let mut parent: Vec<usize> = (0..self.n).collect();
        let mut representative = Vec::with_capacity(self.merges.len());
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for merge in &self.merges[..self.n - k] {
            let side = |node: Node, reps: &Vec<usize>| match node {
                Node::Entity(i) => i,
                Node::Cluster(s) => reps[s],
            };
            let a = find(&mut parent, side(merge.left, &representative));
            let b = find(&mut parent, side(merge.right, &representative));
            parent[a] = b;
            representative.push(b);
        }
        let mut number = vec![0u32; self.n];
        let mut next = 0u32;
        let mut labels = Vec::with_capacity(self.n);
        for i in 0..self.n {
            let root = find(&mut parent, i);
            if number[root] == 0 {
                next += 1;
                number[root] = next;
            }
            labels.push(number[root]);
        }
        Ok(labels)
    }
}
