//! The time-ordered replay of Id-ordered Bosch files: every part once, in the order of its
//! earliest stamp, a bounded number at a time, read through `tabular`'s row stream in chunks.

use learn::online::replay::{ReplayPlan, StartTimes};
use samples::bosch::{self, StreamOptions};
use tabular::rows::{RowStream, RowsOptions, SparseRow};

fn file(name: &str, scale: f64, seed: u64) -> Vec<u8> {
    let options = StreamOptions {
        time_ordered: false,
        rule_change: Some(0.5),
    };
    let mut out = Vec::new();
    bosch::write_stream(name, scale, seed, &options, &mut out).unwrap();
    out
}

/// Reads `bytes` in 10,007-byte chunks, keeping the rows `select` accepts.
fn read(
    bytes: &[u8],
    options: RowsOptions,
    mut select: impl FnMut(u64) -> bool,
    mut each: impl FnMut(&SparseRow),
) {
    let mut stream = RowStream::new("f.csv", options);
    let mut keep = |r: &SparseRow| each(r);
    for chunk in bytes.chunks(10_007) {
        stream.push_selected(chunk, &mut select, &mut keep).unwrap();
    }
    stream.finish_selected(&mut select, &mut keep).unwrap();
}

#[test]
fn every_part_once_in_time_order_in_bounded_passes() {
    let (scale, seed) = (0.002, 5);
    let (numeric, date) = (
        file("train_numeric.csv", scale, seed),
        file("train_date.csv", scale, seed),
    );
    let date_options = RowsOptions {
        target: None,
        ..RowsOptions::default()
    };
    let mut times = StartTimes::default();
    let mut starts = Vec::new();
    read(
        &date,
        date_options,
        |_| true,
        |r| {
            times.push(r.id, r.values);
            starts.push(r.values.iter().copied().fold(f32::INFINITY, f32::min));
        },
    );
    let n = times.len();
    assert_eq!(n as u64, bosch::part_count(scale));
    // The numeric file is not in time order.
    assert!(starts.windows(2).any(|w| w[1] < w[0]));
    let max_parts = 500;
    let plan = ReplayPlan::new(times, max_parts).unwrap();
    assert_eq!(plan.segments(), n.div_ceil(max_parts));
    let mut replayed = Vec::new();
    let mut cells = 0usize;
    for k in 0..plan.segments() {
        assert!(plan.segment_size(k) <= max_parts + 5);
        let mut buffer = plan.buffer(k);
        read(
            &numeric,
            RowsOptions::default(),
            |row| plan.in_segment(row, k),
            |r| {
                buffer
                    .push(&plan, r.index, r.id, r.target, r.features, r.values)
                    .unwrap();
            },
        );
        assert_eq!(buffer.len(), plan.segment_size(k));
        buffer.replay(|p| {
            cells += p.features.len();
            replayed.push((p.time, p.id));
        });
    }
    // Every part once, times never decreasing, each at its own start.
    assert_eq!(replayed.len(), n);
    assert!(replayed.windows(2).all(|w| w[1].0 >= w[0].0));
    let mut ids: Vec<u64> = replayed.iter().map(|p| p.1).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // Times are the stamps as written (82.24, not the f32's 82.23999786): back as f32, the stamps.
    let mut sorted_starts = starts.clone();
    sorted_starts.sort_by(f32::total_cmp);
    let replayed_times: Vec<f32> = replayed.iter().map(|p| p.0 as f32).collect();
    assert_eq!(replayed_times, sorted_starts);
    // The same cells as a plain read of the numeric file.
    let mut all = 0usize;
    read(
        &numeric,
        RowsOptions::default(),
        |_| true,
        |r| all += r.features.len(),
    );
    assert_eq!(cells, all);
}
