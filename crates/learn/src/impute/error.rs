//! The ways a bootstrap-EM fit can refuse its input, as values the page can word for the user.

use std::fmt;

/// Why an imputation could not run. Every variant names the column or parameter at fault, so
/// that the message can point the user at it.
#[derive(Debug, Clone, PartialEq)]
pub enum ImputeError {
    /// A parameter is out of its range (`name` is the field of [`super::EmbParams`]).
    InvalidParam { name: &'static str, reason: String },
    /// The matrix has no rows or no columns.
    EmptyData,
    /// An infinite value: only finite numbers and NaN (missing) are data.
    NonFinite { row: usize, column: usize },
    /// A column without a single observed value: nothing to learn its distribution from.
    NoObservedValues { column: usize },
    /// A column whose observed values are all equal (or only one): it has no variance to
    /// standardise by and would make the covariance singular.
    ConstantColumn { column: usize },
    /// Fewer rows than the model needs (Amelia's rule: twice the columns, minus the ridge prior).
    TooFewRows { rows: usize, columns: usize },
    /// A per-column vector (bounds, rounding) or a matrix whose length does not match the data.
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// The covariance lost positive definiteness (collinear columns): a ridge prior (`empri`)
    /// is the usual cure.
    NotPositiveDefinite { iteration: usize },
    /// Every bootstrap resample left some column without an observed value.
    ResampleFailed { attempts: usize },
    /// An index (imputation, column) past the end.
    OutOfRange {
        what: &'static str,
        index: usize,
        len: usize,
    },
}

impl fmt::Display for ImputeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImputeError::InvalidParam { name, reason } => write!(f, "parameter {name}: {reason}"),
            ImputeError::EmptyData => write!(f, "the data has no rows or no columns"),
            ImputeError::NonFinite { row, column } => write!(
                f,
                "row {}, column {}: infinite value (expected a finite number or an empty cell)",
                row + 1,
                column + 1
            ),
            ImputeError::NoObservedValues { column } => write!(
                f,
                "column {}: no observed value, so nothing to impute it from",
                column + 1
            ),
            ImputeError::ConstantColumn { column } => write!(
                f,
                "column {}: fewer than two distinct observed values, so it has no variance",
                column + 1
            ),
            ImputeError::TooFewRows { rows, columns } => write!(
                f,
                "{rows} rows with an observed value are too few for {columns} columns \
                 (need at least twice as many rows as columns, or a larger ridge prior)"
            ),
            ImputeError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected} entries, found {found}"),
            ImputeError::NotPositiveDefinite { iteration } => write!(
                f,
                "EM iteration {iteration}: the covariance matrix is not invertible \
                 (collinear columns?); try a ridge prior (empri)"
            ),
            ImputeError::ResampleFailed { attempts } => write!(
                f,
                "{attempts} bootstrap resamples each left a column without observed values"
            ),
            ImputeError::OutOfRange { what, index, len } => {
                write!(f, "{what} {index} is out of range (there are {len})")
            }
        }
    }
}

impl std::error::Error for ImputeError {}
