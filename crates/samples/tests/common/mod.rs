//! Test helpers: generate a file into memory and split it into fields (RFC 4180 quotes).

#![allow(dead_code)]

use samples::{write_file, Dataset};

pub fn bytes(dataset: Dataset, file: &str, scale: f64, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_file(dataset, file, scale, seed, &mut out).unwrap();
    out
}

pub fn text(dataset: Dataset, file: &str, scale: f64, seed: u64) -> String {
    String::from_utf8(bytes(dataset, file, scale, seed)).unwrap()
}

/// Splits one CSV line into unquoted fields.
pub fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Header and rows of a generated file.
pub fn table(
    dataset: Dataset,
    file: &str,
    scale: f64,
    seed: u64,
) -> (Vec<String>, Vec<Vec<String>>) {
    let text = text(dataset, file, scale, seed);
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap());
    (header, lines.map(fields).collect())
}

pub fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}
