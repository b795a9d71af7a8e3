//! The best split of one node from its histogram: for a numeric feature, a scan over thresholds
//! with the missing bin tried on either side; for a categorical one, LightGBM's method (sort the
//! categories by gradient / hessian and scan the prefixes of that order, which holds the best
//! two-way partition). The gain is XGBoost's: `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`.

use super::binning::MISSING_BIN;
use super::histogram::{GradSum, Layout};

/// A hessian sum at or below this counts as no rows (histogram subtraction leaves rounding dust).
pub(crate) const EMPTY_HESSIAN: f64 = 1e-10;

/// Which bins of a feature go left, as a 256-bit set.
pub(crate) type BinSet = [u64; 4];

/// Whether bin `b` is in `set`.
#[inline]
pub(crate) fn contains(set: &BinSet, b: u8) -> bool {
    set[(b >> 6) as usize] >> (b & 63) & 1 == 1
}

/// Adds bin `b` to `set`.
pub(crate) fn insert(set: &mut BinSet, b: u8) {
    set[(b >> 6) as usize] |= 1 << (b & 63);
}

/// Regularisation of the split search.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitParams {
    pub(crate) lambda: f64,
    pub(crate) gamma: f64,
    pub(crate) min_child_weight: f64,
}

/// Gradient and hessian totals of a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sum {
    pub(crate) g: f64,
    pub(crate) h: f64,
}

impl Sum {
    fn plus(self, s: GradSum) -> Sum {
        Sum {
            g: self.g + s[0],
            h: self.h + s[1],
        }
    }

    pub(crate) fn minus(self, o: Sum) -> Sum {
        Sum {
            g: self.g - o.g,
            h: self.h - o.h,
        }
    }

    /// The loss reduction a leaf of these rows achieves over no leaf (times two).
    fn score(self, lambda: f64) -> f64 {
        self.g * self.g / (self.h + lambda)
    }

    /// The leaf value minimising the second-order loss, before shrinkage.
    pub(crate) fn leaf_value(self, lambda: f64) -> f64 {
        -self.g / (self.h + lambda)
    }
}

/// How the chosen split sends a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rule {
    /// Value bins `1..=bin` go left.
    Numeric { bin: u8 },
    /// The bins in the set go left (the missing bin included when the default is left).
    Categorical { left: BinSet },
}

/// The best split found for a node, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SplitInfo {
    pub(crate) feature: usize,
    pub(crate) gain: f64,
    pub(crate) rule: Rule,
    /// Where missing values (and values unseen in training) go.
    pub(crate) default_left: bool,
    pub(crate) left: Sum,
    pub(crate) right: Sum,
}

impl SplitInfo {
    /// Which bins go left, for partitioning the node's rows.
    pub(crate) fn left_bins(&self) -> BinSet {
        match &self.rule {
            Rule::Categorical { left } => *left,
            Rule::Numeric { bin } => {
                let mut set = [0; 4];
                for b in 1..=*bin {
                    insert(&mut set, b);
                }
                if self.default_left {
                    insert(&mut set, MISSING_BIN);
                }
                set
            }
        }
    }
}

/// Keeps the best candidate: strictly better gains only, so that the first feature, threshold
/// and missing side in scan order win ties.
struct Best<'p> {
    p: &'p SplitParams,
    parent_score: f64,
    gain: f64,
    found: Option<(Sum, Sum, bool, usize)>,
}

impl Best<'_> {
    #[inline]
    fn offer(&mut self, left: Sum, right: Sum, default_left: bool, at: usize) {
        let mcw = self.p.min_child_weight.max(EMPTY_HESSIAN);
        if left.h < mcw || right.h < mcw || left.h <= EMPTY_HESSIAN || right.h <= EMPTY_HESSIAN {
            return;
        }
        let gain = left.score(self.p.lambda) + right.score(self.p.lambda) - self.parent_score;
        if gain > self.gain {
            self.gain = gain;
            self.found = Some((left, right, default_left, at));
        }
    }
}

/// The best split of a node with histogram `hist` and totals `total`, over the features whose
/// `allowed` flag is set and whose `categorical` flag says how to scan them. `None` when no
/// split gains more than `gamma`.
pub(crate) fn best_split(
    hist: &[GradSum],
    layout: &Layout,
    categorical: &[bool],
    allowed: &[bool],
    total: Sum,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let mut best: Option<SplitInfo> = None;
    let mut best_gain = p.gamma;
    let mut order: Vec<(f64, u8)> = Vec::new();
    for f in 0..categorical.len() {
        if !allowed[f] {
            continue;
        }
        let h = layout.feature(hist, f);
        let found = if categorical[f] {
            categorical_split(h, total, p, best_gain, &mut order)
        } else {
            numeric_split(h, total, p, best_gain)
        };
        if let Some((gain, rule, default_left, left, right)) = found {
            best_gain = gain;
            best = Some(SplitInfo {
                feature: f,
                gain,
                rule,
                default_left,
                left,
                right,
            });
        }
    }
    best
}

type Found = (f64, Rule, bool, Sum, Sum);

fn numeric_split(h: &[GradSum], total: Sum, p: &SplitParams, floor: f64) -> Option<Found> {
    let missing = Sum::default().plus(h[MISSING_BIN as usize]);
    let has_missing = missing.h > EMPTY_HESSIAN;
    let mut best = Best {
        p,
        parent_score: total.score(p.lambda),
        gain: floor,
        found: None,
    };
    let mut acc = Sum::default();
    for (t, &bin) in h.iter().enumerate().skip(1) {
        acc = acc.plus(bin);
        best.offer(acc, total.minus(acc), false, t);
        if has_missing {
            let left = acc.plus([missing.g, missing.h]);
            best.offer(left, total.minus(left), true, t);
        }
    }
    let (left, right, default_left, t) = best.found?;
    Some((
        best.gain,
        Rule::Numeric { bin: t as u8 },
        default_left,
        left,
        right,
    ))
}

fn categorical_split(
    h: &[GradSum],
    total: Sum,
    p: &SplitParams,
    floor: f64,
    order: &mut Vec<(f64, u8)>,
) -> Option<Found> {
    let missing = Sum::default().plus(h[MISSING_BIN as usize]);
    let has_missing = missing.h > EMPTY_HESSIAN;
    order.clear();
    order.extend(
        h.iter()
            .enumerate()
            .skip(1)
            .filter(|(_, s)| s[1] > EMPTY_HESSIAN)
            .map(|(b, s)| (s[0] / s[1], b as u8)),
    );
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut best = Best {
        p,
        parent_score: total.score(p.lambda),
        gain: floor,
        found: None,
    };
    let mut acc = Sum::default();
    for (k, &(_, b)) in order.iter().enumerate() {
        acc = acc.plus(h[b as usize]);
        best.offer(acc, total.minus(acc), false, k + 1);
        if has_missing {
            let left = acc.plus([missing.g, missing.h]);
            best.offer(left, total.minus(left), true, k + 1);
        }
    }
    let (left, right, default_left, k) = best.found?;
    let mut set = [0u64; 4];
    for &(_, b) in &order[..k] {
        insert(&mut set, b);
    }
    // Bins without rows here (and the missing bin) follow the default direction.
    if default_left {
        for (b, s) in h.iter().enumerate() {
            if b == MISSING_BIN as usize || s[1] <= EMPTY_HESSIAN {
                insert(&mut set, b as u8);
            }
        }
    }
    Some((
        best.gain,
        Rule::Categorical { left: set },
        default_left,
        left,
        right,
    ))
}
