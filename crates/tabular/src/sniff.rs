//! Guesses the field delimiter from the first lines of a file.

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

#[cfg(test)]
mod tests {
    use super::*;

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
