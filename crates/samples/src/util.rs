//! Shared plumbing for the generators: hash-seeded randomness, a buffered line sink and
//! allocation-free number and date formatting.

use rand::RngCore;
use std::io::{self, Write};

/// SplitMix64's finaliser: a cheap bijective mixer, so that (seed, stream, id) triples map to
/// well-spread 64-bit states.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A counter-based generator (SplitMix64) seeded from (seed, stream, id).
///
/// Generators seed one of these per entity (store, part, customer, user) so that every file of a
/// dataset can be written independently and still agree on each entity; ChaCha would cost more
/// to seed than the handful of draws each entity needs.
pub(crate) struct EntityRng {
    state: u64,
}

impl EntityRng {
    pub(crate) fn new(seed: u64, stream: u64, id: u64) -> EntityRng {
        EntityRng {
            state: mix(mix(seed ^ mix(stream)) ^ id.wrapping_mul(0xD6E8_FEB8_6659_FD93)),
        }
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [lo, hi] (inclusive).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + ((self.next_u64() >> 1) % ((hi - lo + 1) as u64)) as i64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal by Box-Muller (one value per call keeps the stream position simple).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Index drawn from unnormalised weights.
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

impl RngCore for EntityRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// Uniform in [0, 1) from a hash alone, for one-off per-entity decisions.
pub(crate) fn hash_unit(seed: u64, stream: u64, id: u64) -> f64 {
    EntityRng::new(seed, stream, id).unit()
}

/// Collects lines in a 64 KiB buffer and hands them to the writer in large blocks, so generation
/// is fast whether or not the caller's writer is buffered, and never holds more than one block.
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    pub(crate) buf: Vec<u8>,
}

const BLOCK: usize = 1 << 16;

impl<'a> Sink<'a> {
    pub(crate) fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink {
            out,
            buf: Vec::with_capacity(BLOCK + 4096),
        }
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub(crate) fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// Ends a line and passes a full block on.
    pub(crate) fn end_line(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= BLOCK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    pub(crate) fn int(&mut self, v: i64) {
        if v < 0 {
            self.buf.push(b'-');
        }
        self.uint(v.unsigned_abs());
    }

    pub(crate) fn uint(&mut self, mut v: u64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }

    /// Right-aligned in `width` characters with spaces, as Santander pads its numbers.
    pub(crate) fn padded(&mut self, v: i64, width: usize) {
        let start = self.buf.len();
        self.int(v);
        let len = self.buf.len() - start;
        if len < width {
            let pad = width - len;
            self.buf
                .splice(start..start, std::iter::repeat_n(b' ', pad));
        }
    }

    /// A fixed-point value `v / 10^decimals` written the way Python/pandas print floats that were
    /// rounded to that many decimals: trailing zeros dropped, at least one decimal (`0.0`, `-0.001`,
    /// `82.24`, `8.0`).
    pub(crate) fn fixed(&mut self, v: i64, decimals: u32) {
        let scale = 10i64.pow(decimals);
        if v < 0 {
            self.buf.push(b'-');
        }
        let a = v.unsigned_abs();
        self.uint(a / scale as u64);
        self.buf.push(b'.');
        let mut frac = a % scale as u64;
        let mut digits = decimals;
        if frac == 0 {
            self.buf.push(b'0');
            return;
        }
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let start = self.buf.len();
        self.uint(frac);
        let len = (self.buf.len() - start) as u32;
        if len < digits {
            let pad = (digits - len) as usize;
            self.buf
                .splice(start..start, std::iter::repeat_n(b'0', pad));
        }
    }

    pub(crate) fn date(&mut self, days: i32) {
        let (y, m, d) = civil_from_days(days);
        self.uint(y as u64);
        self.buf.push(b'-');
        self.two(m);
        self.buf.push(b'-');
        self.two(d);
    }

    /// Two digits, zero-padded (Instacart's `order_hour_of_day`, months, days).
    pub(crate) fn two(&mut self, v: u32) {
        self.buf.push(b'0' + (v / 10) as u8);
        self.buf.push(b'0' + (v % 10) as u8);
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe as u32 * 365 + yoe as u32 / 4 - yoe as u32 / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// Civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO day of week, 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday).
pub(crate) fn weekday(days: i32) -> u32 {
    ((days + 3).rem_euclid(7) + 1) as u32
}

/// Rows of a file at `scale`, at least `min`.
pub(crate) fn scaled(full: u64, scale: f64, min: u64) -> u64 {
    ((full as f64 * scale).round() as u64).max(min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(f: impl FnOnce(&mut Sink)) -> String {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out);
        f(&mut sink);
        sink.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fixed_point_prints_like_python_floats() {
        assert_eq!(render(|s| s.fixed(0, 3)), "0.0");
        assert_eq!(render(|s| s.fixed(-1, 3)), "-0.001");
        assert_eq!(render(|s| s.fixed(30, 3)), "0.03");
        assert_eq!(render(|s| s.fixed(-197, 3)), "-0.197");
        assert_eq!(render(|s| s.fixed(8224, 2)), "82.24");
        assert_eq!(render(|s| s.fixed(80, 1)), "8.0");
        assert_eq!(render(|s| s.fixed(1005, 3)), "1.005");
    }

    #[test]
    fn padding_and_dates() {
        assert_eq!(render(|s| s.padded(35, 3)), " 35");
        assert_eq!(render(|s| s.padded(6, 7)), "      6");
        assert_eq!(render(|s| s.padded(-999999, 7)), "-999999");
        let d = days_from_civil(2015, 7, 31);
        assert_eq!(civil_from_days(d), (2015, 7, 31));
        assert_eq!(weekday(d), 5);
        assert_eq!(
            render(|s| s.date(days_from_civil(2013, 1, 1))),
            "2013-01-01"
        );
    }
}
