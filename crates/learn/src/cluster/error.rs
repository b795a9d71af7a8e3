//! The ways clustering, Gower distance and PCA can refuse their input, as values the page can
//! word for the user.

use std::fmt;

/// Why a clustering step could not run. Each variant names the column, entity or parameter at
/// fault so that the message can point the user at it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterError {
    /// A parameter is out of its range (`name` is the field of the params struct).
    InvalidParam { name: &'static str, reason: String },
    /// No entities or no columns to work on.
    EmptyData,
    /// A column (or a per-column vector) whose length does not match the others.
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },
    /// The condensed distance matrix of this many entities would not fit the memory budget:
    /// refused before anything is allocated, with the largest count that fits.
    TooManyEntities {
        entities: usize,
        max_entities: usize,
        budget_bytes: u64,
    },
    /// A value a column of its kind cannot hold (an infinite number, a binary value not 0/1).
    InvalidValue {
        row: usize,
        column: usize,
        reason: &'static str,
    },
    /// Some pairs of entities share no observed column, so their distance is undefined
    /// (`first` is the first such pair, 0-based, `pairs` how many there are).
    UndefinedDistance { first: (usize, usize), pairs: usize },
    /// A cluster count outside 1..=entities.
    InvalidK { k: usize, entities: usize },
    /// The inertia criterion for choosing k holds only for Ward's linkage.
    NotWard,
    /// A numeric column with no spread (or no observed value): it cannot be standardised.
    ConstantColumn { column: usize },
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::InvalidParam { name, reason } => write!(f, "parameter {name}: {reason}"),
            ClusterError::EmptyData => write!(f, "there are no entities or no columns to cluster"),
            ClusterError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected} entries, found {found}"),
            ClusterError::TooManyEntities {
                entities,
                max_entities,
                budget_bytes,
            } => write!(
                f,
                "{entities} entities are too many: their distance matrix would need {} MB, over \
                 the {} MB budget; at most {max_entities} entities fit",
                condensed_bytes(*entities) / 1_000_000,
                budget_bytes / 1_000_000
            ),
            ClusterError::InvalidValue {
                row,
                column,
                reason,
            } => write!(f, "row {}, column {}: {reason}", row + 1, column + 1),
            ClusterError::UndefinedDistance { first, pairs } => write!(
                f,
                "{pairs} pairs of entities have no observed column in common (the first: rows {} \
                 and {}), so their distance is undefined; drop rows or columns with many empty \
                 cells",
                first.0 + 1,
                first.1 + 1
            ),
            ClusterError::InvalidK { k, entities } => write!(
                f,
                "cannot cut {entities} entities into {k} clusters (need 1 to {entities})"
            ),
            ClusterError::NotWard => write!(
                f,
                "the inertia criterion for choosing the number of clusters needs Ward's linkage"
            ),
            ClusterError::ConstantColumn { column } => write!(
                f,
                "column {}: no spread among its observed values, so it cannot be standardised",
                column + 1
            ),
        }
    }
}

impl std::error::Error for ClusterError {}

/// Bytes of a condensed f64 distance matrix over `n` entities (saturating, for huge `n`).
pub fn condensed_bytes(n: usize) -> u64 {
    let n = n as u64;
    (n.saturating_mul(n.saturating_sub(1)) / 2).saturating_mul(8)
}
