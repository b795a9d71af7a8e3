//! The streaming reader: chunks in, a typed [`Table`] out.
//!
//! `csv-core` does the quoting state machine; this module adds what it leaves to us: what the
//! first bytes hold (text, UTF-16 to transcode, or a binary file to name), delimiter sniffing,
//! the header, the field-count check with line numbers, a quote never closed, projection and
//! summaries of the columns not kept, the text limit, the encoding fallback, warnings, and the
//! typed columns.
//!
//! Most lines of most exports need little of the state machine: fields that are bare, or quoted
//! whole with no quote, newline or `\r` inside (Rossmann writes `"0"`). Between records, such
//! lines are split where they lie in the chunk (no copy); any other line goes to csv-core. Both
//! paths store through the same [`Parsing::record`], so a table does not depend on which path
//! read a line.

use crate::builder::{decode_bytes, CellAt, ColumnBuilder, Decode, Pushed};
use crate::column::{CellMismatch, ColumnKind};
use crate::encoding::Utf16Decoder;
use crate::error::{
    CsvError, ErrorKind, Warning, WarningKind, Warnings, LONG_CELL_BYTES, LONG_QUOTED_LINES,
};
use crate::sniff::{content, sniff_delimiter, Content, CONTENT_BYTES, SNIFF_BYTES};
use crate::summary::ColumnSummary;
use crate::table::{Encoding, SourceInfo, Table};
use csv_core::{ReadRecordResult, ReaderBuilder};
use std::collections::HashSet;
use std::num::NonZeroU64;

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Field delimiter; `None` sniffs it among `,` `;` tab `|` from the first 64 KiB.
    pub delimiter: Option<u8>,
    /// Keep only these columns, in this order (`None`: all, in file order). Projecting early is
    /// what lets a 2 GB file fit in a tab. Every record is still checked for its field count.
    pub columns: Option<Vec<String>>,
    /// Also summarise the columns not kept (kind, missing cells, range) as their cells stream
    /// past: the table's [`Table::skipped`].
    pub summarize_skipped: bool,
    /// Most bytes of text (cells and delimiters) the kept columns may hold; `None`: no limit.
    /// A read that keeps every column and meets a larger file keeps none instead, summarising
    /// them all in the same pass (decided before the first byte when the size is known, and
    /// said in a [`WarningKind::NotKept`]); a read that keeps the columns asked for stops with
    /// [`ErrorKind::KeptTooLarge`].
    pub max_text_bytes: Option<u64>,
}

impl ReadOptions {
    /// Whether a read of `text_bytes` bytes of text keeps no column and summarises them all:
    /// every column was asked for, and they hold more than the limit.
    pub fn over_limit(&self, text_bytes: u64) -> bool {
        self.columns.is_none() && self.max_text_bytes.is_some_and(|limit| text_bytes > limit)
    }
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";
/// Marks a file column that is not kept.
const SKIP: usize = usize::MAX;
/// A file column that is summarised has `SUMMARY + its summary's index` in the map.
const SUMMARY: usize = usize::MAX / 2;
/// Rows read before the columns are given room for the whole file: enough that the header
/// (15 KB for Bosch's 970 names, as long as seven of its rows) and a few odd rows do not skew
/// the bytes per row. Fewer, and a column outgrows its room and doubles: measured on the
/// full-size Bosch file with one station kept, 455 MB of wasm memory for 250 MB of cells.
const ROOM_SAMPLE_ROWS: u64 = 1000;

/// Push parser: feed the chunks of a file in order, with any boundaries, then call `finish`.
pub struct StreamReader {
    file: String,
    options: ReadOptions,
    /// Bytes held back until what the file holds and its delimiter are known.
    pending: Vec<u8>,
    pub(crate) parsing: Option<Parsing>,
    pub(crate) bytes: u64,
    /// The file's size, if known.
    file_bytes: Option<u64>,
    /// Whether the columns still have to be given room for the rows the file will hold.
    room_to_make: bool,
    /// Set for UTF-16 text, which is parsed as UTF-8.
    pub(crate) utf16: Option<(Utf16Decoder, Encoding)>,
    /// The UTF-8 of the last chunk of UTF-16 text.
    decoded: Vec<u8>,
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
    /// The columns kept are those asked for (not every column).
    pub(crate) projected: bool,
    /// Summarise the columns not kept.
    pub(crate) summarize: bool,
    pub(crate) n_fields: usize,
    /// For each field of the file, the index of its builder, `SUMMARY +` the index of its
    /// summary, or `SKIP`.
    pub(crate) map: Vec<usize>,
    /// Every column name of the header, kept or not, for messages.
    pub(crate) header_names: Vec<String>,
    pub(crate) builders: Vec<ColumnBuilder>,
    pub(crate) summaries: Vec<ColumnSummary>,
    pub(crate) decode: Decode,
    pub(crate) rows: u64,
    /// Bytes of text in the kept cells so far (each cell's bytes and one for its delimiter).
    pub(crate) kept_bytes: u64,
    /// Most `kept_bytes` may reach ([`ReadOptions::max_text_bytes`]).
    pub(crate) limit: Option<u64>,
    /// The file was found too large to keep before it was read: its size and the limit, said
    /// in a warning once the header gives the number of columns.
    pub(crate) not_kept: Option<(u64, u64)>,
    /// Where csv-core stands in the record it has not finished, as far as quotes go.
    pub(crate) quoting: Quoting,
    /// The input ended inside a quoted field: the record that comes out is the rest of the file.
    pub(crate) ends_in_quote: bool,
    pub(crate) warnings: Warnings,
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
            file_bytes: None,
            room_to_make: false,
            utf16: None,
            decoded: Vec::new(),
            error: None,
        }
    }

    /// Tells the reader the file's size: once the first rows are read, every column gets room
    /// for the rows the file is expected to hold, instead of growing (and moving) as it fills;
    /// and a file larger than [`ReadOptions::max_text_bytes`] is known to be one before its
    /// first byte.
    pub fn expecting(mut self, file_bytes: u64) -> StreamReader {
        self.file_bytes = Some(file_bytes);
        self.room_to_make = true;
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
            Some(p) => match &mut self.utf16 {
                Some((decoder, _)) => {
                    self.decoded.clear();
                    decoder.decode(chunk, &mut self.decoded);
                    p.feed_text(&self.decoded, &self.file)
                }
                None => p.feed(chunk, &self.file),
            },
            None => {
                self.pending.extend_from_slice(chunk);
                // Hold back enough to see what the file holds, and to sniff its delimiter.
                let needed = if self.options.delimiter.is_some() {
                    CONTENT_BYTES
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
        if self.room_to_make && self.rows() >= ROOM_SAMPLE_ROWS {
            self.room_to_make = false;
            if let Some(file_bytes) = self.file_bytes {
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

    /// The column names (made distinct, as the table names them), once the header is read:
    /// what a caller resolves a projection against before reading a file too large to keep.
    pub fn header(&self) -> Option<&[String]> {
        self.parsing
            .as_ref()
            .filter(|p| p.header_seen)
            .map(|p| &p.header_names[..])
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
        let mut encoding = if p.decode.latin1 {
            Encoding::Latin1
        } else {
            Encoding::Utf8
        };
        if let Some((mut decoder, utf16)) = self.utf16.take() {
            self.decoded.clear();
            decoder.finish(&mut self.decoded);
            p.feed_text(&self.decoded, &self.file)?;
            if decoder.replaced > 0 {
                p.warnings.note(Warning {
                    count: decoder.replaced,
                    ..p.warning(&self.file, None, None, WarningKind::InvalidUtf16)
                });
            }
            encoding = utf16;
        }
        p.end(&self.file)?;
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
            encoding,
            decimal_comma: p.decode.decimal_comma_seen,
        };
        let columns = p.builders.into_iter().map(ColumnBuilder::finish).collect();
        Ok(Table {
            name: self.file,
            columns,
            n_rows,
            source,
            warnings: p.warnings.0,
            skipped: p.summaries,
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

    /// Looks at what the held-back bytes hold, sniffs the delimiter and parses them.
    /// `complete`: no more input.
    fn start(&mut self, complete: bool) -> Result<(), CsvError> {
        let pending = std::mem::take(&mut self.pending);
        let mut text_bytes = self.file_bytes;
        let mut decoded = Vec::new();
        // The text, and how much of it the delimiter is sniffed on: the same bytes whatever
        // the chunks, so that the guess does not depend on them.
        let (body, sample_len) = match content(&pending[..pending.len().min(CONTENT_BYTES)]) {
            Content::Binary(binary) => {
                return Err(CsvError::new(&self.file, ErrorKind::NotText(binary)));
            }
            Content::Utf16 { big_endian } => {
                let mut decoder = Utf16Decoder::new(big_endian);
                let sniffed = pending.len().min(SNIFF_BYTES);
                decoder.decode(&pending[2..sniffed.max(2)], &mut decoded);
                let sample_len = decoded.len();
                decoder.decode(&pending[sniffed.max(2)..], &mut decoded);
                let encoding = if big_endian {
                    Encoding::Utf16Be
                } else {
                    Encoding::Utf16Le
                };
                self.utf16 = Some((decoder, encoding));
                // About one byte of UTF-8 text for each code unit of two bytes.
                text_bytes = text_bytes.map(|bytes| bytes / 2);
                (&decoded[..], sample_len)
            }
            Content::Text => {
                let body = pending.strip_prefix(UTF8_BOM).unwrap_or(&pending);
                let sample_len = pending.len().min(SNIFF_BYTES) - (pending.len() - body.len());
                (body, sample_len)
            }
        };
        let delimiter = self.options.delimiter.unwrap_or_else(|| {
            sniff_delimiter(&body[..sample_len], complete && body.len() == sample_len)
        });
        let mut parsing = Parsing::new(delimiter, false);
        parsing.limit = self.options.max_text_bytes;
        match text_bytes.filter(|&bytes| self.options.over_limit(bytes)) {
            Some(bytes) => {
                parsing.wanted = Some(Vec::new());
                parsing.summarize = true;
                parsing.not_kept = parsing.limit.take().map(|limit| (bytes, limit));
            }
            None => {
                parsing.wanted = self.options.columns.take();
                parsing.projected = parsing.wanted.is_some();
                parsing.summarize = self.options.summarize_skipped;
                // A file whose size is known to fit holds no more text than that: nothing to
                // count (UTF-16's size only estimates its text).
                if self.utf16.is_none()
                    && text_bytes.is_some_and(|bytes| Some(bytes) <= parsing.limit)
                {
                    parsing.limit = None;
                }
            }
        }
        // An empty input means end of file to csv-core: only `finish` may send one.
        let result = parsing.feed_text(body, &self.file);
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
            projected: false,
            summarize: false,
            n_fields: 0,
            map: Vec::new(),
            header_names: Vec::new(),
            builders: Vec::new(),
            summaries: Vec::new(),
            decode: Decode {
                decimal_comma_allowed: delimiter == b';',
                decimal_comma_seen: false,
                latin1,
            },
            rows: 0,
            kept_bytes: 0,
            limit: None,
            not_kept: None,
            quoting: Quoting::StartField,
            ends_in_quote: false,
            warnings: Warnings::default(),
        }
    }

    /// Feeds text that is not the end of the file (an empty input is not fed: csv-core would
    /// read it as the end).
    pub(crate) fn feed_text(&mut self, input: &[u8], file: &str) -> Result<(), CsvError> {
        if input.is_empty() {
            return Ok(());
        }
        self.feed(input, file)
    }

    /// Ends the input: the last record, if unterminated, comes out. A quote still open at the
    /// end is an error: the rest of the file would be one cell.
    pub(crate) fn end(&mut self, file: &str) -> Result<(), CsvError> {
        self.ends_in_quote = self.in_quoted_field();
        self.feed(&[], file)
    }

    /// Whether csv-core is inside a quoted field.
    fn in_quoted_field(&self) -> bool {
        !self.between_records && self.quoting == Quoting::InQuotes
    }

    /// A warning about this file at `line` and field `field` (0-based).
    pub(crate) fn warning(
        &self,
        file: &str,
        line: Option<u64>,
        field: Option<usize>,
        kind: WarningKind,
    ) -> Warning {
        Warning {
            file: file.to_string(),
            line,
            column: field.map(|f| f + 1),
            column_name: field.and_then(|f| self.header_names.get(f).cloned()),
            kind,
            count: 1,
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
            self.quoting = match res {
                ReadRecordResult::Record => Quoting::StartField,
                _ => self.quoting.advance(&input[..nin], self.delimiter),
            };
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
                    let result = if at_end && self.ends_in_quote {
                        Err(self.unclosed_quote(&fields, Origin::Core, file))
                    } else {
                        if memchr::memchr(b'\n', fields.buf).is_some() {
                            self.note_long_quoted_fields(&fields, Origin::Core, file);
                        }
                        self.record(&fields, Origin::Core, file)
                    };
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
                let inside = newlines(fields.buf);
                self.line_base + self.core.line() + self.fast_lines
                    - inside
                    - u64::from(self.ended_by_lf)
            }
        }
    }

    fn record(&mut self, fields: &Fields, origin: Origin, file: &str) -> Result<(), CsvError> {
        if !self.header_seen {
            return self.header(fields, origin, file);
        }
        let n = fields.spans.len();
        if n != self.n_fields {
            return Err(self.ragged(fields, origin, file));
        }
        if fields.buf.len() > LONG_CELL_BYTES {
            self.note_long_cells(fields, origin, file);
        }
        self.store(fields, origin, file);
        self.rows += 1;
        if let Some(limit) = self.limit {
            self.kept_bytes += self.kept_bytes(fields);
            if self.kept_bytes > limit {
                self.over_limit(fields, origin, file)?;
            }
        }
        Ok(())
    }

    /// Stores the cells of a record of the right length: in the kept columns' builders, or the
    /// summaries.
    #[inline(always)]
    fn store(&mut self, fields: &Fields, origin: Origin, file: &str) {
        for i in 0..fields.spans.len() {
            let b = self.map[i];
            if b < SUMMARY {
                let mut pushed = self.builders[b].push(fields.get(i), &mut self.decode);
                if pushed == Pushed::NeedLatin1 {
                    self.note_latin1(i, fields, origin, file);
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
            } else if b != SKIP {
                self.summaries[b - SUMMARY].push(fields.get(i), &mut self.decode);
            }
        }
    }

    /// Bytes of text the record's kept cells hold, and a delimiter each: what the limit is on.
    /// Counted apart from storing, and only by a read with a limit.
    fn kept_bytes(&self, fields: &Fields) -> u64 {
        fields
            .spans
            .iter()
            .zip(&self.map)
            .filter(|&(_, &b)| b < SUMMARY)
            .map(|(&(start, end), _)| (end - start + 1) as u64)
            .sum()
    }

    /// The kept cells hold more text than the limit. Asked-for columns cannot be dropped: an
    /// error. Otherwise the read goes on keeping none: each column built so far becomes the
    /// summary its cells would have given, and the next cells are summarised as they come.
    #[cold]
    fn over_limit(&mut self, fields: &Fields, origin: Origin, file: &str) -> Result<(), CsvError> {
        let limit = self.limit.take().unwrap_or_default();
        if self.projected {
            let mut e = CsvError::new(
                file,
                ErrorKind::KeptTooLarge {
                    columns: self.builders.len(),
                    limit,
                },
            );
            e.line = Some(self.line(fields, origin));
            return Err(e);
        }
        let builders = std::mem::take(&mut self.builders);
        for (position, builder) in builders.into_iter().enumerate() {
            let column = builder.finish();
            self.summaries
                .push(ColumnSummary::of_column(&column, position));
            self.map[position] = SUMMARY + self.summaries.len() - 1;
        }
        let columns = self.n_fields;
        let warning = self.warning(
            file,
            Some(self.line(fields, origin)),
            None,
            WarningKind::NotKept {
                text_bytes: None,
                limit,
                columns,
            },
        );
        self.warnings.note(warning);
        Ok(())
    }

    /// A record with too few or too many fields, pointing at the first column it lacks or the
    /// first field it has too many; and at a quote left open, if a quoted field of the record
    /// runs over several lines.
    #[cold]
    fn ragged(&self, fields: &Fields, origin: Origin, file: &str) -> CsvError {
        let n = fields.spans.len();
        let line = self.line(fields, origin);
        let open_quote = fields
            .spans
            .iter()
            .position(|&(start, end)| memchr::memchr(b'\n', &fields.buf[start..end]).is_some())
            .and_then(|field| {
                let (start, _) = fields.spans[field];
                Some((
                    NonZeroU64::new(line + newlines(&fields.buf[..start]))?,
                    NonZeroU64::new(line + newlines(fields.buf))?,
                ))
            });
        let mut e = CsvError::new(
            file,
            ErrorKind::Ragged {
                expected: self.n_fields,
                found: n,
                open_quote,
            },
        );
        e.line = Some(line);
        e.column = Some(n.min(self.n_fields) + 1);
        e.column_name = self.header_names.get(n).cloned();
        e
    }

    /// The record that came out of a quote never closed: its last field, which the quote
    /// opened, runs to the end of the file.
    #[cold]
    fn unclosed_quote(&self, fields: &Fields, origin: Origin, file: &str) -> CsvError {
        let line = self.line(fields, origin);
        let field = fields.spans.len().saturating_sub(1);
        let (start, end) = fields.spans.get(field).copied().unwrap_or_default();
        let swallowed = &fields.buf[start..end];
        let lines = newlines(swallowed) + 1 - u64::from(swallowed.ends_with(b"\n"));
        let mut e = CsvError::new(
            file,
            ErrorKind::UnclosedQuote {
                lines,
                bytes: swallowed.len() as u64,
            },
        );
        e.line = Some(line + newlines(&fields.buf[..start]));
        e.column = Some(field + 1);
        e.column_name = if self.header_seen {
            self.header_names.get(field).cloned()
        } else {
            None
        };
        e
    }

    /// Notes each cell of the record longer than [`LONG_CELL_BYTES`].
    #[cold]
    fn note_long_cells(&mut self, fields: &Fields, origin: Origin, file: &str) {
        let line = self.line(fields, origin);
        for (field, &(start, end)) in fields.spans.iter().enumerate() {
            if end - start > LONG_CELL_BYTES {
                let kind = WarningKind::LongCell {
                    bytes: (end - start) as u64,
                };
                let at = line + newlines(&fields.buf[..start]);
                let warning = self.warning(file, Some(at), Some(field), kind);
                self.warnings.note(warning);
            }
        }
    }

    /// Notes each quoted field of the record that spans more than [`LONG_QUOTED_LINES`] lines.
    #[cold]
    fn note_long_quoted_fields(&mut self, fields: &Fields, origin: Origin, file: &str) {
        if newlines(fields.buf) < LONG_QUOTED_LINES {
            return;
        }
        let line = self.line(fields, origin);
        for (field, &(start, end)) in fields.spans.iter().enumerate() {
            let lines = newlines(&fields.buf[start..end]) + 1;
            if lines > LONG_QUOTED_LINES {
                let at = line + newlines(&fields.buf[..start]);
                let kind = WarningKind::LongQuotedField { lines };
                let warning = self.warning(file, Some(at), Some(field), kind);
                self.warnings.note(warning);
            }
        }
    }

    /// The file turns out not to be UTF-8, first at this cell: it is read as Latin-1.
    #[cold]
    fn note_latin1(&mut self, field: usize, fields: &Fields, origin: Origin, file: &str) {
        let line = self.line(fields, origin);
        let warning = self.warning(file, Some(line), Some(field), WarningKind::Latin1);
        self.warnings.note(warning);
        self.switch_to_latin1();
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

    /// Names the columns (unique, never blank, with a warning for each name changed) and sets
    /// up the projection and the summaries.
    fn header(&mut self, fields: &Fields, origin: Origin, file: &str) -> Result<(), CsvError> {
        self.header_seen = true;
        self.n_fields = fields.spans.len();
        let line = self.line(fields, origin);
        let raw: Vec<Vec<u8>> = (0..self.n_fields)
            .map(|i| crate::cell::trim(fields.get(i)).to_vec())
            .collect();
        if let Some(field) = raw.iter().position(|r| std::str::from_utf8(r).is_err()) {
            self.decode.latin1 = true;
            let warning = self.warning(file, Some(line), Some(field), WarningKind::Latin1);
            self.warnings.note(warning);
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
        if let Some((bytes, limit)) = self.not_kept.take() {
            let kind = WarningKind::NotKept {
                text_bytes: Some(bytes),
                limit,
                columns: self.n_fields,
            };
            self.warnings.note(self.warning(file, None, None, kind));
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for (i, w) in written.iter().enumerate() {
            let (name, kind) = if w.is_empty() {
                let renamed = unique(&format!("col_{}", i + 1), &mut taken, 1);
                (renamed.clone(), Some(WarningKind::BlankName { renamed }))
            } else if !seen.insert(w.as_str()) {
                let renamed = unique(w, &mut taken, 2);
                (
                    renamed.clone(),
                    Some(WarningKind::DuplicateName { renamed }),
                )
            } else {
                (w.clone(), None)
            };
            if let Some(kind) = kind {
                self.warnings.note(Warning {
                    file: file.to_string(),
                    line: Some(line),
                    column: Some(i + 1),
                    column_name: (!w.is_empty()).then(|| w.clone()),
                    kind,
                    count: 1,
                });
            }
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
                if self.summarize {
                    for (i, name) in names.into_iter().enumerate() {
                        if self.map[i] == SKIP {
                            self.map[i] = SUMMARY + self.summaries.len();
                            self.summaries.push(ColumnSummary::new(name, i));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a record csv-core has not finished stands, as far as quotes go. csv-core does not
/// say (and its `Clone` does not copy its tables, so a copy cannot be probed); whether the file
/// ends inside quotes is what tells a quote never closed. Follows csv-core's own transitions
/// (doubled quotes, a quote inside an unquoted field taken as a byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// At the start of a field (or record).
    StartField,
    /// In an unquoted field.
    InField,
    /// Inside quotes.
    InQuotes,
    /// Just after a quote inside quotes: a closing quote, or the first of a doubled one.
    QuoteInQuotes,
}

impl Quoting {
    /// The state after `bytes`, which continue the record. Only a record cut by the end of a
    /// chunk passes here, so the cost is a record's length at most per chunk.
    fn advance(mut self, bytes: &[u8], delimiter: u8) -> Quoting {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            self = match self {
                Quoting::InQuotes => match memchr::memchr(b'"', rest) {
                    Some(j) => {
                        i += j + 1;
                        Quoting::QuoteInQuotes
                    }
                    None => return Quoting::InQuotes,
                },
                Quoting::InField => match memchr::memchr3(delimiter, b'\n', b'\r', rest) {
                    Some(j) => {
                        i += j + 1;
                        Quoting::StartField
                    }
                    None => return Quoting::InField,
                },
                Quoting::StartField | Quoting::QuoteInQuotes => {
                    i += 1;
                    match rest[0] {
                        b'"' => Quoting::InQuotes,
                        b'\n' | b'\r' => Quoting::StartField,
                        b if b == delimiter => Quoting::StartField,
                        _ => Quoting::InField,
                    }
                }
            };
        }
        self
    }
}

/// Newlines in `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
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
