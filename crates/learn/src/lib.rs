//! The algorithms behind Vitrine's use cases, free of any web or wasm dependency so that they are
//! tested and benchmarked natively. Each learner follows one shape: a params struct with defaults
//! and `check()`, `fit()` returning a fitted model, and the model predicting.

pub mod cluster;
pub mod gbdt;
pub mod impute;
pub mod metrics;
pub mod stats;
