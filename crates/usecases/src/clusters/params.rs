//! The settings of a clustering run, with their defaults and checks.

use std::collections::BTreeMap;

use learn::cluster::{Linkage, DEFAULT_MEMORY_BUDGET};
use serde::{Deserialize, Serialize};

use super::entity::EntityTable;
use crate::params::Check;
use crate::UseCaseError;

/// Default anomaly threshold: an entity three times as far from its cluster's typical entity as
/// the members are on average stands well apart (see [`super::result::Anomalies`]).
pub const DEFAULT_ANOMALY_THRESHOLD: f64 = 3.0;

/// Where the entities come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Store profiles from the loaded Rossmann `train.csv` (and `store.csv` when loaded).
    #[default]
    Rossmann,
    /// The rows of the loaded table `table`, one entity each.
    Table,
}

crate::params! {
    /// Settings of a clustering run.
    pub struct ClusterParams {
        /// Where the entities come from: `rossmann` (store profiles from train.csv and
        /// store.csv) or `table` (the rows of the table named by `table`).
        pub source: Source = Source::Rossmann,
        /// With source `table`: the loaded table whose rows are the entities.
        pub table: Option<String> = None,
        /// With source `table`: the column naming each entity (rows are numbered without it).
        pub id: Option<String> = None,
        /// With source `table`: text columns whose levels are ordered (ranked in sorted order).
        pub ordinal: Vec<String> = Vec::new(),
        /// With source `table`: columns to leave out.
        pub ignore: Vec<String> = Vec::new(),
        /// How clusters are merged: ward (R's ward.D2), average, complete or single.
        pub linkage: Linkage = Linkage::Ward,
        /// Clusters to cut the tree into; absent takes the suggested k.
        pub k: Option<usize> = None,
        /// Smallest k the suggestion considers (3, as FactoMineR's HCPC).
        pub min_k: usize = 3,
        /// Largest k the suggestion considers; absent is HCPC's min(10, round(N / 2)).
        pub max_k: Option<usize> = None,
        /// Gower weight of a variable by name (others weigh 1, the Rossmann profile's own
        /// weights apply first); weight 0 makes a variable supplementary: described per
        /// cluster, but neither in the distance nor in the map.
        pub weights: BTreeMap<String, f64> = BTreeMap::new(),
        /// Anomaly score above which an entity is flagged.
        pub anomaly_threshold: f64 = DEFAULT_ANOMALY_THRESHOLD,
        /// Variables listed per cluster in the description, best test value first.
        pub top_variables: usize = 10,
        /// Largest distance matrix, in bytes, that a run may allocate (what a wasm32 tab holds):
        /// more entities are refused before any work.
        pub memory_budget_bytes: u64 = DEFAULT_MEMORY_BUDGET,
    }
}

impl Check for ClusterParams {
    fn check(&self) -> Result<(), UseCaseError> {
        let bad = |name: &str, what: String| Err(UseCaseError::param(name, what));
        if self.k == Some(0) {
            return bad("k", "k must be at least 1".into());
        }
        if self.min_k < 2 {
            return bad(
                "minK",
                "the smallest k to suggest must be at least 2".into(),
            );
        }
        if let Some(max) = self.max_k.filter(|&m| m < self.min_k) {
            return bad(
                "maxK",
                format!(
                    "the largest k to suggest ({max}) is below the smallest ({})",
                    self.min_k
                ),
            );
        }
        if let Some((name, w)) = self
            .weights
            .iter()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return bad(
                "weights",
                format!("weight of {name} must be a non-negative number, found {w}"),
            );
        }
        if !(self.anomaly_threshold.is_finite() && self.anomaly_threshold > 0.0) {
            return bad(
                "anomalyThreshold",
                "the anomaly threshold must be a positive number".into(),
            );
        }
        if self.top_variables == 0 {
            return bad(
                "topVariables",
                "at least one variable must be listed per cluster".into(),
            );
        }
        if self.source == Source::Table && self.table.as_deref().unwrap_or("").is_empty() {
            return bad("table", "choose the table to cluster".into());
        }
        Ok(())
    }
}

impl ClusterParams {
    /// The Gower weight of each variable of `table`, refusing a weight for a variable it does
    /// not have and a table where every weight is 0.
    pub fn weights_for(&self, table: &EntityTable) -> Result<Vec<f64>, UseCaseError> {
        let mut weights = vec![1.0; table.variables.len()];
        for (name, w) in &self.weights {
            let Some(c) = table.variables.iter().position(|v| &v.name == name) else {
                let names: Vec<&str> = table.variables.iter().map(|v| v.name.as_str()).collect();
                return Err(UseCaseError::param(
                    "weights",
                    format!(
                        "no variable named {name} to weigh; the variables are {}",
                        names.join(", ")
                    ),
                ));
            };
            weights[c] = *w;
        }
        if weights.iter().all(|&w| w == 0.0) {
            return Err(UseCaseError::param(
                "weights",
                "every variable has weight 0: at least one must drive the distance",
            ));
        }
        Ok(weights)
    }
}
