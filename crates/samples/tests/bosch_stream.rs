//! Bosch as a stream (use case 2.2): time order and a defect rule that changes at a known time;
//! and the streaming row reader of `tabular` reads these files as the table reader does, at any
//! chunking.

use proptest::prelude::*;
use samples::bosch::{self, StreamOptions};
use tabular::rows::{RowStream, RowsOptions, SparseRow};
use tabular::{read_bytes, ReadOptions, Table};

fn stream_file(file: &str, scale: f64, seed: u64, options: &StreamOptions) -> Vec<u8> {
    let mut out = Vec::new();
    bosch::write_stream(file, scale, seed, options, &mut out).unwrap();
    out
}

fn read(name: &str, bytes: &[u8]) -> Table {
    read_bytes(name, bytes, ReadOptions::default()).unwrap()
}

/// A part's first time stamp, from the date table.
fn starts(date: &Table) -> Vec<f64> {
    (0..date.n_rows)
        .map(|r| {
            date.columns[1..]
                .iter()
                .filter_map(|c| c.f64_at(r))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

const CHANGE: StreamOptions = StreamOptions {
    time_ordered: true,
    rule_change: Some(0.5),
};

#[test]
fn default_options_write_the_published_shape() {
    let mut plain = Vec::new();
    samples::write_file(
        samples::Dataset::Bosch,
        "train_numeric.csv",
        0.0002,
        3,
        &mut plain,
    )
    .unwrap();
    let streamed = stream_file("train_numeric.csv", 0.0002, 3, &StreamOptions::default());
    assert_eq!(plain, streamed);
    assert!(bosch::write_stream("x.csv", 0.1, 1, &CHANGE, &mut Vec::new()).is_err());
    let bad = StreamOptions {
        rule_change: Some(1.0),
        ..CHANGE
    };
    assert!(bosch::write_stream("train_numeric.csv", 0.1, 1, &bad, &mut Vec::new()).is_err());
}

#[test]
fn time_ordered_parts_fail_by_the_rule_of_their_time() {
    let (scale, seed) = (0.01, 11);
    let numeric = read(
        "train_numeric.csv",
        &stream_file("train_numeric.csv", scale, seed, &CHANGE),
    );
    let date = read(
        "train_date.csv",
        &stream_file("train_date.csv", scale, seed, &CHANGE),
    );
    let n = numeric.n_rows;
    let start = starts(&date);
    // Parts start in row order, evenly over the span.
    assert!(start.windows(2).all(|w| w[1] >= w[0]));
    let span = bosch::TIME_SPAN as f64 / 100.0;
    assert!(start[0] < 0.01 && (start[n - 1] - span).abs() < span / n as f64 * 2.0);
    let change_row = start.iter().position(|&t| t >= span / 2.0).unwrap();
    assert!((change_row as f64 - n as f64 / 2.0).abs() <= 1.0);

    // Before the change, failures follow the first rule; after, the second.
    let z = |name: &str, truth: bosch::FeatureTruth, r: usize| {
        numeric
            .column(name)
            .unwrap()
            .f64_at(r)
            .map(|v| (v - truth.mean) / truth.sd)
    };
    let old = bosch::defect_rule(seed);
    let new = bosch::changed_rule(seed);
    let response = numeric.column("Response").unwrap();
    let (mut old_hits, mut new_hits) = ([0usize; 2], [0usize; 2]);
    let (mut fails_before, mut fails_after) = (0, 0);
    for r in 0..n {
        let fails = response.f64_at(r) == Some(1.0);
        let after = r >= change_row;
        if fails {
            *(if after {
                &mut fails_after
            } else {
                &mut fails_before
            }) += 1;
        }
        let old_score = z(old.feature_a, old.truth_a, r)
            .zip(z(old.feature_b, old.truth_b, r))
            .map(|(a, b)| (a - b) / (2.0 - 2.0 * old.rho).sqrt());
        let new_score = z(new.feature_a, new.truth_a, r)
            .zip(z(new.feature_b, new.truth_b, r))
            .map(|(a, b)| (a + b) / (2.0 + 2.0 * new.rho).sqrt());
        // Values are rounded to 3 decimals: keep a margin around the threshold.
        if fails && old_score.is_some_and(|s| s > bosch::DEFECT_THRESHOLD + 0.1) {
            old_hits[usize::from(after)] += 1;
        }
        if fails && new_score.is_some_and(|s| s > bosch::DEFECT_THRESHOLD + 0.1) {
            new_hits[usize::from(after)] += 1;
        }
    }
    assert!(
        fails_before > 20 && fails_after > 20,
        "{fails_before} {fails_after}"
    );
    // Most failures are explained by the rule of their time, few by the other.
    assert!(
        old_hits[0] * 2 > fails_before && old_hits[1] * 10 < fails_after,
        "{old_hits:?}"
    );
    assert!(
        new_hits[1] * 2 > fails_after && new_hits[0] * 10 < fails_before,
        "{new_hits:?}"
    );
    // The failure rate does not move much.
    let ratio = fails_after as f64 / fails_before as f64;
    assert!((0.6..1.6).contains(&ratio), "{fails_before} {fails_after}");
}

/// A row as (id, target, non-empty cells as (feature, value)).
type Row = (u64, Option<bool>, Vec<(u32, f32)>);

/// Rows read by the row stream, cut at `cuts`.
fn stream_rows(bytes: &[u8], cuts: &[usize]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut keep = |r: &SparseRow| {
        let cells = r.features.iter().copied().zip(r.values.iter().copied());
        rows.push((r.id, r.target, cells.collect()))
    };
    let mut stream = RowStream::new("train_numeric.csv", RowsOptions::default());
    let mut from = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        let cut = cut.clamp(from, bytes.len());
        stream.push(&bytes[from..cut], &mut keep).unwrap();
        from = cut;
    }
    stream.finish(&mut keep).unwrap();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On generated files (default and stream options), the row stream reads what the table
    /// reader reads, whatever the chunk boundaries.
    #[test]
    fn row_stream_matches_the_table_at_any_chunking(
        seed in 0u64..1000,
        ordered in any::<bool>(),
        mut cuts in prop::collection::vec(0usize..400_000, 0..16),
    ) {
        let options = StreamOptions { time_ordered: ordered, rule_change: ordered.then_some(0.3) };
        let bytes = stream_file("train_numeric.csv", 0.0002, seed, &options);
        cuts.sort_unstable();
        let table = read("train_numeric.csv", &bytes);
        let expected: Vec<Row> = (0..table.n_rows)
            .map(|r| {
                let cells = table.columns[1..969]
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| c.f64_at(r).map(|v| (k as u32, v as f32)))
                    .collect();
                let id = table.columns[0].f64_at(r).unwrap() as u64;
                (id, Some(table.columns[969].f64_at(r) == Some(1.0)), cells)
            })
            .collect();
        prop_assert_eq!(stream_rows(&bytes, &cuts), expected);
    }
}
