//! Use case 2.1 for the page: multiple imputation by bootstrap EM on Bosch `train_numeric.csv`
//! or any numeric CSV. The missingness summary and the plan come first (cheap, no imputation),
//! then the run, whose [`Imputed`] datasets are kept so that the M downloads need no second run.

use crate::error::{send_progress, to_js, use_case_error, JsError};
use crate::tables::{with_known_table, with_table};
use serde::Serialize;
use std::cell::RefCell;
use tabular::dataset::KnownFile;
use tabular::Table;
use usecases::impute::{self, ColumnSelection, ImputeParams, Imputed, Progress, Stage};
use wasm_bindgen::prelude::*;

/// Largest estimated memory of a run in the page: the tab also holds the loaded files, and wasm32
/// memory ends at 4 GiB and never shrinks.
pub const PAGE_MEMORY_BUDGET: u64 = 1_000_000_000;

/// Visit patterns listed in the summary.
const TOP_PATTERNS: usize = 12;

thread_local! {
    /// The last finished run; a new run replaces it (a failed one clears it, so the page never
    /// downloads datasets imputed from a file since removed or reloaded).
    static LAST: RefCell<Option<Imputed>> = const { RefCell::new(None) };
}

/// What the page's form sends: the table, the columns and the EM settings.
#[derive(Debug)]
struct PageParams {
    /// Loaded file to impute; `None` means the loaded Bosch `train_numeric.csv`.
    table: Option<String>,
    params: ImputeParams,
}

impl PageParams {
    /// Reads the form's object field by field (see `forecast::PageParams::read` for why not
    /// serde). `columns` is "all", or a list of column names / station keys (`L3_S29`);
    /// `pattern` a regular expression on column names, used when given.
    fn read(js: &JsValue) -> Result<PageParams, JsValue> {
        let mut params = ImputeParams {
            memory_budget: PAGE_MEMORY_BUDGET,
            ..ImputeParams::default()
        };
        let mut table = None;
        if !js.is_object() {
            return Ok(PageParams { table, params });
        }
        let get = |key: &str| {
            js_sys::Reflect::get(js, &JsValue::from_str(key))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let bad = |key: &str, expected: &str| {
            JsError::other("params", format!("parameter {key}: expected {expected}")).to_js()
        };
        let number = |key: &str| -> Result<Option<f64>, JsValue> {
            match get(key) {
                None => Ok(None),
                Some(v) => match v.as_f64() {
                    Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                    _ => Err(bad(key, "a number of 0 or more")),
                },
            }
        };
        if let Some(v) = get("table") {
            table = Some(v.as_string().ok_or_else(|| bad("table", "a file name"))?);
        }
        if let Some(m) = number("m")? {
            if m < 1.0 || m.fract() != 0.0 {
                return Err(bad("m", "a whole number of imputations, at least 1"));
            }
            params.m = m as usize;
        }
        if let Some(seed) = number("seed")? {
            params.seed = seed as u64;
        }
        if let Some(empri) = number("empri")? {
            params.empri = empri;
        }
        if let Some(tolerance) = number("tolerance")? {
            params.tolerance = tolerance;
        }
        if let Some(budget) = number("budgetBytes")? {
            params.memory_budget = budget as u64;
        }
        let flag = |key: &str| -> Result<bool, JsValue> {
            match get(key) {
                None => Ok(false),
                Some(v) => v.as_bool().ok_or_else(|| bad(key, "true or false")),
            }
        };
        params.round_integers = flag("roundIntegers")?;
        params.bound_to_observed = flag("boundToObserved")?;
        let pattern = get("pattern")
            .and_then(|v| v.as_string())
            .filter(|p| !p.trim().is_empty());
        params.columns = if let Some(pattern) = pattern {
            ColumnSelection::Pattern(pattern)
        } else if let Some(columns) = get("columns") {
            if columns.as_string().as_deref() == Some("all") {
                ColumnSelection::All
            } else if js_sys::Array::is_array(&columns) {
                let names: Vec<String> = js_sys::Array::from(&columns)
                    .iter()
                    .map(|v| v.as_string().ok_or_else(|| bad("columns", "names")))
                    .collect::<Result<_, _>>()?;
                if names.is_empty() {
                    return Err(JsError::other(
                        "params",
                        "no station or column selected: pick at least one",
                    )
                    .to_js());
                }
                ColumnSelection::Names(names)
            } else {
                return Err(bad("columns", "\"all\" or a list of names"));
            }
        } else {
            ColumnSelection::All
        };
        params
            .check()
            .map_err(|e| JsError::other("params", e.to_string()).to_js())?;
        Ok(PageParams { table, params })
    }
}

/// Calls `f` with the table named `name`, or with the loaded Bosch `train_numeric.csv`.
fn with_input<R>(
    name: Option<&str>,
    f: impl FnOnce(&Table) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    match name {
        Some(name) => with_table(name, f),
        None => with_known_table(
            KnownFile::BoschNumeric,
            "train_numeric.csv",
            |table| match table {
                Some(table) => f(table),
                None => Err(JsError::other(
                    "noTable",
                    "train_numeric.csv is not loaded: load Bosch's train_numeric.csv (or the \
                 sample), or name the file to impute",
                )
                .to_js()),
            },
        ),
    }
}

/// Where the holes of loaded file `table` are (`usecases::impute::MissingnessSummary`): share
/// missing per line and station, the station groups with their columns, and the dominant
/// visit patterns (observed-column patterns for a file without station names).
#[wasm_bindgen]
pub fn impute_summary(table: &str) -> Result<JsValue, JsValue> {
    with_table(table, |t| to_js(&impute::summarize(t, TOP_PATTERNS)))
}

/// What a run with `params_js` would impute (`usecases::impute::ImputePlan`): the columns, the
/// columns left out and why, the rows used and the memory needed; an error (kind `input`) when
/// the selection is above the memory budget, saying what would fit.
/// `params_js` is `{table, columns: "all" | [names or station keys], pattern, m, seed, empri,
/// tolerance, budgetBytes, roundIntegers, boundToObserved}`.
#[wasm_bindgen]
pub fn impute_plan(params_js: JsValue) -> Result<JsValue, JsValue> {
    let page = PageParams::read(&params_js)?;
    with_input(page.table.as_deref(), |t| {
        to_js(&impute::plan(t, &page.params).map_err(use_case_error)?)
    })
}

/// One progress report as the page receives it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageProgress {
    stage: Stage,
    run: usize,
    runs: usize,
    iteration: usize,
    changed: usize,
    max_change: f64,
    fraction: f64,
}

/// Imputes with `params_js` (as [`impute_plan`]). `on_progress({stage, run, runs, iteration,
/// changed, maxChange, fraction})` is called after every EM iteration and draw; returning `false`
/// cancels. Returns the report (`usecases::impute::ImputeReport`: EM estimate and traces, per
/// column densities, overimputation and pooled mean) and keeps the datasets for the downloads.
/// `seconds` is left at 0: the worker times the call.
#[wasm_bindgen]
pub fn impute_run(params_js: JsValue, on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
    let page = PageParams::read(&params_js)?;
    LAST.with(|last| last.borrow_mut().take());
    let imputed = with_input(page.table.as_deref(), |t| {
        impute::run(t, &page.params, &mut |p| report_progress(on_progress, p))
            .map_err(use_case_error)
    })?;
    let js = to_js(&imputed.report)?;
    LAST.with(|last| *last.borrow_mut() = Some(imputed));
    Ok(js)
}

/// Sends one progress report to the page; `false` when the page asks to stop.
fn report_progress(on_progress: &js_sys::Function, p: Progress) -> bool {
    send_progress(
        on_progress,
        &PageProgress {
            stage: p.stage,
            run: p.run,
            runs: p.runs,
            iteration: p.iteration,
            changed: p.changed,
            max_change: p.max_change,
            fraction: p.fraction(),
        },
    )
}

fn with_last(
    write: impl FnOnce(&Imputed, &mut Vec<u8>) -> std::io::Result<()>,
) -> Result<Vec<u8>, JsValue> {
    LAST.with(|last| match last.borrow().as_ref() {
        Some(imputed) => {
            let mut out = Vec::new();
            write(imputed, &mut out)
                .map_err(|e| JsError::other("export", e.to_string()).to_js())?;
            Ok(out)
        }
        None => Err(JsError::other("noImputation", "nothing has been imputed yet").to_js()),
    })
}

/// Completed dataset `k` (1-based, as the page numbers them) of the last run as CSV bytes: the
/// id column and the imputed columns, for the rows used.
#[wasm_bindgen]
pub fn impute_dataset_csv(k: u32) -> Result<Vec<u8>, JsValue> {
    if k == 0 {
        return Err(JsError::other("export", "datasets are numbered from 1").to_js());
    }
    with_last(|imputed, out| imputed.write_dataset(k as usize - 1, out))
}

/// The M completed datasets of the last run as one long CSV, first column `.imp` (1..M).
#[wasm_bindgen]
pub fn impute_long_csv() -> Result<Vec<u8>, JsValue> {
    with_last(|imputed, out| imputed.write_long(out))
}
