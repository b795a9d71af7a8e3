//! Parameters of bootstrap EM, with Amelia II's defaults.

use super::ImputeError;
use serde::{Deserialize, Serialize};

/// Settings of a bootstrap-EM multiple imputation (Amelia II's EMB). Defaults are Amelia's:
/// 5 imputations, tolerance 1e-4 on the standardised scale, at most 1000 EM iterations, no
/// ridge prior, 100 redraws for bounded cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbParams {
    /// Number of imputed datasets (bootstrap resamples).
    pub m: usize,
    /// EM stops when no entry of the augmented parameter matrix (means and the upper triangle of
    /// the covariance, on standardised columns) changes by more than this.
    pub tolerance: f64,
    /// EM stops after this many iterations even if not converged (the trace then shows it).
    pub max_iterations: usize,
    /// Ridge ("empirical") prior, in pseudo-observations: shrinks the covariance toward a
    /// diagonal one, as Amelia's `empri`; a few percent of the row count steadies collinear data.
    pub empri: f64,
    /// Master seed: bootstrap `k` derives its own seeds from it, so runs are independent.
    pub seed: u64,
    /// Per-column bounds (original units) for imputed values; empty means none.
    pub bounds: Vec<Option<(f64, f64)>>,
    /// Per-column flag: round imputed values to integers (counts, binary flags); empty means none.
    pub round: Vec<bool>,
    /// Draws tried for a bounded cell before the last draw is clamped into its bounds.
    pub max_resample: usize,
}

impl Default for EmbParams {
    fn default() -> Self {
        EmbParams {
            m: 5,
            tolerance: 1e-4,
            max_iterations: 1000,
            empri: 0.0,
            seed: 1,
            bounds: Vec::new(),
            round: Vec::new(),
            max_resample: 100,
        }
    }
}

impl EmbParams {
    /// Validates the parameters on their own (the per-column vectors are checked against the
    /// data by [`EmbParams::check_columns`]).
    pub fn check(&self) -> Result<(), ImputeError> {
        let bad = |name, reason: &str| {
            Err(ImputeError::InvalidParam {
                name,
                reason: reason.to_string(),
            })
        };
        if self.m == 0 {
            return bad("m", "at least one imputation is needed");
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return bad("tolerance", "must be a positive number");
        }
        if self.max_iterations == 0 {
            return bad("max_iterations", "must be at least 1");
        }
        if !(self.empri.is_finite() && self.empri >= 0.0) {
            return bad("empri", "must be a non-negative number");
        }
        if self.max_resample == 0 {
            return bad("max_resample", "must be at least 1");
        }
        for (column, bound) in self.bounds.iter().enumerate() {
            if let Some((lo, hi)) = bound {
                if lo.is_nan() || hi.is_nan() || lo > hi {
                    return Err(ImputeError::InvalidParam {
                        name: "bounds",
                        reason: format!("column {}: lower bound above upper bound", column + 1),
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks that `bounds` and `round` are empty or have one entry per column.
    pub fn check_columns(&self, columns: usize) -> Result<(), ImputeError> {
        for (what, len) in [("bounds", self.bounds.len()), ("round", self.round.len())] {
            if len != 0 && len != columns {
                return Err(ImputeError::LengthMismatch {
                    what,
                    expected: columns,
                    found: len,
                });
            }
        }
        Ok(())
    }
}
