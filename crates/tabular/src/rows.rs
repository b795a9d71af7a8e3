//! Streaming numeric rows: chunks in, one sparse record at a time out, no table built.
//!
//! Use case 2.2 scores Bosch's `train_numeric.csv` (2 GB, 970 columns, 82 % of cells empty) as a
//! stream in a browser tab: a typed table of it would not fit, and a stream needs only the row at
//! hand. [`RowStream`] is a push parser like [`crate::StreamReader`] (chunks of any size, in file
//! order), but instead of building columns it calls back once per data row with a [`SparseRow`]:
//! the row's `Id`, its 0/1 target, and the (feature index, `f32`) pairs of its non-empty cells in
//! the projected feature columns. Memory is bounded by the longest line, whatever the file's size.
//!
//! Lines that need no quoting state machine (bare fields, no `"` and no `\r` inside) are split in
//! place, which is nearly every line of a numeric export; any other line goes to `csv-core`
//! (quotes, escapes, newlines inside quotes, lone `\r` terminators), so the rows do not depend on
//! which path read a line, nor on where the chunks were cut.
//!
//! ```
//! use tabular::rows::{RowStream, RowsOptions};
//! let csv = b"Id,a,b,Response\n4,0.5,,0\n7,,-1.25,1\n";
//! let mut stream = RowStream::new("train_numeric.csv", RowsOptions::default());
//! let mut seen = Vec::new();
//! let mut keep = |row: &tabular::rows::SparseRow| {
//!     seen.push((row.id, row.target, row.features.to_vec(), row.values.to_vec()));
//! };
//! stream.push(&csv[..20], &mut keep).unwrap();
//! stream.push(&csv[20..], &mut keep).unwrap();
//! stream.finish(&mut keep).unwrap();
//! assert_eq!(seen[0], (4, Some(false), vec![0], vec![0.5]));
//! assert_eq!(seen[1], (7, Some(true), vec![1], vec![-1.25]));
//! ```

use crate::cell::{is_missing_token, parse_float, trim};
use crate::delimiters::{self, BLOCK};
use crate::error::{CsvError, ErrorKind};
use crate::sniff::sniff_delimiter;
use csv_core::ReadRecordResult;
use serde::{Deserialize, Serialize};

pub mod batch;

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Which columns a [`RowStream`] reads and what it calls them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsOptions {
    /// Field delimiter; `None` picks among `,` `;` tab `|` from the header line alone, so that the
    /// choice never depends on chunking.
    pub delimiter: Option<u8>,
    /// The integer id column (`Id` by default); `None`: a row's id is its 1-based position among
    /// the data rows.
    pub id: Option<String>,
    /// The 0/1 target column (`Response` by default); `None`: rows carry no target (a test file).
    pub target: Option<String>,
    /// The feature columns, in this order (feature `k` of a row is `features[k]`); `None`: every
    /// column but the id and the target, in file order. Every one must hold numbers or be empty.
    pub features: Option<Vec<String>>,
}

impl Default for RowsOptions {
    /// Bosch's `train_numeric.csv`: `Id`, the 968 measurements, `Response`.
    fn default() -> Self {
        RowsOptions {
            delimiter: None,
            id: Some("Id".into()),
            target: Some("Response".into()),
            features: None,
        }
    }
}

/// One data row: its id, target and non-empty feature cells, lent for the callback's duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SparseRow<'a> {
    /// The id column's value, or the row's 1-based position if no id column was asked for.
    pub id: u64,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// 0-based index of the row among the data rows of the file.
    pub index: u64,
    /// The target (`Some(true)` for 1), or `None` if no target column was asked for.
    pub target: Option<bool>,
    /// Indices (into [`RowStream::feature_names`]) of the non-empty feature cells, increasing
    /// when the features are in file order.
    pub features: &'a [u32],
    /// The value of each of those cells.
    pub values: &'a [f32],
    /// The feature names by feature index (the same for every row), so that a consumer can set
    /// itself up on the first row.
    pub names: &'a [String],
}

/// What a field of the file is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Skip,
    Id,
    Target,
    Feature(u32),
}

/// What the header told.
struct Header {
    delimiter: u8,
    decimal_comma: bool,
    /// For each field of the file, what it is read as.
    slots: Vec<Slot>,
    /// Every column name of the header, for messages.
    names: Vec<String>,
    /// Names of the features, by feature index.
    features: Vec<String>,
}

/// Push parser of sparse numeric rows: [`push`](RowStream::push) the chunks of a file in order,
/// then [`finish`](RowStream::finish). After the first error every call returns it.
pub struct RowStream {
    file: String,
    options: RowsOptions,
    header: Option<Header>,
    /// The start of a line the chunks so far have not finished (or, before the header, the
    /// first bytes, held until a byte-order mark can be recognised).
    carry: Vec<u8>,
    bom_checked: bool,
    core: csv_core::Reader,
    /// csv-core is inside a record: bytes go to it until a record ends with a `\n`.
    in_core: bool,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    spans: Vec<(usize, usize)>,
    /// Newlines consumed so far.
    lines: u64,
    /// Line where the record csv-core is reading starts.
    core_line: u64,
    rows: u64,
    bytes: u64,
    /// The row being read.
    row: RowBuf,
    error: Option<CsvError>,
}

/// The cells of the row being read: its first `len` features and values, the vectors sized
/// once to every feature (a row has each at most once), so that a cell is written at an index
/// rather than pushed.
#[derive(Default)]
struct RowBuf {
    features: Vec<u32>,
    values: Vec<f32>,
    len: usize,
    id: Option<u64>,
    target: Option<bool>,
}

impl RowBuf {
    /// Room for rows of `n_features` features.
    fn sized(n_features: usize) -> RowBuf {
        RowBuf {
            features: vec![0; n_features],
            values: vec![0.0; n_features],
            ..RowBuf::default()
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.id = None;
        self.target = None;
    }

    /// Keeps what a cell holds.
    fn set(&mut self, cell: Cell) {
        match cell {
            Cell::Feature(k, v) => {
                self.features[self.len] = k;
                self.values[self.len] = v;
                self.len += 1;
            }
            Cell::Id(id) => self.id = Some(id),
            Cell::Target(failed) => self.target = Some(failed),
            Cell::Nothing => {}
        }
    }
}

/// What a non-empty cell holds for its column.
enum Cell {
    Feature(u32, f32),
    Id(u64),
    Target(bool),
    /// A column not read, or a missing-value token.
    Nothing,
}

impl Cell {
    /// Reads one non-empty cell for its slot; the error's kind if it does not fit.
    fn read(slot: Slot, raw: &[u8], decimal_comma: bool) -> Result<Cell, ErrorKind> {
        match slot {
            Slot::Feature(k) => match parse_number(raw, decimal_comma) {
                Number::Value(v) => Ok(Cell::Feature(k, v)),
                Number::Missing => Ok(Cell::Nothing),
                Number::Invalid => Err(ErrorKind::NotNumeric { value: shown(raw) }),
            },
            Slot::Skip => Ok(Cell::Nothing),
            Slot::Target => match parse_number(raw, decimal_comma) {
                Number::Value(v) if v == 0.0 || v == 1.0 => Ok(Cell::Target(v == 1.0)),
                _ => Err(not_binary(raw)),
            },
            Slot::Id => match parse_id(raw) {
                Some(id) => Ok(Cell::Id(id)),
                None => Err(ErrorKind::Invalid(format!(
                    "expected a whole number as the id, found \"{}\"",
                    shown(raw)
                ))),
            },
        }
    }
}

/// What a finished stream read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsSummary {
    /// Data rows read (selected or not).
    pub rows: u64,
    /// Bytes read.
    pub bytes: u64,
    /// The feature names, by feature index.
    pub features: Vec<String>,
}

impl RowStream {
    /// A stream for the file called `file_name` (named in error messages).
    pub fn new(file_name: &str, options: RowsOptions) -> RowStream {
        RowStream {
            file: file_name.to_string(),
            core: csv_core::ReaderBuilder::new()
                .delimiter(options.delimiter.unwrap_or(b','))
                .build(),
            options,
            header: None,
            carry: Vec::new(),
            bom_checked: false,
            in_core: false,
            out: vec![0; 64 * 1024],
            out_len: 0,
            ends: vec![0; 1024],
            ends_len: 0,
            spans: Vec::new(),
            lines: 0,
            core_line: 1,
            rows: 0,
            bytes: 0,
            row: RowBuf::default(),
            error: None,
        }
    }

    /// The feature names by feature index, once the header has been read.
    pub fn feature_names(&self) -> Option<&[String]> {
        self.header.as_ref().map(|h| h.features.as_slice())
    }

    /// Every column name of the header, in file order, once it has been read (for messages
    /// that name a column).
    pub fn column_names(&self) -> Option<&[String]> {
        self.header.as_ref().map(|h| h.names.as_slice())
    }

    /// Data rows read so far (for progress).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes pushed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Feeds the next chunk and calls `on_row` for each row it completes.
    pub fn push(
        &mut self,
        chunk: &[u8],
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        self.push_selected(chunk, &mut |_| true, on_row)
    }

    /// Feeds the next chunk, reading only the data rows whose 0-based index `select` accepts and
    /// calling `on_row` for each. A line skipped this way is not split at all (no field-count
    /// check either), which is what makes a pass that keeps a few rows of a 2 GB file cheap (the
    /// time-ordered replay reads the file once per time segment).
    pub fn push_selected(
        &mut self,
        chunk: &[u8],
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.bytes += chunk.len() as u64;
        let result = self.feed(chunk, select, on_row);
        if let Err(e) = &result {
            self.error = Some(e.clone());
        }
        result
    }

    /// Ends the input: reads a last line that has no line break, and says what was read.
    pub fn finish(self, on_row: &mut impl FnMut(&SparseRow)) -> Result<RowsSummary, CsvError> {
        self.finish_selected(&mut |_| true, on_row)
    }

    /// [`finish`](RowStream::finish) with the selection of [`push_selected`](RowStream::push_selected).
    pub fn finish_selected(
        mut self,
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<RowsSummary, CsvError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.bom_checked = true;
        if self.in_core {
            self.run_core(&[], select, on_row)?;
        } else if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            if self.is_plain(&line) {
                self.plain_line(&line, select, on_row)?;
            } else {
                self.in_core = true;
                self.core_line = self.lines + 1;
                self.run_core(&line, select, on_row)?;
                if self.in_core {
                    self.run_core(&[], select, on_row)?;
                }
            }
        }
        let Some(header) = self.header else {
            return Err(CsvError::new(&self.file, ErrorKind::EmptyFile));
        };
        if self.rows == 0 {
            return Err(CsvError::new(&self.file, ErrorKind::NoDataRows));
        }
        Ok(RowsSummary {
            rows: self.rows,
            bytes: self.bytes,
            features: header.features,
        })
    }

    fn feed(
        &mut self,
        mut input: &[u8],
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        if !self.bom_checked {
            // Hold the first bytes until a byte-order mark, cut anywhere, can be told.
            self.carry.extend_from_slice(input);
            if self.carry.len() < UTF8_BOM.len() && !self.carry.contains(&b'\n') {
                return Ok(());
            }
            self.bom_checked = true;
            if self.carry.starts_with(UTF8_BOM) {
                self.carry.drain(..UTF8_BOM.len());
            }
            let held = std::mem::take(&mut self.carry);
            let result = self.feed(&held, select, on_row);
            // Keep the buffer's room for later lines (the carry is empty or holds a line start).
            if self.carry.is_empty() {
                self.carry = held;
                self.carry.clear();
            }
            return result;
        }
        loop {
            if input.is_empty() {
                // An empty input would tell csv-core that the file has ended.
                return Ok(());
            }
            if self.in_core {
                let used = self.run_core(input, select, on_row)?;
                input = &input[used..];
                if self.in_core || input.is_empty() {
                    return Ok(());
                }
                continue;
            }
            if !self.carry.is_empty() {
                let Some(k) = memchr::memchr(b'\n', input) else {
                    self.carry.extend_from_slice(input);
                    return Ok(());
                };
                let mut line = std::mem::take(&mut self.carry);
                line.extend_from_slice(&input[..=k]);
                input = &input[k + 1..];
                let body = &line[..line.len() - 1];
                let result = if self.is_plain(body) {
                    self.plain_line(body, select, on_row)
                } else {
                    self.in_core = true;
                    self.core_line = self.lines + 1;
                    // The line ends with its `\n`: csv-core either ends the record there or
                    // carries on in the quotes into `input`.
                    self.run_core(&line, select, on_row).map(|used| {
                        debug_assert_eq!(used, line.len());
                    })
                };
                line.clear();
                self.carry = line;
                result?;
                continue;
            }
            while let Some(k) = memchr::memchr(b'\n', input) {
                let body = &input[..k];
                if !self.is_plain(body) {
                    self.in_core = true;
                    self.core_line = self.lines + 1;
                    break;
                }
                self.plain_line(body, select, on_row)?;
                input = &input[k + 1..];
            }
            if !self.in_core {
                self.carry.extend_from_slice(input);
                return Ok(());
            }
        }
    }

    /// Whether a line (without its `\n`) can be split in place: no `"`, and no `\r` but a last
    /// one.
    fn is_plain(&self, line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        memchr::memchr2(b'"', b'\r', line).is_none()
    }

    /// Reads one whole line (without its `\n`) that [`is_plain`](RowStream::is_plain) accepted.
    fn plain_line(
        &mut self,
        line: &[u8],
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        self.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // csv-core skips empty lines; so does this path.
        if line.is_empty() {
            return Ok(());
        }
        let number = self.lines;
        let Some(header) = &self.header else {
            self.spans.clear();
            let delimiter = self
                .options
                .delimiter
                .unwrap_or_else(|| sniff_delimiter(line, true));
            self.set_delimiter(delimiter);
            split_plain(line, delimiter, &mut self.spans);
            let spans = std::mem::take(&mut self.spans);
            let fields: Vec<&[u8]> = spans.iter().map(|&(a, b)| &line[a..b]).collect();
            return self.read_header(&fields, delimiter);
        };
        let index = self.rows;
        self.rows += 1;
        if !select(index) {
            return Ok(());
        }
        self.row.clear();
        let (delimiter, decimal_comma) = (header.delimiter, header.decimal_comma);
        let slots = header.slots.as_slice();
        // The row's vectors as slices and its length as a local for the loop: written through
        // the row, each cell would store its length back and load it again.
        let row = &mut self.row;
        let (features, values) = (&mut row.features[..], &mut row.values[..]);
        let mut len = 0;
        let n = line.len();
        // The field numbered `column` starts at byte `cursor`. Every byte between a cell's end and
        // the next non-empty field's start is a delimiter, so a cell's column is the previous
        // cell's plus the bytes between them: no delimiters to count.
        let (mut cursor, mut column) = (0, 0);
        // Whether the byte before the block is a delimiter (the line's start counts as one).
        let mut after_delimiter = 1u64;
        let mut failed = None;
        'blocks: for block in (0..n).step_by(BLOCK) {
            let bytes = &line[block..n.min(block + BLOCK)];
            let delimiters = match bytes.try_into() {
                Ok(whole) => delimiters::mask(whole, delimiter),
                Err(_) => delimiters::mask_partial(bytes, delimiter),
            };
            // A non-empty field starts where a byte that is no delimiter follows one.
            let mut starts = !delimiters & ((delimiters << 1) | after_delimiter);
            if bytes.len() < BLOCK {
                starts &= (1 << bytes.len()) - 1;
            }
            while starts != 0 {
                let at = block + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                column += at - cursor;
                // A ragged row's extra fields are reported once the row is counted.
                let slot = slots.get(column).copied().unwrap_or(Slot::Skip);
                // A feature's short decimal is read in the same pass that finds its end; any
                // other cell is cut at its delimiter first and read as a whole.
                let read = match slot {
                    Slot::Feature(_) => one_digit_decimal_at(line, at, delimiter)
                        .or_else(|| short_decimal_at(line, at, delimiter)),
                    _ => None,
                };
                let end = match (read, slot) {
                    (Some((v, end)), Slot::Feature(k)) => {
                        features[len] = k;
                        values[len] = v;
                        len += 1;
                        end
                    }
                    _ => {
                        let end = at + memchr::memchr(delimiter, &line[at..]).unwrap_or(n - at);
                        match Cell::read(slot, &line[at..end], decimal_comma) {
                            Ok(Cell::Feature(k, v)) => {
                                features[len] = k;
                                values[len] = v;
                                len += 1;
                            }
                            Ok(Cell::Id(id)) => row.id = Some(id),
                            Ok(Cell::Target(failed)) => row.target = Some(failed),
                            Ok(Cell::Nothing) => {}
                            Err(kind) => {
                                failed = Some((column, kind));
                                break 'blocks;
                            }
                        }
                        end
                    }
                };
                cursor = end + 1;
                column += 1;
            }
            after_delimiter = delimiters >> (BLOCK - 1);
        }
        row.len = len;
        if let Some((column, kind)) = failed {
            return Err(self.cell_error(column, number, kind));
        }
        // The delimiters after the last cell end as many empty fields.
        let fields = if cursor > n {
            column
        } else {
            column + (n - cursor) + 1
        };
        self.end_row(fields, number, index, on_row)
    }

    /// Feeds csv-core from inside a record; returns the bytes consumed. Leaves csv-core (clears
    /// `in_core`) after a record that ended with a `\n`, where plain lines may start again.
    fn run_core(
        &mut self,
        mut input: &[u8],
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<usize, CsvError> {
        let at_end = input.is_empty();
        let total = input.len();
        if self.header.is_none() && self.options.delimiter.is_none() {
            // A header that needs csv-core: sniff from its first line.
            let first = memchr::memchr(b'\n', input).map_or(input, |k| &input[..k]);
            self.set_delimiter(sniff_delimiter(first, true));
        }
        loop {
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            let consumed = &input[..nin];
            self.lines += memchr::memchr_iter(b'\n', consumed).count() as u64;
            let ended_by_lf = consumed.last() == Some(&b'\n');
            input = &input[nin..];
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if input.is_empty() && !at_end {
                        return Ok(total);
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
                    let number = self.core_line;
                    let out = std::mem::take(&mut self.out);
                    let result = self.core_record(&out, number, select, on_row);
                    self.out = out;
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.core_line = self.lines + 1;
                    result?;
                    if ended_by_lf {
                        self.in_core = false;
                        return Ok(total - input.len());
                    }
                }
                ReadRecordResult::End => {
                    self.in_core = false;
                    return Ok(total - input.len());
                }
            }
        }
    }

    /// Sets the delimiter, for csv-core too (called before the header, between records).
    fn set_delimiter(&mut self, delimiter: u8) {
        if self.options.delimiter != Some(delimiter) {
            self.options.delimiter = Some(delimiter);
            self.core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        }
    }

    /// Reads the record csv-core has just written to `out`.
    fn core_record(
        &mut self,
        out: &[u8],
        number: u64,
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        let mut fields: Vec<&[u8]> = Vec::with_capacity(self.ends_len);
        let mut start = 0;
        for &end in &self.ends[..self.ends_len] {
            fields.push(&out[start..end]);
            start = end;
        }
        if self.header.is_none() {
            let delimiter = self.options.delimiter.unwrap_or(b',');
            return self.read_header(&fields, delimiter);
        }
        let index = self.rows;
        self.rows += 1;
        if !select(index) {
            return Ok(());
        }
        self.row.clear();
        let header = self.header.as_ref().expect("rows follow the header");
        for (i, raw) in fields.iter().enumerate() {
            if !raw.is_empty() {
                let slot = header.slots.get(i).copied().unwrap_or(Slot::Skip);
                match Cell::read(slot, raw, header.decimal_comma) {
                    Ok(cell) => self.row.set(cell),
                    Err(kind) => return Err(self.cell_error(i, number, kind)),
                }
            }
        }
        self.end_row(fields.len(), number, index, on_row)
    }

    /// Checks the row's field count and required cells, then hands it to `on_row`.
    fn end_row(
        &mut self,
        n_fields: usize,
        line: u64,
        index: u64,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        let header = self.header.as_ref().expect("rows follow the header");
        let expected = header.slots.len();
        if n_fields != expected {
            let mut e = CsvError::new(
                &self.file,
                ErrorKind::Ragged {
                    expected,
                    found: n_fields,
                    open_quote: None,
                },
            );
            e.line = Some(line);
            // The first column the row lacks, or the first field it has too many.
            e.column = Some(n_fields.min(expected) + 1);
            e.column_name = header.names.get(n_fields).cloned();
            return Err(e);
        }
        let id = match (self.options.id.is_some(), self.row.id) {
            (false, _) => index + 1,
            (true, Some(id)) => id,
            (true, None) => {
                let field = header.slots.iter().position(|&s| s == Slot::Id);
                let kind = ErrorKind::Invalid(
                    "expected a whole number as the id, found an empty cell".into(),
                );
                return Err(self.cell_error(field.unwrap_or(0), line, kind));
            }
        };
        if self.options.target.is_some() && self.row.target.is_none() {
            let field = header.slots.iter().position(|&s| s == Slot::Target);
            return Err(self.cell_error(field.unwrap_or(0), line, not_binary(b"")));
        }
        on_row(&SparseRow {
            id,
            line,
            index,
            target: self.row.target,
            features: &self.row.features[..self.row.len],
            values: &self.row.values[..self.row.len],
            names: &header.features,
        });
        Ok(())
    }

    #[cold]
    fn cell_error(&self, field: usize, line: u64, kind: ErrorKind) -> CsvError {
        let mut e = CsvError::new(&self.file, kind);
        e.line = Some(line);
        e.column = Some(field + 1);
        e.column_name = self
            .header
            .as_ref()
            .and_then(|h| h.names.get(field).cloned());
        e
    }

    /// Names the fields and maps them to the id, the target and the features.
    #[cold]
    fn read_header(&mut self, fields: &[&[u8]], delimiter: u8) -> Result<(), CsvError> {
        let names: Vec<String> = fields
            .iter()
            .map(|f| String::from_utf8_lossy(trim(f)).into_owned())
            .collect();
        let find = |name: &str| -> Result<usize, CsvError> {
            names.iter().position(|n| n == name).ok_or_else(|| {
                CsvError::new(
                    &self.file,
                    ErrorKind::MissingColumn {
                        name: name.to_string(),
                        available: names.clone().into(),
                    },
                )
            })
        };
        let mut slots = vec![Slot::Skip; names.len()];
        if let Some(id) = &self.options.id {
            slots[find(id)?] = Slot::Id;
        }
        if let Some(target) = &self.options.target {
            slots[find(target)?] = Slot::Target;
        }
        let mut features = Vec::new();
        match &self.options.features {
            Some(wanted) => {
                for name in wanted {
                    let i = find(name)?;
                    if slots[i] != Slot::Skip {
                        return Err(CsvError::new(
                            &self.file,
                            ErrorKind::Invalid(format!(
                                "column \"{name}\" is asked for twice (as a feature and as the id, the target or another feature)"
                            )),
                        ));
                    }
                    slots[i] = Slot::Feature(features.len() as u32);
                    features.push(name.clone());
                }
            }
            None => {
                for (i, name) in names.iter().enumerate() {
                    if slots[i] == Slot::Skip {
                        slots[i] = Slot::Feature(features.len() as u32);
                        features.push(name.clone());
                    }
                }
            }
        }
        self.row = RowBuf::sized(features.len());
        self.header = Some(Header {
            delimiter,
            decimal_comma: delimiter == b';',
            slots,
            names,
            features,
        });
        Ok(())
    }
}

/// The 8 bytes of `line` from `at`, as one word whose lowest byte is `line[at]`.
#[inline(always)]
fn eight(line: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&line[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Reads the short decimal that starts at `line[at]` and ends at the next `delimiter` or the
/// line's end, in one pass: its value and where it ends, or `None` if the cell is anything else
/// (padded, long, exponent, missing token), which then goes the whole-cell way. Accepts exactly
/// what [`parse_short_decimal`] accepts, with the same value.
#[inline(always)]
fn short_decimal_at(line: &[u8], at: usize, delimiter: u8) -> Option<(f32, usize)> {
    if let Some(read) = short_decimal_in_word(line, at, delimiter) {
        return Some(read);
    }
    let n = line.len();
    let mut i = at;
    let negative = line[i] == b'-';
    i += usize::from(negative || line[i] == b'+');
    let body = i;
    let mut mantissa: u64 = 0;
    while i < n && line[i].is_ascii_digit() {
        mantissa = mantissa
            .wrapping_mul(10)
            .wrapping_add(u64::from(line[i] - b'0'));
        i += 1;
    }
    let mut decimals = 0;
    let point = i < n && line[i] == b'.';
    if point {
        i += 1;
        let fraction_from = i;
        while i < n && line[i].is_ascii_digit() {
            mantissa = mantissa
                .wrapping_mul(10)
                .wrapping_add(u64::from(line[i] - b'0'));
            i += 1;
        }
        decimals = i - fraction_from;
    }
    let digits = i - body - usize::from(point);
    let ends = i == n || line[i] == delimiter;
    // At most 12 characters after the sign keep the mantissa within a u64, as in the other way.
    if !ends || i - body > 12 || digits == 0 || mantissa >= 1 << 24 || decimals >= POW10.len() {
        return None;
    }
    let v = scaled_down(mantissa, decimals);
    Some((if negative { -v } else { v }, i))
}

/// Splits a plain line (no quotes) at `delimiter`.
fn split_plain(line: &[u8], delimiter: u8, spans: &mut Vec<(usize, usize)>) {
    let mut start = 0;
    for i in memchr::memchr_iter(delimiter, line) {
        spans.push((start, i));
        start = i + 1;
    }
    spans.push((start, line.len()));
}

/// A cell read as a number.
enum Number {
    Value(f32),
    Missing,
    Invalid,
}

/// Powers of ten that are exact in `f32` (10^10 = 2^10 * 5^10, and 5^10 < 2^24).
const POW10: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// The low `k` bytes of a word set (`k` up to 8).
#[inline(always)]
fn low_bytes(k: usize) -> u64 {
    if k >= 8 {
        u64::MAX
    } else {
        (1 << (8 * k)) - 1
    }
}

/// [`short_decimal_at`] without a branch per character, for a cell whose digits, point and
/// ending delimiter all lie in the 8 bytes after its sign (`-0.197,`: nearly every Bosch cell):
/// the non-digits of the word are found at once, the point taken out, and the digits combined
/// by three multiplications (the 8-digit method of Lemire's fast_float). `None` when the cell is
/// of any other shape, which the byte-by-byte way then reads; a value it gives is the one that
/// way gives (same mantissa and decimals).
#[inline(always)]
fn short_decimal_in_word(line: &[u8], at: usize, delimiter: u8) -> Option<(f32, usize)> {
    let first = *line.get(at)?;
    let negative = first == b'-';
    let start = at + usize::from(negative || first == b'+');
    if start + 8 > line.len() {
        return None;
    }
    let word = eight(line, start);
    let x = word ^ 0x3030_3030_3030_3030;
    // The high bit of every byte that is not an ASCII digit (no carry crosses bytes).
    let others = ((x & 0x7f7f_7f7f_7f7f_7f7f).wrapping_add(0x7676_7676_7676_7676) | x)
        & 0x8080_8080_8080_8080;
    if others == 0 {
        return None;
    }
    let byte = |k: usize| (word >> (8 * k)) as u8;
    let first_other = (others.trailing_zeros() / 8) as usize;
    let (end, digits_word, digits, decimals) = if byte(first_other) == b'.' {
        let rest = others & !(0x80u64 << (8 * first_other));
        if rest == 0 {
            return None;
        }
        let end = (rest.trailing_zeros() / 8) as usize;
        let decimals = end - first_other - 1;
        let whole = word & low_bytes(first_other);
        let fraction = (word >> (8 * (first_other + 1))) & low_bytes(decimals);
        (
            end,
            whole | (fraction << (8 * first_other)),
            end - 1,
            decimals,
        )
    } else {
        (first_other, word & low_bytes(first_other), first_other, 0)
    };
    if byte(end) != delimiter || digits == 0 {
        return None;
    }
    // Digits 0-9 in the low `digits` bytes (first digit lowest), moved up so that the bytes
    // below are leading zeros of an 8-digit number.
    let d = (digits_word - (0x3030_3030_3030_3030 & low_bytes(digits))) << (8 * (8 - digits));
    let d = ((d & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(2561)) >> 8;
    let d = ((d & 0x00ff_00ff_00ff_00ff).wrapping_mul(6_553_601)) >> 16;
    let mantissa = ((d & 0x0000_ffff_0000_ffff).wrapping_mul(42_949_672_960_001)) >> 32;
    let v = scaled_down(mantissa, decimals);
    Some((if negative { -v } else { v }, start + end))
}

/// `m / 1000` rounded to the nearest `f32`, for `m` below 10,000: the `f64` product rounded to
/// `f32` is the correctly rounded quotient for every such `m` (a test goes through them all),
/// without the division's latency or a table's cache misses.
#[inline(always)]
fn thousandths(m: u32) -> f32 {
    (f64::from(m) * 0.001) as f32
}

/// Reads the cell at `line[at]` when it is one digit, a point and one to three decimals
/// (`0.5`, `-0.197`: 98 % of the cells of the real Bosch extract) ended by `delimiter`: its
/// value and where it ends, else `None`. Its value is read as a count of thousandths (`0.5` is
/// 500 of them, the same number), which a multiplication converts exactly, so a cell costs a
/// few instructions instead of the general way's; it is the value [`parse_short_decimal`]
/// gives.
#[inline(always)]
fn one_digit_decimal_at(line: &[u8], at: usize, delimiter: u8) -> Option<(f32, usize)> {
    let negative = *line.get(at)? == b'-';
    let start = at + usize::from(negative);
    if start + 8 > line.len() {
        return None;
    }
    let word = eight(line, start);
    let digit = (word as u8).wrapping_sub(b'0');
    if digit > 9 || (word >> 8) as u8 != b'.' {
        return None;
    }
    // The decimals: the digits from the third byte up to the first byte that is not one.
    let x = (word >> 16) ^ 0x0000_3030_3030_3030;
    let others = ((x & 0x7f7f_7f7f_7f7f).wrapping_add(0x7676_7676_7676) | x) & 0x8080_8080_8080;
    let decimals = (others.trailing_zeros() / 8) as usize;
    if !(1..=3).contains(&decimals) || (word >> (8 * (2 + decimals))) as u8 != delimiter {
        return None;
    }
    // The decimals' digits, the first lowest, padded with zeros to three.
    let fraction = x & ((1 << (8 * decimals)) - 1);
    let fraction = (fraction & 0xff) * 100 + ((fraction >> 8) & 0xff) * 10 + (fraction >> 16);
    let v = thousandths(u32::from(digit) * 1000 + fraction as u32);
    Some((if negative { -v } else { v }, start + 2 + decimals))
}

/// Reciprocals of [`POW10`] in `f64` (each within half an ulp of the exact one).
const INV_POW10: [f64; 11] = [
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
];

/// `mantissa / 10^decimals` rounded to the nearest `f32`, as the `f32` division rounds it, with
/// a multiplication instead (a division held the parser up, a tenth of the whole stream's time).
/// The `f64` product is within a few of its ulps of the exact quotient, 29 bits finer than an
/// `f32`, so rounding it to `f32` gives the correctly rounded quotient unless it lies within
/// those few ulps of a halfway point between two `f32`s: only then is the division done.
#[inline(always)]
fn scaled_down(mantissa: u64, decimals: usize) -> f32 {
    let product = mantissa as f64 * INV_POW10[decimals];
    // The 29 bits an f32 drops from the f64's significand; halfway is 1 << 28.
    let dropped = (product.to_bits() & ((1 << 29) - 1)) as i64;
    if (dropped - (1 << 28)).abs() <= 16 {
        return mantissa as f32 / POW10[decimals];
    }
    product as f32
}

/// Reads a number cell. Short decimals (`-0.197`, `82.24`: at most 7 digits, no exponent) take
/// Clinger's fast path: the digits as an integer below 2^24 and the power of ten are both exact
/// in `f32`, so one division rounds correctly and gives what `str::parse::<f32>` gives. The rest
/// go through the table reader's float parser, so both readers agree on every cell.
#[inline(always)]
fn parse_number(raw: &[u8], decimal_comma: bool) -> Number {
    if let Some(v) = parse_short_decimal(raw) {
        return Number::Value(v);
    }
    parse_number_slow(raw, decimal_comma)
}

/// Padded, long, exponent, decimal-comma and missing-token cells.
#[cold]
fn parse_number_slow(raw: &[u8], decimal_comma: bool) -> Number {
    let t = trim(raw);
    if let Some(v) = parse_short_decimal(t) {
        return Number::Value(v);
    }
    if is_missing_token(t) {
        return Number::Missing;
    }
    match parse_float(t, decimal_comma) {
        Some((v, _)) => Number::Value(v),
        None => Number::Invalid,
    }
}

#[inline(always)]
fn parse_short_decimal(t: &[u8]) -> Option<f32> {
    let negative = t.first() == Some(&b'-');
    let mut i = usize::from(negative || t.first() == Some(&b'+'));
    let n = t.len();
    // At most 11 characters after the sign: the mantissa cannot overflow a u64.
    if n - i > 12 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let digits_from = i;
    while i < n && t[i].is_ascii_digit() {
        mantissa = mantissa * 10 + u64::from(t[i] - b'0');
        i += 1;
    }
    let mut decimals = 0;
    let mut digits = i - digits_from;
    if i < n && t[i] == b'.' {
        i += 1;
        let fraction_from = i;
        while i < n && t[i].is_ascii_digit() {
            mantissa = mantissa * 10 + u64::from(t[i] - b'0');
            i += 1;
        }
        decimals = i - fraction_from;
        digits += decimals;
    }
    if i != n || digits == 0 || mantissa >= 1 << 24 || decimals >= POW10.len() {
        return None;
    }
    let v = scaled_down(mantissa, decimals);
    Some(if negative { -v } else { v })
}

/// Reads an id: a whole number, possibly padded or written `12.0`.
fn parse_id(raw: &[u8]) -> Option<u64> {
    let t = trim(raw);
    let t = t.strip_suffix(b".0").unwrap_or(t);
    if t.is_empty() || t.len() > 19 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

fn not_binary(raw: &[u8]) -> ErrorKind {
    let t = trim(raw);
    if t.is_empty() {
        ErrorKind::Invalid("expected 0 or 1 in the target column, found an empty cell".into())
    } else {
        ErrorKind::Invalid(format!(
            "expected 0 or 1 in the target column, found \"{}\"",
            shown(raw)
        ))
    }
}

/// A cell as shown in a message: decoded leniently and cut to 60 characters.
fn shown(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(trim(raw));
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Collected = Vec<(u64, u64, Option<bool>, Vec<u32>, Vec<f32>)>;

    fn read_in(csv: &[u8], options: RowsOptions, chunk: usize) -> Result<Collected, CsvError> {
        let mut rows = Vec::new();
        let mut keep = |r: &SparseRow| {
            rows.push((
                r.id,
                r.line,
                r.target,
                r.features.to_vec(),
                r.values.to_vec(),
            ))
        };
        let mut stream = RowStream::new("t.csv", options);
        for part in csv.chunks(chunk.max(1)) {
            stream.push(part, &mut keep)?;
        }
        stream.finish(&mut keep)?;
        Ok(rows)
    }

    fn read(csv: &[u8]) -> Result<Collected, CsvError> {
        read_in(csv, RowsOptions::default(), csv.len().max(1))
    }

    #[test]
    fn thousandths_round_as_the_division() {
        for m in 0..10_000 {
            assert_eq!(thousandths(m), m as f32 / 1000.0, "{m}");
        }
    }

    #[test]
    fn short_decimals_agree_with_the_standard_parser() {
        for s in [
            "0",
            "-0.001",
            "0.03",
            "16777215",
            "0.0000000001",
            "82.24",
            "1718.48",
            "-0.197",
            "9999999",
            "0.1234567",
            "+3.5",
            "123.",
            ".5",
            "-.25",
        ] {
            let expected: f32 = s.parse().unwrap();
            assert_eq!(parse_short_decimal(s.as_bytes()), Some(expected), "{s}");
        }
        for s in [
            "16777216",
            "1e3",
            "1.2.3",
            "-",
            ".",
            "",
            "0x1",
            "0.00000000001",
        ] {
            assert_eq!(parse_short_decimal(s.as_bytes()), None, "{s}");
        }
    }

    /// Every mantissa an exact `f32` holds with every number of decimals: the multiplication
    /// rounds as the division does. About 185 million quotients: run with `--release -- --ignored`.
    #[test]
    #[ignore]
    fn scaling_down_agrees_with_the_division_everywhere() {
        for (decimals, power) in POW10.iter().enumerate() {
            for mantissa in 0..1u64 << 24 {
                let expected = mantissa as f32 / power;
                assert_eq!(
                    scaled_down(mantissa, decimals),
                    expected,
                    "{mantissa}e-{decimals}"
                );
            }
        }
    }

    /// Cells of every shape around the word's edges, each read both ways.
    #[test]
    fn the_word_reader_agrees_with_the_byte_reader() {
        let mut cells = Vec::new();
        for sign in ["", "-", "+"] {
            for whole in [
                "", "0", "7", "12", "123", "4567", "98765", "123456", "1234567", "12345678",
            ] {
                for fraction in [
                    None,
                    Some(""),
                    Some("5"),
                    Some("25"),
                    Some("125"),
                    Some("0625"),
                    Some("03125"),
                ] {
                    let cell = match fraction {
                        Some(f) => format!("{sign}{whole}.{f}"),
                        None => format!("{sign}{whole}"),
                    };
                    cells.push(cell);
                }
            }
        }
        cells.extend(["1e5", "1.2.3", "NA", "-", ".", " 1.5", "1.5 "].map(String::from));
        for cell in &cells {
            for tail in ["", ",", ",0.5,,,,,,,,,,", ";", "x,,,,,,,,,"] {
                let line = format!("{cell}{tail}");
                if cell.is_empty() {
                    // The line's loop never reads a cell at a delimiter.
                    continue;
                }
                let expected = parse_short_decimal(cell.as_bytes());
                let word = short_decimal_in_word(line.as_bytes(), 0, b',');
                if let Some((v, end)) = word {
                    assert_eq!(Some(v), expected, "{line}");
                    assert_eq!(end, cell.len(), "{line}");
                }
                let fused = short_decimal_at(line.as_bytes(), 0, b',');
                let ends = tail.is_empty() || tail.starts_with(',');
                let expected = if ends { expected } else { None };
                assert_eq!(fused.map(|(v, _)| v), expected, "{line}");
                if let Some((v, end)) = one_digit_decimal_at(line.as_bytes(), 0, b',') {
                    assert_eq!(Some(v), expected, "{line}");
                    assert_eq!(end, cell.len(), "{line}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Scaling down by a multiplication rounds as the division does.
        #[test]
        fn scaling_down_agrees_with_the_division(mantissa in 0u64..1 << 24, decimals in 0usize..11) {
            proptest::prop_assert_eq!(scaled_down(mantissa, decimals), mantissa as f32 / POW10[decimals]);
        }

        /// The one-pass reader of a cell inside a line reads what the whole-cell reader reads,
        /// and ends where the cell does, whatever follows it.
        #[test]
        fn the_fused_reader_agrees_with_the_whole_cell(
            cell in "[-+]?[0-9]{0,9}[.]?[0-9]{0,9}|[-+0-9.e NA]{0,14}",
            tail in "(,[0-9,.]{0,12})?",
            lead in "[0-9,]{0,3}",
        ) {
            let line = format!("{lead},{cell}{tail}");
            let at = lead.len() + 1;
            let expected = parse_short_decimal(cell.as_bytes());
            let fused = if cell.is_empty() { None } else { short_decimal_at(line.as_bytes(), at, b',') };
            if !cell.is_empty() {
                proptest::prop_assert_eq!(fused.map(|(v, _)| v), expected);
                if let Some((_, end)) = fused {
                    proptest::prop_assert_eq!(end, at + cell.len());
                }
                if let Some((v, end)) = one_digit_decimal_at(line.as_bytes(), at, b',') {
                    proptest::prop_assert_eq!(Some(v), expected);
                    proptest::prop_assert_eq!(end, at + cell.len());
                }
            }
        }
    }

    proptest::proptest! {
        /// The one-digit way reads `d.ddd`-shaped cells, whatever follows them, as the
        /// whole-cell reader does.
        #[test]
        fn the_one_digit_reader_agrees_with_the_whole_cell(
            cell in "[-+]?[0-9][.][0-9]{0,5}",
            tail in "([,;][0-9,.]{0,12})?|[0-9.x]{1,3}",
        ) {
            let line = format!("{cell}{tail}");
            let ends = tail.is_empty() || tail.starts_with(',');
            let expected = parse_short_decimal(cell.as_bytes()).filter(|_| ends);
            match one_digit_decimal_at(line.as_bytes(), 0, b',') {
                Some((v, end)) => {
                    proptest::prop_assert_eq!(Some(v), expected);
                    proptest::prop_assert_eq!(end, cell.len());
                }
                // Near the line's end or of another shape: the general way's to read.
                None => proptest::prop_assert!(
                    line.len() < cell.len().max(2) + 8
                        || !(1..=3).contains(&(cell.trim_start_matches('-').len() - 2))
                        || cell.starts_with('+')
                        || !ends
                ),
            }
        }

        /// Lines of empty runs, Bosch-shaped cells and others, split by the block masks: the
        /// same features and values as splitting at every delimiter and reading each cell.
        #[test]
        fn lines_read_as_their_cells_one_by_one(
            cells in proptest::collection::vec(
                "|||[-]?[0-9][.][0-9]{1,3}|[0-9]{1,4}|-?[0-9]{1,3}[.][0-9]{1,6}|NA| 1[.]5|1e3",
                1..200,
            ),
        ) {
            let header: Vec<String> = (0..cells.len()).map(|k| format!("f{k}")).collect();
            let csv = format!("Id,{},Response\n7,{},1\n", header.join(","), cells.join(","));
            let rows = read(csv.as_bytes()).unwrap();
            let mut expected = (Vec::new(), Vec::new());
            for (k, cell) in cells.iter().enumerate() {
                if let Number::Value(v) = parse_number(cell.as_bytes(), false) {
                    expected.0.push(k as u32);
                    expected.1.push(v);
                }
            }
            proptest::prop_assert_eq!(rows.len(), 1);
            proptest::prop_assert_eq!((rows[0].0, rows[0].2), (7, Some(true)));
            proptest::prop_assert_eq!(&rows[0].3, &expected.0);
            proptest::prop_assert_eq!(&rows[0].4, &expected.1);
        }
    }

    #[test]
    fn sparse_cells_ids_and_targets() {
        let rows = read(b"Id,a,b,c,Response\n4,0.5,,3,0\n\n7,,NA,-1e2,1\r\n").unwrap();
        assert_eq!(
            rows,
            vec![
                (4, 2, Some(false), vec![0, 2], vec![0.5, 3.0]),
                (7, 4, Some(true), vec![2], vec![-100.0]),
            ]
        );
    }

    #[test]
    fn quoted_lines_and_a_last_line_without_break() {
        let csv = b"\xef\xbb\xbf\"Id\",\"a\",b,Response\n1,\"2.5\",,\"1\"\n2,\"\n3\",4,0\n3,,,0";
        let e = read(csv).unwrap_err();
        // `"\n3"` is text in a number column: its record starts on line 3.
        assert_eq!((e.line, e.column), (Some(3), Some(2)));
        assert_eq!(e.column_name.as_deref(), Some("a"));
        let csv = b"\xef\xbb\xbf\"Id\",\"a\",b,Response\n1,\"2.5\",,\"1\"\n2,\" 3\",4,0\n3,,,0";
        for chunk in [1, 2, 3, 5, 7, 1000] {
            let rows = read_in(csv, RowsOptions::default(), chunk).unwrap();
            assert_eq!(
                rows,
                vec![
                    (1, 2, Some(true), vec![0], vec![2.5]),
                    (2, 3, Some(false), vec![0, 1], vec![3.0, 4.0]),
                    (3, 4, Some(false), vec![], vec![]),
                ],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn projection_and_no_id_or_target() {
        let options = RowsOptions {
            delimiter: Some(b';'),
            id: None,
            target: None,
            features: Some(vec!["c".into(), "a".into()]),
        };
        let rows = read_in(b"a;b;c\n1,5;x;2\n;y;\n", options, 4).unwrap();
        assert_eq!(
            rows,
            vec![
                (1, 2, None, vec![1, 0], vec![1.5, 2.0]),
                (2, 3, None, vec![], vec![]),
            ]
        );
    }

    /// Fields are counted right whether a line starts, ends or runs with empty ones, and a
    /// line with one too few or too many is refused at the column it lacks or has over.
    #[test]
    fn empty_fields_at_either_end_count() {
        let options = || RowsOptions {
            target: None,
            ..RowsOptions::default()
        };
        let rows = read_in(
            b"Id,a,b,c
1,,,
2,0.5,,
3,,,7
",
            options(),
            5,
        )
        .unwrap();
        let cells: Vec<(Vec<u32>, Vec<f32>)> = rows.into_iter().map(|r| (r.3, r.4)).collect();
        assert_eq!(
            cells,
            vec![(vec![], vec![]), (vec![0], vec![0.5]), (vec![2], vec![7.0])]
        );
        for (line, column) in [("4,,", 4), ("4,,,,", 5), ("4,1.5,2", 4), (",,,,", 5)] {
            let csv = format!("Id,a,b,c\n{line}\n");
            let e = read_in(csv.as_bytes(), options(), 64).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::Ragged { .. }), "{line}: {e}");
            assert_eq!(e.column, Some(column), "{line}");
        }
    }

    #[test]
    fn errors_name_file_line_column_and_name() {
        let e = read(b"Id,a,b\n1,2,3\n").unwrap_err();
        assert!(matches!(&e.kind, ErrorKind::MissingColumn { name, .. } if name == "Response"));
        assert!(e
            .to_string()
            .starts_with("t.csv: no column named \"Response\""));

        let says =
            |csv: &[u8], message: &str| assert_eq!(read(csv).unwrap_err().to_string(), message);
        says(
            b"Id,a,Response\n1,2,0\n2,3,2\n",
            "t.csv, line 3, column 3 (Response): expected 0 or 1 in the target column, found \"2\"",
        );
        says(
            b"Id,a,Response\n1,2,\n",
            "t.csv, line 2, column 3 (Response): expected 0 or 1 in the target column, found an empty cell",
        );
        says(
            b"Id,a,Response\n1,2,0\n2,abc,1\n",
            "t.csv, line 3, column 2 (a): expected a number, found \"abc\"",
        );
        says(
            b"Id,a,b,Response\n1,2,3,0\n2,3,1\n",
            "t.csv, line 3, column 4 (Response): expected 4 fields, found 3",
        );
        says(
            b"Id,a,Response\n1,2,0,5\n",
            "t.csv, line 2, column 4: expected 3 fields, found 4",
        );
        says(
            b"Id,a,Response\nx,2,0\n",
            "t.csv, line 2, column 1 (Id): expected a whole number as the id, found \"x\"",
        );
        assert_eq!(read(b"").unwrap_err().kind, ErrorKind::EmptyFile);
        assert_eq!(
            read(b"Id,a,Response\n").unwrap_err().kind,
            ErrorKind::NoDataRows
        );
    }

    #[test]
    fn an_error_sticks() {
        let mut stream = RowStream::new("t.csv", RowsOptions::default());
        let mut ignore = |_: &SparseRow| {};
        assert!(stream.push(b"Id,a,Response\n1,x,0\n", &mut ignore).is_err());
        assert!(stream.push(b"2,1,0\n", &mut ignore).is_err());
        assert!(stream.finish(&mut ignore).is_err());
    }

    #[test]
    fn selected_rows_only_skip_the_rest_unread() {
        let csv = b"Id,a,Response\n1,1,0\n2,bad,0\n3,3,1\n";
        let mut ids = Vec::new();
        let mut stream = RowStream::new("t.csv", RowsOptions::default());
        let mut select = |i: u64| i != 1;
        let mut keep = |r: &SparseRow| ids.push((r.index, r.id));
        stream.push_selected(csv, &mut select, &mut keep).unwrap();
        let summary = stream.finish_selected(&mut select, &mut keep).unwrap();
        assert_eq!(ids, vec![(0, 1), (2, 3)]);
        assert_eq!(summary.rows, 3);
    }
}
