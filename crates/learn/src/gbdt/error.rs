//! The ways boosting can refuse its input, as values the page can word for the user.

use std::fmt;

/// Why a boosting fit, prediction or model load could not run. Each variant names the parameter,
/// feature or row at fault so that the message points the user at it.
#[derive(Debug, Clone, PartialEq)]
pub enum GbdtError {
    /// A parameter of [`super::GbdtParams`] is out of its range.
    InvalidParam {
        /// The field name.
        name: &'static str,
        /// The value given, rendered.
        value: String,
        /// What the field accepts.
        expected: &'static str,
    },
    /// The data has no rows.
    NoRows,
    /// The data has no feature columns.
    NoFeatures,
    /// A column (feature, target, weights) whose length differs from the row count.
    LengthMismatch {
        /// Which column.
        what: String,
        /// The row count.
        expected: usize,
        /// Its length.
        found: usize,
    },
    /// A target value the objective cannot take (non-finite, negative count, non-0/1 label).
    InvalidTarget {
        /// 0-based row.
        row: usize,
        /// The value found.
        value: f32,
        /// What the objective accepts.
        expected: &'static str,
    },
    /// A weight that is negative or not finite.
    InvalidWeight {
        /// 0-based row.
        row: usize,
        /// The value found.
        value: f32,
    },
    /// A categorical value that is not a code `0..n_categories` (nor NaN for missing).
    InvalidCategory {
        /// The feature's name.
        feature: String,
        /// 0-based row.
        row: usize,
        /// The value found.
        value: f32,
        /// The declared number of categories.
        n_categories: u32,
    },
    /// A categorical feature declaring more categories than the engine indexes.
    TooManyCategories {
        /// The feature's name.
        feature: String,
        /// The declared number of categories.
        n_categories: u32,
        /// The largest number accepted.
        limit: u32,
    },
    /// The columns given to a model (or the validation set) differ from those it was trained on.
    FeatureMismatch {
        /// 0-based position of the first differing column (or the count when the counts differ).
        index: usize,
        /// What the model expects there.
        expected: String,
        /// What was given.
        found: String,
    },
    /// A saved model that is not valid JSON of our schema, or is internally inconsistent.
    InvalidModel(String),
    /// A saved model of another format or a schema version this build does not read.
    UnsupportedModel {
        /// The `format` field found.
        format: String,
        /// The `version` field found.
        version: u32,
    },
    /// `step()` was called on a trainer that has already finished.
    AlreadyDone,
    /// An XGBoost model this build cannot score (another booster, several outputs, categorical
    /// splits, an objective it does not know).
    UnsupportedXgboost(String),
    /// A column the model splits on is not among those given.
    MissingFeature {
        /// The model's name for it.
        name: String,
    },
    /// A tree whose categorical splits would need more numeric nodes than an export allows.
    ExportTooLarge {
        /// 0-based tree.
        tree: usize,
        /// The node limit.
        limit: usize,
    },
}

impl fmt::Display for GbdtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GbdtError::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "parameter {name} = {value}: expected {expected}"),
            GbdtError::NoRows => write!(f, "the data has no rows"),
            GbdtError::NoFeatures => write!(f, "the data has no feature columns"),
            GbdtError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected} values (one per row), found {found}"),
            GbdtError::InvalidTarget {
                row,
                value,
                expected,
            } => write!(f, "row {}: target {value}, expected {expected}", row + 1),
            GbdtError::InvalidWeight { row, value } => write!(
                f,
                "row {}: weight {value}, expected a finite number >= 0",
                row + 1
            ),
            GbdtError::InvalidCategory {
                feature,
                row,
                value,
                n_categories,
            } => write!(
                f,
                "feature {feature}, row {}: value {value}, expected a category code 0..{n_categories} or missing",
                row + 1
            ),
            GbdtError::TooManyCategories {
                feature,
                n_categories,
                limit,
            } => write!(
                f,
                "feature {feature}: {n_categories} categories, at most {limit} are supported"
            ),
            GbdtError::FeatureMismatch {
                index,
                expected,
                found,
            } => write!(
                f,
                "feature {}: expected {expected}, found {found}",
                index + 1
            ),
            GbdtError::InvalidModel(why) => write!(f, "not a valid boosting model: {why}"),
            GbdtError::UnsupportedModel { format, version } => write!(
                f,
                "model format {format:?} version {version}: expected \"vitrine-gbdt\" version 1"
            ),
            GbdtError::AlreadyDone => write!(f, "training has already finished"),
            GbdtError::UnsupportedXgboost(why) => {
                write!(f, "an XGBoost model this build cannot score: {why}")
            }
            GbdtError::MissingFeature { name } => {
                write!(f, "the model needs a column {name:?}, which the data does not have")
            }
            GbdtError::ExportTooLarge { tree, limit } => write!(
                f,
                "tree {}: its categorical splits written as numeric ones exceed {limit} nodes; \
                 train with numeric features to export it",
                tree + 1
            ),
        }
    }
}

impl std::error::Error for GbdtError {}
