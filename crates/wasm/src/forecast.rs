//! Use case 1.1 for the page: trains the forecast on the loaded Rossmann files and keeps the
//! finished [`Forecast`] so that the chart, the store picker and the downloads can ask for more
//! without training again.

use crate::error::{send_progress, to_js, use_case_error, JsError};
use crate::tables::with_known_table;
use serde::Serialize;
use std::cell::RefCell;
use tabular::dataset::KnownFile;
use usecases::forecast::{self, features::FeatureSet, Forecast, ForecastInputs, ForecastParams};
use wasm_bindgen::prelude::*;

thread_local! {
    /// The last finished forecast; a new run replaces it (and a failed one clears it, so that
    /// the page never charts a result trained on files since removed).
    static LAST: RefCell<Option<Forecast>> = const { RefCell::new(None) };
}

/// What the page's form sends; anything left out takes the pipeline's default.
#[derive(Debug)]
struct PageParams {
    features: FeatureSet,
    holdout_days: u32,
    trees: usize,
    depth: u32,
    learning_rate: f64,
    seed: u64,
    compare_seed: bool,
}

impl Default for PageParams {
    fn default() -> Self {
        let defaults = ForecastParams::default();
        PageParams {
            features: defaults.features,
            holdout_days: defaults.holdout_days,
            trees: defaults.gbdt.n_trees,
            depth: defaults.gbdt.max_depth,
            learning_rate: defaults.gbdt.learning_rate,
            seed: defaults.gbdt.seed,
            compare_seed: defaults.compare_seed,
        }
    }
}

impl PageParams {
    /// Reads the form's object field by field. (serde-wasm-bindgen's `from_value` would pull
    /// wasm-bindgen's debug formatter into the glue, which names an outside URL in a comment.)
    fn read(js: &JsValue) -> Result<PageParams, JsValue> {
        let mut page = PageParams::default();
        if !js.is_object() {
            return Ok(page);
        }
        let get = |key: &str| js_sys::Reflect::get(js, &JsValue::from_str(key)).ok();
        let number = |key: &str| {
            get(key)
                .and_then(|v| v.as_f64())
                .filter(|x| x.is_finite() && *x >= 0.0)
        };
        if let Some(features) = get("features").and_then(|v| v.as_string()) {
            page.features = match features.as_str() {
                "full" => FeatureSet::Full,
                "seed" => FeatureSet::Seed,
                other => {
                    return Err(JsError::other(
                        "params",
                        format!("unknown feature set {other:?}: full or seed"),
                    )
                    .to_js())
                }
            };
        }
        if let Some(x) = number("holdoutDays") {
            page.holdout_days = x as u32;
        }
        if let Some(x) = number("trees") {
            page.trees = x as usize;
        }
        if let Some(x) = number("depth") {
            page.depth = x as u32;
        }
        if let Some(x) = number("learningRate") {
            page.learning_rate = x;
        }
        if let Some(x) = number("seed") {
            page.seed = x as u64;
        }
        if let Some(x) = get("compareSeed").and_then(|v| v.as_bool()) {
            page.compare_seed = x;
        }
        Ok(page)
    }

    fn into_params(self) -> ForecastParams {
        let mut params = ForecastParams {
            features: self.features,
            holdout_days: self.holdout_days,
            compare_seed: self.compare_seed,
            ..ForecastParams::default()
        };
        params.gbdt.n_trees = self.trees;
        params.gbdt.max_depth = self.depth;
        params.gbdt.learning_rate = self.learning_rate;
        params.gbdt.seed = self.seed;
        params
    }
}

/// One progress report as the page receives it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageProgress {
    phase: forecast::Phase,
    trees: usize,
    n_trees: usize,
    valid_loss: Option<f64>,
}

/// Trains the forecast on the loaded `train.csv` (required), `store.csv` and `test.csv` (when
/// loaded). `params_js` is `{features: "full"|"seed", holdoutDays, trees, depth, learningRate,
/// seed, compareSeed}`. `on_progress({phase, trees, nTrees, validLoss})` is called after every
/// tree; returning `false` cancels. Returns the report (`usecases::forecast::ForecastReport`).
#[wasm_bindgen]
pub fn forecast_run(
    params_js: JsValue,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsValue> {
    let page = PageParams::read(&params_js)?;
    let params = page.into_params();
    params
        .gbdt
        .check()
        .map_err(|e| JsError::other("params", e.to_string()).to_js())?;
    LAST.with(|last| last.borrow_mut().take());
    let result = with_known_table(KnownFile::RossmannTrain, "train.csv", |train| {
        let Some(train) = train else {
            return Err(JsError::other(
                "noTable",
                "train.csv is not loaded: load Rossmann's train.csv (or the sample) first",
            )
            .to_js());
        };
        with_known_table(KnownFile::RossmannStore, "store.csv", |store| {
            with_known_table(KnownFile::RossmannTest, "test.csv", |test| {
                let inputs = ForecastInputs { train, store, test };
                forecast::run(inputs, &params, &mut |phase, p| {
                    report_progress(on_progress, phase, p)
                })
                .map_err(use_case_error)
            })
        })
    })?;
    let js = to_js(&result.report)?;
    LAST.with(|last| *last.borrow_mut() = Some(result));
    Ok(js)
}

/// Scale of the warm-up's generated sample: about 10,000 rows of train.csv.
const WARM_UP_SCALE: f64 = 0.01;

/// Trains the forecast once on a small generated Rossmann sample and forgets it. Browsers run
/// wasm through a baseline compiler first and optimise a function only once it has run a
/// while; most of the pipeline's functions (features, binning, the boosting step) run once or
/// a few times per forecast, so without this the user's first forecast runs them unoptimised.
/// The worker calls it at start-up, after the ingest warm-up (about 0.1 s).
#[wasm_bindgen]
pub fn forecast_warm_up() -> Result<(), JsValue> {
    let read = |file: &str| {
        let mut bytes = Vec::new();
        samples::write_file(
            samples::Dataset::Rossmann,
            file,
            WARM_UP_SCALE,
            1,
            &mut bytes,
        )
        .map_err(|e| JsError::other("sample", e.to_string()).to_js())?;
        tabular::read_bytes(file, &bytes, tabular::ReadOptions::default())
            .map_err(|e| JsError::from(&e).to_js())
    };
    let (train, store) = (read("train.csv")?, read("store.csv")?);
    let mut params = ForecastParams {
        compare_seed: false,
        ..ForecastParams::default()
    };
    params.gbdt.n_trees = 5;
    let inputs = ForecastInputs {
        train: &train,
        store: Some(&store),
        test: None,
    };
    forecast::run(inputs, &params, &mut |_, _| true).map_err(use_case_error)?;
    Ok(())
}

/// Sends one progress report to the page; `false` when the page asks to stop.
fn report_progress(
    on_progress: &js_sys::Function,
    phase: forecast::Phase,
    p: &learn::gbdt::Progress,
) -> bool {
    send_progress(
        on_progress,
        &PageProgress {
            phase,
            trees: p.trees,
            n_trees: p.n_trees,
            valid_loss: p.valid_loss,
        },
    )
}

fn with_last<R>(f: impl FnOnce(&Forecast) -> Result<R, JsValue>) -> Result<R, JsValue> {
    LAST.with(|last| match last.borrow().as_ref() {
        Some(forecast) => f(forecast),
        None => Err(JsError::other("noForecast", "no forecast has been trained yet").to_js()),
    })
}

/// One store's last `history_days` before validation, its validation days and forecast days
/// (`usecases::forecast::StoreSeries`: dates in days since 1970-01-01).
#[wasm_bindgen]
pub fn forecast_store_series(store: u32, history_days: u32) -> Result<JsValue, JsValue> {
    with_last(|f| to_js(&f.store_series(store, history_days)))
}

/// `Store,Date,Sales,Predicted,Baseline` for every open validation day, as CSV bytes.
#[wasm_bindgen]
pub fn forecast_predictions_csv() -> Result<Vec<u8>, JsValue> {
    with_last(|f| {
        let mut out = Vec::new();
        f.write_validation_csv(&mut out)
            .map_err(|e| JsError::other("export", e.to_string()).to_js())?;
        Ok(out)
    })
}

/// The forecast of `test.csv` as `Id,Sales` CSV bytes, or `None` when no test.csv was loaded
/// (or the model used `Customers`, which test.csv does not have).
#[wasm_bindgen]
pub fn forecast_test_csv() -> Result<Option<Vec<u8>>, JsValue> {
    with_last(|f| {
        let mut out = Vec::new();
        let written = f
            .write_test_csv(&mut out)
            .map_err(|e| JsError::other("export", e.to_string()).to_js())?;
        Ok(written.then_some(out))
    })
}

/// The trained model as JSON, to keep or inspect.
#[wasm_bindgen]
pub fn forecast_model_json() -> Result<String, JsValue> {
    with_last(|f| Ok(f.model.to_json()))
}
