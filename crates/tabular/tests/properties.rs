//! Property tests: write-then-read is the identity on tables, and chunk boundaries never change
//! what is read.

mod common;

use common::read_chunked;
use proptest::prelude::*;
use tabular::write::write_csv;
use tabular::{
    read_bytes, read_bytes_in_parts, Column, ColumnData, Encoding, ReadOptions, SourceInfo, Table,
    TextColumn,
};

/// One generated column: its values, `None` for missing.
#[derive(Debug, Clone)]
enum Values {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i32>>),
    Float(Vec<Option<f32>>),
    Date(Vec<Option<i32>>),
    Text(Vec<Option<String>>),
}

/// Text that can only be read as text: starts (after optional padding) with `x`, then anything
/// a CSV must quote (commas, quotes, newlines, CR) or a decoder must get right (non-ASCII).
fn text() -> impl Strategy<Value = String> {
    ("[ ]{0,2}", "[x]", "[a-z0-9 ,\"\n\r;|\t'=é€😀ñ-]{0,12}")
        .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

fn finite_f32() -> impl Strategy<Value = f32> {
    use proptest::num::f32::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    (NORMAL | SUBNORMAL | ZERO | POSITIVE | NEGATIVE).prop_filter("finite", |x| x.is_finite())
}

fn column(rows: usize) -> impl Strategy<Value = Values> {
    let n = rows;
    prop_oneof![
        prop::collection::vec(prop::option::weighted(0.8, any::<bool>()), n).prop_map(Values::Bool),
        prop::collection::vec(prop::option::weighted(0.8, (i32::MIN + 1)..=i32::MAX), n)
            .prop_map(Values::Int),
        prop::collection::vec(prop::option::weighted(0.8, finite_f32()), n).prop_map(Values::Float),
        // 0001-01-01 ..= 9999-12-31
        prop::collection::vec(prop::option::weighted(0.8, -719_162..=2_932_896i32), n)
            .prop_map(Values::Date),
        prop::collection::vec(prop::option::weighted(0.8, text()), n).prop_map(Values::Text),
    ]
}

/// The table as the reader must give it back: all-missing columns are `Empty`, dictionaries in
/// order of first appearance.
fn to_column(name: String, values: Values, rows: usize) -> Column {
    let (data, missing) = match values {
        Values::Bool(v) => (
            ColumnData::Bool(v.iter().map(|b| b.map_or(2, u8::from)).collect()),
            v.iter().filter(|x| x.is_none()).count(),
        ),
        Values::Int(v) => (
            ColumnData::Int(v.iter().map(|x| x.unwrap_or(i32::MIN)).collect()),
            v.iter().filter(|x| x.is_none()).count(),
        ),
        Values::Float(v) => (
            ColumnData::Float(v.iter().map(|x| x.unwrap_or(f32::NAN)).collect()),
            v.iter().filter(|x| x.is_none()).count(),
        ),
        Values::Date(v) => (
            ColumnData::Date(v.iter().map(|x| x.unwrap_or(i32::MIN)).collect()),
            v.iter().filter(|x| x.is_none()).count(),
        ),
        Values::Text(v) => {
            let mut dictionary: Vec<String> = Vec::new();
            let codes = v
                .iter()
                .map(|x| match x {
                    None => u32::MAX,
                    Some(s) => match dictionary.iter().position(|d| d == s) {
                        Some(i) => i as u32,
                        None => {
                            dictionary.push(s.clone());
                            (dictionary.len() - 1) as u32
                        }
                    },
                })
                .collect();
            (
                ColumnData::Text(TextColumn { codes, dictionary }),
                v.iter().filter(|x| x.is_none()).count(),
            )
        }
    };
    let data = if missing == rows {
        ColumnData::Empty(rows)
    } else {
        data
    };
    Column {
        name,
        data,
        missing,
        first_mismatch: None,
    }
}

fn table() -> impl Strategy<Value = Table> {
    (1usize..40, 1usize..7)
        .prop_flat_map(|(rows, cols)| (Just(rows), prop::collection::vec(column(rows), cols)))
        .prop_map(|(rows, cols)| Table {
            name: "t.csv".into(),
            columns: cols
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_column(format!("c{i}"), v, rows))
                .collect(),
            n_rows: rows,
            source: SourceInfo {
                bytes: 0,
                delimiter: b',',
                encoding: Encoding::Utf8,
                decimal_comma: false,
            },
            warnings: vec![],
            skipped: vec![],
        })
}

/// Bytes that look like CSV, with every quirk in the alphabet (including invalid UTF-8).
fn messy_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"a".to_vec()),
        Just(b"17".to_vec()),
        Just(b"-2.5".to_vec()),
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"0\"".to_vec()),
        Just(b"\"a,b\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b" ".to_vec()),
        Just(b"NA".to_vec()),
        Just(b"true".to_vec()),
        Just(b"2015-07-31".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just(vec![0xe9]),
        Just(b"\xef\xbb\xbf".to_vec()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

fn write(t: &Table) -> Vec<u8> {
    let mut out = Vec::new();
    write_csv(t, &mut out, false).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn written_table_reads_back_identical(t in table()) {
        let bytes = write(&t);
        let back = read_bytes("t.csv", &bytes, ReadOptions::default()).unwrap();
        prop_assert_eq!(back.n_rows, t.n_rows);
        prop_assert_eq!(back.source.delimiter, b',');
        prop_assert_eq!(&back.columns, &t.columns);
    }

    #[test]
    fn chunk_splits_do_not_change_a_written_table(t in table(), sizes in prop::collection::vec(1usize..50, 1..8)) {
        let bytes = write(&t);
        let whole = read_bytes("t.csv", &bytes, ReadOptions::default());
        prop_assert_eq!(&read_chunked("t.csv", &bytes, &sizes, ReadOptions::default()), &whole);
        prop_assert_eq!(&read_chunked("t.csv", &bytes, &[1], ReadOptions::default()), &whole);
    }

    #[test]
    fn chunk_splits_do_not_change_messy_input(bytes in messy_bytes(), sizes in prop::collection::vec(1usize..20, 1..8)) {
        // Errors too must be the same, whatever the cuts.
        let whole = read_bytes("m.csv", &bytes, ReadOptions::default());
        prop_assert_eq!(&read_chunked("m.csv", &bytes, &sizes, ReadOptions::default()), &whole);
        prop_assert_eq!(&read_chunked("m.csv", &bytes, &[1], ReadOptions::default()), &whole);
        let semicolon = ReadOptions { delimiter: Some(b';'), columns: None, ..Default::default() };
        prop_assert_eq!(
            read_chunked("m.csv", &bytes, &sizes, semicolon.clone()),
            read_bytes("m.csv", &bytes, semicolon)
        );
    }
}

proptest! {
    // Past the 64 KiB the sniffer holds back: fewer, larger cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn chunk_splits_past_the_sniff_window(t in table(), copies in 60usize..120, sizes in prop::collection::vec(1usize..70_000, 1..6)) {
        let mut big = t.clone();
        big.n_rows = t.n_rows * copies;
        for (c, orig) in big.columns.iter_mut().zip(&t.columns) {
            c.data = match &orig.data {
                ColumnData::Empty(n) => ColumnData::Empty(n * copies),
                ColumnData::Bool(v) => ColumnData::Bool(v.repeat(copies)),
                ColumnData::Int(v) => ColumnData::Int(v.repeat(copies)),
                ColumnData::Float(v) => ColumnData::Float(v.repeat(copies)),
                ColumnData::Date(v) => ColumnData::Date(v.repeat(copies)),
                ColumnData::Text(x) => ColumnData::Text(TextColumn { codes: x.codes.repeat(copies), dictionary: x.dictionary.clone() }),
            };
            c.missing = orig.missing * copies;
        }
        let bytes = write(&big);
        let whole = read_bytes("t.csv", &bytes, ReadOptions::default()).unwrap();
        prop_assert_eq!(&whole.columns, &big.columns);
        prop_assert_eq!(read_chunked("t.csv", &bytes, &sizes, ReadOptions::default()).unwrap(), whole);
    }
}

/// The profile of an integer column computed row by row, the obvious way: (min, max, mean,
/// distinct, histogram counts).
fn naive_int_profile(values: &[Option<i32>]) -> Option<(f64, f64, f64, u64, Vec<u64>)> {
    let present: Vec<i32> = values.iter().flatten().copied().collect();
    let lo = *present.iter().min()?;
    let hi = *present.iter().max()?;
    let mean = present.iter().map(|&x| f64::from(x)).sum::<f64>() / present.len() as f64;
    let mut distinct = present.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let width = (f64::from(hi) - f64::from(lo)) / 20.0;
    let mut bins = vec![0u64; 20];
    for &x in &present {
        let bin = if width > 0.0 {
            ((f64::from(x) - f64::from(lo)) / width) as usize
        } else {
            0
        };
        bins[bin.min(19)] += 1;
    }
    Some((
        f64::from(lo),
        f64::from(hi),
        mean,
        distinct.len() as u64,
        bins,
    ))
}

proptest! {
    #[test]
    fn int_profile_equals_the_row_by_row_computation(
        // Narrow ranges take the counting path, wide ones the sort path.
        values in prop_oneof![
            prop::collection::vec(prop::option::weighted(0.8, -50i32..50), 1..300),
            prop::collection::vec(prop::option::weighted(0.8, (i32::MIN + 1)..=i32::MAX), 1..300),
        ]
    ) {
        let rows = values.len();
        let table = Table {
            name: "t.csv".into(),
            columns: vec![to_column("c".into(), Values::Int(values.clone()), rows)],
            n_rows: rows,
            source: SourceInfo { bytes: 0, delimiter: b',', encoding: Encoding::Utf8, decimal_comma: false },
            warnings: vec![],
            skipped: vec![],
        };
        let column = &tabular::profile::profile(&table).columns[0];
        match naive_int_profile(&values) {
            None => prop_assert_eq!(column.min, None),
            Some((lo, hi, mean, distinct, bins)) => {
                prop_assert_eq!(column.min, Some(lo));
                prop_assert_eq!(column.max, Some(hi));
                prop_assert!((column.mean.unwrap() - mean).abs() <= 1e-9 * mean.abs().max(1.0));
                prop_assert_eq!(column.distinct, distinct);
                prop_assert_eq!(&column.histogram.as_ref().unwrap().counts, &bins);
            }
        }
    }
}

/// Cells that make columns change kind at any row: integers (padded, quoted, beyond `f32`'s
/// exact range, beyond `i32`), floats, booleans, dates, missing tokens, text, quoted delimiters
/// and newlines, Latin-1 bytes.
fn typed_cell(delimiter: u8) -> impl Strategy<Value = Vec<u8>> {
    let ints: Vec<&[u8]> = vec![b"0", b"7", b" 5", b"007", b"-3", b"", b"NA", b"\"0\""];
    let mut numbers = ints.clone();
    numbers.extend([
        &b"1.5"[..],
        b"2.0",
        b"1e3",
        b"16777217",
        b"-20000001",
        b"2147483648",
    ]);
    let mut late_text = ints.repeat(4);
    late_text.extend([&b"a"[..], b"true"]);
    let booleans: Vec<&[u8]> = vec![b"true", b"FALSE", b"", b"NA", b"0"];
    let dates: Vec<&[u8]> = vec![b"2015-07-31", b"2016-02-29", b"", b"a"];
    let mut anything = numbers.clone();
    anything.extend([
        &b"true"[..],
        b"2015-07-31",
        b"a",
        b"x y",
        b"\"q,r\"",
        b"\"q;r\"",
        b"\"two\nlines\"",
        b"\"say \"\"hi\"\"\"",
        "é".as_bytes(),
        b"\xe9t\xe9",
        b"1,5",
    ]);
    let to_owned = |pool: Vec<&[u8]>| -> Vec<Vec<u8>> {
        pool.into_iter()
            .map(|c| {
                c.iter()
                    .map(|&b| {
                        if b == b',' && !c.starts_with(b"\"") {
                            delimiter_safe(delimiter)
                        } else {
                            b
                        }
                    })
                    .collect()
            })
            .collect()
    };
    prop_oneof![
        Just(to_owned(ints)),
        Just(to_owned(numbers)),
        Just(to_owned(late_text)),
        Just(to_owned(booleans)),
        Just(to_owned(dates)),
        Just(to_owned(anything)),
    ]
    .prop_flat_map(prop::sample::select)
}

/// A `,` inside an unquoted cell stays a decimal comma in `;` files, and becomes a `.` in
/// `,` files (where it would add a field).
fn delimiter_safe(delimiter: u8) -> u8 {
    if delimiter == b',' {
        b'.'
    } else {
        b','
    }
}

/// A header and rows of typed cells, each column drawing from its own pool.
fn typed_file(delimiter: u8) -> impl Strategy<Value = Vec<u8>> {
    (1usize..5, 1usize..80).prop_flat_map(move |(cols, rows)| {
        prop::collection::vec(prop::collection::vec(typed_cell(delimiter), rows), cols).prop_map(
            move |columns| {
                let d = delimiter as char;
                let mut out: Vec<u8> = (0..columns.len())
                    .map(|i| format!("c{i}"))
                    .collect::<Vec<_>>()
                    .join(&d.to_string())
                    .into_bytes();
                out.push(b'\n');
                for row in 0..rows {
                    for (i, column) in columns.iter().enumerate() {
                        if i > 0 {
                            out.push(delimiter);
                        }
                        out.extend_from_slice(&column[row]);
                    }
                    out.push(b'\n');
                }
                out
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parts_do_not_change_typed_columns(
        (delimiter, bytes) in prop::sample::select(vec![b',', b';'])
            .prop_flat_map(|d| (Just(d), typed_file(d))),
        parts in 2usize..9,
    ) {
        // `;` files also read decimal commas.
        let options = ReadOptions { delimiter: Some(delimiter), columns: None, ..Default::default() };
        prop_assert_eq!(
            read_bytes_in_parts("p.csv", &bytes, options.clone(), parts),
            read_bytes("p.csv", &bytes, options)
        );
    }

    #[test]
    fn parts_do_not_change_messy_input(bytes in messy_bytes(), parts in 2usize..9) {
        for delimiter in [None, Some(b','), Some(b';')] {
            let options = ReadOptions { delimiter, columns: None, ..Default::default() };
            prop_assert_eq!(
                read_bytes_in_parts("m.csv", &bytes, options.clone(), parts),
                read_bytes("m.csv", &bytes, options)
            );
        }
    }
}
