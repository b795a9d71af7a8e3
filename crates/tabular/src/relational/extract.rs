//! Typed columns out of a loaded [`Table`]: whole numbers as `u32` or `u8`, measures as `f32`,
//! a closed set of labels as `u8` codes. The first unusable cell is reported with its file, line
//! and column, in words a user can act on.

use crate::column::{ColumnData, BOOL_MISSING, INT_MISSING, TEXT_MISSING};
use crate::{CsvError, ErrorKind, Table};

/// A column's file, header name and 1-based position, so that an error about any of its cells
/// can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPlace {
    /// File name as the user knows it.
    pub file: String,
    /// Header name.
    pub name: String,
    /// 1-based position of the column in the table.
    pub position: usize,
}

impl ColumnPlace {
    /// The place of column `name` of `table`, or an error naming the file and listing the columns
    /// it has.
    pub fn of(table: &Table, name: &str) -> Result<ColumnPlace, CsvError> {
        table.require(name)?;
        let position = table
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or(0)
            + 1;
        Ok(ColumnPlace {
            file: table.name.clone(),
            name: name.to_string(),
            position,
        })
    }

    /// An error about the cell of this column on data row `row` (0-based): line `row + 2`.
    pub fn error_at(&self, row: usize, message: impl Into<String>) -> CsvError {
        CsvError {
            file: self.file.clone(),
            line: Some(row as u64 + 2),
            column: Some(self.position),
            column_name: Some(self.name.clone()),
            kind: ErrorKind::Invalid(message.into()),
        }
    }
}

/// An error about the cell of column `name` of `table` on data row `row` (0-based), for checks a
/// pipeline makes on values it has already read (an id with no parent, a user with one order).
pub fn cell_error(table: &Table, name: &str, row: usize, message: impl Into<String>) -> CsvError {
    match ColumnPlace::of(table, name) {
        Ok(place) => place.error_at(row, message),
        Err(missing) => missing,
    }
}

/// What to do with a whole number larger than the type holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Refuse it, naming the cell.
    Error,
    /// Keep the type's largest value: for ranks where "255th or later" loses nothing that
    /// matters (a product's position in a cart).
    Saturate,
}

/// Reads every cell of a column as a whole number in `0..=max`, written as an integer or as a
/// float with no fraction (`8.0`); an empty cell, a negative, fractional or non-numeric value is
/// an error naming its line.
fn whole_numbers<T>(
    table: &Table,
    name: &str,
    max: u32,
    overflow: Overflow,
    cast: fn(u32) -> T,
) -> Result<Vec<T>, CsvError> {
    let place = ColumnPlace::of(table, name)?;
    let column = table.require(name)?;
    let expected = format!("expected a whole number from 0 to {max}");
    let convert = |row: usize, value: f64| -> Result<T, CsvError> {
        if value >= 0.0 && value.fract() == 0.0 {
            if value <= f64::from(max) {
                return Ok(cast(value as u32));
            }
            if overflow == Overflow::Saturate {
                return Ok(cast(max));
            }
        }
        let shown = column.text_at(row).unwrap_or_default();
        Err(place.error_at(row, format!("{expected}, found \"{shown}\"")))
    };
    let empty = |row: usize| place.error_at(row, format!("{expected}, found an empty cell"));
    match &column.data {
        // The common case, 33 M cells of Instacart's line file: check in one tight pass, then
        // cast in another, instead of a fallible conversion per cell.
        ColumnData::Int(values) => {
            let bad = |v: i32| v < 0 || (overflow == Overflow::Error && v as u32 > max);
            if let Some(row) = values.iter().position(|&v| bad(v)) {
                return Err(match values[row] {
                    INT_MISSING => empty(row),
                    v => convert(row, f64::from(v)).err().expect("a bad cell"),
                });
            }
            Ok(values.iter().map(|&v| cast((v as u32).min(max))).collect())
        }
        ColumnData::Float(values) => values
            .iter()
            .enumerate()
            .map(|(row, &v)| {
                if v.is_nan() {
                    Err(empty(row))
                } else {
                    convert(row, f64::from(v))
                }
            })
            .collect(),
        ColumnData::Bool(values) => values
            .iter()
            .enumerate()
            .map(|(row, &v)| {
                if v == BOOL_MISSING {
                    Err(empty(row))
                } else {
                    convert(row, f64::from(v))
                }
            })
            .collect(),
        ColumnData::Empty(n) if *n == 0 => Ok(Vec::new()),
        ColumnData::Empty(_) => Err(empty(0)),
        ColumnData::Text(_) | ColumnData::Date(_) => Err(not_a_number(table, name, &expected)),
    }
}

/// The first cell of a text or date column that stops it from being numbers: where the reader saw
/// the column turn (`first_mismatch`), else its first non-empty cell.
fn not_a_number(table: &Table, name: &str, expected: &str) -> CsvError {
    let column = table.require(name).expect("checked by the caller");
    let mut error = match ColumnPlace::of(table, name) {
        Ok(place) => place,
        Err(e) => return e,
    }
    .error_at(0, String::new());
    if let Some(m) = &column.first_mismatch {
        error.line = Some(m.line);
        error.column = Some(m.column);
        error.kind = ErrorKind::Invalid(format!("{expected}, found \"{}\"", m.value));
        return error;
    }
    let first = match &column.data {
        ColumnData::Text(t) => t.codes.iter().position(|&c| c != TEXT_MISSING),
        _ => (0..column.len()).find(|&r| !column.is_missing(r)),
    };
    let row = first.unwrap_or(0);
    error.line = Some(row as u64 + 2);
    let shown = column.text_at(row).unwrap_or_default();
    error.kind = ErrorKind::Invalid(format!("{expected}, found \"{shown}\""));
    error
}

/// Column `name` as `u32` ids or counts: every cell a whole number from 0 to 4,294,967,295.
pub fn u32_column(table: &Table, name: &str) -> Result<Vec<u32>, CsvError> {
    whole_numbers(table, name, u32::MAX, Overflow::Error, |v| v)
}

/// Column `name` as `u8` codes or ranks (a weekday, an hour, a cart position): every cell a whole
/// number from 0 to 255, or larger when `overflow` saturates.
pub fn u8_column(table: &Table, name: &str, overflow: Overflow) -> Result<Vec<u8>, CsvError> {
    whole_numbers(table, name, u32::from(u8::MAX), overflow, |v| v as u8)
}

/// Column `name` as `f32` measures, NaN where a cell is empty (a first order's
/// `days_since_prior_order`); a non-numeric cell is an error naming its line.
pub fn f32_column(table: &Table, name: &str) -> Result<Vec<f32>, CsvError> {
    let column = table.require(name)?;
    match &column.data {
        ColumnData::Text(_) | ColumnData::Date(_) => {
            Err(not_a_number(table, name, "expected a number"))
        }
        _ => Ok(column.to_f32()),
    }
}

/// Column `name` as the index of each cell's value in `allowed` (at most 255 values): for a
/// closed set of labels such as Instacart's `eval_set` (`prior`, `train`, `test`). Surrounding
/// spaces are ignored; an empty cell or a value outside the set is an error naming its line and
/// listing the values allowed. The dictionary is looked up once per distinct value, not per row.
pub fn category_column(table: &Table, name: &str, allowed: &[&str]) -> Result<Vec<u8>, CsvError> {
    assert!(allowed.len() < 256, "at most 255 labels");
    let place = ColumnPlace::of(table, name)?;
    let column = table.require(name)?;
    let expected = format!("expected one of {}", allowed.join(", "));
    let code_of = |text: &str| {
        allowed
            .iter()
            .position(|a| *a == text.trim())
            .map(|i| i as u8)
    };
    let bad = |row: usize| match column.text_at(row) {
        Some(text) => place.error_at(row, format!("{expected}, found \"{text}\"")),
        None => place.error_at(row, format!("{expected}, found an empty cell")),
    };
    match &column.data {
        ColumnData::Text(text) => {
            let by_code: Vec<Option<u8>> = text.dictionary.iter().map(|t| code_of(t)).collect();
            text.codes
                .iter()
                .enumerate()
                .map(|(row, &c)| {
                    by_code
                        .get(c as usize)
                        .copied()
                        .flatten()
                        .ok_or_else(|| bad(row))
                })
                .collect()
        }
        // Numbers or booleans as labels ("0"/"1"): rare, so rendered cell by cell.
        _ => (0..column.len())
            .map(|row| {
                column
                    .text_at(row)
                    .and_then(|t| code_of(&t))
                    .ok_or_else(|| bad(row))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_bytes, ReadOptions};

    fn table(name: &str, text: &str) -> Table {
        read_bytes(name, text.as_bytes(), ReadOptions::default()).unwrap()
    }

    #[test]
    fn whole_numbers_from_integers_and_whole_floats() {
        let t = table("o.csv", "id,days,hour\n3,8.0,08\n1,30.0,23\n");
        assert_eq!(u32_column(&t, "id").unwrap(), vec![3, 1]);
        assert_eq!(u32_column(&t, "days").unwrap(), vec![8, 30]);
        assert_eq!(u8_column(&t, "hour", Overflow::Error).unwrap(), vec![8, 23]);
    }

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let t = table("o.csv", "id,n\n3,1\n,2\n");
        assert_eq!(
            u32_column(&t, "id").unwrap_err().to_string(),
            "o.csv, line 3, column 1 (id): expected a whole number from 0 to 4294967295, found an empty cell"
        );
        let t = table("o.csv", "id,n\n3,1\n4,-2\n");
        assert_eq!(
            u32_column(&t, "n").unwrap_err().to_string(),
            "o.csv, line 3, column 2 (n): expected a whole number from 0 to 4294967295, found \"-2\""
        );
        let t = table("o.csv", "id,n\n3,1.5\n");
        assert!(u32_column(&t, "n")
            .unwrap_err()
            .to_string()
            .contains("found \"1.5\""));
        let t = table("o.csv", "id,n\n3,1\n4,x\n");
        assert_eq!(
            u32_column(&t, "n").unwrap_err().to_string(),
            "o.csv, line 3, column 2 (n): expected a whole number from 0 to 4294967295, found \"x\""
        );
        let t = table("o.csv", "id,n\n3,x\n");
        assert_eq!(
            u32_column(&t, "n").unwrap_err().to_string(),
            "o.csv, line 2, column 2 (n): expected a whole number from 0 to 4294967295, found \"x\""
        );
        assert!(matches!(
            u32_column(&t, "nope").unwrap_err().kind,
            ErrorKind::MissingColumn { .. }
        ));
    }

    #[test]
    fn u8_overflow_errors_or_saturates() {
        let t = table("l.csv", "pos\n1\n300\n");
        assert_eq!(
            u8_column(&t, "pos", Overflow::Error)
                .unwrap_err()
                .to_string(),
            "l.csv, line 3, column 1 (pos): expected a whole number from 0 to 255, found \"300\""
        );
        assert_eq!(
            u8_column(&t, "pos", Overflow::Saturate).unwrap(),
            vec![1, 255]
        );
    }

    #[test]
    fn floats_keep_empty_cells_as_nan() {
        let t = table("o.csv", "a,d\n1,\n2,8.0\n");
        let d = f32_column(&t, "d").unwrap();
        assert!(d[0].is_nan());
        assert_eq!(d[1], 8.0);
        let t = table("o.csv", "a,d\n1,3\n2,soon\n");
        assert_eq!(
            f32_column(&t, "d").unwrap_err().to_string(),
            "o.csv, line 3, column 2 (d): expected a number, found \"soon\""
        );
    }

    #[test]
    fn categories_map_to_their_index_or_name_the_stray_value() {
        let t = table("orders.csv", "eval_set\nprior\ntrain\n test\nprior\n");
        let sets = ["prior", "train", "test"];
        assert_eq!(
            category_column(&t, "eval_set", &sets).unwrap(),
            vec![0, 1, 2, 0]
        );
        let t = table("orders.csv", "id,eval_set\n1,prior\n2,valid\n");
        assert_eq!(
            category_column(&t, "eval_set", &sets).unwrap_err().to_string(),
            "orders.csv, line 3, column 2 (eval_set): expected one of prior, train, test, found \"valid\""
        );
        let t = table("orders.csv", "id,eval_set\n1,prior\n2,\n");
        assert!(category_column(&t, "eval_set", &sets)
            .unwrap_err()
            .to_string()
            .ends_with("found an empty cell"));
    }
}
