//! The use-case pipelines: from loaded tables to features, training, evaluation beside a naive
//! baseline, predictions and result structures (serde) that the page and the command line both
//! render.
//!
//! Every use case has one shape ([`contract`]): parameters declared once with [`params!`] (the
//! page's form, the facade's JSON and the command line's flags read the same names and
//! defaults), typed inputs from the loaded tables, one `run(inputs, &params, on_progress)`
//! reporting one [`Progress`] type, and a fitted result that serialises its report and answers
//! the view's follow-up questions. The [`catalogue`] lists them all. A use case whose files are
//! read as a stream rather than loaded ([`stream`], use case 2.2) has a session its caller feeds
//! chunks ([`streaming`]).

pub mod boosting;
pub mod calendar;
pub mod catalogue;
pub mod clusters;
pub mod compact;
pub mod contract;
pub mod error;
pub mod forecast;
pub mod impute;
pub mod orders;
pub mod params;
pub mod pool;
pub mod progress;
pub mod propensity;
pub mod recommend;
pub mod rossmann;
pub mod santander;
pub mod stream;
pub mod streaming;

pub use contract::{Download, Fitted, TableSet, Tables, UseCase};
pub use error::UseCaseError;
pub use progress::{Clock, OnProgress, Progress};
pub use streaming::{StreamSession, StreamingUseCase};
