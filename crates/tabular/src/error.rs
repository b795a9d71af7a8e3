//! Typed errors that name the file, line and column, and say what was expected.

use std::fmt;
use std::num::NonZeroU64;

/// What went wrong while reading or using a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file holds no bytes (or only a byte-order mark / blank lines).
    EmptyFile,
    /// The file has a header line but no data row.
    NoDataRows,
    /// A record has a different number of fields than the header.
    Ragged {
        /// Fields in the header.
        expected: usize,
        /// Fields in this record.
        found: usize,
        /// When the record holds a quoted field that runs over several lines: the line its
        /// quote opened on and the line the record ends on (1-based, hence never zero, which
        /// keeps the error small). A quote left open there, closed by the next quote in the
        /// file, is the likely cause.
        open_quote: Option<(NonZeroU64, NonZeroU64)>,
    },
    /// A quote opens a field and is never closed: the rest of the file would be one cell. The
    /// error's line and column are where the quote opened.
    UnclosedQuote {
        /// Lines from the quote to the end of the file.
        lines: u64,
        /// Bytes from the quote to the end of the file.
        bytes: u64,
    },
    /// The bytes are not text: an image, an archive, a spreadsheet, …
    NotText(Binary),
    /// The columns asked for hold more text than a table can hold.
    KeptTooLarge {
        /// Columns kept.
        columns: usize,
        /// Most bytes of text the kept columns may hold.
        limit: u64,
    },
    /// A compressed file or archive that cannot be read, already phrased for the user.
    Archive(String),
    /// A column the caller needs is not in the file.
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The columns the file has, in file order (boxed: keeps `CsvError` under 128 bytes,
        /// which every `Result` carrying it pays for).
        available: Box<[String]>,
    },
    /// A cell that should hold a number holds something else.
    NotNumeric {
        /// The cell as it appears in the file.
        value: String,
    },
    /// The input is larger than what the engine can hold.
    TooLarge {
        /// Size of the input in bytes.
        bytes: u64,
        /// Largest size accepted, in bytes.
        limit: u64,
    },
    /// Anything else, already phrased for the user.
    Invalid(String),
}

/// An error tied to a place in a file, so that the message can point the user at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// File name as the user knows it (e.g. `train.csv`).
    pub file: String,
    /// 1-based physical line where the offending record starts.
    pub line: Option<u64>,
    /// 1-based column position in the file.
    pub column: Option<usize>,
    /// Name of the column, from the header.
    pub column_name: Option<String>,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl CsvError {
    /// An error about the whole file (no line or column).
    pub fn new(file: &str, kind: ErrorKind) -> CsvError {
        CsvError {
            file: file.to_string(),
            line: None,
            column: None,
            column_name: None,
            kind,
        }
    }

    /// The file could not be read from disk.
    pub(crate) fn unreadable(file: &str, e: &std::io::Error) -> CsvError {
        CsvError::new(
            file,
            ErrorKind::Invalid(format!("cannot read the file: {e}")),
        )
    }
}

/// Bytes as a short human size ("38.2 MB"), decimal units as file browsers show them.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::EmptyFile => write!(f, "the file is empty"),
            ErrorKind::NoDataRows => write!(f, "the file has a header line but no data rows"),
            ErrorKind::Ragged {
                expected,
                found,
                open_quote,
            } => {
                write!(f, "expected {expected} fields, found {found}")?;
                if let Some((opened, ends)) = open_quote {
                    write!(
                        f,
                        "; a quote opened on line {opened} runs on to line {ends}: a quote left open on line {opened} is the likely cause"
                    )?;
                }
                Ok(())
            }
            ErrorKind::UnclosedQuote { lines, bytes } => write!(
                f,
                "a quote opens a field here and is never closed: the rest of the file ({} {}, {}) would be read as one cell",
                lines,
                if *lines == 1 { "line" } else { "lines" },
                human_bytes(*bytes)
            ),
            ErrorKind::NotText(binary) => write!(f, "{binary}"),
            ErrorKind::KeptTooLarge { columns, limit } => write!(
                f,
                "the {columns} columns kept hold more than {} of text, more than a table can hold here: keep fewer columns",
                human_bytes(*limit)
            ),
            ErrorKind::Archive(message) => write!(f, "{message}"),
            ErrorKind::MissingColumn { name, available } => {
                // A Bosch file has 970 columns: list a few, not all of them.
                const SHOWN: usize = 12;
                write!(f, "no column named \"{name}\" (the file has ")?;
                let shown: Vec<&str> = available.iter().take(SHOWN).map(String::as_str).collect();
                write!(f, "{}", shown.join(", "))?;
                if available.len() > SHOWN {
                    write!(f, " and {} more", available.len() - SHOWN)?;
                }
                write!(f, ")")
            }
            ErrorKind::NotNumeric { value } => write!(f, "expected a number, found \"{value}\""),
            ErrorKind::TooLarge { bytes, limit } => write!(
                f,
                "the file is {}, more than this engine can hold; it can take files up to {}",
                human_bytes(*bytes),
                human_bytes(*limit)
            ),
            ErrorKind::Invalid(message) => write!(f, "{message}"),
        }
    }
}

impl fmt::Display for CsvError {
    /// `train.csv, line 12, column 4 (Sales): expected 9 fields, found 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_place(f, &self.file, self.line, self.column, &self.column_name)?;
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for CsvError {}

/// `train.csv, line 12, column 4 (Sales)`: the place a message is about.
fn write_place(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    line: Option<u64>,
    column: Option<usize>,
    column_name: &Option<String>,
) -> fmt::Result {
    write!(f, "{file}")?;
    if let Some(line) = line {
        write!(f, ", line {line}")?;
    }
    match (column, column_name) {
        (Some(column), Some(name)) => write!(f, ", column {column} ({name})"),
        (Some(column), None) => write!(f, ", column {column}"),
        (None, Some(name)) => write!(f, ", column {name}"),
        (None, None) => Ok(()),
    }
}

impl ErrorKind {
    /// A short, stable name for the kind (`ragged`, `unclosedQuote`, …), for the page to branch
    /// on and tests to check.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::EmptyFile => "emptyFile",
            ErrorKind::NoDataRows => "noDataRows",
            ErrorKind::Ragged { .. } => "ragged",
            ErrorKind::UnclosedQuote { .. } => "unclosedQuote",
            ErrorKind::NotText(_) => "notText",
            ErrorKind::MissingColumn { .. } => "missingColumn",
            ErrorKind::NotNumeric { .. } => "notNumeric",
            ErrorKind::TooLarge { .. } => "tooLarge",
            ErrorKind::KeptTooLarge { .. } => "keptTooLarge",
            ErrorKind::Archive(_) => "archive",
            ErrorKind::Invalid(_) => "invalid",
        }
    }
}

/// What a file that is not text looks like, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// An Excel workbook (`.xlsx`, `.xlsm`: a zip of XML parts).
    Excel,
    /// An Excel 97-2003 workbook (`.xls`) or another OLE2 Office document.
    LegacyOffice,
    /// An OpenDocument spreadsheet (`.ods`).
    OpenDocument,
    /// A zip archive (when zips are not unpacked, or holds no CSV file).
    Zip,
    /// gzip-compressed data (when not unpacked).
    Gzip,
    /// Another compression format: bzip2, xz, zstd, 7-Zip, RAR.
    OtherArchive(&'static str),
    /// A tar archive.
    Tar,
    /// An Apache Parquet file.
    Parquet,
    /// An Arrow IPC (Feather) file.
    Arrow,
    /// An SQLite database.
    Sqlite,
    /// A PDF document.
    Pdf,
    /// An image: PNG, JPEG, GIF, …
    Image(&'static str),
    /// Text in UTF-16 without a byte-order mark (every other byte is NUL).
    Utf16WithoutBom,
    /// NUL bytes, which text never holds.
    Unknown,
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Binary::Excel => write!(
                f,
                "this is an Excel workbook, not a CSV file: open it in Excel and save it as CSV (File > Save As > CSV UTF-8)"
            ),
            Binary::LegacyOffice => write!(
                f,
                "this is an Excel 97-2003 workbook (or another Office document), not a CSV file: open it in Excel and save it as CSV (File > Save As > CSV UTF-8)"
            ),
            Binary::OpenDocument => write!(
                f,
                "this is an OpenDocument spreadsheet, not a CSV file: open it and save it as CSV"
            ),
            Binary::Zip => write!(f, "not a text file: it looks like a zip archive"),
            Binary::Gzip => write!(f, "not a text file: it looks like gzip-compressed data"),
            Binary::OtherArchive(format) => write!(
                f,
                "not a text file: it looks like {format}-compressed data; decompress it first (.zip and .gz are read as they are)"
            ),
            Binary::Tar => write!(
                f,
                "not a text file: it looks like a tar archive; extract the CSV files first"
            ),
            Binary::Parquet => write!(f, "not a text file: it looks like a Parquet file"),
            Binary::Arrow => write!(f, "not a text file: it looks like an Arrow (Feather) file"),
            Binary::Sqlite => write!(f, "not a text file: it looks like an SQLite database"),
            Binary::Pdf => write!(f, "not a text file: it looks like a PDF document"),
            Binary::Image(format) => write!(f, "not a text file: it looks like a {format} image"),
            Binary::Utf16WithoutBom => write!(
                f,
                "this looks like UTF-16 text without a byte-order mark: save it as UTF-8 (or as UTF-16 with a byte-order mark, which Excel's \"Unicode text\" writes)"
            ),
            Binary::Unknown => write!(
                f,
                "not a text file: it holds NUL bytes near the start, which text never does"
            ),
        }
    }
}

/// Cells longer than this are reported ([`WarningKind::LongCell`]): a real cell seldom is, a
/// quote left open or two files joined into one often make one.
pub const LONG_CELL_BYTES: usize = 1 << 20;

/// Quoted fields spanning more lines than this are reported ([`WarningKind::LongQuotedField`]).
pub const LONG_QUOTED_LINES: u64 = 1000;

/// Something the reader did that the user should know about, which does not stop the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// Two header fields have the same name: this one was renamed.
    DuplicateName {
        /// The name the column takes.
        renamed: String,
    },
    /// A header field is blank: the column was named after its position.
    BlankName {
        /// The name the column takes.
        renamed: String,
    },
    /// The file is not valid UTF-8 (first at this cell): it was read as Latin-1.
    Latin1,
    /// UTF-16 text holds code units that are not characters (unpaired surrogates), read as
    /// U+FFFD.
    InvalidUtf16,
    /// A cell longer than [`LONG_CELL_BYTES`].
    LongCell {
        /// Its length in bytes.
        bytes: u64,
    },
    /// A quoted field spanning more than [`LONG_QUOTED_LINES`] lines.
    LongQuotedField {
        /// Lines it spans.
        lines: u64,
    },
    /// The file holds more text than a whole table can: every column was profiled in one pass
    /// (counts, missing, ranges, kinds) without being kept.
    NotKept {
        /// Bytes of text in the file, when known before reading (else it was found out on the
        /// way, past `limit`).
        text_bytes: Option<u64>,
        /// Most bytes of text a whole table may hold.
        limit: u64,
        /// Columns profiled without being kept.
        columns: usize,
    },
    /// An entry of a zip archive that is not a CSV file, skipped.
    SkippedEntry {
        /// The entry's name in the archive.
        entry: String,
    },
}

impl WarningKind {
    /// A short, stable name for the kind (`duplicateName`, `longCell`, …).
    pub fn name(&self) -> &'static str {
        match self {
            WarningKind::DuplicateName { .. } => "duplicateName",
            WarningKind::BlankName { .. } => "blankName",
            WarningKind::Latin1 => "latin1",
            WarningKind::InvalidUtf16 => "invalidUtf16",
            WarningKind::LongCell { .. } => "longCell",
            WarningKind::LongQuotedField { .. } => "longQuotedField",
            WarningKind::NotKept { .. } => "notKept",
            WarningKind::SkippedEntry { .. } => "skippedEntry",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::DuplicateName { renamed } => write!(
                f,
                "an earlier column has the same name: this one is read as \"{renamed}\""
            ),
            WarningKind::BlankName { renamed } => {
                write!(f, "the column has no name: it is read as \"{renamed}\"")
            }
            WarningKind::Latin1 => write!(
                f,
                "this cell is not valid UTF-8: the file is read as Latin-1 (ISO-8859-1)"
            ),
            WarningKind::InvalidUtf16 => write!(
                f,
                "the UTF-16 text holds code units that are not characters, read as U+FFFD"
            ),
            WarningKind::LongCell { bytes } => write!(
                f,
                "a cell of {}: a quote left open, or files joined into one, often make such cells",
                human_bytes(*bytes)
            ),
            WarningKind::LongQuotedField { lines } => write!(
                f,
                "a quoted field here runs over {lines} lines: a quote left open often makes such fields"
            ),
            WarningKind::NotKept {
                text_bytes,
                limit,
                columns,
            } => {
                match text_bytes {
                    Some(bytes) => write!(f, "the file holds {} of text", human_bytes(*bytes))?,
                    None => write!(f, "the file holds more than {} of text", human_bytes(*limit))?,
                }
                write!(
                    f,
                    ", more than the {} a whole table can hold: its {columns} columns were profiled in one pass without being kept; read it again keeping only the columns you need",
                    human_bytes(*limit)
                )
            }
            WarningKind::SkippedEntry { entry } => {
                write!(f, "{entry} is not a CSV file: skipped")
            }
        }
    }
}

/// A warning tied to a place in a file, like [`CsvError`]; the same kind in the same column is
/// reported once, at its first place, with how many times it occurred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// File name as the user knows it.
    pub file: String,
    /// 1-based line of the first occurrence.
    pub line: Option<u64>,
    /// 1-based column position in the file.
    pub column: Option<usize>,
    /// Name of the column, from the header.
    pub column_name: Option<String>,
    /// What happened.
    pub kind: WarningKind,
    /// Occurrences of this kind in this column (1 for the first).
    pub count: u64,
}

impl fmt::Display for Warning {
    /// `notes.csv, line 40, column 2 (text): a cell of 1.2 MB: … (and 3 more like it)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_place(f, &self.file, self.line, self.column, &self.column_name)?;
        write!(f, ": {}", self.kind)?;
        if self.count > 1 {
            write!(f, " (and {} more like it)", self.count - 1)?;
        }
        Ok(())
    }
}

impl serde::Serialize for Warning {
    /// `{kind, file, line, column, column_name, count, message}`: the message is the full text,
    /// as for errors.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Warning", 7)?;
        s.serialize_field("kind", self.kind.name())?;
        s.serialize_field("file", &self.file)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("column_name", &self.column_name)?;
        s.serialize_field("count", &self.count)?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// The warnings of one read, one per kind and column, in the order they first occurred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Warnings(pub(crate) Vec<Warning>);

impl Warnings {
    /// Notes an occurrence: a new warning, or one more of a kind already noted in that column
    /// (a Latin-1 switch happens once, so only its first place counts).
    pub(crate) fn note(&mut self, warning: Warning) {
        let same = self.0.iter_mut().find(|w| {
            std::mem::discriminant(&w.kind) == std::mem::discriminant(&warning.kind)
                && w.column == warning.column
        });
        match same {
            Some(w) if !matches!(w.kind, WarningKind::Latin1) => w.count += warning.count,
            Some(_) => {}
            None => self.0.push(warning),
        }
    }

    /// Takes in the warnings of the part of the file that follows, whose lines are numbered
    /// from 1 (shifted by `lines_before`).
    pub(crate) fn append(&mut self, part: Warnings, lines_before: u64) {
        for mut w in part.0 {
            w.line = w.line.map(|line| line + lines_before);
            self.note(w);
        }
    }
}

/// Largest file the reader accepts: wasm32 memory ends at 4 GiB, and the typed table of a file
/// is about as large as its text (4-byte cells against a few characters each), more when most
/// cells are empty. Callers with a tighter budget (the page, after projection) pass their own
/// limit to [`check_size`].
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// Refuses an input larger than `limit` before any byte is read, so that the page can say up
/// front what it can take instead of running out of memory half-way.
pub fn check_size(file_name: &str, bytes: u64, limit: u64) -> Result<(), CsvError> {
    if bytes > limit {
        return Err(CsvError::new(
            file_name,
            ErrorKind::TooLarge { bytes, limit },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_message_names_file_line_and_counts() {
        let mut e = CsvError::new(
            "train.csv",
            ErrorKind::Ragged {
                expected: 9,
                found: 7,
                open_quote: None,
            },
        );
        e.line = Some(12);
        assert_eq!(
            e.to_string(),
            "train.csv, line 12: expected 9 fields, found 7"
        );
        e.column = Some(4);
        e.column_name = Some("Sales".into());
        assert_eq!(
            e.to_string(),
            "train.csv, line 12, column 4 (Sales): expected 9 fields, found 7"
        );
    }

    #[test]
    fn error_stays_small() {
        // Clippy's `result_large_err` fires at 128 bytes, in every crate returning it.
        assert!(std::mem::size_of::<CsvError>() < 128);
    }

    #[test]
    fn check_size_says_size_and_limit() {
        assert!(check_size("a.csv", 10, 10).is_ok());
        let e = check_size("train_numeric.csv", 2_100_000_000, 1_500_000_000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "train_numeric.csv: the file is 2.1 GB, more than this engine can hold; it can take files up to 1.5 GB"
        );
    }

    #[test]
    fn missing_column_lists_a_few_columns() {
        let available: Box<[String]> = (0..20).map(|i| format!("c{i}")).collect();
        let e = CsvError::new(
            "x.csv",
            ErrorKind::MissingColumn {
                name: "Sales".into(),
                available,
            },
        );
        assert_eq!(
            e.to_string(),
            "x.csv: no column named \"Sales\" (the file has c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 and 8 more)"
        );
    }
}
