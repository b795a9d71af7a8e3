//! Group-bys over `u32` keys. [`Groups`] puts the rows of each key (or pair of keys) together by
//! stable radix passes, 11 bits of key per pass, and aggregates over those runs; the
//! `*_by_dense_key` functions scatter straight into one slot per key when the keys are small
//! dense ids (product, department). No hashing, no allocation per row.

const DIGIT_BITS: u32 = 11;
const DIGITS: usize = 1 << DIGIT_BITS;

/// Sorts `items` stably by their high 32 bits (the key; the low 32 bits carry the row), one
/// counting pass per 11 bits of key up to the largest key: the key travels with its row, so every
/// pass reads sequentially, and 2,048 buckets keep the scatter within cache.
fn radix_sort(items: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    let max = items.iter().map(|&x| (x >> 32) as u32).max().unwrap_or(0);
    scratch.resize(items.len(), 0);
    let mut counts = vec![0u32; DIGITS];
    let mut shift = 32;
    loop {
        counts.fill(0);
        for &x in items.iter() {
            counts[((x >> shift) as usize) & (DIGITS - 1)] += 1;
        }
        // A digit every key shares moves nothing.
        if counts.iter().all(|&c| c as usize != items.len()) {
            let mut next = 0u32;
            for c in counts.iter_mut() {
                let n = *c;
                *c = next;
                next += n;
            }
            for &x in items.iter() {
                let slot = &mut counts[((x >> shift) as usize) & (DIGITS - 1)];
                scratch[*slot as usize] = x;
                *slot += 1;
            }
            std::mem::swap(items, scratch);
        }
        shift += DIGIT_BITS;
        if shift >= 64 || (u64::from(max) << 32) >> shift == 0 {
            break;
        }
    }
}

/// `(keys[row], row)` packed for [`radix_sort`], in row order.
fn keyed_rows(keys: &[u32]) -> Vec<u64> {
    assert!(keys.len() <= u32::MAX as usize, "at most 2^32 rows");
    keys.iter()
        .enumerate()
        .map(|(row, &k)| (u64::from(k) << 32) | row as u64)
        .collect()
}

/// Rows `0..keys.len()` ordered by key, ascending; rows of equal keys stay in row order.
pub(crate) fn sort_rows_by(keys: &[u32]) -> Vec<u32> {
    let mut items = keyed_rows(keys);
    radix_sort(&mut items, &mut Vec::new());
    items.into_iter().map(|x| x as u32).collect()
}

/// The rows of a table put together by key: group `g` holds `rows(g)`, in row order within the
/// group, and groups come in ascending key order. Costs one `u32` per row and one per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    rows: Vec<u32>,
    /// Group `g` is `rows[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
}

impl Groups {
    /// One group per distinct value of `keys` (one key per row).
    pub fn by_key(keys: &[u32]) -> Groups {
        let rows = sort_rows_by(keys);
        Groups::from_order(rows, |a, b| keys[a] == keys[b])
    }

    /// One group per distinct pair (`primary`, `secondary`), ordered by `primary` then
    /// `secondary`: a user's products, a store's months.
    pub fn by_keys(primary: &[u32], secondary: &[u32]) -> Groups {
        assert_eq!(primary.len(), secondary.len(), "one pair of keys per row");
        let mut items = keyed_rows(secondary);
        let mut scratch = Vec::new();
        radix_sort(&mut items, &mut scratch);
        for x in items.iter_mut() {
            let row = *x as u32;
            *x = (u64::from(primary[row as usize]) << 32) | u64::from(row);
        }
        radix_sort(&mut items, &mut scratch);
        drop(scratch);
        let rows = items.into_iter().map(|x| x as u32).collect();
        Groups::from_order(rows, |a, b| {
            primary[a] == primary[b] && secondary[a] == secondary[b]
        })
    }

    /// Groups of rows already together: each run of equal consecutive keys is a group (a line
    /// file written order by order). No sort, no copy of the keys.
    pub fn from_runs(keys: &[u32]) -> Groups {
        assert!(keys.len() <= u32::MAX as usize, "at most 2^32 rows");
        let rows = (0..keys.len() as u32).collect();
        Groups::from_order(rows, |a, b| keys[a] == keys[b])
    }

    fn from_order(rows: Vec<u32>, same: impl Fn(usize, usize) -> bool) -> Groups {
        let mut starts = Vec::new();
        for (i, pair) in rows.windows(2).enumerate() {
            if i == 0 {
                starts.push(0);
            }
            if !same(pair[0] as usize, pair[1] as usize) {
                starts.push(i as u32 + 1);
            }
        }
        if rows.len() == 1 {
            starts.push(0);
        }
        starts.push(rows.len() as u32);
        Groups { rows, starts }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows of group `g`, in row order.
    #[inline]
    pub fn rows(&self, g: usize) -> &[u32] {
        &self.rows[self.starts[g] as usize..self.starts[g + 1] as usize]
    }

    /// The first row of group `g`: where to read the group's key.
    #[inline]
    pub fn first_row(&self, g: usize) -> usize {
        self.rows[self.starts[g] as usize] as usize
    }

    /// Every row, group after group.
    pub fn row_order(&self) -> &[u32] {
        &self.rows
    }

    /// Rows per group.
    pub fn counts(&self) -> Vec<u32> {
        self.starts.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Any aggregate: `step(&mut acc, row)` over each group's rows, from `init`.
    pub fn fold<A: Clone>(&self, init: A, mut step: impl FnMut(&mut A, usize)) -> Vec<A> {
        (0..self.len())
            .map(|g| {
                let mut acc = init.clone();
                for &r in self.rows(g) {
                    step(&mut acc, r as usize);
                }
                acc
            })
            .collect()
    }

    /// Sum of each group's values, NaN (missing) skipped; in `f64`, so that 32 M small numbers
    /// add up exactly.
    pub fn sum<T: Copy + Into<f64>>(&self, values: &[T]) -> Vec<f64> {
        self.fold(0.0, |acc, r| {
            let v: f64 = values[r].into();
            if !v.is_nan() {
                *acc += v;
            }
        })
    }

    /// Mean of each group's non-missing values; NaN for a group with none.
    pub fn mean<T: Copy + Into<f64>>(&self, values: &[T]) -> Vec<f32> {
        self.fold((0.0, 0u32), |(sum, n), r| {
            let v: f64 = values[r].into();
            if !v.is_nan() {
                *sum += v;
                *n += 1;
            }
        })
        .into_iter()
        .map(|(sum, n)| {
            if n == 0 {
                f32::NAN
            } else {
                (sum / n as f64) as f32
            }
        })
        .collect()
    }

    /// Smallest non-missing value of each group (NaN only when the group has no other).
    pub fn min<T: Copy + PartialOrd>(&self, values: &[T]) -> Vec<T> {
        self.extreme(values, |v, acc| v < acc)
    }

    /// Largest non-missing value of each group (NaN only when the group has no other).
    pub fn max<T: Copy + PartialOrd>(&self, values: &[T]) -> Vec<T> {
        self.extreme(values, |v, acc| v > acc)
    }

    #[allow(clippy::eq_op)] // `v != v` is how a generic PartialOrd value says it is NaN.
    fn extreme<T: Copy + PartialOrd>(&self, values: &[T], better: fn(&T, &T) -> bool) -> Vec<T> {
        (0..self.len())
            .map(|g| {
                let rows = self.rows(g);
                let mut acc = values[rows[0] as usize];
                for &r in &rows[1..] {
                    let v = values[r as usize];
                    if v == v && (acc != acc || better(&v, &acc)) {
                        acc = v;
                    }
                }
                acc
            })
            .collect()
    }

    /// The value of the row with the largest `order` in each group (the last order of a user);
    /// of rows tied on `order`, the later row.
    pub fn last_by<T: Copy>(&self, order: &[u32], values: &[T]) -> Vec<T> {
        (0..self.len())
            .map(|g| {
                let rows = self.rows(g);
                let mut best = rows[0] as usize;
                for &r in &rows[1..] {
                    if order[r as usize] >= order[best] {
                        best = r as usize;
                    }
                }
                values[best]
            })
            .collect()
    }

    /// Number of distinct values in each group (distinct products of a user). Uses one `u32`
    /// stamp per possible value, `0..=max(values)`.
    pub fn distinct(&self, values: &[u32]) -> Vec<u32> {
        let max = self.rows.iter().map(|&r| values[r as usize]).max();
        let mut stamp = vec![u32::MAX; max.map_or(0, |m| m as usize + 1)];
        (0..self.len())
            .map(|g| {
                let mut n = 0;
                for &r in self.rows(g) {
                    let slot = &mut stamp[values[r as usize] as usize];
                    if *slot != g as u32 {
                        *slot = g as u32;
                        n += 1;
                    }
                }
                n
            })
            .collect()
    }
}

/// Rows per key for keys that are small dense ids: slot `k` of the result counts the rows whose
/// key is `k`, for `k` in `0..n_keys` (a key out of range is a bug of the caller and panics).
pub fn count_by_dense_key(keys: &[u32], n_keys: usize) -> Vec<u32> {
    let mut counts = vec![0u32; n_keys];
    for &k in keys {
        counts[k as usize] += 1;
    }
    counts
}

/// Sum of `values` per dense key (NaN skipped), like [`count_by_dense_key`].
pub fn sum_by_dense_key<T: Copy + Into<f64>>(
    keys: &[u32],
    values: &[T],
    n_keys: usize,
) -> Vec<f64> {
    assert_eq!(keys.len(), values.len(), "one value per key");
    let mut sums = vec![0.0f64; n_keys];
    for (&k, &v) in keys.iter().zip(values) {
        let v: f64 = v.into();
        if !v.is_nan() {
            sums[k as usize] += v;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn groups_come_in_key_order_with_rows_in_row_order() {
        let keys = [5u32, 1, 5, 70_000, 1, 5];
        let g = Groups::by_key(&keys);
        assert_eq!(g.len(), 3);
        assert_eq!(g.rows(0), &[1, 4]);
        assert_eq!(g.rows(1), &[0, 2, 5]);
        assert_eq!(g.rows(2), &[3]);
        assert_eq!(g.counts(), vec![2, 3, 1]);
        assert!(Groups::by_key(&[]).is_empty());
        assert_eq!(Groups::by_key(&[9]).rows(0), &[0]);
    }

    #[test]
    fn runs_group_consecutive_keys_only() {
        let g = Groups::from_runs(&[4, 4, 2, 4]);
        assert_eq!(g.counts(), vec![2, 1, 1]);
        assert_eq!(g.rows(2), &[3]);
    }

    #[test]
    fn aggregates_skip_missing_values() {
        let keys = [0u32, 0, 1, 1, 2];
        let values = [1.0f32, f32::NAN, f32::NAN, f32::NAN, 4.0];
        let g = Groups::by_key(&keys);
        assert_eq!(g.sum(&values), vec![1.0, 0.0, 4.0]);
        let mean = g.mean(&values);
        assert_eq!(mean[0], 1.0);
        assert!(mean[1].is_nan());
        assert_eq!(g.min(&values)[0], 1.0);
        assert_eq!(g.max(&[f32::NAN, 2.0, 0.0, 0.0, 0.0])[0], 2.0);
    }

    fn naive<A>(keys: &[u32], f: impl FnMut(&mut Vec<usize>) -> A) -> Vec<A> {
        let mut by: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (r, &k) in keys.iter().enumerate() {
            by.entry(k).or_default().push(r);
        }
        by.values_mut().map(f).collect()
    }

    fn key() -> impl Strategy<Value = u32> {
        prop_oneof![0u32..8, 0u32..100_000, any::<u32>()]
    }

    proptest! {
        #[test]
        fn aggregates_agree_with_a_map(
            rows in prop::collection::vec((key(), 0u32..20, 0u32..6, -5i32..5), 0..200),
        ) {
            let keys: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let values: Vec<u32> = rows.iter().map(|r| r.1).collect();
            let order: Vec<u32> = rows.iter().map(|r| r.2).collect();
            let floats: Vec<f32> = rows
                .iter()
                .map(|r| if r.3 == 0 { f32::NAN } else { r.3 as f32 })
                .collect();
            let g = Groups::by_key(&keys);
            prop_assert_eq!(g.len(), naive(&keys, |_| ()).len());
            let members: Vec<Vec<u32>> = (0..g.len()).map(|i| g.rows(i).to_vec()).collect();
            prop_assert_eq!(members, naive(&keys, |rs| rs.iter().map(|&r| r as u32).collect::<Vec<u32>>()));
            prop_assert_eq!(g.counts(), naive(&keys, |rs| rs.len() as u32));
            prop_assert_eq!(g.sum(&values), naive(&keys, |rs| rs.iter().map(|&r| values[r] as f64).sum::<f64>()));
            prop_assert_eq!(g.min(&values), naive(&keys, |rs| rs.iter().map(|&r| values[r]).min().unwrap()));
            prop_assert_eq!(g.max(&values), naive(&keys, |rs| rs.iter().map(|&r| values[r]).max().unwrap()));
            prop_assert_eq!(
                g.distinct(&values),
                naive(&keys, |rs| rs.iter().map(|&r| values[r]).collect::<BTreeSet<_>>().len() as u32)
            );
            prop_assert_eq!(
                g.last_by(&order, &values),
                naive(&keys, |rs| {
                    let best = rs.iter().max_by_key(|&&r| order[r]).unwrap();
                    values[*best]
                })
            );
            let sums: Vec<f64> = g.sum(&floats);
            prop_assert_eq!(
                sums,
                naive(&keys, |rs| rs.iter().map(|&r| floats[r]).filter(|v| !v.is_nan()).map(f64::from).sum::<f64>())
            );
            let dense_keys: Vec<u32> = keys.iter().map(|k| k % 50).collect();
            let counts = count_by_dense_key(&dense_keys, 50);
            let sums = sum_by_dense_key(&dense_keys, &values, 50);
            for k in 0..50u32 {
                let rs: Vec<usize> = (0..keys.len()).filter(|&r| dense_keys[r] == k).collect();
                prop_assert_eq!(counts[k as usize] as usize, rs.len());
                prop_assert_eq!(sums[k as usize], rs.iter().map(|&r| values[r] as f64).sum::<f64>());
            }
        }

        #[test]
        fn pairs_group_by_both_keys_in_lexicographic_order(
            rows in prop::collection::vec((key(), key()), 0..200),
        ) {
            let a: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let b: Vec<u32> = rows.iter().map(|r| r.1).collect();
            let g = Groups::by_keys(&a, &b);
            let mut by: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
            for (r, p) in rows.iter().enumerate() {
                by.entry(*p).or_default().push(r as u32);
            }
            let members: Vec<Vec<u32>> = (0..g.len()).map(|i| g.rows(i).to_vec()).collect();
            prop_assert_eq!(members, by.into_values().collect::<Vec<_>>());
        }
    }
}
