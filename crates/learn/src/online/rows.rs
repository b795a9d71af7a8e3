//! Sparse rows held for later: a queue of rows in two flat arrays, so that holding thousands of
//! parts (labels that arrive late, a training window) costs no allocation per part.

use super::Row;

/// One held row's place in the flat arrays, with what the stream knows of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Held<T> {
    start: usize,
    len: u32,
    /// The row's time.
    pub time: f64,
    /// What the holder keeps beside the row (the label, the score, …).
    pub tag: T,
}

/// First-in, first-out rows. Popped rows are dropped from the arrays' front in batches, so that
/// pushing and popping are O(row) amortised.
#[derive(Debug, Clone)]
pub(crate) struct RowQueue<T> {
    features: Vec<u32>,
    values: Vec<f32>,
    /// Cells before this offset belong to popped rows.
    dead: usize,
    rows: std::collections::VecDeque<Held<T>>,
}

impl<T: Copy> RowQueue<T> {
    pub(crate) fn new() -> Self {
        RowQueue {
            features: Vec::new(),
            values: Vec::new(),
            dead: 0,
            rows: std::collections::VecDeque::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) fn push(&mut self, row: Row, tag: T) {
        self.rows.push_back(Held {
            start: self.features.len(),
            len: row.features.len() as u32,
            time: row.time,
            tag,
        });
        self.features.extend_from_slice(row.features);
        self.values.extend_from_slice(row.values);
    }

    /// The oldest row's record, if any.
    pub(crate) fn front(&self) -> Option<&Held<T>> {
        self.rows.front()
    }

    /// Removes the oldest row, lending it to `f` before its cells are reclaimed.
    pub(crate) fn pop_with<R>(&mut self, f: impl FnOnce(Row, T) -> R) -> Option<R> {
        let held = self.rows.pop_front()?;
        let result = f(self.row_of(&held), held.tag);
        self.dead = held.start + held.len as usize;
        // Reclaim the front once it is most of the arrays.
        if self.dead > 4096 && self.dead * 2 > self.features.len() {
            self.features.drain(..self.dead);
            self.values.drain(..self.dead);
            for h in &mut self.rows {
                h.start -= self.dead;
            }
            self.dead = 0;
        }
        Some(result)
    }

    fn row_of(&self, held: &Held<T>) -> Row<'_> {
        let range = held.start..held.start + held.len as usize;
        Row {
            time: held.time,
            features: &self.features[range.clone()],
            values: &self.values[range],
        }
    }

    /// The held rows, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Row<'_>, T)> + '_ {
        self.rows.iter().map(|h| (self.row_of(h), h.tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_order_and_space_is_reclaimed() {
        let mut q = RowQueue::new();
        for i in 0..20_000u32 {
            let f = [i % 7, 100 + i % 3];
            let v = [i as f32, -(i as f32)];
            q.push(
                Row {
                    time: f64::from(i),
                    features: &f[..(i % 3) as usize % 3],
                    values: &v[..(i % 3) as usize % 3],
                },
                i,
            );
            if i >= 10 {
                let (time, tag, first) = q
                    .pop_with(|r, t| (r.time, t, r.values.first().copied()))
                    .unwrap();
                let j = i - 10;
                assert_eq!((time, tag), (f64::from(j), j));
                assert_eq!(first, (j % 3 > 0).then_some(j as f32));
            }
        }
        assert_eq!(q.len(), 10);
        assert!(q.features.len() - q.dead <= 20);
        assert!(q.features.len() < 10_000, "{}", q.features.len());
        let tags: Vec<u32> = q.iter().map(|(_, t)| t).collect();
        assert_eq!(tags, (19_990..20_000).collect::<Vec<_>>());
    }
}
