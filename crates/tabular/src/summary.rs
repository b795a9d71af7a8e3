//! What is known of a column that is not kept: its kind, missing cells and range, counted as
//! its cells stream past. A file too large to hold whole is profiled this way in one pass.

use crate::builder::{join, Decode};
use crate::cell::{self, Cell};
use crate::column::{
    render_date, render_float, Column, ColumnData, ColumnKind, BOOL_MISSING, INT_MISSING,
};
use serde::Serialize;

/// Running counts of one column's cells, without the cells. Its kind is the kind the column
/// would have if kept (the same cell classification and promotions), and its range and mean
/// those the kept column's profile gives.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// 0-based position of the column in the file.
    pub position: usize,
    kind: ColumnKind,
    rows: u64,
    missing: u64,
    /// Smallest and largest number, date (days) or boolean (0/1) met so far.
    lo: f64,
    hi: f64,
    /// Sum of the integers, dates or booleans, exactly.
    int_sum: i128,
    /// Sum of every number as the `f32` a float column stores, in row order (the float
    /// column's mean).
    float_sum: f64,
}

impl ColumnSummary {
    /// A summary of no rows yet.
    pub(crate) fn new(name: String, position: usize) -> ColumnSummary {
        ColumnSummary {
            name,
            position,
            kind: ColumnKind::Empty,
            rows: 0,
            missing: 0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            int_sum: 0,
            float_sum: 0.0,
        }
    }

    /// Counts one cell (raw bytes, quotes removed). Out of line: the reader's loop over a
    /// record's cells stays small for the common read that keeps every column.
    #[inline(never)]
    pub(crate) fn push(&mut self, raw: &[u8], decode: &mut Decode) {
        self.rows += 1;
        if raw.is_empty() {
            self.missing += 1;
            return;
        }
        // The column's current kind first, as a kept column reads its cells: the same cells
        // (a float column takes `16777217` as the float it rounds to, whose range and mean are
        // those of the integer once the column's numbers are floats).
        match self.kind {
            ColumnKind::Text => {
                // Only missing cells still count: a cheap look at the token, no number parsing.
                if cell::is_missing_token(cell::trim(raw)) {
                    self.missing += 1;
                }
                return;
            }
            ColumnKind::Float => {
                let t = cell::trim(raw);
                if let Some((x, comma)) = cell::parse_float(t, decode.decimal_comma_allowed) {
                    decode.decimal_comma_seen |= comma;
                    return self.count(Cell::Float(x));
                }
            }
            ColumnKind::Int => {
                if let Ok(x) = cell::parse_int(cell::trim(raw)) {
                    return self.count(Cell::Int(x));
                }
            }
            _ => {}
        }
        let (cell, comma) = cell::classify(raw, decode.decimal_comma_allowed);
        decode.decimal_comma_seen |= comma;
        self.count(cell);
    }

    fn count(&mut self, cell: Cell) {
        let (kind, value) = match cell {
            Cell::Missing => {
                self.missing += 1;
                return;
            }
            Cell::Text => (ColumnKind::Text, 0.0),
            Cell::Bool(b) => (ColumnKind::Bool, f64::from(u8::from(b))),
            Cell::Int(x) => (ColumnKind::Int, f64::from(x)),
            Cell::Float(x) => (ColumnKind::Float, f64::from(x)),
            Cell::Date(x) => (ColumnKind::Date, f64::from(x)),
        };
        self.kind = join(self.kind, kind);
        if self.kind == ColumnKind::Text {
            return;
        }
        self.lo = self.lo.min(value);
        self.hi = self.hi.max(value);
        if kind != ColumnKind::Float {
            self.int_sum += value as i128;
        }
        self.float_sum += f64::from(value as f32);
    }

    /// The summary of a column read whole, as if its cells had streamed past: how a read that
    /// turns out too large to keep goes on without the columns it built so far.
    pub(crate) fn of_column(column: &Column, position: usize) -> ColumnSummary {
        let mut s = ColumnSummary::new(column.name.clone(), position);
        s.rows = column.len() as u64;
        s.missing = column.missing as u64;
        s.kind = column.kind();
        let mut count = |value: f64, exact: bool| {
            s.lo = s.lo.min(value);
            s.hi = s.hi.max(value);
            if exact {
                s.int_sum += value as i128;
            }
            s.float_sum += f64::from(value as f32);
        };
        match &column.data {
            ColumnData::Empty(_) | ColumnData::Text(_) => {}
            ColumnData::Bool(v) => v
                .iter()
                .filter(|&&b| b != BOOL_MISSING)
                .for_each(|&b| count(f64::from(b), true)),
            ColumnData::Int(v) | ColumnData::Date(v) => v
                .iter()
                .filter(|&&x| x != INT_MISSING)
                .for_each(|&x| count(f64::from(x), true)),
            ColumnData::Float(v) => v
                .iter()
                .filter(|x| !x.is_nan())
                .for_each(|&x| count(f64::from(x), false)),
        }
        s
    }

    /// The kind the column would have if kept.
    pub fn kind(&self) -> ColumnKind {
        self.kind
    }

    /// Rows counted.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Missing cells.
    pub fn missing(&self) -> u64 {
        self.missing
    }

    /// What the profile shows of the column.
    pub fn profile(&self) -> SummaryProfile {
        let present = self.rows - self.missing;
        let typed = !matches!(self.kind, ColumnKind::Text | ColumnKind::Empty) && present > 0;
        let (min, max, mean) = if typed {
            match self.kind {
                // A float column holds its numbers as f32: so do its range and mean.
                ColumnKind::Float => (
                    f64::from(self.lo as f32),
                    f64::from(self.hi as f32),
                    self.float_sum / present as f64,
                ),
                _ => (self.lo, self.hi, self.int_sum as f64 / present as f64),
            }
        } else {
            (f64::NAN, f64::NAN, f64::NAN)
        };
        let label = |x: f64| -> String {
            let mut s = String::new();
            match self.kind {
                ColumnKind::Date => render_date(x as i32, &mut s),
                ColumnKind::Float => render_float(x as f32, &mut s),
                ColumnKind::Bool => s = (x == 1.0).to_string(),
                _ => s = (x as i64).to_string(),
            }
            s
        };
        SummaryProfile {
            name: self.name.clone(),
            position: self.position,
            kind: self.kind,
            missing: self.missing,
            missing_share: if self.rows == 0 {
                0.0
            } else {
                self.missing as f64 / self.rows as f64
            },
            min: typed.then_some(min),
            max: typed.then_some(max),
            mean: typed.then_some(mean),
            min_label: typed.then(|| label(min)),
            max_label: typed.then(|| label(max)),
        }
    }
}

/// The profile of a column that was not kept: what streaming its cells tells (no distinct
/// count, top values or histogram, which need the cells).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryProfile {
    /// Column name.
    pub name: String,
    /// 0-based position in the file.
    pub position: usize,
    /// The kind it would have if kept.
    pub kind: ColumnKind,
    /// Missing cells.
    pub missing: u64,
    /// Missing cells / rows.
    pub missing_share: f64,
    /// Smallest value (numbers, booleans as 0/1, dates as days since 1970-01-01).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Mean value.
    pub mean: Option<f64>,
    /// Smallest value as text.
    pub min_label: Option<String>,
    /// Largest value as text.
    pub max_label: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::profile;
    use crate::reader::{read_bytes, ReadOptions};

    /// Each column's summary, streamed cell by cell.
    fn streamed(csv: &str) -> Vec<ColumnSummary> {
        let t = read_bytes("s.csv", csv.as_bytes(), ReadOptions::default()).unwrap();
        let mut decode = Decode {
            decimal_comma_allowed: false,
            decimal_comma_seen: false,
            latin1: false,
        };
        let lines: Vec<Vec<&str>> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        (0..t.columns.len())
            .map(|c| {
                let mut s = ColumnSummary::new(t.columns[c].name.clone(), c);
                for l in &lines {
                    s.push(l[c].as_bytes(), &mut decode);
                }
                s
            })
            .collect()
    }

    #[test]
    fn streamed_summaries_agree_with_the_kept_columns_profile() {
        let csv = "i,f,d,b,t,e,m\n1,1.5,2015-01-02,true,x,,1\n,2,2015-01-01,false,NA,,2.5\n7,NA,,true,3,NA,a\n-3,16777217,2015-03-01,,y,,\n";
        let t = read_bytes("s.csv", csv.as_bytes(), ReadOptions::default()).unwrap();
        let full = profile(&t);
        for (s, c) in streamed(csv).iter().zip(&t.columns) {
            let p = s.profile();
            assert_eq!(p, ColumnSummary::of_column(c, s.position).profile());
            let kept = full.columns.iter().find(|k| k.name == c.name).unwrap();
            assert_eq!(p.kind, kept.kind, "{}", c.name);
            assert_eq!(p.missing, kept.missing, "{}", c.name);
            assert_eq!(
                (p.min, p.max, p.mean),
                (kept.min, kept.max, kept.mean),
                "{}",
                c.name
            );
            assert_eq!(
                (&p.min_label, &p.max_label),
                (&kept.min_label, &kept.max_label)
            );
        }
    }
}
