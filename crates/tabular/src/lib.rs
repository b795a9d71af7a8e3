//! CSV bytes to typed columnar tables.
//!
//! The reader is a push parser on top of `csv-core`: the page feeds it the chunks of
//! `file.stream()` and never holds a file twice. A file may also be a `.gz` or a `.zip` of CSV
//! files, unpacked as it streams ([`InputReader`]). Bad input stops with an error naming its
//! place, or is read with warnings ([`Warning`]); nothing is read silently wrong. A file with
//! more text than a table may hold is summarised in one pass instead of refused. Types are inferred per column over the whole
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
pub mod records;
pub mod relational;
pub mod rows;
pub mod summary;
pub mod table;
pub mod write;

mod archive;
mod builder;
mod cell;
mod delimiters;
mod encoding;
mod files;
mod input;
mod intern;
mod parallel;
mod reader;
mod sniff;
mod unpack;

pub use column::{CellMismatch, Column, ColumnData, ColumnKind, TextColumn};
pub use dataset::KnownFile;
pub use error::{
    check_size, Binary, CsvError, ErrorKind, Warning, WarningKind, LONG_CELL_BYTES,
    LONG_QUOTED_LINES, MAX_INPUT_BYTES,
};
#[cfg(any(unix, windows))]
pub use files::read_path_in_parts;
pub use files::{read_path, read_path_header, read_path_tables};
pub use input::{InputProgress, InputReader};
pub use parallel::read_bytes_in_parts;
pub use reader::{read_bytes, ReadOptions, StreamReader};
pub use table::{Encoding, SourceInfo, Table};
pub use unpack::Unpacker;
