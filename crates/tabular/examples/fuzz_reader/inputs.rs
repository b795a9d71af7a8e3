//! Inputs for tests and the fuzz harness, made on the spot: gzip and zip files (deflate from
//! `miniz_oxide`, the framing by hand as `gzip` and streaming zip writers lay it out, so that
//! every variant the reader takes can be made: several gzip members; stored or deflated zip
//! entries, with or without a data descriptor), UTF-16 text, and chunk cuts.
#![allow(dead_code)] // each includer uses its own subset

/// Feeds `bytes` to `push` in chunks of `sizes` bytes in turn (cycling), as a stream does.
pub fn in_chunks<E>(
    bytes: &[u8],
    sizes: &[usize],
    mut push: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = bytes;
    for &n in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let n = n.clamp(1, rest.len());
        push(&rest[..n])?;
        rest = &rest[n..];
    }
    Ok(())
}

/// `text` as UTF-16 after a byte-order mark, as Excel's "Unicode text" writes it.
pub fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xfeffu16)
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// `bytes` as a gzip file of `members` members (the text cut between them), as `gzip` and
/// `pigz` write.
pub fn gzip(bytes: &[u8], members: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let members = members.max(1);
    for k in 0..members {
        let part = &bytes[bytes.len() * k / members..bytes.len() * (k + 1) / members];
        // Header with a file name, as gzip writes it.
        out.extend([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]);
        out.extend(b"data.csv\0");
        out.extend(miniz_oxide::deflate::compress_to_vec(part, 6));
        out.extend(crc32fast::hash(part).to_le_bytes());
        out.extend((part.len() as u32).to_le_bytes());
    }
    out
}

/// One file of a zip archive written by [`zip`].
pub struct ZipFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// Stored rather than deflated.
    pub stored: bool,
    /// Sizes and CRC after the data (a data descriptor), as streaming writers do.
    pub descriptor: bool,
}

/// A zip archive of `files`, with its central directory.
pub fn zip(files: &[ZipFile]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for f in files {
        let data = if f.stored {
            f.bytes.to_vec()
        } else {
            miniz_oxide::deflate::compress_to_vec(f.bytes, 6)
        };
        let crc = crc32fast::hash(f.bytes);
        let offset = out.len() as u32;
        let flags: u16 = if f.descriptor { 8 } else { 0 } | 0x800;
        let method: u16 = if f.stored { 0 } else { 8 };
        let (c, s, sizes_crc) = if f.descriptor {
            (0, 0, 0)
        } else {
            (data.len() as u32, f.bytes.len() as u32, crc)
        };
        // Version needed, flags, method, time and date, CRC, sizes, name and extra lengths.
        let mut header = Vec::new();
        header.extend(20u16.to_le_bytes());
        header.extend(flags.to_le_bytes());
        header.extend(method.to_le_bytes());
        header.extend([0, 0, 0x21, 0]);
        header.extend(sizes_crc.to_le_bytes());
        header.extend(c.to_le_bytes());
        header.extend(s.to_le_bytes());
        header.extend((f.name.len() as u16).to_le_bytes());
        header.extend(0u16.to_le_bytes());
        out.extend(b"PK\x03\x04");
        out.extend(&header);
        out.extend(f.name.as_bytes());
        out.extend(&data);
        if f.descriptor {
            out.extend(b"PK\x07\x08");
            out.extend(crc.to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend((f.bytes.len() as u32).to_le_bytes());
        }
        directory.extend(b"PK\x01\x02");
        directory.extend(20u16.to_le_bytes());
        directory.extend(&header[..10]);
        directory.extend(crc.to_le_bytes());
        directory.extend((data.len() as u32).to_le_bytes());
        directory.extend((f.bytes.len() as u32).to_le_bytes());
        directory.extend((f.name.len() as u16).to_le_bytes());
        // Extra and comment lengths, disk, attributes.
        directory.extend([0; 12]);
        directory.extend(offset.to_le_bytes());
        directory.extend(f.name.as_bytes());
    }
    let start = out.len() as u32;
    let count = files.len() as u16;
    out.extend(&directory);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((directory.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}
