//! Gradient/hessian histograms: for one tree node, the sums of `(gradient, hessian)` of its rows
//! in every code of every feature bundle, laid out bundle after bundle in one flat array (the
//! `bundle` stage turns them into each feature's histogram). This is the hot loop of boosting:
//! rows are read in the node's order, each row's `u8` codes scattered into the histogram
//! (row-major codes measured faster than column-major, native and in wasm).

use super::bundle::BundledRows;

/// Sums of gradient and hessian, accumulated in f64 so that a million rows keep their precision.
pub(crate) type GradSum = [f64; 2];

/// Where each feature's bins (or each bundle's codes) start in a flat histogram.
pub(crate) struct Layout {
    /// `offsets[f]..offsets[f + 1]` are feature `f`'s bins.
    pub(crate) offsets: Vec<usize>,
}

impl Layout {
    /// The layout for these bins per feature.
    pub(crate) fn new(n_bins: &[usize]) -> Layout {
        let mut offsets = Vec::with_capacity(n_bins.len() + 1);
        let mut total = 0;
        offsets.push(0);
        for &n in n_bins {
            total += n;
            offsets.push(total);
        }
        Layout { offsets }
    }

    /// Total bins over all features: a histogram's length.
    pub(crate) fn total(&self) -> usize {
        *self.offsets.last().unwrap_or(&0)
    }

    /// Feature `f`'s slice of a histogram.
    pub(crate) fn feature<'h>(&self, hist: &'h [GradSum], f: usize) -> &'h [GradSum] {
        &hist[self.offsets[f]..self.offsets[f + 1]]
    }
}

/// How many rows ahead the gathering loops prefetch: enough to cover a memory round trip.
pub(crate) const PREFETCH_AHEAD: usize = 32;

/// Hints the CPU to load the cache line at `p` soon. Native x86-64 only: wasm has no prefetch
/// instruction, and the hint never changes a result.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Fewest bundles for which the histogram is built on several threads.
#[cfg(feature = "threads")]
const PARALLEL_MIN_BUNDLES: usize = 32;

/// Adds the rows `rows` (all rows when `None`) into the zeroed `hist`.
pub(crate) fn build(
    hist: &mut [GradSum],
    layout: &Layout,
    bins: &BundledRows,
    gh: &[[f32; 2]],
    rows: Option<&[u32]>,
) {
    debug_assert_eq!(hist.len(), layout.total());
    // Threads split the features, and each still reads every row's bins: with few features
    // they mostly duplicate memory traffic (10 features measured slower on 2 cores), so only
    // wide data goes parallel.
    #[cfg(feature = "threads")]
    if bins.n_bundles() >= PARALLEL_MIN_BUNDLES
        && rows.map_or(bins.n_rows(), <[u32]>::len) >= 32_768
    {
        return build_parallel(hist, layout, bins, gh, rows);
    }
    build_features(hist, &layout.offsets, 0, bins, gh, rows);
}

/// Adds the rows `rows` (all rows when `None`) into the zeroed `hist`, for the bundles `active`
/// only (ascending): a tree that may not split on some features (`colsample_bytree` below 1)
/// skips the bundles none of its features are in, and their cells stay zero. Each cell adds the
/// same rows in the same order as [`build`], so the sums are bit-identical to its.
pub(crate) fn build_active(
    hist: &mut [GradSum],
    layout: &Layout,
    bins: &BundledRows,
    gh: &[[f32; 2]],
    rows: Option<&[u32]>,
    active: &[usize],
) {
    debug_assert_eq!(hist.len(), layout.total());
    let n_bundles = bins.n_bundles();
    let slots: Vec<(usize, usize)> = active.iter().map(|&b| (b, layout.offsets[b])).collect();
    // Checked once here, so that the unchecked indexes below are in bounds: every active bundle
    // is a bundle of the rows, and its codes (below n_codes[b], BundledRows' invariant) fit in
    // the histogram from its offset.
    assert!(slots
        .iter()
        .all(|&(b, o)| b < n_bundles && o + bins.n_codes()[b] <= hist.len()));
    let add = |row_bins: &[u8], [g, h]: [f32; 2]| {
        let (g, h) = (g as f64, h as f64);
        for &(b, o) in &slots {
            // SAFETY: b < n_bundles == row_bins.len(), and o + code < o + n_codes[b] <=
            // hist.len() (asserted above).
            let slot = unsafe {
                let code = *row_bins.get_unchecked(b) as usize;
                hist.get_unchecked_mut(o + code)
            };
            slot[0] += g;
            slot[1] += h;
        }
    };
    each_row(bins, gh, rows, add);
}

/// Adds rows into the histogram of features `first..first + offsets.len() - 1`, whose slice
/// `hist` starts at that first feature's offset (`offsets` are absolute).
fn build_features(
    hist: &mut [GradSum],
    offsets: &[usize],
    first: usize,
    bins: &BundledRows,
    gh: &[[f32; 2]],
    rows: Option<&[u32]>,
) {
    let base = offsets[0];
    let local: Vec<usize> = offsets[..offsets.len() - 1]
        .iter()
        .map(|o| o - base)
        .collect();
    let last = first + local.len();
    // Checked once here, so that the unchecked index below is in bounds: for every feature f of
    // this slice, local[f] + n_codes[f] <= hist.len(), and every code of f is below n_codes[f]
    // (BundledRows' invariant).
    assert!(local
        .iter()
        .zip(&bins.n_codes()[first..last])
        .all(|(o, n)| o + n <= hist.len()));
    let add = |row_bins: &[u8], [g, h]: [f32; 2]| {
        let (g, h) = (g as f64, h as f64);
        for (&b, &o) in row_bins[first..last].iter().zip(&local) {
            // SAFETY: o + b < o + n_codes[f] <= hist.len() (asserted above, and b < n_codes[f]
            // by BundledRows' invariant).
            let slot = unsafe { hist.get_unchecked_mut(o + b as usize) };
            slot[0] += g;
            slot[1] += h;
        }
    };
    each_row(bins, gh, rows, add);
}

/// Calls `add(codes, gradient pair)` for the rows `rows` (all rows when `None`) in their order,
/// prefetching the rows ahead: the row loop every histogram build shares.
#[inline(always)]
fn each_row(
    bins: &BundledRows,
    gh: &[[f32; 2]],
    rows: Option<&[u32]>,
    mut add: impl FnMut(&[u8], [f32; 2]),
) {
    let n_bundles = bins.n_bundles();
    match rows {
        None => {
            for (row_bins, &pair) in bins.raw().chunks_exact(n_bundles).zip(gh) {
                add(row_bins, pair);
            }
        }
        Some(rows) => {
            let raw = bins.raw();
            for (i, &r) in rows.iter().enumerate() {
                if let Some(&ahead) = rows.get(i + PREFETCH_AHEAD) {
                    let ahead = ahead as usize;
                    prefetch(raw.as_ptr().wrapping_add(ahead * n_bundles));
                    prefetch(gh.as_ptr().wrapping_add(ahead));
                }
                let r = r as usize;
                add(bins.row(r), gh[r]);
            }
        }
    }
}

/// The same sums with features spread over threads: each feature's bins are still added in row
/// order by one thread, so the result is bit-identical to the single-threaded build.
#[cfg(feature = "threads")]
fn build_parallel(
    hist: &mut [GradSum],
    layout: &Layout,
    bins: &BundledRows,
    gh: &[[f32; 2]],
    rows: Option<&[u32]>,
) {
    use rayon::prelude::*;
    let n_bundles = bins.n_bundles();
    let chunk = n_bundles
        .div_ceil(rayon::current_num_threads().max(1) * 2)
        .max(1);
    let mut parts: Vec<(usize, &mut [GradSum])> = Vec::new();
    let mut rest = hist;
    let mut first = 0;
    while first < n_bundles {
        let end = (first + chunk).min(n_bundles);
        let len = layout.offsets[end] - layout.offsets[first];
        let (part, tail) = rest.split_at_mut(len);
        parts.push((first, part));
        rest = tail;
        first = end;
    }
    parts.into_par_iter().for_each(|(first, part)| {
        let end = (first + chunk).min(n_bundles);
        build_features(part, &layout.offsets[first..=end], first, bins, gh, rows);
    });
}

/// `parent -= child`: the parent's histogram becomes its other child's.
pub(crate) fn subtract(parent: &mut [GradSum], child: &[GradSum]) {
    for (p, c) in parent.iter_mut().zip(child) {
        p[0] -= c[0];
        p[1] -= c[1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::binning::{fit_bins, BinnedColumns, FeatureBins};
    use crate::gbdt::bundle::Bundles;
    use crate::gbdt::data::Feature;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn histogram_sums_rows_per_bin_and_subtraction_gives_the_sibling() {
        let features = vec![
            Feature::numeric("a", vec![1.0, 2.0, 2.0, f32::NAN, 3.0]),
            Feature::categorical("c", vec![0.0, 1.0, 0.0, 1.0, f32::NAN], 2),
        ];
        let fb: Vec<FeatureBins> = fit_bins(&features, 256, 100, &mut ChaCha8Rng::seed_from_u64(0));
        let n_bins: Vec<usize> = fb.iter().map(FeatureBins::n_bins).collect();
        let bundles = Bundles::new(&n_bins);
        let m = BundledRows::new(&BinnedColumns::new(&features, &fb), &bundles);
        let layout = Layout::new(bundles.n_codes());
        let gh = [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0], [4.0, 1.0], [5.0, 2.0]];
        let mut all = vec![[0.0; 2]; layout.total()];
        build(&mut all, &layout, &m, &gh, None);
        let per_feature = Layout::new(&n_bins);
        let mut unbundled = vec![[0.0; 2]; per_feature.total()];
        let every: Vec<usize> = (0..bundles.len()).collect();
        bundles.unbundle(&all, &layout, &mut unbundled, &per_feature, &every);
        assert_eq!(
            per_feature.feature(&unbundled, 0),
            &[[4.0, 1.0], [1.0, 1.0], [5.0, 2.0], [5.0, 2.0]]
        );
        assert_eq!(
            per_feature.feature(&unbundled, 1),
            &[[5.0, 2.0], [4.0, 2.0], [6.0, 2.0]]
        );
        let mut left = vec![[0.0; 2]; layout.total()];
        build(&mut left, &layout, &m, &gh, Some(&[0, 3]));
        subtract(&mut all, &left);
        let mut right = vec![[0.0; 2]; layout.total()];
        build(&mut right, &layout, &m, &gh, Some(&[1, 2, 4]));
        assert_eq!(all, right);
    }
    /// The features binned (on `bin_rows` sampled rows) and bundled, their codes' histogram
    /// layout, and a random gradient pair per row.
    pub(super) fn bundled_with_gradients(
        features: &[Feature],
        bin_rows: usize,
        rng: &mut ChaCha8Rng,
    ) -> (Bundles, BundledRows, Layout, Vec<[f32; 2]>) {
        let fb = fit_bins(features, 256, bin_rows, rng);
        let n_bins: Vec<usize> = fb.iter().map(FeatureBins::n_bins).collect();
        let bundles = Bundles::new(&n_bins);
        let rows = BundledRows::new(&BinnedColumns::new(features, &fb), &bundles);
        let layout = Layout::new(bundles.n_codes());
        let gh = (0..features[0].values.len())
            .map(|_| [rng.random::<f32>() - 0.5, rng.random()])
            .collect();
        (bundles, rows, layout, gh)
    }

    #[test]
    fn a_histogram_of_some_bundles_equals_the_full_one_on_those_bundles() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 2_000;
        let features: Vec<Feature> = (0..6)
            .map(|i| {
                let k = [300, 3, 40, 300, 7, 2][i];
                Feature::numeric(
                    format!("x{i}"),
                    (0..n).map(|_| rng.random_range(0..k) as f32).collect(),
                )
            })
            .collect();
        let (bundles, m, layout, gh) = bundled_with_gradients(&features, n, &mut rng);
        let rows: Vec<u32> = (0..n as u32).filter(|r| r % 5 != 2).collect();
        let active: Vec<usize> = (0..bundles.len()).filter(|b| b % 2 == 1).collect();
        for sample in [None, Some(&rows[..])] {
            let mut full = vec![[0.0; 2]; layout.total()];
            build(&mut full, &layout, &m, &gh, sample);
            let mut some = vec![[0.0; 2]; layout.total()];
            build_active(&mut some, &layout, &m, &gh, sample, &active);
            for b in 0..bundles.len() {
                let cells = layout.offsets[b]..layout.offsets[b + 1];
                if active.contains(&b) {
                    assert_eq!(full[cells.clone()], some[cells]);
                } else {
                    assert!(some[cells].iter().all(|c| *c == [0.0; 2]));
                }
            }
        }
    }
}

#[cfg(all(test, feature = "threads"))]
mod thread_tests {
    use super::*;
    use crate::gbdt::data::Feature;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn parallel_build_is_bit_identical_to_the_serial_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 50_000;
        let features: Vec<Feature> = (0..PARALLEL_MIN_BUNDLES + 3)
            .map(|i| Feature::numeric(format!("x{i}"), (0..n).map(|_| rng.random()).collect()))
            .collect();
        let (_, m, layout, gh) = super::tests::bundled_with_gradients(&features, 10_000, &mut rng);
        let rows: Vec<u32> = (0..n as u32).filter(|r| r % 3 != 0).collect();
        for sample in [None, Some(&rows[..])] {
            let mut serial = vec![[0.0; 2]; layout.total()];
            build_features(&mut serial, &layout.offsets, 0, &m, &gh, sample);
            let mut parallel = vec![[0.0; 2]; layout.total()];
            build(&mut parallel, &layout, &m, &gh, sample);
            assert!(
                serial
                    .iter()
                    .zip(&parallel)
                    .all(|(a, b)| a[0].to_bits() == b[0].to_bits()
                        && a[1].to_bits() == b[1].to_bits())
            );
        }
    }
}
