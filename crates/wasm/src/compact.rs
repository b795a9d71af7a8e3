//! Compact reads: a loaded table's file read again, chunk by chunk, into the form a use case
//! keeps of it (`usecases::compact`: Santander's months, 24 bytes a customer-month), so that a
//! file too large to hold as a table (the 2.3 GB `train_ver2.csv`) still runs. The page reads
//! the file this way before the first run that needs it; the form is kept beside the table
//! until the table is removed or loaded again.

use crate::error::{to_js, use_case_error, JsError};
use crate::tables;
use serde::Serialize;
use usecases::compact::{Compact, CompactReader};
use wasm_bindgen::prelude::*;

/// One compact read. Create it for a loaded table, `push` its file's chunks in order, then
/// `finish`; drop it (`free()` in JS) to cancel.
#[wasm_bindgen]
pub struct CompactRead {
    table: String,
    reader: Option<Box<dyn CompactReader>>,
}

/// What a finished compact read kept.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kept {
    table: String,
    rows: u64,
    bytes: u64,
    seconds: f64,
}

impl Kept {
    fn of(table: &str, compact: &Compact) -> Kept {
        Kept {
            table: table.to_string(),
            rows: compact.rows,
            bytes: compact.bytes,
            seconds: compact.seconds,
        }
    }
}

#[wasm_bindgen]
impl CompactRead {
    /// Starts reading the file of loaded table `table`, named `file_name` (the archive's name
    /// when the table came from a `.zip` or `.gz`: errors then name both), into the compact
    /// form of the public file the table was recognised as. Throws when no use case keeps that
    /// table compactly.
    #[wasm_bindgen(constructor)]
    pub fn new(table: &str, file_name: &str) -> Result<CompactRead, JsValue> {
        let known = tables::recognised_as(table)?.ok_or_else(|| not_compact(table))?;
        let reader =
            usecases::compact::reader(known, file_name).ok_or_else(|| not_compact(table))?;
        Ok(CompactRead {
            table: table.to_string(),
            reader: Some(reader),
        })
    }

    fn reader(&mut self) -> Result<&mut Box<dyn CompactReader>, JsValue> {
        self.reader.as_mut().ok_or_else(finished)
    }

    /// Feeds the next chunk. Throws the structured error (file, line, column).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.reader()?.push(chunk).map_err(use_case_error)
    }

    /// Bytes of the file read so far.
    pub fn bytes(&self) -> f64 {
        self.reader.as_ref().map_or(0.0, |r| r.input_bytes() as f64)
    }

    /// Data rows read so far.
    pub fn rows(&self) -> f64 {
        self.reader.as_ref().map_or(0.0, |r| r.rows() as f64)
    }

    /// The file has ended: keeps its compact form beside the table and returns `{table, rows,
    /// bytes (what the form holds), seconds}`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let reader = self.reader.take().ok_or_else(finished)?;
        let compact = reader.finish().map_err(use_case_error)?;
        let kept = Kept::of(&self.table, &compact);
        tables::keep_compact(&self.table, compact)?;
        to_js(&kept)
    }
}

/// What loaded table `table`'s compact form holds, `{table, rows, bytes, seconds}` as
/// [`CompactRead::finish`] said, or `null` before it is read (the page skips a second read).
#[wasm_bindgen]
pub fn compact_kept(table: &str) -> Result<JsValue, JsValue> {
    match tables::with_compact(table, |compact| Kept::of(table, compact)) {
        Some(kept) => to_js(&kept),
        None => Ok(JsValue::NULL),
    }
}

/// Makes loaded table `table`'s compact form from the table itself when it holds the whole file
/// (a second read of the file is then not needed), keeps it and returns what was kept as
/// [`CompactRead::finish`] does; `null` when the table does not hold the whole file or no use
/// case keeps it compactly (read the file with a [`CompactRead`] then). Throws a bad cell's
/// error with its file, line and column.
#[wasm_bindgen]
pub fn compact_from_table(table: &str) -> Result<JsValue, JsValue> {
    match tables::compact_from_table(table)? {
        Some(compact) => {
            let kept = Kept::of(table, &compact);
            tables::keep_compact(table, compact)?;
            to_js(&kept)
        }
        None => Ok(JsValue::NULL),
    }
}

fn not_compact(table: &str) -> JsValue {
    JsError::other(
        "notCompact",
        format!("{table} is not a file any use case reads compactly"),
    )
    .to_js()
}

fn finished() -> JsValue {
    JsError::other("finished", "this compact read has finished").to_js()
}
