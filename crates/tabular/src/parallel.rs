//! Reading one file on several threads (native builds: the command line and the benches).
//!
//! The file is cut into parts at line starts. The first part is read as usual, header included;
//! each other part is read on its own thread as if its first line started a record, with
//! builders that start untyped and note the first cell of each kind. The parts are then
//! appended in file order ([`StreamReader::append_part`]), which joins column kinds, remaps
//! dictionaries and places the first mismatch as one read would have.
//!
//! A cut may fall inside a quoted field that holds a newline. A part is only taken when the
//! input before it ends between two records; otherwise its bytes are fed to the reader that
//! got there, as a single read would. So the table, and the first error, are always those of
//! [`StreamReader`] over the whole file.

use crate::builder::{ColumnBuilder, Decode, Diverged};
use crate::error::{CsvError, ErrorKind};
use crate::reader::{expected_rows, Parsing, ReadOptions, StreamReader};
use crate::table::Table;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ScopedJoinHandle;

/// Why a part could not be appended.
#[derive(Debug)]
pub(crate) enum Appended {
    /// The part, which starts at a record, has a bad record: the file's first error.
    Error(CsvError),
    /// The file must be read in one go (see [`crate::builder::ColumnBuilder::append`]).
    Diverged,
}

/// What reading a part of a file needs from the file's header.
#[derive(Clone)]
pub(crate) struct PartTemplate {
    delimiter: u8,
    n_fields: usize,
    map: Vec<usize>,
    header_names: Vec<String>,
    /// Names of the kept columns.
    names: Vec<String>,
    latin1: bool,
    /// Bytes per row in the rows read so far.
    bytes_per_row: f64,
}

impl StreamReader {
    /// What a part of this file read on another thread needs from its header: `None` until the
    /// header has been read.
    fn part_template(&self) -> Option<PartTemplate> {
        // UTF-16 text is not cut at its bytes' newlines; summaries are sums in row order.
        if self.utf16.is_some() {
            return None;
        }
        let p = self
            .parsing
            .as_ref()
            .filter(|p| p.header_seen && p.summaries.is_empty())?;
        Some(PartTemplate {
            delimiter: p.delimiter,
            n_fields: p.n_fields,
            map: p.map.clone(),
            header_names: p.header_names.clone(),
            names: p.builders.iter().map(|b| b.name.clone()).collect(),
            latin1: p.decode.latin1,
            bytes_per_row: self.bytes_per_row(),
        })
    }

    /// True when the input so far ends between two records (the next byte starts a record).
    fn at_record_boundary(&self) -> bool {
        self.error.is_none()
            && self
                .parsing
                .as_ref()
                .is_some_and(|p| p.header_seen && p.between_records)
    }

    /// Takes in the part of the file that follows the input so far (which ends between two
    /// records), read by [`Parsing::part`] from `bytes` bytes, or its error.
    fn append_part(&mut self, part: Result<Parsing, CsvError>, bytes: u64) -> Result<(), Appended> {
        let p = self
            .parsing
            .as_mut()
            .expect("parts follow a header that has been read");
        let result = match part {
            Ok(part) => p.append(part).map_err(|Diverged| Appended::Diverged),
            Err(mut e) => {
                // The part numbered its lines from 1.
                e.line = e.line.map(|line| line + p.lines_consumed());
                Err(Appended::Error(e))
            }
        };
        if let Err(Appended::Error(e)) = &result {
            self.error = Some(e.clone());
        }
        self.bytes += bytes;
        result
    }
}

impl Parsing {
    /// A parser for a part of a file that starts at the beginning of a line after the header,
    /// as if that line started a record. Its lines are numbered from 1.
    fn part(template: &PartTemplate, bytes: u64) -> Parsing {
        let rows = expected_rows(bytes, template.bytes_per_row, template.names.len());
        let mut part = Parsing::new(template.delimiter, template.latin1);
        part.between_records = true;
        part.header_seen = true;
        part.n_fields = template.n_fields;
        part.map.clone_from(&template.map);
        part.header_names.clone_from(&template.header_names);
        part.builders = template
            .names
            .iter()
            .map(|name| ColumnBuilder::track_kinds(name.clone(), rows))
            .collect();
        part
    }

    /// Feeds bytes of a part; the end of a part is not the end of the file.
    fn feed_part(&mut self, input: &[u8], file: &str) -> Result<(), CsvError> {
        if input.is_empty() {
            return Ok(());
        }
        self.feed(input, file)
    }

    /// Newlines consumed so far, counting those before this parser's first byte.
    fn lines_consumed(&self) -> u64 {
        self.line_base + self.core.line() - 1 + self.fast_lines
    }

    /// Appends the rows of `part`, which starts where the input of `self` ends (between two
    /// records), and carries on in its state: the next bytes are those after the part.
    fn append(&mut self, mut part: Parsing) -> Result<(), Diverged> {
        let lines_before = self.lines_consumed();
        if part.decode.latin1 && !self.decode.latin1 {
            self.switch_to_latin1();
        } else if self.decode.latin1 && !part.decode.latin1 {
            part.switch_to_latin1();
        }
        let mut builders = std::mem::take(&mut self.builders);
        for (mine, mut theirs) in builders.iter_mut().zip(std::mem::take(&mut part.builders)) {
            theirs.shift_lines(lines_before);
            mine.append(theirs, self.decode.latin1)?;
        }
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.append(std::mem::take(&mut part.warnings), lines_before);
        // The rows so far, in the part's reading state (its header fields are this file's).
        *self = Parsing {
            builders,
            warnings,
            rows: self.rows + part.rows,
            kept_bytes: self.kept_bytes + part.kept_bytes,
            limit: self.limit,
            projected: self.projected,
            line_base: lines_before + part.line_base,
            decode: Decode {
                decimal_comma_seen: self.decode.decimal_comma_seen
                    || part.decode.decimal_comma_seen,
                ..self.decode
            },
            ..part
        };
        Ok(())
    }
}

/// Parts smaller than this are not worth a thread.
#[cfg(any(unix, windows))]
pub(crate) const MIN_PART_BYTES: u64 = 4 << 20;

/// Bytes read from a file at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// Random access to the bytes of a file.
trait Source: Sync {
    fn len(&self) -> u64;

    /// Feeds `start..end` to `each` in order, in chunks, stopping at the first error.
    fn read(
        &self,
        start: u64,
        end: u64,
        each: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError>;

    /// Where the first line that starts at or after `offset` starts (the end if none does).
    fn line_start_from(&self, offset: u64) -> Result<u64, CsvError>;
}

struct Memory<'a>(&'a [u8]);

impl Source for Memory<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(
        &self,
        start: u64,
        end: u64,
        each: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        self.0[start as usize..end as usize]
            .chunks(CHUNK_BYTES)
            .try_for_each(each)
    }

    fn line_start_from(&self, offset: u64) -> Result<u64, CsvError> {
        let offset = offset as usize;
        if offset == 0 {
            return Ok(0);
        }
        // A line starts after a `\n`: look from the byte before `offset`.
        Ok(
            memchr::memchr(b'\n', &self.0[offset - 1..])
                .map_or(self.len(), |i| (offset + i) as u64),
        )
    }
}

#[cfg(any(unix, windows))]
struct File<'a> {
    file: std::fs::File,
    len: u64,
    name: &'a str,
}

#[cfg(any(unix, windows))]
impl File<'_> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize, CsvError> {
        loop {
            #[cfg(unix)]
            let read = std::os::unix::fs::FileExt::read_at(&self.file, buf, offset);
            #[cfg(windows)]
            let read = std::os::windows::fs::FileExt::seek_read(&self.file, buf, offset);
            match read {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CsvError::unreadable(self.name, &e)),
                Ok(n) => return Ok(n),
            }
        }
    }
}

#[cfg(any(unix, windows))]
impl Source for File<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(
        &self,
        start: u64,
        end: u64,
        each: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        let mut buf = vec![0; CHUNK_BYTES];
        let mut at = start;
        while at < end {
            let want = (end - at).min(CHUNK_BYTES as u64) as usize;
            let n = self.read_at(&mut buf[..want], at)?;
            if n == 0 {
                let eof = std::io::ErrorKind::UnexpectedEof.into();
                return Err(CsvError::unreadable(self.name, &eof));
            }
            each(&buf[..n])?;
            at += n as u64;
        }
        Ok(())
    }

    fn line_start_from(&self, offset: u64) -> Result<u64, CsvError> {
        if offset == 0 {
            return Ok(0);
        }
        let mut buf = vec![0; 64 << 10];
        let mut at = offset - 1;
        while at < self.len {
            let n = self.read_at(&mut buf, at)?;
            if n == 0 {
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
                return Ok(at + i as u64 + 1);
            }
            at += n as u64;
        }
        Ok(self.len)
    }
}

/// Reads a whole in-memory file as `parts` parts on as many threads: the same table (or error)
/// as [`crate::read_bytes`].
pub fn read_bytes_in_parts(
    file_name: &str,
    bytes: &[u8],
    options: ReadOptions,
    parts: usize,
) -> Result<Table, CsvError> {
    read_in_parts(file_name, &Memory(bytes), options, parts)
}

/// Reads the file at `path` (called `name` in messages) in as many parts as `parts` says for its
/// size.
#[cfg(any(unix, windows))]
pub(crate) fn read_file(
    name: &str,
    path: &std::path::Path,
    options: ReadOptions,
    parts: impl FnOnce(u64) -> usize,
) -> Result<Table, CsvError> {
    let file = std::fs::File::open(path).map_err(|e| CsvError::unreadable(name, &e))?;
    let len = file
        .metadata()
        .map_err(|e| CsvError::unreadable(name, &e))?
        .len();
    let source = File { file, len, name };
    read_in_parts(name, &source, options, parts(len))
}

#[cfg(any(unix, windows))]
/// How many parts to read a file of `len` bytes in: one per core, none under
/// [`MIN_PART_BYTES`].
pub(crate) fn parts_for(len: u64) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.min((len / MIN_PART_BYTES) as usize).max(1)
}

fn read_in_parts(
    name: &str,
    source: &dyn Source,
    options: ReadOptions,
    parts: usize,
) -> Result<Table, CsvError> {
    let len = source.len();
    // A file that may not be kept whole is read in one pass, which can stop keeping it.
    let parts = if options.summarize_skipped || options.over_limit(len) {
        1
    } else {
        parts.max(1) as u64
    };
    let mut starts = vec![0];
    for i in 1..parts {
        let start = source.line_start_from(len * i / parts)?;
        if start > *starts.last().expect("starts at 0") && start < len {
            starts.push(start);
        }
    }
    starts.push(len);
    let ranges: Vec<(u64, u64)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    let in_one_part = options.clone();
    let stop = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        let result = read_parts(scope, name, source, options, &ranges, &stop);
        // A part left running after an error has nothing more to give.
        stop.store(true, Ordering::Relaxed);
        result
    });
    match result {
        // One part is one read, which never appends.
        Err(Appended::Diverged) => read_in_parts(name, source, in_one_part, 1),
        Err(Appended::Error(e)) => Err(e),
        Ok((table, _)) => Ok(table),
    }
}

/// The first part on this thread, the others on their own, then the parts in file order. Also
/// returns how many parts were read on other threads and appended.
fn read_parts<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &'scope str,
    source: &'scope dyn Source,
    options: ReadOptions,
    ranges: &'scope [(u64, u64)],
    stop: &'scope AtomicBool,
) -> Result<(Table, usize), Appended> {
    let mut appended = 0;
    let mut reader = StreamReader::new(name, options).expecting(source.len());
    let mut threads: Vec<Option<ScopedJoinHandle<'scope, Result<Parsing, CsvError>>>> = Vec::new();
    let (first_start, first_end) = ranges[0];
    source
        .read(first_start, first_end, &mut |chunk| {
            reader.push(chunk)?;
            // The other parts start once the header is known.
            if threads.is_empty() && ranges.len() > 1 {
                if let Some(template) = reader.part_template() {
                    threads = ranges[1..]
                        .iter()
                        .map(|&range| {
                            spawn_part(scope, name, source, template.clone(), range, stop)
                        })
                        .collect();
                }
            }
            Ok(())
        })
        .map_err(Appended::Error)?;
    for (k, &(start, end)) in ranges.iter().enumerate().skip(1) {
        let thread = threads.get_mut(k - 1).and_then(Option::take);
        match thread {
            Some(thread) if reader.at_record_boundary() => {
                let part = thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                reader.append_part(part, end - start)?;
                appended += 1;
            }
            // The part starts inside a record, or was never started: read on from here.
            _ => source
                .read(start, end, &mut |chunk| reader.push(chunk))
                .map_err(Appended::Error)?,
        }
    }
    let table = reader.finish().map_err(Appended::Error)?;
    Ok((table, appended))
}

/// Starts reading `range` on its own thread; `None` if no thread can be started (it is then
/// read on this one).
fn spawn_part<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &'scope str,
    source: &'scope dyn Source,
    template: PartTemplate,
    (start, end): (u64, u64),
    stop: &'scope AtomicBool,
) -> Option<ScopedJoinHandle<'scope, Result<Parsing, CsvError>>> {
    std::thread::Builder::new()
        .spawn_scoped(scope, move || {
            let mut part = Parsing::part(&template, end - start);
            source.read(start, end, &mut |chunk| {
                if stop.load(Ordering::Relaxed) {
                    return Err(CsvError::new(name, ErrorKind::Invalid("stopped".into())));
                }
                part.feed_part(chunk, name)
            })?;
            Ok(part)
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_bytes;

    /// What [`read_parts`] does with `bytes` cut in `parts`: the table, or why not, and how
    /// many parts came from other threads.
    fn parts_of(bytes: &[u8], parts: usize) -> Result<(Table, usize), Appended> {
        let source = Memory(bytes);
        let len = bytes.len() as u64;
        let mut starts: Vec<u64> = (0..parts as u64)
            .map(|i| source.line_start_from(len * i / parts as u64).unwrap())
            .collect();
        starts.dedup();
        starts.push(len);
        let ranges: Vec<(u64, u64)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
        let stop = AtomicBool::new(false);
        let options = ReadOptions {
            delimiter: Some(b','),
            columns: None,
            ..Default::default()
        };
        std::thread::scope(|scope| read_parts(scope, "p.csv", &source, options, &ranges, &stop))
    }

    fn sequential(bytes: &[u8]) -> Result<Table, CsvError> {
        let options = ReadOptions {
            delimiter: Some(b','),
            columns: None,
            ..Default::default()
        };
        read_bytes("p.csv", bytes, options)
    }

    fn rows(n: usize, row: impl Fn(usize) -> String) -> Vec<u8> {
        let mut csv = String::from("id,kind,value\n");
        for i in 0..n {
            csv += &row(i);
            csv.push('\n');
        }
        csv.into_bytes()
    }

    #[test]
    fn plain_lines_are_read_on_every_thread() {
        let bytes = rows(4000, |i| format!("{i},\"{}\",{}.5", i % 7, i % 13));
        let (table, appended) = parts_of(&bytes, 4).unwrap();
        assert_eq!(appended, 3);
        assert_eq!(table, sequential(&bytes).unwrap());
        let projected = ReadOptions {
            delimiter: Some(b','),
            columns: Some(vec!["value".into(), "id".into()]),
            ..Default::default()
        };
        let in_parts = read_bytes_in_parts("p.csv", &bytes, projected.clone(), 4).unwrap();
        assert_eq!(in_parts.header(), ["value", "id"]);
        assert_eq!(in_parts, read_bytes("p.csv", &bytes, projected).unwrap());
    }

    #[test]
    fn a_cut_inside_a_quoted_newline_reads_that_part_on_from_before() {
        // Every row holds a newline inside quotes: about half the cuts fall inside one.
        let bytes = rows(4000, |i| format!("{i},\"line\nbreak {}\",{}", i % 5, i % 3));
        let (table, appended) = parts_of(&bytes, 8).unwrap();
        assert!(appended < 7, "{appended}");
        assert_eq!(table, sequential(&bytes).unwrap());
    }

    #[test]
    fn a_column_whose_kind_changes_in_a_later_part_reports_its_first_mismatch() {
        // StateHoliday: `0` for the first 3000 rows, then `a` now and then.
        let bytes = rows(4000, |i| {
            let holiday = if i >= 3000 && i % 10 == 3 { "a" } else { "0" };
            format!("{i},{holiday},{}", i % 13)
        });
        let (table, appended) = parts_of(&bytes, 4).unwrap();
        assert_eq!(appended, 3);
        let mismatch = table.columns[1].first_mismatch.clone().unwrap();
        // Header on line 1, row i on line i + 2.
        assert_eq!((mismatch.line, mismatch.column), (3005, 2));
        assert_eq!(mismatch.value, "a");
        assert_eq!(table, sequential(&bytes).unwrap());
    }

    #[test]
    fn an_error_in_a_later_part_names_its_line_in_the_file() {
        let bytes = rows(4000, |i| {
            if i == 3500 {
                format!("{i},short")
            } else {
                format!("{i},x,{i}")
            }
        });
        let Err(Appended::Error(e)) = parts_of(&bytes, 4) else {
            panic!("a ragged row reads")
        };
        assert_eq!((e.line, e.column), (Some(3502), Some(3)));
        assert_eq!(Err(e), sequential(&bytes));
    }

    #[test]
    fn integers_beyond_f32_in_a_float_part_then_text_read_the_whole_file_again() {
        // Part one: a float column. Part two: an integer f32 rounds, then text. One read writes
        // the integer as `16777216` (it was a float then); the second part alone, `16777217`.
        let mut bytes = rows(2000, |i| format!("{i},x,{i}.5"));
        for i in 0..2000 {
            bytes.extend_from_slice(format!("{i},x,16777217\n").as_bytes());
        }
        bytes.extend_from_slice(b"1,x,text\n");
        assert!(matches!(parts_of(&bytes, 2), Err(Appended::Diverged)));
        let options = ReadOptions {
            delimiter: Some(b','),
            columns: None,
            ..Default::default()
        };
        let table = read_bytes_in_parts("p.csv", &bytes, options, 2).unwrap();
        assert_eq!(table, sequential(&bytes).unwrap());
        let text = table.columns[2].text_at(3999).unwrap();
        assert_eq!(text, "16777216");
    }
}
