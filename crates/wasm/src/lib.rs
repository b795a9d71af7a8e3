//! The wasm-bindgen facade that the page's worker calls, and nothing else does.
//!
//! Thin on purpose: parsing, profiling and generation live in `tabular` and `samples`; this crate
//! turns their results into JS values (serde-wasm-bindgen) and their errors into structured
//! values `{file, line, column, columnName, kind, message}`, and keeps the parsed tables in a
//! registry so that a file crosses the worker boundary once.
//!
//! A panic aborts the wasm instance (`RuntimeError: unreachable` in JS, with no message), so
//! [`init`] installs a hook that keeps the message: the worker reads it with [`take_panic`]
//! right after catching the trap, reports it as the job's error and is replaced by a fresh one.

mod clusters;
mod error;
mod forecast;
mod impute;
mod ingest;
mod samples;
mod tables;

pub use clusters::{cluster_assignments_csv, cluster_recut, cluster_run};
pub use error::JsError;
pub use forecast::{
    forecast_model_json, forecast_predictions_csv, forecast_run, forecast_store_series,
    forecast_test_csv, forecast_warm_up,
};
pub use impute::{
    impute_dataset_csv, impute_long_csv, impute_plan, impute_run, impute_summary,
    PAGE_MEMORY_BUDGET,
};
pub use ingest::{Ingest, MAX_FILE_BYTES};
pub use samples::{generate_sample, sample_datasets, sample_files};
pub use tables::{export_csv, remove_table, summary, table_columns, table_profile, table_rows};

use std::sync::Mutex;
use wasm_bindgen::prelude::*;

/// The last panic's message, kept for [`take_panic`]: after a trap, JS cannot get it otherwise.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen]
extern "C" {
    /// `console.error`, present in browsers, workers and Node alike.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Installs the panic hook. Call once after instantiating the module; calling again is harmless.
#[wasm_bindgen]
pub fn init() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        console_error(&message);
        if let Ok(mut slot) = LAST_PANIC.lock() {
            *slot = Some(message);
        }
    }));
}

/// The message of the panic that just trapped, if any (and forgets it). The instance that
/// panicked may hold half-updated state: the caller reads this, then discards the instance.
#[wasm_bindgen]
pub fn take_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut slot| slot.take())
}

/// Panics on purpose, so that tests can prove a panic becomes an error message and a fresh
/// worker, not a dead page.
#[wasm_bindgen]
pub fn panic_for_test(message: &str) {
    panic!("{message}");
}
