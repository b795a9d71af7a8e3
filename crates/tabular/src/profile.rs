//! Per-column summaries and the missingness map shown after a file is read.

use crate::column::{
    render_date, render_float, Column, ColumnData, ColumnKind, BOOL_MISSING, INT_MISSING,
    TEXT_MISSING,
};
use crate::dataset::{recognize, KnownFile};
use crate::error::Warning;
use crate::summary::{ColumnSummary, SummaryProfile};
use crate::table::Table;
use serde::Serialize;

/// A frequent value and how often it occurs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopValue {
    /// The value as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// Counts over equal-width bins from `lo` to `hi`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin (inclusive).
    pub hi: f64,
    /// Count per bin.
    pub counts: Vec<u64>,
}

/// Summary of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Inferred kind.
    pub kind: ColumnKind,
    /// Missing cells.
    pub missing: u64,
    /// Missing cells / rows.
    pub missing_share: f64,
    /// Distinct non-missing values.
    pub distinct: u64,
    /// Smallest value (numbers, booleans as 0/1, dates as days since 1970-01-01).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Mean value.
    pub mean: Option<f64>,
    /// Smallest value as text (dates as `YYYY-MM-DD`).
    pub min_label: Option<String>,
    /// Largest value as text.
    pub max_label: Option<String>,
    /// Most frequent values (up to 5), for text, booleans and integers with few values.
    pub top: Vec<TopValue>,
    /// 20-bin histogram for numbers and dates.
    pub histogram: Option<Histogram>,
}

/// Sampled rows x all columns, one bit per cell (1 = missing), row-major, each row padded to whole bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingnessMap {
    /// 0-based row index of each sampled row.
    pub rows: Vec<u64>,
    /// Number of columns.
    pub columns: usize,
    /// Bytes per sampled row.
    pub row_bytes: usize,
    /// The bits; bit `c % 8` (least significant first) of byte `r * row_bytes + c / 8` is cell (r, c).
    pub bits: Vec<u8>,
}

/// What the page shows about a file after reading it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableProfile {
    /// File name.
    pub file: String,
    /// Data rows.
    pub rows: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Delimiter as text (`","`, `";"`, `"\t"`, `"|"`).
    pub delimiter: String,
    /// `"utf-8"`, `"latin-1"`, `"utf-16le"` or `"utf-16be"`.
    pub encoding: String,
    /// Numbers used a decimal comma.
    pub decimal_comma: bool,
    /// The public file this is, if recognised.
    pub dataset: Option<KnownFile>,
    /// One summary per column.
    pub columns: Vec<ColumnProfile>,
    /// Where the holes are (kept columns).
    pub missingness: MissingnessMap,
    /// The columns not kept, summarised as they streamed past, in file order.
    pub skipped: Vec<SummaryProfile>,
    /// What the reader did that the user should know, in the order it happened.
    pub warnings: Vec<Warning>,
}

/// Most frequent values kept per column.
const TOP: usize = 5;
/// Bins of the histograms.
const BINS: usize = 20;
/// Rows sampled for the missingness map.
const MAP_ROWS: usize = 200;
/// Integer columns with at most this many distinct values also get a top list (flags, codes).
const FEW_INTS: u64 = 20;

/// Summarises a table: one pass or a sort per column, no hashing of numbers.
pub fn profile(table: &Table) -> TableProfile {
    profile_with_progress(table, &mut |_, _| {})
}

/// [`profile`], calling `on_column(done, total)` after each column, so that a caller can report
/// progress on a wide or long table (a second or more on millions of rows).
pub fn profile_with_progress(
    table: &Table,
    on_column: &mut dyn FnMut(usize, usize),
) -> TableProfile {
    let total = table.columns.len();
    TableProfile {
        file: table.name.clone(),
        rows: table.n_rows as u64,
        bytes: table.source.bytes,
        delimiter: char::from(table.source.delimiter).to_string(),
        encoding: table.source.encoding.label().to_string(),
        decimal_comma: table.source.decimal_comma,
        dataset: recognize(&table.name, &table.file_header()),
        columns: table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let column = profile_column(c, table.n_rows);
                on_column(i + 1, total);
                column
            })
            .collect(),
        missingness: missingness(table),
        skipped: table.skipped.iter().map(ColumnSummary::profile).collect(),
        warnings: table.warnings.clone(),
    }
}

fn profile_column(column: &Column, rows: usize) -> ColumnProfile {
    let mut p = ColumnProfile {
        name: column.name.clone(),
        kind: column.kind(),
        missing: column.missing as u64,
        missing_share: if rows == 0 {
            0.0
        } else {
            column.missing as f64 / rows as f64
        },
        distinct: 0,
        min: None,
        max: None,
        mean: None,
        min_label: None,
        max_label: None,
        top: Vec::new(),
        histogram: None,
    };
    match &column.data {
        ColumnData::Empty(_) => {}
        ColumnData::Bool(v) => {
            let mut counts = [0u64; 2];
            for &b in v {
                if b != BOOL_MISSING {
                    counts[usize::from(b)] += 1;
                }
            }
            let n = counts[0] + counts[1];
            p.distinct = counts.iter().filter(|&&c| c > 0).count() as u64;
            if n > 0 {
                p.min = Some(if counts[0] > 0 { 0.0 } else { 1.0 });
                p.max = Some(if counts[1] > 0 { 1.0 } else { 0.0 });
                p.mean = Some(counts[1] as f64 / n as f64);
                p.min_label = p.min.map(|m| (m == 1.0).to_string());
                p.max_label = p.max.map(|m| (m == 1.0).to_string());
            }
            p.top = top_values(
                [("false", counts[0]), ("true", counts[1])]
                    .map(|(v, c)| (v.to_string(), c))
                    .to_vec(),
            );
        }
        ColumnData::Int(v) | ColumnData::Date(v) => {
            let is_date = column.kind() == ColumnKind::Date;
            // Everything below comes from the distinct values and their counts: one pass over
            // the rows for the range, one to count, then work per distinct value only.
            let Some((lo, hi)) = int_range(v) else {
                return p;
            };
            let counts = int_counts(v, lo, hi);
            let n: u64 = counts.iter().map(|&(_, c)| c).sum();
            let sum: f64 = counts.iter().map(|&(x, c)| f64::from(x) * c as f64).sum();
            p.min = Some(f64::from(lo));
            p.max = Some(f64::from(hi));
            p.mean = Some(sum / n as f64);
            let label = |x: i32| {
                let mut s = String::new();
                if is_date {
                    render_date(x, &mut s);
                } else {
                    s = x.to_string();
                }
                s
            };
            p.min_label = Some(label(lo));
            p.max_label = Some(label(hi));
            p.histogram = Some(histogram(
                counts.iter().map(|&(x, c)| (f64::from(x), c)),
                f64::from(lo),
                f64::from(hi),
            ));
            p.distinct = counts.len() as u64;
            if !is_date && p.distinct <= FEW_INTS {
                p.top = top_values(
                    counts
                        .into_iter()
                        .map(|(x, c)| (x.to_string(), c))
                        .collect(),
                );
            }
        }
        ColumnData::Float(v) => {
            let mut bits: Vec<u32> = v
                .iter()
                .filter(|x| !x.is_nan())
                .map(|x| x.to_bits())
                .collect();
            if !bits.is_empty() {
                let (mut lo, mut hi, mut sum) = (f32::INFINITY, f32::NEG_INFINITY, 0f64);
                for &b in &bits {
                    let x = f32::from_bits(b);
                    lo = lo.min(x);
                    hi = hi.max(x);
                    sum += f64::from(x);
                }
                p.min = Some(f64::from(lo));
                p.max = Some(f64::from(hi));
                p.mean = Some(sum / bits.len() as f64);
                let label = |x: f32| {
                    let mut s = String::new();
                    render_float(x, &mut s);
                    s
                };
                p.min_label = Some(label(lo));
                p.max_label = Some(label(hi));
                if lo.is_finite() && hi.is_finite() {
                    p.histogram = Some(histogram(
                        bits.iter().map(|&b| (f64::from(f32::from_bits(b)), 1)),
                        f64::from(lo),
                        f64::from(hi),
                    ));
                }
                bits.sort_unstable();
                bits.dedup();
                p.distinct = bits.len() as u64;
            }
        }
        ColumnData::Text(t) => {
            let mut counts = vec![0u64; t.dictionary.len()];
            for &c in &t.codes {
                if c != TEXT_MISSING {
                    counts[c as usize] += 1;
                }
            }
            p.distinct = counts.iter().filter(|&&c| c > 0).count() as u64;
            p.top = top_values(t.dictionary.iter().cloned().zip(counts).collect());
        }
    }
    p
}

/// Smallest and largest present value, or `None` when every cell is missing.
fn int_range(values: &[i32]) -> Option<(i32, i32)> {
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for &x in values {
        if x != INT_MISSING {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// (value, count) for each distinct present integer, ascending. A counting array when the range
/// is small (codes, flags, days), a sort otherwise.
fn int_counts(values: &[i32], lo: i32, hi: i32) -> Vec<(i32, u64)> {
    let range = (i64::from(hi) - i64::from(lo)) as usize + 1;
    if range <= values.len().max(1 << 16) {
        let mut counts = vec![0u64; range];
        for &x in values {
            if x != INT_MISSING {
                counts[x.wrapping_sub(lo) as u32 as usize] += 1;
            }
        }
        return counts
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(i, c)| ((i64::from(lo) + i as i64) as i32, c))
            .collect();
    }
    let mut present: Vec<i32> = values
        .iter()
        .copied()
        .filter(|&x| x != INT_MISSING)
        .collect();
    present.sort_unstable();
    let mut out: Vec<(i32, u64)> = Vec::new();
    for x in present {
        match out.last_mut() {
            Some((v, c)) if *v == x => *c += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// The `TOP` most frequent, ties in the order given (first appearance or ascending value).
fn top_values(mut counts: Vec<(String, u64)>) -> Vec<TopValue> {
    counts.retain(|(_, c)| *c > 0);
    // Stable sort: equal counts keep their order, so the result is deterministic.
    counts.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
    counts.truncate(TOP);
    counts
        .into_iter()
        .map(|(value, count)| TopValue { value, count })
        .collect()
}

/// Bins `(value, weight)` pairs: a value once per row, or each distinct value with its count.
fn histogram(values: impl Iterator<Item = (f64, u64)>, lo: f64, hi: f64) -> Histogram {
    let mut counts = vec![0u64; BINS];
    let width = (hi - lo) / BINS as f64;
    for (x, weight) in values {
        let bin = if width > 0.0 {
            ((x - lo) / width) as usize
        } else {
            0
        };
        counts[bin.min(BINS - 1)] += weight;
    }
    Histogram { lo, hi, counts }
}

/// Up to `MAP_ROWS` evenly spaced rows, all columns.
fn missingness(table: &Table) -> MissingnessMap {
    let n = table.n_rows;
    let rows: Vec<u64> = if n <= MAP_ROWS {
        (0..n as u64).collect()
    } else {
        (0..MAP_ROWS).map(|i| (i * n / MAP_ROWS) as u64).collect()
    };
    let columns = table.columns.len();
    let row_bytes = columns.div_ceil(8);
    let mut bits = vec![0u8; rows.len() * row_bytes];
    for (c, column) in table.columns.iter().enumerate() {
        for (r, &row) in rows.iter().enumerate() {
            if column.is_missing(row as usize) {
                bits[r * row_bytes + c / 8] |= 1 << (c % 8);
            }
        }
    }
    MissingnessMap {
        rows,
        columns,
        row_bytes,
        bits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_bytes, ReadOptions};

    #[test]
    fn kinds_counts_and_histogram() {
        let csv = "a,b,c,d,e\n1,x,1.5,2015-01-01,true\n2,y,,2015-01-03,false\n2,x,2.5,,true\n,x,1.5,2015-01-02,\n";
        let t = read_bytes("t.csv", csv.as_bytes(), ReadOptions::default()).unwrap();
        let p = profile(&t);
        assert_eq!(p.rows, 4);
        assert_eq!(p.delimiter, ",");
        let a = &p.columns[0];
        assert_eq!((a.kind, a.missing, a.distinct), (ColumnKind::Int, 1, 2));
        assert_eq!((a.min, a.max), (Some(1.0), Some(2.0)));
        assert!((a.mean.unwrap() - 5.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            a.top,
            vec![
                TopValue {
                    value: "2".into(),
                    count: 2
                },
                TopValue {
                    value: "1".into(),
                    count: 1
                }
            ]
        );
        let h = a.histogram.as_ref().unwrap();
        assert_eq!(
            (h.counts[0], h.counts[19], h.counts.iter().sum::<u64>()),
            (1, 2, 3)
        );
        let b = &p.columns[1];
        assert_eq!((b.kind, b.distinct), (ColumnKind::Text, 2));
        assert_eq!(
            b.top[0],
            TopValue {
                value: "x".into(),
                count: 3
            }
        );
        let c = &p.columns[2];
        assert_eq!((c.kind, c.distinct, c.missing), (ColumnKind::Float, 2, 1));
        assert!((c.missing_share - 0.25).abs() < 1e-12);
        let d = &p.columns[3];
        assert_eq!(d.min_label.as_deref(), Some("2015-01-01"));
        assert_eq!(d.max_label.as_deref(), Some("2015-01-03"));
        let e = &p.columns[4];
        assert_eq!(
            (e.kind, e.distinct, e.mean),
            (ColumnKind::Bool, 2, Some(2.0 / 3.0))
        );
        // Row 1 misses column c (bit 2), row 2 misses d (3), row 3 misses a (0) and e (4).
        assert_eq!(p.missingness.bits, vec![0, 0b0100, 0b1000, 0b10001]);
        assert_eq!(p.missingness.row_bytes, 1);
    }

    #[test]
    fn missingness_samples_200_rows_evenly() {
        let mut csv = String::from("a,b,c,d,e,f,g,h,i\n");
        for r in 0..1000 {
            let i = if r % 5 == 0 {
                String::new()
            } else {
                r.to_string()
            };
            csv.push_str(&format!("1,2,3,4,5,6,7,8,{i}\n"));
        }
        let t = read_bytes("t.csv", csv.as_bytes(), ReadOptions::default()).unwrap();
        let m = profile(&t).missingness;
        assert_eq!(m.rows.len(), 200);
        assert_eq!(&m.rows[..3], &[0, 5, 10]);
        assert_eq!(m.row_bytes, 2);
        // Every sampled row is a multiple of 5: column i (index 8) is missing there.
        assert!(m.bits.chunks(2).all(|r| r == [0, 1]));
    }
}
