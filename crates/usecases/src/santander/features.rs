//! What a take-up forest learns from, for customers of one month: age, seniority and income,
//! the nine coded fields as categories, the 24 products held (0/1) and how many; and how its
//! rules read ("holds Current account", "segmento = 03 - UNIVERSITARIO").

use learn::forest::{Condition, Test};
use learn::gbdt::Feature;

use super::store::{Dictionary, Month, MISSING, MISSING_MONTHS};
use super::{CODED, PRODUCTS, PRODUCT_LABELS};

/// Number of features.
pub const N_FEATURES: usize = 3 + CODED.len() + PRODUCTS.len() + 1;

/// Index of the first product-held feature.
const FIRST_PRODUCT: usize = 3 + CODED.len();

/// The feature names, in column order: `age`, `antiguedad`, `renta`, the coded fields, the
/// product columns (held in the month) and `n_products`.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = ["age", "antiguedad", "renta"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.extend(CODED.iter().map(|s| s.to_string()));
    names.extend(PRODUCTS.iter().map(|s| s.to_string()));
    names.push("n_products".into());
    names
}

/// The feature columns of `rows` of `month`.
pub fn columns(month: &Month, rows: &[u32], dictionaries: &[Dictionary]) -> Vec<Feature> {
    let names = names();
    let mut values: Vec<Vec<f32>> = (0..N_FEATURES)
        .map(|_| Vec::with_capacity(rows.len()))
        .collect();
    for &r in rows {
        let person = &month.people[r as usize];
        let held = month.products[r as usize];
        values[0].push(if person.age == MISSING {
            f32::NAN
        } else {
            f32::from(person.age)
        });
        values[1].push(if person.seniority == MISSING_MONTHS {
            f32::NAN
        } else {
            f32::from(person.seniority)
        });
        values[2].push(person.income);
        for (k, &code) in person.codes.iter().enumerate() {
            values[3 + k].push(if code == MISSING {
                f32::NAN
            } else {
                f32::from(code)
            });
        }
        for p in 0..PRODUCTS.len() {
            values[FIRST_PRODUCT + p].push((held >> p & 1) as f32);
        }
        values[N_FEATURES - 1].push(held.count_ones() as f32);
    }
    names
        .into_iter()
        .zip(values)
        .enumerate()
        .map(|(f, (name, values))| {
            if (3..FIRST_PRODUCT).contains(&f) {
                Feature::categorical(name, values, dictionaries[f - 3].n_categories())
            } else {
                Feature::numeric(name, values)
            }
        })
        .collect()
}

/// A rule's condition in words: products held read "holds Current account", categories by
/// their values.
pub fn describe(condition: &Condition, dictionaries: &[Dictionary]) -> String {
    let f = condition.feature;
    if (FIRST_PRODUCT..FIRST_PRODUCT + PRODUCTS.len()).contains(&f) {
        let label = PRODUCT_LABELS[f - FIRST_PRODUCT];
        if let Test::Range { above, at_most, .. } = &condition.test {
            // A 0/1 column has one cut between its values.
            match (above, at_most) {
                (Some(a), None) if *a < 1.0 => return format!("holds {label}"),
                (None, Some(b)) if *b >= 0.0 => return format!("does not hold {label}"),
                _ => {}
            }
        }
    }
    condition.render(&|feature, code| {
        feature
            .checked_sub(3)
            .filter(|k| *k < CODED.len())
            .and_then(|k| dictionaries[k].value(code as u8))
            .map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::santander::store::Person;

    #[test]
    fn columns_and_descriptions() {
        let mut segments = Dictionary::default();
        segments.code("02 - PARTICULARES");
        segments.code("03 - UNIVERSITARIO");
        let mut dictionaries = vec![Dictionary::default(); CODED.len()];
        dictionaries[crate::santander::SEGMENT] = segments;
        let mut person = Person::EMPTY;
        person.age = 23;
        person.codes[crate::santander::SEGMENT] = 1;
        let month = Month {
            month: 0,
            ids: vec![7],
            products: vec![0b100],
            people: vec![person],
        };
        let columns = columns(&month, &[0], &dictionaries);
        assert_eq!(columns.len(), N_FEATURES);
        assert_eq!(columns[0].values, [23.0]);
        assert!(columns[1].values[0].is_nan());
        assert_eq!(columns[3 + crate::santander::SEGMENT].values, [1.0]);
        assert_eq!(columns[FIRST_PRODUCT + 2].values, [1.0]);
        assert_eq!(columns[N_FEATURES - 1].values, [1.0]);

        let holds = Condition {
            feature: FIRST_PRODUCT + 2,
            name: PRODUCTS[2].into(),
            test: Test::Range {
                above: Some(0.5),
                at_most: None,
                or_missing: false,
            },
        };
        assert_eq!(describe(&holds, &dictionaries), "holds Current account");
        let segment = Condition {
            feature: 3 + crate::santander::SEGMENT,
            name: "segmento".into(),
            test: Test::Levels {
                codes: vec![1],
                or_missing: false,
            },
        };
        assert_eq!(
            describe(&segment, &dictionaries),
            "segmento = 03 - UNIVERSITARIO"
        );
    }
}
