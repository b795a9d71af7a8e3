//! The text of a file as the user has it, as it streams, for readers that parse it themselves
//! (the row stream of use case 2.2 reads Bosch's `train_numeric.csv.zip` so): a plain file's
//! bytes pass through, a gzip file's are inflated, and a zip archive gives the bytes of one of
//! its CSV files. The archive formats are [`crate::InputReader`]'s, read the same way.

use crate::archive::{gzip_entry_name, Archive, Entries, Gzip, Zip};
use crate::error::{CsvError, ErrorKind};
use crate::input::is_csv_entry;
use crate::sniff::{is_archive, is_zip, CONTENT_BYTES};

/// Push unpacker: [`push`](Unpacker::push) the file's chunks in order, each call handing the
/// text it frees to `out`, then [`finish`](Unpacker::finish).
pub struct Unpacker {
    name: String,
    /// The CSV file of an archive to read; the first one when not given.
    entry: Option<String>,
    head: Vec<u8>,
    state: State,
    /// The entry being read, once begun, and whether it has ended.
    reading: Option<String>,
    done: bool,
}

enum State {
    Undecided,
    Plain,
    Packed(Box<Archive>),
}

/// Hands the chosen entry's bytes to the caller's `out`.
struct Forward<'a> {
    entry: &'a Option<String>,
    reading: &'a mut Option<String>,
    done: &'a mut bool,
    gzip: bool,
    out: &'a mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
}

impl Entries for Forward<'_> {
    fn begin(&mut self, path: &str, _size: Option<u64>) -> Result<bool, CsvError> {
        if self.reading.is_some() {
            return Ok(false);
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        let wanted = match self.entry {
            Some(entry) => entry == path || entry == base,
            None => self.gzip || is_csv_entry(path),
        };
        if wanted {
            *self.reading = Some(base.to_string());
        }
        Ok(wanted)
    }

    fn data(&mut self, bytes: &[u8]) -> Result<(), CsvError> {
        (self.out)(bytes)
    }

    fn end(&mut self) -> Result<(), CsvError> {
        *self.done = true;
        Ok(())
    }
}

impl Unpacker {
    /// An unpacker for the file called `file_name` (named in errors).
    pub fn new(file_name: &str) -> Unpacker {
        Unpacker {
            name: file_name.to_string(),
            entry: None,
            head: Vec::new(),
            state: State::Undecided,
            reading: None,
            done: false,
        }
    }

    /// Reads this CSV file of an archive (by its name or its path in the archive) rather than
    /// the first one.
    pub fn entry(mut self, name: &str) -> Unpacker {
        self.entry = Some(name.to_string());
        self
    }

    /// Whether the file is an archive (known once its first 4 KB are in).
    pub fn is_archive(&self) -> Option<bool> {
        match self.state {
            State::Undecided => None,
            State::Plain => Some(false),
            State::Packed(_) => Some(true),
        }
    }

    /// The name of the text being read: the file's own, or the archive's entry once begun.
    pub fn text_name(&self) -> Option<&str> {
        match self.state {
            State::Plain => Some(&self.name),
            _ => self.reading.as_deref(),
        }
    }

    /// Feeds the next chunk; `out` receives the text it frees, in order.
    pub fn push(
        &mut self,
        chunk: &[u8],
        out: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        match &mut self.state {
            State::Plain => out(chunk),
            State::Packed(archive) => {
                let gzip = matches!(**archive, Archive::Gzip(_));
                let mut forward = Forward {
                    entry: &self.entry,
                    reading: &mut self.reading,
                    done: &mut self.done,
                    gzip,
                    out,
                };
                archive.push(chunk, &mut forward)
            }
            State::Undecided => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= CONTENT_BYTES {
                    self.decide(out)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Ends the file: an archive cut short, or without the CSV file asked for, is an error.
    pub fn finish(
        mut self,
        out: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        if matches!(self.state, State::Undecided) {
            self.decide(out)?;
        }
        let State::Packed(mut archive) = self.state else {
            return Ok(());
        };
        let gzip = matches!(*archive, Archive::Gzip(_));
        let mut forward = Forward {
            entry: &self.entry,
            reading: &mut self.reading,
            done: &mut self.done,
            gzip,
            out,
        };
        archive.finish(&mut forward)?;
        if !self.done {
            let message = match &self.entry {
                Some(entry) => format!("the archive holds no file named {entry}"),
                None => "the archive holds no CSV file".to_string(),
            };
            return Err(CsvError::new(&self.name, ErrorKind::Archive(message)));
        }
        Ok(())
    }

    fn decide(
        &mut self,
        out: &mut dyn FnMut(&[u8]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        let head = std::mem::take(&mut self.head);
        if is_archive(&head) {
            let archive = if is_zip(&head) {
                Archive::Zip(Zip::new(&self.name))
            } else {
                Archive::Gzip(Gzip::new(&self.name, &gzip_entry_name(&self.name)))
            };
            self.state = State::Packed(Box::new(archive));
        } else {
            self.state = State::Plain;
        }
        self.push(&head, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unpacks `bytes` in chunks of `cut` bytes, returning the text.
    fn unpack(
        name: &str,
        entry: Option<&str>,
        bytes: &[u8],
        cut: usize,
    ) -> Result<Vec<u8>, CsvError> {
        let mut unpacker = Unpacker::new(name);
        if let Some(e) = entry {
            unpacker = unpacker.entry(e);
        }
        let mut text = Vec::new();
        let mut out = |b: &[u8]| {
            text.extend_from_slice(b);
            Ok(())
        };
        for chunk in bytes.chunks(cut) {
            unpacker.push(chunk, &mut out)?;
        }
        unpacker.finish(&mut out)?;
        Ok(text)
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    #[test]
    fn plain_gzip_and_zip_give_the_same_text_however_cut() {
        let plain = b"Id,a,Response\n1,0.5,0\n".repeat(500);
        for cut in [1, 7, 4096, 1 << 20] {
            assert_eq!(unpack("t.csv", None, &plain, cut).unwrap(), plain);
        }
        let store = fixture("rossmann_store_quoted_promo_interval.csv");
        let gz = fixture("rossmann_store.csv.gz");
        for cut in [3, 1000, 1 << 20] {
            assert_eq!(
                unpack("rossmann_store.csv.gz", None, &gz, cut).unwrap(),
                store
            );
        }
    }

    #[test]
    fn a_zip_gives_the_csv_file_asked_for_or_the_first() {
        // rossmann/store.csv, rossmann/test.csv, then a README and another CSV.
        let zip = fixture("rossmann_kaggle_layout.zip");
        let store = fixture("rossmann_store_quoted_promo_interval.csv");
        assert_eq!(unpack("rossmann.zip", None, &zip, 999).unwrap(), store);
        let test = unpack("rossmann.zip", Some("test.csv"), &zip, 5).unwrap();
        assert_eq!(test.len(), 66_905);
        assert!(test.starts_with(b"\"Id\""), "{:?}", &test[..8]);
        let missing = unpack("rossmann.zip", Some("nothing.csv"), &zip, 999).unwrap_err();
        assert!(
            missing.to_string().contains("no file named nothing.csv"),
            "{missing}"
        );
    }
}
