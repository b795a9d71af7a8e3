//! Streaming ingest: the worker feeds the chunks of `file.stream()` and never holds a file twice.

use crate::error::{csv_to_js, JsError};
use crate::tables;
use tabular::{ReadOptions, StreamReader};
use wasm_bindgen::prelude::*;

/// Largest file the page accepts: 1.5 GB. A wasm32 instance ends at 4 GiB; a parsed table takes
/// about as much memory as its text (4-byte cells against a few characters each, more for
/// mostly empty files), the parser's buffers and the other loaded tables need room too, and the
/// browser may refuse to grow a tab's memory long before 4 GiB. Larger files are refused before a
/// byte is read; the command line (`vitrine`) takes them.
pub const MAX_FILE_BYTES: u64 = 1_500_000_000;

/// One file being read, chunk by chunk. Create it, `push` each chunk in order, then `finish`;
/// drop it (`free()` in JS) to cancel.
#[wasm_bindgen]
pub struct Ingest {
    reader: Option<StreamReader>,
    /// Started with the first byte: the page reports rows per second and the reading time
    /// with the engine's one clock.
    clock: usecases::Clock,
}

#[wasm_bindgen]
impl Ingest {
    /// Starts reading `file_name`, whose size is `total_bytes`. Throws the structured error of a
    /// file larger than [`MAX_FILE_BYTES`] before anything is read.
    #[wasm_bindgen(constructor)]
    pub fn new(file_name: &str, total_bytes: f64) -> Result<Ingest, JsValue> {
        tabular::check_size(file_name, total_bytes as u64, MAX_FILE_BYTES).map_err(csv_to_js)?;
        Ok(Ingest {
            clock: usecases::Clock::start(),
            reader: Some(
                StreamReader::new(file_name, ReadOptions::default()).expecting(total_bytes as u64),
            ),
        })
    }

    /// Feeds the next chunk. Throws the structured error (e.g. a ragged row with its line).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.reader_mut()?.push(chunk).map_err(csv_to_js)
    }

    /// Data rows parsed so far, for the progress bar.
    pub fn rows(&self) -> f64 {
        self.reader.as_ref().map_or(0.0, |r| r.rows() as f64)
    }

    /// Seconds since reading started.
    pub fn seconds(&self) -> f64 {
        self.clock.total()
    }

    /// Bytes consumed so far.
    pub fn bytes(&self) -> f64 {
        self.reader.as_ref().map_or(0.0, |r| r.bytes() as f64)
    }

    /// Ends the file: keeps the table in the registry (replacing one of the same name) and
    /// returns its profile (`tabular::profile::TableProfile`). `on_column(done, total)`, when
    /// given, is called after each profiled column: the profile of millions of rows takes long
    /// enough that the page must keep showing progress.
    pub fn finish(&mut self, on_column: Option<js_sys::Function>) -> Result<JsValue, JsValue> {
        let reader = self
            .reader
            .take()
            .ok_or_else(|| JsError::other("internal", "this file was already finished").to_js())?;
        let table = reader.finish().map_err(csv_to_js)?;
        tables::insert(table, &mut |done, total| {
            if let Some(callback) = &on_column {
                // A throwing callback only loses a progress message; the profile goes on.
                let _ = callback.call2(
                    &JsValue::NULL,
                    &(done as f64).into(),
                    &(total as f64).into(),
                );
            }
        })
    }

    fn reader_mut(&mut self) -> Result<&mut StreamReader, JsValue> {
        self.reader
            .as_mut()
            .ok_or_else(|| JsError::other("internal", "this file was already finished").to_js())
    }
}
