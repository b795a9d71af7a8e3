//! The one error type of the pipelines: what went wrong, in words a business user can act on.

use std::fmt;

/// Why a pipeline stopped.
#[derive(Debug)]
pub enum UseCaseError {
    /// A file could not be read or lacks what the use case needs; names file, line and column.
    Csv(tabular::CsvError),
    /// The files were read but cannot serve this use case (e.g. no row left to validate on).
    Input(String),
    /// A learner refused its parameters or its data.
    Model(String),
    /// The user cancelled the job.
    Cancelled,
}

impl fmt::Display for UseCaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UseCaseError::Csv(error) => write!(f, "{error}"),
            UseCaseError::Input(message) | UseCaseError::Model(message) => f.write_str(message),
            UseCaseError::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for UseCaseError {}

impl From<tabular::CsvError> for UseCaseError {
    fn from(error: tabular::CsvError) -> Self {
        UseCaseError::Csv(error)
    }
}
