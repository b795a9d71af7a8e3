//! Where a byte occurs in a 64-byte block, as one `u64` (bit `i` set when `block[i]` is it).
//!
//! The row reader splits Bosch's lines (970 fields, four in five empty) with these masks, as
//! simdjson finds its structural characters: the non-empty fields of a block are the bits that
//! follow a delimiter without being one, walked with `trailing_zeros`, and a field's column is a
//! popcount. Walking bits branches once per block rather than once per run of empty fields,
//! whose varying length a branch predictor cannot guess.
//!
//! SSE2 (every x86-64) and WebAssembly SIMD (the page's build, `.cargo/config.toml`) compare 16
//! bytes at once; elsewhere 8 bytes a word.

/// The bytes a block holds.
pub(crate) const BLOCK: usize = 64;

/// Bit `i` set when `block[i] == byte`.
#[inline(always)]
pub(crate) fn mask(block: &[u8; BLOCK], byte: u8) -> u64 {
    imp::mask(block, byte)
}

/// Bit `i` (for `i < bytes.len()`, at most [`BLOCK`]) set when `bytes[i] == byte`: a line's last,
/// short block.
#[inline]
pub(crate) fn mask_partial(bytes: &[u8], byte: u8) -> u64 {
    debug_assert!(bytes.len() <= BLOCK);
    // Any filler but `byte` itself.
    let mut block = [!byte; BLOCK];
    block[..bytes.len()].copy_from_slice(bytes);
    mask(&block, byte)
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::BLOCK;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    #[inline(always)]
    pub(super) fn mask(block: &[u8; BLOCK], byte: u8) -> u64 {
        let mut bits = 0u64;
        for k in 0..BLOCK / 16 {
            // SAFETY: SSE2 is part of x86-64; the 16 bytes read lie inside `block`, and an
            // unaligned load is allowed to read them at any address.
            let lane = unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u16
            };
            bits |= u64::from(lane) << (16 * k);
        }
        bits
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use super::BLOCK;
    use std::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_load};

    #[inline(always)]
    pub(super) fn mask(block: &[u8; BLOCK], byte: u8) -> u64 {
        let wanted = u8x16_splat(byte);
        let mut bits = 0u64;
        for k in 0..BLOCK / 16 {
            // SAFETY: the 16 bytes read lie inside `block`; a v128 load may be unaligned.
            let v = unsafe { v128_load(block.as_ptr().add(16 * k).cast::<v128>()) };
            bits |= u64::from(u8x16_bitmask(u8x16_eq(v, wanted))) << (16 * k);
        }
        bits
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
mod imp {
    pub(super) use super::mask_by_words as mask;
}

/// [`mask`] without SIMD, 8 bytes a word: the way of the targets without a vector unit here.
#[cfg(any(
    test,
    not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))
))]
#[inline(always)]
fn mask_by_words(block: &[u8; BLOCK], byte: u8) -> u64 {
    let splat = u64::from_le_bytes([byte; 8]);
    let mut bits = 0u64;
    for (k, word) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(word.try_into().expect("chunks of 8")) ^ splat;
        // The high bit of each byte that is zero (no carry crosses bytes).
        let zero = !(((x & 0x7f7f_7f7f_7f7f_7f7f).wrapping_add(0x7f7f_7f7f_7f7f_7f7f)) | x)
            & 0x8080_8080_8080_8080;
        // Gather the 8 high bits into the top byte, the first byte's lowest.
        let gathered = ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        bits |= gathered << (8 * k);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(bytes: &[u8], byte: u8) -> u64 {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == byte)
            .fold(0, |bits, (i, _)| bits | 1 << i)
    }

    proptest::proptest! {
        #[test]
        fn a_mask_sets_the_bits_of_the_byte(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                proptest::prelude::Just(b','),
                proptest::prelude::Just(0x80u8 | b','),
                proptest::prelude::any::<u8>(),
            ], 0..=BLOCK),
            byte in proptest::prop_oneof![proptest::prelude::Just(b','), proptest::prelude::any::<u8>()],
        ) {
            proptest::prop_assert_eq!(mask_partial(&bytes, byte), scalar(&bytes, byte));
            let mut block = [!byte; BLOCK];
            block[..bytes.len()].copy_from_slice(&bytes);
            proptest::prop_assert_eq!(mask_by_words(&block, byte), scalar(&bytes, byte));
        }
    }
}
