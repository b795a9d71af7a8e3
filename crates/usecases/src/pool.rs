//! Independent fits a run hands out, so that its caller can run them where it likes: one after
//! the other, on rayon's threads (the command line), or on a pool of workers in the page, one
//! wasm instance each (one forest per product, in parallel in the tab).
//!
//! A [`Pooled`] use case splits its run in three: [`Pooled::plan`] reads the inputs and says
//! what to fit ([`Fits`]: one block of bytes every fit shares, and one JSON job per fit);
//! a worker reads the shared bytes once ([`FitKind::load`]) and runs the jobs it is given
//! ([`FitKind::run`]), each returning bytes; [`Plan::finish`] takes the results, in job order,
//! and builds the fitted result. [`run_here`] does all three in one process, and is what the
//! use case's `run` is, so the page's pool and the command line produce the same forests.

use std::any::Any;

use serde_json::Value;

use crate::contract::{Fitted, Tables, UseCase};
use crate::progress::{report, OnProgress, Progress};
use crate::UseCaseError;

/// What a plan asks to be fitted.
#[derive(Debug, Clone)]
pub struct Fits {
    /// The [`FitKind`] that runs the jobs.
    pub kind: &'static str,
    /// The bytes every job reads (loaded once per worker).
    pub shared: Vec<u8>,
    /// One job per fit, as JSON.
    pub jobs: Vec<Value>,
    /// What each job fits, for the progress bar (a product's column).
    pub labels: Vec<String>,
}

/// A run split around its independent fits.
pub trait Plan: 'static {
    /// The finished run.
    type Fitted: Fitted + 'static;

    /// The fits to make.
    fn fits(&self) -> &Fits;

    /// Builds the result from the fits' results, in job order.
    fn finish(
        self,
        results: Vec<Vec<u8>>,
        on_progress: OnProgress<'_>,
    ) -> Result<Self::Fitted, UseCaseError>;
}

/// A use case whose run is a [`Plan`] of independent fits.
pub trait Pooled: UseCase {
    /// Its plan.
    type Plan: Plan<Fitted = Self::Fitted>;

    /// Reads the inputs and plans the fits.
    fn plan(
        inputs: Self::Inputs<'_>,
        params: &Self::Params,
        on_progress: OnProgress<'_>,
    ) -> Result<Self::Plan, UseCaseError>;
}

/// What a worker read from the shared bytes, as [`FitKind::run`] takes it.
pub type Shared = Box<dyn Any + Send + Sync>;

/// A kind of fit: how a worker reads the shared bytes, and runs one job on what it read.
#[derive(Clone, Copy)]
pub struct FitKind {
    /// Its name ([`Fits::kind`]).
    pub name: &'static str,
    /// Reads the shared bytes.
    pub load: fn(&[u8]) -> Result<Shared, UseCaseError>,
    /// Runs one job (JSON) on what `load` read; returns the result's bytes.
    pub run: fn(&(dyn Any + Send + Sync), &Value) -> Result<Vec<u8>, UseCaseError>,
}

/// Every kind of fit this build runs.
pub static FIT_KINDS: [FitKind; 1] = [crate::santander::plan::TAKE_UP_FOREST];

/// The kind of fit named `name`.
pub fn fit_kind(name: &str) -> Result<&'static FitKind, UseCaseError> {
    FIT_KINDS
        .iter()
        .find(|k| k.name == name)
        .ok_or_else(|| UseCaseError::Unavailable(format!("no kind of fit named {name}")))
}

/// Runs the plan's fits in this process (on rayon's threads with the `threads` feature),
/// reporting stage `fit` after each (a fit is not interrupted: a cancel waits for it), then
/// finishes it.
pub fn run_here<P: Plan>(plan: P, on_progress: OnProgress<'_>) -> Result<P::Fitted, UseCaseError> {
    let fits = plan.fits();
    let kind = fit_kind(fits.kind)?;
    let shared = (kind.load)(&fits.shared)?;
    let total = fits.jobs.len();
    let mut results: Vec<Vec<u8>> = Vec::with_capacity(total);
    let step = |done: usize, on_progress: OnProgress<'_>| {
        report(
            on_progress,
            Progress {
                stage: "fit",
                done: done as u64,
                total: total as u64,
                fraction: 0.05 + 0.9 * done as f64 / total.max(1) as f64,
                value: None,
            },
        )
    };
    step(0, on_progress)?;
    #[cfg(feature = "threads")]
    {
        use rayon::prelude::*;
        let width = rayon::current_num_threads().max(1);
        for batch in fits.jobs.chunks(width) {
            let done: Vec<Result<Vec<u8>, UseCaseError>> = batch
                .par_iter()
                .map(|job| (kind.run)(shared.as_ref(), job))
                .collect();
            for r in done {
                results.push(r?);
            }
            step(results.len(), on_progress)?;
        }
    }
    #[cfg(not(feature = "threads"))]
    for job in &fits.jobs {
        results.push((kind.run)(shared.as_ref(), job)?);
        step(results.len(), on_progress)?;
    }
    drop(shared);
    plan.finish(results, on_progress)
}

/// A plan with its types erased, as the facade holds it between the plan and the pool's
/// results.
pub trait ErasedPlan {
    /// The fits to make.
    fn fits(&self) -> &Fits;
    /// Builds the result from the fits' results, in job order.
    fn finish(
        self: Box<Self>,
        results: Vec<Vec<u8>>,
        on_progress: OnProgress<'_>,
    ) -> Result<Box<dyn Fitted>, UseCaseError>;
}

impl<P: Plan> ErasedPlan for P {
    fn fits(&self) -> &Fits {
        Plan::fits(self)
    }

    fn finish(
        self: Box<Self>,
        results: Vec<Vec<u8>>,
        on_progress: OnProgress<'_>,
    ) -> Result<Box<dyn Fitted>, UseCaseError> {
        Ok(Box::new(Plan::finish(*self, results, on_progress)?))
    }
}

/// Reads JSON parameters, takes the inputs from the tables and plans.
pub type PlanFn =
    fn(&dyn Tables, &Value, OnProgress<'_>) -> Result<Box<dyn ErasedPlan>, UseCaseError>;

pub(crate) fn plan_erased<U: Pooled>(
    tables: &dyn Tables,
    params: &Value,
    on_progress: OnProgress<'_>,
) -> Result<Box<dyn ErasedPlan>, UseCaseError> {
    let params: U::Params = crate::params::from_json(params)?;
    let inputs = U::inputs(tables, &params)?;
    Ok(Box::new(U::plan(inputs, &params, on_progress)?))
}
