//! The result structures (serde) that the page and the command line render.

use learn::cluster::{Linkage, VariableContrast};
use serde::Serialize;

use super::choose::KChoiceView;
use super::entity::VariableKind;
use super::map::MapView;

/// A variable of the entity table and its part in the distance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableInfo {
    /// Name.
    pub name: String,
    /// How Gower distance compares it.
    pub kind: VariableKind,
    /// Gower weight; 0 means supplementary (described, not clustered on).
    pub weight: f64,
}

/// What does not depend on k: the tree, the suggestion, the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// Number of entities.
    pub n: usize,
    /// Entity ids, in input order (rows below are 0-based indices into this).
    pub ids: Vec<String>,
    /// The variables.
    pub variables: Vec<VariableInfo>,
    /// The linkage.
    pub linkage: Linkage,
    /// Merge heights in merge order (R's `hclust(...)$height`).
    pub heights: Vec<f64>,
    /// R's `merge` matrix: per merge `[a, b]`, `-(row + 1)` for an entity, `s + 1` for the
    /// cluster made at merge `s` (0-based). With `order`, enough to draw the dendrogram.
    pub merge: Vec<[i64; 2]>,
    /// Leaf order (0-based rows) that draws the dendrogram without crossings (R's `order`).
    pub order: Vec<usize>,
    /// How k was suggested, and the bars of the chart.
    pub k_choice: KChoiceView,
    /// The suggested k.
    pub suggested_k: usize,
    /// The map (named `pca` for PCA and FAMD alike; `method` says which).
    pub pca: Option<MapView>,
    /// What the reader or the map set aside, and why.
    pub notes: Vec<String>,
}

/// One cluster's portrait.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSummary {
    /// Label, 1-based, as in `labels`.
    pub label: u32,
    /// Members.
    pub size: usize,
    /// The typical entity (medoid: smallest mean distance to the other members), 0-based row.
    pub typical_row: usize,
    /// Its id.
    pub typical_id: String,
    /// Members' mean distance to the typical entity.
    pub spread: f64,
    /// Variables that set the cluster apart, largest |test value| first (FactoMineR catdes's
    /// `v.test`: beyond ±2 the cluster differs from the whole more than chance would make it).
    pub variables: Vec<VariableContrast>,
}

/// An entity far from its cluster's typical entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// 0-based row.
    pub row: usize,
    /// Its id.
    pub id: String,
    /// Its cluster.
    pub cluster: u32,
    /// Distance to the typical entity over the cluster's spread.
    pub score: f64,
}

/// Anomaly scores and the flagged entities.
///
/// An entity's score is its Gower distance to its cluster's typical entity divided by the mean
/// distance of the cluster's other members to it (leaving the entity out, so that an outlier in
/// a small cluster cannot hide by inflating the spread it is measured against): about 1 is an
/// ordinary member. An entity alone in its cluster is scored against the nearest other cluster.
/// Entities scoring above `threshold` (default 3: three times as far as the other members) are
/// flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomalies {
    /// The threshold used.
    pub threshold: f64,
    /// Score of every entity, in input order.
    pub scores: Vec<f64>,
    /// Entities above the threshold, highest score first.
    pub flagged: Vec<Anomaly>,
}

/// The tree cut at k: what changes when the user picks another k.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cut {
    /// Number of clusters.
    pub k: usize,
    /// Cluster of each entity, 1-based, in input order (numbered by first appearance, as R's
    /// `cutree`).
    pub labels: Vec<u32>,
    /// One portrait per cluster, label 1 first.
    pub clusters: Vec<ClusterSummary>,
    /// Entities far from their cluster's centre.
    pub anomalies: Anomalies,
}

/// A whole clustering result: the overview and the cut at k.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterResult {
    /// Tree, suggestion, map.
    #[serde(flatten)]
    pub overview: Overview,
    /// Labels, description, anomalies at k.
    #[serde(flatten)]
    pub cut: Cut,
}
