//! Use cases 4.1 and 4.2 on Instacart's files: in how many days will each customer order again
//! (regression, [`NextOrder`](next_order::NextOrderUseCase)), and which of the products a
//! customer has bought will be in that next order (binary classification per (customer,
//! product), [`Reorder`](reorder::ReorderUseCase)).
//!
//! Stages, one file each: [`input`] reads and checks `orders.csv`, the two line files and
//! `products.csv` into compact typed columns; [`history`] orders each user's orders and ties
//! every line to its user and rank; [`user_features`] (4.1) and [`candidates`] (4.2) build the
//! feature tables ([`table`]); [`split`] holds out validation users (never rows); [`metrics`]
//! scores; [`training`] trains column by column and predicts in blocks, with progress and
//! cancel; [`memory`] refuses up front what a page cannot hold; [`next_order`] and [`reorder`]
//! are the two pipelines with their parameters, reports and fitted results (4.2's in
//! [`reorder_result`]); [`export`] writes
//! feature tables for the peers.

pub mod candidates;
pub mod export;
pub mod history;
pub mod input;
pub mod memory;
pub mod metrics;
pub mod next_order;
pub mod reorder;
pub mod reorder_result;
pub mod split;
pub mod table;
pub mod training;
pub mod user_features;

pub use input::{Instacart, InstacartTables};
pub use next_order::{NextOrder, NextOrderParams, NextOrderReport, NextOrderUseCase};
pub use reorder::{Reorder, ReorderParams, ReorderReport, ReorderUseCase};
