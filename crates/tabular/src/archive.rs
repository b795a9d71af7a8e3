//! gzip files and zip archives unpacked as they stream: the compressed bytes go in chunk by
//! chunk, the files they hold come out chunk by chunk, and neither the archive nor a whole
//! file is ever held. Inflating is `miniz_oxide`'s (pure Rust, builds for wasm32, so the page
//! and the command line share this one code path); the framing, sizes and CRC-32 checks are
//! ours.
//!
//! A zip is read by its local headers, in order, as `unzip` reads a stream: its central
//! directory, at the end, is not needed. Entries stored or deflated are read; an entry whose
//! size follows its data (a "data descriptor") is read when deflated, since deflate says where
//! it ends.

use crate::error::{CsvError, ErrorKind};
use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

/// Receives the files an archive holds, as it is unpacked.
pub(crate) trait Entries {
    /// A file starts (`size`: its uncompressed size, when the archive says it before its
    /// bytes). Returns whether its bytes are wanted.
    fn begin(&mut self, name: &str, size: Option<u64>) -> Result<bool, CsvError>;
    /// The next bytes of the wanted file.
    fn data(&mut self, bytes: &[u8]) -> Result<(), CsvError>;
    /// The wanted file ended, whole and checked.
    fn end(&mut self) -> Result<(), CsvError>;
}

/// Bytes inflated at a time.
const OUT_BYTES: usize = 64 << 10;

/// An archive format being unpacked.
pub(crate) enum Archive {
    Gzip(Gzip),
    Zip(Zip),
}

impl Archive {
    /// Takes the next compressed bytes.
    pub(crate) fn push(&mut self, input: &[u8], entries: &mut dyn Entries) -> Result<(), CsvError> {
        match self {
            Archive::Gzip(g) => g.push(input, entries),
            Archive::Zip(z) => z.push(input, entries),
        }
    }

    /// Ends the compressed bytes: an archive cut short is an error.
    pub(crate) fn finish(&mut self, entries: &mut dyn Entries) -> Result<(), CsvError> {
        match self {
            Archive::Gzip(g) => g.finish(entries),
            Archive::Zip(z) => z.finish(),
        }
    }

    /// The name of the file being unpacked (the archive itself), for messages.
    fn name(&self) -> &str {
        match self {
            Archive::Gzip(g) => &g.name,
            Archive::Zip(z) => &z.name,
        }
    }
}

/// A damaged or unreadable archive.
fn damaged(archive: &str, what: impl std::fmt::Display) -> CsvError {
    CsvError::new(archive, ErrorKind::Archive(what.to_string()))
}

/// A raw deflate stream, inflated as its bytes come, with the CRC-32 and size of its output.
struct Inflater {
    state: Box<InflateState>,
    out: Vec<u8>,
    crc: crc32fast::Hasher,
    size: u64,
}

impl Inflater {
    fn new() -> Inflater {
        Inflater {
            state: InflateState::new_boxed(DataFormat::Raw),
            out: vec![0; OUT_BYTES],
            crc: crc32fast::Hasher::new(),
            size: 0,
        }
    }

    fn reset(&mut self) {
        self.state.reset(DataFormat::Raw);
        self.crc = crc32fast::Hasher::new();
        self.size = 0;
    }

    /// Inflates `input` until it is used up or the stream ends, handing the output to
    /// `entries` when `wanted` (and to the CRC when `check`). Returns the bytes consumed and
    /// whether the stream ended. `archive` and `offset` (of `input` in it) name a damaged stream.
    fn feed(
        &mut self,
        input: &[u8],
        wanted: bool,
        check: bool,
        entries: &mut dyn Entries,
        (archive, offset): (&str, u64),
    ) -> Result<(usize, bool), CsvError> {
        let mut consumed = 0;
        loop {
            let r = inflate(
                &mut self.state,
                &input[consumed..],
                &mut self.out,
                MZFlush::None,
            );
            consumed += r.bytes_consumed;
            let written = &self.out[..r.bytes_written];
            if !written.is_empty() {
                if check {
                    self.crc.update(written);
                }
                self.size += written.len() as u64;
                if wanted {
                    entries.data(written)?;
                }
            }
            match r.status {
                Ok(MZStatus::StreamEnd) => return Ok((consumed, true)),
                // The output was not filled: all that the input gives is out.
                Ok(MZStatus::Ok) if consumed == input.len() && r.bytes_written < self.out.len() => {
                    return Ok((consumed, false))
                }
                Ok(MZStatus::Ok) => {}
                // Nothing more to give before more input.
                Err(MZError::Buf) if consumed == input.len() => return Ok((consumed, false)),
                _ => {
                    let at = offset + consumed as u64;
                    return Err(damaged(
                        archive,
                        format_args!("the compressed data is damaged (near byte {at})"),
                    ));
                }
            }
        }
    }

    fn crc(&self) -> u32 {
        self.crc.clone().finalize()
    }
}

/// Reads a little-endian integer of `N` bytes at `at`.
fn le<const N: usize>(bytes: &[u8], at: usize) -> u64 {
    let mut v = 0u64;
    for (i, &b) in bytes[at..at + N].iter().enumerate() {
        v |= u64::from(b) << (8 * i);
    }
    v
}

/// Moves up to `want - buf.len()` bytes from the front of `input` into `buf`.
fn fill(buf: &mut Vec<u8>, want: usize, input: &mut &[u8]) -> bool {
    let take = want.saturating_sub(buf.len()).min(input.len());
    buf.extend_from_slice(&input[..take]);
    *input = &input[take..];
    buf.len() >= want
}

/// Where a gzip file stands.
enum GzStep {
    /// Reading a member's header (the bytes so far in `buf`).
    Header,
    /// Inflating a member.
    Body,
    /// Reading a member's trailer: CRC-32 and size.
    Trailer,
}

/// A gzip file (RFC 1952): one or more members, whose texts follow each other as one file.
pub(crate) struct Gzip {
    name: String,
    entry: String,
    step: GzStep,
    buf: Vec<u8>,
    inflater: Inflater,
    /// Bytes read from the file, for messages.
    offset: u64,
    members: u64,
    begun: bool,
    wanted: bool,
}

impl Gzip {
    /// Unpacks the gzip file `name`, whose text takes the name `entry` (`store.csv` for
    /// `store.csv.gz`).
    pub(crate) fn new(name: &str, entry: &str) -> Gzip {
        Gzip {
            name: name.to_string(),
            entry: entry.to_string(),
            step: GzStep::Header,
            buf: Vec::new(),
            inflater: Inflater::new(),
            offset: 0,
            members: 0,
            begun: false,
            wanted: false,
        }
    }

    fn push(&mut self, mut input: &[u8], entries: &mut dyn Entries) -> Result<(), CsvError> {
        while !input.is_empty() {
            match self.step {
                GzStep::Header => {
                    let before = input.len();
                    let Some(used) = self.header(&mut input)? else {
                        self.offset += before as u64;
                        return Ok(());
                    };
                    self.offset += used;
                    if !self.begun {
                        self.begun = true;
                        self.wanted = entries.begin(&self.entry, None)?;
                    }
                    self.members += 1;
                    self.inflater.reset();
                    self.step = GzStep::Body;
                }
                GzStep::Body => {
                    let place = (self.name.as_str(), self.offset);
                    let (used, ended) =
                        self.inflater
                            .feed(input, self.wanted, true, entries, place)?;
                    input = &input[used..];
                    self.offset += used as u64;
                    if ended {
                        self.step = GzStep::Trailer;
                    }
                }
                GzStep::Trailer => {
                    let before = input.len();
                    let done = fill(&mut self.buf, 8, &mut input);
                    self.offset += (before - input.len()) as u64;
                    if done {
                        let (crc, size) = (le::<4>(&self.buf, 0) as u32, le::<4>(&self.buf, 4));
                        if crc != self.inflater.crc() || size != self.inflater.size & 0xffff_ffff {
                            return Err(damaged(
                                &self.name,
                                "the data does not match its checksum: the file is damaged (an incomplete download?)",
                            ));
                        }
                        self.buf.clear();
                        self.step = GzStep::Header;
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads a member's header from `buf` and `input`: `Some(bytes taken from input)` once
    /// whole, `None` while it needs more bytes (all of `input` kept in `buf`).
    fn header(&mut self, input: &mut &[u8]) -> Result<Option<u64>, CsvError> {
        let held = self.buf.len();
        self.buf.extend_from_slice(input);
        let b = &self.buf;
        // Zero bytes after the last member pad some files out: they end nothing.
        if self.members > 0 && b.iter().all(|&x| x == 0) {
            self.buf.clear();
            *input = &[];
            return Ok(None);
        }
        let bad = || {
            damaged(
                &self.name,
                "unexpected bytes after the compressed data: the file is damaged",
            )
        };
        if b.len() >= 2 && b[..2] != [0x1f, 0x8b] {
            return Err(bad());
        }
        if b.len() < 10 {
            *input = &[];
            return Ok(None);
        }
        if b[2] != 8 || b[3] & 0xe0 != 0 {
            return Err(damaged(&self.name, "an unknown gzip compression method"));
        }
        let flags = b[3];
        let mut at = 10;
        if flags & 4 != 0 {
            if b.len() < at + 2 {
                *input = &[];
                return Ok(None);
            }
            at += 2 + le::<2>(b, at) as usize;
        }
        for flag in [8, 16] {
            if flags & flag != 0 {
                match b.get(at..).and_then(|rest| memchr::memchr(0, rest)) {
                    Some(end) => at += end + 1,
                    None => {
                        *input = &[];
                        return Ok(None);
                    }
                }
            }
        }
        if flags & 2 != 0 {
            at += 2;
        }
        if b.len() < at {
            *input = &[];
            return Ok(None);
        }
        let used = at - held;
        *input = &input[used..];
        self.buf.clear();
        Ok(Some(used as u64))
    }

    fn finish(&mut self, entries: &mut dyn Entries) -> Result<(), CsvError> {
        match self.step {
            GzStep::Header if self.members > 0 => {}
            GzStep::Header => {
                return Err(damaged(&self.name, "the gzip file is empty or cut short"))
            }
            GzStep::Body | GzStep::Trailer => return Err(damaged(
                &self.name,
                "the compressed data ends early: the file is cut short (an incomplete download?)",
            )),
        }
        if self.wanted {
            entries.end()?;
        }
        Ok(())
    }
}

/// What a zip's local header says of its entry.
struct ZipEntry {
    name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    /// Sizes in the header are those of the zip64 extra field.
    zip64: bool,
    wanted: bool,
}

impl ZipEntry {
    /// The sizes and CRC follow the data.
    fn descriptor(&self) -> bool {
        self.flags & 8 != 0
    }
}

/// Where a zip archive stands.
enum ZipStep {
    /// Reading a local header (the bytes so far in `buf`).
    Header,
    /// Reading the bytes of a stored entry (or skipping an entry not wanted).
    Stored { left: u64 },
    /// Inflating a deflated entry.
    Deflated,
    /// Reading the data descriptor after an entry.
    Descriptor,
    /// The central directory: no more entries.
    Directory,
}

/// A zip archive, read by its local headers.
pub(crate) struct Zip {
    name: String,
    step: ZipStep,
    buf: Vec<u8>,
    entry: Option<ZipEntry>,
    inflater: Inflater,
    stored_crc: crc32fast::Hasher,
    stored_size: u64,
    offset: u64,
}

const LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";

impl Zip {
    /// Unpacks the zip archive `name`.
    pub(crate) fn new(name: &str) -> Zip {
        Zip {
            name: name.to_string(),
            step: ZipStep::Header,
            buf: Vec::new(),
            entry: None,
            inflater: Inflater::new(),
            stored_crc: crc32fast::Hasher::new(),
            stored_size: 0,
            offset: 0,
        }
    }

    fn push(&mut self, mut input: &[u8], entries: &mut dyn Entries) -> Result<(), CsvError> {
        while !input.is_empty() {
            let before = input.len();
            match self.step {
                ZipStep::Header => self.header(&mut input, entries)?,
                ZipStep::Stored { left } => {
                    let take = (left.min(input.len() as u64)) as usize;
                    let entry = self.entry.as_ref().expect("an entry is being read");
                    if entry.wanted {
                        self.stored_crc.update(&input[..take]);
                        self.stored_size += take as u64;
                        entries.data(&input[..take])?;
                    }
                    input = &input[take..];
                    self.step = ZipStep::Stored {
                        left: left - take as u64,
                    };
                    if left == take as u64 {
                        self.end_data(entries)?;
                    }
                }
                ZipStep::Deflated => {
                    let wanted = self.entry.as_ref().is_some_and(|e| e.wanted);
                    let place = (self.name.as_str(), self.offset);
                    let (used, ended) =
                        self.inflater.feed(input, wanted, wanted, entries, place)?;
                    input = &input[used..];
                    if ended {
                        self.end_data(entries)?;
                    }
                }
                ZipStep::Descriptor => self.descriptor(&mut input, entries)?,
                ZipStep::Directory => input = &[],
            }
            self.offset += (before - input.len()) as u64;
        }
        Ok(())
    }

    fn header(&mut self, input: &mut &[u8], entries: &mut dyn Entries) -> Result<(), CsvError> {
        if !fill(&mut self.buf, 4, input) {
            return Ok(());
        }
        if self.buf[..4] != LOCAL_HEADER {
            // The central directory (or its end, or a zip64 end) follows the last entry.
            if self.buf[..2] == *b"PK"
                && [[1, 2], [5, 6], [6, 6], [6, 7]].contains(&[self.buf[2], self.buf[3]])
            {
                self.step = ZipStep::Directory;
                return Ok(());
            }
            return Err(damaged(
                &self.name,
                format_args!(
                    "not a zip entry at byte {}: the archive is damaged",
                    self.offset
                ),
            ));
        }
        if !fill(&mut self.buf, 30, input) {
            return Ok(());
        }
        let b = &self.buf;
        let (name_len, extra_len) = (le::<2>(b, 26) as usize, le::<2>(b, 28) as usize);
        if !fill(&mut self.buf, 30 + name_len + extra_len, input) {
            return Ok(());
        }
        let b = &self.buf;
        let raw_name = &b[30..30 + name_len];
        let flags = le::<2>(b, 6) as u16;
        // Names are UTF-8 when flag 11 says so; older tools write their code page.
        let name = match std::str::from_utf8(raw_name) {
            Ok(name) => name.to_string(),
            Err(_) => raw_name.iter().map(|&c| char::from(c)).collect(),
        };
        let mut entry = ZipEntry {
            name,
            method: le::<2>(b, 8) as u16,
            flags,
            crc: le::<4>(b, 14) as u32,
            compressed: le::<4>(b, 18),
            size: le::<4>(b, 22),
            zip64: false,
            wanted: false,
        };
        // The zip64 extra field holds the sizes that do not fit 32 bits, in that order.
        let mut extra = &b[30 + name_len..30 + name_len + extra_len];
        while extra.len() >= 4 {
            let (id, len) = (le::<2>(extra, 0), le::<2>(extra, 2) as usize);
            let data = &extra[4..(4 + len).min(extra.len())];
            if id == 1 {
                entry.zip64 = true;
                let mut at = 0;
                if entry.size == 0xffff_ffff && data.len() >= at + 8 {
                    entry.size = le::<8>(data, at);
                    at += 8;
                }
                if entry.compressed == 0xffff_ffff && data.len() >= at + 8 {
                    entry.compressed = le::<8>(data, at);
                }
            }
            extra = &extra[(4 + len).min(extra.len())..];
        }
        self.buf.clear();
        let directory = entry.name.ends_with('/');
        let size = (!entry.descriptor()).then_some(entry.size);
        entry.wanted = !directory && entries.begin(&entry.name, size)?;
        let sized = !entry.descriptor() || entry.compressed != 0;
        if entry.wanted && entry.flags & 1 != 0 {
            return Err(damaged(
                &self.name,
                format_args!(
                    "{} is encrypted: unzip it with its password first",
                    entry.name
                ),
            ));
        }
        self.step = match entry.method {
            // An entry not wanted is skipped over when its size is known.
            _ if !entry.wanted && sized => ZipStep::Stored {
                left: entry.compressed,
            },
            8 => {
                self.inflater.reset();
                ZipStep::Deflated
            }
            0 if sized => {
                self.stored_crc = crc32fast::Hasher::new();
                self.stored_size = 0;
                ZipStep::Stored {
                    left: entry.compressed,
                }
            }
            0 => {
                return Err(damaged(
                    &self.name,
                    format_args!(
                        "{} is stored with its size after its bytes, which cannot be read as a stream: unzip it first",
                        entry.name
                    ),
                ))
            }
            method => {
                return Err(damaged(
                    &self.name,
                    format_args!(
                        "{} is compressed with method {method} ({}), which this reader does not read: unzip it first",
                        entry.name,
                        match method {
                            9 => "Deflate64",
                            12 => "bzip2",
                            14 => "LZMA",
                            93 => "Zstandard",
                            95 => "xz",
                            _ => "not deflate",
                        }
                    ),
                ))
            }
        };
        self.entry = Some(entry);
        if matches!(self.step, ZipStep::Stored { left: 0 }) {
            self.end_data(entries)?;
        }
        Ok(())
    }

    /// The entry's bytes have all been read: check them now, or after the descriptor.
    fn end_data(&mut self, entries: &mut dyn Entries) -> Result<(), CsvError> {
        let entry = self.entry.as_ref().expect("an entry is being read");
        if entry.descriptor() {
            self.step = ZipStep::Descriptor;
            return Ok(());
        }
        let (crc, size) = (entry.crc, entry.size);
        self.end_entry(crc, size, entries)
    }

    fn descriptor(&mut self, input: &mut &[u8], entries: &mut dyn Entries) -> Result<(), CsvError> {
        let zip64 = self.entry.as_ref().is_some_and(|e| e.zip64);
        let sizes = if zip64 { 16 } else { 8 };
        if !fill(&mut self.buf, 4, input) {
            return Ok(());
        }
        let signed = self.buf[..4] == *b"PK\x07\x08";
        let want = if signed { 8 + sizes } else { 4 + sizes };
        if !fill(&mut self.buf, want, input) {
            return Ok(());
        }
        let at = if signed { 4 } else { 0 };
        let crc = le::<4>(&self.buf, at) as u32;
        let size = if zip64 {
            le::<8>(&self.buf, at + 12)
        } else {
            le::<4>(&self.buf, at + 8)
        };
        self.buf.clear();
        self.end_entry(crc, size, entries)
    }

    /// Checks the entry's CRC-32 and size against what was read, and ends it.
    fn end_entry(
        &mut self,
        crc: u32,
        size: u64,
        entries: &mut dyn Entries,
    ) -> Result<(), CsvError> {
        let entry = self.entry.take().expect("an entry is being read");
        self.step = ZipStep::Header;
        if !entry.wanted {
            return Ok(());
        }
        let (read_crc, read_size) = if entry.method == 8 {
            (self.inflater.crc(), self.inflater.size)
        } else {
            (self.stored_crc.clone().finalize(), self.stored_size)
        };
        if read_crc != crc || read_size != size {
            return Err(damaged(
                &self.name,
                format_args!(
                    "{} does not match its checksum: the archive is damaged (an incomplete download?)",
                    entry.name
                ),
            ));
        }
        entries.end()
    }

    fn finish(&mut self) -> Result<(), CsvError> {
        match (&self.step, &self.entry) {
            (ZipStep::Directory, _) => Ok(()),
            (ZipStep::Header, None) if self.buf.is_empty() && self.offset > 0 => Ok(()),
            (_, entry) => Err(damaged(
                &self.name,
                match entry {
                    Some(e) => format!(
                        "the archive ends in the middle of {}: it is cut short (an incomplete download?)",
                        e.name
                    ),
                    None => "the archive is cut short (an incomplete download?)".to_string(),
                },
            )),
        }
    }
}

/// The name of `archive`'s only file: `store.csv` for `store.csv.gz`.
pub(crate) fn gzip_entry_name(archive: &str) -> String {
    let lower = archive.to_ascii_lowercase();
    for suffix in [".gz", ".gzip"] {
        if lower.ends_with(suffix) && archive.len() > suffix.len() {
            return archive[..archive.len() - suffix.len()].to_string();
        }
    }
    if lower.ends_with(".tgz") {
        return format!("{}.tar", &archive[..archive.len() - 4]);
    }
    archive.to_string()
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Archive({})", self.name())
    }
}
