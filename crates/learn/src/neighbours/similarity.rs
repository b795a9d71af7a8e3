//! Similarity of two binary holding vectors, stored as bit patterns. Each similarity is kept as
//! an exact fraction of integers as well as a float, so that neighbours are ordered, and ties
//! found, without rounding: two pairs of patterns with the same similarity compare equal.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How alike two customers' holdings are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Similarity {
    /// `|a ∩ b| / sqrt(|a| |b|)`: the cosine of the 0/1 vectors (scikit-surprise's `cosine` on
    /// binary ratings); 0 when either holds nothing.
    #[default]
    Cosine,
    /// `|a ∩ b| / |a ∪ b|`; 0 when both hold nothing.
    Jaccard,
}

/// A similarity as an exact fraction, ordered without rounding: for the cosine the fraction is
/// its square `|a ∩ b|² / (|a| |b|)`, for Jaccard the index itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exact {
    num: u32,
    den: u32,
}

impl Exact {
    /// The similarity as a float.
    pub(crate) fn value(self, similarity: Similarity) -> f64 {
        if self.num == 0 {
            return 0.0;
        }
        let q = self.num as f64 / self.den as f64;
        match similarity {
            Similarity::Cosine => q.sqrt(),
            Similarity::Jaccard => q,
        }
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num as u64 * other.den as u64).cmp(&(other.num as u64 * self.den as u64))
    }
}

/// The exact similarity of patterns `a` and `b`.
#[inline]
pub(crate) fn exact(similarity: Similarity, a: u32, b: u32) -> Exact {
    let common = (a & b).count_ones();
    match similarity {
        Similarity::Cosine => {
            let den = a.count_ones() * b.count_ones();
            if den == 0 {
                Exact { num: 0, den: 1 }
            } else {
                Exact {
                    num: common * common,
                    den,
                }
            }
        }
        Similarity::Jaccard => {
            let union = (a | b).count_ones();
            if union == 0 {
                Exact { num: 0, den: 1 }
            } else {
                Exact {
                    num: common,
                    den: union,
                }
            }
        }
    }
}

/// The similarity of patterns `a` and `b` as a float.
pub fn similarity(similarity: Similarity, a: u32, b: u32) -> f64 {
    exact(similarity, a, b).value(similarity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_exact_ties() {
        // {0, 1, 2} and {1, 2, 3}: 2 in common, cosine 2/3, Jaccard 2/4.
        assert!((similarity(Similarity::Cosine, 0b0111, 0b1110) - 2.0 / 3.0).abs() < 1e-15);
        assert!((similarity(Similarity::Jaccard, 0b0111, 0b1110) - 0.5).abs() < 1e-15);
        assert_eq!(similarity(Similarity::Cosine, 0, 0b1), 0.0);
        assert_eq!(similarity(Similarity::Jaccard, 0, 0), 0.0);
        assert_eq!(similarity(Similarity::Cosine, 0b101, 0b101), 1.0);
        // 1 / sqrt(1 * 4) = 2 / sqrt(4 * 4) = 0.5: equal exactly.
        let a = exact(Similarity::Cosine, 0b1, 0b1111);
        let b = exact(Similarity::Cosine, 0b1111, 0b0011_0011);
        assert_eq!(a, b);
        assert!(exact(Similarity::Jaccard, 0b11, 0b1) > exact(Similarity::Jaccard, 0b111, 0b1));
    }
}
