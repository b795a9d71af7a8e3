//! Any streamed use case of the catalogue (`usecases::streaming`) through one type: the worker
//! creates a [`StreamSession`] with the use case's name, JSON parameters and the files it holds
//! (role, name, size), then asks `next()` and feeds the chunks of `file.stream()` to `push`,
//! calls `end_pass` at each file's end and `step` when the session has work, reads `progress()`
//! and `live()` between calls, drains the streamed downloads with `take_output`, and finally
//! `finish`es: the fitted result is kept as the use case's last one, for `usecase_ask` and
//! `usecase_download`. Nothing runs between two calls, so the worker can pause, slow down or
//! cancel between chunks. Dropping the object (`free()`) abandons the run.

use serde_json::Value;
use usecases::streaming::{Reading, StreamFile, StreamSession as Session};
use wasm_bindgen::prelude::*;

use crate::error::{csv_to_js, to_js, use_case_error, JsError};
use crate::usecase::{drop_result, keep_result, parse_json, runnable};

/// A streamed use case being run: see the module documentation.
#[wasm_bindgen]
pub struct StreamSession {
    name: &'static str,
    session: Option<Box<dyn Session>>,
}

#[wasm_bindgen]
impl StreamSession {
    /// Starts streamed use case `use_case` (`stream`) with `params_json` (camelCase names; absent
    /// ones take their defaults) on `files_json` (`[{role, name, bytes}]`), writing the streamed
    /// downloads named in `outputs_json` (`["alerts", "scores"]`). Forgets the use case's last
    /// result. Throws the structured error of a bad parameter or a missing file.
    #[wasm_bindgen(constructor)]
    pub fn new(
        use_case: &str,
        params_json: &str,
        files_json: &str,
        outputs_json: &str,
    ) -> Result<StreamSession, JsValue> {
        let (info, runner) = runnable(use_case)?;
        let start = runner.stream(info.name).map_err(use_case_error)?;
        let params = parse_json("the parameters", params_json)?;
        let files: Vec<StreamFile> =
            serde_json::from_value(parse_json("the files", files_json)?)
                .map_err(|e| JsError::other("params", format!("the files: {e}")).to_js())?;
        let outputs: Vec<String> = match parse_json("the outputs", outputs_json)? {
            Value::Null => Vec::new(),
            list => serde_json::from_value(list)
                .map_err(|e| JsError::other("params", format!("the outputs: {e}")).to_js())?,
        };
        drop_result(info.name);
        let session = start(&files, &params, &outputs).map_err(use_case_error)?;
        Ok(StreamSession {
            name: info.name,
            session: Some(session),
        })
    }

    fn session(&self) -> Result<&dyn Session, JsValue> {
        self.session.as_deref().ok_or_else(finished)
    }

    fn session_mut(&mut self) -> Result<&mut Box<dyn Session>, JsValue> {
        self.session.as_mut().ok_or_else(finished)
    }

    /// What to do next: `{kind: "read", role, pass, passes}`, `{kind: "work"}` or
    /// `{kind: "done"}`.
    pub fn next(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session()?.next())
    }

    /// The next chunk of the file being read. Throws the structured error (file, line,
    /// column) of bad input.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.session_mut()?.push(chunk).map_err(use_case_error)
    }

    /// How the file `next()` asks for may be parsed in another worker (a [`RowParser`] made
    /// from it), before its first chunk is pushed: `{role, name, file, entry, options}`, or
    /// `null` when this pass is read as text only.
    pub fn reading(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session()?.reading())
    }

    /// Instead of `push`ing the file's text, the next batch of its rows from a [`RowParser`];
    /// `next()` then asks for work until the batch's rows are used. Throws the structured error
    /// of a batch that does not belong here.
    pub fn push_rows(&mut self, batch: &[u8]) -> Result<(), JsValue> {
        self.session_mut()?.push_rows(batch).map_err(use_case_error)
    }

    /// The file being read has ended.
    pub fn end_pass(&mut self) -> Result<(), JsValue> {
        self.session_mut()?.end_pass().map_err(use_case_error)
    }

    /// At most `max_units` units of the work `next()` asked for.
    pub fn step(&mut self, max_units: f64) -> Result<(), JsValue> {
        self.session_mut()?
            .step(max_units.max(1.0) as u64)
            .map_err(use_case_error)
    }

    /// `{stage, done, total, fraction, value}`, as a use case's run reports it.
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session()?.progress())
    }

    /// The live report (bounded in size).
    pub fn live(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session()?.live())
    }

    /// The bytes of streamed download `key` written since the last call.
    pub fn take_output(&mut self, key: &str) -> Result<Vec<u8>, JsValue> {
        Ok(self.session_mut()?.take_output(key))
    }

    /// Ends the run: keeps the result as the use case's last one and returns `{report,
    /// downloads}`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let session = self.session.take().ok_or_else(finished)?;
        let fitted = session.finish().map_err(use_case_error)?;
        keep_result(self.name, fitted)
    }
}

/// Parses the chunks of one pass of a stream into batches of rows for
/// [`StreamSession::push_rows`], so that a second worker parses while the first scores.
#[wasm_bindgen]
pub struct RowParser {
    parser: Option<tabular::rows::batch::RowParser>,
}

#[wasm_bindgen]
impl RowParser {
    /// A parser of the pass `reading_json` describes (what [`StreamSession::reading`] returned).
    #[wasm_bindgen(constructor)]
    pub fn new(reading_json: &str) -> Result<RowParser, JsValue> {
        let reading: Reading = serde_json::from_value(parse_json("the reading", reading_json)?)
            .map_err(|e| JsError::other("params", format!("the reading: {e}")).to_js())?;
        Ok(RowParser {
            parser: Some(reading.parser()),
        })
    }

    /// The next chunk of the file: the batch of the rows it completed. Throws the structured
    /// error (file, line, column) of bad input.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.parser
            .as_mut()
            .ok_or_else(finished)?
            .push(chunk)
            .map_err(csv_to_js)
    }

    /// The file's last chunk (may be empty): the pass's last batch.
    pub fn finish(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        let parser = self.parser.take().ok_or_else(finished)?;
        parser.finish(chunk).map_err(csv_to_js)
    }
}

fn finished() -> JsValue {
    JsError::other("internal", "this stream has already finished").to_js()
}
