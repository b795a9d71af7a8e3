//! The Page-Hinkley test (Page, 1954), with the semantics of River's `drift.PageHinkley` (0.26):
//! a running mean `m` of the values; cumulative deviations `S+ = alpha S+ + (x - m - delta)` and
//! `S- = alpha S- + (x - m + delta)`; a change when `S+ - min S+` (an increase) or
//! `max S- - S-` (a decrease) exceeds `threshold`, once `min_instances` values are in. A
//! detection resets the test at the next value.

use super::error::{check_range, OnlineError};
use serde::{Deserialize, Serialize};

/// Which way a change must go to be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// An increase of the mean (a rising error rate).
    Up,
    /// A decrease of the mean.
    Down,
    /// Either (River's default).
    #[default]
    Both,
}

/// Settings of [`PageHinkley`], River's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PageHinkleyParams {
    /// Values before a change can be reported.
    pub min_instances: u64,
    /// Tolerated drift of the mean per value.
    pub delta: f64,
    /// The cumulative deviation that reports a change (River's `lambda`).
    pub threshold: f64,
    /// Forgetting factor of the cumulative deviations.
    pub alpha: f64,
    /// Which way a change must go.
    pub direction: Direction,
}

impl Default for PageHinkleyParams {
    fn default() -> Self {
        PageHinkleyParams {
            min_instances: 30,
            delta: 0.005,
            threshold: 50.0,
            alpha: 1.0 - 0.0001,
            direction: Direction::Both,
        }
    }
}

impl PageHinkleyParams {
    /// Checks every field's range.
    pub fn check(&self) -> Result<(), OnlineError> {
        check_range("delta", self.delta, 0.0, f64::MAX, false, "a number >= 0")?;
        check_range(
            "threshold",
            self.threshold,
            0.0,
            f64::MAX,
            true,
            "a number > 0",
        )?;
        check_range("alpha", self.alpha, 0.0, 1.0, true, "a factor in (0, 1]")?;
        Ok(())
    }

    /// A test with these settings.
    pub fn build(&self) -> Result<PageHinkley, OnlineError> {
        self.check()?;
        Ok(PageHinkley::new(self.clone()))
    }
}

/// The Page-Hinkley test: see the module documentation.
#[derive(Debug, Clone)]
pub struct PageHinkley {
    params: PageHinkleyParams,
    count: u64,
    mean: f64,
    sum_increase: f64,
    sum_decrease: f64,
    min_increase: f64,
    max_decrease: f64,
    detected: bool,
    /// Whether the last detection was an increase.
    rose: bool,
    detections: u64,
}

impl PageHinkley {
    fn new(params: PageHinkleyParams) -> PageHinkley {
        PageHinkley {
            params,
            count: 0,
            mean: 0.0,
            sum_increase: 0.0,
            sum_decrease: 0.0,
            min_increase: f64::INFINITY,
            // River starts the running maximum at -1.
            max_decrease: -1.0,
            detected: false,
            rose: false,
            detections: 0,
        }
    }

    /// Adds a value; true if a change is detected at it.
    pub fn update(&mut self, x: f64) -> bool {
        if self.detected {
            let detections = self.detections;
            *self = PageHinkley::new(self.params.clone());
            self.detections = detections;
        }
        self.count += 1;
        self.mean += (x - self.mean) / self.count as f64;
        let deviation = x - self.mean;
        let p = &self.params;
        self.sum_increase = p.alpha * self.sum_increase + deviation - p.delta;
        self.sum_decrease = p.alpha * self.sum_decrease + deviation + p.delta;
        self.min_increase = self.min_increase.min(self.sum_increase);
        self.max_decrease = self.max_decrease.max(self.sum_decrease);
        if self.count >= p.min_instances {
            let up = self.sum_increase - self.min_increase > p.threshold;
            let down = self.max_decrease - self.sum_decrease > p.threshold;
            self.detected = match p.direction {
                Direction::Up => up,
                Direction::Down => down,
                Direction::Both => up || down,
            };
            self.rose = up && p.direction != Direction::Down;
        }
        if self.detected {
            self.detections += 1;
        }
        self.detected
    }

    /// Whether the last detection was an increase of the mean.
    pub fn rose(&self) -> bool {
        self.rose
    }

    /// Changes detected so far.
    pub fn detections(&self) -> u64 {
        self.detections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_up_is_found_after_the_deviation_builds() {
        let params = PageHinkleyParams {
            threshold: 10.0,
            direction: Direction::Up,
            ..PageHinkleyParams::default()
        };
        let mut ph = params.build().unwrap();
        for _ in 0..500 {
            assert!(!ph.update(0.0));
        }
        // After a step to 1, the deviation grows by about 1 - m - delta per value.
        let found = (0..100).position(|_| ph.update(1.0)).unwrap();
        assert!((9..20).contains(&found), "{found}");
        // A step down is not reported in `Up` mode.
        let mut ph = params.build().unwrap();
        for _ in 0..500 {
            ph.update(1.0);
        }
        assert!((0..500).all(|_| !ph.update(0.0)));
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = PageHinkleyParams {
            alpha: 1.5,
            ..PageHinkleyParams::default()
        };
        assert!(matches!(
            bad.check(),
            Err(OnlineError::InvalidParam { name: "alpha", .. })
        ));
    }
}
