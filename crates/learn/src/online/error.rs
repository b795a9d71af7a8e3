//! Why an online learner or stream refuses its settings, as a value the page can word.

use std::fmt;

/// A setting of an online learner, detector or stream that is out of its range, named so that
/// the message points at the field of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum OnlineError {
    /// A parameter is out of its range.
    InvalidParam {
        /// The field name.
        name: &'static str,
        /// The value given, rendered.
        value: String,
        /// What the field accepts.
        expected: &'static str,
    },
    /// The stream has no feature to learn from.
    NoFeatures,
    /// A time-ordered replay found a numeric row whose id is not the date file's id of the same
    /// row: the two files do not list the same parts in the same order.
    FilesOutOfStep {
        /// 1-based data row.
        row: u64,
        /// The id in the numeric file.
        numeric_id: u64,
        /// The id in the date file, if it has that row.
        date_id: Option<u64>,
    },
}

impl fmt::Display for OnlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnlineError::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "{name} = {value}: expected {expected}"),
            OnlineError::NoFeatures => write!(f, "the stream has no feature column"),
            OnlineError::FilesOutOfStep {
                row,
                numeric_id,
                date_id: Some(date_id),
            } => write!(
                f,
                "data row {row}: the numeric file has Id {numeric_id} where the date file has Id {date_id}; both files must list the same parts in the same order"
            ),
            OnlineError::FilesOutOfStep {
                row, numeric_id, ..
            } => write!(
                f,
                "data row {row} (Id {numeric_id}): the numeric file has more rows than the date file"
            ),
        }
    }
}

impl std::error::Error for OnlineError {}

/// An [`OnlineError::InvalidParam`].
pub(crate) fn invalid(
    name: &'static str,
    value: impl ToString,
    expected: &'static str,
) -> OnlineError {
    OnlineError::InvalidParam {
        name,
        value: value.to_string(),
        expected,
    }
}

/// Checks that `value` is finite and in `(low, high]` (`low_open`) or `[low, high]`.
pub(crate) fn check_range(
    name: &'static str,
    value: f64,
    low: f64,
    high: f64,
    low_open: bool,
    expected: &'static str,
) -> Result<(), OnlineError> {
    let above = if low_open { value > low } else { value >= low };
    if value.is_finite() && above && value <= high {
        Ok(())
    } else {
        Err(invalid(name, value, expected))
    }
}

/// Checks that `value` is a probability in (0, 1].
pub(crate) fn check_probability(name: &'static str, value: f64) -> Result<(), OnlineError> {
    check_range(name, value, 0.0, 1.0, true, "a probability in (0, 1]")
}

/// Checks that a count is at least 1.
pub(crate) fn check_count(name: &'static str, value: u64) -> Result<(), OnlineError> {
    if value == 0 {
        Err(invalid(name, 0, "at least 1"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_the_field() {
        let e = invalid("delta", 2.0, "a probability in (0, 1)");
        assert_eq!(e.to_string(), "delta = 2: expected a probability in (0, 1)");
        assert!(check_range("x", 0.0, 0.0, 1.0, true, "in (0, 1]").is_err());
        assert!(check_range("x", 0.0, 0.0, 1.0, false, "in [0, 1]").is_ok());
        assert!(check_range("x", f64::NAN, 0.0, 1.0, false, "in [0, 1]").is_err());
    }
}
