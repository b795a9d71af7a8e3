//! The clustering run: entity table -> Gower distance -> hierarchical clustering -> suggested k
//! -> map; then any number of cheap cuts (labels, description, anomalies) of the same tree.

use super::choose::choose_k;
use super::entity::EntityTable;
use super::map;
use super::params::ClusterParams;
use super::result::{
    Anomalies, Anomaly, ClusterResult, ClusterSummary, Cut, Overview, VariableInfo,
};
use crate::params::Check;
use crate::progress::{OnProgress, Progress};
use crate::UseCaseError;
use learn::cluster::{
    ClusterError, Dendrogram, DescribeParams, Gower, GowerParams, HclustParams, MixedTable,
};

/// A fitted clustering: keeps the distance (as its fitted Gower, not the matrix, whose memory
/// goes to the tree) and the tree, so that [`ClusterModel::recut`] costs a tree cut and a
/// description rather than a new distance matrix and tree.
#[derive(Debug, Clone)]
pub struct ClusterModel {
    table: MixedTable,
    gower: Gower,
    tree: Dendrogram,
    overview: Overview,
    k: usize,
    anomaly_threshold: f64,
    top_variables: usize,
}

/// The stages of a run in order, with the progress bar's share before each: the profiles
/// (built by [`super::run`]), the distance matrix (reported as it fills), the tree, the map and
/// the description. The page translates the names.
pub const STAGES: [&str; 5] = ["profiles", "distance", "tree", "map", "describe"];

/// Reports `share` of `stage` (one of [`STAGES`]) done, `done` of `total` units.
pub(crate) fn stage_progress(
    on_progress: OnProgress<'_>,
    stage: &'static str,
    share: f64,
    (done, total): (u64, u64),
) -> bool {
    let step = STAGES.iter().position(|s| *s == stage).unwrap_or(0);
    on_progress(&Progress {
        stage,
        done,
        total,
        fraction: (step as f64 + share) / STAGES.len() as f64,
        value: None,
    })
}

fn start_stage(on_progress: OnProgress<'_>, stage: &'static str) -> Result<(), UseCaseError> {
    if stage_progress(on_progress, stage, 0.0, (0, 0)) {
        Ok(())
    } else {
        Err(UseCaseError::Cancelled)
    }
}

impl ClusterParams {
    /// Clusters `entities`: Gower distance, the tree, the suggested k and the map. Reports each
    /// stage as it starts and the distance matrix as it fills (about 64 times: on thousands of
    /// entities it takes seconds); a `false` from `on_progress` cancels.
    pub fn fit(
        &self,
        entities: &EntityTable,
        on_progress: OnProgress<'_>,
    ) -> Result<ClusterModel, UseCaseError> {
        self.check()?;
        let n = entities.len();
        if n == 0 {
            return Err(UseCaseError::Input("there is no entity to cluster".into()));
        }
        if let Some(k) = self.k.filter(|&k| k > n) {
            return Err(UseCaseError::param(
                "k",
                format!("cannot cut {n} entities into {k} clusters"),
            ));
        }
        let weights = self.weights_for(entities)?;
        let table = entities.to_mixed()?;
        let model_error = |e: ClusterError| UseCaseError::Model(e.to_string());
        let gower = GowerParams {
            weights: weights.clone(),
            memory_budget_bytes: self.memory_budget_bytes,
        }
        .fit(&table)
        .map_err(model_error)?;
        start_stage(on_progress, "distance")?;
        let matrix = gower
            .matrix_with_progress(&mut |done, total| {
                let share = done as f64 / total.max(1) as f64;
                stage_progress(on_progress, "distance", share, (done, total))
            })
            .map_err(model_error)?
            .ok_or(UseCaseError::Cancelled)?;
        if let Some((i, j)) = matrix.first_undefined() {
            return Err(UseCaseError::Input(format!(
                "{} pairs of entities have no variable observed in both (the first: {} and {}), \
                 so their distance is undefined; leave out variables with many empty cells or \
                 the entities with few values",
                matrix.undefined_pairs(),
                entities.ids[i],
                entities.ids[j]
            )));
        }
        start_stage(on_progress, "tree")?;
        let tree = HclustParams {
            linkage: self.linkage,
        }
        .fit_owned(matrix)
        .map_err(model_error)?;
        let k_choice = choose_k(&tree, self.min_k, self.max_k)?;
        start_stage(on_progress, "map")?;
        let mut notes = entities.notes.clone();
        let pca = map::draw(&table, &weights, &mut notes);
        let overview = Overview {
            n,
            ids: entities.ids.clone(),
            variables: entities
                .variables
                .iter()
                .zip(&weights)
                .map(|(v, &weight)| VariableInfo {
                    name: v.name.clone(),
                    kind: v.values.kind(),
                    weight,
                })
                .collect(),
            linkage: self.linkage,
            heights: tree.heights(),
            merge: tree.r_merge(),
            order: tree.order(),
            suggested_k: k_choice.suggested_k,
            k_choice,
            pca,
            notes,
        };
        start_stage(on_progress, "describe")?;
        Ok(ClusterModel {
            k: self.k.unwrap_or(overview.suggested_k),
            table,
            gower,
            tree,
            overview,
            anomaly_threshold: self.anomaly_threshold,
            top_variables: self.top_variables,
        })
    }
}

impl ClusterModel {
    /// What does not depend on k.
    pub fn overview(&self) -> &Overview {
        &self.overview
    }

    /// The tree.
    pub fn tree(&self) -> &Dendrogram {
        &self.tree
    }

    /// The k of the parameters, or the suggested one.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Gower distance between entities `i` and `j` (0-based rows), as the tree saw it: what
    /// an export of each entity's distance to its cluster's typical entity needs.
    pub fn distance(&self, i: usize, j: usize) -> f64 {
        if i == j {
            0.0
        } else {
            self.gower.distance(i, j)
        }
    }

    /// Cuts the kept tree into `k` clusters and describes them: no distance matrix or tree is
    /// rebuilt. The description's typical entities cost one Gower distance per pair of members
    /// of a cluster.
    pub fn recut(&self, k: usize) -> Result<Cut, UseCaseError> {
        let labels = self
            .tree
            .cut(k)
            .map_err(|e| UseCaseError::Input(e.to_string()))?;
        let description = DescribeParams {
            top_variables: self.top_variables,
        }
        .fit(&self.table, &labels, &|i, j| self.gower.distance(i, j))
        .map_err(|e| UseCaseError::Model(e.to_string()))?;
        let ids = &self.overview.ids;
        let clusters: Vec<ClusterSummary> = description
            .clusters
            .into_iter()
            .map(|c| ClusterSummary {
                label: c.label,
                size: c.size,
                typical_row: c.typical_entity,
                typical_id: ids[c.typical_entity].clone(),
                spread: c.spread,
                variables: c.variables,
            })
            .collect();
        let scores = anomaly_scores(&labels, &clusters, &|i, j| self.gower.distance(i, j));
        let mut flagged: Vec<Anomaly> = scores
            .iter()
            .enumerate()
            .filter(|(_, &s)| s > self.anomaly_threshold)
            .map(|(row, &score)| Anomaly {
                row,
                id: ids[row].clone(),
                cluster: labels[row],
                score,
            })
            .collect();
        flagged.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.row.cmp(&b.row)));
        Ok(Cut {
            k,
            labels,
            clusters,
            anomalies: Anomalies {
                threshold: self.anomaly_threshold,
                scores,
                flagged,
            },
        })
    }

    /// The whole result at the model's k.
    pub fn result(&self) -> Result<ClusterResult, UseCaseError> {
        Ok(ClusterResult {
            overview: self.overview.clone(),
            cut: self.recut(self.k)?,
        })
    }
}

/// Each entity's distance to its cluster's typical entity over the mean distance of the *other*
/// members to it (leave-one-out, so that an outlier does not hide by inflating its own
/// cluster's spread, which matters in small clusters). The typical entity scores 0, a member of
/// a pair 1. An entity alone in its cluster scores its distance to the nearest other typical
/// entity over that cluster's spread: alone at k, it is as odd as it is far from every group.
fn anomaly_scores(
    labels: &[u32],
    clusters: &[ClusterSummary],
    distance: &dyn Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let n = labels.len();
    let to_centre: Vec<f64> = (0..n)
        .map(|r| {
            let centre = clusters[labels[r] as usize - 1].typical_row;
            if r == centre {
                0.0
            } else {
                distance(r, centre)
            }
        })
        .collect();
    let mut sum = vec![0.0; clusters.len()];
    for r in 0..n {
        if !to_centre[r].is_nan() {
            sum[labels[r] as usize - 1] += to_centre[r];
        }
    }
    (0..n)
        .map(|r| {
            let c = labels[r] as usize - 1;
            let cluster = &clusters[c];
            let d = to_centre[r];
            if r == cluster.typical_row || d.is_nan() {
                return 0.0;
            }
            if cluster.size == 1 {
                return clusters
                    .iter()
                    .filter(|o| o.label != cluster.label && o.spread > 0.0)
                    .map(|o| distance(r, o.typical_row) / o.spread)
                    .filter(|s| !s.is_nan())
                    .reduce(f64::min)
                    .unwrap_or(0.0);
            }
            // Members other than this one and the typical entity.
            let others = cluster.size - 2;
            let spread = if others > 0 {
                (sum[c] - d) / others as f64
            } else {
                d
            };
            if spread > 0.0 {
                d / spread
            } else if d > 0.0 {
                // Every other member sits on the typical entity: as the full-cluster ratio.
                (cluster.size - 1) as f64
            } else {
                0.0
            }
        })
        .collect()
}
