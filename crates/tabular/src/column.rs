//! One typed column, its kinds, and the views the learners and the page need.

use crate::error::{CsvError, ErrorKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Missing `Bool` cell.
pub const BOOL_MISSING: u8 = 2;
/// Missing `Int` cell.
pub const INT_MISSING: i32 = i32::MIN;
/// Missing `Date` cell.
pub const DATE_MISSING: i32 = i32::MIN;
/// Missing `Text` cell.
pub const TEXT_MISSING: u32 = u32::MAX;

/// The inferred type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnKind {
    /// Every cell is missing.
    #[serde(rename = "empty")]
    Empty,
    /// `true` / `false` (any case).
    #[serde(rename = "boolean")]
    Bool,
    /// Whole numbers that fit an `i32`.
    #[serde(rename = "integer")]
    Int,
    /// Numbers with a fraction or exponent (or integers too large for `i32`), stored as `f32`.
    #[serde(rename = "float")]
    Float,
    /// Calendar dates `YYYY-MM-DD`, stored as days since 1970-01-01.
    #[serde(rename = "date")]
    Date,
    /// Anything else: categories with a dictionary.
    #[serde(rename = "text")]
    Text,
}

impl ColumnKind {
    /// The serde name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Empty => "empty",
            ColumnKind::Bool => "boolean",
            ColumnKind::Int => "integer",
            ColumnKind::Float => "float",
            ColumnKind::Date => "date",
            ColumnKind::Text => "text",
        }
    }
}

/// Dictionary-encoded text: compact (4 bytes a cell) and cheap to group by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextColumn {
    /// Index into `dictionary` per row, `u32::MAX` when missing.
    pub codes: Vec<u32>,
    /// Distinct values in order of first appearance.
    pub dictionary: Vec<String>,
}

/// Values of one column. Missing cells hold a sentinel: Bool 2, Int `i32::MIN`, Float NaN,
/// Date `i32::MIN`, Text `u32::MAX`.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// All cells missing; holds the row count.
    Empty(usize),
    /// 0 = false, 1 = true, 2 = missing.
    Bool(Vec<u8>),
    /// Integers.
    Int(Vec<i32>),
    /// Floats, NaN for missing.
    Float(Vec<f32>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    /// Categories.
    Text(TextColumn),
}

impl PartialEq for ColumnData {
    /// Floats compare by bit pattern, so that two reads of the same bytes are equal even with NaN.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ColumnData::Empty(a), ColumnData::Empty(b)) => a == b,
            (ColumnData::Bool(a), ColumnData::Bool(b)) => a == b,
            (ColumnData::Int(a), ColumnData::Int(b)) => a == b,
            (ColumnData::Float(a), ColumnData::Float(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
            }
            (ColumnData::Date(a), ColumnData::Date(b)) => a == b,
            (ColumnData::Text(a), ColumnData::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// Where a column that looked numeric (or date, or boolean) first met a value of another type,
/// so that a use case can say "train.csv, line 12, column 4 (Sales): expected a number, found "abc"".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellMismatch {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// 1-based column position in the file.
    pub column: usize,
    /// The cell as written (quotes removed).
    pub value: String,
    /// The kind the column had until then.
    pub was: ColumnKind,
}

/// A named, typed column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name (made unique: blanks become `col_5`, repeats `name_2`).
    pub name: String,
    /// The values.
    pub data: ColumnData,
    /// Number of missing cells.
    pub missing: usize,
    /// Where a once-numeric (or date/bool) column first met a value of another type:
    /// lets a use case say "train.csv, line 12, column 4 (Sales): expected a number, found \"abc\"".
    pub first_mismatch: Option<CellMismatch>,
}

/// Writes a float so that reading it back gives the same `f32` and the same kind: Rust's
/// shortest round-trip form, with `.0` added to whole numbers so they stay floats.
pub(crate) fn render_float(value: f32, out: &mut String) {
    use std::fmt::Write;
    let start = out.len();
    let _ = write!(out, "{value}");
    if value.is_finite() && !out[start..].contains(['.', 'e', 'E']) {
        out.push_str(".0");
    }
}

/// `YYYY-MM-DD` for days since 1970-01-01 (proleptic Gregorian).
pub fn render_date(days: i32, out: &mut String) {
    use std::fmt::Write;
    let (y, m, d) = crate::cell::civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

impl Column {
    /// The column's kind.
    pub fn kind(&self) -> ColumnKind {
        match self.data {
            ColumnData::Empty(_) => ColumnKind::Empty,
            ColumnData::Bool(_) => ColumnKind::Bool,
            ColumnData::Int(_) => ColumnKind::Int,
            ColumnData::Float(_) => ColumnKind::Float,
            ColumnData::Date(_) => ColumnKind::Date,
            ColumnData::Text(_) => ColumnKind::Text,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Empty(n) => *n,
            ColumnData::Bool(v) => v.len(),
            ColumnData::Int(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Date(v) => v.len(),
            ColumnData::Text(t) => t.codes.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the cell at `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Empty(_) => true,
            ColumnData::Bool(v) => v[row] == BOOL_MISSING,
            ColumnData::Int(v) => v[row] == INT_MISSING,
            ColumnData::Float(v) => v[row].is_nan(),
            ColumnData::Date(v) => v[row] == DATE_MISSING,
            ColumnData::Text(t) => t.codes[row] == TEXT_MISSING,
        }
    }

    /// Numeric, boolean (0/1) or date (days since 1970-01-01) cell as a number; `None` if
    /// missing or text.
    pub fn f64_at(&self, row: usize) -> Option<f64> {
        match &self.data {
            ColumnData::Empty(_) | ColumnData::Text(_) => None,
            ColumnData::Bool(v) => (v[row] != BOOL_MISSING).then(|| f64::from(v[row])),
            ColumnData::Int(v) | ColumnData::Date(v) => {
                (v[row] != INT_MISSING).then(|| f64::from(v[row]))
            }
            ColumnData::Float(v) => (!v[row].is_nan()).then(|| f64::from(v[row])),
        }
    }

    /// Numeric view for the learners: NaN for missing; booleans 0/1, dates as days, text as its
    /// dictionary codes.
    pub fn to_f32(&self) -> Vec<f32> {
        match &self.data {
            ColumnData::Empty(n) => vec![f32::NAN; *n],
            ColumnData::Bool(v) => v
                .iter()
                .map(|&b| {
                    if b == BOOL_MISSING {
                        f32::NAN
                    } else {
                        f32::from(b)
                    }
                })
                .collect(),
            ColumnData::Int(v) | ColumnData::Date(v) => v
                .iter()
                .map(|&x| if x == INT_MISSING { f32::NAN } else { x as f32 })
                .collect(),
            ColumnData::Float(v) => v.clone(),
            ColumnData::Text(t) => t
                .codes
                .iter()
                .map(|&c| {
                    if c == TEXT_MISSING {
                        f32::NAN
                    } else {
                        c as f32
                    }
                })
                .collect(),
        }
    }

    /// Any cell rendered as text (as `write_csv` writes it); `None` if missing.
    pub fn text_at(&self, row: usize) -> Option<Cow<'_, str>> {
        if self.is_missing(row) {
            return None;
        }
        let mut s = String::new();
        match &self.data {
            ColumnData::Empty(_) => return None,
            ColumnData::Bool(v) => {
                return Some(Cow::Borrowed(if v[row] == 1 { "true" } else { "false" }))
            }
            ColumnData::Int(v) => s = v[row].to_string(),
            ColumnData::Float(v) => render_float(v[row], &mut s),
            ColumnData::Date(v) => render_date(v[row], &mut s),
            ColumnData::Text(t) => {
                return Some(Cow::Borrowed(&t.dictionary[t.codes[row] as usize]))
            }
        }
        Some(Cow::Owned(s))
    }

    /// The values as `f32` (NaN for missing) if the column is numeric (integer, float, boolean or
    /// all empty); otherwise an error naming the file, line and column of the first non-number.
    pub fn numeric(&self, file: &str) -> Result<Vec<f32>, CsvError> {
        match &self.data {
            ColumnData::Text(t) => {
                let mut error = CsvError::new(
                    file,
                    ErrorKind::NotNumeric {
                        value: String::new(),
                    },
                );
                error.column_name = Some(self.name.clone());
                if let Some(m) = &self.first_mismatch {
                    error.line = Some(m.line);
                    error.column = Some(m.column);
                    error.kind = ErrorKind::NotNumeric {
                        value: m.value.clone(),
                    };
                } else if let Some(&code) = t.codes.iter().find(|&&c| c != TEXT_MISSING) {
                    error.kind = ErrorKind::NotNumeric {
                        value: t.dictionary[code as usize].clone(),
                    };
                }
                Err(error)
            }
            ColumnData::Date(_) => {
                let mut error = CsvError::new(
                    file,
                    ErrorKind::Invalid(format!(
                        "expected a number, found dates in column {}",
                        self.name
                    )),
                );
                error.column_name = Some(self.name.clone());
                Err(error)
            }
            _ => Ok(self.to_f32()),
        }
    }
}
