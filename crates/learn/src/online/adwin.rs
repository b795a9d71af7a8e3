//! ADWIN (Bifet and Gavaldà, 2007), with the semantics of River's `drift.ADWIN` (0.26, whose core
//! is now in Rust; `tests/drift_river.rs` checks that both find the same changes): an
//! exponential histogram of the stream, cut checked every `clock` values once the window is past
//! its grace period, a detection resetting the detector at the next value.
//!
//! The window is held as rows of buckets: row `i` holds buckets of `2^i` values (their sum and
//! variance), oldest first, at most `max_buckets` per row; a row that overflows merges its two
//! oldest buckets into one of the next row. A cut between the older part `W0` and the newer
//! part `W1` is a change when their means differ by more than
//! `eps = sqrt(2 m v ln(2 ln(n) / delta)) + 2/3 ln(2 ln(n) / delta) m`, with `v` the window's
//! variance, `n` its width and `m = 1/(n0 - l + 1) + 1/(n1 - l + 1)` (`l` the minimum
//! sub-window length); the oldest bucket is then dropped and the cuts checked again. Cuts are
//! tried from the oldest bucket on; the newest one always stays in `W1`.

use super::error::{check_count, check_probability, OnlineError};
use serde::{Deserialize, Serialize};

/// Settings of [`Adwin`], River's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AdwinParams {
    /// Confidence: smaller finds fewer false changes and later true ones.
    pub delta: f64,
    /// Cuts are checked every `clock` values.
    pub clock: u32,
    /// Buckets per row before two merge.
    pub max_buckets: usize,
    /// Least values on each side of a cut.
    pub min_window_length: u32,
    /// Values seen before any cut is checked.
    pub grace_period: u32,
}

impl Default for AdwinParams {
    fn default() -> Self {
        AdwinParams {
            delta: 0.002,
            clock: 32,
            max_buckets: 5,
            min_window_length: 5,
            grace_period: 10,
        }
    }
}

impl AdwinParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), OnlineError> {
        check_probability("delta", self.delta)?;
        check_count("clock", u64::from(self.clock))?;
        check_count("max_buckets", self.max_buckets as u64)?;
        check_count("min_window_length", u64::from(self.min_window_length))
    }

    /// A detector with these settings.
    pub fn build(&self) -> Result<Adwin, OnlineError> {
        self.check()?;
        Ok(Adwin::new(self.clone()))
    }
}

/// One row of buckets, each of the same size: sums and variances, oldest first.
#[derive(Debug, Clone, Default)]
struct BucketRow {
    totals: Vec<f64>,
    variances: Vec<f64>,
}

/// The ADWIN detector: see the module documentation.
#[derive(Debug, Clone)]
pub struct Adwin {
    params: AdwinParams,
    /// Row `i` holds buckets of `2^i` values.
    rows: Vec<BucketRow>,
    total: f64,
    /// Sum of squared deviations from the mean of the window (River's `variance`).
    variance: f64,
    width: f64,
    tick: u64,
    detections: u64,
    detected: bool,
}

impl Adwin {
    fn new(params: AdwinParams) -> Adwin {
        Adwin {
            params,
            rows: vec![BucketRow::default()],
            total: 0.0,
            variance: 0.0,
            width: 0.0,
            tick: 0,
            detections: 0,
            detected: false,
        }
    }

    /// Adds a value; true if a change is detected at it.
    pub fn update(&mut self, value: f64) -> bool {
        if self.detected {
            let detections = self.detections;
            *self = Adwin::new(self.params.clone());
            self.detections = detections;
        }
        self.insert(value);
        self.detected = self.detect();
        if self.detected {
            self.detections += 1;
        }
        self.detected
    }

    /// Values in the window.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Mean of the window (0 when empty).
    pub fn estimation(&self) -> f64 {
        if self.width == 0.0 {
            0.0
        } else {
            self.total / self.width
        }
    }

    /// Changes detected so far.
    pub fn detections(&self) -> u64 {
        self.detections
    }

    fn insert(&mut self, value: f64) {
        self.rows[0].totals.push(value);
        self.rows[0].variances.push(0.0);
        self.width += 1.0;
        if self.width > 1.0 {
            let previous_mean = self.total / (self.width - 1.0);
            self.variance += (self.width - 1.0) * (value - previous_mean).powi(2) / self.width;
        }
        self.total += value;
        self.compress();
    }

    fn compress(&mut self) {
        let mut i = 0;
        while i < self.rows.len() && self.rows[i].totals.len() > self.params.max_buckets {
            if i + 1 == self.rows.len() {
                self.rows.push(BucketRow::default());
            }
            let n = (1u64 << i) as f64;
            let row = &mut self.rows[i];
            let (u1, u2) = (row.totals[0], row.totals[1]);
            let merged_variance =
                row.variances[0] + row.variances[1] + n * n * (u1 / n - u2 / n).powi(2) / (2.0 * n);
            row.totals.drain(..2);
            row.variances.drain(..2);
            self.rows[i + 1].totals.push(u1 + u2);
            self.rows[i + 1].variances.push(merged_variance);
            i += 1;
        }
    }

    /// Drops the oldest bucket; returns its size.
    fn delete_oldest(&mut self) -> f64 {
        let last = self.rows.len() - 1;
        let n = (1u64 << last) as f64;
        let (u, v) = (self.rows[last].totals[0], self.rows[last].variances[0]);
        self.width -= n;
        self.total -= u;
        let mean = self.total / self.width;
        self.variance -= v + n * self.width * (u / n - mean).powi(2) / (n + self.width);
        self.rows[last].totals.remove(0);
        self.rows[last].variances.remove(0);
        if self.rows[last].totals.is_empty() && last > 0 {
            self.rows.pop();
        }
        n
    }

    fn detect(&mut self) -> bool {
        self.tick += 1;
        let mut changed = false;
        if !self.tick.is_multiple_of(u64::from(self.params.clock))
            || self.width <= f64::from(self.params.grace_period)
        {
            return false;
        }
        let min_length = f64::from(self.params.min_window_length);
        'rescan: loop {
            let (mut n0, mut n1) = (0.0, self.width);
            let (mut u0, mut u1) = (0.0, self.total);
            for i in (0..self.rows.len()).rev() {
                let n2 = (1u64 << i) as f64;
                let count = self.rows[i].totals.len();
                for k in 0..count {
                    // The newest bucket always stays in W1.
                    if i == 0 && k + 1 == count {
                        break;
                    }
                    let u2 = self.rows[i].totals[k];
                    n0 += n2;
                    n1 -= n2;
                    u0 += u2;
                    u1 -= u2;
                    if n0 >= min_length
                        && n1 >= min_length
                        && self.cut_differs(n0, n1, u0 / n0 - u1 / n1)
                    {
                        changed = true;
                        if self.width > 0.0 {
                            self.delete_oldest();
                            continue 'rescan;
                        }
                    }
                }
            }
            return changed;
        }
    }

    fn cut_differs(&self, n0: f64, n1: f64, mean_difference: f64) -> bool {
        let min_length = f64::from(self.params.min_window_length);
        let delta_prime = (2.0 * self.width.ln() / self.params.delta).ln();
        let m = 1.0 / (n0 - min_length + 1.0) + 1.0 / (n1 - min_length + 1.0);
        let variance = self.variance / self.width;
        let epsilon = (2.0 * m * variance * delta_prime).sqrt() + 2.0 / 3.0 * delta_prime * m;
        mean_difference.abs() > epsilon
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_named() {
        let bad = AdwinParams {
            delta: 0.0,
            ..AdwinParams::default()
        };
        assert!(matches!(
            bad.check(),
            Err(OnlineError::InvalidParam { name: "delta", .. })
        ));
        let bad = AdwinParams {
            clock: 0,
            ..AdwinParams::default()
        };
        assert!(matches!(
            bad.build(),
            Err(OnlineError::InvalidParam { name: "clock", .. })
        ));
    }

    #[test]
    fn window_statistics_match_the_values() {
        let mut a = AdwinParams::default().build().unwrap();
        let values: Vec<f64> = (0..1000).map(|i| ((i * 37) % 11) as f64).collect();
        for &v in &values {
            assert!(!a.update(v));
        }
        let mean = values.iter().sum::<f64>() / 1000.0;
        let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
        assert_eq!(a.width(), 1000.0);
        assert!((a.estimation() - mean).abs() < 1e-9);
        assert!((a.variance - ss).abs() < 1e-6 * ss, "{} {ss}", a.variance);
        // Bucket sizes add up to the width, at most `max_buckets` per row.
        let width: f64 = a
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| r.totals.len() as f64 * (1u64 << i) as f64)
            .sum();
        assert_eq!(width, 1000.0);
        assert!(a.rows.iter().all(|r| r.totals.len() <= 5));
    }
}
