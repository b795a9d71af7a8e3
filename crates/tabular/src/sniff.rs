//! Guesses what a file holds from its first bytes (text in which encoding, or which binary
//! format), and the field delimiter from its first lines.

use crate::error::Binary;

/// Delimiters we consider, in order of preference on a tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many bytes the sniffer looks at. Fixed, so that the guess does not depend on how the
/// file was cut into chunks.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// Most records the sniffer looks at.
const SNIFF_RECORDS: usize = 50;

/// Picks the delimiter that splits the first records into the same number of fields (more than
/// one), preferring the one giving most fields; quoted text is skipped. With no consistent
/// candidate, the one most frequent in the header; with none at all, a comma.
/// `complete` says whether `sample` is the whole file (then its last line counts even unterminated).
pub(crate) fn sniff_delimiter(sample: &[u8], complete: bool) -> u8 {
    let mut counts: Vec<[usize; 4]> = Vec::new();
    let mut current = [0usize; 4];
    let mut in_quotes = false;
    let mut any = false;
    for &b in sample {
        if b == b'"' {
            in_quotes = !in_quotes;
            any = true;
            continue;
        }
        if in_quotes {
            continue;
        }
        if b == b'\n' || b == b'\r' {
            if any {
                counts.push(current);
                if counts.len() == SNIFF_RECORDS {
                    break;
                }
            }
            current = [0; 4];
            any = false;
            continue;
        }
        any = true;
        if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
            current[i] += 1;
        }
    }
    if complete && any && counts.len() < SNIFF_RECORDS {
        counts.push(current);
    }
    let Some(header) = counts.first() else {
        return b',';
    };
    let mut best: Option<(usize, usize)> = None;
    for i in 0..CANDIDATES.len() {
        let n = header[i];
        if n == 0 || !counts.iter().all(|c| c[i] == n) {
            continue;
        }
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((i, n));
        }
    }
    if let Some((i, _)) = best {
        return CANDIDATES[i];
    }
    let mut most = (0, 0);
    for (i, &n) in header.iter().enumerate() {
        if n > most.1 {
            most = (i, n);
        }
    }
    CANDIDATES[most.0]
}

/// Bytes the content check needs before it decides (fewer only when the file is shorter):
/// enough for the signatures, a tar header and the first entries of an Office zip.
pub(crate) const CONTENT_BYTES: usize = 4096;

/// What the first bytes of a file say it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// UTF-8 or Latin-1 text (a UTF-8 byte-order mark is part of it).
    Text,
    /// UTF-16 text after a byte-order mark (2 bytes, not part of the text).
    Utf16 { big_endian: bool },
    /// Not text.
    Binary(Binary),
}

/// Signatures that text never starts with (a control or non-ASCII byte, or a whole magic
/// sentence), by format.
const SIGNATURES: [(&[u8], Binary); 14] = [
    (b"\x1f\x8b", Binary::Gzip),
    (b"\x89PNG\r\n\x1a\n", Binary::Image("PNG")),
    (b"\xff\xd8\xff", Binary::Image("JPEG")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Binary::LegacyOffice),
    (b"%PDF-", Binary::Pdf),
    (b"SQLite format 3\0", Binary::Sqlite),
    (b"BZh91AY&SY", Binary::OtherArchive("bzip2")),
    (b"\xfd7zXZ\0", Binary::OtherArchive("xz")),
    (b"\x28\xb5\x2f\xfd", Binary::OtherArchive("zstd")),
    (b"7z\xbc\xaf\x27\x1c", Binary::OtherArchive("7-Zip")),
    (b"Rar!\x1a\x07", Binary::OtherArchive("RAR")),
    (b"GIF87a", Binary::Image("GIF")),
    (b"GIF89a", Binary::Image("GIF")),
    (b"ARROW1\0\0", Binary::Arrow),
];

/// Whether `head` (the first bytes of a file) starts a zip archive.
pub(crate) fn is_zip(head: &[u8]) -> bool {
    [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|magic| head.starts_with(*magic))
}

/// Whether a file starting with `head` is an archive to unpack: gzip, or a zip that is not an
/// Office document.
pub(crate) fn is_archive(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b, 8]) || is_zip(head) && office_zip(head).is_none()
}

/// The kind of document a zip archive starting with `head` is, when it is an Office document
/// rather than an archive of files: the names of its first entries say (`[Content_Types].xml`,
/// `xl/…` for Excel; a `mimetype` entry for OpenDocument). Only entries' names are looked at,
/// never their compressed bytes, which may hold anything.
pub(crate) fn office_zip(head: &[u8]) -> Option<Binary> {
    let mut at = 0;
    let mut names: Vec<&[u8]> = Vec::new();
    while head.len() >= at + 30 && head[at..].starts_with(b"PK\x03\x04") {
        let field = |offset: usize, size: usize| {
            head[at + offset..at + offset + size]
                .iter()
                .rev()
                .fold(0usize, |v, &b| v << 8 | usize::from(b))
        };
        let (flags, compressed) = (field(6, 2), field(18, 4));
        let (name_len, extra_len) = (field(26, 2), field(28, 2));
        let Some(name) = head.get(at + 30..at + 30 + name_len) else {
            break;
        };
        let data = at + 30 + name_len + extra_len;
        if name == b"mimetype" {
            let kind = b"application/vnd.oasis.opendocument.spreadsheet";
            if head.get(data..data + kind.len()) == Some(kind.as_slice()) {
                return Some(Binary::OpenDocument);
            }
        }
        names.push(name);
        // The next entry follows the data, when the header gives its size.
        if flags & 8 != 0 || compressed == 0xffff_ffff {
            break;
        }
        at = data + compressed;
    }
    let office = names.first() == Some(&b"[Content_Types].xml".as_slice());
    let other = |prefix: &[u8]| names.iter().any(|n| n.starts_with(prefix));
    (other(b"xl/") || office && !other(b"word/") && !other(b"ppt/")).then_some(Binary::Excel)
}

/// What a file holds, from `head`, its first [`CONTENT_BYTES`] bytes (or all of it if shorter).
pub(crate) fn content(head: &[u8]) -> Content {
    if head.starts_with(b"\xff\xfe") && !head.starts_with(b"\xff\xfe\0\0") {
        return Content::Utf16 { big_endian: false };
    }
    if head.starts_with(b"\xfe\xff") {
        return Content::Utf16 { big_endian: true };
    }
    if is_zip(head) {
        return Content::Binary(office_zip(head).unwrap_or(Binary::Zip));
    }
    if let Some((_, binary)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Content::Binary(*binary);
    }
    let nul = |b: &&u8| **b == 0;
    if !head.contains(&0) {
        return Content::Text;
    }
    // The formats whose signature a text could start with are named only when NULs follow.
    if head.get(257..262) == Some(b"ustar") {
        return Content::Binary(Binary::Tar);
    }
    if head.starts_with(b"PAR1") {
        return Content::Binary(Binary::Parquet);
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Content::Binary(Binary::Image("WebP"));
    }
    // ASCII text in UTF-16 has a NUL in every other byte: odd ones (little-endian) or even ones.
    let sample = &head[..head.len().min(512) & !1];
    let (odd, even) = (
        sample.iter().skip(1).step_by(2).filter(nul).count(),
        sample.iter().step_by(2).filter(nul).count(),
    );
    let half = sample.len() / 2;
    if half >= 4
        && (odd * 10 >= half * 9 && even * 10 <= half || even * 10 >= half * 9 && odd * 10 <= half)
    {
        return Content::Binary(Binary::Utf16WithoutBom);
    }
    Content::Binary(Binary::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_what_a_binary_file_is() {
        assert_eq!(content(b"a,b\n1,2\n"), Content::Text);
        assert_eq!(content(b"\xef\xbb\xbfa,b\n"), Content::Text);
        assert_eq!(content(b"caf\xe9,b\n"), Content::Text);
        assert_eq!(
            content(b"\xff\xfea\0,\0"),
            Content::Utf16 { big_endian: false }
        );
        assert_eq!(
            content(b"\xfe\xff\0a\0,"),
            Content::Utf16 { big_endian: true }
        );
        assert_eq!(
            content(b"\x89PNG\r\n\x1a\n\0\0"),
            Content::Binary(Binary::Image("PNG"))
        );
        assert_eq!(content(b"%PDF-1.7\n"), Content::Binary(Binary::Pdf));
        assert_eq!(content(b"\x1f\x8b\x08\0"), Content::Binary(Binary::Gzip));
        assert_eq!(
            content(b"PAR1\x15\x04\0\0"),
            Content::Binary(Binary::Parquet)
        );
        // A header that happens to start like a Parquet file is text.
        assert_eq!(content(b"PAR1,PAR2\n1,2\n"), Content::Text);
        let mut xlsx = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
        xlsx.extend([0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 19, 0, 0, 0]);
        xlsx.extend(b"[Content_Types].xml\x03\0");
        assert_eq!(content(&xlsx), Content::Binary(Binary::Excel));
        // Compressed bytes that happen to spell a folder name are not a name.
        let mut zip = b"PK\x03\x04\x14\0\0\0\x08\0\0\0!\0".to_vec();
        zip.extend([0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0]);
        zip.extend(b"a.csvxl/w");
        assert_eq!(content(&zip), Content::Binary(Binary::Zip));
        assert_eq!(
            content(b"PK\x03\x04\x14\0\0\0train.csv"),
            Content::Binary(Binary::Zip)
        );
        let utf16: Vec<u8> = "a,b\r\n1,2\r\n".bytes().flat_map(|b| [b, 0]).collect();
        assert_eq!(content(&utf16), Content::Binary(Binary::Utf16WithoutBom));
        assert_eq!(
            content(b"a,b\n\0\0\x07\x13\xff"),
            Content::Binary(Binary::Unknown)
        );
    }

    #[test]
    fn comma_semicolon_tab_pipe() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", true), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n", true), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n", true), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2", true), b'|');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let s = b"\"Store\";\"PromoInterval\"\n1;\"Jan,Apr,Jul,Oct\"\n2;\"a,b,c,d,e\"\n";
        assert_eq!(sniff_delimiter(s, true), b';');
    }

    #[test]
    fn inconsistent_falls_back_to_header_majority_then_comma() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2\n", true), b';');
        assert_eq!(sniff_delimiter(b"single\n1\n", true), b',');
        assert_eq!(sniff_delimiter(b"", true), b',');
    }

    #[test]
    fn incomplete_last_line_is_ignored_until_complete() {
        // The cut-off second line must not make commas look inconsistent.
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n4,", false), b',');
    }
}
