//! How a pass of the stream gets its rows: from text the session parses itself, or from batches
//! of rows parsed elsewhere (the page's second worker, a thread of the command line), so that
//! parsing and scoring run on two cores at once. Either way the session sees the same
//! [`SparseRow`]s in the same order.

use tabular::rows::batch::{BatchHeader, RowBatch};
use tabular::rows::{RowStream, RowsSummary, SparseRow};
use tabular::{CsvError, ErrorKind};

/// What a pass is fed.
#[derive(Debug, Clone, Copy)]
pub(super) enum Input<'a> {
    /// The next chunk of the file's text.
    Text(&'a [u8]),
    /// At most this many rows of the batch at hand.
    Rows(usize),
}

/// The rows of the pass being read: see the module documentation.
pub(super) enum Reader {
    Text(Box<RowStream>),
    Parsed(Box<Parsed>),
}

/// A pass parsed elsewhere: the header's names, the batch at hand and how far it is used.
#[derive(Default)]
pub(super) struct Parsed {
    header: Option<BatchHeader>,
    batch: RowBatch,
    next: usize,
    rows_in_file: Option<u64>,
    text_bytes: u64,
}

impl Reader {
    /// Whether the pass may still be fed batches: nothing has been read as text.
    pub(super) fn takes_rows(&self) -> bool {
        match self {
            Reader::Text(stream) => stream.bytes() == 0,
            Reader::Parsed(_) => true,
        }
    }

    /// Takes the next batch of the pass (its bytes), once the last one is used; returns the
    /// bytes of text it was read from.
    pub(super) fn take_batch(&mut self, bytes: &[u8], file: &str) -> Result<u64, CsvError> {
        let invalid = |m: String| CsvError::new(file, ErrorKind::Invalid(m));
        if !self.takes_rows() {
            return Err(invalid("this pass is read as text, not as rows".into()));
        }
        if let Reader::Text(_) = self {
            *self = Reader::Parsed(Box::default());
        }
        let Reader::Parsed(parsed) = self else {
            unreachable!("made above")
        };
        if parsed.pending() {
            return Err(invalid(
                "the rows of the last batch are not all used yet".into(),
            ));
        }
        let mut batch = RowBatch::from_bytes(bytes).map_err(invalid)?;
        if let Some(header) = batch.take_header() {
            parsed.header = Some(header);
        }
        if !batch.is_empty() && parsed.header.is_none() {
            return Err(invalid("rows came before the header's names".into()));
        }
        parsed.rows_in_file = batch.rows_in_file().or(parsed.rows_in_file);
        parsed.text_bytes += batch.text_bytes();
        parsed.batch = batch;
        parsed.next = 0;
        Ok(parsed.batch.text_bytes())
    }

    /// Whether rows of a batch wait to be used.
    pub(super) fn pending(&self) -> bool {
        matches!(self, Reader::Parsed(parsed) if parsed.pending())
    }

    /// Feeds `input`, calling `on_row` for each row `select` keeps (by 0-based index).
    pub(super) fn feed(
        &mut self,
        input: Input,
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<(), CsvError> {
        match (self, input) {
            (Reader::Text(stream), Input::Text(chunk)) => {
                stream.push_selected(chunk, select, on_row)
            }
            (Reader::Parsed(parsed), Input::Rows(max)) => {
                let end = parsed.next.saturating_add(max).min(parsed.batch.len());
                let names = parsed.header.as_ref().map_or(&[][..], |h| &h.features);
                for i in parsed.next..end {
                    let row = parsed.batch.row(i, names);
                    if select(row.index) {
                        on_row(&row);
                    }
                }
                parsed.next = end;
                Ok(())
            }
            (Reader::Parsed(_), Input::Text(_)) => Err(CsvError::new(
                "",
                ErrorKind::Invalid("this pass is read as rows, not as text".into()),
            )),
            (Reader::Text(_), Input::Rows(_)) => Ok(()),
        }
    }

    /// Ends the pass: what it read.
    pub(super) fn finish(
        self,
        file: &str,
        select: &mut impl FnMut(u64) -> bool,
        on_row: &mut impl FnMut(&SparseRow),
    ) -> Result<RowsSummary, CsvError> {
        match self {
            Reader::Text(stream) => stream.finish_selected(select, on_row),
            Reader::Parsed(parsed) => {
                let invalid = |m: &str| CsvError::new(file, ErrorKind::Invalid(m.into()));
                if parsed.pending() {
                    return Err(invalid("the pass ended before its rows were all used"));
                }
                let rows = parsed
                    .rows_in_file
                    .ok_or_else(|| invalid("the pass ended before its last batch of rows"))?;
                Ok(RowsSummary {
                    rows,
                    bytes: parsed.text_bytes,
                    features: parsed.header.map(|h| h.features).unwrap_or_default(),
                })
            }
        }
    }

    /// Every column name of the header, once read (for messages that name a column).
    pub(super) fn column_names(&self) -> Option<&[String]> {
        match self {
            Reader::Text(stream) => stream.column_names(),
            Reader::Parsed(parsed) => parsed.header.as_ref().map(|h| h.columns.as_slice()),
        }
    }
}

impl Parsed {
    fn pending(&self) -> bool {
        self.next < self.batch.len()
    }
}
