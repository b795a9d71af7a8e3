//! Why an Instacart pipeline stopped, in words a business user can act on.

use std::fmt;

/// Why a pipeline stopped. Mirrors the crate's `UseCaseError` variant for variant, so that the
/// contract adapter maps one onto the other.
#[derive(Debug)]
pub enum OrdersError {
    /// A file lacks what the use case needs or holds a bad cell; names file, line and column.
    Csv(tabular::CsvError),
    /// The files were read but cannot serve this use case (no train order to learn from).
    Input(String),
    /// A learner refused its parameters or its data.
    Model(String),
    /// The user cancelled the job.
    Cancelled,
}

impl fmt::Display for OrdersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrdersError::Csv(error) => write!(f, "{error}"),
            OrdersError::Input(message) | OrdersError::Model(message) => f.write_str(message),
            OrdersError::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for OrdersError {}

impl From<tabular::CsvError> for OrdersError {
    fn from(error: tabular::CsvError) -> Self {
        OrdersError::Csv(error)
    }
}

impl From<learn::gbdt::GbdtError> for OrdersError {
    fn from(error: learn::gbdt::GbdtError) -> Self {
        OrdersError::Model(error.to_string())
    }
}
