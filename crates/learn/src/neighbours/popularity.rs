//! The popularity baseline: recommend the items most often taken up (or held), skipping those
//! the customer holds. What any recommender must beat.

use super::error::{check_patterns, invalid, NeighboursError};
use super::rank::{order_by_weight, top_items, Recommendations, MAX_ITEMS, NO_ITEM};

/// Items ranked by how many customers' vectors hold them.
#[derive(Debug, Clone, PartialEq)]
pub struct Popularity {
    counts: Vec<u64>,
    order: Vec<u8>,
}

impl Popularity {
    /// Counts each of `n_items` items over the customers' bit vectors (take-ups of a past
    /// period, or holdings).
    pub fn fit(vectors: &[u32], n_items: usize) -> Result<Popularity, NeighboursError> {
        if !(1..=MAX_ITEMS).contains(&n_items) {
            return Err(invalid("n_items", n_items, "1 to 32"));
        }
        check_patterns("vectors", vectors, vectors.len(), n_items)?;
        let mut counts = vec![0u64; n_items];
        for &v in vectors {
            for (i, c) in counts.iter_mut().enumerate() {
                *c += (v >> i & 1) as u64;
            }
        }
        let weights: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
        Ok(Popularity {
            order: order_by_weight(&weights),
            counts,
        })
    }

    /// Customers holding each item.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Items by decreasing count (ties by index).
    pub fn order(&self) -> &[u8] {
        &self.order
    }

    /// The `n` most popular items not in `held`.
    pub fn recommend(&self, held: u32, n: usize) -> Vec<u8> {
        let scores: Vec<f64> = self.counts.iter().map(|&c| c as f64).collect();
        top_items(&scores, held, &self.order, n)
    }

    /// The `n` most popular items not held, for every customer.
    pub fn recommend_all(&self, holdings: &[u32], n: usize) -> Recommendations {
        let n = n.min(MAX_ITEMS);
        let mut items = vec![NO_ITEM; holdings.len() * n];
        for (slots, &held) in items.chunks_exact_mut(n.max(1)).zip(holdings) {
            let mut k = 0;
            for &item in &self.order {
                if k == n {
                    break;
                }
                if held >> item & 1 == 0 {
                    slots[k] = item;
                    k += 1;
                }
            }
        }
        Recommendations { top_n: n, items }
    }
}
