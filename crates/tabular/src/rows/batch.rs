//! Rows parsed in one place and used in another: a [`RowParser`] turns a file's chunks (unpacked
//! when it is a `.gz` or `.zip`) into [`RowBatch`]es as bytes, and whoever receives the bytes
//! reads the rows back with [`RowBatch::from_bytes`].
//!
//! The page streams a Bosch file through two workers at once: one parses (the larger half of the
//! work) while the other scores and learns, each on its own core. A worker can hand another only
//! bytes, so a batch is a flat, columnar encoding of the [`SparseRow`]s a chunk completed, with
//! the header's names in the first batch that follows it and the pass's row count in the last.
//!
//! ```
//! use tabular::rows::batch::{RowBatch, RowParser};
//! use tabular::rows::RowsOptions;
//! let mut parser = RowParser::new("n.csv", "n.csv", None, RowsOptions::default());
//! let sent = [
//!     parser.push(b"Id,a,b,Response\n4,0.5,,0\n7,").unwrap(),
//!     parser.finish(b",-1.25,1").unwrap(),
//! ];
//! let batches: Vec<RowBatch> = sent.iter().map(|b| RowBatch::from_bytes(b).unwrap()).collect();
//! // The names come with the first batch after the header's line (here the last: the parser
//! // holds a file's first bytes until it can tell a .gz or a .zip from text).
//! let names = &batches.iter().find_map(|b| b.header()).unwrap().features;
//! assert_eq!(names, &["a", "b"]);
//! let rows: Vec<_> = batches
//!     .iter()
//!     .flat_map(|b| (0..b.len()).map(move |i| b.row(i, names)))
//!     .map(|r| (r.id, r.target, r.features.to_vec(), r.values.to_vec()))
//!     .collect();
//! assert_eq!(rows, [(4, Some(false), vec![0], vec![0.5]), (7, Some(true), vec![1], vec![-1.25])]);
//! assert_eq!(batches[1].rows_in_file(), Some(2));
//! ```

use super::{RowStream, RowsOptions, SparseRow};
use crate::error::CsvError;
use crate::unpack::Unpacker;

/// Marks the bytes of a batch (and the version of their layout).
const MAGIC: &[u8; 4] = b"VRB1";

/// The header's names, sent once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchHeader {
    /// The feature names by feature index.
    pub features: Vec<String>,
    /// Every column name of the header, in file order (for messages that name a column).
    pub columns: Vec<String>,
}

/// The rows a chunk of text completed, column by column: see the module documentation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowBatch {
    /// Bytes of text the rows were read from (the chunk's, after unpacking).
    text_bytes: u64,
    header: Option<BatchHeader>,
    /// Data rows in the whole file, in the pass's last batch.
    rows_in_file: Option<u64>,
    ids: Vec<u64>,
    lines: Vec<u64>,
    indices: Vec<u64>,
    /// 0, 1, or [`NO_TARGET`].
    targets: Vec<u8>,
    /// Where each row's cells end in `features` and `values`.
    ends: Vec<u32>,
    features: Vec<u32>,
    values: Vec<f32>,
}

const NO_TARGET: u8 = 2;

impl RowBatch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds no row.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Bytes of text the rows were read from.
    pub fn text_bytes(&self) -> u64 {
        self.text_bytes
    }

    /// The header's names, in the first batch read after it.
    pub fn header(&self) -> Option<&BatchHeader> {
        self.header.as_ref()
    }

    /// Takes the header's names out of the batch.
    pub fn take_header(&mut self) -> Option<BatchHeader> {
        self.header.take()
    }

    /// Data rows in the whole file, in the last batch of a pass.
    pub fn rows_in_file(&self) -> Option<u64> {
        self.rows_in_file
    }

    /// Row `i`, its features named by `names` (the header's).
    pub fn row<'a>(&'a self, i: usize, names: &'a [String]) -> SparseRow<'a> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        SparseRow {
            id: self.ids[i],
            line: self.lines[i],
            index: self.indices[i],
            target: match self.targets[i] {
                NO_TARGET => None,
                t => Some(t == 1),
            },
            features: &self.features[start..end],
            values: &self.values[start..end],
            names,
        }
    }

    fn push(&mut self, row: &SparseRow) {
        self.ids.push(row.id);
        self.lines.push(row.line);
        self.indices.push(row.index);
        self.targets.push(row.target.map_or(NO_TARGET, u8::from));
        self.features.extend_from_slice(row.features);
        self.values.extend_from_slice(row.values);
        self.ends.push(self.features.len() as u32);
    }

    fn clear(&mut self) {
        self.text_bytes = 0;
        self.header = None;
        self.rows_in_file = None;
        self.ids.clear();
        self.lines.clear();
        self.indices.clear();
        self.targets.clear();
        self.ends.clear();
        self.features.clear();
        self.values.clear();
    }

    /// The batch as bytes: its numbers in the machine's byte order, as a batch goes from one
    /// thread or worker to another of the same machine (a file's text is what travels).
    pub fn to_bytes(&self) -> Vec<u8> {
        let names = self.header.as_ref().map_or(0, |h| {
            h.features
                .iter()
                .chain(&h.columns)
                .map(|n| n.len() + 4)
                .sum()
        });
        let mut out = Vec::with_capacity(64 + names + self.len() * 33 + self.features.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.text_bytes.to_ne_bytes());
        match &self.header {
            Some(h) => {
                out.push(1);
                put_names(&mut out, &h.features);
                put_names(&mut out, &h.columns);
            }
            None => out.push(0),
        }
        match self.rows_in_file {
            Some(rows) => {
                out.push(1);
                out.extend_from_slice(&rows.to_ne_bytes());
            }
            None => out.push(0),
        }
        out.extend_from_slice(&(self.len() as u32).to_ne_bytes());
        out.extend_from_slice(&(self.features.len() as u32).to_ne_bytes());
        // Each column copied whole: a number at a time took a third as long as parsing the text.
        for words in [&self.ids, &self.lines, &self.indices] {
            out.extend_from_slice(bytemuck::cast_slice(words));
        }
        out.extend_from_slice(&self.targets);
        out.extend_from_slice(bytemuck::cast_slice(&self.ends));
        out.extend_from_slice(bytemuck::cast_slice(&self.features));
        out.extend_from_slice(bytemuck::cast_slice(&self.values));
        out
    }

    /// Reads back the bytes of [`to_bytes`](RowBatch::to_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<RowBatch, String> {
        let mut at = Bytes { bytes, at: 0 };
        if at.take(4)? != MAGIC {
            return Err("not a batch of rows".into());
        }
        let text_bytes = at.u64()?;
        let header = match at.take(1)?[0] {
            0 => None,
            _ => Some(BatchHeader {
                features: at.names()?,
                columns: at.names()?,
            }),
        };
        let rows_in_file = match at.take(1)?[0] {
            0 => None,
            _ => Some(at.u64()?),
        };
        let rows = at.u32()? as usize;
        let cells = at.u32()? as usize;
        let batch = RowBatch {
            text_bytes,
            header,
            rows_in_file,
            ids: at.words(rows)?,
            lines: at.words(rows)?,
            indices: at.words(rows)?,
            targets: at.take(rows)?.to_vec(),
            ends: at.words(rows)?,
            features: at.words(cells)?,
            values: at.words(cells)?,
        };
        if at.at != bytes.len() {
            return Err("a batch of rows with bytes after its end".into());
        }
        let ends_fit = batch.ends.windows(2).all(|w| w[0] <= w[1])
            && batch.ends.last().map_or(0, |&e| e as usize) == cells;
        if !ends_fit || batch.targets.iter().any(|&t| t > NO_TARGET) {
            return Err("a batch of rows that does not hold together".into());
        }
        Ok(batch)
    }
}

fn put_names(out: &mut Vec<u8>, names: &[String]) {
    out.extend_from_slice(&(names.len() as u32).to_ne_bytes());
    for name in names {
        out.extend_from_slice(&(name.len() as u32).to_ne_bytes());
        out.extend_from_slice(name.as_bytes());
    }
}

/// A reading position in a batch's bytes.
struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("a batch of rows cut short")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(self.words(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(self.words(1)?[0])
    }

    /// `n` numbers (read one by one: the bytes need not be aligned for them).
    fn words<T: bytemuck::Pod>(&mut self, n: usize) -> Result<Vec<T>, String> {
        let size = std::mem::size_of::<T>();
        let bytes = self.take(n.checked_mul(size).ok_or("a batch of rows too long")?)?;
        Ok(bytes
            .chunks_exact(size)
            .map(bytemuck::pod_read_unaligned)
            .collect())
    }

    fn names(&mut self) -> Result<Vec<String>, String> {
        let n = self.u32()? as usize;
        (0..n)
            .map(|_| {
                let len = self.u32()? as usize;
                String::from_utf8(self.take(len)?.to_vec())
                    .map_err(|_| "a batch of rows with a name that is not UTF-8".to_string())
            })
            .collect()
    }
}

/// A file's chunks in, its rows out as batches of bytes: a [`RowStream`] behind an [`Unpacker`].
pub struct RowParser {
    unpacker: Unpacker,
    rows: RowStream,
    batch: RowBatch,
    /// Whether a batch has carried the header's names.
    announced: bool,
}

impl RowParser {
    /// A parser of the text called `text_name` (named in errors) in the file called `file` (its
    /// archive, if packed; `entry`: the CSV file to read in a `.zip`), read with `options`.
    pub fn new(
        text_name: &str,
        file: &str,
        entry: Option<&str>,
        options: RowsOptions,
    ) -> RowParser {
        let mut unpacker = Unpacker::new(file);
        if let Some(entry) = entry {
            unpacker = unpacker.entry(entry);
        }
        RowParser {
            unpacker,
            rows: RowStream::new(text_name, options),
            batch: RowBatch::default(),
            announced: false,
        }
    }

    /// Feeds the file's next chunk: the rows it completed, as bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, CsvError> {
        self.push_text(chunk)?;
        if !self.announced {
            self.batch.header = header_of(&self.rows);
            self.announced = self.batch.header.is_some();
        }
        let bytes = self.batch.to_bytes();
        self.batch.clear();
        Ok(bytes)
    }

    /// Feeds the file's last chunk (which may be empty) and ends it: the last rows and the count
    /// of the file's data rows, as bytes.
    pub fn finish(mut self, chunk: &[u8]) -> Result<Vec<u8>, CsvError> {
        self.push_text(chunk)?;
        let RowParser {
            unpacker,
            mut rows,
            mut batch,
            announced,
        } = self;
        unpacker.finish(&mut |text| {
            batch.text_bytes += text.len() as u64;
            rows.push(text, &mut |row| batch.push(row))
        })?;
        // A header is complete once its line is: a file of one line ends without data rows.
        let header = if announced { None } else { header_of(&rows) };
        let summary = rows.finish(&mut |row| batch.push(row))?;
        batch.header = header;
        batch.rows_in_file = Some(summary.rows);
        Ok(batch.to_bytes())
    }

    fn push_text(&mut self, chunk: &[u8]) -> Result<(), CsvError> {
        let (rows, batch) = (&mut self.rows, &mut self.batch);
        self.unpacker.push(chunk, &mut |text| {
            batch.text_bytes += text.len() as u64;
            rows.push(text, &mut |row| batch.push(row))
        })
    }
}

/// The header's names, once its line is read.
fn header_of(rows: &RowStream) -> Option<BatchHeader> {
    Some(BatchHeader {
        features: rows.feature_names()?.to_vec(),
        columns: rows.column_names()?.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    type Collected = Vec<(u64, u64, u64, Option<bool>, Vec<u32>, Vec<u32>)>;

    fn keep(rows: &mut Collected, r: &SparseRow) {
        let bits = r.values.iter().map(|v| v.to_bits()).collect();
        rows.push((r.id, r.line, r.index, r.target, r.features.to_vec(), bits));
    }

    /// The rows, header and count a `RowStream` reads from `csv` in one go.
    fn direct(
        csv: &[u8],
        options: &RowsOptions,
    ) -> Result<(Collected, Vec<String>, u64), CsvError> {
        let mut rows = Vec::new();
        let mut stream = RowStream::new("t.csv", options.clone());
        stream.push(csv, &mut |r| keep(&mut rows, r))?;
        let summary = stream.finish(&mut |r| keep(&mut rows, r))?;
        Ok((rows, summary.features, summary.rows))
    }

    /// The same through a parser fed `chunk` bytes at a time and batches read back from bytes.
    fn batched(
        csv: &[u8],
        options: &RowsOptions,
        chunk: usize,
    ) -> Result<(Collected, Vec<String>, u64), CsvError> {
        let mut parser = RowParser::new("t.csv", "t.csv", None, options.clone());
        let mut batches = Vec::new();
        let mut chunks = csv.chunks(chunk.max(1)).peekable();
        let mut last = None;
        while let Some(part) = chunks.next() {
            if chunks.peek().is_none() {
                last = Some(part);
                break;
            }
            batches.push(parser.push(part)?);
        }
        batches.push(parser.finish(last.unwrap_or(&[]))?);
        let mut names: Option<Vec<String>> = None;
        let (mut rows, mut count, mut text) = (Vec::new(), None, 0);
        for bytes in &batches {
            let batch = RowBatch::from_bytes(bytes).unwrap();
            assert_eq!(RowBatch::from_bytes(&batch.to_bytes()).unwrap(), batch);
            if let Some(header) = batch.header() {
                assert!(names.is_none(), "the header is sent once");
                names = Some(header.features.clone());
            }
            text += batch.text_bytes();
            for i in 0..batch.len() {
                let names = names
                    .as_deref()
                    .expect("the header comes with the first rows");
                keep(&mut rows, &batch.row(i, names));
            }
            count = batch.rows_in_file().or(count);
        }
        assert_eq!(text, csv.len() as u64);
        Ok((
            rows,
            names.unwrap(),
            count.expect("the last batch counts the rows"),
        ))
    }

    proptest::proptest! {
        /// Whatever the chunks, the batches carry the rows, names and count a `RowStream`
        /// reads, and the same error when there is one.
        #[test]
        fn batches_carry_what_the_stream_reads(
            cells in proptest::collection::vec("|||[-]?[0-9][.][0-9]{1,3}|NA|x", 1..8),
            rows in 0usize..6,
            chunk in 1usize..64,
            target in proptest::bool::ANY,
            quoted in proptest::bool::ANY,
        ) {
            let width = cells.len();
            let header: Vec<String> = (0..width).map(|k| format!("f{k}")).collect();
            let mut csv = format!("Id,{}{}\n", header.join(","), if target { ",Response" } else { "" });
            for r in 0..rows {
                let line: Vec<&str> = (0..width).map(|k| cells[(r + k) % width].as_str()).collect();
                let line = line.join(",");
                let line = if quoted && r == 1 { format!("\"{line}\"") } else { line };
                csv.push_str(&format!("{},{line}{}\n", r + 1, if target { [",0", ",1"][r % 2] } else { "" }));
            }
            let options = RowsOptions { target: target.then(|| "Response".into()), ..RowsOptions::default() };
            let expected = direct(csv.as_bytes(), &options);
            let got = batched(csv.as_bytes(), &options, chunk);
            proptest::prop_assert_eq!(got, expected);
        }

        /// Bytes that are not a whole batch are refused, never a panic.
        #[test]
        fn broken_batches_are_refused(cut in 0usize..400, flip in 0usize..400) {
            let mut parser = RowParser::new("t.csv", "t.csv", None, RowsOptions::default());
            parser.push(b"Id,a,b,Response\n1,0.5,,0\n2,,1.5,1\n").unwrap();
            let bytes = parser.finish(b"3,2,3,0").unwrap();
            proptest::prop_assert!(RowBatch::from_bytes(&bytes[..cut.min(bytes.len() - 1)]).is_err());
            let mut flipped = bytes.clone();
            let at = flip % flipped.len();
            flipped[at] ^= 0x80;
            // A flipped byte may still make a batch (a value changed); it must not panic.
            let _ = RowBatch::from_bytes(&flipped);
        }
    }

    #[test]
    fn an_empty_file_and_a_header_alone_are_the_streams_errors() {
        let options = RowsOptions::default();
        for csv in [&b""[..], b"Id,a,Response\n", b"Id,a,Response"] {
            let parser = RowParser::new("t.csv", "t.csv", None, options.clone());
            let expected = direct(csv, &options).unwrap_err();
            assert_eq!(parser.finish(csv).unwrap_err(), expected);
        }
        let parser = RowParser::new("t.csv", "t.csv", None, options);
        assert!(matches!(
            parser.finish(b"").unwrap_err().kind,
            ErrorKind::EmptyFile
        ));
    }

    #[test]
    fn a_packed_file_is_read_as_its_text() {
        let csv = b"Id,a,Response\n1,0.5,0\n2,1.5,1\n";
        let gz = miniz_oxide::deflate::compress_to_vec(csv, 6);
        let mut packed = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        packed.extend_from_slice(&gz);
        packed.extend_from_slice(&crc32fast::hash(csv).to_le_bytes());
        packed.extend_from_slice(&(csv.len() as u32).to_le_bytes());
        let mut parser = RowParser::new(
            "t.csv in t.csv.gz",
            "t.csv.gz",
            None,
            RowsOptions::default(),
        );
        let first = RowBatch::from_bytes(&parser.push(&packed).unwrap()).unwrap();
        let last = RowBatch::from_bytes(&parser.finish(&[]).unwrap()).unwrap();
        assert_eq!(first.len() + last.len(), 2);
        assert_eq!(first.text_bytes() + last.text_bytes(), csv.len() as u64);
        assert_eq!(last.rows_in_file(), Some(2));
    }
}
