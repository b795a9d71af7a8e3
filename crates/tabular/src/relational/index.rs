//! A unique `u32` key -> row index, and the join of a line table to its parent table through it
//! (order lines -> orders).

/// Two rows share a key that must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: u32,
    /// The row that holds it first.
    pub first_row: usize,
    /// The later row that holds it again.
    pub row: usize,
}

/// A child row whose key is not a key of the parent table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnmatchedKey {
    /// The first child row (0-based) whose key has no parent.
    pub row: usize,
    /// Its key.
    pub key: u32,
}

/// Where each key of a table is. Dense when the keys nearly fill `0..=max` (Instacart's order ids
/// are a permutation of 1..N): one `u32` per possible key, looked up by indexing. Sorted
/// otherwise: keys in order with their rows, looked up by binary search, so that a few large ids
/// do not cost memory in proportion to their size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIndex {
    /// `row_of[key]` is the key's row, `u32::MAX` when no row holds it.
    Dense {
        /// Row per possible key.
        row_of: Vec<u32>,
        /// Number of keys held.
        len: usize,
    },
    /// Keys ascending, with the row of each.
    Sorted {
        /// The keys, ascending.
        keys: Vec<u32>,
        /// `rows[i]` holds `keys[i]`.
        rows: Vec<u32>,
    },
}

/// The dense form is used while it costs at most this many slots per key.
const DENSE_SLOTS_PER_KEY: usize = 4;
const NO_ROW: u32 = u32::MAX;

impl KeyIndex {
    /// Indexes `keys`, one per row, which must be unique.
    pub fn unique(keys: &[u32]) -> Result<KeyIndex, DuplicateKey> {
        assert!(keys.len() < NO_ROW as usize, "at most 2^32 - 1 rows");
        let max = keys.iter().copied().max().unwrap_or(0) as usize;
        if max < DENSE_SLOTS_PER_KEY * keys.len() + 1024 {
            let mut row_of = vec![NO_ROW; max + 1];
            for (row, &key) in keys.iter().enumerate() {
                let slot = &mut row_of[key as usize];
                if *slot != NO_ROW {
                    return Err(DuplicateKey {
                        key,
                        first_row: *slot as usize,
                        row,
                    });
                }
                *slot = row as u32;
            }
            return Ok(KeyIndex::Dense {
                row_of,
                len: keys.len(),
            });
        }
        let order = crate::relational::group::sort_rows_by(keys);
        for pair in order.windows(2) {
            let (a, b) = (pair[0] as usize, pair[1] as usize);
            if keys[a] == keys[b] {
                // The sort is stable: `a` is the earlier row.
                return Err(DuplicateKey {
                    key: keys[a],
                    first_row: a,
                    row: b,
                });
            }
        }
        Ok(KeyIndex::Sorted {
            keys: order.iter().map(|&r| keys[r as usize]).collect(),
            rows: order,
        })
    }

    /// The row holding `key`, if any.
    #[inline]
    pub fn get(&self, key: u32) -> Option<u32> {
        match self {
            KeyIndex::Dense { row_of, .. } => {
                row_of.get(key as usize).copied().filter(|&r| r != NO_ROW)
            }
            KeyIndex::Sorted { keys, rows } => keys.binary_search(&key).ok().map(|i| rows[i]),
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        match self {
            KeyIndex::Dense { len, .. } => *len,
            KeyIndex::Sorted { keys, .. } => keys.len(),
        }
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The parent row of every child row: `child_keys[i]` looked up in `parent`. Fails on the first
/// child row whose key has no parent, so that the caller can name its line.
pub fn join_parent(child_keys: &[u32], parent: &KeyIndex) -> Result<Vec<u32>, UnmatchedKey> {
    child_keys
        .iter()
        .enumerate()
        .map(|(row, &key)| parent.get(key).ok_or(UnmatchedKey { row, key }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn dense_and_sorted_find_every_key_and_only_those() {
        for keys in [vec![3u32, 1, 2, 7], vec![5, 4_000_000_000, 17]] {
            let index = KeyIndex::unique(&keys).unwrap();
            assert_eq!(index.len(), keys.len());
            for (row, &k) in keys.iter().enumerate() {
                assert_eq!(index.get(k), Some(row as u32));
            }
            assert_eq!(index.get(6), None);
            assert_eq!(index.get(u32::MAX - 1), None);
        }
        assert!(matches!(
            KeyIndex::unique(&[5, 4_000_000_000, 17]).unwrap(),
            KeyIndex::Sorted { .. }
        ));
        assert!(matches!(
            KeyIndex::unique(&[3, 1, 2]).unwrap(),
            KeyIndex::Dense { .. }
        ));
    }

    #[test]
    fn duplicates_name_both_rows() {
        let dup = DuplicateKey {
            key: 1,
            first_row: 1,
            row: 3,
        };
        assert_eq!(KeyIndex::unique(&[3, 1, 2, 1]), Err(dup));
        let dup = DuplicateKey {
            key: 4_000_000_000,
            first_row: 0,
            row: 2,
        };
        assert_eq!(
            KeyIndex::unique(&[4_000_000_000, 1, 4_000_000_000]),
            Err(dup)
        );
    }

    #[test]
    fn join_names_the_first_orphan() {
        let parent = KeyIndex::unique(&[10, 20, 30]).unwrap();
        assert_eq!(join_parent(&[30, 10, 10], &parent), Ok(vec![2, 0, 0]));
        assert_eq!(
            join_parent(&[30, 11, 40], &parent),
            Err(UnmatchedKey { row: 1, key: 11 })
        );
    }

    proptest! {
        #[test]
        fn join_agrees_with_a_hash_map(
            parent in prop::collection::hash_set(prop_oneof![0u32..500, any::<u32>()], 0..60),
            child in prop::collection::vec(prop_oneof![0u32..500, any::<u32>()], 0..80),
        ) {
            let parent: Vec<u32> = parent.into_iter().collect();
            let naive: HashMap<u32, u32> =
                parent.iter().enumerate().map(|(r, &k)| (k, r as u32)).collect();
            let index = KeyIndex::unique(&parent).unwrap();
            let expected: Result<Vec<u32>, UnmatchedKey> = child
                .iter()
                .enumerate()
                .map(|(row, k)| naive.get(k).copied().ok_or(UnmatchedKey { row, key: *k }))
                .collect();
            prop_assert_eq!(join_parent(&child, &index), expected);
        }
    }
}
