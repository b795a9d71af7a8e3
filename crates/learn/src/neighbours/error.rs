//! The ways the recommenders can refuse their input, as values the page can word for the user.

use std::fmt;

/// Why a recommender could not be fitted or asked.
#[derive(Debug, Clone, PartialEq)]
pub enum NeighboursError {
    /// A parameter is out of its range.
    InvalidParam {
        /// The field name.
        name: &'static str,
        /// The value given, rendered.
        value: String,
        /// What the field accepts.
        expected: &'static str,
    },
    /// No customers were given.
    NoCustomers,
    /// A per-customer vector whose length differs from the number of customers.
    LengthMismatch {
        /// Which vector.
        what: &'static str,
        /// The number of customers.
        expected: usize,
        /// Its length.
        found: usize,
    },
    /// A bit pattern with an item at or beyond `n_items`.
    ItemOutOfRange {
        /// Which vector.
        what: &'static str,
        /// 0-based customer.
        customer: usize,
        /// The pattern found.
        pattern: u32,
        /// The number of items declared.
        n_items: usize,
    },
}

impl fmt::Display for NeighboursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NeighboursError::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "parameter {name} = {value}: expected {expected}"),
            NeighboursError::NoCustomers => write!(f, "there are no customers"),
            NeighboursError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected} entries (one per customer), found {found}"),
            NeighboursError::ItemOutOfRange {
                what,
                customer,
                pattern,
                n_items,
            } => write!(
                f,
                "{what}, customer {}: pattern {pattern:#b} has an item beyond the {n_items} declared",
                customer + 1
            ),
        }
    }
}

impl std::error::Error for NeighboursError {}

/// The error of a parameter out of range.
pub(crate) fn invalid(
    name: &'static str,
    value: impl ToString,
    expected: &'static str,
) -> NeighboursError {
    NeighboursError::InvalidParam {
        name,
        value: value.to_string(),
        expected,
    }
}

/// Checks a per-customer vector of item bits.
pub(crate) fn check_patterns(
    what: &'static str,
    patterns: &[u32],
    n_customers: usize,
    n_items: usize,
) -> Result<(), NeighboursError> {
    if patterns.len() != n_customers {
        return Err(NeighboursError::LengthMismatch {
            what,
            expected: n_customers,
            found: patterns.len(),
        });
    }
    let allowed = if n_items >= 32 {
        u32::MAX
    } else {
        (1u32 << n_items) - 1
    };
    match patterns.iter().position(|&p| p & !allowed != 0) {
        Some(customer) => Err(NeighboursError::ItemOutOfRange {
            what,
            customer,
            pattern: patterns[customer],
            n_items,
        }),
        None => Ok(()),
    }
}
