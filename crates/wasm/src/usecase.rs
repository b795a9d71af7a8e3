//! Every use case through one door: the catalogue, a run with JSON parameters and a progress
//! callback, the questions a view asks before and after, and the downloads. This module holds
//! the fitted result of each use case (one place, beside the loaded tables in `tables`); a new
//! run replaces its use case's result, and a failed one clears it, so that the page never
//! charts or downloads a result trained on files since removed.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use usecases::catalogue::{self, UseCaseInfo};
use usecases::contract::{Download, Runner};
use usecases::pool::{fit_kind, ErasedPlan, Shared};
use usecases::{Fitted, UseCaseError};
use wasm_bindgen::prelude::*;

use crate::error::{send_progress, to_js, use_case_error, JsError};
use crate::tables::with_tables;

thread_local! {
    /// The last fitted result of each use case, by name.
    static RESULTS: RefCell<BTreeMap<&'static str, Box<dyn Fitted>>> =
        const { RefCell::new(BTreeMap::new()) };
    /// Runs planned and waiting for their fits (from a pool of workers), by use case.
    static PLANS: RefCell<BTreeMap<&'static str, Box<dyn ErasedPlan>>> =
        const { RefCell::new(BTreeMap::new()) };
    /// In a worker of the pool: the shared bytes of the fits it runs, read once, by kind.
    static SHARED: RefCell<Option<(&'static str, Shared)>> = const { RefCell::new(None) };
}

/// Every use case: id, name, files needed and optional, whether this build runs it, and its
/// parameters with their help and defaults (`usecases::catalogue::UseCaseEntry`). The page's
/// forms start from these defaults.
#[wasm_bindgen]
pub fn catalogue() -> Result<JsValue, JsValue> {
    to_js(&catalogue::entries())
}

pub(crate) fn runnable(name: &str) -> Result<(&'static UseCaseInfo, Runner), JsValue> {
    let info = catalogue::find(name).ok_or_else(|| {
        JsError::other("unknownUseCase", format!("no use case named {name}")).to_js()
    })?;
    let runner = info.runner.ok_or_else(|| {
        JsError::other(
            "notRunnable",
            format!(
                "use case {} ({}) does not run in this build yet",
                info.id, info.name
            ),
        )
        .to_js()
    })?;
    Ok((info, runner))
}

pub(crate) fn parse_json(what: &str, json: &str) -> Result<Value, JsValue> {
    if json.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(json)
        .map_err(|e| JsError::other("params", format!("{what} are not JSON: {e}")).to_js())
}

/// What a run returns to the page: the report, the downloads it offers, and the engine's memory
/// after it (the peak of the instance so far: wasm32 memory never shrinks).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunResult<'a> {
    report: Value,
    downloads: &'a [Download],
    engine_memory_bytes: u64,
}

/// Keeps `fitted` as use case `name`'s last result and returns `{report, downloads}` for the
/// page.
pub(crate) fn keep_result(name: &'static str, fitted: Box<dyn Fitted>) -> Result<JsValue, JsValue> {
    let js = to_js(&RunResult {
        report: fitted.report(),
        downloads: &fitted.downloads(),
        engine_memory_bytes: crate::tables::engine_memory_bytes(),
    })?;
    RESULTS.with(|r| r.borrow_mut().insert(name, fitted));
    Ok(js)
}

/// Forgets use case `name`'s last result (a new run starts).
pub(crate) fn drop_result(name: &'static str) {
    RESULTS.with(|r| r.borrow_mut().remove(name));
}

/// Runs use case `name` (`forecast`, `cluster`, `impute`, …) on the loaded tables with
/// `params_json` (camelCase names; absent ones take their defaults). `on_progress({stage, done,
/// total, fraction, value})` is called as it advances; returning `false` cancels. Returns
/// `{report, downloads}` and keeps the fitted result for [`usecase_ask`] and
/// [`usecase_download`].
#[wasm_bindgen]
pub fn usecase_run(
    name: &str,
    params_json: &str,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsValue> {
    let (info, runner) = runnable(name)?;
    let (run, _) = runner.tables(info.name).map_err(use_case_error)?;
    let params = parse_json("the parameters", params_json)?;
    drop_result(info.name);
    let fitted = with_tables(|tables| {
        run(tables, &params, &mut |p| send_progress(on_progress, p)).map_err(use_case_error)
    })?;
    keep_result(info.name, fitted)
}

/// The fits a planned run hands out: the bytes every fit shares and one job per fit.
#[derive(Serialize)]
struct PlanResult<'a> {
    kind: &'static str,
    #[serde(with = "serde_bytes_as_array")]
    shared: &'a [u8],
    jobs: Vec<String>,
    labels: &'a [String],
}

/// Bytes as a JS `Uint8Array` rather than a list of numbers.
mod serde_bytes_as_array {
    pub fn serialize<S: serde::Serializer>(bytes: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }
}

/// Plans use case `name`'s run with `params_json` for a pool of workers (its catalogue entry
/// says `pooled`): reads the inputs, keeps the plan, and returns `{kind, shared, jobs, labels}`:
/// the kind of fit, the bytes every fit shares (a `Uint8Array`, to load once per worker with
/// [`fit_load`]), one job per fit (JSON, for [`fit_run`]) and what each fits. The pool's results
/// go to [`usecase_finish`], in job order. A new plan replaces the use case's waiting one.
#[wasm_bindgen]
pub fn usecase_plan(
    name: &str,
    params_json: &str,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsValue> {
    let (info, runner) = runnable(name)?;
    let plan_fn = runner.plan.ok_or_else(|| {
        JsError::other(
            "notPooled",
            format!("{} runs in one call, not on a pool", info.name),
        )
        .to_js()
    })?;
    let params = parse_json("the parameters", params_json)?;
    RESULTS.with(|r| r.borrow_mut().remove(info.name));
    PLANS.with(|p| p.borrow_mut().remove(info.name));
    let plan = with_tables(|tables| {
        plan_fn(tables, &params, &mut |p| send_progress(on_progress, p)).map_err(use_case_error)
    })?;
    let fits = plan.fits();
    let js = to_js(&PlanResult {
        kind: fits.kind,
        shared: &fits.shared,
        jobs: fits.jobs.iter().map(|j| j.to_string()).collect(),
        labels: &fits.labels,
    })?;
    PLANS.with(|p| p.borrow_mut().insert(info.name, plan));
    Ok(js)
}

/// Finishes use case `name`'s planned run with the pool's `results` (one `Uint8Array` per job,
/// in job order): returns `{report, downloads}` and keeps the result, as [`usecase_run`] does.
#[wasm_bindgen]
pub fn usecase_finish(
    name: &str,
    results: js_sys::Array,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsValue> {
    let (info, _) = runnable(name)?;
    let plan = PLANS
        .with(|p| p.borrow_mut().remove(info.name))
        .ok_or_else(|| {
            JsError::other(
                "noPlan",
                format!("{} has no run waiting for its fits", info.name),
            )
            .to_js()
        })?;
    let results: Vec<Vec<u8>> = results
        .iter()
        .map(|r| js_sys::Uint8Array::new(&r).to_vec())
        .collect();
    let fitted = plan
        .finish(results, &mut |p| send_progress(on_progress, p))
        .map_err(use_case_error)?;
    keep_result(info.name, fitted)
}

/// Forgets use case `name`'s planned run (its pool was cancelled). Returns whether there was one.
#[wasm_bindgen]
pub fn usecase_drop_plan(name: &str) -> bool {
    PLANS.with(|p| {
        catalogue::find(name).is_some_and(|info| p.borrow_mut().remove(info.name).is_some())
    })
}

/// In a worker of the pool: reads the bytes the fits of `kind` share, once, for [`fit_run`].
#[wasm_bindgen]
pub fn fit_load(kind: &str, shared: &[u8]) -> Result<(), JsValue> {
    let kind = fit_kind(kind).map_err(use_case_error)?;
    SHARED.with(|s| *s.borrow_mut() = None);
    let loaded = (kind.load)(shared).map_err(use_case_error)?;
    SHARED.with(|s| *s.borrow_mut() = Some((kind.name, loaded)));
    Ok(())
}

/// In a worker of the pool: runs one fit (`job_json`, from [`usecase_plan`]'s jobs) of `kind`
/// on the bytes [`fit_load`] read; returns its result's bytes.
#[wasm_bindgen]
pub fn fit_run(kind: &str, job_json: &str) -> Result<Vec<u8>, JsValue> {
    let fit = fit_kind(kind).map_err(use_case_error)?;
    let job = parse_json("the job", job_json)?;
    SHARED.with(|s| match &*s.borrow() {
        Some((loaded, shared)) if *loaded == fit.name => {
            (fit.run)(shared.as_ref(), &job).map_err(use_case_error)
        }
        _ => Err(JsError::other("noShared", format!("fit_load({kind}) first")).to_js()),
    })
}

/// Forgets what [`fit_load`] read.
#[wasm_bindgen]
pub fn fit_unload() {
    SHARED.with(|s| *s.borrow_mut() = None);
}

/// Answers `question` of use case `name` before a run, from the loaded tables (the imputation's
/// `summary` and `plan`). `args_json` is the question's arguments.
#[wasm_bindgen]
pub fn usecase_preview(name: &str, question: &str, args_json: &str) -> Result<JsValue, JsValue> {
    let (info, runner) = runnable(name)?;
    let (_, preview) = runner.tables(info.name).map_err(use_case_error)?;
    let args = parse_json("the question's arguments", args_json)?;
    let answer = with_tables(|tables| preview(tables, question, &args).map_err(use_case_error))?;
    to_js(&answer)
}

fn with_result<R>(
    name: &str,
    f: impl FnOnce(&mut dyn Fitted) -> Result<R, UseCaseError>,
) -> Result<R, JsValue> {
    let (info, _) = runnable(name)?;
    RESULTS.with(|r| match r.borrow_mut().get_mut(info.name) {
        Some(fitted) => f(fitted.as_mut()).map_err(use_case_error),
        None => Err(JsError::other(
            "noResult",
            format!("{} ({}) has not been run yet", info.name, info.id),
        )
        .to_js()),
    })
}

/// Answers a follow-up `question` from use case `name`'s last result, without running again
/// (the forecast's `series` of another store, the clustering's `cut` at another k).
#[wasm_bindgen]
pub fn usecase_ask(name: &str, question: &str, args_json: &str) -> Result<JsValue, JsValue> {
    let args = parse_json("the question's arguments", args_json)?;
    let answer = with_result(name, |fitted| fitted.ask(question, &args))?;
    to_js(&answer)
}

/// The download `key` of use case `name`'s last result, as bytes.
#[wasm_bindgen]
pub fn usecase_download(name: &str, key: &str) -> Result<Vec<u8>, JsValue> {
    with_result(name, |fitted| {
        let mut out = Vec::new();
        fitted.download(key, &mut out)?;
        Ok(out)
    })
}

/// Forgets use case `name`'s last result. Returns whether there was one.
#[wasm_bindgen]
pub fn usecase_forget(name: &str) -> bool {
    RESULTS.with(|r| {
        catalogue::find(name).is_some_and(|info| r.borrow_mut().remove(info.name).is_some())
    })
}

/// Scale of the warm-up's generated sample: about 10,000 rows of train.csv.
const WARM_UP_SCALE: f64 = 0.01;

/// Trains a small forecast once on a generated Rossmann sample, streams a small generated Bosch
/// file three times, and forgets both. Browsers run wasm through a baseline compiler first and
/// optimise a function only once it has run a while; most of the forecast's functions
/// (features, binning, the boosting step) run once or a few times per forecast, and a stream's
/// first seconds would run its parser and models unoptimised (the first stream of 59,187 parts
/// about a fifth slower than the next), so without this the user's first run pays for it. The
/// worker calls it at start-up, after the ingest warm-up (about half a second in all, in the
/// worker: the page is usable meanwhile).
#[wasm_bindgen]
pub fn warm_up() -> Result<(), JsValue> {
    warm_up_forecast()?;
    warm_up_stream()
}

/// Scale of the stream warm-up's generated Bosch file: about 2,400 parts (5 MB; 14 failures,
/// enough for its window to retrain).
const WARM_UP_STREAM_SCALE: f64 = 0.002;

/// Times the warm-up streams its file: each time the engine optimises more of what a stream
/// runs (the first stream of 59,187 parts after one warm-up stream ran at a median 89,500
/// parts/s in Node, after three at 96,000).
const WARM_UP_STREAMS: usize = 3;

/// The stream warm-up's generated Bosch file, shared by its readers rather than copied for each.
fn warm_up_stream_file() -> (usecases::streaming::StreamFile, std::rc::Rc<[u8]>) {
    let name = "train_numeric.csv";
    let bytes: std::rc::Rc<[u8]> =
        samples::file_bytes(samples::Dataset::Bosch, name, WARM_UP_STREAM_SCALE, 1).into();
    let file = usecases::streaming::StreamFile {
        role: "numeric".into(),
        name: name.into(),
        bytes: Some(bytes.len() as u64),
        entry: None,
    };
    (file, bytes)
}

/// Streams a generated Bosch file with a window short enough to retrain a few times on it: once
/// parsing its text inside the session, as the replay of a date file's segments does, then fed
/// rows parsed apart, as the page's second worker feeds them.
fn warm_up_stream() -> Result<(), JsValue> {
    let (file, bytes) = warm_up_stream_file();
    let (info, runner) = runnable("stream")?;
    let start = runner.stream(info.name).map_err(use_case_error)?;
    let params = serde_json::json!({"window": 2_000, "retrainEvery": 400});
    for time in 0..WARM_UP_STREAMS {
        let session = start(std::slice::from_ref(&file), &params, &[]).map_err(use_case_error)?;
        let mut open = |_: &str| -> std::io::Result<Box<dyn std::io::Read>> {
            Ok(Box::new(std::io::Cursor::new(std::rc::Rc::clone(&bytes))))
        };
        let apart = time > 0;
        usecases::streaming::drive_parsing(session, &mut open, 1 << 20, apart, &mut |_| true)
            .map_err(use_case_error)?;
    }
    Ok(())
}

/// What the worker that parses a stream's rows apart runs at start-up: parses the stream
/// warm-up's file into batches of rows as many times, for the reason [`warm_up`] says.
#[wasm_bindgen]
pub fn warm_up_row_parser() -> Result<(), JsValue> {
    let (file, bytes) = warm_up_stream_file();
    let (info, runner) = runnable("stream")?;
    let start = runner.stream(info.name).map_err(use_case_error)?;
    let session = start(&[file], &serde_json::json!({}), &[]).map_err(use_case_error)?;
    let reading = session.reading().ok_or_else(|| {
        JsError::other("internal", "the stream's first pass is not parsed apart").to_js()
    })?;
    for _ in 0..WARM_UP_STREAMS {
        let mut parser = reading.parser();
        for chunk in bytes.chunks(1 << 20) {
            parser.push(chunk).map_err(crate::error::csv_to_js)?;
        }
        parser.finish(&[]).map_err(crate::error::csv_to_js)?;
    }
    Ok(())
}

/// Trains a small forecast on a generated Rossmann sample.
fn warm_up_forecast() -> Result<(), JsValue> {
    let mut tables = usecases::TableSet::new();
    for file in ["train.csv", "store.csv"] {
        let mut bytes = Vec::new();
        samples::write_file(
            samples::Dataset::Rossmann,
            file,
            WARM_UP_SCALE,
            1,
            &mut bytes,
        )
        .map_err(|e| JsError::other("sample", e.to_string()).to_js())?;
        let table = tabular::read_bytes(file, &bytes, tabular::ReadOptions::default())
            .map_err(|e| JsError::from(&e).to_js())?;
        tables.add(table);
    }
    let (info, runner) = runnable("forecast")?;
    let (run, _) = runner.tables(info.name).map_err(use_case_error)?;
    let params = serde_json::json!({"trees": 5, "compareSeed": false});
    run(&tables, &params, &mut usecases::progress::ignore).map_err(use_case_error)?;
    Ok(())
}

/// Bytes of this instance's linear memory (it never shrinks: the peak so far). A worker of
/// the pool reports it beside its results, so that the page can say what a run cost.
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    crate::tables::engine_memory_bytes() as f64
}
