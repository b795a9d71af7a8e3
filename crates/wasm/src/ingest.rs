//! Streaming ingest: the worker feeds the chunks of `file.stream()` and never holds a file twice.
//! A file may be a CSV file, a `.gz` of one or a `.zip` of several (the public datasets are
//! downloaded so), decompressed chunk by chunk into the same parser; it gives one table per CSV
//! file it holds.

use crate::error::{csv_to_js, JsError};
use crate::tables;
use tabular::{InputReader, ReadOptions};
use wasm_bindgen::prelude::*;

/// Most bytes of text a whole table may hold in the page: 1.5 GB. A wasm32 instance ends at 4
/// GiB; a parsed table takes about as much memory as its text (4-byte cells against a few
/// characters each, more for mostly empty files), the parser's buffers and the other loaded
/// tables need room too, and the browser may refuse to grow a tab's memory long before 4 GiB.
/// The limit is on the text (a compressed file's text once uncompressed). A larger file is
/// profiled in one pass without being kept; a read that keeps some of its columns
/// ([`Ingest::keep_columns`]) keeps those, up to this much text.
pub const MAX_FILE_BYTES: u64 = 1_500_000_000;

/// One file being read, chunk by chunk. Create it, set what to keep if not everything, `push`
/// each chunk in order, then `finish`; drop it (`free()` in JS) to cancel.
#[wasm_bindgen]
pub struct Ingest {
    file_name: String,
    total_bytes: u64,
    options: ReadOptions,
    only: Option<Vec<String>>,
    /// Created at the first chunk, once the options are set.
    reader: Option<InputReader>,
    finished: bool,
    /// Started with the object: the page reports rows per second and the reading time with
    /// the engine's one clock.
    clock: usecases::Clock,
}

#[wasm_bindgen]
impl Ingest {
    /// Starts reading `file_name`, whose size is `total_bytes`. A CSV file with more text than
    /// [`MAX_FILE_BYTES`] is profiled without being kept (its profile says so), unless
    /// [`Ingest::keep_columns`] names the columns to keep.
    #[wasm_bindgen(constructor)]
    pub fn new(file_name: &str, total_bytes: f64) -> Result<Ingest, JsValue> {
        Ok(Ingest {
            file_name: file_name.to_string(),
            total_bytes: total_bytes as u64,
            options: ReadOptions {
                max_text_bytes: Some(MAX_FILE_BYTES),
                ..ReadOptions::default()
            },
            only: None,
            reader: None,
            finished: false,
            clock: usecases::Clock::start(),
        })
    }

    /// Lowers the text a whole table may hold below [`MAX_FILE_BYTES`] (never above it): a tab
    /// that holds other tables may want less, and tests exercise the over-limit path with small
    /// files. Call before the first chunk.
    pub fn limit_text(&mut self, bytes: f64) {
        if bytes.is_finite() && bytes > 0.0 {
            self.options.max_text_bytes = Some((bytes as u64).min(MAX_FILE_BYTES));
        }
    }

    /// Keeps only these columns, in this order, and profiles the others as they stream past:
    /// how a file too large to hold whole is read for a use case, and what the page's "keep
    /// these columns" asks. Call before the first chunk.
    pub fn keep_columns(&mut self, columns: Vec<String>) {
        self.options.columns = Some(columns);
        self.options.summarize_skipped = true;
    }

    /// Reads only these CSV files of a zip archive (by the names their tables take), as the
    /// page does when it reloads the files it kept. Call before the first chunk.
    pub fn only_files(&mut self, names: Vec<String>) {
        self.only = Some(names);
    }

    /// Feeds the next chunk. Throws the structured error (e.g. a ragged row with its line).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        if self.finished {
            return Err(already_finished());
        }
        if self.reader.is_none() {
            let mut reader =
                InputReader::new(&self.file_name, self.options.clone()).expecting(self.total_bytes);
            if let Some(only) = self.only.take() {
                reader = reader.only(only);
            }
            self.reader = Some(reader);
        }
        let reader = self.reader.as_mut().expect("created above");
        reader.push(chunk).map_err(csv_to_js)
    }

    /// Seconds since reading started.
    pub fn seconds(&self) -> f64 {
        self.clock.total()
    }

    /// Data rows of the CSV file being read, for the progress bar.
    pub fn rows(&self) -> f64 {
        self.reader
            .as_ref()
            .map_or(0.0, |r| r.progress().rows as f64)
    }

    /// Bytes of the file consumed so far (compressed bytes for an archive).
    pub fn bytes(&self) -> f64 {
        self.reader
            .as_ref()
            .map_or(0.0, |r| r.progress().input_bytes as f64)
    }

    /// Bytes of text read so far (uncompressed).
    pub fn text_bytes(&self) -> f64 {
        self.reader
            .as_ref()
            .map_or(0.0, |r| r.progress().text_bytes as f64)
    }

    /// The CSV file being read: the file itself, or the archive's entry.
    pub fn entry(&self) -> Option<String> {
        self.reader.as_ref().and_then(|r| r.progress().entry)
    }

    /// Ends the file: keeps each table it holds in the registry (replacing one of the same
    /// name) and returns their profiles (`tabular::profile::TableProfile`), in file order.
    /// `on_column(done, total)`, when given, is called after each profiled column: the profile
    /// of millions of rows takes long enough that the page must keep showing progress.
    pub fn finish(&mut self, on_column: Option<js_sys::Function>) -> Result<JsValue, JsValue> {
        if self.finished {
            return Err(already_finished());
        }
        self.finished = true;
        let reader = match self.reader.take() {
            Some(reader) => reader,
            None => InputReader::new(&self.file_name, self.options.clone()),
        };
        let tables = reader.finish().map_err(csv_to_js)?;
        let profiles = js_sys::Array::new();
        for table in tables {
            let profile = tables::insert(table, &mut |done, total| {
                if let Some(callback) = &on_column {
                    // A throwing callback only loses a progress message; the profile goes on.
                    let _ = callback.call2(
                        &JsValue::NULL,
                        &(done as f64).into(),
                        &(total as f64).into(),
                    );
                }
            })?;
            profiles.push(&profile);
        }
        Ok(profiles.into())
    }
}

fn already_finished() -> JsValue {
    JsError::other("internal", "this file was already finished").to_js()
}
