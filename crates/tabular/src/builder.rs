//! Accumulates one column's cells, inferring and promoting its type as rows arrive.
//!
//! Promotion lattice: Empty -> anything; Int -> Float; Int/Float/Bool/Date -> Text. Promotion to
//! text re-renders earlier values, so a column is typed by all of its rows, not the first ones.

use crate::cell::{self, Cell};
use crate::column::{
    CellMismatch, Column, ColumnData, ColumnKind, TextColumn, BOOL_MISSING, DATE_MISSING,
    INT_MISSING, TEXT_MISSING,
};
use crate::intern::Interner;

/// Per-file decoding state shared by all columns.
pub(crate) struct Decode {
    /// `;` files may write `1,5` for 1.5.
    pub decimal_comma_allowed: bool,
    /// At least one number used a decimal comma.
    pub decimal_comma_seen: bool,
    /// The file turned out not to be UTF-8: bytes are read as Latin-1.
    pub latin1: bool,
}

/// What happened to a pushed cell.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Pushed {
    Stored,
    /// The column became text; it was of this kind before (not empty).
    Promoted(ColumnKind),
    /// The cell is not valid UTF-8: the whole file must switch to Latin-1 before it is stored.
    NeedLatin1,
}

enum Values {
    Empty,
    Bool(Vec<u8>),
    Int(Vec<i32>),
    Float(Vec<f32>),
    Date(Vec<i32>),
    Text(Vec<u32>),
}

/// Builds one column.
pub(crate) struct ColumnBuilder {
    pub name: String,
    pub first_mismatch: Option<CellMismatch>,
    values: Values,
    rows: usize,
    missing: usize,
    interner: Interner,
    dictionary: Vec<String>,
    scratch: String,
    /// Last date parsed, as written and as days.
    last_date: ([u8; 10], i32),
}

/// Decodes bytes with the file's encoding; `None` if not UTF-8 and the file is still UTF-8.
pub(crate) fn decode_bytes(bytes: &[u8], latin1: bool) -> Option<String> {
    if latin1 {
        Some(bytes.iter().map(|&b| char::from(b)).collect())
    } else {
        std::str::from_utf8(bytes).ok().map(str::to_string)
    }
}

/// Re-reads a string decoded as UTF-8 as Latin-1 (its bytes are the file's bytes).
pub(crate) fn utf8_to_latin1(s: &mut String) {
    if !s.is_ascii() {
        *s = s.bytes().map(char::from).collect();
    }
}

/// Canonical text of a typed cell that lands in a text column: `1`, `1.0` and ` 1` are one
/// category, and earlier values re-rendered on promotion match later ones.
fn canonical(cell: Cell, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    let _ = match cell {
        Cell::Bool(b) => write!(out, "{b}"),
        Cell::Int(v) => write!(out, "{v}"),
        Cell::Float(v) => write!(out, "{v}"),
        Cell::Date(d) => {
            crate::column::render_date(d, out);
            Ok(())
        }
        Cell::Missing | Cell::Text => Ok(()),
    };
}

/// True when an integer is written as `{}` would write it (no `+`, padding or leading zero),
/// so it can be interned as written without formatting it.
#[inline]
fn canonical_int(t: &[u8]) -> bool {
    let digits = t.strip_prefix(b"-").unwrap_or(t);
    match digits {
        [b'0'] => t.len() == 1,
        [first, ..] => *first != b'0' && first.is_ascii_digit(),
        [] => false,
    }
}

impl ColumnBuilder {
    pub(crate) fn new(name: String) -> ColumnBuilder {
        ColumnBuilder {
            name,
            first_mismatch: None,
            values: Values::Empty,
            rows: 0,
            missing: 0,
            interner: Interner::default(),
            dictionary: Vec::new(),
            scratch: String::new(),
            last_date: ([0; 10], 0),
        }
    }

    /// Current kind.
    pub(crate) fn kind(&self) -> ColumnKind {
        match self.values {
            Values::Empty => ColumnKind::Empty,
            Values::Bool(_) => ColumnKind::Bool,
            Values::Int(_) => ColumnKind::Int,
            Values::Float(_) => ColumnKind::Float,
            Values::Date(_) => ColumnKind::Date,
            Values::Text(_) => ColumnKind::Text,
        }
    }

    /// Re-decodes the dictionary after the file switched to Latin-1.
    pub(crate) fn switch_to_latin1(&mut self) {
        for s in &mut self.dictionary {
            utf8_to_latin1(s);
        }
        utf8_to_latin1(&mut self.name);
        if let Some(m) = &mut self.first_mismatch {
            utf8_to_latin1(&mut m.value);
        }
    }

    /// Adds one cell (raw bytes, quotes removed).
    #[inline(always)]
    pub(crate) fn push(&mut self, raw: &[u8], decode: &mut Decode) -> Pushed {
        // Fast paths: an empty cell (most of Bosch), or the column's current type.
        if raw.is_empty() {
            self.push_missing();
            return Pushed::Stored;
        }
        match &mut self.values {
            Values::Float(v) => {
                if let Some((x, comma)) =
                    cell::parse_float(cell::trim(raw), decode.decimal_comma_allowed)
                {
                    decode.decimal_comma_seen |= comma;
                    v.push(x);
                    self.rows += 1;
                    return Pushed::Stored;
                }
            }
            Values::Int(v) => {
                if let Ok(x) = cell::parse_int(cell::trim(raw)) {
                    v.push(x);
                    self.rows += 1;
                    return Pushed::Stored;
                }
            }
            Values::Date(v) => {
                let t = cell::trim(raw);
                // Exports are often sorted by date: the same day repeats for every store.
                if t.len() == 10 && t == self.last_date.0 {
                    v.push(self.last_date.1);
                    self.rows += 1;
                    return Pushed::Stored;
                }
                if let Some(x) = cell::parse_date(t) {
                    self.last_date.0.copy_from_slice(t);
                    self.last_date.1 = x;
                    v.push(x);
                    self.rows += 1;
                    return Pushed::Stored;
                }
            }
            Values::Text(codes) => {
                // A value seen before has its code, whether it was stored as written or in
                // canonical form (canonical forms read back as themselves).
                if let Some(code) = self.interner.get(raw) {
                    codes.push(code);
                    self.rows += 1;
                    return Pushed::Stored;
                }
            }
            _ => {}
        }
        self.push_other(raw, decode)
    }

    /// A cell the column's current type does not take as it is: classify it, then store,
    /// promote or switch encoding. Kept out of line so that `push`, called for every cell, stays
    /// small enough to inline.
    #[inline(never)]
    fn push_other(&mut self, raw: &[u8], decode: &mut Decode) -> Pushed {
        let (cell, comma) = cell::classify(raw, decode.decimal_comma_allowed);
        decode.decimal_comma_seen |= comma;
        self.push_cell(cell, raw, decode)
    }

    fn push_cell(&mut self, cell: Cell, raw: &[u8], decode: &mut Decode) -> Pushed {
        if cell == Cell::Missing {
            self.push_missing();
            return Pushed::Stored;
        }
        if matches!(self.values, Values::Empty) {
            self.start(cell);
        }
        let stored = match (&mut self.values, cell) {
            (Values::Bool(v), Cell::Bool(b)) => {
                v.push(u8::from(b));
                true
            }
            (Values::Int(v), Cell::Int(x)) | (Values::Date(v), Cell::Date(x)) => {
                v.push(x);
                true
            }
            (Values::Float(v), Cell::Float(x)) => {
                v.push(x);
                true
            }
            (Values::Float(v), Cell::Int(x)) => {
                v.push(x as f32);
                true
            }
            (Values::Int(_), Cell::Float(x)) => {
                self.int_to_float();
                if let Values::Float(v) = &mut self.values {
                    v.push(x);
                }
                true
            }
            _ => false,
        };
        if stored {
            self.rows += 1;
            return Pushed::Stored;
        }
        // The cell is text, or typed but of another kind: the column is (or becomes) text.
        let mut scratch = std::mem::take(&mut self.scratch);
        let key: &[u8] = if cell == Cell::Text {
            raw
        } else if matches!(cell, Cell::Int(_)) && canonical_int(cell::trim(raw)) {
            cell::trim(raw)
        } else {
            canonical(cell, &mut scratch);
            scratch.as_bytes()
        };
        if !decode.latin1 && self.interner.get(key).is_none() && std::str::from_utf8(key).is_err() {
            self.scratch = scratch;
            return Pushed::NeedLatin1;
        }
        let was = self.kind();
        if was != ColumnKind::Text {
            // Earlier values first, so that codes follow the order of first appearance.
            self.promote_to_text();
        }
        let code = self.intern(key, decode.latin1);
        if let Values::Text(codes) = &mut self.values {
            codes.push(code);
        }
        self.scratch = scratch;
        self.rows += 1;
        if was == ColumnKind::Text {
            Pushed::Stored
        } else {
            Pushed::Promoted(was)
        }
    }

    /// The code of `key`, adding it to the dictionary if new.
    fn intern(&mut self, key: &[u8], latin1: bool) -> u32 {
        if let Some(code) = self.interner.get(key) {
            return code;
        }
        let code = self.dictionary.len() as u32;
        self.interner.insert(key, code);
        self.dictionary.push(
            decode_bytes(key, latin1).unwrap_or_else(|| String::from_utf8_lossy(key).into_owned()),
        );
        code
    }

    #[inline]
    fn push_missing(&mut self) {
        self.missing += 1;
        self.rows += 1;
        match &mut self.values {
            Values::Empty => {}
            Values::Bool(v) => v.push(BOOL_MISSING),
            Values::Int(v) => v.push(INT_MISSING),
            Values::Float(v) => v.push(f32::NAN),
            Values::Date(v) => v.push(DATE_MISSING),
            Values::Text(v) => v.push(TEXT_MISSING),
        }
    }

    /// Leaves the all-missing state with room for what came before.
    fn start(&mut self, cell: Cell) {
        let n = self.rows;
        self.values = match cell {
            Cell::Bool(_) => Values::Bool(vec![BOOL_MISSING; n]),
            Cell::Int(_) => Values::Int(vec![INT_MISSING; n]),
            Cell::Float(_) => Values::Float(vec![f32::NAN; n]),
            Cell::Date(_) => Values::Date(vec![DATE_MISSING; n]),
            Cell::Text | Cell::Missing => Values::Text(vec![TEXT_MISSING; n]),
        };
    }

    fn int_to_float(&mut self) {
        if let Values::Int(v) = &self.values {
            let f = v
                .iter()
                .map(|&x| if x == INT_MISSING { f32::NAN } else { x as f32 })
                .collect();
            self.values = Values::Float(f);
        }
    }

    /// Re-renders the values so far as categories.
    fn promote_to_text(&mut self) {
        let old = std::mem::replace(&mut self.values, Values::Empty);
        let cells: Box<dyn Iterator<Item = Cell>> = match &old {
            Values::Empty => Box::new(std::iter::repeat_n(Cell::Missing, self.rows)),
            Values::Bool(v) => Box::new(v.iter().map(|&b| match b {
                BOOL_MISSING => Cell::Missing,
                b => Cell::Bool(b == 1),
            })),
            Values::Int(v) => Box::new(v.iter().map(|&x| match x {
                INT_MISSING => Cell::Missing,
                x => Cell::Int(x),
            })),
            Values::Float(v) => Box::new(v.iter().map(|&x| {
                if x.is_nan() {
                    Cell::Missing
                } else {
                    Cell::Float(x)
                }
            })),
            Values::Date(v) => Box::new(v.iter().map(|&x| match x {
                DATE_MISSING => Cell::Missing,
                x => Cell::Date(x),
            })),
            Values::Text(_) => unreachable!("promote_to_text is only called on non-text columns"),
        };
        let mut codes = Vec::with_capacity(self.rows + self.rows / 2);
        let mut scratch = String::new();
        for c in cells {
            if c == Cell::Missing {
                codes.push(TEXT_MISSING);
                continue;
            }
            canonical(c, &mut scratch);
            let code = self.intern(scratch.as_bytes(), false);
            codes.push(code);
        }
        self.values = Values::Text(codes);
    }

    /// The finished column.
    pub(crate) fn finish(self) -> Column {
        let data = match self.values {
            Values::Empty => ColumnData::Empty(self.rows),
            Values::Bool(v) => ColumnData::Bool(v),
            Values::Int(v) => ColumnData::Int(v),
            Values::Float(v) => ColumnData::Float(v),
            Values::Date(v) => ColumnData::Date(v),
            Values::Text(codes) => ColumnData::Text(TextColumn {
                codes,
                dictionary: self.dictionary,
            }),
        };
        Column {
            name: self.name,
            data,
            missing: self.missing,
            first_mismatch: self.first_mismatch,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(cells: &[&str]) -> Column {
        let mut d = Decode {
            decimal_comma_allowed: false,
            decimal_comma_seen: false,
            latin1: false,
        };
        let mut b = ColumnBuilder::new("c".into());
        for c in cells {
            b.push(c.as_bytes(), &mut d);
        }
        b.finish()
    }

    #[test]
    fn empty_then_int() {
        let c = build(&["", "NA", "3"]);
        assert_eq!(c.data, ColumnData::Int(vec![INT_MISSING, INT_MISSING, 3]));
        assert_eq!(c.missing, 2);
    }

    #[test]
    fn int_then_float() {
        let c = build(&["1", "", "2.5"]);
        assert_eq!(c.data, ColumnData::Float(vec![1.0, f32::NAN, 2.5]));
    }

    #[test]
    fn int_then_text_re_renders() {
        let c = build(&["0", " 0", "", "a", "1.0", "1"]);
        let ColumnData::Text(t) = &c.data else {
            panic!("{:?}", c.data)
        };
        assert_eq!(t.dictionary, ["0", "a", "1"]);
        assert_eq!(t.codes, [0, 0, TEXT_MISSING, 1, 2, 2]);
    }

    #[test]
    fn bool_then_int_is_text() {
        let c = build(&["true", "2"]);
        let ColumnData::Text(t) = &c.data else {
            panic!()
        };
        assert_eq!(t.dictionary, ["true", "2"]);
    }

    #[test]
    fn date_then_text() {
        let c = build(&["2015-07-31", "later"]);
        let ColumnData::Text(t) = &c.data else {
            panic!()
        };
        assert_eq!(t.dictionary, ["2015-07-31", "later"]);
    }
}
