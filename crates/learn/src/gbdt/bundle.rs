//! Bundles of few-bin features, so that a histogram adds fewer cells per row. Features whose bin
//! counts multiply to at most 256 share one `u8` code per row (their bins in mixed radix), and
//! the histogram is built over the codes: one add per bundle instead of one per feature. Each
//! feature's own histogram is then the sum of its bundle's cells over the other members' bins, a
//! few hundred cells per node against thousands of rows. Store sales data is full of such
//! features (weekday, promo, holidays, store type, month): on the Rossmann forecast 18 features
//! make 11 bundles. Unlike LightGBM's exclusive feature bundling this needs no sparsity: every
//! combination has its own cell.

use super::binning::BinnedColumns;
use super::histogram::{GradSum, Layout};

/// Most codes a bundle may have: one `u8`.
const MAX_CODES: usize = 256;

/// Which features share a code, and how.
pub(crate) struct Bundles {
    /// Per bundle, its features with their stride: the code is the sum of `bin * stride`.
    members: Vec<Vec<(usize, usize)>>,
    /// Per bundle, its number of codes (the product of its members' bin counts).
    n_codes: Vec<usize>,
    /// Per feature, its bin count.
    n_bins: Vec<usize>,
}

impl Bundles {
    /// Packs features with these bin counts, largest first, each into the first bundle it fits
    /// (first-fit decreasing). Deterministic: ties keep feature order.
    pub(crate) fn new(n_bins: &[usize]) -> Bundles {
        let mut order: Vec<usize> = (0..n_bins.len()).collect();
        order.sort_by_key(|&f| std::cmp::Reverse(n_bins[f]));
        let mut members: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut n_codes: Vec<usize> = Vec::new();
        for f in order {
            let n = n_bins[f].max(1);
            match n_codes.iter().position(|&codes| codes * n <= MAX_CODES) {
                Some(b) => {
                    members[b].push((f, n_codes[b]));
                    n_codes[b] *= n;
                }
                None => {
                    members.push(vec![(f, 1)]);
                    n_codes.push(n);
                }
            }
        }
        Bundles {
            members,
            n_codes,
            n_bins: n_bins.to_vec(),
        }
    }

    /// Number of bundles (the row stride of [`BundledRows`]).
    pub(crate) fn len(&self) -> usize {
        self.n_codes.len()
    }

    /// Codes per bundle: the histogram layout of bundled rows.
    pub(crate) fn n_codes(&self) -> &[usize] {
        &self.n_codes
    }

    /// The bundles holding at least one feature flagged in `allowed`, ascending: the only ones
    /// a tree restricted to those features needs histograms of.
    pub(crate) fn active(&self, allowed: &[bool]) -> Vec<usize> {
        (0..self.len())
            .filter(|&b| self.members[b].iter().any(|&(f, _)| allowed[f]))
            .collect()
    }

    /// Each feature's histogram (`features` layout) from a histogram of bundle codes (`codes`
    /// layout), for the bundles `active` (ascending); the other features' histograms are left
    /// as they were.
    pub(crate) fn unbundle(
        &self,
        joint: &[GradSum],
        codes: &Layout,
        out: &mut [GradSum],
        features: &Layout,
        active: &[usize],
    ) {
        for &b in active {
            let members = &self.members[b];
            let cells = &joint[codes.offsets[b]..codes.offsets[b + 1]];
            if let [(f, _)] = members[..] {
                out[features.offsets[f]..features.offsets[f + 1]].copy_from_slice(cells);
                continue;
            }
            for &(f, _) in members {
                out[features.offsets[f]..features.offsets[f + 1]].fill([0.0; 2]);
            }
            for (code, cell) in cells.iter().enumerate() {
                // Most combinations never occur in a node.
                if *cell == [0.0; 2] {
                    continue;
                }
                for &(f, stride) in members {
                    let bin = code / stride % self.n_bins[f];
                    let slot = &mut out[features.offsets[f] + bin];
                    slot[0] += cell[0];
                    slot[1] += cell[1];
                }
            }
        }
    }
}

/// Binned rows in bundle codes, row-major: row `r`'s codes are `codes[r * n_bundles..]
/// [..n_bundles]`. Invariant (relied on by the histogram's unchecked indexing): the code of
/// bundle `b` is below `n_codes[b]`, because each member's bin is below its bin count.
pub(crate) struct BundledRows {
    codes: Vec<u8>,
    n_rows: usize,
    n_bundles: usize,
    n_codes: Vec<usize>,
}

impl BundledRows {
    /// The codes of every row of `columns` (whose bin counts `bundles` was made for).
    pub(crate) fn new(columns: &BinnedColumns, bundles: &Bundles) -> BundledRows {
        let (n_rows, n_bundles) = (columns.n_rows(), bundles.len());
        let mut codes = vec![0u8; n_rows * n_bundles];
        for (b, members) in bundles.members.iter().enumerate() {
            for &(f, stride) in members {
                let column = columns.column(f);
                assert!(column.iter().all(|&bin| (bin as usize) < bundles.n_bins[f]));
                for (row, &bin) in codes.chunks_exact_mut(n_bundles).zip(column) {
                    // Below 256: the bundle's product of bin counts is.
                    row[b] += (bin as usize * stride) as u8;
                }
            }
        }
        BundledRows {
            codes,
            n_rows,
            n_bundles,
            n_codes: bundles.n_codes.clone(),
        }
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of bundles (the row stride).
    pub(crate) fn n_bundles(&self) -> usize {
        self.n_bundles
    }

    /// Codes per bundle.
    pub(crate) fn n_codes(&self) -> &[usize] {
        &self.n_codes
    }

    /// The codes of one row.
    #[inline]
    pub(crate) fn row(&self, r: usize) -> &[u8] {
        &self.codes[r * self.n_bundles..(r + 1) * self.n_bundles]
    }

    /// All codes, row-major.
    #[inline]
    pub(crate) fn raw(&self) -> &[u8] {
        &self.codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::binning::{fit_bins, FeatureBins};
    use crate::gbdt::data::Feature;
    use crate::gbdt::histogram;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn few_bin_features_share_a_bundle_and_wide_ones_stay_alone() {
        // The Rossmann forecast's bin counts (missing bin included).
        let n_bins = [
            8, 3, 5, 3, 256, 4, 13, 32, 53, 5, 4, 256, 256, 3, 256, 3, 256, 256,
        ];
        let bundles = Bundles::new(&n_bins);
        assert_eq!(bundles.len(), 11);
        let mut seen = vec![0; n_bins.len()];
        for (members, &codes) in bundles.members.iter().zip(&bundles.n_codes) {
            assert!(codes <= MAX_CODES);
            assert_eq!(
                codes,
                members.iter().map(|&(f, _)| n_bins[f]).product::<usize>()
            );
            for &(f, _) in members {
                seen[f] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "each feature in one bundle");
    }

    proptest! {
        /// Unbundling a histogram of codes gives each feature's histogram built directly.
        /// Gradients are small integers, so that every sum is exact whatever its order.
        #[test]
        fn unbundled_histograms_equal_per_feature_ones(
            n_values in proptest::collection::vec(1usize..40, 1..8),
            seed in 0u64..1000,
        ) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 300;
            let features: Vec<Feature> = n_values
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let values = (0..n)
                        .map(|_| {
                            let v = rand::Rng::random_range(&mut rng, 0..=k);
                            if v == k { f32::NAN } else { v as f32 }
                        })
                        .collect();
                    Feature::numeric(format!("x{i}"), values)
                })
                .collect();
            let fb: Vec<FeatureBins> = fit_bins(&features, 256, n, &mut rng);
            let columns = BinnedColumns::new(&features, &fb);
            let n_bins: Vec<usize> = fb.iter().map(FeatureBins::n_bins).collect();
            let bundles = Bundles::new(&n_bins);
            let rows = BundledRows::new(&columns, &bundles);
            let gh: Vec<[f32; 2]> = (0..n)
                .map(|_| [rand::Rng::random_range(&mut rng, -8..8) as f32, 1.0])
                .collect();
            let sample: Vec<u32> = (0..n as u32).filter(|r| r % 3 != 1).collect();
            let codes = Layout::new(bundles.n_codes());
            let mut joint = vec![[0.0; 2]; codes.total()];
            histogram::build(&mut joint, &codes, &rows, &gh, Some(&sample));
            let layout = Layout::new(&n_bins);
            let mut unbundled = vec![[f64::NAN; 2]; layout.total()];
            let all: Vec<usize> = (0..bundles.len()).collect();
            bundles.unbundle(&joint, &codes, &mut unbundled, &layout, &all);
            let mut direct = vec![[0.0; 2]; layout.total()];
            for &r in &sample {
                for f in 0..features.len() {
                    let slot = &mut direct[layout.offsets[f] + columns.column(f)[r as usize] as usize];
                    slot[0] += gh[r as usize][0] as f64;
                    slot[1] += gh[r as usize][1] as f64;
                }
            }
            prop_assert_eq!(unbundled, direct);
        }
    }
}
