//! One progress type for every use case, and one clock for every timing.

use serde::Serialize;

use crate::UseCaseError;

/// How far a run has got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// What is being done: a stable name the page translates (`train`, `distance`, `bootstrap`).
    pub stage: &'static str,
    /// Units of the stage done (trees, EM runs, rows) ...
    pub done: u64,
    /// ... of this many (0 when unknown).
    pub total: u64,
    /// Share of the whole run done, 0 to 1, for one progress bar.
    pub fraction: f64,
    /// A figure the stage reports beside its count (the validation loss of the trees so far,
    /// the largest change of the last EM iteration), when it has one.
    pub value: Option<f64>,
}

/// The callback a run reports to; it answers `false` to cancel.
pub type OnProgress<'a> = &'a mut dyn FnMut(&Progress) -> bool;

/// Reports `progress` and turns a cancel into [`UseCaseError::Cancelled`].
pub fn report(on_progress: OnProgress<'_>, progress: Progress) -> Result<(), UseCaseError> {
    if on_progress(&progress) {
        Ok(())
    } else {
        Err(UseCaseError::Cancelled)
    }
}

/// A callback that never cancels and reports nowhere, for callers that do not follow progress.
pub fn ignore(_: &Progress) -> bool {
    true
}

/// Wall-clock laps. `std::time::Instant` panics on wasm32-unknown-unknown; `web_time` reads
/// `performance.now()` there (in the page's worker too), so the page's reports carry the same
/// stage times as the command line's, measured by the same code.
#[derive(Debug)]
pub struct Clock {
    started: web_time::Instant,
    last: std::cell::Cell<web_time::Instant>,
}

impl Clock {
    /// Starts the clock.
    pub fn start() -> Clock {
        let now = web_time::Instant::now();
        Clock {
            started: now,
            last: std::cell::Cell::new(now),
        }
    }

    /// Seconds since the last lap (or the start).
    pub fn lap(&self) -> f64 {
        let now = web_time::Instant::now();
        let seconds = (now - self.last.get()).as_secs_f64();
        self.last.set(now);
        seconds
    }

    /// Seconds since the start.
    pub fn total(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}
