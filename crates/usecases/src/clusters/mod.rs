//! Use case 1.2: which stores (or any entities) have similar profiles.
//!
//! 1. An [`EntityTable`], one row per entity: Rossmann store profiles from `train.csv` and
//!    `store.csv` ([`rossmann_entities`]), or any table with one row per entity
//!    ([`EntityTable::from_table`]).
//! 2. [`ClusterParams::fit`]: Gower distance (R's `daisy`), agglomerative clustering (R's
//!    `hclust`, Ward by default), the suggested k ([`choose_k`]), the map ([`map`]: PCA, or FAMD
//!    with categories). The returned [`ClusterModel`] keeps the tree.
//! 3. [`ClusterModel::recut`]: labels, cluster portraits (FactoMineR catdes's test values, the
//!    typical entity) and anomalies at any k, without recomputing the distance or the tree.
//!
//! The learn crate's steps are matched against R (its `tests/cluster_r.rs`); the tests here
//! check the whole path from CSV, and what the Rossmann sample's planted store segments become.

pub mod choose;
pub mod entity;
pub mod map;
pub mod model;
pub mod params;
pub mod result;
pub mod store_profiles;

pub use choose::{choose_k, BarMeasure, KChoiceView};
pub use entity::{EntityTable, ProfileValues, ProfileVariable, TableOptions, VariableKind};
pub use learn::cluster::Linkage;
pub use map::{MapMethod, MapView};
pub use model::{cluster, ClusterModel, Stage};
pub use params::{parse_linkage, ClusterParams, DEFAULT_ANOMALY_THRESHOLD};
pub use result::{Anomalies, Anomaly, ClusterResult, ClusterSummary, Cut, Overview, VariableInfo};
pub use store_profiles::{store_profiles, store_weights};

use crate::forecast::features::{DailyRows, StoreTable};
use crate::UseCaseError;
use tabular::Table;

/// Store profiles from Rossmann's `train.csv` table and, when given, `store.csv`.
pub fn rossmann_entities(
    train: &Table,
    store: Option<&Table>,
) -> Result<EntityTable, UseCaseError> {
    let rows = DailyRows::from_table(train)?;
    let stores = store.map(StoreTable::from_table).transpose()?;
    store_profiles(&rows, stores.as_ref())
}
