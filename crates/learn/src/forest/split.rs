//! The best split of one node on one feature, from the feature's class-count histogram: drawn
//! rows and drawn positives per bin, given as the list of occupied bins in increasing order (a
//! deep node's rows occupy few of a feature's 256 bins, so nothing scans the empty ones). A numeric feature is scanned threshold by threshold with the
//! missing bin tried on either side; a categorical one has its categories ordered by positive
//! rate and the prefixes of that order scanned, which for two classes holds the best partition
//! of the categories under Gini or entropy (Breiman et al. 1984, §9.4), so that no subset is
//! enumerated. Costs are `rows x impurity`, so a split's cost is its children's summed cost.

use super::params::Criterion;
use crate::gbdt::split::{insert, BinSet};

/// Drawn positives and drawn rows (a row drawn twice counts twice).
pub(crate) type ClassCount = [u32; 2];

/// `rows x impurity` of a node holding `c`.
#[inline]
pub(crate) fn cost(criterion: Criterion, [pos, all]: ClassCount) -> f64 {
    if all == 0 || pos == 0 || pos == all {
        return 0.0;
    }
    let (pos, all) = (pos as f64, all as f64);
    let neg = all - pos;
    match criterion {
        Criterion::Gini => 2.0 * pos * neg / all,
        Criterion::Entropy => all * all.log2() - pos * pos.log2() - neg * neg.log2(),
    }
}

fn minus(a: ClassCount, b: ClassCount) -> ClassCount {
    [a[0] - b[0], a[1] - b[1]]
}

fn plus(a: ClassCount, b: ClassCount) -> ClassCount {
    [a[0] + b[0], a[1] + b[1]]
}

/// How a split sends a row, by the bin of its feature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SplitRule {
    /// Value bins `1..=bin` go left; the missing bin goes left when `missing_left`.
    Threshold { bin: u8, missing_left: bool },
    /// The bins in the set go left.
    Categories { left: BinSet },
}

impl SplitRule {
    /// Which bins go left.
    pub(crate) fn left_bins(&self) -> BinSet {
        match self {
            SplitRule::Categories { left } => *left,
            SplitRule::Threshold { bin, missing_left } => {
                let mut set = [0; 4];
                for b in 1..=*bin {
                    insert(&mut set, b);
                }
                if *missing_left {
                    insert(&mut set, 0);
                }
                set
            }
        }
    }
}

/// A node's best split on one feature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) feature: usize,
    /// Summed cost of the two children: the lower the better.
    pub(crate) cost: f64,
    pub(crate) rule: SplitRule,
    pub(crate) left: ClassCount,
    pub(crate) right: ClassCount,
}

/// What scanning one feature found.
pub(crate) enum Scan {
    /// The node's rows all fall in one bin: the feature cannot split this node or its children.
    Constant,
    /// No split leaves `min_leaf` rows on both sides.
    NoSplit,
    /// The feature's best split.
    Split(Candidate),
}

/// The limits a split must respect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitLimits {
    pub(crate) criterion: Criterion,
    pub(crate) min_leaf: u32,
}

/// A bin that holds rows at the node, with their class counts.
pub(crate) type Occupied = (u8, ClassCount);

/// The best split of a node holding `total` on feature `feature` (of `n_bins` bins), whose
/// occupied bins are `occupied` (increasing, bin 0 = missing), numeric or categorical. `order`
/// is scratch space.
pub(crate) fn scan_feature(
    feature: usize,
    occupied: &[Occupied],
    n_bins: usize,
    categorical: bool,
    total: ClassCount,
    limits: SplitLimits,
    order: &mut Vec<(f64, u8, ClassCount)>,
) -> Scan {
    if occupied.len() <= 1 {
        return Scan::Constant;
    }
    let found = if categorical {
        scan_categorical(occupied, n_bins, total, limits, order)
    } else {
        scan_numeric(occupied, n_bins, total, limits)
    };
    match found {
        Some((cost, rule, left)) => Scan::Split(Candidate {
            feature,
            cost,
            rule,
            left,
            right: minus(total, left),
        }),
        None => Scan::NoSplit,
    }
}

/// Keeps the lowest cost offered; strictly lower only, so the first in scan order wins ties.
struct Best {
    limits: SplitLimits,
    total: ClassCount,
    cost: f64,
    found: Option<(ClassCount, usize, bool)>,
}

impl Best {
    fn new(limits: SplitLimits, total: ClassCount) -> Best {
        Best {
            limits,
            total,
            cost: f64::INFINITY,
            found: None,
        }
    }

    #[inline]
    fn offer(&mut self, left: ClassCount, at: usize, missing_left: bool) {
        let right = minus(self.total, left);
        let min = self.limits.min_leaf.max(1);
        if left[1] < min || right[1] < min {
            return;
        }
        let c = cost(self.limits.criterion, left) + cost(self.limits.criterion, right);
        if c < self.cost {
            self.cost = c;
            self.found = Some((left, at, missing_left));
        }
    }
}

fn scan_numeric(
    occupied: &[Occupied],
    n_bins: usize,
    total: ClassCount,
    limits: SplitLimits,
) -> Option<(f64, SplitRule, ClassCount)> {
    let (missing, values) = match occupied.split_first() {
        Some((&(0, m), rest)) => (m, rest),
        _ => ([0, 0], occupied),
    };
    let has_missing = missing[1] > 0;
    let mut best = Best::new(limits, total);
    let mut acc = [0, 0];
    // `at` indexes `values`: the split sends values[..=at] left.
    for (at, &(_, c)) in values.iter().enumerate() {
        acc = plus(acc, c);
        best.offer(acc, at, false);
        if has_missing {
            best.offer(plus(acc, missing), at, true);
        }
    }
    let (left, at, missing_left) = best.found?;
    // Every threshold between this occupied bin and the next splits the node's rows alike: take
    // the middle one, as scikit-learn takes the midpoint between two values, so that values
    // unseen here fall on the nearer side.
    let t = values[at].0 as usize;
    let next = values.get(at + 1).map_or(n_bins, |v| v.0 as usize);
    let bin = (t + (next - 1)) / 2;
    let right = minus(total, left);
    // Missing values unseen at this node go with the larger child.
    let missing_left = if has_missing {
        missing_left
    } else {
        left[1] >= right[1]
    };
    Some((
        best.cost,
        SplitRule::Threshold {
            bin: bin as u8,
            missing_left,
        },
        left,
    ))
}

fn scan_categorical(
    occupied: &[Occupied],
    n_bins: usize,
    total: ClassCount,
    limits: SplitLimits,
    order: &mut Vec<(f64, u8, ClassCount)>,
) -> Option<(f64, SplitRule, ClassCount)> {
    order.clear();
    // The missing bin is one more category here: its rows are ordered by their rate like any.
    order.extend(
        occupied
            .iter()
            .map(|&(b, c)| (c[0] as f64 / c[1] as f64, b, c)),
    );
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut best = Best::new(limits, total);
    let mut acc = [0, 0];
    for (k, &(_, _, c)) in order.iter().enumerate().take(order.len() - 1) {
        acc = plus(acc, c);
        best.offer(acc, k + 1, false);
    }
    let (left, k, _) = best.found?;
    let mut set = [0u64; 4];
    if left[1] >= minus(total, left)[1] {
        // Categories without rows here (and the missing bin, if it has none) go with the
        // larger child: every bin but the right side's.
        for b in 0..n_bins {
            insert(&mut set, b as u8);
        }
        for &(_, b, _) in &order[k..] {
            set[(b >> 6) as usize] &= !(1 << (b & 63));
        }
    } else {
        for &(_, b, _) in &order[..k] {
            insert(&mut set, b);
        }
    }
    Some((best.cost, SplitRule::Categories { left: set }, left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::split::contains;

    const GINI: SplitLimits = SplitLimits {
        criterion: Criterion::Gini,
        min_leaf: 1,
    };

    /// The occupied bins of a dense histogram.
    fn occupied(hist: &[ClassCount]) -> Vec<Occupied> {
        hist.iter()
            .enumerate()
            .filter(|(_, c)| c[1] > 0)
            .map(|(b, &c)| (b as u8, c))
            .collect()
    }

    #[test]
    fn costs_are_rows_times_impurity() {
        // 4 rows, 1 positive: Gini 2 * 1/4 * 3/4 = 0.375, times 4 = 1.5.
        assert!((cost(Criterion::Gini, [1, 4]) - 1.5).abs() < 1e-12);
        // Entropy of 1/4: 0.811278 bits, times 4.
        let h = -(0.25f64 * 0.25f64.log2() + 0.75 * 0.75f64.log2());
        assert!((cost(Criterion::Entropy, [1, 4]) - 4.0 * h).abs() < 1e-12);
        assert_eq!(cost(Criterion::Gini, [0, 7]), 0.0);
        assert_eq!(cost(Criterion::Entropy, [7, 7]), 0.0);
    }

    #[test]
    fn numeric_split_finds_the_pure_threshold_and_sends_missing_with_its_class() {
        // Bins 1-2 negative, bins 5-6 positive, bins 3-4 empty; missing rows are positive.
        let mut hist = vec![[0, 0]; 8];
        hist[0] = [2, 2];
        hist[1] = [0, 3];
        hist[2] = [0, 2];
        hist[5] = [2, 2];
        hist[6] = [1, 1];
        let total = [5, 10];
        let Scan::Split(c) = scan_feature(
            0,
            &occupied(&hist),
            hist.len(),
            false,
            total,
            GINI,
            &mut Vec::new(),
        ) else {
            panic!("expected a split")
        };
        assert_eq!(c.cost, 0.0);
        // Left = bins 1..=2 (the middle of the empty bins 3-4 is 3), missing right.
        assert_eq!(
            c.rule,
            SplitRule::Threshold {
                bin: 3,
                missing_left: false
            }
        );
        assert_eq!((c.left, c.right), ([0, 5], [5, 5]));
        let set = c.rule.left_bins();
        assert!(contains(&set, 1) && contains(&set, 3) && !contains(&set, 0));
    }

    #[test]
    fn min_leaf_and_constant_features_are_respected() {
        let mut hist = vec![[0, 0]; 4];
        hist[2] = [1, 5];
        assert!(matches!(
            scan_feature(
                0,
                &occupied(&hist),
                hist.len(),
                false,
                [1, 5],
                GINI,
                &mut Vec::new()
            ),
            Scan::Constant
        ));
        hist[3] = [1, 1];
        let limits = SplitLimits {
            min_leaf: 2,
            ..GINI
        };
        assert!(matches!(
            scan_feature(
                0,
                &occupied(&hist),
                hist.len(),
                false,
                [2, 6],
                limits,
                &mut Vec::new()
            ),
            Scan::NoSplit
        ));
    }

    #[test]
    fn categorical_split_groups_categories_by_rate() {
        // Categories 1 and 3 are mostly positive, 2 and 4 never: the best partition is {1, 3}
        // against {2, 4}, which is a prefix of the rate order.
        let hist = vec![[0, 0], [4, 5], [0, 6], [3, 3], [0, 4], [0, 0]];
        let Scan::Split(c) = scan_feature(
            2,
            &occupied(&hist),
            hist.len(),
            true,
            [7, 18],
            GINI,
            &mut Vec::new(),
        ) else {
            panic!("expected a split")
        };
        let SplitRule::Categories { left } = c.rule else {
            panic!()
        };
        let goes_left: Vec<u8> = (0..6).filter(|&b| contains(&left, b)).collect();
        // Rate order: 2 (0), 4 (0), 1 (0.8), 3 (1): left = {2, 4}, the larger side, which also
        // takes the empty bins 0 and 5.
        assert_eq!(goes_left, vec![0, 2, 4, 5]);
        assert_eq!(c.left, [0, 10]);
    }
}
