//! Typed errors that name the file, line and column, and say what was expected.

use std::fmt;

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
    },
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
            ErrorKind::Ragged { expected, found } => {
                write!(f, "expected {expected} fields, found {found}")
            }
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
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        match (self.column, &self.column_name) {
            (Some(column), Some(name)) => write!(f, ", column {column} ({name})")?,
            (Some(column), None) => write!(f, ", column {column}")?,
            (None, Some(name)) => write!(f, ", column {name}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for CsvError {}

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
