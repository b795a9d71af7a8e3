//! Records as they stream: chunks in, one record of raw fields at a time out, no table built.
//!
//! A use case that keeps its own compact form of a file too large for a table (Santander's
//! 13.6 M rows, of which it keeps a bit per product and a byte per demographic field) reads it
//! with a [`RecordStream`]: a push parser like [`crate::StreamReader`] (chunks of any size, in
//! file order; a `.gz` or a `.zip` unpacked as it streams), which hands a [`RecordSink`] the
//! header once and then every data record as raw fields with the line it starts on. Memory is
//! bounded by the longest record, whatever the file's size. `csv-core` does the quoting; the
//! field count of every record is checked against the header, and errors name file, line and
//! column as the table reader's do.
//!
//! ```
//! use tabular::records::{Record, RecordSink, RecordStream};
//! use tabular::CsvError;
//! struct Ages(Vec<(u64, String)>);
//! impl RecordSink for Ages {
//!     fn header(&mut self, names: &[String]) -> Result<(), CsvError> {
//!         assert_eq!(names, ["name", "age"]);
//!         Ok(())
//!     }
//!     fn record(&mut self, record: &Record<'_>) -> Result<(), CsvError> {
//!         let age = String::from_utf8_lossy(record.field(1)).trim().to_string();
//!         self.0.push((record.line, age));
//!         Ok(())
//!     }
//! }
//! let csv = b"name,age\n\"Doe, J\", 35\n\"multi\nline\",NA\n";
//! let mut ages = Ages(Vec::new());
//! let mut stream = RecordStream::new("people.csv");
//! stream.push(&csv[..13], &mut ages).unwrap();
//! stream.push(&csv[13..], &mut ages).unwrap();
//! stream.finish(&mut ages).unwrap();
//! assert_eq!(ages.0, [(2, "35".to_string()), (3, "NA".to_string())]);
//! ```

use crate::archive::{gzip_entry_name, Archive, Entries, Gzip, Zip};
use crate::error::{CsvError, ErrorKind};
use crate::sniff::{content, is_archive, is_zip, Content, CANDIDATES, CONTENT_BYTES};
use csv_core::ReadRecordResult;

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// One data record, lent for the callback's duration.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The file's name as errors give it (`train_ver2.csv in train_ver2.csv.zip`).
    pub file: &'a str,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// 0-based index of the record among the data records.
    pub index: u64,
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl<'a> Record<'a> {
    /// Number of fields (the header's: other counts are errors before a sink sees them).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no field.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` (0-based) as written, quotes removed.
    pub fn field(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }
}

/// What a [`RecordStream`] hands its records to.
pub trait RecordSink {
    /// The header's column names, once, before any record.
    fn header(&mut self, names: &[String]) -> Result<(), CsvError>;
    /// The next data record.
    fn record(&mut self, record: &Record<'_>) -> Result<(), CsvError>;
}

/// Push parser of raw records: [`push`](RecordStream::push) the chunks of a file in order, then
/// [`finish`](RecordStream::finish). A gzip file is read through; of a zip archive, its first
/// CSV file. After the first error every call returns it.
pub struct RecordStream {
    /// The name errors give: the file, or `entry in archive`.
    file: String,
    /// The first bytes, until what the file holds is known.
    head: Vec<u8>,
    state: State,
    input_bytes: u64,
    error: Option<CsvError>,
}

enum State {
    Undecided,
    Text(Box<Parser>),
    Packed(Box<(Archive, Parser)>),
}

/// The CSV parser proper, over text bytes.
struct Parser {
    file: String,
    core: Option<csv_core::Reader>,
    /// Bytes held until the header line is whole (the delimiter is chosen from it).
    pending: Vec<u8>,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// `\n`s consumed so far.
    newlines: u64,
    header: Option<Vec<String>>,
    rows: u64,
    text_bytes: u64,
    bom_checked: bool,
    /// The archive the text comes from, if any, and whether it is a gzip file (whose one
    /// file is read whatever its name).
    archive: Option<(String, bool)>,
    /// An archive's file has been read (only the first CSV file is).
    entry_read: bool,
}

impl RecordStream {
    /// A stream for the file called `file_name` (named in errors).
    pub fn new(file_name: &str) -> RecordStream {
        RecordStream {
            file: file_name.to_string(),
            head: Vec::new(),
            state: State::Undecided,
            input_bytes: 0,
            error: None,
        }
    }

    /// Bytes of the file consumed (compressed bytes for an archive).
    pub fn input_bytes(&self) -> u64 {
        self.input_bytes
    }

    /// Bytes of text read (uncompressed).
    pub fn text_bytes(&self) -> u64 {
        self.parser().map_or(0, |p| p.text_bytes)
    }

    /// Data records read so far.
    pub fn rows(&self) -> u64 {
        self.parser().map_or(0, |p| p.rows)
    }

    /// The header's names, once read.
    pub fn header(&self) -> Option<&[String]> {
        self.parser().and_then(|p| p.header.as_deref())
    }

    fn parser(&self) -> Option<&Parser> {
        match &self.state {
            State::Undecided => None,
            State::Text(p) => Some(p),
            State::Packed(packed) => Some(&packed.1),
        }
    }

    /// Feeds the next chunk, handing `sink` the header and every record it completes.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.input_bytes += chunk.len() as u64;
        let result = match &mut self.state {
            State::Undecided => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= CONTENT_BYTES {
                    self.decide(sink)
                } else {
                    Ok(())
                }
            }
            State::Text(p) => p.feed(chunk, sink),
            State::Packed(packed) => {
                let (archive, parser) = &mut **packed;
                archive.push(chunk, &mut Unpacked { parser, sink })
            }
        };
        if let Err(e) = &result {
            self.error = Some(e.clone());
        }
        result
    }

    /// Ends the file: the last record (without a final line break) goes to `sink`. Returns the
    /// number of data records.
    pub fn finish(mut self, sink: &mut dyn RecordSink) -> Result<u64, CsvError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if matches!(self.state, State::Undecided) {
            self.decide(sink)?;
        }
        let parser = match self.state {
            State::Undecided => unreachable!("decided above"),
            State::Text(mut p) => {
                p.end(sink)?;
                p
            }
            State::Packed(packed) => {
                let (mut archive, mut parser) = *packed;
                archive.finish(&mut Unpacked {
                    parser: &mut parser,
                    sink,
                })?;
                if !parser.entry_read {
                    return Err(CsvError::new(
                        &self.file,
                        ErrorKind::Archive("the archive holds no CSV file".into()),
                    ));
                }
                Box::new(parser)
            }
        };
        if parser.header.is_none() {
            return Err(CsvError::new(&parser.file, ErrorKind::EmptyFile));
        }
        Ok(parser.rows)
    }

    fn decide(&mut self, sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        let head = std::mem::take(&mut self.head);
        if is_archive(&head) {
            let gzip = !is_zip(&head);
            let archive = if gzip {
                Archive::Gzip(Gzip::new(&self.file, &gzip_entry_name(&self.file)))
            } else {
                Archive::Zip(Zip::new(&self.file))
            };
            let mut parser = Parser::new(&self.file);
            parser.archive = Some((self.file.clone(), gzip));
            self.state = State::Packed(Box::new((archive, parser)));
            let State::Packed(packed) = &mut self.state else {
                unreachable!("just set")
            };
            let (archive, parser) = &mut **packed;
            return archive.push(&head, &mut Unpacked { parser, sink });
        }
        match content(&head) {
            Content::Text => {}
            Content::Binary(binary) => {
                return Err(CsvError::new(&self.file, ErrorKind::NotText(binary)))
            }
            Content::Utf16 { .. } => {
                return Err(CsvError::new(
                    &self.file,
                    ErrorKind::Invalid(
                        "UTF-16 text: save the file as UTF-8 to read it as a stream".into(),
                    ),
                ))
            }
        }
        let mut parser = Box::new(Parser::new(&self.file));
        let result = parser.feed(&head, sink);
        self.state = State::Text(parser);
        result
    }
}

/// The archive's files, as the parser reads them.
struct Unpacked<'a> {
    parser: &'a mut Parser,
    sink: &'a mut dyn RecordSink,
}

impl Entries for Unpacked<'_> {
    fn begin(&mut self, name: &str, _size: Option<u64>) -> Result<bool, CsvError> {
        let Some((archive, gzip)) = &self.parser.archive else {
            return Ok(false);
        };
        let base = name.rsplit('/').next().unwrap_or(name);
        let lower = base.to_ascii_lowercase();
        let csv = [".csv", ".tsv", ".txt", ".tab"]
            .iter()
            .any(|e| lower.ends_with(e))
            && !name.starts_with("__MACOSX/")
            && !base.starts_with('.');
        if self.parser.entry_read || !(csv || *gzip) {
            return Ok(false);
        }
        self.parser.file = format!("{base} in {archive}");
        self.parser.entry_read = true;
        Ok(true)
    }

    fn data(&mut self, bytes: &[u8]) -> Result<(), CsvError> {
        self.parser.feed(bytes, self.sink)
    }

    fn end(&mut self) -> Result<(), CsvError> {
        self.parser.end(self.sink)
    }
}

impl Parser {
    fn new(file: &str) -> Parser {
        Parser {
            file: file.to_string(),
            core: None,
            pending: Vec::new(),
            out: vec![0; 64 << 10],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            newlines: 0,
            header: None,
            rows: 0,
            text_bytes: 0,
            bom_checked: false,
            archive: None,
            entry_read: false,
        }
    }

    fn feed(&mut self, mut input: &[u8], sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        self.text_bytes += input.len() as u64;
        if !self.bom_checked {
            self.pending.extend_from_slice(input);
            if self.pending.len() < UTF8_BOM.len() {
                return Ok(());
            }
            self.bom_checked = true;
            let held = std::mem::take(&mut self.pending);
            let text = held.strip_prefix(UTF8_BOM).unwrap_or(&held);
            return self.feed_text(text, sink);
        }
        if self.core.is_none() {
            self.pending.extend_from_slice(input);
            let held = std::mem::take(&mut self.pending);
            return self.feed_text(&held, sink);
        }
        self.read(&mut input, sink)
    }

    /// Text after the byte-order mark: held until the header line is whole, then parsed.
    fn feed_text(&mut self, text: &[u8], sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        if self.core.is_none() {
            if !text.contains(&b'\n') {
                self.pending.extend_from_slice(text);
                return Ok(());
            }
            self.start(text);
        }
        let mut input = text;
        self.read(&mut input, sink)
    }

    /// Chooses the delimiter from the header line (the candidate it holds most, outside
    /// quotes; a comma when it holds none).
    fn start(&mut self, text: &[u8]) {
        let mut counts = [0usize; 4];
        let mut quoted = false;
        for &b in text.iter().take_while(|&&b| b != b'\n') {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
            }
        }
        let best = (0..4).max_by_key(|&k| (counts[k], 4 - k)).unwrap_or(0);
        let delimiter = if counts[best] == 0 {
            b','
        } else {
            CANDIDATES[best]
        };
        self.core = Some(csv_core::ReaderBuilder::new().delimiter(delimiter).build());
    }

    fn end(&mut self, sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        if !self.bom_checked || self.core.is_none() {
            self.bom_checked = true;
            let held = std::mem::take(&mut self.pending);
            if held.is_empty() && self.core.is_none() {
                return Ok(());
            }
            self.start(&held);
            let mut input = &held[..];
            self.read(&mut input, sink)?;
        }
        let mut empty: &[u8] = &[];
        self.read(&mut empty, sink)
    }

    /// Runs csv-core over `input` (empty: the end of the file).
    fn read(&mut self, input: &mut &[u8], sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        let at_end = input.is_empty();
        loop {
            let core = self.core.as_mut().expect("started");
            let (result, nin, nout, nend) = core.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            let consumed = &input[..nin];
            self.newlines += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
            let ended_by_lf = consumed.last() == Some(&b'\n');
            *input = &input[nin..];
            // csv-core counts the ends from the record's first output byte, across calls.
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                ReadRecordResult::InputEmpty => {
                    if input.is_empty() && !at_end {
                        return Ok(());
                    }
                }
                ReadRecordResult::OutputFull => {
                    let len = self.out.len();
                    self.out.resize(len * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => {
                    let last_line = self.newlines + u64::from(!ended_by_lf);
                    let inside = self.out[..self.out_len]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count() as u64;
                    let line = last_line - inside;
                    self.emit(line, sink)?;
                    self.out_len = 0;
                    self.ends_len = 0;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    fn emit(&mut self, line: u64, sink: &mut dyn RecordSink) -> Result<(), CsvError> {
        let record = Record {
            file: &self.file,
            line,
            index: self.rows,
            bytes: &self.out[..self.out_len],
            ends: &self.ends[..self.ends_len],
        };
        match &self.header {
            None => {
                let names: Vec<String> = (0..record.len())
                    .map(|i| String::from_utf8_lossy(record.field(i)).trim().to_string())
                    .collect();
                sink.header(&names)?;
                self.header = Some(names);
                Ok(())
            }
            Some(names) => {
                if record.len() != names.len() {
                    return Err(CsvError {
                        file: self.file.clone(),
                        line: Some(line),
                        column: None,
                        column_name: None,
                        kind: ErrorKind::Ragged {
                            expected: names.len(),
                            found: record.len(),
                            open_quote: None,
                        },
                    });
                }
                self.rows += 1;
                sink.record(&record)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        header: Vec<String>,
        rows: Vec<(u64, Vec<String>)>,
    }

    impl RecordSink for Collect {
        fn header(&mut self, names: &[String]) -> Result<(), CsvError> {
            self.header = names.to_vec();
            Ok(())
        }
        fn record(&mut self, record: &Record<'_>) -> Result<(), CsvError> {
            let fields = (0..record.len())
                .map(|i| String::from_utf8_lossy(record.field(i)).into_owned())
                .collect();
            self.rows.push((record.line, fields));
            Ok(())
        }
    }

    fn read_in_chunks(bytes: &[u8], chunk: usize) -> Result<Collect, CsvError> {
        let mut sink = Collect::default();
        let mut stream = RecordStream::new("t.csv");
        for part in bytes.chunks(chunk.max(1)) {
            stream.push(part, &mut sink)?;
        }
        stream.finish(&mut sink)?;
        Ok(sink)
    }

    #[test]
    fn lines_quotes_crlf_and_bom_whatever_the_chunks() {
        let csv = "\u{feff}\"a\",\"b\"\r\n1,\"x, y\"\r\n\r\n2,\"two\nlines\"\r\n3,last";
        let whole = read_in_chunks(csv.as_bytes(), csv.len()).unwrap();
        assert_eq!(whole.header, ["a", "b"]);
        let lines: Vec<u64> = whole.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(whole.rows[0].1, ["1", "x, y"]);
        assert_eq!(whole.rows[1].1, ["2", "two\nlines"]);
        assert_eq!(whole.rows[2].1, ["3", "last"]);
        for chunk in 1..12 {
            let cut = read_in_chunks(csv.as_bytes(), chunk).unwrap();
            assert_eq!(cut.rows, whole.rows, "chunks of {chunk}");
        }
    }

    #[test]
    fn ragged_record_names_its_line() {
        let e = read_in_chunks(b"a,b\n1,2\n3\n", 3).err().unwrap();
        assert_eq!(e.line, Some(3));
        assert!(matches!(
            e.kind,
            ErrorKind::Ragged {
                expected: 2,
                found: 1,
                ..
            }
        ));
    }

    #[test]
    fn semicolons_are_sniffed_from_the_header_and_binaries_named() {
        let r = read_in_chunks(b"a;b\n1;2,5\n", 4).unwrap();
        assert_eq!(r.rows[0].1, ["1", "2,5"]);
        let e = read_in_chunks(b"\x89PNG\r\n\x1a\n\0\0\0", 64)
            .err()
            .unwrap();
        assert!(matches!(e.kind, ErrorKind::NotText(_)));
        let e = read_in_chunks(b"", 1).err().unwrap();
        assert_eq!(e.kind, ErrorKind::EmptyFile);
    }

    #[test]
    fn archives_are_read_through_and_named_in_errors() {
        let gz = include_bytes!("../tests/fixtures/rossmann_store.csv.gz");
        let zip = include_bytes!("../tests/fixtures/rossmann_kaggle_layout.zip");
        for (name, bytes) in [("store.csv.gz", &gz[..]), ("rossmann.zip", &zip[..])] {
            let mut sink = Collect::default();
            let mut stream = RecordStream::new(name);
            for part in bytes.chunks(1000) {
                stream.push(part, &mut sink).unwrap();
            }
            let rows = stream.finish(&mut sink).unwrap();
            assert!(rows > 0 && sink.rows.len() as u64 == rows, "{name}");
            assert!(!sink.header.is_empty(), "{name}");
        }
        struct Refuse;
        impl RecordSink for Refuse {
            fn header(&mut self, _: &[String]) -> Result<(), CsvError> {
                Ok(())
            }
            fn record(&mut self, r: &Record<'_>) -> Result<(), CsvError> {
                Err(CsvError {
                    line: Some(r.line),
                    ..CsvError::new(r.file, ErrorKind::Invalid("no".into()))
                })
            }
        }
        let mut stream = RecordStream::new("store.csv.gz");
        let e = stream.push(gz, &mut Refuse).err().unwrap();
        assert_eq!(
            (e.line, &e.file[..]),
            (Some(2), "store.csv in store.csv.gz")
        );
        assert_eq!(stream.header().map(|h| h.is_empty()), Some(false));
    }
}
