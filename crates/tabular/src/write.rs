//! Writes tables back to CSV (RFC 4180), optionally defusing cells a spreadsheet would run.

use crate::cell;
use crate::column::{render_date, render_float, ColumnData, BOOL_MISSING, INT_MISSING};
use crate::table::Table;
use std::borrow::Cow;
use std::io::Write;

/// A cell that does not parse as a number but starts like a formula (`=`, `+`, `-`, `@`, tab,
/// CR) would run in a spreadsheet: a leading `'` keeps it text. `-3.5` is a number and stays.
fn is_formula(cell: &str) -> bool {
    let Some(&first) = cell.as_bytes().first() else {
        return false;
    };
    if !matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') {
        return false;
    }
    let t = cell::trim(cell.as_bytes());
    let number = cell::parse_int(t).is_ok() || cell::parse_float(t, false).is_some();
    !number
}

/// One cell as it goes into a CSV: quoted when it holds a comma, quote, CR or LF (quotes
/// doubled); with `neutralise_formulas`, a formula-like cell gets a leading `'`.
pub fn escape_cell(cell: &str, neutralise_formulas: bool) -> Cow<'_, str> {
    let prefix = neutralise_formulas && is_formula(cell);
    let quote = cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !prefix && !quote {
        return Cow::Borrowed(cell);
    }
    let mut s = String::with_capacity(cell.len() + 3);
    if quote {
        s.push('"');
    }
    if prefix {
        s.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            s.push('"');
        }
        s.push(c);
    }
    if quote {
        s.push('"');
    }
    Cow::Owned(s)
}

/// Writes the header and every row, comma-delimited, `\n` line ends. Missing cells are empty
/// (written `""` when the table has a single column, so that the row is not a blank line).
/// Floats keep a `.0` when whole, so that the file reads back with the same kinds.
pub fn write_csv(
    table: &Table,
    out: &mut impl Write,
    neutralise_formulas: bool,
) -> std::io::Result<()> {
    let mut line = String::with_capacity(1 << 16);
    for (i, c) in table.columns.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&escape_cell(&c.name, neutralise_formulas));
    }
    line.push('\n');
    let single = table.columns.len() == 1;
    for row in 0..table.n_rows {
        for (i, c) in table.columns.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            let before = line.len();
            match &c.data {
                ColumnData::Empty(_) => {}
                ColumnData::Bool(v) => match v[row] {
                    BOOL_MISSING => {}
                    1 => line.push_str("true"),
                    _ => line.push_str("false"),
                },
                ColumnData::Int(v) => {
                    if v[row] != INT_MISSING {
                        use std::fmt::Write as _;
                        let _ = write!(line, "{}", v[row]);
                    }
                }
                ColumnData::Float(v) => {
                    if !v[row].is_nan() {
                        render_float(v[row], &mut line);
                    }
                }
                ColumnData::Date(v) => {
                    if v[row] != INT_MISSING {
                        render_date(v[row], &mut line);
                    }
                }
                ColumnData::Text(t) => {
                    let code = t.codes[row];
                    if code != crate::column::TEXT_MISSING {
                        line.push_str(&escape_cell(
                            &t.dictionary[code as usize],
                            neutralise_formulas,
                        ));
                    }
                }
            }
            if single && line.len() == before {
                line.push_str("\"\"");
            }
        }
        line.push('\n');
        if line.len() >= 1 << 16 {
            out.write_all(line.as_bytes())?;
            line.clear();
        }
    }
    out.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(escape_cell("plain", false), "plain");
        assert_eq!(escape_cell("Jan,Apr,Jul,Oct", false), "\"Jan,Apr,Jul,Oct\"");
        assert_eq!(escape_cell("say \"hi\"", false), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_cell("two\nlines", false), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(
            escape_cell("=HYPERLINK(\"x\")", true),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(escape_cell("=1+2", true), "'=1+2");
        assert_eq!(escape_cell("@SUM(A1)", true), "'@SUM(A1)");
        assert_eq!(escape_cell("+33 6 12", true), "'+33 6 12");
        assert_eq!(escape_cell("-3.5", true), "-3.5");
        assert_eq!(escape_cell("+7", true), "+7");
        assert_eq!(escape_cell("-1e3", true), "-1e3");
        assert_eq!(escape_cell("=1+2", false), "=1+2");
        assert_eq!(escape_cell("\tx", true), "'\tx");
    }
}
