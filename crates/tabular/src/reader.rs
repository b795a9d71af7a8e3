//! The streaming reader: chunks in, a typed [`Table`] out.
//!
//! `csv-core` does the quoting state machine; this module adds what it leaves to us: delimiter
//! sniffing, the header, the field-count check with line numbers, projection, the encoding
//! fallback and the typed columns.
//!
//! Most lines of most exports need little of the state machine: fields that are bare, or quoted
//! whole with no quote, newline or `\r` inside (Rossmann writes `"0"`). Between records, such
//! lines are split where they lie in the chunk (no copy); any other line goes to csv-core. Both
//! paths store through the same [`Parsing::record`], so a table does not depend on which path
//! read a line.

use crate::builder::{decode_bytes, CellAt, ColumnBuilder, Decode, Pushed};
use crate::column::{CellMismatch, ColumnKind};
use crate::error::{CsvError, ErrorKind};
use crate::sniff::{sniff_delimiter, SNIFF_BYTES};
use crate::table::{Encoding, SourceInfo, Table};
use csv_core::{ReadRecordResult, ReaderBuilder};
use std::collections::HashSet;

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Field delimiter; `None` sniffs it among `,` `;` tab `|` from the first 64 KiB.
    pub delimiter: Option<u8>,
    /// Keep only these columns, in this order (`None`: all, in file order). Projecting early is
    /// what lets a 2 GB file fit in a tab. Every record is still checked for its field count.
    pub columns: Option<Vec<String>>,
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";
/// Marks a file column that is not kept.
const SKIP: usize = usize::MAX;

/// Push parser: feed the chunks of a file in order, with any boundaries, then call `finish`.
pub struct StreamReader {
    file: String,
    options: ReadOptions,
    /// Bytes held back until the delimiter can be sniffed.
    pending: Vec<u8>,
    pub(crate) parsing: Option<Parsing>,
    pub(crate) bytes: u64,
    /// The file's size, if known, until the columns have been given room for its rows.
    expected_bytes: Option<u64>,
    /// Once an error is found, every later call returns it.
    pub(crate) error: Option<CsvError>,
}

/// State once the delimiter is known.
pub(crate) struct Parsing {
    pub(crate) core: csv_core::Reader,
    /// csv-core has been given input: it only looks for a byte-order mark in its first input.
    pub(crate) core_fed: bool,
    /// Lines before the first byte this parser read (its part of the file starts after them).
    pub(crate) line_base: u64,
    pub(crate) delimiter: u8,
    pub(crate) out: Vec<u8>,
    pub(crate) out_len: usize,
    pub(crate) ends: Vec<usize>,
    pub(crate) ends_len: usize,
    /// Whether the record just read ended with `\n` (which csv-core has already counted).
    pub(crate) ended_by_lf: bool,
    /// csv-core sits between two records, so that whole lines may bypass it.
    pub(crate) between_records: bool,
    /// Lines read past csv-core (which counts only the `\n`s it sees itself).
    pub(crate) fast_lines: u64,
    /// Where each field of the record being stored starts and ends.
    pub(crate) spans: Vec<(usize, usize)>,
    pub(crate) header_seen: bool,
    /// Columns asked for, until the header is read.
    pub(crate) wanted: Option<Vec<String>>,
    pub(crate) n_fields: usize,
    /// For each field of the file, the index of its builder, or `SKIP`.
    pub(crate) map: Vec<usize>,
    /// Every column name of the header, kept or not, for messages.
    pub(crate) header_names: Vec<String>,
    pub(crate) builders: Vec<ColumnBuilder>,
    pub(crate) decode: Decode,
    pub(crate) rows: u64,
}

impl StreamReader {
    /// A reader for the file called `file_name` (used in messages and as the table name).
    pub fn new(file_name: &str, options: ReadOptions) -> StreamReader {
        StreamReader {
            file: file_name.to_string(),
            options,
            pending: Vec::new(),
            parsing: None,
            bytes: 0,
            expected_bytes: None,
            error: None,
        }
    }

    /// Tells the reader the file's size: once the first rows are read, every column gets room
    /// for the rows the file is expected to hold, instead of growing (and moving) as it fills.
    pub fn expecting(mut self, file_bytes: u64) -> StreamReader {
        self.expected_bytes = Some(file_bytes);
        self
    }

    /// Feeds the next chunk. Call once per chunk, in file order.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CsvError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if chunk.is_empty() {
            // csv-core reads an empty input as the end of the file.
            return Ok(());
        }
        self.bytes += chunk.len() as u64;
        let result = match &mut self.parsing {
            Some(p) => p.feed(chunk, &self.file),
            None => {
                self.pending.extend_from_slice(chunk);
                // Hold back enough to sniff the delimiter, or just to see a whole BOM.
                let needed = if self.options.delimiter.is_some() {
                    UTF8_BOM.len()
                } else {
                    SNIFF_BYTES
                };
                if self.pending.len() >= needed {
                    self.start(false)
                } else {
                    Ok(())
                }
            }
        };
        if let Err(e) = &result {
            self.error = Some(e.clone());
        }
        if let Some(file_bytes) = self.expected_bytes {
            if self.rows() > 0 {
                self.expected_bytes = None;
                self.make_room(file_bytes);
            }
        }
        result
    }

    /// Data rows parsed so far (for progress).
    pub fn rows(&self) -> u64 {
        self.parsing.as_ref().map_or(0, |p| p.rows)
    }

    /// Bytes consumed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Ends the input and returns the table.
    pub fn finish(mut self) -> Result<Table, CsvError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.parsing.is_none() {
            self.start(true)?;
        }
        let Some(mut p) = self.parsing.take() else {
            return Err(CsvError::new(&self.file, ErrorKind::EmptyFile));
        };
        p.feed(&[], &self.file)?;
        if !p.header_seen {
            return Err(CsvError::new(&self.file, ErrorKind::EmptyFile));
        }
        if p.rows == 0 {
            return Err(CsvError::new(&self.file, ErrorKind::NoDataRows));
        }
        let n_rows = p.rows as usize;
        let source = SourceInfo {
            bytes: self.bytes,
            delimiter: p.delimiter,
            encoding: if p.decode.latin1 {
                Encoding::Latin1
            } else {
                Encoding::Utf8
            },
            decimal_comma: p.decode.decimal_comma_seen,
        };
        let columns = p.builders.into_iter().map(ColumnBuilder::finish).collect();
        Ok(Table {
            name: self.file,
            columns,
            n_rows,
            source,
        })
    }

    /// Bytes per row in the rows read so far.
    pub(crate) fn bytes_per_row(&self) -> f64 {
        self.bytes as f64 / self.rows().max(1) as f64
    }

    /// Makes room in every column for the rows `bytes` bytes of the file will hold, as
    /// estimated from the rows so far.
    fn make_room(&mut self, bytes: u64) {
        let bytes_per_row = self.bytes_per_row();
        if let Some(p) = &mut self.parsing {
            let rows = expected_rows(bytes, bytes_per_row, p.builders.len());
            for b in &mut p.builders {
                b.expect_rows(rows);
            }
        }
    }

    /// Sniffs the delimiter on the held-back bytes and parses them. `complete`: no more input.
    fn start(&mut self, complete: bool) -> Result<(), CsvError> {
        let pending = std::mem::take(&mut self.pending);
        let body = pending.strip_prefix(UTF8_BOM).unwrap_or(&pending);
        let delimiter = match self.options.delimiter {
            Some(d) => d,
            None => {
                let sample = &pending[..pending.len().min(SNIFF_BYTES)];
                let sample = sample.strip_prefix(UTF8_BOM).unwrap_or(sample);
                sniff_delimiter(sample, complete)
            }
        };
        let mut parsing = Parsing::new(delimiter, false);
        parsing.wanted = self.options.columns.take();
        // An empty input means end of file to csv-core: only `finish` may send one.
        let result = if body.is_empty() {
            Ok(())
        } else {
            parsing.feed(body, &self.file)
        };
        self.parsing = Some(parsing);
        result
    }
}

/// Rows `bytes` bytes of a file hold, rounded up a little, so that a column's room seldom has
/// to grow. The first rows may be much shorter than the rest: the room never exceeds 1.5 times
/// `bytes` over the `columns` kept (4 bytes a cell), about what a table takes for its text.
pub(crate) fn expected_rows(bytes: u64, bytes_per_row: f64, columns: usize) -> usize {
    let estimate = bytes as f64 / bytes_per_row.max(1.0) * 1.05 + 1024.0;
    let most = bytes as f64 * 1.5 / (4 * columns.max(1)) as f64;
    estimate.min(most) as usize
}

impl Parsing {
    /// A parser at the start of a file (before its header), or of a part if set up as one.
    pub(crate) fn new(delimiter: u8, latin1: bool) -> Parsing {
        Parsing {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            core_fed: false,
            line_base: 0,
            delimiter,
            out: vec![0; 64 * 1024],
            out_len: 0,
            ends: vec![0; 256],
            ends_len: 0,
            ended_by_lf: false,
            between_records: false,
            fast_lines: 0,
            spans: Vec::new(),
            header_seen: false,
            wanted: None,
            n_fields: 0,
            map: Vec::new(),
            header_names: Vec::new(),
            builders: Vec::new(),
            decode: Decode {
                decimal_comma_allowed: delimiter == b';',
                decimal_comma_seen: false,
                latin1,
            },
            rows: 0,
        }
    }

    /// Runs csv-core over `input`; an empty `input` means end of file.
    pub(crate) fn feed(&mut self, mut input: &[u8], file: &str) -> Result<(), CsvError> {
        let at_end = input.is_empty();
        loop {
            if self.between_records && !at_end {
                input = &input[self.plain_lines(input, file)?..];
                if input.is_empty() {
                    // An empty input would tell csv-core that the file has ended.
                    return Ok(());
                }
            }
            self.between_records = false;
            // The first byte csv-core sees goes alone, so that it never strips a byte-order mark
            // that is not at the start of the file, which it would do or not depending on how
            // the chunks were cut.
            let given = if self.core_fed {
                input.len()
            } else {
                input.len().min(1)
            };
            self.core_fed |= given > 0;
            let (res, nin, nout, nend) = self.core.read_record(
                &input[..given],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.ended_by_lf = nin > 0 && input[nin - 1] == b'\n';
            input = &input[nin..];
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if input.is_empty() && !at_end {
                        return Ok(());
                    }
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    // Lent out of `self` for the call, which needs `self` mutably.
                    let out = std::mem::take(&mut self.out);
                    let mut spans = std::mem::take(&mut self.spans);
                    spans.clear();
                    let mut start = 0;
                    for &end in &self.ends[..self.ends_len] {
                        spans.push((start, end));
                        start = end;
                    }
                    let fields = Fields {
                        buf: &out[..self.out_len],
                        spans: &spans,
                    };
                    let result = self.record(&fields, Origin::Core, file);
                    self.out = out;
                    self.spans = spans;
                    result?;
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.between_records = true;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// Reads the whole lines at the start of `input` that [`split_plain`] can split, and returns
    /// how many bytes they took. Stops at the first other line, or at the last line the chunk
    /// does not finish, for csv-core to read.
    fn plain_lines(&mut self, input: &[u8], file: &str) -> Result<usize, CsvError> {
        let mut used = 0;
        let mut spans = std::mem::take(&mut self.spans);
        let result = loop {
            let Some(length) = memchr::memchr(b'\n', &input[used..]) else {
                break Ok(());
            };
            let line = &input[used..used + length];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !split_plain(line, self.delimiter, &mut spans) {
                break Ok(());
            }
            let number = self.line_base + self.core.line() + self.fast_lines;
            used += length + 1;
            self.fast_lines += 1;
            // csv-core skips empty lines.
            if line.is_empty() {
                continue;
            }
            let fields = Fields {
                buf: line,
                spans: &spans,
            };
            if let Err(e) = self.record(&fields, Origin::Line(number), file) {
                break Err(e);
            }
        };
        self.spans = spans;
        result.map(|()| used)
    }

    /// 1-based line where the record starts. csv-core counts the `\n`s it consumed, so for its
    /// records step back over the newlines inside the record and its terminator. Only called on
    /// the slow paths (errors, promotions).
    fn line(&self, fields: &Fields, origin: Origin) -> u64 {
        match origin {
            Origin::Line(number) => number,
            Origin::Core => {
                let inside = fields.buf.iter().filter(|&&b| b == b'\n').count() as u64;
                self.line_base + self.core.line() + self.fast_lines
                    - inside
                    - u64::from(self.ended_by_lf)
            }
        }
    }

    fn record(&mut self, fields: &Fields, origin: Origin, file: &str) -> Result<(), CsvError> {
        if !self.header_seen {
            return self.header(fields, file);
        }
        let n = fields.spans.len();
        if n != self.n_fields {
            let mut e = CsvError::new(
                file,
                ErrorKind::Ragged {
                    expected: self.n_fields,
                    found: n,
                },
            );
            e.line = Some(self.line(fields, origin));
            // Point at the first column the row lacks, or at the first field it has too many.
            e.column = Some(n.min(self.n_fields) + 1);
            e.column_name = self.header_names.get(n).cloned();
            return Err(e);
        }
        for i in 0..n {
            let b = self.map[i];
            if b != SKIP {
                let mut pushed = self.builders[b].push(fields.get(i), &mut self.decode);
                if pushed == Pushed::NeedLatin1 {
                    self.switch_to_latin1();
                    pushed = self.builders[b].push(fields.get(i), &mut self.decode);
                }
                match pushed {
                    Pushed::Stored | Pushed::NeedLatin1 => {}
                    Pushed::FirstOfKind(kind) => self.note_kind(b, i, kind, fields, origin),
                    Pushed::Promoted { was, cell } => {
                        self.note_mismatch(b, i, was, fields, origin);
                        self.note_kind(b, i, cell, fields, origin);
                    }
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    #[cold]
    fn note_mismatch(
        &mut self,
        builder: usize,
        field: usize,
        was: ColumnKind,
        fields: &Fields,
        origin: Origin,
    ) {
        if self.builders[builder].first_mismatch.is_some() {
            return;
        }
        let at = self.cell_at(field, fields, origin);
        self.builders[builder].first_mismatch = Some(CellMismatch {
            line: at.line,
            column: at.column,
            value: at.value,
            was,
        });
    }

    #[cold]
    fn note_kind(
        &mut self,
        builder: usize,
        field: usize,
        kind: ColumnKind,
        fields: &Fields,
        origin: Origin,
    ) {
        if self.builders[builder].wants_first_of_kind(kind) {
            let at = self.cell_at(field, fields, origin);
            self.builders[builder].note_kind(kind, at);
        }
    }

    /// Field `field` of a record, for messages.
    fn cell_at(&self, field: usize, fields: &Fields, origin: Origin) -> CellAt {
        let raw = fields.get(field);
        CellAt {
            line: self.line(fields, origin),
            column: field + 1,
            value: decode_bytes(raw, self.decode.latin1)
                .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()),
        }
    }

    pub(crate) fn switch_to_latin1(&mut self) {
        self.decode.latin1 = true;
        for b in &mut self.builders {
            b.switch_to_latin1();
        }
    }

    /// Names the columns (unique, never blank) and sets up the projection.
    fn header(&mut self, fields: &Fields, file: &str) -> Result<(), CsvError> {
        self.header_seen = true;
        self.n_fields = fields.spans.len();
        let raw: Vec<Vec<u8>> = (0..self.n_fields)
            .map(|i| crate::cell::trim(fields.get(i)).to_vec())
            .collect();
        if raw.iter().any(|r| std::str::from_utf8(r).is_err()) {
            self.decode.latin1 = true;
        }
        let mut names: Vec<String> = Vec::with_capacity(raw.len());
        let mut taken: HashSet<String> = HashSet::new();
        // Reserve the names as written first, so that a generated `name_2` never steals one.
        let written: Vec<String> = raw
            .iter()
            .map(|r| decode_bytes(r, self.decode.latin1).unwrap_or_default())
            .collect();
        for w in &written {
            if !w.is_empty() {
                taken.insert(w.clone());
            }
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for (i, w) in written.iter().enumerate() {
            let name = if w.is_empty() {
                unique(&format!("col_{}", i + 1), &mut taken, 1)
            } else if !seen.insert(w.as_str()) {
                unique(w, &mut taken, 2)
            } else {
                w.clone()
            };
            names.push(name);
        }
        self.header_names = names.clone();
        match self.wanted.take() {
            None => {
                self.map = (0..names.len()).collect();
                self.builders = names.into_iter().map(ColumnBuilder::new).collect();
            }
            Some(wanted) => {
                self.map = vec![SKIP; names.len()];
                let mut kept: HashSet<&str> = HashSet::new();
                for w in &wanted {
                    if !kept.insert(w.as_str()) {
                        continue;
                    }
                    let Some(i) = names.iter().position(|n| n == w) else {
                        return Err(CsvError::new(
                            file,
                            ErrorKind::MissingColumn {
                                name: w.clone(),
                                available: names.into(),
                            },
                        ));
                    };
                    self.map[i] = self.builders.len();
                    self.builders.push(ColumnBuilder::new(names[i].clone()));
                }
            }
        }
        Ok(())
    }
}

/// Splits one line (without its terminator) into `spans` if every field is bare (no `"` or `\r`
/// in it) or quoted whole with no `"` or `\r` inside, which csv-core would read as the same
/// fields. Returns false, with `spans` in any state, for a line that needs csv-core.
fn split_plain(line: &[u8], delimiter: u8, spans: &mut Vec<(usize, usize)>) -> bool {
    spans.clear();
    let mut i = 0;
    loop {
        let (start, end, next) = if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut end = start;
            while end < line.len() && line[end] != b'"' {
                if line[end] == b'\r' {
                    return false;
                }
                end += 1;
            }
            // No closing quote (a newline inside), or anything but a delimiter after it.
            let closed = end < line.len();
            if !closed || line.get(end + 1).is_some_and(|&b| b != delimiter) {
                return false;
            }
            (start, end, end + 1)
        } else {
            let mut end = i;
            while end < line.len() && line[end] != delimiter {
                if line[end] == b'"' || line[end] == b'\r' {
                    return false;
                }
                end += 1;
            }
            (i, end, end)
        };
        spans.push((start, end));
        if next >= line.len() {
            return true;
        }
        i = next + 1;
    }
}

/// The fields of one record: field `i` is `buf[spans[i].0..spans[i].1]`.
struct Fields<'a> {
    buf: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl Fields<'_> {
    fn get(&self, i: usize) -> &[u8] {
        let (start, end) = self.spans[i];
        &self.buf[start..end]
    }
}

/// Which path read a record, to find its line.
#[derive(Clone, Copy)]
enum Origin {
    /// csv-core, which has just consumed it.
    Core,
    /// Read past csv-core, on this line.
    Line(u64),
}

/// `base` if free, else `base_2`, `base_3`, … (starting at `from`).
fn unique(base: &str, taken: &mut HashSet<String>, from: usize) -> String {
    if from <= 1 && taken.insert(base.to_string()) {
        return base.to_string();
    }
    let mut k = from.max(2);
    loop {
        let candidate = format!("{base}_{k}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        k += 1;
    }
}

/// Reads a whole in-memory file.
pub fn read_bytes(file_name: &str, bytes: &[u8], options: ReadOptions) -> Result<Table, CsvError> {
    let mut reader = StreamReader::new(file_name, options).expecting(bytes.len() as u64);
    reader.push(bytes)?;
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::expected_rows;

    #[test]
    fn room_follows_the_first_rows_within_a_bound() {
        // Rossmann's train.csv: 38 MB, about 37.4 bytes a row, 9 columns.
        let rows = expected_rows(38_040_778, 37.4, 9);
        assert!((1_017_209..1_100_000).contains(&rows), "{rows}");
        // First rows of 2 bytes, then long ones: at most 1.5 times the file over 4-byte cells.
        assert_eq!(expected_rows(1_000_000_000, 2.0, 2), 187_500_000);
    }
}
