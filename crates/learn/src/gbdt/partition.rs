//! The rows of each tree node, as one array of row indices in which every node owns a contiguous
//! range; splitting a node reorders its range in place, left rows first, both sides keeping their
//! order (so that histograms add rows in a fixed order and results do not depend on anything else).

use super::histogram::{prefetch, PREFETCH_AHEAD};
use super::split::{contains, BinSet};

/// Row indices of the nodes of the tree being grown.
pub(crate) struct Partition {
    indices: Vec<u32>,
    scratch: Vec<u32>,
}

impl Partition {
    /// An empty partition; `reset` fills it.
    pub(crate) fn new() -> Partition {
        Partition {
            indices: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Starts a tree over these rows (the root's range is all of them).
    pub(crate) fn reset(&mut self, rows: impl Iterator<Item = u32>) {
        self.indices.clear();
        self.indices.extend(rows);
        self.scratch.resize(self.indices.len(), 0);
    }

    /// Number of rows in the tree.
    pub(crate) fn len(&self) -> usize {
        self.indices.len()
    }

    /// The rows of range `begin..end`.
    pub(crate) fn rows(&self, begin: usize, end: usize) -> &[u32] {
        &self.indices[begin..end]
    }

    /// Stable in-place split of `begin..end` by the bin of one feature: rows whose bin
    /// `column[row]` is in `left_bins` first. Returns where the right rows start.
    pub(crate) fn split(
        &mut self,
        begin: usize,
        end: usize,
        column: &[u8],
        left_bins: &BinSet,
    ) -> usize {
        // A byte table rather than the bit set: one load per row, no shifts.
        let mut table = [0u8; 256];
        for (b, slot) in table.iter_mut().enumerate() {
            *slot = contains(left_bins, b as u8) as u8;
        }
        self.split_with(
            begin,
            end,
            |r| table[column[r as usize] as usize] == 1,
            |r| prefetch(column.as_ptr().wrapping_add(r as usize)),
        )
    }

    /// Stable in-place split of `begin..end`: rows for which `goes_left(row)` first, `ahead(row)`
    /// called on the row read `PREFETCH_AHEAD` steps later (to prefetch what `goes_left` reads).
    /// Returns where the right rows start.
    #[inline]
    pub(crate) fn split_with(
        &mut self,
        begin: usize,
        end: usize,
        goes_left: impl Fn(u32) -> bool,
        ahead: impl Fn(u32),
    ) -> usize {
        let range = &mut self.indices[begin..end];
        let n = range.len();
        let scratch = &mut self.scratch[..n];
        let mut left = 0;
        let mut right = 0;
        // Branch-free: each row is written to both places and only one cursor advances.
        for i in 0..n {
            if i + PREFETCH_AHEAD < n {
                ahead(range[i + PREFETCH_AHEAD]);
            }
            let r = range[i];
            let go = goes_left(r) as usize;
            // SAFETY: left + right == i < n after i iterations, so both cursors are below n,
            // the length of `range` and of `scratch`; `left <= i` so no unread row is clobbered.
            unsafe {
                *range.get_unchecked_mut(left) = r;
                *scratch.get_unchecked_mut(right) = r;
            }
            left += go;
            right += 1 - go;
        }
        range[left..].copy_from_slice(&scratch[..right]);
        begin + left
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_stable_on_both_sides() {
        let mut p = Partition::new();
        p.reset(0..10);
        let bins: Vec<u8> = (0..10).map(|r| (r % 3 == 0) as u8).collect();
        let mid = p.split(2, 9, &bins, &[2, 0, 0, 0]);
        assert_eq!(mid, 4);
        assert_eq!(p.rows(0, 10), &[0, 1, 3, 6, 2, 4, 5, 7, 8, 9]);
    }
}
