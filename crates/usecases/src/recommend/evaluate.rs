//! The recommenders compared on the held-out month, each as per-item scores of one customer
//! ([`Scorer`]), and their quality: precision, recall and MAP at 3 over the customers with a
//! take-up, recommendations excluding what the customer holds.

use learn::metrics::{average_precision_at_k, precision_at_k, recall_at_k};
use learn::neighbours::{blend_by_rank, top_items_into, KnnModel, Popularity, NO_ITEM};
use serde::{Deserialize, Serialize};

use crate::santander::PRODUCTS;

/// Recommendations per customer the quality is measured at: the business's three.
pub const AT: usize = 3;

/// A recommender, named as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The business's formula: neighbours' holdings as `r_vi`.
    KnnHoldings,
    /// Neighbours' take-ups of the month before as `r_vi`.
    KnnRecent,
    /// The products most taken up the month before, not held.
    Popularity,
    /// The forests' propensities (3.1).
    Forests,
    /// A rank blend of the forests' propensities and the neighbours' recent take-ups.
    Blend,
}

impl Method {
    /// Every method, in the report's order.
    pub const ALL: [Method; 5] = [
        Method::KnnHoldings,
        Method::KnnRecent,
        Method::Popularity,
        Method::Forests,
        Method::Blend,
    ];

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Method::KnnHoldings => "knn_holdings",
            Method::KnnRecent => "knn_recent",
            Method::Popularity => "popularity",
            Method::Forests => "forests",
            Method::Blend => "blend",
        }
    }
}

/// The recommender customers get, as the user chooses it: one by name, or the best on the
/// held-out month (the default: which recommender wins depends on the file, and the one that
/// wins on the month held out is the one to deploy on the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// The recommender of highest MAP@3 on the held-out month.
    Best,
    /// [`Method::KnnHoldings`].
    KnnHoldings,
    /// [`Method::KnnRecent`].
    KnnRecent,
    /// [`Method::Popularity`].
    Popularity,
    /// [`Method::Forests`].
    Forests,
    /// [`Method::Blend`].
    Blend,
}

impl Choice {
    /// The recommender this choice names, given the held-out month's `best`.
    pub fn method(self, best: Method) -> Method {
        match self {
            Choice::Best => best,
            Choice::KnnHoldings => Method::KnnHoldings,
            Choice::KnnRecent => Method::KnnRecent,
            Choice::Popularity => Method::Popularity,
            Choice::Forests => Method::Forests,
            Choice::Blend => Method::Blend,
        }
    }
}

/// What the scorers of one month read.
pub struct Scorer<'a> {
    /// k-NN with holdings as `r_vi`, over the month's customers.
    pub knn_holdings: &'a KnnModel,
    /// k-NN with recent take-ups as `r_vi`.
    pub knn_recent: &'a KnnModel,
    /// Recent take-ups' popularity.
    pub popularity: &'a Popularity,
    /// Per product, each customer's propensity (NaN where held); `None`: no forest, the
    /// product's `fallback` rate stands in.
    pub propensities: &'a [Option<Vec<f32>>],
    /// Take-up rate of each product in the training month, for products without a forest.
    pub fallback: &'a [f64],
    /// Weight of the k-NN ranks in the blend (the forests' get the rest).
    pub blend_weight: f64,
}

impl Scorer<'_> {
    /// Customer `u`'s score of every product by `method` (`row` indexes the propensities,
    /// which may be laid out differently from the k-NN's customers).
    pub fn scores(&self, method: Method, u: usize, row: usize, out: &mut [f64; PRODUCTS.len()]) {
        match method {
            Method::KnnHoldings => self.knn_holdings.scores_into(u, out),
            Method::KnnRecent => self.knn_recent.scores_into(u, out),
            Method::Popularity => {
                for (o, &c) in out.iter_mut().zip(self.popularity.counts()) {
                    *o = c as f64;
                }
            }
            Method::Forests => self.propensity(row, out),
            Method::Blend => {
                let mut knn = [0.0; PRODUCTS.len()];
                let mut forest = [0.0; PRODUCTS.len()];
                self.knn_recent.scores_into(u, &mut knn);
                self.propensity(row, &mut forest);
                let held = self.knn_recent.holding(u);
                let blended = blend_by_rank(&knn, &forest, held, self.blend_weight);
                out.copy_from_slice(&blended);
            }
        }
    }

    fn propensity(&self, row: usize, out: &mut [f64; PRODUCTS.len()]) {
        for (p, o) in out.iter_mut().enumerate() {
            *o = match &self.propensities[p] {
                Some(scores) => {
                    let s = scores[row];
                    if s.is_nan() {
                        0.0
                    } else {
                        f64::from(s)
                    }
                }
                None => self.fallback[p],
            };
        }
    }

    /// Customer `u`'s `out.len()` products not held, best first (ties by the recent take-ups'
    /// popularity, as the k-NN breaks them).
    pub fn recommend(&self, method: Method, u: usize, row: usize, out: &mut [u8]) -> usize {
        let mut scores = [0.0; PRODUCTS.len()];
        self.scores(method, u, row, &mut scores);
        let held = self.knn_recent.holding(u);
        top_items_into(&scores, held, self.knn_recent.priority(), out)
    }
}

/// A recommender's quality on the held-out month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Quality {
    /// Customers scored: those with at least one take-up.
    pub customers: usize,
    /// Mean share of the 3 recommendations taken up.
    pub precision_at_3: f64,
    /// Mean share of the take-ups among the 3 recommendations.
    pub recall_at_3: f64,
    /// Mean average precision at 3 (AP divided by min(take-ups, 3)).
    pub map_at_3: f64,
    /// Seconds to fit and recommend for the customers scored.
    pub seconds: f64,
}

/// Adds up the quality of recommendation lists.
#[derive(Debug, Default)]
pub struct Tally {
    customers: usize,
    precision: f64,
    recall: f64,
    ap: f64,
}

impl Tally {
    /// One customer's list against their take-ups (a bit pattern, at least one).
    pub fn add(&mut self, recommended: &[u8], taken: u32) {
        let relevant: Vec<u8> = (0..32u8).filter(|&i| taken >> i & 1 == 1).collect();
        let list: Vec<u8> = recommended
            .iter()
            .copied()
            .filter(|&i| i != NO_ITEM)
            .collect();
        self.customers += 1;
        self.precision += precision_at_k(&list, &relevant, AT);
        self.recall += recall_at_k(&list, &relevant, AT);
        self.ap += average_precision_at_k(&list, &relevant, AT);
    }

    /// The means.
    pub fn quality(&self, seconds: f64) -> Quality {
        let n = self.customers.max(1) as f64;
        Quality {
            customers: self.customers,
            precision_at_3: self.precision / n,
            recall_at_3: self.recall / n,
            map_at_3: self.ap / n,
            seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_by_hand() {
        let mut t = Tally::default();
        // Took 2 and 5; recommended 5, 1, 2: hits at ranks 1 and 3.
        t.add(&[5, 1, 2], 0b100100);
        let q = t.quality(0.0);
        assert!((q.precision_at_3 - 2.0 / 3.0).abs() < 1e-12);
        assert!((q.recall_at_3 - 1.0).abs() < 1e-12);
        // AP = (1/1 + 2/3) / min(2, 3).
        assert!((q.map_at_3 - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        t.add(&[0, NO_ITEM, NO_ITEM], 0b10);
        let q = t.quality(0.0);
        assert_eq!(q.customers, 2);
        assert!((q.map_at_3 - (1.0 + 2.0 / 3.0) / 4.0).abs() < 1e-12);
    }
}
