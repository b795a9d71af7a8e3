//! Months of the store as bytes, and back: what the page's engine worker hands each worker of
//! the pool that fits the forests (one copy of 24 bytes per customer-month, instead of feature
//! tables), and what those workers hand back (a JSON header and `f32` score arrays). Little
//! endian, length-prefixed, checked on reading.

use super::store::{Dictionary, Month, Person};
use super::CODED;
use crate::UseCaseError;

const MAGIC: &[u8; 4] = b"VSAN";
const VERSION: u32 = 1;

/// Appends little-endian values to a buffer.
#[derive(Debug, Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// A `u32`.
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// Bytes, after their length.
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }

    /// `f32`s, after their count.
    pub fn f32s(&mut self, values: &[f32]) {
        self.u32(values.len() as u32);
        self.0.reserve(values.len() * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// `u32`s, after their count.
    pub fn u32s(&mut self, values: &[u32]) {
        self.u32(values.len() as u32);
        self.0.reserve(values.len() * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// Reads what a [`Writer`] wrote, failing on a short or damaged buffer.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn damaged() -> UseCaseError {
    UseCaseError::Input("the data handed to a worker is damaged or of another version".into())
}

impl<'a> Reader<'a> {
    /// A reader from the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], UseCaseError> {
        let end = self.at.checked_add(n).ok_or_else(damaged)?;
        let out = self.bytes.get(self.at..end).ok_or_else(damaged)?;
        self.at = end;
        Ok(out)
    }

    /// A `u32`.
    pub fn u32(&mut self) -> Result<u32, UseCaseError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Bytes written by [`Writer::bytes`].
    pub fn bytes(&mut self) -> Result<&'a [u8], UseCaseError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// `f32`s written by [`Writer::f32s`].
    pub fn f32s(&mut self) -> Result<Vec<f32>, UseCaseError> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(4).ok_or_else(damaged)?)?;
        Ok(b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// `u32`s written by [`Writer::u32s`].
    pub fn u32s(&mut self) -> Result<Vec<u32>, UseCaseError> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(4).ok_or_else(damaged)?)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// Months and the coded fields' dictionaries as bytes.
pub fn encode_months(months: &[Month], dictionaries: &[Dictionary]) -> Vec<u8> {
    let rows: usize = months.iter().map(Month::len).sum();
    let mut w = Writer(Vec::with_capacity(rows * 24 + 4096));
    w.0.extend_from_slice(MAGIC);
    w.u32(VERSION);
    w.u32(dictionaries.len() as u32);
    for d in dictionaries {
        w.u32(d.values.len() as u32);
        for v in &d.values {
            w.bytes(v.as_bytes());
        }
    }
    w.u32(months.len() as u32);
    for m in months {
        w.u32(m.month as u32);
        w.u32s(&m.ids);
        w.u32s(&m.products);
        for p in &m.people {
            w.0.extend_from_slice(&p.income.to_le_bytes());
            w.0.extend_from_slice(&p.seniority.to_le_bytes());
            w.0.push(p.age);
            w.0.extend_from_slice(&p.codes);
        }
    }
    w.0
}

/// Reads what [`encode_months`] wrote.
pub fn decode_months(bytes: &[u8]) -> Result<(Vec<Month>, Vec<Dictionary>), UseCaseError> {
    let mut r = Reader::new(bytes);
    if r.take(4)? != MAGIC || r.u32()? != VERSION {
        return Err(damaged());
    }
    let n_dictionaries = r.u32()? as usize;
    if n_dictionaries != CODED.len() {
        return Err(damaged());
    }
    let mut dictionaries = Vec::with_capacity(n_dictionaries);
    for _ in 0..n_dictionaries {
        let n = r.u32()? as usize;
        let mut values = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            values.push(String::from_utf8_lossy(r.bytes()?).into_owned());
        }
        dictionaries.push(Dictionary::of(values));
    }
    let n_months = r.u32()? as usize;
    let mut months = Vec::with_capacity(n_months.min(64));
    for _ in 0..n_months {
        let month = r.u32()? as i32;
        let ids = r.u32s()?;
        let products = r.u32s()?;
        if products.len() != ids.len() {
            return Err(damaged());
        }
        let raw = r.take(ids.len() * 16)?;
        let people = raw
            .chunks_exact(16)
            .map(|c| {
                let mut codes = [0u8; CODED.len()];
                codes.copy_from_slice(&c[7..16]);
                Person {
                    income: f32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    seniority: u16::from_le_bytes([c[4], c[5]]),
                    age: c[6],
                    codes,
                }
            })
            .collect();
        months.push(Month {
            month,
            ids,
            products,
            people,
        });
    }
    Ok((months, dictionaries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_trip_and_damage_is_refused() {
        let mut person = Person::EMPTY;
        person.age = 40;
        person.codes[3] = 7;
        let months = vec![Month {
            month: 24_181,
            ids: vec![3, 9],
            products: vec![0b101, 0],
            people: vec![person, Person::EMPTY],
        }];
        let mut dictionaries = vec![Dictionary::default(); CODED.len()];
        dictionaries[8].code("01 - TOP");
        let bytes = encode_months(&months, &dictionaries);
        let (back, dicts) = decode_months(&bytes).unwrap();
        assert_eq!(back[0].ids, months[0].ids);
        assert_eq!(back[0].products, months[0].products);
        assert_eq!(back[0].people[0], person);
        assert!(back[0].people[1].income.is_nan());
        assert_eq!(dicts[8].value(0), Some("01 - TOP"));
        assert!(decode_months(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_months(b"nope").is_err());
    }
}
