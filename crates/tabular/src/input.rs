//! A file as the user has it: a CSV in any encoding the reader takes, a gzip-compressed CSV,
//! or a zip archive of CSV files (how the public datasets are downloaded), read chunk by chunk
//! into one table per CSV file it holds.

use crate::archive::{gzip_entry_name, Archive, Entries, Gzip, Zip};
use crate::error::{CsvError, ErrorKind, Warning, WarningKind};
use crate::reader::{ReadOptions, StreamReader};
use crate::sniff::{is_archive, is_zip, CONTENT_BYTES};
use crate::table::Table;

/// What an [`InputReader`] has read so far, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProgress {
    /// Bytes of the file consumed (compressed bytes for an archive).
    pub input_bytes: u64,
    /// Bytes of text read (uncompressed), over every CSV file so far.
    pub text_bytes: u64,
    /// Data rows of the CSV file being read.
    pub rows: u64,
    /// The CSV file being read (the file itself, or the entry of an archive).
    pub entry: Option<String>,
}

/// Push reader for a file as the user has it: feed its chunks in order, then `finish`, which
/// gives one table per CSV file it holds. A gzip file holds one (named without `.gz`); a zip
/// archive holds those of its entries that are CSV files (`.csv`, `.tsv`, `.txt`), each named
/// after its entry; an Excel workbook or another binary file is an error saying what it is.
/// Nothing is held but the tables: the archive streams through, and a CSV file larger than
/// [`ReadOptions::max_text_bytes`] is summarised without being kept.
pub struct InputReader {
    name: String,
    options: ReadOptions,
    /// Size of the file, if known.
    file_bytes: Option<u64>,
    /// Only these CSV files of an archive are read, when given.
    only: Option<Vec<String>>,
    /// Bytes held back until the kind of file is known.
    head: Vec<u8>,
    state: State,
    input_bytes: u64,
    /// Once an error is found, every later call returns it.
    error: Option<CsvError>,
}

enum State {
    /// The first bytes are not in yet.
    Undecided,
    /// A CSV file.
    Text(Box<StreamReader>),
    /// An archive, and the tables of its CSV files.
    Packed(Box<(Archive, Tables)>),
}

/// The tables read from an archive's CSV files, and the entry being read.
struct Tables {
    archive: String,
    /// A gzip file: its one file is read whatever its name.
    gzip: bool,
    options: ReadOptions,
    /// Only these CSV files are read (by table name), when given.
    only: Option<Vec<String>>,
    current: Option<(String, StreamReader)>,
    tables: Vec<Table>,
    /// Entries skipped (not CSV files), said in a warning.
    skipped: Vec<String>,
    text_bytes: u64,
}

/// Extensions of the files of an archive read as CSV.
const CSV_EXTENSIONS: [&str; 4] = [".csv", ".tsv", ".txt", ".tab"];

/// Whether an archive's entry `path` is a CSV file to read (not a directory, nor the
/// `__MACOSX` resource forks or hidden files some tools add).
fn is_csv_entry(path: &str) -> bool {
    let base = base_name(path);
    let lower = base.to_ascii_lowercase();
    !path.starts_with("__MACOSX/")
        && !base.starts_with('.')
        && CSV_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Entries for Tables {
    fn begin(&mut self, path: &str, size: Option<u64>) -> Result<bool, CsvError> {
        if !self.gzip && !is_csv_entry(path) {
            if !path.ends_with('/') && !path.starts_with("__MACOSX/") {
                self.skipped.push(path.to_string());
            }
            return Ok(false);
        }
        // Named after the entry; a second file of the same name in another folder keeps its path.
        let base = base_name(path);
        let name = if self.tables.iter().any(|t| t.name == base) {
            path.to_string()
        } else {
            base.to_string()
        };
        if self.only.as_ref().is_some_and(|only| !only.contains(&name)) {
            return Ok(false);
        }
        let mut reader = StreamReader::new(&name, self.options.clone());
        if let Some(size) = size {
            reader = reader.expecting(size);
        }
        self.current = Some((name, reader));
        Ok(true)
    }

    fn data(&mut self, bytes: &[u8]) -> Result<(), CsvError> {
        self.text_bytes += bytes.len() as u64;
        let (_, reader) = self.current.as_mut().expect("an entry is being read");
        let archive = &self.archive;
        reader.push(bytes).map_err(|e| in_archive(e, archive))
    }

    fn end(&mut self) -> Result<(), CsvError> {
        let (_, reader) = self.current.take().expect("an entry is being read");
        let table = reader.finish().map_err(|e| in_archive(e, &self.archive))?;
        self.tables.push(table);
        Ok(())
    }
}

/// An error in a file of an archive names both: `train.csv in rossmann.zip, line 5: …`.
fn in_archive(mut e: CsvError, archive: &str) -> CsvError {
    if e.file != archive {
        e.file = format!("{} in {archive}", e.file);
    }
    e
}

impl InputReader {
    /// A reader for the file called `file_name`; each CSV file it holds is read with `options`.
    pub fn new(file_name: &str, options: ReadOptions) -> InputReader {
        InputReader {
            name: file_name.to_string(),
            options,
            file_bytes: None,
            only: None,
            head: Vec::new(),
            state: State::Undecided,
            input_bytes: 0,
            error: None,
        }
    }

    /// Tells the reader the file's size (see [`StreamReader::expecting`]; an archive's CSV files
    /// take the sizes the archive gives).
    pub fn expecting(mut self, file_bytes: u64) -> InputReader {
        self.file_bytes = Some(file_bytes);
        self
    }

    /// Reads only these CSV files of an archive (by the names their tables take), as when a
    /// page reloads the files it kept.
    pub fn only(mut self, tables: Vec<String>) -> InputReader {
        self.only = Some(tables);
        self
    }

    /// Feeds the next chunk. Call once per chunk, in file order.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CsvError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.input_bytes += chunk.len() as u64;
        let result = match &mut self.state {
            State::Undecided => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= CONTENT_BYTES {
                    self.decide()
                } else {
                    Ok(())
                }
            }
            State::Text(reader) => reader.push(chunk),
            State::Packed(packed) => {
                let (archive, tables) = &mut **packed;
                archive.push(chunk, tables)
            }
        };
        if let Err(e) = &result {
            self.error = Some(e.clone());
        }
        result
    }

    /// How far the read is.
    pub fn progress(&self) -> InputProgress {
        let (text_bytes, rows, entry) = match &self.state {
            State::Undecided => (0, 0, None),
            State::Text(reader) => (reader.bytes(), reader.rows(), Some(self.name.clone())),
            State::Packed(packed) => match &packed.1.current {
                Some((name, reader)) => (packed.1.text_bytes, reader.rows(), Some(name.clone())),
                None => (packed.1.text_bytes, 0, None),
            },
        };
        InputProgress {
            input_bytes: self.input_bytes,
            text_bytes,
            rows,
            entry,
        }
    }

    /// The column names of the CSV file being read, once its header is read.
    pub fn header(&self) -> Option<&[String]> {
        match &self.state {
            State::Undecided => None,
            State::Text(reader) => reader.header(),
            State::Packed(packed) => packed.1.current.as_ref().and_then(|(_, r)| r.header()),
        }
    }

    /// Ends the file and returns the table of each CSV file it holds, in file order.
    pub fn finish(mut self) -> Result<Vec<Table>, CsvError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if matches!(self.state, State::Undecided) {
            self.decide()?;
        }
        match self.state {
            State::Undecided => unreachable!("decided above"),
            State::Text(reader) => Ok(vec![reader.finish()?]),
            State::Packed(packed) => {
                let (mut archive, mut tables) = *packed;
                archive.finish(&mut tables)?;
                if tables.tables.is_empty() {
                    let message = if tables.skipped.is_empty() {
                        "the archive holds no CSV file".to_string()
                    } else {
                        format!(
                            "the archive holds no CSV file (it holds {})",
                            tables.skipped.join(", ")
                        )
                    };
                    return Err(CsvError::new(&self.name, ErrorKind::Archive(message)));
                }
                // What was skipped is said once, with the first table.
                let skipped = tables.skipped.into_iter().map(|entry| Warning {
                    file: self.name.clone(),
                    line: None,
                    column: None,
                    column_name: None,
                    kind: WarningKind::SkippedEntry { entry },
                    count: 1,
                });
                tables.tables[0].warnings.extend(skipped);
                Ok(tables.tables)
            }
        }
    }

    /// Looks at the first bytes: an archive is unpacked, anything else goes to the CSV reader
    /// (which says what a binary file is).
    fn decide(&mut self) -> Result<(), CsvError> {
        let head = std::mem::take(&mut self.head);
        if is_archive(&head) {
            let gzip = !is_zip(&head);
            let archive = if gzip {
                Archive::Gzip(Gzip::new(&self.name, &gzip_entry_name(&self.name)))
            } else {
                Archive::Zip(Zip::new(&self.name))
            };
            let tables = Tables {
                archive: self.name.clone(),
                gzip,
                options: self.options.clone(),
                only: self.only.take(),
                current: None,
                tables: Vec::new(),
                skipped: Vec::new(),
                text_bytes: 0,
            };
            self.state = State::Packed(Box::new((archive, tables)));
        } else {
            let mut reader = StreamReader::new(&self.name, self.options.clone());
            if let Some(bytes) = self.file_bytes {
                reader = reader.expecting(bytes);
            }
            self.state = State::Text(Box::new(reader));
        }
        match &mut self.state {
            State::Text(reader) => reader.push(&head),
            State::Packed(packed) => {
                let (archive, tables) = &mut **packed;
                archive.push(&head, tables)
            }
            State::Undecided => unreachable!("just decided"),
        }
    }
}
