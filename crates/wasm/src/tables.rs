//! The registry of parsed tables, by file name, and what the page asks of them: profiles, row
//! windows for the preview grid, CSV export, and which use cases the loaded files enable. Use
//! cases read the tables through [`with_tables`].

use crate::error::{to_js, JsError};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use tabular::profile::{self, TableProfile};
use tabular::{KnownFile, Table};
use usecases::catalogue::{self, UseCaseStatus};
use usecases::compact::Compact;
use usecases::Tables;
use wasm_bindgen::prelude::*;

/// A parsed file with the dataset file its header matched.
struct Entry {
    table: Table,
    /// Computed once at load: the profile view asks for it again on every visit.
    profile: TableProfile,
    /// The compact form a use case read the file into (`crate::compact`), once read.
    compact: Option<Compact>,
}

thread_local! {
    /// Tables by file name. wasm32 runs one thread per instance; loading a file with a name
    /// already held replaces it (the latest load wins).
    static TABLES: RefCell<BTreeMap<String, Entry>> = const { RefCell::new(BTreeMap::new()) };
    /// Loaded text files that are not tables (model files in JSON), by file name; a use case's
    /// parameter names one (the forecast's `model`).
    static DOCUMENTS: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

/// Largest text file kept as a document: a model file of a few thousand deep trees.
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// Keeps the text file `name` (a model file) for the use cases whose parameters name it;
/// a file of the same name is replaced. Returns its size in bytes.
#[wasm_bindgen]
pub fn load_document(name: &str, bytes: &[u8]) -> Result<usize, JsValue> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(JsError::other(
            "tooLarge",
            format!(
                "{name} is {} bytes: a model file may take up to {MAX_DOCUMENT_BYTES}",
                bytes.len()
            ),
        )
        .to_js());
    }
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
        JsError::other(
            "document",
            format!(
                "{name} is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .to_js()
    })?;
    DOCUMENTS.with(|d| d.borrow_mut().insert(name.to_string(), text));
    Ok(bytes.len())
}

/// Forgets a loaded document. Returns whether it was loaded.
#[wasm_bindgen]
pub fn remove_document(name: &str) -> bool {
    DOCUMENTS.with(|d| d.borrow_mut().remove(name).is_some())
}

/// Profiles `table`, keeps it and returns the profile.
/// `on_column(done, total)` is called as the profile advances column by column.
pub(crate) fn insert(
    table: Table,
    on_column: &mut dyn FnMut(usize, usize),
) -> Result<JsValue, JsValue> {
    let profile = profile::profile_with_progress(&table, on_column);
    let js = to_js(&profile)?;
    TABLES.with(|t| {
        t.borrow_mut().insert(
            table.name.clone(),
            Entry {
                table,
                profile,
                compact: None,
            },
        )
    });
    Ok(js)
}

/// The public file loaded table `name` was recognised as, if any.
pub(crate) fn recognised_as(name: &str) -> Result<Option<KnownFile>, JsValue> {
    with_entry(name, |e| Ok(e.profile.dataset))
}

/// Keeps `compact` beside loaded table `name` (until the table is removed or loaded again).
pub(crate) fn keep_compact(name: &str, compact: Compact) -> Result<(), JsValue> {
    TABLES.with(|t| match t.borrow_mut().get_mut(name) {
        Some(entry) => {
            entry.compact = Some(compact);
            Ok(())
        }
        None => Err(not_loaded(name)),
    })
}

/// The compact form of loaded table `name` made from the table (`usecases::compact::from_table`),
/// or `None` when it cannot be.
pub(crate) fn compact_from_table(name: &str) -> Result<Option<Compact>, JsValue> {
    with_entry(name, |e| {
        let made = e
            .profile
            .dataset
            .and_then(|file| usecases::compact::from_table(file, &e.table));
        made.transpose().map_err(crate::error::use_case_error)
    })
}

/// `f` of loaded table `name`'s compact form, if it has one.
pub(crate) fn with_compact<R>(name: &str, f: impl FnOnce(&Compact) -> R) -> Option<R> {
    TABLES.with(|t| t.borrow().get(name).and_then(|e| e.compact.as_ref()).map(f))
}

fn with_entry<R>(name: &str, f: impl FnOnce(&Entry) -> Result<R, JsValue>) -> Result<R, JsValue> {
    TABLES.with(|t| match t.borrow().get(name) {
        Some(entry) => f(entry),
        None => Err(not_loaded(name)),
    })
}

fn not_loaded(name: &str) -> JsValue {
    JsError::other("noTable", format!("{name} is not loaded")).to_js()
}

pub(crate) fn with_table<R>(
    name: &str,
    f: impl FnOnce(&Table) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    with_entry(name, |e| f(&e.table))
}

/// The loaded tables as a use case reads them: by the public file each was recognised as (the
/// profile computed at load), or by name; and the loaded documents by name.
struct Registry<'a>(&'a BTreeMap<String, Entry>, &'a BTreeMap<String, String>);

impl Tables for Registry<'_> {
    fn recognised(&self, file: KnownFile) -> Option<&Table> {
        self.0
            .values()
            .find(|e| e.profile.dataset == Some(file))
            .map(|e| &e.table)
    }

    fn named(&self, name: &str) -> Option<&Table> {
        self.0.get(name).map(|e| &e.table)
    }

    fn document(&self, name: &str) -> Option<&str> {
        self.1.get(name).map(String::as_str)
    }

    fn compact(&self, name: &str) -> Option<&Compact> {
        self.0.get(name).and_then(|e| e.compact.as_ref())
    }
}

/// Calls `f` with the loaded tables and documents.
pub(crate) fn with_tables<R>(f: impl FnOnce(&dyn Tables) -> R) -> R {
    TABLES.with(|t| DOCUMENTS.with(|d| f(&Registry(&t.borrow(), &d.borrow()))))
}

/// The profile of a loaded table (`tabular::profile::TableProfile`).
#[wasm_bindgen]
pub fn table_profile(name: &str) -> Result<JsValue, JsValue> {
    with_entry(name, |e| to_js(&e.profile))
}

/// Column names of a loaded table, in order.
#[wasm_bindgen]
pub fn table_columns(name: &str) -> Result<Vec<String>, JsValue> {
    with_table(name, |t| {
        Ok(t.columns.iter().map(|c| c.name.clone()).collect())
    })
}

/// A window of rows for the preview grid: `{start, rows}` where `rows` is an array of arrays of
/// cell texts (`null` for a missing cell), at most `count` rows from `start`.
#[wasm_bindgen]
pub fn table_rows(name: &str, start: u32, count: u32) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Window {
        start: usize,
        rows: Vec<Vec<Option<String>>>,
    }
    with_table(name, |t| {
        let start = (start as usize).min(t.n_rows);
        let end = start.saturating_add(count as usize).min(t.n_rows);
        let rows = (start..end)
            .map(|r| {
                t.columns
                    .iter()
                    .map(|c| c.text_at(r).map(|s| s.into_owned()))
                    .collect()
            })
            .collect();
        to_js(&Window { start, rows })
    })
}

/// The table as CSV bytes, with cells a spreadsheet would run as formulas neutralised (a
/// leading `'`), for the page's "Download CSV".
#[wasm_bindgen]
pub fn export_csv(name: &str) -> Result<Vec<u8>, JsValue> {
    with_table(name, |t| {
        let mut out = Vec::with_capacity(t.source.bytes as usize);
        tabular::write::write_csv(t, &mut out, true)
            .map_err(|e| JsError::other("export", format!("{}: {e}", t.name)).to_js())?;
        Ok(out)
    })
}

/// Forgets a loaded table. Returns whether it was loaded.
#[wasm_bindgen]
pub fn remove_table(name: &str) -> bool {
    TABLES.with(|t| t.borrow_mut().remove(name).is_some())
}

/// What the page lists: each loaded table (name, rows, columns, recognised dataset file), the
/// loaded documents, and the status of the eight use cases given those files.
#[wasm_bindgen]
pub fn summary() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct TableInfo {
        name: String,
        rows: usize,
        columns: usize,
        bytes: u64,
        dataset: Option<KnownFile>,
        /// Bytes of its compact form, once a use case read it so.
        compact_bytes: Option<u64>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Summary {
        tables: Vec<TableInfo>,
        /// The loaded documents (model files), by name.
        documents: Vec<String>,
        use_cases: Vec<UseCaseStatus>,
        /// Bytes of wasm memory the engine holds: the page shows it so that a user sees what
        /// the loaded files cost (wasm32 memory never shrinks, so this is also the peak).
        engine_memory_bytes: u64,
    }
    TABLES.with(|t| {
        let t = t.borrow();
        let tables: Vec<TableInfo> = t
            .values()
            .map(|e| TableInfo {
                name: e.table.name.clone(),
                rows: e.table.n_rows,
                columns: e.table.columns.len(),
                bytes: e.table.source.bytes,
                dataset: e.profile.dataset,
                compact_bytes: e.compact.as_ref().map(|c| c.bytes),
            })
            .collect();
        let loaded: Vec<KnownFile> = t.values().filter_map(|e| e.profile.dataset).collect();
        to_js(&Summary {
            tables,
            documents: DOCUMENTS.with(|d| d.borrow().keys().cloned().collect()),
            use_cases: catalogue::statuses(&loaded),
            engine_memory_bytes: engine_memory_bytes(),
        })
    })
}

/// Size of the instance's linear memory; 0 natively (where the facade is only unit-tested).
/// wasm32 memory never shrinks, so this is also the peak since the instance started.
pub(crate) fn engine_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u64 * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    0
}
