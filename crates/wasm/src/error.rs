//! Errors as values: what the worker posts back and the page shows.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// An error as the page receives it: the place in the file (when there is one), a machine kind
/// for tests and branching, and the message already phrased for the user (the same text as the
/// command line's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsError {
    /// File name as the user knows it.
    pub file: Option<String>,
    /// 1-based line in the file.
    pub line: Option<u64>,
    /// 1-based column position.
    pub column: Option<usize>,
    /// Column name from the header.
    pub column_name: Option<String>,
    /// The parameter at fault, as the page's form names it.
    pub param: Option<String>,
    /// `ragged`, `tooLarge`, `emptyFile`, … (see [`tabular::ErrorKind::name`]).
    pub kind: &'static str,
    /// The full message, naming file, line and column.
    pub message: String,
}

impl JsError {
    /// An error that is not tied to a file position.
    pub fn other(kind: &'static str, message: impl Into<String>) -> JsError {
        JsError {
            file: None,
            line: None,
            column: None,
            column_name: None,
            param: None,
            kind,
            message: message.into(),
        }
    }

    /// The error as a plain JS object; what facade functions throw.
    pub fn to_js(&self) -> JsValue {
        serde_wasm_bindgen::to_value(self).unwrap_or_else(|_| JsValue::from_str(&self.message))
    }
}

impl From<&tabular::CsvError> for JsError {
    fn from(e: &tabular::CsvError) -> JsError {
        JsError {
            file: Some(e.file.clone()),
            line: e.line,
            column: e.column,
            column_name: e.column_name.clone(),
            param: None,
            kind: e.kind.name(),
            message: e.to_string(),
        }
    }
}

/// Converts a `tabular` error into the thrown JS value.
pub(crate) fn csv_to_js(e: tabular::CsvError) -> JsValue {
    JsError::from(&e).to_js()
}

/// Sends one progress report to the page's callback; `false` when the page asks to stop. A
/// callback that throws stops the run as a cancel would: its job is gone.
pub(crate) fn send_progress<T: Serialize>(on_progress: &js_sys::Function, report: &T) -> bool {
    let Ok(value) = to_js(report) else {
        return true;
    };
    on_progress
        .call1(&JsValue::NULL, &value)
        .map(|answer| answer.as_bool() != Some(false))
        .unwrap_or(false)
}

/// Serialises a result for JS, as plain objects (maps become objects, not `Map`s).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsError::other("internal", e.to_string()).to_js())
}

/// A use case's error as the thrown JS value: file errors keep their position, a parameter
/// error names the parameter; the kind is [`usecases::UseCaseError::kind`] (`noTable` for a
/// file the use case needs and the page has not loaded).
pub(crate) fn use_case_error(e: usecases::UseCaseError) -> JsValue {
    use usecases::UseCaseError as E;
    match e {
        E::Csv(e) => csv_to_js(e),
        E::Param { ref name, .. } => JsError {
            param: Some(name.clone()),
            ..JsError::other("params", e.to_string())
        }
        .to_js(),
        E::MissingFile { .. } | E::NoTable { .. } => {
            JsError::other("noTable", e.to_string()).to_js()
        }
        other => JsError::other(other.kind(), other.to_string()).to_js(),
    }
}
