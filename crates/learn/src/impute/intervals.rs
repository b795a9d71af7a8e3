//! Predictive intervals from the M models: for a cell, `draws` values from its conditional
//! normal under each model, summarised by their mean and central interval. Used for Amelia's
//! overimputation diagnostic (each observed cell of a column treated as missing in turn: do the
//! intervals cover the observed values?) and for intervals around the missing cells.

use super::bootstrap::{self, Purpose};
use super::conditional::Conditional;
use super::data::PatternData;
use super::dense::invert_spd;
use super::{EmRun, ImputeError};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

/// An observed cell treated as missing: its value beside the mean and interval of its draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverimputedCell {
    /// Row in the data.
    pub row: usize,
    /// The observed value.
    pub observed: f64,
    /// Mean of the draws.
    pub mean: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// A missing cell's predictive mean and interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellInterval {
    /// Row in the data.
    pub row: usize,
    /// Column in the data.
    pub column: usize,
    /// Mean of the draws.
    pub mean: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// Shared state: one conditional per model, the models' precision matrices, a draw buffer.
struct Engine<'a> {
    runs: &'a [EmRun],
    precisions: Vec<Option<Vec<f64>>>,
    conds: Vec<Conditional>,
    draws: usize,
    level: f64,
    buffer: Vec<f64>,
    rng: ChaCha8Rng,
}

impl<'a> Engine<'a> {
    fn new(
        data: &PatternData,
        runs: &'a [EmRun],
        draws: usize,
        level: f64,
        seed: u64,
    ) -> Result<Engine<'a>, ImputeError> {
        let p = data.cols();
        if runs.is_empty() {
            return Err(ImputeError::InvalidParam {
                name: "m",
                reason: "no model to draw from".into(),
            });
        }
        if draws == 0 || !(level > 0.0 && level < 1.0) {
            return Err(ImputeError::InvalidParam {
                name: "draws",
                reason: "need at least one draw and a level strictly between 0 and 1".into(),
            });
        }
        if let Some(run) = runs
            .iter()
            .find(|r| r.mean.len() != p || r.cov.len() != p * p)
        {
            return Err(ImputeError::LengthMismatch {
                what: "model columns",
                expected: p,
                found: run.mean.len(),
            });
        }
        let precisions = runs
            .iter()
            .map(|run| {
                let (mut a, mut w, mut k) = (run.cov.clone(), vec![0.0; p * p], vec![0.0; p * p]);
                invert_spd(&mut a, p, &mut w, &mut k).then_some(k)
            })
            .collect();
        Ok(Engine {
            runs,
            precisions,
            conds: vec![Conditional::new(p); runs.len()],
            draws,
            level,
            buffer: vec![0.0; runs.len() * draws],
            rng: bootstrap::rng(seed, 0, Purpose::Interval),
        })
    }

    fn prepare(&mut self, obs: &[usize], mis: &[usize]) -> Result<(), ImputeError> {
        for (k, run) in self.runs.iter().enumerate() {
            if !self.conds[k].compute(&run.mean, &run.cov, self.precisions[k].as_deref(), obs, mis)
            {
                return Err(ImputeError::NotPositiveDefinite {
                    iteration: run.iterations,
                });
            }
        }
        Ok(())
    }

    /// Mean, lower, upper (standardised scale) of missing position `r` given observed `xo`.
    fn summarise(&mut self, xo: &[f64], r: usize, m: usize) -> (f64, f64, f64) {
        let o = xo.len();
        let mut t = 0;
        for cond in &self.conds {
            let mean = cond.b[r] + super::dense::dot(&cond.a[r * o..(r + 1) * o], xo);
            let sd = cond.c[r * m + r].max(0.0).sqrt();
            for _ in 0..self.draws {
                let z: f64 = self.rng.sample(StandardNormal);
                self.buffer[t] = mean + sd * z;
                t += 1;
            }
        }
        let total = self.buffer.len();
        let mean = self.buffer.iter().sum::<f64>() / total as f64;
        self.buffer.sort_unstable_by(f64::total_cmp);
        // Amelia's order statistics: the round(total * q)-th smallest, 1-based.
        let index = |q: f64| ((total as f64 * q).round() as usize).clamp(1, total) - 1;
        let lo = self.buffer[index((1.0 - self.level) / 2.0)];
        let hi = self.buffer[index((1.0 + self.level) / 2.0)];
        (mean, lo, hi)
    }
}

/// Amelia's overimputation diagnostic for `column`: in every row where it is observed, the cell
/// is treated as missing and drawn `draws` times under each model given the row's other
/// observed cells (a row with nothing else observed gets the marginal). Amelia plots these with
/// a 90% `level` and 20 draws per model.
pub fn overimpute(
    data: &PatternData,
    runs: &[EmRun],
    column: usize,
    draws: usize,
    level: f64,
    seed: u64,
) -> Result<Vec<OverimputedCell>, ImputeError> {
    let p = data.cols();
    if column >= p {
        return Err(ImputeError::OutOfRange {
            what: "column",
            index: column,
            len: p,
        });
    }
    let mut engine = Engine::new(data, runs, draws, level, seed)?;
    let (sd, center) = (data.scale[column], data.center[column]);
    let mut out = Vec::new();
    let mut obs2 = Vec::with_capacity(p);
    let mut mis2 = Vec::with_capacity(p);
    let mut xo2 = vec![0.0; p];
    for pat in &data.patterns {
        let (obs, mis) = (pat.obs(&data.columns), pat.mis(&data.columns));
        let Some(lc) = obs.iter().position(|&j| j == column) else {
            continue;
        };
        obs2.clear();
        obs2.extend(obs.iter().copied().filter(|&j| j != column));
        mis2.clear();
        mis2.extend(mis.iter().copied());
        let r = mis2.partition_point(|&j| j < column);
        mis2.insert(r, column);
        engine.prepare(&obs2, &mis2)?;
        let o = obs.len();
        for i in 0..pat.rows {
            let xo = &data.values[pat.values_start + i * o..pat.values_start + (i + 1) * o];
            xo2[..lc].copy_from_slice(&xo[..lc]);
            xo2[lc..o - 1].copy_from_slice(&xo[lc + 1..]);
            let (mean, lo, hi) = engine.summarise(&xo2[..o - 1], r, mis2.len());
            out.push(OverimputedCell {
                row: data.row_index[pat.first + i] as usize,
                observed: xo[lc] * sd + center,
                mean: mean * sd + center,
                lower: lo * sd + center,
                upper: hi * sd + center,
            });
        }
    }
    out.sort_by_key(|c| c.row);
    Ok(out)
}

/// Predictive mean and central `level` interval of every missing cell (row-major cell order),
/// from `draws` draws under each model.
pub fn missing_intervals(
    data: &PatternData,
    runs: &[EmRun],
    draws: usize,
    level: f64,
    seed: u64,
) -> Result<Vec<CellInterval>, ImputeError> {
    let mut engine = Engine::new(data, runs, draws, level, seed)?;
    let mut out = vec![
        CellInterval {
            row: 0,
            column: 0,
            mean: 0.0,
            lower: 0.0,
            upper: 0.0
        };
        data.missing_cells()
    ];
    for pat in data.patterns.iter().filter(|pat| pat.n_mis > 0) {
        let (obs, mis) = (pat.obs(&data.columns), pat.mis(&data.columns));
        engine.prepare(obs, mis)?;
        let o = obs.len();
        for i in 0..pat.rows {
            let xo = &data.values[pat.values_start + i * o..pat.values_start + (i + 1) * o];
            let row = data.row_index[pat.first + i] as usize;
            for (r, &j) in mis.iter().enumerate() {
                let (mean, lo, hi) = engine.summarise(xo, r, mis.len());
                let (sd, center) = (data.scale[j], data.center[j]);
                out[data.cell_start[row] + r] = CellInterval {
                    row,
                    column: j,
                    mean: mean * sd + center,
                    lower: lo * sd + center,
                    upper: hi * sd + center,
                };
            }
        }
    }
    Ok(out)
}
