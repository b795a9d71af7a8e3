//! The condensed distance matrix shared by Gower distance and hierarchical clustering.
//!
//! Order: the upper triangle row by row, `(0,1), (0,2), …, (0,n-1), (1,2), …` (0-based). This is
//! kodama's (and SciPy's) condensed order, and it is also exactly R's `dist` order (the lower
//! triangle column by column, `d[2,1], d[3,1], …, d[n,1], d[3,2], …`), so a vector can be
//! compared with R's `as.vector(daisy(...))` element by element.

use super::error::condensed_bytes;
use super::ClusterError;

/// Default memory budget for one condensed matrix: 1.5 GiB, what a wasm32 tab can hold beside
/// the data and the clustering's own O(n) state (about 20,066 entities).
pub const DEFAULT_MEMORY_BUDGET: u64 = 3 << 29;

/// Largest entity count whose condensed f64 matrix fits in `budget_bytes`.
pub fn max_entities(budget_bytes: u64) -> usize {
    // Solve n(n-1)/2 * 8 <= budget, then step to the exact boundary.
    let pairs = budget_bytes / 8;
    let mut n = ((2.0 * pairs as f64).sqrt() as u64).saturating_add(2);
    while n > 1 && n * (n - 1) / 2 > pairs {
        n -= 1;
    }
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Refuses `n` entities whose matrix would not fit `budget_bytes`, before any allocation.
pub fn check_budget(n: usize, budget_bytes: u64) -> Result<(), ClusterError> {
    let fits_usize = (n as u128 * n.saturating_sub(1) as u128 / 2) <= usize::MAX as u128;
    if condensed_bytes(n) > budget_bytes || !fits_usize {
        return Err(ClusterError::TooManyEntities {
            entities: n,
            max_entities: max_entities(budget_bytes),
            budget_bytes,
        });
    }
    Ok(())
}

/// Position of pair `(i, j)`, `i < j < n`, in the condensed order.
#[inline]
pub fn condensed_index(n: usize, i: usize, j: usize) -> usize {
    debug_assert!(i < j && j < n);
    i * n - i * (i + 1) / 2 + (j - i - 1)
}

/// Pairwise distances of `n` entities in condensed order (see the module doc), with the pairs
/// whose distance is undefined (NaN) counted, so that clustering can refuse them by name.
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceMatrix {
    n: usize,
    values: Vec<f64>,
    undefined: usize,
    first_undefined: Option<(usize, usize)>,
}

impl DistanceMatrix {
    /// Wraps condensed `values` over `n` entities; NaN marks an undefined distance.
    pub fn from_condensed(n: usize, values: Vec<f64>) -> Result<DistanceMatrix, ClusterError> {
        let expected = n * n.saturating_sub(1) / 2;
        if values.len() != expected {
            return Err(ClusterError::LengthMismatch {
                what: format!("condensed matrix of {n} entities"),
                expected,
                found: values.len(),
            });
        }
        let mut matrix = DistanceMatrix {
            n,
            values,
            undefined: 0,
            first_undefined: None,
        };
        matrix.recount();
        Ok(matrix)
    }

    fn recount(&mut self) {
        let mut first = None;
        let mut count = 0;
        for (k, v) in self.values.iter().enumerate() {
            if v.is_nan() {
                count += 1;
                first.get_or_insert(k);
            }
        }
        self.undefined = count;
        self.first_undefined = first.map(|k| {
            let (mut i, mut start) = (0, 0);
            while start + (self.n - i - 1) <= k {
                start += self.n - i - 1;
                i += 1;
            }
            (i, i + 1 + k - start)
        });
    }

    /// Number of entities.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Distance between entities `i` and `j` (0 on the diagonal).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        match i.cmp(&j) {
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Less => self.values[condensed_index(self.n, i, j)],
            std::cmp::Ordering::Greater => self.values[condensed_index(self.n, j, i)],
        }
    }

    /// The condensed values (see the module doc for the order).
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// The condensed values, giving up the matrix (clustering overwrites them in place).
    pub fn into_vec(self) -> Vec<f64> {
        self.values
    }

    /// How many pairs have an undefined (NaN) distance.
    pub fn undefined_pairs(&self) -> usize {
        self.undefined
    }

    /// The first pair (0-based, `i < j`) whose distance is undefined, if any.
    pub fn first_undefined(&self) -> Option<(usize, usize)> {
        self.first_undefined
    }

    /// Fails with [`ClusterError::UndefinedDistance`] if any distance is NaN.
    pub fn require_defined(&self) -> Result<(), ClusterError> {
        match self.first_undefined {
            Some(first) => Err(ClusterError::UndefinedDistance {
                first,
                pairs: self.undefined,
            }),
            None => Ok(()),
        }
    }
}
