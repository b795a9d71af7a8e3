//! The forest's strongest decision paths as readable rules. Every node of every tree down to
//! `max_conditions` splits is a candidate: the conjunction of the tests on its path, repeated
//! tests on one feature merged into one range or level set ("23.5 < age <= 30.5 and segmento =
//! 03 - UNIVERSITARIO"). Each is measured on the rows given (not on the trees' bootstrap, which
//! over-represents the rare class and fits its noise): support, positive rate, lift over the
//! base rate. One walk of the data per tree measures all its candidates.
//!
//! Ranking by lift alone rewards noise: a path that adds "and c4 in {1, 4, 5}" to a real segment
//! can read 31.5 % where the segment reads 30 %, by chance. So the best candidates are first
//! simplified (Occam's razor): a bound or a condition is dropped while the broader rule's
//! positive rate stays within two standard errors of the candidate's. Then rules with the same
//! rows and positives are kept once, and the rest ranked by lift among those of enough support.

use super::error::{invalid, ForestError};
use super::importance::labels_of;
use super::model::RandomForest;
use crate::gbdt::binning::{FeatureBins, MISSING_BIN};
use crate::gbdt::split::{contains, insert, BinSet};
use crate::gbdt::Dataset;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Settings of a rule extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleParams {
    /// Longest path turned into a rule (splits from the root): short rules read and generalise
    /// better.
    pub max_conditions: u32,
    /// Smallest share of the rows a rule must cover, in (0, 1].
    pub min_support: f64,
    /// Rules returned at most.
    pub max_rules: usize,
    /// Standard errors of the positive rate a simplification may give up (0 keeps every
    /// candidate as the trees drew it).
    pub simplify_z: f64,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            max_conditions: 3,
            min_support: 0.01,
            max_rules: 20,
            simplify_z: 2.0,
        }
    }
}

/// What a condition requires of one feature's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Test {
    /// `above < value <= at_most` (a missing bound is no bound), or missing if `or_missing`.
    Range {
        /// Exclusive lower bound.
        above: Option<f32>,
        /// Inclusive upper bound.
        at_most: Option<f32>,
        /// Whether missing values pass too.
        or_missing: bool,
    },
    /// The value is one of these category codes, or missing (or a category too rare to have
    /// its own bin) if `or_missing`.
    Levels {
        /// Category codes, increasing.
        codes: Vec<u32>,
        /// Whether missing values pass too.
        or_missing: bool,
    },
    /// The value is missing.
    Missing,
}

/// A test on one feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// Feature index (column order of the forest).
    pub feature: usize,
    /// Feature name.
    pub name: String,
    /// The test.
    #[serde(flatten)]
    pub test: Test,
}

/// A conjunction of conditions, measured on the rows it was extracted against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The conditions, one per feature, in feature order.
    pub conditions: Vec<Condition>,
    /// Rows satisfying every condition.
    pub rows: usize,
    /// Those rows' share of all rows.
    pub support: f64,
    /// Positives among them.
    pub positives: usize,
    /// `positives / rows`.
    pub positive_rate: f64,
    /// `positive_rate` over the base rate.
    pub lift: f64,
}

/// Rules ranked by lift, with the totals they are measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSet {
    /// Rows measured.
    pub rows: usize,
    /// Positives among them.
    pub positives: usize,
    /// `positives / rows`.
    pub base_rate: f64,
    /// The rules, highest lift first (then larger support, then fewer conditions).
    pub rules: Vec<Rule>,
}

/// A number as a person reads it: at most four significant digits, no trailing zeros.
fn readable(v: f32) -> String {
    let v = v as f64;
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

impl Condition {
    /// The condition as text; `label(feature, code)` names a category code (its number when
    /// `None`).
    pub fn render(&self, label: &dyn Fn(usize, u32) -> Option<String>) -> String {
        let name = &self.name;
        let (text, or_missing) = match &self.test {
            Test::Missing => return format!("{name} is missing"),
            Test::Range {
                above,
                at_most,
                or_missing,
            } => {
                let text = match (above, at_most) {
                    (Some(a), Some(b)) => format!("{} < {name} <= {}", readable(*a), readable(*b)),
                    (Some(a), None) => format!("{name} > {}", readable(*a)),
                    (None, Some(b)) => format!("{name} <= {}", readable(*b)),
                    (None, None) => format!("{name} is not missing"),
                };
                (text, *or_missing)
            }
            Test::Levels { codes, or_missing } => {
                let names: Vec<String> = codes
                    .iter()
                    .map(|&c| label(self.feature, c).unwrap_or_else(|| c.to_string()))
                    .collect();
                let text = match &names[..] {
                    [one] => format!("{name} = {one}"),
                    _ => format!("{name} in {{{}}}", names.join(", ")),
                };
                (text, *or_missing)
            }
        };
        if or_missing {
            format!("({text} or {name} is missing)")
        } else {
            text
        }
    }
}

impl Rule {
    /// The rule as text, its conditions joined by "and"; `label(feature, code)` names category
    /// codes (their numbers when `None`).
    pub fn render(&self, label: &dyn Fn(usize, u32) -> Option<String>) -> String {
        let conditions: Vec<String> = self.conditions.iter().map(|c| c.render(label)).collect();
        conditions.join(" and ")
    }
}

impl fmt::Display for Rule {
    /// The rule with category codes as numbers, and its measures.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} rows ({:.1} %), {:.1} % positive, lift {:.2}",
            self.render(&|_, _| None),
            self.rows,
            100.0 * self.support,
            100.0 * self.positive_rate,
            self.lift
        )
    }
}

/// A rule in bin space: per feature (increasing), the bins its value may fall in.
type BinRule = Vec<(u32, BinSet)>;

fn intersect(a: &BinSet, b: &BinSet) -> BinSet {
    [a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3]]
}

fn complement(a: &BinSet) -> BinSet {
    [!a[0], !a[1], !a[2], !a[3]]
}

/// Most conditions a rule may have: simplification counts rows per pattern of failed bounds,
/// three bounds per condition, `2^(3 x 5)` patterns.
const MAX_CONDITIONS: u32 = 5;

/// Candidates simplified per rule returned.
const SIMPLIFIED_PER_RULE: usize = 3;

/// What rules are built and measured against: the binned rows, their labels, which features
/// have missing values among them, and each feature's bin count.
struct Measure<'a> {
    matrix: &'a crate::gbdt::binning::BinnedMatrix,
    labels: &'a [bool],
    has_missing: Vec<bool>,
    n_bins: Vec<usize>,
    numeric: Vec<bool>,
}

impl Measure<'_> {
    /// `path` and "feature `f`'s bin is in `side`", merged with the path's test on `f` if any;
    /// a test passing every bin that occurs in the rows is dropped. Missing values are ignored
    /// for a feature the rows never miss.
    fn with_condition(&self, path: &BinRule, f: u32, side: &BinSet) -> BinRule {
        let mut out = path.clone();
        let mut set = match out.iter().position(|c| c.0 == f) {
            Some(i) => intersect(&out.remove(i).1, side),
            None => *side,
        };
        let fi = f as usize;
        if !self.has_missing[fi] {
            set[0] &= !1;
        }
        let first = if self.has_missing[fi] { 0 } else { 1 };
        let all = (first..self.n_bins[fi]).all(|b| contains(&set, b as u8));
        if !all {
            let at = out.partition_point(|c| c.0 < f);
            out.insert(at, (f, set));
        }
        out
    }

    /// Rows of the rule and positives among them, per pattern of failed bounds: `bounds` lists
    /// each condition's bounds (see [`Bound`]); pattern bit `k` is set when a row fails bound
    /// `k`.
    fn failure_patterns(&self, bounds: &[Bound]) -> Vec<[usize; 2]> {
        let mut counts = vec![[0usize; 2]; 1 << bounds.len()];
        for (r, &y) in self.labels.iter().enumerate() {
            let row = self.matrix.row(r);
            let mut pattern = 0usize;
            for (k, bound) in bounds.iter().enumerate() {
                pattern |= (!bound.passes(row) as usize) << k;
            }
            counts[pattern][0] += 1;
            counts[pattern][1] += y as usize;
        }
        counts
    }

    /// The bounds a bin rule is made of.
    fn bounds(&self, rule: &BinRule) -> Vec<Bound> {
        let mut out = Vec::new();
        for (c, &(f, set)) in rule.iter().enumerate() {
            let fi = f as usize;
            if !self.numeric[fi] {
                out.push(Bound::In {
                    condition: c,
                    feature: fi,
                    set,
                });
                continue;
            }
            let values: Vec<u8> = (1..self.n_bins[fi])
                .map(|b| b as u8)
                .filter(|&b| contains(&set, b))
                .collect();
            let (lo, hi) = match (values.first(), values.last()) {
                (Some(&lo), Some(&hi)) => (lo, hi),
                // Missing values only: no value bin passes.
                _ => (u8::MAX, 0),
            };
            if lo > 1 {
                out.push(Bound::Above {
                    condition: c,
                    feature: fi,
                    lo,
                });
            }
            if (hi as usize) < self.n_bins[fi] - 1 {
                out.push(Bound::AtMost {
                    condition: c,
                    feature: fi,
                    hi,
                });
            }
            if self.has_missing[fi] && !contains(&set, MISSING_BIN) {
                out.push(Bound::NotMissing {
                    condition: c,
                    feature: fi,
                });
            }
        }
        out
    }

    /// The rule left when the bounds flagged in `dropped` are lifted.
    fn relaxed(&self, rule: &BinRule, bounds: &[Bound], dropped: usize) -> BinRule {
        let mut out: BinRule = Vec::new();
        for (c, &(f, set)) in rule.iter().enumerate() {
            let fi = f as usize;
            let mine = |k: usize| bounds[k].condition() == c;
            let lifted = |k: usize| dropped >> k & 1 == 1;
            if (0..bounds.len()).filter(|&k| mine(k)).all(lifted) {
                continue;
            }
            let mut new = set;
            for (k, bound) in bounds.iter().enumerate() {
                if !mine(k) || !lifted(k) {
                    continue;
                }
                match *bound {
                    Bound::Above { lo, .. } => (1..lo).for_each(|b| insert(&mut new, b)),
                    Bound::AtMost { hi, .. } => {
                        (hi as usize + 1..self.n_bins[fi]).for_each(|b| insert(&mut new, b as u8))
                    }
                    Bound::NotMissing { .. } => insert(&mut new, MISSING_BIN),
                    Bound::In { .. } => {}
                }
            }
            out = self.with_condition(&out, f, &new);
        }
        out
    }
}

/// One bound of a rule's condition, which a row passes or fails.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// A numeric value bin at least `lo` (missing values pass: another bound judges them).
    Above {
        condition: usize,
        feature: usize,
        lo: u8,
    },
    /// A numeric value bin at most `hi` (missing values pass).
    AtMost {
        condition: usize,
        feature: usize,
        hi: u8,
    },
    /// A numeric value present.
    NotMissing { condition: usize, feature: usize },
    /// A categorical bin in the set.
    In {
        condition: usize,
        feature: usize,
        set: BinSet,
    },
}

impl Bound {
    fn condition(&self) -> usize {
        match *self {
            Bound::Above { condition, .. }
            | Bound::AtMost { condition, .. }
            | Bound::NotMissing { condition, .. }
            | Bound::In { condition, .. } => condition,
        }
    }

    #[inline]
    fn passes(&self, row: &[u8]) -> bool {
        match *self {
            Bound::Above { feature, lo, .. } => row[feature] == MISSING_BIN || row[feature] >= lo,
            Bound::AtMost { feature, hi, .. } => row[feature] <= hi,
            Bound::NotMissing { feature, .. } => row[feature] != MISSING_BIN,
            Bound::In { feature, set, .. } => contains(&set, row[feature]),
        }
    }
}

/// Rows and positives of the rule with the bounds in `dropped` lifted: the rows whose failed
/// bounds are all lifted.
fn count_relaxed(patterns: &[[usize; 2]], dropped: usize) -> [usize; 2] {
    patterns
        .iter()
        .enumerate()
        .filter(|(pattern, _)| pattern & !dropped == 0)
        .fold([0, 0], |a, (_, c)| [a[0] + c[0], a[1] + c[1]])
}

/// Greedy simplification of one rule: lift the bound (or the whole condition) whose removal
/// keeps the highest positive rate, as long as that rate stays at or above `floor`. Returns the
/// bounds lifted.
fn simplify(patterns: &[[usize; 2]], bounds: &[Bound], floor: f64) -> usize {
    let mut dropped = 0usize;
    loop {
        let conditions: Vec<usize> = bounds.iter().map(Bound::condition).collect();
        let mut best: Option<(usize, f64, usize)> = None;
        for k in 0..bounds.len() {
            if dropped >> k & 1 == 1 {
                continue;
            }
            let whole = (0..bounds.len())
                .filter(|&j| conditions[j] == conditions[k])
                .fold(0, |m, j| m | 1 << j);
            for step in [1 << k, whole] {
                let trial = dropped | step;
                let [rows, pos] = count_relaxed(patterns, trial);
                let rate = pos as f64 / rows as f64;
                let better = best.is_none_or(|(_, r, n)| rate > r || (rate == r && rows > n));
                if rate >= floor && better {
                    best = Some((trial, rate, rows));
                }
            }
        }
        match best {
            Some((trial, _, _)) if trial != dropped => dropped = trial,
            _ => return dropped,
        }
    }
}

impl RandomForest {
    /// The strongest decision paths as rules, measured on `data` (the columns the forest was
    /// trained on, a 0/1 target): candidates are the nodes down to `max_conditions` splits,
    /// kept if they cover at least `min_support` of the rows; the best are simplified, then
    /// ranked by lift.
    pub fn rules(&self, data: &Dataset, params: &RuleParams) -> Result<RuleSet, ForestError> {
        if !(1..=MAX_CONDITIONS).contains(&params.max_conditions) {
            return Err(invalid("max_conditions", params.max_conditions, "1 to 5"));
        }
        if !(params.min_support > 0.0 && params.min_support <= 1.0) {
            return Err(invalid(
                "min_support",
                params.min_support,
                "a share in (0, 1]",
            ));
        }
        if !(params.simplify_z.is_finite() && params.simplify_z >= 0.0) {
            return Err(invalid("simplify_z", params.simplify_z, "a number >= 0"));
        }
        let matrix = self.bin(data.features())?;
        let labels = labels_of(data)?;
        let n = labels.len();
        let p = self.features().len();
        let mut has_missing = vec![false; p];
        for r in 0..n {
            for (f, &b) in matrix.row(r).iter().enumerate() {
                has_missing[f] |= b == MISSING_BIN;
            }
        }
        let measure = Measure {
            matrix: &matrix,
            labels: &labels,
            has_missing,
            n_bins: self.features().iter().map(|f| f.bins.n_bins()).collect(),
            numeric: self
                .features()
                .iter()
                .map(|f| matches!(f.bins, FeatureBins::Numeric { .. }))
                .collect(),
        };
        let positives = labels.iter().filter(|&&y| y).count();
        let base_rate = positives as f64 / n as f64;
        let min_rows = ((params.min_support * n as f64).ceil() as usize).max(1);
        let mut candidates: Vec<(BinRule, usize, usize)> = Vec::new();
        let mut seen: HashSet<BinRule> = HashSet::new();
        for tree in self.trees() {
            let depth = tree.depths();
            let mut counts = vec![[0usize; 2]; depth.len()];
            for (r, &y) in labels.iter().enumerate() {
                let row = matrix.row(r);
                let mut i = 0;
                loop {
                    counts[i][0] += 1;
                    counts[i][1] += y as usize;
                    let node = &tree.nodes[i];
                    let (Some(f), Some(set)) = (node.feature(), node.left_set()) else {
                        break;
                    };
                    if depth[i] >= params.max_conditions {
                        break;
                    }
                    i = node.left as usize + !contains(&set, row[f]) as usize;
                }
            }
            let mut paths: Vec<BinRule> = vec![Vec::new(); depth.len()];
            for i in 0..tree.nodes.len() {
                let node = &tree.nodes[i];
                let (Some(f), Some(set)) = (node.feature(), node.left_set()) else {
                    continue;
                };
                if depth[i] >= params.max_conditions {
                    continue;
                }
                let l = node.left as usize;
                for (child, side) in [(l, set), (l + 1, complement(&set))] {
                    paths[child] = measure.with_condition(&paths[i], f as u32, &side);
                    let [rows, pos] = counts[child];
                    if rows >= min_rows
                        && !paths[child].is_empty()
                        && seen.insert(paths[child].clone())
                    {
                        candidates.push((paths[child].clone(), rows, pos));
                    }
                }
            }
        }
        let by_lift = |a: &(BinRule, usize, usize), b: &(BinRule, usize, usize)| {
            // pos_a / rows_a against pos_b / rows_b, exactly, then larger support, then fewer
            // conditions; a stable sort keeps discovery order (tree, then node) among the rest.
            (b.2 * a.1)
                .cmp(&(a.2 * b.1))
                .then(b.1.cmp(&a.1))
                .then(a.0.len().cmp(&b.0.len()))
        };
        candidates.sort_by(by_lift);
        candidates.truncate(params.max_rules * SIMPLIFIED_PER_RULE);
        let mut simplified: Vec<(BinRule, usize, usize)> = candidates
            .into_iter()
            .filter_map(|(rule, rows, pos)| {
                let bounds = measure.bounds(&rule);
                let patterns = measure.failure_patterns(&bounds);
                let rate = pos as f64 / rows as f64;
                let floor = rate - params.simplify_z * (rate * (1.0 - rate) / rows as f64).sqrt();
                let dropped = simplify(&patterns, &bounds, floor);
                let simple = measure.relaxed(&rule, &bounds, dropped);
                let [rows, pos] = count_relaxed(&patterns, dropped);
                (!simple.is_empty()).then_some((simple, rows, pos))
            })
            .collect();
        simplified.sort_by(by_lift);
        // Two rules with the same rows and positives are one segment described two ways
        // ("active" and "tiprel_1mes = A"): the first in rank, the one with fewer conditions
        // on a tie, is kept.
        let mut same_rows: HashSet<(usize, usize)> = HashSet::new();
        let mut kept = simplified;
        kept.retain(|(_, rows, pos)| same_rows.insert((*rows, *pos)));
        kept.truncate(params.max_rules);
        let rules = kept
            .into_iter()
            .map(|(bins, rows, pos)| {
                let rate = pos as f64 / rows as f64;
                Rule {
                    conditions: bins
                        .iter()
                        .map(|(f, set)| self.condition(*f as usize, set))
                        .collect(),
                    rows,
                    support: rows as f64 / n as f64,
                    positives: pos,
                    positive_rate: rate,
                    lift: if base_rate > 0.0 {
                        rate / base_rate
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        Ok(RuleSet {
            rows: n,
            positives,
            base_rate,
            rules,
        })
    }

    /// The readable form of "feature `f`'s bin is in `set`".
    fn condition(&self, f: usize, set: &BinSet) -> Condition {
        let feature = &self.features()[f];
        let or_missing = contains(set, MISSING_BIN);
        let values: Vec<u8> = (1..feature.bins.n_bins())
            .map(|b| b as u8)
            .filter(|&b| contains(set, b))
            .collect();
        let test = match (&feature.bins, values.first(), values.last()) {
            (_, None, _) | (_, _, None) => Test::Missing,
            (FeatureBins::Numeric { cuts }, Some(&lo), Some(&hi)) => Test::Range {
                // Value bin b holds cuts[b - 2] < v <= cuts[b - 1]; the bins of a path on one
                // feature are contiguous (an intersection of half-lines).
                above: (lo >= 2).then(|| cuts[lo as usize - 2]),
                at_most: cuts.get(hi as usize - 1).copied(),
                or_missing,
            },
            (FeatureBins::Categorical { categories, .. }, _, _) => Test::Levels {
                codes: values.iter().map(|&b| categories[b as usize - 1]).collect(),
                or_missing,
            },
        };
        Condition {
            feature: f,
            name: feature.name.clone(),
            test,
        }
    }
}
