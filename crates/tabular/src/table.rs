//! A parsed file: typed columns of equal length plus where they came from.

use crate::column::Column;
use crate::error::{CsvError, ErrorKind, Warning};
use crate::summary::ColumnSummary;
use serde::Serialize;

/// Character encoding the file was decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// Valid UTF-8 throughout (a byte-order mark, if any, was stripped).
    #[serde(rename = "utf-8")]
    Utf8,
    /// Not valid UTF-8: each byte was read as one ISO-8859-1 character, the usual encoding
    /// of older European exports.
    #[serde(rename = "latin-1")]
    Latin1,
    /// UTF-16, little-endian, after a byte-order mark (Excel's "Unicode text"), read as UTF-8.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian, after a byte-order mark, read as UTF-8.
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

impl Encoding {
    /// Name shown to the user and in profiles.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Latin1 => "latin-1",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// Facts about the bytes a table was read from, shown to the user so that a wrong guess is visible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Bytes consumed, including any byte-order mark.
    pub bytes: u64,
    /// Field delimiter used (given or sniffed).
    pub delimiter: u8,
    /// Encoding the text cells were decoded with.
    pub encoding: Encoding,
    /// True when at least one number was written with a decimal comma (`1,5`), which is only
    /// recognised in `;`-delimited files.
    pub decimal_comma: bool,
}

/// Typed columns of equal length, in the order asked for (file order by default).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File name as the user knows it.
    pub name: String,
    /// The columns kept.
    pub columns: Vec<Column>,
    /// Number of data rows (the header is not a row).
    pub n_rows: usize,
    /// Where the bytes came from and how they were read.
    pub source: SourceInfo,
    /// What the reader did that the user should know (renamed columns, long cells, …), in the
    /// order it happened. Errors stop a read; warnings do not.
    pub warnings: Vec<Warning>,
    /// Summaries of the columns not kept, in file order, when the read was asked for them or
    /// the file was too large to keep ([`crate::ReadOptions`]).
    pub skipped: Vec<ColumnSummary>,
}

impl Table {
    /// The column with this exact name, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column or an error naming the file and the missing column (and the columns it has).
    pub fn require(&self, name: &str) -> Result<&Column, CsvError> {
        self.column(name).ok_or_else(|| {
            CsvError::new(
                &self.name,
                ErrorKind::MissingColumn {
                    name: name.to_string(),
                    available: self.columns.iter().map(|c| c.name.clone()).collect(),
                },
            )
        })
    }

    /// Column names in table order.
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The file's column names: those kept, then those not kept (profiled as they streamed
    /// past). What recognises the file, whether it was held whole, in part or not at all.
    pub fn file_header(&self) -> Vec<&str> {
        let skipped = self.skipped.iter().map(|s| s.name.as_str());
        self.header().into_iter().chain(skipped).collect()
    }
}
