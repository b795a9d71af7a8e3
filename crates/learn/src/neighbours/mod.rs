//! Recommenders on binary holdings (use case 3.2: which 3 products to recommend?): the
//! business's user-based k-nearest-neighbour collaborative filtering, which scales to a million
//! customers by working on their few thousand distinct holding patterns, a popularity baseline,
//! and a rank blend of k-NN scores with other per-item scores (the forests' propensities), so
//! that the use case can show the business's method beside its baselines and pick the best.
//! Customers' holdings are bit patterns: bit `i` set when item `i` (of at most 32) is held.
//!
//! ```
//! use learn::neighbours::{KnnParams, Ratings};
//! // Items 0-3. Customers holding {0, 1} tend to hold 2 as well; customer 0 does not yet.
//! let holdings = [0b0011, 0b0111, 0b0111, 0b0111, 0b1001, 0b1001];
//! let model = KnnParams { k: 3, top_n: 1, ..KnnParams::default() }
//!     .fit(&holdings, Ratings::Holdings, 4)
//!     .unwrap();
//! assert_eq!(model.recommend(0), vec![2]);
//! ```

mod error;
mod knn;
mod popularity;
mod rank;
mod similarity;

pub use error::NeighboursError;
pub use knn::{KnnModel, KnnParams, Ratings};
pub use popularity::Popularity;
pub use rank::{blend_by_rank, top_items, top_items_into, Recommendations, MAX_ITEMS, NO_ITEM};
pub use similarity::{similarity, Similarity};
