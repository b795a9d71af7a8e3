//! The use-case pipelines: from loaded tables to features, training, evaluation beside a naive
//! baseline, predictions and result structures (serde) that the page and the command line both
//! render.

pub mod calendar;
pub mod clusters;
pub mod error;
pub mod forecast;
pub mod impute;

pub use error::UseCaseError;
