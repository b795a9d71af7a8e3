//! CSV bytes to typed columnar tables.
//!
//! The reader is a push parser on top of `csv-core`: the page feeds it the chunks of
//! `file.stream()` and never holds a file twice. Types are inferred per column over the whole
//! file (a column is promoted when a later row contradicts the earlier ones), so quirks such as
//! Rossmann's `StateHoliday` turning from `"0"` to `"a"` after 63,555 rows come out right.

/// Days since 1970-01-01, the representation of date columns, to and from civil dates, so that
/// pipelines derive date parts with the same arithmetic the reader used.
pub mod calendar {
    pub use crate::cell::{civil_from_days, days_from_civil};
    pub use crate::column::render_date;
}
pub mod column;
pub mod dataset;
pub mod error;
pub mod profile;
pub mod relational;
pub mod table;
pub mod write;

mod builder;
mod cell;
mod intern;
mod parallel;
mod reader;
mod sniff;

pub use column::{CellMismatch, Column, ColumnData, ColumnKind, TextColumn};
pub use dataset::KnownFile;
pub use error::{check_size, CsvError, ErrorKind, MAX_INPUT_BYTES};
pub use parallel::read_bytes_in_parts;
#[cfg(any(unix, windows))]
pub use parallel::read_path_in_parts;
pub use reader::{read_bytes, read_path, ReadOptions, StreamReader};
pub use table::{Encoding, SourceInfo, Table};
