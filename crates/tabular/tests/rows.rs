//! The streaming row reader reads what the table reader reads: the same ids, targets and
//! non-empty numeric cells, whatever the chunk boundaries.

mod common;

use common::fixture;
use proptest::prelude::*;
use tabular::rows::{RowStream, RowsOptions, SparseRow};
use tabular::{read_bytes, ReadOptions};

/// A row as (id, target, non-empty cells as (feature, value)).
type Row = (u64, Option<bool>, Vec<(u32, f32)>);

/// Reads with the row stream, cutting the input at `cuts` (sorted byte offsets).
fn stream_rows(bytes: &[u8], cuts: &[usize], options: &RowsOptions) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut keep = |r: &SparseRow| {
        let cells = r.features.iter().copied().zip(r.values.iter().copied());
        rows.push((r.id, r.target, cells.collect()));
    };
    let mut stream = RowStream::new("train_numeric.csv", options.clone());
    let mut from = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        let cut = cut.clamp(from, bytes.len());
        stream.push(&bytes[from..cut], &mut keep).unwrap();
        from = cut;
    }
    let summary = stream.finish(&mut keep).unwrap();
    assert_eq!(summary.rows as usize, rows.len());
    (rows, summary.features)
}

/// The same rows from the typed table of `tabular::read_bytes`.
fn table_rows(bytes: &[u8], features: &[String]) -> Vec<Row> {
    let table = read_bytes("train_numeric.csv", bytes, ReadOptions::default()).unwrap();
    let id = table.column("Id").unwrap();
    let target = table.column("Response").unwrap();
    let columns: Vec<_> = features.iter().map(|f| table.column(f).unwrap()).collect();
    (0..table.n_rows)
        .map(|r| {
            let cells = columns
                .iter()
                .enumerate()
                .filter_map(|(k, c)| c.f64_at(r).map(|v| (k as u32, v as f32)))
                .collect();
            (
                id.f64_at(r).unwrap() as u64,
                Some(target.f64_at(r).unwrap() == 1.0),
                cells,
            )
        })
        .collect()
}

#[test]
fn real_bosch_head_reads_as_the_table() {
    let bytes = fixture("bosch_train_numeric_head100_sparse_970_columns.csv");
    let (rows, features) = stream_rows(&bytes, &[], &RowsOptions::default());
    assert_eq!(features.len(), 968);
    assert_eq!(features[0], "L0_S0_F0");
    assert_eq!(rows.len(), 100);
    assert_eq!(rows, table_rows(&bytes, &features));
    // The first part of the public file: Id 4, passed, 168 measurements.
    assert_eq!(
        (rows[0].0, rows[0].1, rows[0].2.len()),
        (4, Some(false), 162)
    );
    // Cut every 997 bytes, then at every byte of the first records.
    let cuts: Vec<usize> = (0..bytes.len()).step_by(997).collect();
    assert_eq!(stream_rows(&bytes, &cuts, &RowsOptions::default()).0, rows);
    // The header and the first two rows, without the last line break: cut at every byte of
    // the first row and the end of the header, and every 7th byte of the rest.
    let lines: Vec<usize> = memchr_lines(&bytes);
    let head = &bytes[..lines[2]];
    let cuts = (0..lines[0] - 64)
        .step_by(7)
        .chain(lines[0] - 64..=lines[1] + 1)
        .chain((lines[1] + 1..=head.len()).step_by(7));
    for cut in cuts {
        let read = stream_rows(head, &[cut], &RowsOptions::default()).0;
        assert_eq!(read, rows[..2], "cut at {cut}");
    }
}

/// Offsets of the line breaks of a file.
fn memchr_lines(bytes: &[u8]) -> Vec<usize> {
    (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect()
}

#[test]
fn projected_features_in_the_order_asked() {
    let bytes = fixture("bosch_train_numeric_head100_sparse_970_columns.csv");
    let wanted = vec!["L3_S29_F3321".to_string(), "L0_S0_F0".to_string()];
    let options = RowsOptions {
        features: Some(wanted.clone()),
        ..RowsOptions::default()
    };
    let (mut rows, features) = stream_rows(&bytes, &[5000], &options);
    assert_eq!(features, wanted);
    // Cells come in file order.
    for row in &mut rows {
        row.2.sort_by_key(|c| c.0);
    }
    assert_eq!(rows, table_rows(&bytes, &wanted));
}

/// A file with every quirk the quoting state machine handles: a byte-order mark, quoted names,
/// CRLF, quoted numbers, an empty line, a lone CR ending a record, padding.
const TRICKY: &[u8] = b"\xef\xbb\xbf\"Id\",\"x\",y,Response\r\n1,\"0.5\",,0\r\n\r\n2, 7 ,\"-1e-3\",1\r3,,NA,0\n4,\"\",\"8\",\"1\"";

#[test]
fn every_single_cut_of_a_tricky_file_reads_the_same() {
    let options = RowsOptions::default();
    let (whole, _) = stream_rows(TRICKY, &[], &options);
    assert_eq!(
        whole,
        vec![
            (1, Some(false), vec![(0, 0.5)]),
            (2, Some(true), vec![(0, 7.0), (1, -0.001)]),
            (3, Some(false), vec![]),
            (4, Some(true), vec![(1, 8.0)]),
        ]
    );
    for a in 0..=TRICKY.len() {
        for b in a..=TRICKY.len() {
            assert_eq!(
                stream_rows(TRICKY, &[a, b], &options).0,
                whole,
                "cuts {a}, {b}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any chunking of the real head reads the same rows.
    #[test]
    fn any_chunking_of_the_real_head(mut cuts in prop::collection::vec(0usize..200_000, 0..12)) {
        let bytes = fixture("bosch_train_numeric_head100_sparse_970_columns.csv");
        cuts.sort_unstable();
        let (whole, _) = stream_rows(&bytes, &[], &RowsOptions::default());
        prop_assert_eq!(stream_rows(&bytes, &cuts, &RowsOptions::default()).0, whole);
    }
}
