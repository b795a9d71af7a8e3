//! The ways a forest can refuse its input, as values the page can word for the user.

use crate::gbdt::GbdtError;
use std::fmt;

/// Why a forest fit, prediction, importance, rule extraction or model load could not run. Each
/// variant names the parameter, feature or row at fault so that the message points the user at it.
#[derive(Debug, Clone, PartialEq)]
pub enum ForestError {
    /// A parameter of [`super::ForestParams`] (or of an importance or rule request) is out of its
    /// range.
    InvalidParam {
        /// The field name.
        name: &'static str,
        /// The value given, rendered.
        value: String,
        /// What the field accepts.
        expected: &'static str,
    },
    /// The data itself is invalid (lengths, categorical codes, columns differing from the
    /// model's): the shared dataset checks of [`crate::gbdt::Dataset`].
    Data(GbdtError),
    /// A target value that is not 0 or 1.
    InvalidTarget {
        /// 0-based row.
        row: usize,
        /// The value found.
        value: f32,
    },
    /// The training target holds one class only: there is nothing to separate.
    OneClass {
        /// Whether the one class present is the positive one.
        positive: bool,
    },
    /// Row weights were given: the forest draws rows (bootstrap) instead of weighting them.
    WeightsUnsupported,
    /// A saved forest that is not valid JSON of our schema, or is internally inconsistent.
    InvalidModel(String),
    /// A saved forest of another format or a schema version this build does not read.
    UnsupportedModel {
        /// The `format` field found.
        format: String,
        /// The `version` field found.
        version: u32,
    },
    /// `step()` was called on a trainer that has already grown every tree.
    AlreadyDone,
}

impl From<GbdtError> for ForestError {
    fn from(e: GbdtError) -> ForestError {
        ForestError::Data(e)
    }
}

impl fmt::Display for ForestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForestError::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "parameter {name} = {value}: expected {expected}"),
            ForestError::Data(e) => e.fmt(f),
            ForestError::InvalidTarget { row, value } => {
                write!(f, "row {}: target {value}, expected 0 or 1", row + 1)
            }
            ForestError::OneClass { positive } => write!(
                f,
                "every training row is {}: a classifier needs both classes",
                if *positive { "positive" } else { "negative" }
            ),
            ForestError::WeightsUnsupported => write!(
                f,
                "a random forest draws its rows by bootstrap and takes no row weights"
            ),
            ForestError::InvalidModel(why) => write!(f, "not a valid forest model: {why}"),
            ForestError::UnsupportedModel { format, version } => write!(
                f,
                "model format {format:?} version {version}: expected \"{}\" version {}",
                super::model::MODEL_FORMAT,
                super::model::MODEL_VERSION
            ),
            ForestError::AlreadyDone => write!(f, "every tree has already been grown"),
        }
    }
}

impl std::error::Error for ForestError {}

/// The error of a parameter out of range.
pub(crate) fn invalid(
    name: &'static str,
    value: impl ToString,
    expected: &'static str,
) -> ForestError {
    ForestError::InvalidParam {
        name,
        value: value.to_string(),
        expected,
    }
}
