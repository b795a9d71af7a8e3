//! Byte-string interning for text columns: one hash lookup per text cell, no allocation for a
//! value already seen.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (rustc's hasher): much faster than SipHash on short keys. Denial-of-service resistance
/// does not matter for a user's own file in their own tab.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Maps the bytes of a value to its code; the caller keeps the decoded dictionary.
#[derive(Default)]
pub(crate) struct Interner {
    codes: FxHashMap<Box<[u8]>, u32>,
    /// Last value seen: runs of the same category (sorted exports) skip the hash entirely.
    last: Vec<u8>,
    last_code: Option<u32>,
}

impl Interner {
    /// The code of `bytes`, or `None` if new (then call [`Interner::insert`]).
    #[inline]
    pub(crate) fn get(&mut self, bytes: &[u8]) -> Option<u32> {
        if let Some(code) = self.last_code {
            if self.last == bytes {
                return Some(code);
            }
        }
        let code = *self.codes.get(bytes)?;
        self.last.clear();
        self.last.extend_from_slice(bytes);
        self.last_code = Some(code);
        Some(code)
    }

    /// Records a new value with the next code.
    pub(crate) fn insert(&mut self, bytes: &[u8], code: u32) {
        self.codes.insert(bytes.into(), code);
    }

    /// The values' bytes indexed by their code (codes run from 0 to `n - 1`).
    pub(crate) fn into_keys_by_code(self, n: usize) -> Vec<Box<[u8]>> {
        let mut keys = vec![Box::default(); n];
        for (key, code) in self.codes {
            keys[code as usize] = key;
        }
        keys
    }
}
