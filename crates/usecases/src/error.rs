//! The one error type of the pipelines: what went wrong, in words a business user can act on,
//! and where (file, line, column, or the parameter at fault), so that the page can point at it.

use std::fmt;

use tabular::KnownFile;

/// Why a pipeline stopped.
#[derive(Debug)]
pub enum UseCaseError {
    /// A file could not be read or a cell is unusable; names file, line and column.
    Csv(tabular::CsvError),
    /// A file the use case needs is not loaded.
    MissingFile {
        /// The use case's name (`forecast`, `impute`, ...).
        use_case: &'static str,
        /// The public file it needs.
        file: KnownFile,
    },
    /// The table the parameters name is not loaded.
    NoTable {
        /// The name asked for.
        name: String,
    },
    /// A parameter is out of range or of the wrong type.
    Param {
        /// Its name as the page and the JSON spell it (`holdoutDays`).
        name: String,
        /// What was wrong and what is expected.
        message: String,
    },
    /// The files were read but cannot serve this use case (e.g. no row left to validate on).
    Input(String),
    /// A learner refused its data.
    Model(String),
    /// A follow-up question or download the result does not offer, or asked before any run.
    Unavailable(String),
    /// Writing a result failed.
    Io(std::io::Error),
    /// The user cancelled the job.
    Cancelled,
}

impl UseCaseError {
    /// A parameter error.
    pub fn param(name: &str, message: impl Into<String>) -> UseCaseError {
        UseCaseError::Param {
            name: name.to_string(),
            message: message.into(),
        }
    }

    /// A short, stable name of the kind, for the page's branching and the tests.
    pub fn kind(&self) -> &'static str {
        match self {
            UseCaseError::Csv(_) => "csv",
            UseCaseError::MissingFile { .. } => "missingFile",
            UseCaseError::NoTable { .. } => "noTable",
            UseCaseError::Param { .. } => "params",
            UseCaseError::Input(_) => "input",
            UseCaseError::Model(_) => "model",
            UseCaseError::Unavailable(_) => "unavailable",
            UseCaseError::Io(_) => "export",
            UseCaseError::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for UseCaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UseCaseError::Csv(error) => write!(f, "{error}"),
            UseCaseError::MissingFile { use_case, file } => write!(
                f,
                "{} is not loaded: the {use_case} use case needs it (load the public file or \
                 the built-in sample)",
                file.public_name()
            ),
            UseCaseError::NoTable { name } => write!(f, "{name} is not loaded"),
            UseCaseError::Param { name, message } => write!(f, "parameter {name}: {message}"),
            UseCaseError::Input(message)
            | UseCaseError::Model(message)
            | UseCaseError::Unavailable(message) => f.write_str(message),
            UseCaseError::Io(error) => write!(f, "cannot write the result: {error}"),
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

impl From<std::io::Error> for UseCaseError {
    fn from(error: std::io::Error) -> Self {
        UseCaseError::Io(error)
    }
}
