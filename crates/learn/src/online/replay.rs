//! A time-ordered replay of Bosch's files in bounded memory.
//!
//! `train_numeric.csv` is in Id order, not in time order; a part's time is the earliest stamp
//! of its stations, in `train_date.csv` (same rows, same order). A stream must see parts in time
//! order, and a browser tab cannot hold the 2 GB file, so the replay reads in passes:
//!
//! 1. one pass over `train_date.csv` keeps each row's start ([`StartTimes`]: 12 bytes a part,
//!    14 MB for the 1.18 M parts);
//! 2. [`ReplayPlan`] sorts the starts and cuts the time axis into segments of at most
//!    `max_parts` parts each, so that one segment's parts fit the memory budget;
//! 3. for each segment in time order, one pass over `train_numeric.csv` keeps only that
//!    segment's rows ([`ReplayPlan::in_segment`] is the row selection of
//!    `tabular::rows::RowStream::push_selected`, which does not even split the other lines),
//!    buffers them sparse ([`SegmentBuffer`]), sorts them by time and hands them to the stream.
//!
//! Memory is the starts plus one segment; time is one full parse of each file plus one line
//! scan of the numeric file per extra segment (a `memchr` for each line break). For the public
//! file with a 256 MB budget: about 1.4 KB a part sparse, so 180,000 parts a segment, 7 passes.
//! Parts with no stamp at all (no station) come last, in Id order.

use super::error::{invalid, OnlineError};
use super::prequential::Part;

/// Each row's id and start (earliest stamp), from a pass over the date file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartTimes {
    ids: Vec<u64>,
    /// NaN for a part without any stamp.
    starts: Vec<f32>,
}

impl StartTimes {
    /// Adds the next row: its id and its non-empty stamps.
    pub fn push(&mut self, id: u64, stamps: &[f32]) {
        let start = stamps.iter().copied().fold(f32::NAN, f32::min);
        self.ids.push(id);
        self.starts.push(start);
    }

    /// Rows read.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The passes of a replay: which rows each time segment holds.
#[derive(Debug, Clone)]
pub struct ReplayPlan {
    times: StartTimes,
    /// Per row, its segment.
    segment: Vec<u16>,
    /// Parts in each segment.
    sizes: Vec<usize>,
    /// Measured cells a part is expected to hold: a segment's buffer is made that large at
    /// once (see [`ReplayPlan::expecting_cells`]).
    cells_per_part: f64,
}

impl ReplayPlan {
    /// Cuts the time axis into segments of at most `max_parts` parts (parts of equal start are
    /// never split apart, so a segment may exceed it by the size of a tie).
    pub fn new(times: StartTimes, max_parts: usize) -> Result<ReplayPlan, OnlineError> {
        if max_parts == 0 {
            return Err(invalid("max_parts", 0, "at least 1"));
        }
        let n = times.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Stamped parts by start then Id; parts without a stamp last, by Id.
        order.sort_by(|&a, &b| {
            let (sa, sb) = (times.starts[a as usize], times.starts[b as usize]);
            match (sa.is_nan(), sb.is_nan()) {
                (false, false) => sa.total_cmp(&sb),
                (a_nan, b_nan) => a_nan.cmp(&b_nan),
            }
            .then(times.ids[a as usize].cmp(&times.ids[b as usize]))
        });
        let mut segment = vec![0u16; n];
        let mut sizes = vec![0usize];
        let mut previous: Option<f32> = None;
        for &row in &order {
            let start = times.starts[row as usize];
            let tie = previous.is_some_and(|p| p == start || (p.is_nan() && start.is_nan()));
            if *sizes.last().expect("one segment") >= max_parts && !tie {
                if sizes.len() == usize::from(u16::MAX) {
                    return Err(invalid(
                        "max_parts",
                        max_parts,
                        "large enough for at most 65,535 passes",
                    ));
                }
                sizes.push(0);
            }
            *sizes.last_mut().expect("one segment") += 1;
            segment[row as usize] = (sizes.len() - 1) as u16;
            previous = Some(start);
        }
        Ok(ReplayPlan {
            times,
            segment,
            sizes,
            cells_per_part: 0.0,
        })
    }

    /// Says how many measured cells a part holds on average, so that each segment's buffer is
    /// allocated once at its expected size instead of doubling as it fills: in wasm, whose
    /// memory never shrinks, the doublings of every pass left the instance at about three times
    /// the replay's budget. An estimate below the truth only means some growth again.
    pub fn expecting_cells(mut self, cells_per_part: f64) -> ReplayPlan {
        self.cells_per_part = cells_per_part.max(0.0);
        self
    }

    /// Parts of the date file: every pass together holds them.
    pub fn parts(&self) -> usize {
        self.times.len()
    }

    /// Passes over the numeric file: one per segment.
    pub fn segments(&self) -> usize {
        self.sizes.len()
    }

    /// Parts in segment `k`.
    pub fn segment_size(&self, k: usize) -> usize {
        self.sizes[k]
    }

    /// Whether the row at 0-based index `row` of the numeric file belongs to segment `k` (a
    /// row beyond the date file's rows belongs to none).
    pub fn in_segment(&self, row: u64, k: usize) -> bool {
        self.segment
            .get(row as usize)
            .is_some_and(|&s| usize::from(s) == k)
    }

    /// The buffer that collects segment `k`'s parts during its pass.
    pub fn buffer(&self, k: usize) -> SegmentBuffer {
        let cells = (self.sizes[k] as f64 * self.cells_per_part).ceil() as usize;
        SegmentBuffer {
            segment: k,
            sorted: false,
            held: Vec::with_capacity(self.sizes[k]),
            features: Vec::with_capacity(cells),
            values: Vec::with_capacity(cells),
        }
    }

    /// Checks a numeric row against the date file's row of the same index, and gives its start.
    fn start_of(&self, row: u64, id: u64) -> Result<f32, OnlineError> {
        let r = row as usize;
        match self.times.ids.get(r) {
            Some(&expected) if expected == id => Ok(self.times.starts[r]),
            date_id => Err(OnlineError::FilesOutOfStep {
                row: row + 1,
                numeric_id: id,
                date_id: date_id.copied(),
            }),
        }
    }
}

/// One held part of a segment.
#[derive(Debug, Clone, Copy)]
struct Held {
    start: f32,
    id: u64,
    failed: Option<bool>,
    at: usize,
    len: u32,
}

/// The parts of one segment, collected in Id order during a pass and released in time order.
#[derive(Debug, Clone)]
pub struct SegmentBuffer {
    segment: usize,
    sorted: bool,
    held: Vec<Held>,
    features: Vec<u32>,
    values: Vec<f32>,
}

impl SegmentBuffer {
    /// Keeps a row of the numeric file (one that [`ReplayPlan::in_segment`] selected for this
    /// buffer's segment): its 0-based index, id, outcome and measurements. The id must be the
    /// date file's for that row.
    pub fn push(
        &mut self,
        plan: &ReplayPlan,
        row: u64,
        id: u64,
        failed: Option<bool>,
        features: &[u32],
        values: &[f32],
    ) -> Result<(), OnlineError> {
        let start = plan.start_of(row, id)?;
        self.sorted = false;
        self.held.push(Held {
            start,
            id,
            failed,
            at: self.features.len(),
            len: features.len() as u32,
        });
        self.features.extend_from_slice(features);
        self.values.extend_from_slice(values);
        Ok(())
    }

    /// The segment this buffer collects.
    pub fn segment(&self) -> usize {
        self.segment
    }

    /// Parts held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether no part is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Bytes held by the parts' cells (the bulk of a segment's memory).
    pub fn cell_bytes(&self) -> usize {
        self.features.len() * 4 + self.values.len() * 4
    }

    /// Puts the held parts in time order (ties by Id) for [`SegmentBuffer::part`], with their
    /// start as time (parts without a stamp get the last start before them, so times never
    /// decrease: they come last in the plan's last segment).
    pub fn sort(&mut self) {
        if self.sorted {
            return;
        }
        self.held.sort_by(|a, b| {
            match (a.start.is_nan(), b.start.is_nan()) {
                (false, false) => a.start.total_cmp(&b.start),
                (a_nan, b_nan) => a_nan.cmp(&b_nan),
            }
            .then(a.id.cmp(&b.id))
        });
        let mut last = f32::NEG_INFINITY;
        for h in &mut self.held {
            if h.start.is_nan() {
                h.start = last;
            }
            last = last.max(h.start);
        }
        self.sorted = true;
    }

    /// The `i`-th part in time order (call [`SegmentBuffer::sort`] first).
    pub fn part(&self, i: usize) -> Part<'_> {
        debug_assert!(self.sorted, "sort the segment first");
        let h = &self.held[i];
        let range = h.at..h.at + h.len as usize;
        Part {
            id: h.id,
            time: decimal(h.start),
            features: &self.features[range.clone()],
            values: &self.values[range],
            failed: h.failed,
        }
    }

    /// Hands the parts to `each` in time order (see [`SegmentBuffer::sort`]).
    pub fn replay(mut self, mut each: impl FnMut(Part)) {
        self.sort();
        for i in 0..self.held.len() {
            each(self.part(i));
        }
    }
}

/// A stamp read as `f32` as the decimal it was written as (`82.24`, not `82.23999786`): rounded
/// to the 7 significant digits an `f32` holds, so that times print as in the file.
fn decimal(stamp: f32) -> f64 {
    let t = f64::from(stamp);
    if t == 0.0 || !t.is_finite() {
        return t;
    }
    let scale = 10f64.powi(6 - t.abs().log10().floor() as i32);
    (t * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_parts_in_time_order() {
        // Rows 0..7 with starts; row 5 has no stamp; rows 2 and 6 tie.
        let stamps: [&[f32]; 7] = [
            &[5.0, 3.0],
            &[1.0],
            &[4.0, 9.0],
            &[0.5],
            &[7.0],
            &[],
            &[4.0],
        ];
        let mut times = StartTimes::default();
        for (i, s) in stamps.iter().enumerate() {
            times.push(10 + i as u64, s);
        }
        let plan = ReplayPlan::new(times, 2).unwrap();
        // Time order: 3 (0.5), 1 (1), 0 (3), 2 and 6 (4, a tie kept together), 4 (7), 5 (none).
        let members: Vec<Vec<u64>> = (0..plan.segments())
            .map(|k| (0..7).filter(|&r| plan.in_segment(r, k)).collect())
            .collect();
        assert_eq!(members, vec![vec![1, 3], vec![0, 2, 6], vec![4, 5]]);
        let mut seen = Vec::new();
        for k in 0..plan.segments() {
            let mut buffer = plan.buffer(k);
            for r in 0..7u64 {
                if plan.in_segment(r, k) {
                    let v = [r as f32];
                    buffer
                        .push(&plan, r, 10 + r, Some(r == 2), &[0], &v)
                        .unwrap();
                }
            }
            buffer.replay(|p| seen.push((p.id, p.time, p.values[0], p.failed)));
        }
        let ids: Vec<u64> = seen.iter().map(|s| s.0).collect();
        assert_eq!(ids, [13, 11, 10, 12, 16, 14, 15]);
        let times: Vec<f64> = seen.iter().map(|s| s.1).collect();
        assert_eq!(times, [0.5, 1.0, 3.0, 4.0, 4.0, 7.0, 7.0]);
        assert_eq!(seen[3], (12, 4.0, 2.0, Some(true)));
    }

    /// A segment whose parts hold the cells the plan expects fills its buffer without moving
    /// it: one allocation per pass, not a doubling at every power of two.
    #[test]
    fn a_segment_of_the_expected_cells_is_held_in_one_allocation() {
        let mut times = StartTimes::default();
        for id in 0..1_000u64 {
            times.push(id, &[id as f32]);
        }
        let plan = ReplayPlan::new(times, 400).unwrap().expecting_cells(37.0);
        let cells: Vec<u32> = (0..37).collect();
        let values = vec![0.5f32; 37];
        for k in 0..plan.segments() {
            let mut buffer = plan.buffer(k);
            let (features, held) = (buffer.features.as_ptr(), buffer.values.capacity());
            for row in (0..1_000u64).filter(|&r| plan.in_segment(r, k)) {
                buffer.push(&plan, row, row, None, &cells, &values).unwrap();
            }
            assert_eq!(buffer.cell_bytes(), plan.segment_size(k) * 37 * 8);
            assert_eq!(buffer.features.as_ptr(), features, "segment {k} moved");
            assert_eq!(buffer.values.capacity(), held, "segment {k} grew");
        }
        // Without an estimate the same buffer grows as it fills.
        let plan = ReplayPlan::new(plan.times.clone(), 400).unwrap();
        let buffer = plan.buffer(0);
        assert_eq!(buffer.features.capacity(), 0);
    }

    #[test]
    fn stamps_keep_their_written_decimals() {
        for written in ["82.24", "1710", "0.01", "883.21", "-3.5", "0", "123456.7"] {
            let t: f32 = written.parse().unwrap();
            assert_eq!(decimal(t).to_string(), written);
        }
    }

    #[test]
    fn files_out_of_step_are_refused() {
        let mut times = StartTimes::default();
        times.push(4, &[1.0]);
        times.push(6, &[2.0]);
        let plan = ReplayPlan::new(times, 10).unwrap();
        let mut buffer = plan.buffer(0);
        assert!(buffer.push(&plan, 0, 4, None, &[], &[]).is_ok());
        let e = buffer.push(&plan, 1, 7, None, &[], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data row 2: the numeric file has Id 7 where the date file has Id 6; both files must list the same parts in the same order"
        );
        assert!(buffer.push(&plan, 2, 9, None, &[], &[]).is_err());
        assert!(ReplayPlan::new(StartTimes::default(), 0).is_err());
    }
}
