//! UTF-16 text (what Excel's "Unicode text" writes) transcoded to UTF-8 as it streams, so that
//! the parser only ever sees UTF-8 or Latin-1 bytes.

/// Transcodes UTF-16 (after its byte-order mark) to UTF-8, chunk by chunk: a code unit or a
/// surrogate pair may be cut anywhere between two chunks.
#[derive(Debug, Clone)]
pub(crate) struct Utf16Decoder {
    big_endian: bool,
    /// The first byte of a code unit cut by the end of a chunk.
    odd_byte: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// Code units that are not characters (unpaired surrogates, a last odd byte), each written
    /// as U+FFFD.
    pub(crate) replaced: u64,
}

const REPLACEMENT: char = '\u{fffd}';

impl Utf16Decoder {
    pub(crate) fn new(big_endian: bool) -> Utf16Decoder {
        Utf16Decoder {
            big_endian,
            odd_byte: None,
            high: None,
            replaced: 0,
        }
    }

    /// Appends the UTF-8 of `input` to `out`.
    pub(crate) fn decode(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 2);
        if let Some(first) = self.odd_byte.take() {
            let Some((&second, rest)) = input.split_first() else {
                self.odd_byte = Some(first);
                return;
            };
            self.unit(self.join(first, second), out);
            input = rest;
        }
        let mut pairs = input.chunks_exact(2);
        for pair in &mut pairs {
            let unit = self.join(pair[0], pair[1]);
            // Most CSV text is ASCII: one byte out, no surrogate to track.
            if unit < 0x80 && self.high.is_none() {
                out.push(unit as u8);
            } else {
                self.unit(unit, out);
            }
        }
        self.odd_byte = pairs.remainder().first().copied();
    }

    /// Ends the text: a surrogate or a byte left alone becomes U+FFFD.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        if self.high.take().is_some() {
            self.replace(out);
        }
        if self.odd_byte.take().is_some() {
            self.replace(out);
        }
    }

    fn join(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    fn unit(&mut self, unit: u16, out: &mut Vec<u8>) {
        if let Some(high) = self.high.take() {
            if (0xdc00..0xe000).contains(&unit) {
                let c = 0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                push_char(char::from_u32(c).unwrap_or(REPLACEMENT), out);
                return;
            }
            self.replace(out);
        }
        match unit {
            0xd800..=0xdbff => self.high = Some(unit),
            0xdc00..=0xdfff => self.replace(out),
            _ => push_char(char::from_u32(u32::from(unit)).unwrap_or(REPLACEMENT), out),
        }
    }

    fn replace(&mut self, out: &mut Vec<u8>) {
        self.replaced += 1;
        push_char(REPLACEMENT, out);
    }
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn any_cut_gives_the_same_text_in_both_byte_orders() {
        let text = "Store,Ville\n1,Coruña\n2,😀 Zürich\n";
        for big_endian in [false, true] {
            let bytes = utf16(text, big_endian);
            for cut in 0..=bytes.len() {
                let mut d = Utf16Decoder::new(big_endian);
                let mut out = Vec::new();
                d.decode(&bytes[..cut], &mut out);
                d.decode(&bytes[cut..], &mut out);
                d.finish(&mut out);
                assert_eq!(String::from_utf8(out).unwrap(), text, "cut at {cut}");
                assert_eq!(d.replaced, 0);
            }
        }
    }

    #[test]
    fn unpaired_surrogates_and_a_last_odd_byte_become_replacement_characters() {
        // a, lone low surrogate, lone high surrogate followed by b, then one stray byte.
        let bytes = [0x61, 0, 0x00, 0xdc, 0x00, 0xd8, 0x62, 0, 0x63];
        let mut d = Utf16Decoder::new(false);
        let mut out = Vec::new();
        d.decode(&bytes, &mut out);
        d.finish(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\u{fffd}\u{fffd}b\u{fffd}"
        );
        assert_eq!(d.replaced, 3);
    }
}
