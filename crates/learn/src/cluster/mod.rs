//! Use case 1.2's algorithms: which entities have similar profiles.
//!
//! The pipeline reads: [`GowerParams`] fits a [`Gower`] distance to a [`MixedTable`] and builds
//! its condensed [`DistanceMatrix`]; [`HclustParams`] clusters it into a [`Dendrogram`] that
//! `cut(k)`s into labels; [`ChooseKParams`] suggests k from a Ward tree's inertia;
//! [`DescribeParams`] portrays each cluster; [`PcaParams`] / [`FamdParams`] draw the map. Each
//! step matches the R function it is named after (fixtures in `tests/fixtures/cluster/`).

mod choose_k;
mod condensed;
mod data;
mod describe;
mod error;
mod famd;
mod gower;
mod hclust;
mod pca;

pub use choose_k::{ChooseKParams, KChoice};
pub use condensed::{condensed_index, max_entities, DistanceMatrix, DEFAULT_MEMORY_BUDGET};
pub use data::{ColumnValues, MixedColumn, MixedTable, MISSING_BINARY, MISSING_CODE};
pub use describe::{
    ClusterDescription, ClusterProfile, Contrast, DescribeParams, VariableContrast,
};
pub use error::{condensed_bytes, ClusterError};
pub use famd::{Famd, FamdColumn, FamdParams};
pub use gower::{Gower, GowerParams};
pub use hclust::{Dendrogram, HclustParams, Linkage, Merge, Node};
pub use pca::{Axes, Pca, PcaParams};
