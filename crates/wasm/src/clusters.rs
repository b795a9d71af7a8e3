//! Use case 1.2 for the page: clusters the loaded Rossmann stores (or the rows of any loaded
//! table with one row per entity) and keeps the fitted [`ClusterModel`], so that moving the k
//! slider costs a cut of the kept tree, not a new distance matrix and tree.

use crate::error::{send_progress, to_js, use_case_error, JsError};
use crate::tables::{with_known_table, with_table};
use serde::Serialize;
use std::cell::RefCell;
use tabular::dataset::KnownFile;
use tabular::write::escape_cell;
use usecases::clusters::{
    parse_linkage, rossmann_entities, store_weights, ClusterModel, ClusterParams, ClusterResult,
    Cut, EntityTable, Stage, TableOptions,
};
use wasm_bindgen::prelude::*;

/// The last fitted clustering and the cut the page shows.
struct Fitted {
    model: ClusterModel,
    cut: Cut,
    /// Header of the id column in the assignments download (`Store` for Rossmann).
    id_name: String,
}

thread_local! {
    /// The last fitted clustering; a new run replaces it and a failed one clears it, so that the
    /// page never recuts a tree built on files since removed.
    static LAST: RefCell<Option<Fitted>> = const { RefCell::new(None) };
}

/// Where the entities come from.
#[derive(Debug, PartialEq)]
enum Source {
    /// Store profiles from the loaded Rossmann `train.csv` (and `store.csv` when loaded).
    Rossmann,
    /// The rows of a loaded table, named by an id column (or numbered when `id` is `None`).
    Table { name: String, id: Option<String> },
}

/// What the page's form sends.
#[derive(Debug)]
struct PageParams {
    source: Source,
    params: ClusterParams,
}

impl PageParams {
    /// Reads `{source: "rossmann"|"table", table, id, linkage, k}` field by field (see
    /// `forecast.rs` for why not serde-wasm-bindgen's `from_value`). `k` null or absent takes
    /// the suggested k.
    fn read(js: &JsValue) -> Result<PageParams, JsValue> {
        let bad = |message: String| JsError::other("params", message).to_js();
        let get = |key: &str| {
            if js.is_object() {
                js_sys::Reflect::get(js, &JsValue::from_str(key)).ok()
            } else {
                None
            }
        };
        let text = |key: &str| {
            get(key)
                .and_then(|v| v.as_string())
                .filter(|s| !s.is_empty())
        };
        let mut params = ClusterParams::default();
        if let Some(name) = text("linkage") {
            params.linkage = parse_linkage(&name).ok_or_else(|| {
                bad(format!(
                    "unknown linkage {name:?}: ward, average, complete or single"
                ))
            })?;
        }
        if let Some(k) = get("k").and_then(|v| v.as_f64()) {
            if !(k.is_finite() && k >= 1.0 && k.fract() == 0.0) {
                return Err(bad(format!(
                    "k must be a whole number of at least 1, found {k}"
                )));
            }
            params.k = Some(k as usize);
        }
        let source = match text("source").as_deref() {
            None | Some("rossmann") => Source::Rossmann,
            Some("table") => Source::Table {
                name: text("table")
                    .ok_or_else(|| bad("choose the table to cluster".to_string()))?,
                id: text("id"),
            },
            Some(other) => return Err(bad(format!("unknown source {other:?}: rossmann or table"))),
        };
        Ok(PageParams { source, params })
    }
}

/// One progress report as the page receives it: the stage about to start.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageProgress {
    /// `profiles` (building one row per entity), then the model's stages.
    stage: &'static str,
    /// 1-based position of the stage, of `stages`.
    step: usize,
    stages: usize,
    /// Share of the stage done (the distance matrix reports as it fills).
    share: f64,
}

const STAGES: usize = 5;

fn stage_name(stage: Stage) -> (&'static str, usize) {
    match stage {
        Stage::Distance => ("distance", 2),
        Stage::Tree => ("tree", 3),
        Stage::Map => ("map", 4),
        Stage::Describe => ("describe", 5),
    }
}

/// Sends one progress report; `false` when the page asks to stop (or the callback throws).
fn report(on_progress: &js_sys::Function, stage: &'static str, step: usize, share: f64) -> bool {
    send_progress(
        on_progress,
        &PageProgress {
            stage,
            step,
            stages: STAGES,
            share,
        },
    )
}

/// The entities of `source` from the loaded tables, with the id column's header.
fn entities(source: &Source, params: &mut ClusterParams) -> Result<(EntityTable, String), JsValue> {
    match source {
        Source::Rossmann => with_known_table(KnownFile::RossmannTrain, "train.csv", |train| {
            let Some(train) = train else {
                return Err(JsError::other(
                    "noTable",
                    "train.csv is not loaded: load Rossmann's train.csv (or the sample), or \
                     cluster the rows of another table",
                )
                .to_js());
            };
            with_known_table(KnownFile::RossmannStore, "store.csv", |store| {
                // A table named store.csv that is not Rossmann's is not read as one.
                let store = store.filter(|s| s.column("StoreType").is_some());
                let entities = rossmann_entities(train, store).map_err(use_case_error)?;
                // The profile's own weights, as the command line applies them.
                params.weights = store_weights()
                    .into_iter()
                    .filter(|(name, _)| entities.variables.iter().any(|v| &v.name == name))
                    .collect();
                Ok((entities, "Store".to_string()))
            })
        }),
        Source::Table { name, id } => with_table(name, |table| {
            let options = TableOptions {
                id: id.clone(),
                ..TableOptions::default()
            };
            let entities = EntityTable::from_table(table, &options).map_err(use_case_error)?;
            Ok((entities, id.clone().unwrap_or_else(|| "row".to_string())))
        }),
    }
}

/// Clusters the entities the form names: `params_js` is `{source: "rossmann"|"table", table,
/// id, linkage: "ward"|"average"|"complete"|"single", k: number|null}`. `on_progress({stage,
/// step, stages, share})` is called before each stage (share 0) and as the distance matrix fills;
/// returning `false` cancels. Returns the whole
/// result (`usecases::clusters::ClusterResult`: tree, suggested k, inertia bars, map, and the cut
/// at k) with `idName`, the header of the entities' id.
#[wasm_bindgen]
pub fn cluster_run(params_js: JsValue, on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
    let PageParams { source, mut params } = PageParams::read(&params_js)?;
    LAST.with(|last| last.borrow_mut().take());
    if !report(on_progress, "profiles", 1, 0.0) {
        return Err(use_case_error(usecases::UseCaseError::Cancelled));
    }
    let (entities, id_name) = entities(&source, &mut params)?;
    let model = params
        .fit_with_detail(&entities, &mut |stage, share| {
            let (name, step) = stage_name(stage);
            report(on_progress, name, step, share)
        })
        .map_err(use_case_error)?;
    let result = model.result().map_err(use_case_error)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PageResult<'a> {
        #[serde(flatten)]
        result: &'a ClusterResult,
        id_name: &'a str,
    }
    let js = to_js(&PageResult {
        result: &result,
        id_name: &id_name,
    })?;
    LAST.with(|last| {
        *last.borrow_mut() = Some(Fitted {
            model,
            cut: result.cut,
            id_name,
        })
    });
    Ok(js)
}

fn with_last<R>(f: impl FnOnce(&mut Fitted) -> Result<R, JsValue>) -> Result<R, JsValue> {
    LAST.with(|last| match last.borrow_mut().as_mut() {
        Some(fitted) => f(fitted),
        None => Err(JsError::other("noClusters", "no clustering has been run yet").to_js()),
    })
}

/// Cuts the kept tree into `k` clusters without computing the distance or the tree again.
/// Returns the cut (`usecases::clusters::Cut`: labels, cluster portraits, anomalies), which
/// the assignments download then follows.
#[wasm_bindgen]
pub fn cluster_recut(k: u32) -> Result<JsValue, JsValue> {
    with_last(|fitted| {
        let n = fitted.model.overview().n;
        if k == 0 || k as usize > n {
            return Err(JsError::other(
                "params",
                format!("k must be between 1 and {n}, the number of entities; found {k}"),
            )
            .to_js());
        }
        let cut = fitted.model.recut(k as usize).map_err(use_case_error)?;
        let js = to_js(&cut)?;
        fitted.cut = cut;
        Ok(js)
    })
}

/// The current cut as CSV bytes: `ID,cluster,distance_to_typical,anomaly_score,anomaly`, one
/// row per entity in input order (`ID` the id column's header; ids that a spreadsheet would
/// run as formulas get a leading `'`).
#[wasm_bindgen]
pub fn cluster_assignments_csv() -> Result<Vec<u8>, JsValue> {
    with_last(|fitted| Ok(assignments_csv(fitted)))
}

fn assignments_csv(fitted: &Fitted) -> Vec<u8> {
    let overview = fitted.model.overview();
    let cut = &fitted.cut;
    let mut out = String::with_capacity(overview.n * 40);
    out.push_str(&escape_cell(&fitted.id_name, true));
    out.push_str(",cluster,distance_to_typical,anomaly_score,anomaly\n");
    for (row, id) in overview.ids.iter().enumerate() {
        let label = cut.labels[row];
        let typical = cut.clusters[label as usize - 1].typical_row;
        let score = cut.anomalies.scores[row];
        let distance = fitted.model.distance(row, typical);
        out.push_str(&format!(
            "{},{label},{distance:.6},{score:.4},{}\n",
            escape_cell(id, true),
            u8::from(score > cut.anomalies.threshold)
        ));
    }
    out.into_bytes()
}
