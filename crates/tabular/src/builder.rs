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
    /// Stored, and it is the first cell of its kind in a column that tracks kinds
    /// ([`ColumnBuilder::track_kinds`]).
    FirstOfKind(ColumnKind),
    /// The column became text: it was of kind `was` (not empty) and met a cell of kind `cell`.
    Promoted {
        was: ColumnKind,
        cell: ColumnKind,
    },
    /// The cell is not valid UTF-8: the whole file must switch to Latin-1 before it is stored.
    NeedLatin1,
}

/// Integers beyond this magnitude do not all survive `as f32`, so whether one was stored while
/// its column was a float column changes how it is written once the column turns to text.
const EXACT_IN_F32: u32 = 1 << 24;

/// A cell's place in the file and its text, to report it later.
#[derive(Debug, Clone)]
pub(crate) struct CellAt {
    /// 1-based line where the cell's record starts.
    pub line: u64,
    /// 1-based column position in the file.
    pub column: usize,
    /// The cell as written, decoded.
    pub value: String,
}

/// Appending a part's column would not give the column a single read gives: see
/// [`ColumnBuilder::append`].
#[derive(Debug)]
pub(crate) struct Diverged;

/// The kind a column ends with when it holds cells of kinds `a` and `b`: the promotion lattice.
pub(crate) fn join(a: ColumnKind, b: ColumnKind) -> ColumnKind {
    use ColumnKind::{Empty, Float, Int, Text};
    match (a, b) {
        _ if a == b => a,
        (Empty, k) | (k, Empty) => k,
        (Int, Float) | (Float, Int) => Float,
        _ => Text,
    }
}

fn cell_kind(cell: Cell) -> ColumnKind {
    match cell {
        Cell::Missing => ColumnKind::Empty,
        Cell::Bool(_) => ColumnKind::Bool,
        Cell::Int(_) => ColumnKind::Int,
        Cell::Float(_) => ColumnKind::Float,
        Cell::Date(_) => ColumnKind::Date,
        Cell::Text => ColumnKind::Text,
    }
}

/// The kinds a cell can have, in [`FirstOfKind`] order.
const CELL_KINDS: [ColumnKind; 5] = [
    ColumnKind::Bool,
    ColumnKind::Int,
    ColumnKind::Float,
    ColumnKind::Date,
    ColumnKind::Text,
];

/// The first cell of each kind a column met before it turned to text.
type FirstOfKind = [Option<CellAt>; 5];

fn kind_slot(kind: ColumnKind) -> usize {
    CELL_KINDS
        .iter()
        .position(|&k| k == kind)
        .expect("cells are never of the empty kind")
}

enum Values {
    Empty,
    Bool(Vec<u8>),
    Int(Vec<i32>),
    Float(Vec<f32>),
    Date(Vec<i32>),
    Text(Vec<u32>),
}

impl Values {
    /// The typed values as cells, missing ones as [`Cell::Missing`] (not for `Text` or
    /// `Empty`, whose cells are not typed).
    fn cells(&self) -> Box<dyn Iterator<Item = Cell> + '_> {
        match self {
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
            Values::Empty | Values::Text(_) => unreachable!("only typed values have cells"),
        }
    }
}

/// `n` copies of `value`, with room for `room` values.
fn filled<T: Clone>(n: usize, room: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(room);
    v.resize(n, value);
    v
}

/// An integer cell in a float column.
fn int_as_float(x: i32) -> f32 {
    if x == INT_MISSING {
        f32::NAN
    } else {
        x as f32
    }
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
    /// An integer beyond [`EXACT_IN_F32`] was stored while the column was numeric.
    large_ints: bool,
    /// Rows the column is expected to reach (0: unknown).
    expected_rows: usize,
    /// For a part of a file read on several threads: where the part's first cell of each kind
    /// is, which places the file's first mismatch once the rows before the part are known.
    first_of_kind: Option<Box<FirstOfKind>>,
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
            large_ints: false,
            expected_rows: 0,
            first_of_kind: None,
        }
    }

    /// A builder for a part of a file that does not start at the file's first row: it notes the
    /// first cell of each kind ([`Pushed::FirstOfKind`]) for [`ColumnBuilder::append`].
    /// `rows`: how many rows the part is expected to hold.
    pub(crate) fn track_kinds(name: String, rows: usize) -> ColumnBuilder {
        let mut builder = ColumnBuilder::new(name);
        builder.first_of_kind = Some(Box::default());
        builder.expected_rows = rows;
        builder
    }

    /// Whether the builder tracks kinds and has not met a cell of `kind` yet.
    pub(crate) fn wants_first_of_kind(&self, kind: ColumnKind) -> bool {
        self.first_of_kind
            .as_ref()
            .is_some_and(|first| first[kind_slot(kind)].is_none())
    }

    /// Records the first cell of `kind` (after [`Pushed::FirstOfKind`] or [`Pushed::Promoted`]).
    pub(crate) fn note_kind(&mut self, kind: ColumnKind, at: CellAt) {
        if let Some(first) = &mut self.first_of_kind {
            first[kind_slot(kind)].get_or_insert(at);
        }
    }

    /// Moves the lines this builder reported by `lines`: its part started after them.
    pub(crate) fn shift_lines(&mut self, lines: u64) {
        if let Some(m) = &mut self.first_mismatch {
            m.line += lines;
        }
        for at in self
            .first_of_kind
            .iter_mut()
            .flat_map(|f| f.iter_mut().flatten())
        {
            at.line += lines;
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
        for at in self
            .first_of_kind
            .iter_mut()
            .flat_map(|f| f.iter_mut().flatten())
        {
            utf8_to_latin1(&mut at.value);
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
                    self.large_ints |= x.abs() >= EXACT_IN_F32 as f32;
                    v.push(x);
                    self.rows += 1;
                    return Pushed::Stored;
                }
            }
            Values::Int(v) => {
                if let Ok(x) = cell::parse_int(cell::trim(raw)) {
                    self.large_ints |= x.unsigned_abs() > EXACT_IN_F32;
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
        // Checked before the column changes: after the switch to Latin-1 the same cell comes
        // again. Only text cells are kept as written: typed cells in a text column are written
        // canonically, in ASCII.
        if cell == Cell::Text
            && !decode.latin1
            && self.interner.get(raw).is_none()
            && std::str::from_utf8(raw).is_err()
        {
            return Pushed::NeedLatin1;
        }
        let kind = cell_kind(cell);
        let first_of_kind =
            !matches!(self.values, Values::Text(_)) && self.wants_first_of_kind(kind);
        match cell {
            Cell::Int(x) => self.large_ints |= x.unsigned_abs() > EXACT_IN_F32,
            Cell::Float(x) => self.large_ints |= x.abs() >= EXACT_IN_F32 as f32,
            _ => {}
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
            return if first_of_kind {
                Pushed::FirstOfKind(kind)
            } else {
                Pushed::Stored
            };
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
        if was != ColumnKind::Text {
            Pushed::Promoted { was, cell: kind }
        } else if first_of_kind {
            Pushed::FirstOfKind(kind)
        } else {
            Pushed::Stored
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

    /// Adds `n` rows of missing cells already counted in `missing`.
    fn extend_missing(&mut self, n: usize) {
        self.rows += n;
        let len = self.rows;
        match &mut self.values {
            Values::Empty => {}
            Values::Bool(v) => v.resize(len, BOOL_MISSING),
            Values::Int(v) => v.resize(len, INT_MISSING),
            Values::Date(v) => v.resize(len, DATE_MISSING),
            Values::Float(v) => v.resize(len, f32::NAN),
            Values::Text(v) => v.resize(len, TEXT_MISSING),
        }
    }

    /// Leaves the all-missing state with room for what came before.
    fn start(&mut self, cell: Cell) {
        let n = self.rows;
        let room = n.max(self.expected_rows);
        self.values = match cell {
            Cell::Bool(_) => Values::Bool(filled(n, room, BOOL_MISSING)),
            Cell::Int(_) => Values::Int(filled(n, room, INT_MISSING)),
            Cell::Float(_) => Values::Float(filled(n, room, f32::NAN)),
            Cell::Date(_) => Values::Date(filled(n, room, DATE_MISSING)),
            Cell::Text | Cell::Missing => Values::Text(filled(n, room, TEXT_MISSING)),
        };
    }

    /// Makes room for `rows` rows in all: growing a large column moves it, which threads
    /// reading the parts of one file would wait on.
    pub(crate) fn expect_rows(&mut self, rows: usize) {
        self.expected_rows = rows;
        let more = rows.saturating_sub(self.rows);
        match &mut self.values {
            Values::Empty => {}
            Values::Bool(v) => v.reserve(more),
            Values::Int(v) | Values::Date(v) => v.reserve(more),
            Values::Float(v) => v.reserve(more),
            Values::Text(v) => v.reserve(more),
        }
    }

    fn int_to_float(&mut self) {
        if let Values::Int(v) = &self.values {
            let f = v.iter().map(|&x| int_as_float(x)).collect();
            self.values = Values::Float(f);
        }
    }

    /// Re-renders the values so far as categories.
    fn promote_to_text(&mut self) {
        let old = std::mem::replace(&mut self.values, Values::Empty);
        let cells: Box<dyn Iterator<Item = Cell>> = match &old {
            Values::Empty => Box::new(std::iter::repeat_n(Cell::Missing, self.rows)),
            Values::Text(_) => unreachable!("promote_to_text is only called on non-text columns"),
            typed => typed.cells(),
        };
        let codes = self.intern_cells(cells, false);
        self.values = Values::Text(codes);
    }

    /// Appends the same column of the part of the file that follows this one, leaving what
    /// pushing the part's cells here one by one would have left. `latin1`: the file's encoding,
    /// which both builders already use.
    ///
    /// A part is read without knowing the kind its column had before it, which only changes
    /// its cells in one way: an integer beyond 2^24 stored while the column was a float column
    /// is written through its `f32` once the column turns to text. When that may have happened,
    /// this returns [`Diverged`] and the file must be read in one go.
    pub(crate) fn append(&mut self, next: ColumnBuilder, latin1: bool) -> Result<(), Diverged> {
        let (before, after) = (self.kind(), next.kind());
        let target = join(before, after);
        let next_was = next.first_mismatch.as_ref().map(|m| m.was);
        let floats = [Some(before), Some(after), next_was].contains(&Some(ColumnKind::Float));
        if target == ColumnKind::Text && (self.large_ints || next.large_ints) && floats {
            return Err(Diverged);
        }
        if self.first_mismatch.is_none() {
            self.first_mismatch = match before {
                ColumnKind::Empty => next.first_mismatch.clone(),
                ColumnKind::Text => None,
                kind => next.mismatch_after(kind),
            };
        }
        self.large_ints |= next.large_ints;
        self.missing += next.missing;
        self.become_kind(target);
        let values = match next.values {
            Values::Empty => {
                self.extend_missing(next.rows);
                return Ok(());
            }
            values => values,
        };
        self.rows += next.rows;
        if target == ColumnKind::Text {
            let codes = match values {
                Values::Text(codes) => {
                    // Codes in the part's order of first appearance, as one read assigns them.
                    let keys = next.interner.into_keys_by_code(next.dictionary.len());
                    let remap: Vec<u32> = keys
                        .iter()
                        .zip(next.dictionary)
                        .map(|(key, value)| self.intern_decoded(key, value))
                        .collect();
                    codes
                        .iter()
                        .map(|&c| match c {
                            TEXT_MISSING => TEXT_MISSING,
                            c => remap[c as usize],
                        })
                        .collect()
                }
                typed => self.intern_cells(typed.cells(), latin1),
            };
            if let Values::Text(mine) = &mut self.values {
                mine.extend(codes);
            }
            return Ok(());
        }
        match (&mut self.values, values) {
            (Values::Bool(a), Values::Bool(b)) => a.extend(b),
            (Values::Int(a), Values::Int(b)) | (Values::Date(a), Values::Date(b)) => a.extend(b),
            (Values::Float(a), Values::Float(b)) => a.extend(b),
            (Values::Float(a), Values::Int(b)) => a.extend(b.iter().map(|&x| int_as_float(x))),
            _ => unreachable!("both sides were made the kind they join to"),
        }
        Ok(())
    }

    /// The codes of typed cells in a text column, as one read would give them.
    fn intern_cells(&mut self, cells: impl Iterator<Item = Cell>, latin1: bool) -> Vec<u32> {
        let mut scratch = String::new();
        cells
            .map(|cell| {
                if cell == Cell::Missing {
                    return TEXT_MISSING;
                }
                canonical(cell, &mut scratch);
                self.intern(scratch.as_bytes(), latin1)
            })
            .collect()
    }

    /// Where a column of kind `before` would first meet a cell that turns it to text in this
    /// part, from the first cell of each kind (the cell that does is the first of its kind).
    fn mismatch_after(&self, before: ColumnKind) -> Option<CellMismatch> {
        let first = self.first_of_kind.as_ref()?;
        let (kind, at) = CELL_KINDS
            .iter()
            .zip(first.iter())
            .filter(|(&kind, _)| join(before, kind) == ColumnKind::Text)
            .filter_map(|(&kind, at)| Some((kind, at.as_ref()?)))
            .min_by_key(|(_, at)| at.line)?;
        debug_assert_ne!(kind, before);
        // An integer column met a float first: it was a float column by then.
        let float_first = first[kind_slot(ColumnKind::Float)]
            .as_ref()
            .is_some_and(|f| f.line < at.line);
        let was = if before == ColumnKind::Int && float_first {
            ColumnKind::Float
        } else {
            before
        };
        Some(CellMismatch {
            line: at.line,
            column: at.column,
            value: at.value.clone(),
            was,
        })
    }

    /// Converts the values so far to `kind`, which they join to.
    fn become_kind(&mut self, kind: ColumnKind) {
        match (self.kind(), kind) {
            (from, to) if from == to => {}
            (ColumnKind::Empty, to) => {
                let n = self.rows;
                self.values = match to {
                    ColumnKind::Bool => Values::Bool(vec![BOOL_MISSING; n]),
                    ColumnKind::Int => Values::Int(vec![INT_MISSING; n]),
                    ColumnKind::Float => Values::Float(vec![f32::NAN; n]),
                    ColumnKind::Date => Values::Date(vec![DATE_MISSING; n]),
                    ColumnKind::Text | ColumnKind::Empty => Values::Text(vec![TEXT_MISSING; n]),
                };
            }
            (ColumnKind::Int, ColumnKind::Float) => self.int_to_float(),
            (_, ColumnKind::Text) => self.promote_to_text(),
            (from, to) => unreachable!("{from:?} does not join to {to:?}"),
        }
    }

    /// The code of a value read elsewhere, as `key` (its bytes) and `value` (decoded).
    fn intern_decoded(&mut self, key: &[u8], value: String) -> u32 {
        if let Some(code) = self.interner.get(key) {
            return code;
        }
        let code = self.dictionary.len() as u32;
        self.interner.insert(key, code);
        self.dictionary.push(value);
        code
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
