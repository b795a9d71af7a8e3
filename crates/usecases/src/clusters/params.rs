//! The settings of a clustering run, with their defaults and checks.

use learn::cluster::{Linkage, DEFAULT_MEMORY_BUDGET};

use super::entity::EntityTable;
use crate::UseCaseError;

/// Default anomaly threshold: an entity three times as far from its cluster's typical entity as
/// the members are on average stands well apart (see [`super::result::Anomalies`]).
pub const DEFAULT_ANOMALY_THRESHOLD: f64 = 3.0;

/// Settings of [`ClusterParams::fit`](super::model).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    /// How clusters are merged; default Ward (R's `ward.D2`).
    pub linkage: Linkage,
    /// Clusters to cut the tree into; `None` takes the suggested k.
    pub k: Option<usize>,
    /// Smallest k the suggestion considers (default 3, as FactoMineR's HCPC).
    pub min_k: usize,
    /// Largest k the suggestion considers; `None` is HCPC's `min(10, round(N / 2))`.
    pub max_k: Option<usize>,
    /// Gower weight of a variable by name (others weigh 1). Weight 0 makes the variable
    /// supplementary: described per cluster, but neither in the distance nor in the map.
    pub weights: Vec<(String, f64)>,
    /// Anomaly score above which an entity is flagged (default [`DEFAULT_ANOMALY_THRESHOLD`]).
    pub anomaly_threshold: f64,
    /// Variables listed per cluster in the description, best test value first (default 10).
    pub top_variables: usize,
    /// Largest distance matrix, in bytes, that a run may allocate (default learn's 1.5 GiB, what
    /// a wasm32 tab holds): more entities are refused before any work.
    pub memory_budget_bytes: u64,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            linkage: Linkage::Ward,
            k: None,
            min_k: 3,
            max_k: None,
            weights: Vec::new(),
            anomaly_threshold: DEFAULT_ANOMALY_THRESHOLD,
            top_variables: 10,
            memory_budget_bytes: DEFAULT_MEMORY_BUDGET,
        }
    }
}

/// Parses a linkage name as the command line and the page spell it (R's names accepted too).
pub fn parse_linkage(text: &str) -> Option<Linkage> {
    match text {
        "ward" | "ward.D2" => Some(Linkage::Ward),
        "average" => Some(Linkage::Average),
        "complete" => Some(Linkage::Complete),
        "single" => Some(Linkage::Single),
        _ => None,
    }
}

impl ClusterParams {
    /// Validates the parameters on their own.
    pub fn check(&self) -> Result<(), UseCaseError> {
        let bad = |what: String| Err(UseCaseError::Input(what));
        if self.k == Some(0) {
            return bad("k must be at least 1".into());
        }
        if self.min_k < 2 {
            return bad("the smallest k to suggest must be at least 2".into());
        }
        if let Some(max) = self.max_k.filter(|&m| m < self.min_k) {
            return bad(format!(
                "the largest k to suggest ({max}) is below the smallest ({})",
                self.min_k
            ));
        }
        if let Some((name, w)) = self
            .weights
            .iter()
            .find(|(_, w)| !(w.is_finite() && *w >= 0.0))
        {
            return bad(format!(
                "weight of {name} must be a non-negative number, found {w}"
            ));
        }
        if !(self.anomaly_threshold.is_finite() && self.anomaly_threshold > 0.0) {
            return bad("the anomaly threshold must be a positive number".into());
        }
        if self.top_variables == 0 {
            return bad("at least one variable must be listed per cluster".into());
        }
        Ok(())
    }

    /// The Gower weight of each variable of `table`, refusing a weight for a variable it does
    /// not have and a table where every weight is 0.
    pub fn weights_for(&self, table: &EntityTable) -> Result<Vec<f64>, UseCaseError> {
        let mut weights = vec![1.0; table.variables.len()];
        for (name, w) in &self.weights {
            let Some(c) = table.variables.iter().position(|v| &v.name == name) else {
                let names: Vec<&str> = table.variables.iter().map(|v| v.name.as_str()).collect();
                return Err(UseCaseError::Input(format!(
                    "no variable named {name} to weigh; the variables are {}",
                    names.join(", ")
                )));
            };
            weights[c] = *w;
        }
        if weights.iter().all(|&w| w == 0.0) {
            return Err(UseCaseError::Input(
                "every variable has weight 0: at least one must drive the distance".into(),
            ));
        }
        Ok(weights)
    }
}
