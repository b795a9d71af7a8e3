//! Training: bin the features once, then grow trees one `step()` at a time (so that the page can
//! report progress and cancel between trees), or all at once on several threads. Tree `t` draws
//! from its own random stream, so both ways grow the same forest, bit for bit.

use super::calibrate::{fit_platt, Calibration};
use super::error::ForestError;
use super::grow::{Grower, TreeSettings};
use super::importance::labels_of;
use super::model::{OobEstimate, RandomForest};
use super::params::{CalibrationMethod, ForestParams, Sampling};
use super::sample::{draw, ClassRows, TreeSample};
use super::split::SplitLimits;
use super::tree::ForestTree;
use crate::gbdt::binning::{fit_bins, BinnedMatrix, FeatureBins};
use crate::gbdt::{Dataset, ModelFeature};
use crate::metrics;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Where training stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForestProgress {
    /// Trees grown so far.
    pub trees: usize,
    /// Trees asked for.
    pub n_trees: usize,
}

/// What every tree is grown from: the binned rows, their labels, the class split.
struct Prepared {
    bins: Vec<FeatureBins>,
    matrix: BinnedMatrix,
    labels: Vec<bool>,
    classes: ClassRows,
    settings: TreeSettings,
}

impl Prepared {
    fn new(params: &ForestParams, data: &Dataset) -> Result<Prepared, ForestError> {
        params.check()?;
        if data.weights().is_some() {
            return Err(ForestError::WeightsUnsupported);
        }
        let labels = labels_of(data)?;
        let classes = ClassRows::new(&labels);
        if classes.positives.is_empty() || classes.negatives.is_empty() {
            return Err(ForestError::OneClass {
                positive: classes.negatives.is_empty(),
            });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let bins = fit_bins(
            data.features(),
            params.n_bins as usize,
            params.bin_sample_rows,
            &mut rng,
        );
        let matrix = BinnedMatrix::new(data.features(), &bins);
        let settings = TreeSettings {
            limits: SplitLimits {
                criterion: params.criterion,
                min_leaf: params.min_samples_leaf,
            },
            max_depth: params.max_depth,
            min_samples_split: params.min_samples_split,
            min_impurity_decrease: params.min_impurity_decrease,
            max_features: params.max_features.count(bins.len()),
        };
        Ok(Prepared {
            bins,
            matrix,
            labels,
            classes,
            settings,
        })
    }

    fn grower(&self) -> Grower {
        Grower::new(
            self.bins.iter().map(FeatureBins::n_bins).collect(),
            self.bins
                .iter()
                .map(|b| matches!(b, FeatureBins::Categorical { .. }))
                .collect(),
        )
    }

    /// Grows tree `t`, returning it with the rows it drew.
    fn grow(
        &self,
        params: &ForestParams,
        t: usize,
        grower: &mut Grower,
        scratch: &mut Vec<u32>,
    ) -> (ForestTree, TreeSample) {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        // Stream 0 placed the bins; tree t draws from stream t + 1.
        rng.set_stream(t as u64 + 1);
        let sample = draw(params.sampling, &self.classes, &mut rng, scratch);
        let tree = grower.grow(
            &self.matrix,
            &self.labels,
            &sample,
            &self.settings,
            &mut rng,
        );
        (tree, sample)
    }

    fn calibration(&self, sampling: Sampling) -> Calibration {
        let (p, n) = (
            self.classes.positives.len() as f64,
            self.classes.negatives.len() as f64,
        );
        Calibration {
            base_rate: p / (p + n),
            odds_factor: match sampling {
                Sampling::Bootstrap => 1.0,
                Sampling::Balanced { .. } => self.classes.negatives_drawn(sampling) as f64 / n,
            },
            platt: None,
        }
    }
}

/// Out-of-bag vote sums, added tree by tree in tree order for every row.
struct OobVotes {
    sum: Vec<f64>,
    count: Vec<u32>,
}

impl OobVotes {
    fn new(n: usize) -> OobVotes {
        OobVotes {
            sum: vec![0.0; n],
            count: vec![0; n],
        }
    }

    /// Adds `tree`'s vote to the rows it did not draw (`drawn` is increasing).
    fn add(&mut self, tree: &ForestTree, drawn: &[u32], matrix: &BinnedMatrix) {
        let mut next = drawn.iter().peekable();
        let left_out = (0..self.sum.len()).filter(move |&r| {
            if next.peek() == Some(&&(r as u32)) {
                next.next();
                false
            } else {
                true
            }
        });
        let (sum, count) = (&mut self.sum, &mut self.count);
        tree.for_each_leaf(left_out.map(|r| (r, matrix.row(r))), |r, leaf| {
            sum[r] += tree.leaf_vote(leaf) as f64;
            count[r] += 1;
        });
    }

    /// The out-of-bag probabilities and estimate under `calibration`, after fitting its Platt
    /// scaling on them when `method` asks for it (the calibration returned includes it).
    fn estimate(
        &self,
        labels: &[bool],
        mut calibration: Calibration,
        method: CalibrationMethod,
    ) -> (Calibration, OobEstimate, Vec<f64>) {
        let votes =
            self.sum.iter().zip(&self.count).map(
                |(&s, &c)| {
                    if c == 0 {
                        f64::NAN
                    } else {
                        s / c as f64
                    }
                },
            );
        let scored: Vec<(bool, f64)> = labels
            .iter()
            .zip(votes.clone())
            .filter(|(_, v)| !v.is_nan())
            .map(|(&y, v)| (y, calibration.shift(v)))
            .collect();
        let (y, shifted): (Vec<bool>, Vec<f64>) = scored.into_iter().unzip();
        if method == CalibrationMethod::PriorShiftThenOobPlatt {
            calibration.platt = fit_platt(&y, &shifted);
        }
        let p: Vec<f64> = shifted
            .iter()
            .map(|&q| calibration.apply_shifted(q))
            .collect();
        let correct = y.iter().zip(&p).filter(|(&y, &p)| y == (p >= 0.5)).count();
        let estimate = OobEstimate {
            rows: y.len(),
            auc: metrics::auc(&y, &p),
            accuracy: correct as f64 / y.len() as f64,
            log_loss: metrics::log_loss(&y, &p),
        };
        let probabilities = votes
            .map(|v| if v.is_nan() { v } else { calibration.apply(v) })
            .collect();
        (calibration, estimate, probabilities)
    }
}

/// Grows a forest tree by tree.
pub struct ForestTrainer<'a> {
    params: ForestParams,
    data: &'a Dataset,
    prepared: Prepared,
    grower: Grower,
    scratch: Vec<u32>,
    trees: Vec<ForestTree>,
    oob: Option<OobVotes>,
}

impl<'a> ForestTrainer<'a> {
    /// Checks the parameters and data (a 0/1 target with both classes, no weights) and bins the
    /// features.
    pub fn new(params: &ForestParams, data: &'a Dataset) -> Result<ForestTrainer<'a>, ForestError> {
        let prepared = Prepared::new(params, data)?;
        Ok(ForestTrainer {
            params: params.clone(),
            data,
            grower: prepared.grower(),
            oob: params.oob.then(|| OobVotes::new(data.n_rows())),
            prepared,
            scratch: Vec::new(),
            trees: Vec::with_capacity(params.n_trees),
        })
    }

    /// Whether every tree is grown.
    pub fn done(&self) -> bool {
        self.trees.len() >= self.params.n_trees
    }

    /// Where training stands.
    pub fn progress(&self) -> ForestProgress {
        ForestProgress {
            trees: self.trees.len(),
            n_trees: self.params.n_trees,
        }
    }

    /// Grows the next tree (and scores the rows it left out, if the out-of-bag estimate is on).
    pub fn step(&mut self) -> Result<(), ForestError> {
        if self.done() {
            return Err(ForestError::AlreadyDone);
        }
        let t = self.trees.len();
        let (tree, sample) =
            self.prepared
                .grow(&self.params, t, &mut self.grower, &mut self.scratch);
        if let Some(oob) = &mut self.oob {
            oob.add(&tree, &sample.rows, &self.prepared.matrix);
        }
        self.trees.push(tree);
        Ok(())
    }

    /// The fitted forest (of the trees grown so far, at least one).
    pub fn finish(self) -> Result<RandomForest, ForestError> {
        if self.trees.is_empty() {
            return Err(ForestError::InvalidParam {
                name: "n_trees",
                value: "0 grown".into(),
                expected: "at least one tree grown before finish()",
            });
        }
        let (calibration, oob) = calibrate(
            self.prepared.calibration(self.params.sampling),
            self.oob.as_ref(),
            &self.prepared.labels,
            self.params.calibration,
        );
        Ok(assemble(
            self.data,
            self.prepared.bins,
            self.trees,
            self.params,
            calibration,
            oob,
        ))
    }
}

/// The calibration and out-of-bag estimate from the votes, if they were taken.
fn calibrate(
    prior_shift: Calibration,
    oob: Option<&OobVotes>,
    labels: &[bool],
    method: CalibrationMethod,
) -> (Calibration, Option<(OobEstimate, Vec<f64>)>) {
    match oob {
        None => (prior_shift, None),
        Some(votes) => {
            let (calibration, estimate, probabilities) =
                votes.estimate(labels, prior_shift, method);
            (calibration, Some((estimate, probabilities)))
        }
    }
}

fn assemble(
    data: &Dataset,
    bins: Vec<FeatureBins>,
    trees: Vec<ForestTree>,
    params: ForestParams,
    calibration: Calibration,
    oob: Option<(OobEstimate, Vec<f64>)>,
) -> RandomForest {
    let features = data
        .features()
        .iter()
        .zip(bins)
        .map(|(f, bins)| ModelFeature {
            name: f.name.clone(),
            bins,
        })
        .collect();
    RandomForest::new(features, trees, params, calibration, oob)
}

impl ForestParams {
    /// Grows every tree and returns the forest. With the `threads` feature, trees grow on all of
    /// rayon's threads; the forest is the same as [`ForestTrainer`] grows on one.
    pub fn fit(&self, data: &Dataset) -> Result<RandomForest, ForestError> {
        #[cfg(feature = "threads")]
        {
            fit_parallel(self, data)
        }
        #[cfg(not(feature = "threads"))]
        {
            let mut trainer = ForestTrainer::new(self, data)?;
            while !trainer.done() {
                trainer.step()?;
            }
            trainer.finish()
        }
    }
}

/// Trees in parallel, then the out-of-bag votes in parallel over rows, each row adding its trees'
/// votes in tree order (so the sums are those of the one-thread trainer).
#[cfg(feature = "threads")]
fn fit_parallel(params: &ForestParams, data: &Dataset) -> Result<RandomForest, ForestError> {
    use rayon::prelude::*;
    let prepared = Prepared::new(params, data)?;
    let n = data.n_rows();
    let grown: Vec<(ForestTree, Vec<u64>)> = (0..params.n_trees)
        .into_par_iter()
        .map_init(
            || (prepared.grower(), Vec::new()),
            |(grower, scratch), t| {
                let (tree, sample) = prepared.grow(params, t, grower, scratch);
                let mut drawn = vec![0u64; if params.oob { n.div_ceil(64) } else { 0 }];
                if params.oob {
                    for &r in &sample.rows {
                        drawn[r as usize / 64] |= 1 << (r % 64);
                    }
                }
                (tree, drawn)
            },
        )
        .collect();
    let votes = params.oob.then(|| {
        let mut votes = OobVotes::new(n);
        // Blocks of rows in parallel; within a block, tree after tree, so each row adds its
        // trees' votes in tree order, as the one-thread trainer does.
        const BLOCK: usize = 4096;
        votes
            .sum
            .par_chunks_mut(BLOCK)
            .zip(votes.count.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each(|(b, (sum, count))| {
                let start = b * BLOCK;
                for (tree, drawn) in &grown {
                    let left_out = (0..sum.len()).filter(|&k| {
                        let r = start + k;
                        drawn[r / 64] >> (r % 64) & 1 == 0
                    });
                    let rows = left_out.map(|k| (k, prepared.matrix.row(start + k)));
                    tree.for_each_leaf(rows, |k, leaf| {
                        sum[k] += tree.leaf_vote(leaf) as f64;
                        count[k] += 1;
                    });
                }
            });
        votes
    });
    let (calibration, oob) = calibrate(
        prepared.calibration(params.sampling),
        votes.as_ref(),
        &prepared.labels,
        params.calibration,
    );
    let trees = grown.into_iter().map(|(t, _)| t).collect();
    Ok(assemble(
        data,
        prepared.bins,
        trees,
        params.clone(),
        calibration,
        oob,
    ))
}
