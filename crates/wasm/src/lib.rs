//! The wasm-bindgen facade that the page's worker calls, and nothing else does.
//!
//! Thin on purpose: parsing, profiling and generation live in `tabular` and `samples`, the use
//! cases in `usecases`; this crate turns their results into JS values (serde-wasm-bindgen) and
//! their errors into structured values `{file, line, column, columnName, param, kind, message}`,
//! keeps the parsed tables in a registry so that a file crosses the worker boundary once, and
//! runs any use case of the catalogue by name with JSON parameters (`usecase`), keeping each
//! one's last result for the view's follow-up questions and downloads. A use case whose files
//! are read as a stream runs through one generic session type ([`StreamSession`]) that the
//! worker feeds the chunks of `file.stream()`.
//!
//! A panic aborts the wasm instance (`RuntimeError: unreachable` in JS, with no message), so
//! [`init`] installs a hook that keeps the message: the worker reads it with [`take_panic`]
//! right after catching the trap, reports it as the job's error and is replaced by a fresh one.

mod compact;
mod error;
mod ingest;
mod samples;
mod stream;
mod tables;
mod usecase;

pub use compact::{compact_from_table, compact_kept, CompactRead};
pub use error::JsError;
pub use ingest::{Ingest, MAX_FILE_BYTES};
pub use samples::{generate_sample, generate_stream_sample, sample_datasets, sample_files};
pub use stream::{RowParser, StreamSession};
pub use tables::{
    export_csv, load_document, remove_document, remove_table, summary, table_columns,
    table_profile, table_rows, MAX_DOCUMENT_BYTES,
};
pub use usecase::{
    catalogue, fit_load, fit_run, fit_unload, memory_bytes, usecase_ask, usecase_download,
    usecase_drop_plan, usecase_finish, usecase_forget, usecase_plan, usecase_preview, usecase_run,
    warm_up, warm_up_row_parser,
};

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
