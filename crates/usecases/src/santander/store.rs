//! Santander's monthly snapshots kept compactly: per month, the customers' ids (`u32`,
//! increasing), their 24 product flags as the bits of a `u32`, and the demographic fields the
//! models use in 16 bytes ([`Person`]: age as a byte, seniority as a `u16`, income as an `f32`,
//! nine coded fields as bytes). The full file's 13.6 M rows take 330 MB this way, where a table
//! of the same columns would take 2 GB.
//!
//! Rows come in one at a time ([`StoreBuilder::push`]), from a stream of records or from a
//! loaded table ([`super::read`]); [`StoreBuilder::finish`] sorts each month by customer and
//! checks what a use case needs of the file: months that follow each other without a gap, no
//! customer twice in a month.

use std::collections::HashMap;

use serde::Serialize;
use tabular::{CsvError, ErrorKind};

use super::{CODED, PRODUCTS};

/// An absent code, age or seniority.
pub const MISSING: u8 = u8::MAX;
/// The code of a value past the 254 a field can name (Santander's busiest, `canal_entrada`,
/// has 162).
pub const OTHER: u8 = u8::MAX - 1;
/// An absent seniority.
pub const MISSING_MONTHS: u16 = u16::MAX;
/// Whole numbers a dictionary codes without writing them out.
const SMALL: usize = 1024;

/// A customer's demographic fields in one month.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// `renta`, household income; NaN when empty.
    pub income: f32,
    /// `antiguedad`, months as a customer; [`MISSING_MONTHS`] when `NA` or negative.
    pub seniority: u16,
    /// `age` in years (254 at most); [`MISSING`] when `NA`.
    pub age: u8,
    /// The coded fields, in [`CODED`] order: dictionary codes, [`MISSING`] when empty.
    pub codes: [u8; CODED.len()],
}

impl PartialEq for Person {
    /// Incomes compare by bit pattern, so that two reads of the same file are equal with NaN.
    fn eq(&self, other: &Person) -> bool {
        self.income.to_bits() == other.income.to_bits()
            && self.seniority == other.seniority
            && self.age == other.age
            && self.codes == other.codes
    }
}

impl Person {
    /// Nothing known.
    pub const EMPTY: Person = Person {
        income: f32::NAN,
        seniority: MISSING_MONTHS,
        age: MISSING,
        codes: [MISSING; CODED.len()],
    };
}

/// One row of the file, parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// `fecha_dato` as a month number (`year * 12 + month - 1`).
    pub month: i32,
    /// `ncodpers`.
    pub id: u32,
    /// Bit `p` set when `PRODUCTS[p]` is `1`.
    pub products: u32,
    /// The demographic fields.
    pub person: Person,
}

/// One monthly snapshot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Month {
    /// `year * 12 + month - 1`.
    pub month: i32,
    /// Customer ids, increasing.
    pub ids: Vec<u32>,
    /// Products held, one bit per product.
    pub products: Vec<u32>,
    /// Demographic fields.
    pub people: Vec<Person>,
}

impl Month {
    /// Customers in the month.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the month has no customer.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The row of customer `id`, if present.
    pub fn find(&self, id: u32) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// `YYYY-MM-28`, as `fecha_dato` writes it.
    pub fn date(&self) -> String {
        month_name(self.month)
    }
}

/// `YYYY-MM-28` of a month number.
pub fn month_name(month: i32) -> String {
    format!(
        "{:04}-{:02}-28",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The customers present in both of two months, as pairs of row indices (increasing ids).
pub fn join(before: &Month, after: &Month) -> Vec<(u32, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::with_capacity(before.len().min(after.len()));
    while i < before.len() && j < after.len() {
        match before.ids[i].cmp(&after.ids[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                pairs.push((i as u32, j as u32));
                i += 1;
                j += 1;
            }
        }
    }
    pairs
}

/// The values of a coded field, by code.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dictionary {
    /// Value of code `c`, in order of first appearance.
    pub values: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, u8>,
    /// Codes of the whole numbers 0..1024 already seen (`cod_prov`, flags), so that a number
    /// is coded without being written out.
    #[serde(skip)]
    small: Vec<Option<u8>>,
}

impl Dictionary {
    /// A dictionary of these values (codes in order).
    pub fn of(values: Vec<String>) -> Dictionary {
        let index = values
            .iter()
            .enumerate()
            .map(|(c, v)| (v.clone(), c as u8))
            .collect();
        Dictionary {
            values,
            index,
            small: Vec::new(),
        }
    }

    /// The code of a number, written as its shortest form (`28`, `1.5`).
    pub fn code_number(&mut self, v: f64) -> u8 {
        let whole = v >= 0.0 && v < SMALL as f64 && v.fract() == 0.0;
        if !whole {
            return self.code(&format!("{v}"));
        }
        if self.small.is_empty() {
            self.small = vec![None; SMALL];
        }
        let k = v as usize;
        if let Some(c) = self.small[k] {
            return c;
        }
        let c = self.code(&k.to_string());
        self.small[k] = Some(c);
        c
    }

    /// The code of `value` (trimmed; empty and `NA` are missing), added if new.
    pub fn code(&mut self, value: &str) -> u8 {
        let value = value.trim();
        if value.is_empty() || value == "NA" {
            return MISSING;
        }
        // A linear look among a few values beats hashing the text.
        if self.values.len() <= 16 {
            if let Some(c) = self.values.iter().position(|v| v == value) {
                return c as u8;
            }
        } else if let Some(&c) = self.index.get(value) {
            return c;
        }
        if self.values.len() >= OTHER as usize {
            return OTHER;
        }
        let c = self.values.len() as u8;
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), c);
        c
    }

    /// The value of code `c`, if it names one.
    pub fn value(&self, c: u8) -> Option<&str> {
        self.values.get(c as usize).map(String::as_str)
    }

    /// Codes a categorical feature of this field takes (the values, and [`OTHER`] once full).
    pub fn n_categories(&self) -> u32 {
        if self.values.len() >= OTHER as usize {
            u32::from(OTHER) + 1
        } else {
            self.values.len().max(1) as u32
        }
    }
}

/// A month being filled.
#[derive(Debug, Default)]
struct MonthRows {
    rows: Month,
    first_line: u64,
    /// Ids came in increasing order so far (the public file's order): no sort needed.
    sorted: bool,
}

/// Rows in, a [`SantanderStore`] out.
#[derive(Debug)]
pub struct StoreBuilder {
    file: String,
    dictionaries: Vec<Dictionary>,
    months: Vec<MonthRows>,
    /// Index into `months` of the month the last row went to.
    current: Option<usize>,
    rows: u64,
}

impl StoreBuilder {
    /// A builder for the file `file` (named in errors).
    pub fn new(file: &str) -> StoreBuilder {
        StoreBuilder {
            file: file.to_string(),
            dictionaries: vec![Dictionary::default(); CODED.len()],
            months: Vec::new(),
            current: None,
            rows: 0,
        }
    }

    /// The file's name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The dictionaries the coded fields' text goes through.
    pub fn dictionaries(&mut self) -> &mut [Dictionary] {
        &mut self.dictionaries
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds a row read from `line`.
    pub fn push(&mut self, row: Row, line: u64) -> Result<(), CsvError> {
        let k = match self.current {
            Some(k) if self.months[k].rows.month == row.month => k,
            _ => {
                let k = match self.months.iter().position(|m| m.rows.month == row.month) {
                    Some(k) => k,
                    None => {
                        self.months.push(MonthRows {
                            rows: Month {
                                month: row.month,
                                ..Month::default()
                            },
                            first_line: line,
                            sorted: true,
                        });
                        self.months.len() - 1
                    }
                };
                self.current = Some(k);
                k
            }
        };
        let month = &mut self.months[k];
        if let Some(&last) = month.rows.ids.last() {
            if row.id == last {
                return Err(duplicate(&self.file, Some(line), row.id, row.month));
            }
            month.sorted &= row.id > last;
        }
        month.rows.ids.push(row.id);
        month.rows.products.push(row.products);
        month.rows.people.push(row.person);
        self.rows += 1;
        Ok(())
    }

    /// Sorts each month by customer and checks the months: at least one, consecutive, no
    /// customer twice in one.
    pub fn finish(self) -> Result<SantanderStore, CsvError> {
        let file = self.file;
        if self.months.is_empty() {
            return Err(CsvError::new(&file, ErrorKind::NoDataRows));
        }
        let mut months = self.months;
        months.sort_by_key(|m| m.rows.month);
        for pair in months.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.rows.month != a.rows.month + 1 {
                let missing = a.rows.month + 1;
                return Err(CsvError {
                    file: file.clone(),
                    line: Some(b.first_line),
                    column: Some(1),
                    column_name: Some("fecha_dato".into()),
                    kind: ErrorKind::Invalid(format!(
                        "no row for the month {} (the file goes from {} to {}): the monthly \
                         snapshots must follow each other",
                        month_name(missing),
                        month_name(a.rows.month),
                        month_name(b.rows.month)
                    )),
                });
            }
        }
        let mut out = Vec::with_capacity(months.len());
        for m in months {
            let mut rows = m.rows;
            if !m.sorted {
                sort_by_id(&mut rows);
                if let Some(w) = rows.ids.windows(2).find(|w| w[0] == w[1]) {
                    return Err(duplicate(&file, None, w[0], rows.month));
                }
            }
            rows.ids.shrink_to_fit();
            rows.products.shrink_to_fit();
            rows.people.shrink_to_fit();
            out.push(rows);
        }
        Ok(SantanderStore {
            file,
            months: out,
            dictionaries: self.dictionaries,
            rows: self.rows,
        })
    }
}

fn duplicate(file: &str, line: Option<u64>, id: u32, month: i32) -> CsvError {
    CsvError {
        file: file.to_string(),
        line,
        column: Some(2),
        column_name: Some("ncodpers".into()),
        kind: ErrorKind::Invalid(format!(
            "customer {id} appears twice in the month {}",
            month_name(month)
        )),
    }
}

fn sort_by_id(month: &mut Month) {
    let mut order: Vec<u32> = (0..month.len() as u32).collect();
    order.sort_by_key(|&i| month.ids[i as usize]);
    month.ids = order.iter().map(|&i| month.ids[i as usize]).collect();
    month.products = order.iter().map(|&i| month.products[i as usize]).collect();
    month.people = order.iter().map(|&i| month.people[i as usize]).collect();
}

/// The file's monthly snapshots, compactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SantanderStore {
    /// The file's name, for messages.
    pub file: String,
    /// The months, consecutive, oldest first.
    pub months: Vec<Month>,
    /// The coded fields' values, in [`CODED`] order.
    pub dictionaries: Vec<Dictionary>,
    /// Rows read.
    pub rows: u64,
}

impl SantanderStore {
    /// Bytes the store holds (what a tab pays for it).
    pub fn bytes(&self) -> u64 {
        let per_row = 4 + 4 + std::mem::size_of::<Person>() as u64;
        self.months.iter().map(|m| m.len() as u64 * per_row).sum()
    }

    /// The last `n` months, or an error saying the file has fewer.
    pub fn last(&self, n: usize, why: &str) -> Result<&[Month], crate::UseCaseError> {
        if self.months.len() < n {
            return Err(crate::UseCaseError::Input(format!(
                "{} holds {} monthly snapshot{} ({}): {why} needs at least {n}",
                self.file,
                self.months.len(),
                if self.months.len() == 1 { "" } else { "s" },
                self.months
                    .iter()
                    .map(Month::date)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(&self.months[self.months.len() - n..])
    }

    /// Customers taking each product up between consecutive months (held in the later, not in
    /// the earlier), per month pair: the take-up counts the view charts.
    pub fn take_ups(&self) -> Vec<[u32; PRODUCTS.len()]> {
        self.months
            .windows(2)
            .map(|pair| {
                let mut counts = [0u32; PRODUCTS.len()];
                for (i, j) in join(&pair[0], &pair[1]) {
                    let added = pair[1].products[j as usize] & !pair[0].products[i as usize];
                    for (p, c) in counts.iter_mut().enumerate() {
                        *c += added >> p & 1;
                    }
                }
                counts
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(month: i32, id: u32, products: u32) -> Row {
        Row {
            month,
            id,
            products,
            person: Person::EMPTY,
        }
    }

    #[test]
    fn months_are_sorted_joined_and_checked() {
        let mut b = StoreBuilder::new("t.csv");
        for (k, (m, id, p)) in [(5, 3, 1), (5, 1, 2), (6, 1, 3), (6, 2, 1), (6, 3, 0)]
            .into_iter()
            .enumerate()
        {
            b.push(row(m, id, p), k as u64 + 2).unwrap();
        }
        let store = b.finish().unwrap();
        assert_eq!(store.months[0].ids, [1, 3]);
        assert_eq!(store.months[0].products, [2, 1]);
        assert_eq!(join(&store.months[0], &store.months[1]), [(0, 0), (1, 2)]);
        // Customer 1 added product 0 (bit 1 held before): one take-up of product 0.
        assert_eq!(store.take_ups()[0][0], 1);
        assert_eq!(store.take_ups()[0][1], 0);

        let mut b = StoreBuilder::new("t.csv");
        b.push(row(5, 1, 0), 2).unwrap();
        b.push(row(7, 1, 0), 3).unwrap();
        let e = b.finish().unwrap_err();
        assert_eq!(
            (e.line, e.column_name.as_deref()),
            (Some(3), Some("fecha_dato"))
        );
        assert!(e.to_string().contains("0000-07-28"), "{e}");

        let mut b = StoreBuilder::new("t.csv");
        b.push(row(5, 1, 0), 2).unwrap();
        assert_eq!(b.push(row(5, 1, 0), 3).unwrap_err().line, Some(3));
    }

    #[test]
    fn dictionaries_code_values_and_missing() {
        let mut d = Dictionary::default();
        assert_eq!(d.code(" KHE"), 0);
        assert_eq!(d.code("KAT"), 1);
        assert_eq!(d.code("KHE "), 0);
        assert_eq!(d.code(" NA"), MISSING);
        assert_eq!(d.code(""), MISSING);
        for k in 0..300 {
            d.code(&format!("v{k}"));
        }
        assert_eq!(d.code("another"), OTHER);
        assert_eq!(d.value(1), Some("KAT"));
        assert_eq!(std::mem::size_of::<Person>(), 16);
    }
}
