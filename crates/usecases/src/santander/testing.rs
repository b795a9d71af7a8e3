//! Stores with a planted signal for the tests of 3.1 and 3.2: customers of two segments, each
//! taking up its own product from month to month, so that a recommender that reads the
//! segment (the forests) beats one that does not (popularity), by a known margin.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::store::{Person, Row, SantanderStore, StoreBuilder, MISSING};
use super::SEGMENT;

/// The product segment "01 - TOP" takes up (`ind_ctop_fin_ult1`).
pub const TOP_PRODUCT: usize = 7;
/// The product segment "03 - UNIVERSITARIO" takes up (`ind_valo_fin_ult1`).
pub const STUDENT_PRODUCT: usize = 19;
/// Monthly take-up probability of a segment's own product (the other segment's: a tenth).
pub const TAKE_UP: f64 = 0.2;

/// `customers` customers over `months` months: everyone holds the current account; each month a
/// customer not holding their segment's product takes it up with [`TAKE_UP`], the other
/// segment's with a tenth of that.
pub fn planted_store(customers: u32, months: i32, seed: u64) -> SantanderStore {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut builder = StoreBuilder::new("train_ver2.csv");
    let top = builder.dictionaries()[SEGMENT].code("01 - TOP");
    let student = builder.dictionaries()[SEGMENT].code("03 - UNIVERSITARIO");
    let people: Vec<Person> = (0..customers)
        .map(|c| {
            let mut person = Person::EMPTY;
            let is_top = c % 2 == 0;
            person.codes[SEGMENT] = if is_top { top } else { student };
            person.age = if is_top {
                rng.random_range(35..70)
            } else {
                rng.random_range(19..26)
            };
            person.income = rng.random_range(20_000.0..200_000.0);
            person.seniority = rng.random_range(0..200);
            for code in person.codes.iter_mut().take(SEGMENT) {
                *code = MISSING;
            }
            person
        })
        .collect();
    let mut held: Vec<u32> = vec![1 << 2; customers as usize];
    let mut line = 2;
    for month in 0..months {
        if month > 0 {
            for (c, h) in held.iter_mut().enumerate() {
                let (own, other) = if c % 2 == 0 {
                    (TOP_PRODUCT, STUDENT_PRODUCT)
                } else {
                    (STUDENT_PRODUCT, TOP_PRODUCT)
                };
                if *h >> own & 1 == 0 && rng.random_bool(TAKE_UP) {
                    *h |= 1 << own;
                }
                if *h >> other & 1 == 0 && rng.random_bool(TAKE_UP / 10.0) {
                    *h |= 1 << other;
                }
            }
        }
        for (c, person) in people.iter().enumerate() {
            let row = Row {
                month: 2015 * 12 + month,
                id: 1000 + c as u32,
                products: held[c],
                person: *person,
            };
            builder.push(row, line).expect("planted rows are valid");
            line += 1;
        }
    }
    builder.finish().expect("planted months follow each other")
}
