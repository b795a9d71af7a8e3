//! Expectation-maximisation for the mean and covariance of a multivariate normal with missing
//! cells, stepwise so that the page can show progress and cancel between iterations.
//!
//! Follows Amelia II's `emcore`: on standardised columns, start from the complete rows' mean
//! and covariance (or 0 and the identity when there are too few), E-step per missingness
//! pattern (expected sufficient statistics, the conditional covariance added on missing-missing
//! pairs), M-step, optional ridge prior, and stop when no entry of the augmented parameter
//! matrix (means and covariance upper triangle) moves by more than the tolerance. A bootstrap
//! resample is run as integer row weights, which gives the same statistics as copying rows.

use super::conditional::Conditional;
use super::data::PatternData;
use super::dense::invert_spd;
use super::{bootstrap, EmbParams, ImputeError};
use serde::Serialize;

/// One EM iteration as the convergence chart shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EmStep {
    /// Parameters (means and covariance upper triangle) that moved by more than the tolerance:
    /// Amelia's convergence count, zero at convergence.
    pub changed: usize,
    /// Largest absolute change of a parameter, on the standardised scale.
    pub max_change: f64,
    /// This iteration moved more parameters than the one before (Amelia's monotonicity flag).
    pub non_monotone: bool,
}

/// A finished EM run on the standardised scale: what the imputation draws use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmRun {
    /// Means of the standardised columns.
    pub mean: Vec<f64>,
    /// Covariance of the standardised columns, p x p row-major.
    pub cov: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the tolerance was reached (false: stopped at `max_iterations`).
    pub converged: bool,
    /// Change per iteration, for the convergence chart.
    pub trace: Vec<EmStep>,
}

/// EM estimate in the data's own columns and units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmEstimate {
    /// Maximum-likelihood mean of each column.
    pub mean: Vec<f64>,
    /// Maximum-likelihood covariance (divisor n, as EM gives it).
    pub cov: Vec<Vec<f64>>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the tolerance was reached.
    pub converged: bool,
}

impl EmRun {
    /// The estimate in the data's units (undoes the standardisation).
    pub fn to_original(&self, data: &PatternData) -> EmEstimate {
        let p = data.cols();
        let (c, s) = (data.column_means(), data.column_sds());
        EmEstimate {
            mean: (0..p).map(|j| self.mean[j] * s[j] + c[j]).collect(),
            cov: (0..p)
                .map(|i| (0..p).map(|j| self.cov[i * p + j] * s[i] * s[j]).collect())
                .collect(),
            iterations: self.iterations,
            converged: self.converged,
        }
    }
}

/// A stepwise EM fit: `new` (or `bootstrap`), then `iterate` until `done`, then `finish`.
#[derive(Debug, Clone)]
pub struct EmFitter<'a> {
    data: &'a PatternData,
    /// Bootstrap multiplicity of each row in pattern order; `None` = every row once.
    weights: Option<Vec<u32>>,
    n: f64,
    tolerance: f64,
    max_iterations: usize,
    ridge: f64,
    mean: Vec<f64>,
    sigma: Vec<f64>,
    base_t1: Vec<f64>,
    base_t2: Vec<f64>,
    trace: Vec<EmStep>,
    converged: bool,
    cond: Conditional,
    precision: Vec<f64>,
    work: Vec<f64>,
    work2: Vec<f64>,
    t1: Vec<f64>,
    cross: Vec<f64>,
    mm: Vec<f64>,
    xm: Vec<f64>,
}

impl<'a> EmFitter<'a> {
    /// EM on the data itself (no resampling): the point estimate.
    pub fn new(data: &'a PatternData, params: &EmbParams) -> Result<EmFitter<'a>, ImputeError> {
        params.check()?;
        EmFitter::start(data, params, None)
    }

    /// EM on bootstrap resample `index` (0-based) of the informative rows; the resample is
    /// drawn from a seed derived from `params.seed` and `index` alone, so the M runs are
    /// independent and can run on any worker in any order.
    pub fn bootstrap(
        data: &'a PatternData,
        params: &EmbParams,
        index: usize,
    ) -> Result<EmFitter<'a>, ImputeError> {
        params.check()?;
        let weights = bootstrap::resample(data, params.seed, index)?;
        EmFitter::start(data, params, Some(weights))
    }

    fn start(
        data: &'a PatternData,
        params: &EmbParams,
        weights: Option<Vec<u32>>,
    ) -> Result<EmFitter<'a>, ImputeError> {
        let p = data.cols();
        let n_rows = data.informative_rows();
        if (2 * p) as f64 > n_rows as f64 + params.empri {
            return Err(ImputeError::TooFewRows {
                rows: n_rows,
                columns: p,
            });
        }
        let mut f = EmFitter {
            data,
            weights,
            n: n_rows as f64,
            tolerance: params.tolerance,
            max_iterations: params.max_iterations,
            ridge: params.empri,
            mean: vec![0.0; p],
            sigma: vec![0.0; p * p],
            base_t1: vec![0.0; p],
            base_t2: vec![0.0; p * p],
            trace: Vec::new(),
            converged: false,
            cond: Conditional::new(p),
            precision: vec![0.0; p * p],
            work: vec![0.0; p * p],
            work2: vec![0.0; p * p],
            t1: vec![0.0; p],
            cross: vec![0.0; p * p],
            mm: vec![0.0; p * p],
            xm: vec![0.0; p],
        };
        f.observed_statistics();
        if f.incomplete_weight() == 0 {
            // Nothing missing in this sample: Amelia returns the sample mean and covariance.
            f.complete_case_moments(true);
            f.converged = true;
        } else if !f.complete_case_moments(false) {
            f.mean.fill(0.0);
            f.sigma.fill(0.0);
            for j in 0..p {
                f.sigma[j * p + j] = 1.0;
            }
        }
        Ok(f)
    }

    fn weight(&self, pos: usize) -> f64 {
        match &self.weights {
            Some(w) => w[pos] as f64,
            None => 1.0,
        }
    }

    /// Total weight of informative rows with a missing cell.
    fn incomplete_weight(&self) -> u64 {
        let d = self.data;
        d.patterns
            .iter()
            .filter(|pat| pat.n_obs > 0 && pat.n_mis > 0)
            .map(|pat| {
                (pat.first..pat.first + pat.rows)
                    .map(|pos| self.weight(pos) as u64)
                    .sum::<u64>()
            })
            .sum()
    }

    /// Sums of observed values and of their products, which stay fixed across iterations.
    fn observed_statistics(&mut self) {
        let d = self.data;
        let p = d.cols();
        for pat in d.patterns.iter().filter(|pat| pat.n_obs > 0) {
            let obs = pat.obs(&d.columns);
            let o = obs.len();
            for i in 0..pat.rows {
                let w = self.weight(pat.first + i);
                if w == 0.0 {
                    continue;
                }
                let xo = &d.values[pat.values_start + i * o..pat.values_start + (i + 1) * o];
                for (l, &jl) in obs.iter().enumerate() {
                    let wx = w * xo[l];
                    self.base_t1[jl] += wx;
                    let row = &mut self.base_t2[jl * p..(jl + 1) * p];
                    for (t, &jt) in obs[..=l].iter().enumerate() {
                        row[jt] += wx * xo[t];
                    }
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                self.base_t2[j * p + i] = self.base_t2[i * p + j];
            }
        }
    }

    /// Mean and covariance (divisor n - 1) of the complete rows, Amelia's starting values; with
    /// `force` set, of every row (used when nothing is missing). Returns false when there are
    /// too few complete rows or their covariance is not clearly positive definite.
    fn complete_case_moments(&mut self, force: bool) -> bool {
        let d = self.data;
        let p = d.cols();
        let Some(pat) = d.patterns.first().filter(|pat| pat.n_mis == 0) else {
            return false;
        };
        let c: f64 = (pat.first..pat.first + pat.rows)
            .map(|pos| self.weight(pos))
            .sum();
        if !force && c <= p as f64 {
            return false;
        }
        let mut mean = vec![0.0; p];
        for i in 0..pat.rows {
            let w = self.weight(pat.first + i);
            let x = &d.values[pat.values_start + i * p..pat.values_start + (i + 1) * p];
            for j in 0..p {
                mean[j] += w * x[j];
            }
        }
        mean.iter_mut().for_each(|m| *m /= c);
        let mut cov = vec![0.0; p * p];
        for i in 0..pat.rows {
            let w = self.weight(pat.first + i);
            let x = &d.values[pat.values_start + i * p..pat.values_start + (i + 1) * p];
            for a in 0..p {
                let da = w * (x[a] - mean[a]);
                for b in 0..=a {
                    cov[a * p + b] += da * (x[b] - mean[b]);
                }
            }
        }
        for a in 0..p {
            for b in 0..=a {
                let v = cov[a * p + b] / (c - 1.0);
                cov[a * p + b] = v;
                cov[b * p + a] = v;
            }
        }
        if !force {
            let m = nalgebra::DMatrix::from_row_slice(p, p, &cov);
            let eig = nalgebra::SymmetricEigen::new(m);
            if eig.eigenvalues.iter().any(|&e| e <= 10.0 * f64::EPSILON) {
                return false;
            }
        }
        self.mean = mean;
        self.sigma = cov;
        true
    }

    /// One E-step and M-step. Returns the step, or `None` if the fit was already done.
    pub fn iterate(&mut self) -> Result<Option<EmStep>, ImputeError> {
        if self.done() {
            return Ok(None);
        }
        let d = self.data;
        let p = d.cols();
        let iteration = self.trace.len() + 1;
        let failed = ImputeError::NotPositiveDefinite { iteration };

        self.work.copy_from_slice(&self.sigma);
        let have_precision = invert_spd(&mut self.work, p, &mut self.work2, &mut self.precision);
        self.t1.copy_from_slice(&self.base_t1);
        self.cross.fill(0.0);
        self.mm.fill(0.0);

        for pat in d
            .patterns
            .iter()
            .filter(|pat| pat.n_obs > 0 && pat.n_mis > 0)
        {
            let wsum: f64 = match &self.weights {
                Some(w) => w[pat.first..pat.first + pat.rows]
                    .iter()
                    .map(|&x| x as f64)
                    .sum(),
                None => pat.rows as f64,
            };
            if wsum == 0.0 {
                continue;
            }
            let (obs, mis) = (pat.obs(&d.columns), pat.mis(&d.columns));
            let (o, m) = (obs.len(), mis.len());
            let precision = have_precision.then_some(&self.precision[..]);
            if !self
                .cond
                .compute(&self.mean, &self.sigma, precision, obs, mis)
            {
                return Err(failed);
            }
            let (a, b) = (&self.cond.a[..m * o], &self.cond.b[..m]);
            for i in 0..pat.rows {
                let w = match &self.weights {
                    Some(ws) => ws[pat.first + i] as f64,
                    None => 1.0,
                };
                if w == 0.0 {
                    continue;
                }
                let xo = &d.values[pat.values_start + i * o..pat.values_start + (i + 1) * o];
                let xm = &mut self.xm[..m];
                for (r, x) in xm.iter_mut().enumerate() {
                    *x = b[r] + super::dense::dot(&a[r * o..(r + 1) * o], xo);
                }
                for (r, &jr) in mis.iter().enumerate() {
                    let wx = w * xm[r];
                    self.t1[jr] += wx;
                    let cross = &mut self.cross[jr * p..(jr + 1) * p];
                    for (l, &jl) in obs.iter().enumerate() {
                        cross[jl] += wx * xo[l];
                    }
                    let mm = &mut self.mm[jr * p..(jr + 1) * p];
                    for (c, &jc) in mis[..=r].iter().enumerate() {
                        mm[jc] += wx * xm[c];
                    }
                }
            }
            let c = &self.cond.c[..m * m];
            for (r, &jr) in mis.iter().enumerate() {
                for (t, &jt) in mis[..=r].iter().enumerate() {
                    self.mm[jr * p + jt] += wsum * c[r * m + t];
                }
            }
        }

        // M-step on the augmented statistics; track the change against the previous theta.
        let n = self.n;
        let shrink = if self.ridge > 0.0 {
            1.0 / (n + self.ridge + p as f64 + 2.0)
        } else {
            1.0 / n
        };
        let mut changed = 0;
        let mut max_change: f64 = 0.0;
        let mut note = |old: f64, new: f64| {
            let delta = (new - old).abs();
            if delta > self.tolerance || delta.is_nan() {
                changed += 1;
            }
            max_change = max_change.max(delta);
        };
        for j in 0..p {
            let m_new = self.t1[j] / n;
            note(self.mean[j], m_new);
            self.work[j] = m_new;
        }
        for i in 0..p {
            for j in 0..=i {
                let t2 = self.base_t2[i * p + j]
                    + self.cross[i * p + j]
                    + self.cross[j * p + i]
                    + self.mm[i * p + j];
                let mut s = t2 - n * self.work[i] * self.work[j];
                if i == j {
                    s += self.ridge;
                }
                let s = s * shrink;
                note(self.sigma[i * p + j], s);
                self.work2[i * p + j] = s;
            }
        }
        if !max_change.is_finite() {
            return Err(failed);
        }
        self.mean.copy_from_slice(&self.work[..p]);
        for i in 0..p {
            for j in 0..=i {
                let s = self.work2[i * p + j];
                self.sigma[i * p + j] = s;
                self.sigma[j * p + i] = s;
            }
        }

        let previous = self.trace.last().map_or(0, |s| s.changed);
        let step = EmStep {
            changed,
            max_change,
            non_monotone: changed > previous,
        };
        self.trace.push(step);
        self.converged = changed == 0;
        Ok(Some(step))
    }

    /// The tolerance was reached.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Converged or out of iterations: `iterate` does nothing more.
    pub fn done(&self) -> bool {
        self.converged || self.trace.len() >= self.max_iterations
    }

    /// Iterations run so far.
    pub fn iterations(&self) -> usize {
        self.trace.len()
    }

    /// Change per iteration so far.
    pub fn trace(&self) -> &[EmStep] {
        &self.trace
    }

    /// Current mean and covariance of the standardised columns.
    pub fn current(&self) -> (&[f64], &[f64]) {
        (&self.mean, &self.sigma)
    }

    /// Iterates until done.
    pub fn run(mut self) -> Result<EmRun, ImputeError> {
        while !self.done() {
            self.iterate()?;
        }
        Ok(self.finish())
    }

    /// The run as it stands (call after `done()` for a converged estimate).
    pub fn finish(self) -> EmRun {
        EmRun {
            iterations: self.trace.len(),
            converged: self.converged,
            mean: self.mean,
            cov: self.sigma,
            trace: self.trace,
        }
    }
}
