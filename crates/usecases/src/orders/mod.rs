//! Use cases 4.1 and 4.2 on Instacart's files: in how many days will each customer order again
//! (regression), and which of the products a customer has bought will be in that next order
//! (binary classification per (customer, product)).
//!
//! Stages, one file each: [`input`] reads and checks `orders.csv`, the two line files and
//! `products.csv` into compact typed columns; [`history`] orders each user's orders and ties
//! every line to its user and rank; [`user_features`] (4.1) and [`candidates`] (4.2) build the
//! feature tables; [`split`] holds out validation users (never rows); [`metrics`] scores;
//! [`training`] runs the boosting loop with progress and cancel; [`next_order`] and [`reorder`]
//! are the two pipelines; [`export`] writes feature tables for the peers.
//!
//! Every pipeline takes typed inputs, a plain params struct and a progress callback
//! `(stage, done, total) -> bool` (false cancels), and returns a serde report.

pub mod candidates;
pub mod error;
pub mod export;
pub mod history;
pub mod input;
pub mod metrics;
pub mod next_order;
pub mod reorder;
pub mod split;
pub mod table;
pub mod training;
pub mod user_features;

pub use error::OrdersError;
pub use input::{Instacart, InstacartTables};
pub use next_order::{run_next_order, NextOrder, NextOrderParams, NextOrderReport};
pub use reorder::{run_reorder, Reorder, ReorderParams, ReorderReport};

/// The progress callback of every stage: `(stage, done, total)`; returning `false` cancels.
pub type ProgressFn<'a> = dyn FnMut(&str, u64, u64) -> bool + 'a;
