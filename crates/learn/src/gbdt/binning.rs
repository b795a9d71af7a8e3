//! Quantile binning: each feature becomes `u8` bins, bin 0 holding the missing values. Numeric
//! bins are bounded by cut values kept in the model, so that prediction on raw `f32` values takes
//! the same branch as training did on bins: `bin(v) <= t` exactly when `v <= cuts[t - 1]`.

use super::data::{Feature, FeatureKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The bin of missing values (NaN, and categories the model does not index).
pub(crate) const MISSING_BIN: u8 = 0;

/// How one feature's raw values map to bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureBins {
    /// Value bin `b >= 1` holds `cuts[b - 2] < v <= cuts[b - 1]` (open-ended at both ends).
    Numeric {
        /// Increasing upper bounds of the value bins but the last.
        cuts: Vec<f32>,
    },
    /// Value bin `b >= 1` holds code `categories[b - 1]`; other codes fall in the missing bin.
    Categorical {
        /// How many codes the feature can take.
        n_categories: u32,
        /// The codes with a bin of their own, the most frequent ones, in increasing order.
        categories: Vec<u32>,
        /// Rebuilt on load: code -> bin.
        #[serde(skip)]
        code_to_bin: Vec<u8>,
    },
}

impl FeatureBins {
    /// Number of bins, the missing bin included (at most 256).
    pub fn n_bins(&self) -> usize {
        match self {
            FeatureBins::Numeric { cuts } => cuts.len() + 2,
            FeatureBins::Categorical { categories, .. } => categories.len() + 1,
        }
    }

    /// The bin of a raw value.
    #[inline]
    pub fn bin(&self, v: f32) -> u8 {
        match self {
            FeatureBins::Numeric { cuts } => {
                if v.is_nan() {
                    MISSING_BIN
                } else {
                    // At most 254 cuts, so the bin fits in u8.
                    (1 + cuts.partition_point(|&c| c < v)) as u8
                }
            }
            FeatureBins::Categorical { code_to_bin, .. } => {
                if v >= 0.0 && v.fract() == 0.0 && (v as usize) < code_to_bin.len() {
                    code_to_bin[v as usize]
                } else {
                    MISSING_BIN
                }
            }
        }
    }

    /// Builds the lookup table of a categorical feature (after construction or load).
    pub(crate) fn index(&mut self) {
        if let FeatureBins::Categorical {
            n_categories,
            categories,
            code_to_bin,
        } = self
        {
            *code_to_bin = vec![MISSING_BIN; *n_categories as usize];
            for (i, &code) in categories.iter().enumerate() {
                if let Some(slot) = code_to_bin.get_mut(code as usize) {
                    *slot = (i + 1) as u8;
                }
            }
        }
    }

    /// Whether the stored bins are consistent (used when loading a model).
    pub(crate) fn is_valid(&self) -> bool {
        match self {
            FeatureBins::Numeric { cuts } => {
                cuts.len() <= 254
                    && cuts.iter().all(|c| !c.is_nan())
                    && cuts.windows(2).all(|w| w[0] < w[1])
            }
            FeatureBins::Categorical {
                n_categories,
                categories,
                ..
            } => {
                categories.len() <= 255
                    && categories.iter().all(|&c| c < *n_categories)
                    && categories.windows(2).all(|w| w[0] < w[1])
            }
        }
    }
}

/// A point between two consecutive distinct values `a < b`, itself `>= a` and `< b`.
fn midpoint(a: f32, b: f32) -> f32 {
    let m = ((a as f64 + b as f64) / 2.0) as f32;
    if m >= b || m < a || m.is_nan() {
        a
    } else {
        m
    }
}

/// `values` in `f32::total_cmp`'s order, sorted as integers: the order's key of a float is its
/// bits with the magnitude's flipped when negative, and integers compare faster (the binning of
/// a windowed stream's every retrain sorted its columns for a twentieth of the run).
fn sorted(values: Vec<f32>) -> Vec<f32> {
    // Flips the 31 low bits of a negative number: its own inverse.
    let key = |bits: i32| bits ^ (((bits >> 31) as u32) >> 1) as i32;
    let mut keys: Vec<i32> = values
        .into_iter()
        .map(|v| key(v.to_bits() as i32))
        .collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| f32::from_bits(key(k) as u32))
        .collect()
}

/// Cut values splitting the sorted non-missing `values` into at most `max_value_bins` bins of
/// about equal counts; a value too frequent to share a bin gets one of its own (LightGBM's greedy
/// binning).
fn numeric_cuts(values: Vec<f32>, max_value_bins: usize) -> Vec<f32> {
    let values = sorted(values);
    let mut distinct: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match distinct.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => distinct.push((v, 1)),
        }
    }
    if distinct.len() <= max_value_bins {
        return distinct
            .windows(2)
            .map(|w| midpoint(w[0].0, w[1].0))
            .collect();
    }
    let mut remaining: usize = distinct.iter().map(|d| d.1).sum();
    let mut bins_left = max_value_bins;
    let mut acc = 0usize;
    let mut cuts = Vec::with_capacity(max_value_bins - 1);
    for i in 0..distinct.len() - 1 {
        acc += distinct[i].1;
        let target = remaining as f64 / bins_left as f64;
        if acc as f64 >= target || distinct[i + 1].1 as f64 >= target {
            cuts.push(midpoint(distinct[i].0, distinct[i + 1].0));
            remaining -= acc;
            acc = 0;
            bins_left -= 1;
            if bins_left == 1 {
                break;
            }
        }
    }
    cuts.dedup();
    cuts
}

/// The kept codes of a categorical feature: those seen, the most frequent first when there are
/// more than `max_value_bins`, returned in increasing code order.
fn categorical_codes(values: &[f32], n_categories: u32, max_value_bins: usize) -> Vec<u32> {
    let mut counts = vec![0u64; n_categories as usize];
    for &v in values {
        if !v.is_nan() {
            counts[v as usize] += 1;
        }
    }
    let mut seen: Vec<u32> = (0..n_categories)
        .filter(|&c| counts[c as usize] > 0)
        .collect();
    if seen.len() > max_value_bins {
        seen.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        seen.truncate(max_value_bins);
        seen.sort_unstable();
    }
    seen
}

/// The rows numeric cuts are placed from: up to `sample_rows` of `n_rows`, drawn with `rng` and
/// sorted; `None` for all rows when there are no more than that.
pub(crate) fn bin_sample(
    n_rows: usize,
    sample_rows: usize,
    rng: &mut ChaCha8Rng,
) -> Option<Vec<usize>> {
    (n_rows > sample_rows).then(|| {
        let mut rows: Vec<usize> = (0..sample_rows)
            .map(|_| rng.random_range(0..n_rows))
            .collect();
        rows.sort_unstable();
        rows
    })
}

/// Fits one feature's bins: numeric cuts from the `sample` rows (all when `None`), categorical
/// codes from every row.
pub(crate) fn fit_feature_bins(
    feature: &Feature,
    n_bins: usize,
    sample: Option<&[usize]>,
) -> FeatureBins {
    let mut bins = match feature.kind {
        FeatureKind::Numeric => {
            let values: Vec<f32> = match sample {
                Some(rows) => rows.iter().map(|&r| feature.values[r]).collect(),
                None => feature.values.clone(),
            };
            let values = values.into_iter().filter(|v| v.is_finite()).collect();
            FeatureBins::Numeric {
                cuts: numeric_cuts(values, n_bins - 1),
            }
        }
        FeatureKind::Categorical { n_categories } => FeatureBins::Categorical {
            n_categories,
            categories: categorical_codes(&feature.values, n_categories, n_bins - 1),
            code_to_bin: Vec::new(),
        },
    };
    bins.index();
    bins
}

/// Fits each feature's bins, numeric cuts from up to `sample_rows` rows drawn with `rng`.
pub(crate) fn fit_bins(
    features: &[Feature],
    n_bins: usize,
    sample_rows: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<FeatureBins> {
    let n_rows = features[0].values.len();
    let sample = bin_sample(n_rows, sample_rows, rng);
    features
        .iter()
        .map(|feature| fit_feature_bins(feature, n_bins, sample.as_deref()))
        .collect()
}

/// Binned rows, row-major: the bins of row `r` are `bins[r * n_features..][..n_features]`. What
/// prediction walks trees over (training builds its histograms over [`BundledRows`] instead).
///
/// [`BundledRows`]: super::bundle::BundledRows
pub(crate) struct BinnedMatrix {
    bins: Vec<u8>,
    n_rows: usize,
    n_features: usize,
}

impl BinnedMatrix {
    /// Bins every row of `features` with `bins` (one per feature).
    pub(crate) fn new(features: &[Feature], bins: &[FeatureBins]) -> BinnedMatrix {
        let n_rows = features.first().map_or(0, |f| f.values.len());
        let n_features = features.len();
        let mut out = vec![0u8; n_rows * n_features];
        for (f, (feature, fb)) in features.iter().zip(bins).enumerate() {
            let column = out.iter_mut().skip(f).step_by(n_features);
            for (slot, &v) in column.zip(&feature.values) {
                *slot = fb.bin(v);
            }
        }
        BinnedMatrix {
            bins: out,
            n_rows,
            n_features,
        }
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The bins of one row.
    #[inline]
    pub(crate) fn row(&self, r: usize) -> &[u8] {
        &self.bins[r * self.n_features..(r + 1) * self.n_features]
    }
}

/// The bins feature after feature: what training bundles into codes for its histograms, splits
/// nodes' rows by (reading one feature of a node's rows from its own column touches `n_rows`
/// bytes instead of striding through row-major bins: about a tenth less training time in wasm),
/// and predicts its rows from.
pub(crate) struct BinnedColumns {
    bins: Vec<u8>,
    n_rows: usize,
}

impl BinnedColumns {
    /// Bins every value of `features` with `bins` (one per feature).
    pub(crate) fn new(features: &[Feature], bins: &[FeatureBins]) -> BinnedColumns {
        let n_rows = features.first().map_or(0, |f| f.values.len());
        let mut columns = BinnedColumns::with_capacity(n_rows, features.len());
        for (feature, fb) in features.iter().zip(bins) {
            columns.push(feature, fb);
        }
        columns
    }

    /// No column yet, room for `n_features` columns of `n_rows`.
    pub(crate) fn with_capacity(n_rows: usize, n_features: usize) -> BinnedColumns {
        BinnedColumns {
            bins: Vec::with_capacity(n_rows * n_features),
            n_rows,
        }
    }

    /// Bins `feature` (of `n_rows` values) with `bins` as the next column.
    pub(crate) fn push(&mut self, feature: &Feature, bins: &FeatureBins) {
        debug_assert_eq!(feature.values.len(), self.n_rows);
        self.bins
            .extend(feature.values.iter().map(|&v| bins.bin(v)));
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Feature `f`'s bin of every row.
    #[inline]
    pub(crate) fn column(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n_rows..(f + 1) * self.n_rows]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    proptest::proptest! {
        /// Sorting as integers puts floats, signed zeros and infinities included, in
        /// `total_cmp`'s order.
        #[test]
        fn integer_keys_sort_as_total_cmp(values in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::num::f32::NORMAL | proptest::num::f32::SUBNORMAL | proptest::num::f32::ZERO
                    | proptest::num::f32::INFINITE,
                proptest::prelude::Just(-0.0f32),
            ],
            0..200,
        )) {
            let mut expected = values.clone();
            expected.sort_unstable_by(|a, b| a.total_cmp(b));
            let bits = |v: Vec<f32>| v.into_iter().map(f32::to_bits).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(sorted(values)), bits(expected));
        }
    }

    #[test]
    fn bins_agree_with_cuts_on_raw_values() {
        let values: Vec<f32> = (0..5000)
            .map(|i| ((i * 7919) % 1000) as f32 / 7.0)
            .collect();
        let features = vec![Feature::numeric("x", values.clone())];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let bins = fit_bins(&features, 32, 1000, &mut rng);
        let FeatureBins::Numeric { cuts } = &bins[0] else {
            unreachable!()
        };
        assert!(cuts.len() <= 30 && cuts.len() >= 25, "{}", cuts.len());
        for &v in &values {
            let b = bins[0].bin(v) as usize;
            for t in 1..bins[0].n_bins() {
                let by_bin = b <= t;
                let by_value = t > cuts.len() || v <= cuts[t - 1];
                assert_eq!(by_bin, by_value, "v {v} t {t}");
            }
        }
        assert_eq!(bins[0].bin(f32::NAN), MISSING_BIN);
    }

    #[test]
    fn few_distinct_values_get_one_bin_each() {
        let values = vec![3.0, 1.0, 2.0, 1.0, f32::NAN, 3.0];
        let cuts = numeric_cuts(values.into_iter().filter(|v| !v.is_nan()).collect(), 255);
        assert_eq!(cuts, vec![1.5, 2.5]);
    }

    #[test]
    fn frequent_value_gets_its_own_bin() {
        let mut values: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        values.extend(std::iter::repeat_n(500.0, 5000));
        let cuts = numeric_cuts(values, 10);
        assert!(cuts.iter().any(|&c| (499.0..500.0).contains(&c)));
        assert!(cuts.iter().any(|&c| (500.0..501.0).contains(&c)));
    }

    #[test]
    fn rare_categories_fall_in_the_missing_bin() {
        let mut values = vec![0.0f32; 10];
        values.extend([1.0, 1.0, 2.0, 3.0, 3.0, 3.0]);
        let codes = categorical_codes(&values, 5, 2);
        assert_eq!(codes, vec![0, 3]);
        let mut fb = FeatureBins::Categorical {
            n_categories: 5,
            categories: codes,
            code_to_bin: Vec::new(),
        };
        fb.index();
        assert_eq!(
            [0.0, 1.0, 3.0, 4.0, 7.0, -1.0].map(|v| fb.bin(v)),
            [1, 0, 2, 0, 0, 0]
        );
    }
}
