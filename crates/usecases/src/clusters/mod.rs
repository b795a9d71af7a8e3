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
//! [`run`] does the three from the loaded tables and returns a [`Clustered`] result, which the
//! page asks for other cuts ([`Clustering`] is the use case as the catalogue runs it).
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
pub use model::{ClusterModel, STAGES};
pub use params::{ClusterParams, Source, DEFAULT_ANOMALY_THRESHOLD};
pub use result::{Anomalies, Anomaly, ClusterResult, ClusterSummary, Cut, Overview, VariableInfo};
pub use store_profiles::{store_profiles, store_weights};

use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tabular::Table;

use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted, UseCase,
};
use crate::params::Check;
use crate::progress::{Clock, OnProgress};
use crate::rossmann::{DailyRows, StoreTable};
use crate::{Tables, UseCaseError};

/// Store profiles from Rossmann's `train.csv` table and, when given, `store.csv`.
pub fn rossmann_entities(
    train: &Table,
    store: Option<&Table>,
) -> Result<EntityTable, UseCaseError> {
    let rows = DailyRows::from_table(train)?;
    let stores = store.map(StoreTable::from_table).transpose()?;
    store_profiles(&rows, stores.as_ref())
}

/// The tables the entities come from.
#[derive(Debug, Clone, Copy)]
pub enum ClusterInputs<'a> {
    /// Rossmann's `train.csv` and, when loaded, `store.csv`: one profile per store.
    Rossmann {
        /// `train.csv`.
        train: &'a Table,
        /// `store.csv`.
        store: Option<&'a Table>,
    },
    /// Any table with one row per entity.
    Table(&'a Table),
}

/// Seconds per stage of a run (reading is the caller's: the command line fills it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Seconds {
    /// Reading the files.
    pub read: f64,
    /// Building one row per entity.
    pub profile: f64,
    /// The Gower distance matrix.
    pub distance: f64,
    /// The hierarchical clustering and the suggested k.
    pub tree: f64,
    /// PCA or FAMD for the map.
    pub map: f64,
    /// The description at k.
    pub describe: f64,
    /// The whole run, reading aside.
    pub total: f64,
}

/// What a run reports: the tree, the suggested k, the map and the cut at k, the header of the
/// entities' id and the seconds it took.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    /// Everything at k.
    #[serde(flatten)]
    pub result: ClusterResult,
    /// Header of the entities' id (`Store` for Rossmann, the id column, or `row`).
    pub id_name: String,
    /// Time per stage.
    pub seconds: Seconds,
}

/// A finished clustering: the report, the model that recuts, the cut shown and the entities.
#[derive(Debug, Clone)]
pub struct Clustered {
    /// The report at the first k.
    pub report: ClusterReport,
    /// The model, which cuts the kept tree at any k.
    pub model: ClusterModel,
    /// The cut the last question asked for (the downloads follow it).
    pub cut: Cut,
    /// One row per entity, as clustered.
    pub entities: EntityTable,
}

/// Builds the entities, clusters them and cuts at `params.k` (or the suggested k). Reports the
/// stages of [`STAGES`]; a `false` from `on_progress` cancels.
pub fn run(
    inputs: ClusterInputs<'_>,
    params: &ClusterParams,
    on_progress: OnProgress<'_>,
) -> Result<Clustered, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    if !model::stage_progress(on_progress, "profiles", 0.0, (0, 0)) {
        return Err(UseCaseError::Cancelled);
    }
    let mut params = params.clone();
    let (entities, id_name) = match inputs {
        ClusterInputs::Rossmann { train, store } => {
            let entities = rossmann_entities(train, store)?;
            // The Rossmann profile's own weights first; the user's override them.
            let mut weights: std::collections::BTreeMap<String, f64> = store_weights()
                .into_iter()
                .filter(|(name, _)| entities.variables.iter().any(|v| &v.name == name))
                .collect();
            weights.extend(params.weights);
            params.weights = weights;
            (entities, "Store".to_string())
        }
        ClusterInputs::Table(table) => {
            let options = TableOptions {
                id: params.id.clone(),
                ordinal: params.ordinal.clone(),
                ignore: params.ignore.clone(),
            };
            let entities = EntityTable::from_table(table, &options)?;
            (entities, params.id.clone().unwrap_or_else(|| "row".into()))
        }
    };
    let mut seconds = Seconds {
        profile: clock.lap(),
        ..Seconds::default()
    };
    // When each stage started, from the run's start: a stage lasts until the next starts.
    let mut marks: Vec<(&'static str, f64)> = Vec::new();
    let model = params.fit(&entities, &mut |p| {
        if marks.last().map(|m| m.0) != Some(p.stage) {
            marks.push((p.stage, clock.total()));
        }
        on_progress(p)
    })?;
    for pair in marks.windows(2) {
        let elapsed = pair[1].1 - pair[0].1;
        match pair[0].0 {
            "distance" => seconds.distance = elapsed,
            "tree" => seconds.tree = elapsed,
            "map" => seconds.map = elapsed,
            _ => {}
        }
    }
    clock.lap();
    let result = model.result()?;
    seconds.describe = clock.lap();
    seconds.total = clock.total();
    Ok(Clustered {
        cut: result.cut.clone(),
        report: ClusterReport {
            result,
            id_name,
            seconds,
        },
        model,
        entities,
    })
}

impl Clustered {
    /// Writes the current cut: `ID,cluster,distance_to_typical,anomaly_score,anomaly`, one row
    /// per entity in input order (`ID` the id column's header; ids that a spreadsheet would run
    /// as formulas get a leading `'`).
    pub fn write_assignments(&self, out: &mut dyn Write) -> std::io::Result<()> {
        use tabular::write::escape_cell;
        let overview = self.model.overview();
        let cut = &self.cut;
        writeln!(
            out,
            "{},cluster,distance_to_typical,anomaly_score,anomaly",
            escape_cell(&self.report.id_name, true)
        )?;
        for (row, id) in overview.ids.iter().enumerate() {
            let label = cut.labels[row];
            let typical = cut.clusters[label as usize - 1].typical_row;
            let score = cut.anomalies.scores[row];
            let distance = self.model.distance(row, typical);
            writeln!(
                out,
                "{},{label},{distance:.6},{score:.4},{}",
                escape_cell(id, true),
                u8::from(score > cut.anomalies.threshold)
            )?;
        }
        Ok(())
    }
}

/// Use case 1.2 as the catalogue runs it.
pub struct Clustering;

impl UseCase for Clustering {
    const NAME: &'static str = "cluster";
    type Params = ClusterParams;
    type Inputs<'a> = ClusterInputs<'a>;
    type Fitted = Clustered;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        params: &ClusterParams,
    ) -> Result<ClusterInputs<'a>, UseCaseError> {
        Ok(match params.source {
            Source::Rossmann => {
                let (train, store) = crate::rossmann::train_and_store(tables, Self::NAME)?;
                ClusterInputs::Rossmann { train, store }
            }
            Source::Table => {
                let name = params.table.as_deref().unwrap_or_default();
                ClusterInputs::Table(tables.require_named(name)?)
            }
        })
    }

    fn run(
        inputs: ClusterInputs<'_>,
        params: &ClusterParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Clustered, UseCaseError> {
        run(inputs, params, on_progress)
    }
}

/// The arguments of the `cut` question.
#[derive(Debug, Deserialize)]
struct CutQuestion {
    k: usize,
}

impl Fitted for Clustered {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `cut` `{k}`: labels, portraits and anomalies at k, from the kept tree (a few
    /// milliseconds); the downloads then follow this cut.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "cut" => {
                let CutQuestion { k } = question_args(question, args)?;
                let n = self.model.overview().n;
                if k == 0 || k > n {
                    return Err(UseCaseError::param(
                        "k",
                        format!("k must be between 1 and {n}, the number of entities; found {k}"),
                    ));
                }
                self.cut = self.model.recut(k)?;
                Ok(report_json(&self.cut))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        vec![
            Download::csv("assignments", "clusters.csv"),
            Download::csv("profiles", "profiles.csv"),
        ]
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "assignments" => self.write_assignments(out)?,
            "profiles" => self.entities.write_csv(&self.report.id_name, out)?,
            _ => return Err(unknown_download("a clustering", key)),
        }
        Ok(())
    }
}
