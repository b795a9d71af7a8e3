//! Rossmann Store Sales: `train.csv`, `store.csv`, `test.csv`.
//!
//! Shape at scale 1.0: 1,115 stores, `train.csv` 1,017,209 rows over 942 days
//! (2013-01-01..2015-07-31), `store.csv` 1,115 rows, `test.csv` 41,088 rows for 856 stores over
//! 2015-08-01..2015-09-17. The scale sets the number of stores (`store_count`); every store keeps
//! the full calendar, so forecasting keeps its seasons. As in the public file, 180/1115 of the
//! stores have no rows for 2014-07-01..2014-12-31 and one store misses 2013-01-01.
//!
//! Byte quirks reproduced: quoted header; rows ordered by date descending then store;
//! `StateHoliday`/`SchoolHoliday` quoted (`"0"`, `"a"`, `"b"`, `"c"`, `"1"`); because the holiday
//! calendar is German (Corpus Christi on 2015-06-04 is the latest state holiday), the first `"a"`
//! comes after 57 days of rows (line 63,557 at scale 1.0, as in the public file, since store 1
//! is in Hesse, which keeps Corpus Christi); closed days have `Sales` and `Customers` 0; about 1 open day in
//! 20,000 has zero sales; `store.csv` quotes its text, leaves numbers empty, writes `""` for an
//! empty `PromoInterval` and `"Jan,Apr,Jul,Oct"`, `"Feb,May,Aug,Nov"`, `"Mar,Jun,Sept,Dec"`;
//! `test.csv` has an `Id`, no `Sales`/`Customers`, and 11 empty `Open` cells for one store.
//!
//! Planted signal (exposed by `store_segment`, `SEGMENTS`, `promo_day`, `december_factor`,
//! `competition_factor`): each store belongs to one of 4 segments (`SEGMENTS`), which sets its
//! store type (90 %) and assortment, its sales level, sales per customer, promo uplift and weekday
//! profile; per-store averages of sales, customers, sales per customer and promo uplift separate the
//! segments. Daily sales = base x weekday profile x (1 + uplift on promo days) x December ramp x
//! competition factor (a nearby competitor that opened cuts sales by up to 25 %, decaying with
//! distance) x Promo2 month boost (+4 %) x school holiday (+3 %) x log-normal noise (sd 0.07).
//! Sundays and state holidays close the store (type `b` stores open on Sundays); 8 % of stores
//! close for a 2-8 week refurbishment.

use crate::util::{days_from_civil, hash_unit, scaled, weekday, EntityRng, Sink};
use std::io::{self, Write};

const STREAM_STORE: u64 = 0x5701;
const STREAM_DAY: u64 = 0x5702;
const STREAM_GAP: u64 = 0x5703;
const STREAM_TEST: u64 = 0x5704;

/// Stores at scale 1.0.
pub const FULL_STORES: u64 = 1115;
/// Days in `train.csv`.
pub const TRAIN_DAYS: i32 = 942;
/// Days in `test.csv`.
pub const TEST_DAYS: i32 = 48;

/// What a store segment plants: the truth tests check recovery against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentTruth {
    /// A short name for reports.
    pub name: &'static str,
    /// Share of stores in the segment.
    pub share: f64,
    /// `StoreType` of 90 % of its stores (the rest draw another type).
    pub store_type: char,
    /// Assortment codes and their weights.
    pub assortment: [(char, f64); 3],
    /// Median sales on an average open non-promo day.
    pub base_sales: f64,
    /// Median sales per customer on a non-promo day.
    pub sales_per_customer: f64,
    /// Relative sales uplift on promo days (0.2 = +20 %).
    pub promo_uplift: f64,
    /// Multiplier by ISO weekday (Monday first); Sunday only matters for type `b` stores.
    pub weekday: [f64; 7],
}

/// The four planted segments, indexed by `store_segment`.
pub const SEGMENTS: [SegmentTruth; 4] = [
    SegmentTruth {
        name: "neighbourhood",
        share: 0.40,
        store_type: 'a',
        assortment: [('a', 0.8), ('c', 0.2), ('b', 0.0)],
        base_sales: 5200.0,
        sales_per_customer: 8.0,
        promo_uplift: 0.22,
        weekday: [1.15, 1.02, 0.97, 0.95, 1.00, 0.85, 0.90],
    },
    SegmentTruth {
        name: "flagship",
        share: 0.08,
        store_type: 'b',
        assortment: [('b', 0.6), ('a', 0.3), ('c', 0.1)],
        base_sales: 10500.0,
        sales_per_customer: 5.0,
        promo_uplift: 0.10,
        weekday: [1.05, 1.00, 0.98, 0.98, 1.02, 1.00, 0.95],
    },
    SegmentTruth {
        name: "city",
        share: 0.22,
        store_type: 'c',
        assortment: [('c', 0.7), ('a', 0.3), ('b', 0.0)],
        base_sales: 7200.0,
        sales_per_customer: 10.5,
        promo_uplift: 0.42,
        weekday: [1.25, 1.05, 0.95, 0.92, 1.05, 0.70, 0.80],
    },
    SegmentTruth {
        name: "large basket",
        share: 0.30,
        store_type: 'd',
        assortment: [('c', 0.6), ('a', 0.4), ('b', 0.0)],
        base_sales: 6300.0,
        sales_per_customer: 13.5,
        promo_uplift: 0.30,
        weekday: [1.05, 0.95, 0.93, 0.95, 1.08, 1.10, 0.90],
    },
];

/// German states as Rossmann codes them; each store is in one.
const STATES: [(&str, f64); 12] = [
    ("NW", 0.25),
    ("BY", 0.16),
    ("SH", 0.10),
    ("HE", 0.10),
    ("BE", 0.08),
    ("BW", 0.08),
    ("SN", 0.07),
    ("TH", 0.05),
    ("ST", 0.05),
    ("RP", 0.02),
    ("HH", 0.02),
    ("NI", 0.02),
];

const INTERVALS: [&str; 3] = ["Jan,Apr,Jul,Oct", "Feb,May,Aug,Nov", "Mar,Jun,Sept,Dec"];

/// Number of stores at `scale` (at least 8, so each segment is likely present).
pub fn store_count(scale: f64) -> u32 {
    scaled(FULL_STORES, scale, 8) as u32
}

/// The planted segment (index into `SEGMENTS`) of `store` (1-based) under `seed`.
pub fn store_segment(store: u32, seed: u64) -> u8 {
    Store::new(store, seed).segment
}

/// First day of `train.csv` (days since 1970-01-01).
pub fn first_day() -> i32 {
    days_from_civil(2013, 1, 1)
}

/// Whether the chain-wide promotion runs on `day`: Monday to Friday of every other week.
pub fn promo_day(day: i32) -> bool {
    let monday0 = days_from_civil(2012, 12, 31);
    let week = (day - monday0).div_euclid(7);
    weekday(day) <= 5 && week % 2 == 0
}

/// The December multiplier of sales: a ramp to +35 % before Christmas, +10 % after it.
pub fn december_factor(day: i32) -> f64 {
    let (_, m, d) = crate::util::civil_from_days(day);
    match (m, d) {
        (12, 1..=24) => 1.0 + 0.35 * d as f64 / 24.0,
        (12, 27..=31) => 1.10,
        _ => 1.0,
    }
}

/// Sales multiplier of a competitor at `distance` metres once it has opened.
pub fn competition_factor(distance: u32) -> f64 {
    1.0 - 0.25 * (-(distance as f64) / 1500.0).exp()
}

/// A store's attributes, all derived from (seed, store).
#[derive(Debug, Clone)]
struct Store {
    id: u32,
    segment: u8,
    store_type: char,
    assortment: char,
    state: usize,
    base: f64,
    spc: f64,
    uplift: f64,
    distance: Option<u32>,
    competition_since: Option<(u32, i32)>,
    promo2: Option<(u32, i32, usize)>,
    refurbish: Option<(i32, i32)>,
}

impl Store {
    fn new(id: u32, seed: u64) -> Store {
        let mut r = EntityRng::new(seed, STREAM_STORE, id as u64);
        let shares: Vec<f64> = SEGMENTS.iter().map(|s| s.share).collect();
        let segment = r.weighted(&shares) as u8;
        let truth = &SEGMENTS[segment as usize];
        let store_type = if r.chance(0.9) {
            truth.store_type
        } else {
            ['a', 'c', 'd'][r.range(0, 2) as usize]
        };
        let aw: Vec<f64> = truth.assortment.iter().map(|a| a.1).collect();
        let assortment = truth.assortment[r.weighted(&aw)].0;
        let sw: Vec<f64> = STATES.iter().map(|s| s.1).collect();
        let drawn = r.weighted(&sw);
        // Store 1 is in Hesse in the public file, which puts its first "a" on line 63,557.
        let state = if id == 1 { 3 } else { drawn };
        let base = truth.base_sales * (0.18 * r.normal()).exp();
        let spc = truth.sales_per_customer * (0.06 * r.normal()).exp();
        let uplift = (truth.promo_uplift + 0.03 * r.normal()).max(0.0);
        let distance = if r.chance(0.003) {
            None
        } else {
            let d = (2300f64.ln() + 1.2 * r.normal()).exp().clamp(20.0, 75860.0);
            Some(((d / 10.0).round() * 10.0) as u32)
        };
        let competition_since = if distance.is_some() && r.chance(0.68) {
            let year = 2015 - (r.unit() * r.unit() * 25.0) as i32;
            let month = r.range(1, 12) as u32;
            Some((month, year))
        } else {
            None
        };
        let promo2 = if r.chance(0.5) {
            Some((
                r.range(1, 50) as u32,
                r.range(2009, 2015) as i32,
                r.range(0, 2) as usize,
            ))
        } else {
            None
        };
        let refurbish = if r.chance(0.08) {
            let start = first_day() + r.range(0, TRAIN_DAYS as i64 - 60) as i32;
            Some((start, start + r.range(14, 56) as i32))
        } else {
            None
        };
        Store {
            id,
            segment,
            store_type,
            assortment,
            state,
            base,
            spc,
            uplift,
            distance,
            competition_since,
            promo2,
            refurbish,
        }
    }

    fn competition_open(&self, day: i32) -> bool {
        match (self.distance, self.competition_since) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some((m, y))) => day >= days_from_civil(y, m, 1),
        }
    }

    fn promo2_month(&self, day: i32) -> bool {
        let Some((week, year, interval)) = self.promo2 else {
            return false;
        };
        let since = days_from_civil(year, 1, 1) + 7 * (week as i32 - 1);
        let (_, m, _) = crate::util::civil_from_days(day);
        day >= since && (m as usize - 1) % 3 == interval
    }
}

/// The quoted `StateHoliday` code of `day` in a state: `b'0'`, `b'a'`, `b'b'` or `b'c'`.
fn state_holiday(day: i32, state: usize) -> u8 {
    let (y, m, d) = crate::util::civil_from_days(day);
    let easter = match y {
        2013 => days_from_civil(2013, 3, 31),
        2014 => days_from_civil(2014, 4, 20),
        _ => days_from_civil(2015, 4, 5),
    };
    let code = STATES[state].0;
    if day == easter - 2 || day == easter + 1 {
        return b'b';
    }
    if m == 12 && (d == 25 || d == 26) {
        return b'c';
    }
    let national =
        matches!((m, d), (1, 1) | (5, 1) | (10, 3)) || day == easter + 39 || day == easter + 50;
    let regional = (m == 1 && d == 6 && matches!(code, "BW" | "BY" | "ST"))
        || (day == easter + 60 && matches!(code, "BW" | "BY" | "HE" | "NW" | "RP"))
        || (m == 8 && d == 15 && code == "BY")
        || (m == 10 && d == 31 && matches!(code, "SN" | "ST" | "TH"))
        || (m == 11 && d == 1 && matches!(code, "BW" | "BY" | "NW" | "RP"));
    if national || regional {
        b'a'
    } else {
        b'0'
    }
}

/// School holidays: Easter fortnight, a six-week summer break whose start shifts by state and
/// year, an autumn week, and Christmas to Epiphany.
fn school_holiday(day: i32, state: usize) -> bool {
    let (y, m, d) = crate::util::civil_from_days(day);
    let easter = match y {
        2013 => days_from_civil(2013, 3, 31),
        2014 => days_from_civil(2014, 4, 20),
        _ => days_from_civil(2015, 4, 5),
    };
    let shift = (hash_unit(0, 0x5c40 + y as u64, state as u64) * 45.0) as i32;
    let summer = days_from_civil(y, 6, 20) + shift;
    let autumn = days_from_civil(y, 10, 5) + shift / 3;
    (day >= easter - 7 && day <= easter + 7)
        || (day >= summer && day < summer + 42)
        || (day >= autumn && day < autumn + 7)
        || (m == 12 && d >= 23)
        || (m == 1 && d <= 6)
}

/// One day of one store: (open, sales, customers).
fn store_day(store: &Store, day: i32, seed: u64) -> (bool, u32, u32) {
    let dow = weekday(day);
    let holiday = state_holiday(day, store.state);
    let mut r = EntityRng::new(
        seed,
        STREAM_DAY,
        ((store.id as u64) << 32) | day as u32 as u64,
    );
    let refurbishing = matches!(store.refurbish, Some((a, b)) if day >= a && day < b);
    let open = if refurbishing {
        false
    } else if holiday != b'0' {
        r.chance(if store.store_type == 'b' { 0.5 } else { 0.03 })
    } else if dow == 7 {
        store.store_type == 'b'
    } else {
        !r.chance(0.002)
    };
    if !open {
        return (false, 0, 0);
    }
    if r.chance(5e-5) {
        return (true, 0, 0);
    }
    let truth = &SEGMENTS[store.segment as usize];
    let promo = promo_day(day);
    let mut mult = truth.weekday[dow as usize - 1] * december_factor(day);
    if promo {
        mult *= 1.0 + store.uplift;
    }
    if store.competition_open(day) {
        mult *= competition_factor(store.distance.unwrap_or(u32::MAX));
    }
    if store.promo2_month(day) {
        mult *= 1.04;
    }
    if school_holiday(day, store.state) {
        mult *= 1.03;
    }
    let sales = (store.base * mult * (0.07 * r.normal()).exp()).round();
    let mut spc = store.spc;
    if promo {
        spc *= 1.0 + 0.25 * store.uplift;
    }
    if december_factor(day) > 1.0 {
        spc *= 1.08;
    }
    let customers = (sales / spc * (0.04 * r.normal()).exp()).round().max(1.0);
    (true, sales as u32, customers as u32)
}

/// Store ids (1-based) chosen by ranking a per-store hash: a stable subset of `k` stores.
fn chosen(n: u32, k: u32, seed: u64, stream: u64) -> Vec<bool> {
    let mut order: Vec<(f64, u32)> = (1..=n)
        .map(|s| (hash_unit(seed, stream, s as u64), s))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut pick = vec![false; n as usize + 1];
    for &(_, s) in order.iter().take(k as usize) {
        pick[s as usize] = true;
    }
    pick
}

pub(crate) fn write(
    file: &str,
    scale: f64,
    seed: u64,
    out: &mut dyn Write,
) -> Option<io::Result<()>> {
    Some(match file {
        "train.csv" => write_train(scale, seed, out),
        "store.csv" => write_store(scale, seed, out),
        "test.csv" => write_test(scale, seed, out),
        _ => return None,
    })
}

fn stores(scale: f64, seed: u64) -> Vec<Store> {
    (1..=store_count(scale))
        .map(|s| Store::new(s, seed))
        .collect()
}

fn quoted_byte(sink: &mut Sink, b: u8) {
    sink.byte(b'"');
    sink.byte(b);
    sink.byte(b'"');
}

fn write_train(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let stores = stores(scale, seed);
    let n = stores.len() as u32;
    let gap = chosen(
        n,
        (180.0 * n as f64 / FULL_STORES as f64).round() as u32,
        seed,
        STREAM_GAP,
    );
    let gap_from = days_from_civil(2014, 7, 1);
    let gap_to = days_from_civil(2014, 12, 31);
    let missing_first_day = ((988.0 * n as f64 / FULL_STORES as f64).round() as u32).clamp(1, n);
    let mut sink = Sink::new(out);
    sink.str("\"Store\",\"DayOfWeek\",\"Date\",\"Sales\",\"Customers\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\"");
    sink.end_line()?;
    let first = first_day();
    for day in (first..first + TRAIN_DAYS).rev() {
        let dow = weekday(day);
        let promo = promo_day(day);
        for store in &stores {
            if (gap[store.id as usize] && day >= gap_from && day <= gap_to)
                || (day == first && store.id == missing_first_day)
            {
                continue;
            }
            let (open, sales, customers) = store_day(store, day, seed);
            sink.uint(store.id as u64);
            sink.comma();
            sink.uint(dow as u64);
            sink.comma();
            sink.date(day);
            sink.comma();
            sink.uint(sales as u64);
            sink.comma();
            sink.uint(customers as u64);
            sink.comma();
            sink.byte(if open { b'1' } else { b'0' });
            sink.comma();
            sink.byte(if promo { b'1' } else { b'0' });
            sink.comma();
            quoted_byte(&mut sink, state_holiday(day, store.state));
            sink.comma();
            quoted_byte(
                &mut sink,
                if school_holiday(day, store.state) {
                    b'1'
                } else {
                    b'0'
                },
            );
            sink.end_line()?;
        }
    }
    sink.finish()
}

fn write_store(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut sink = Sink::new(out);
    sink.str("\"Store\",\"StoreType\",\"Assortment\",\"CompetitionDistance\",\"CompetitionOpenSinceMonth\",\"CompetitionOpenSinceYear\",\"Promo2\",\"Promo2SinceWeek\",\"Promo2SinceYear\",\"PromoInterval\"");
    sink.end_line()?;
    for store in stores(scale, seed) {
        sink.uint(store.id as u64);
        sink.comma();
        quoted_byte(&mut sink, store.store_type as u8);
        sink.comma();
        quoted_byte(&mut sink, store.assortment as u8);
        sink.comma();
        if let Some(d) = store.distance {
            sink.uint(d as u64);
        }
        sink.comma();
        if let Some((m, y)) = store.competition_since {
            sink.uint(m as u64);
            sink.comma();
            sink.uint(y as u64);
        } else {
            sink.comma();
        }
        sink.comma();
        match store.promo2 {
            Some((week, year, interval)) => {
                sink.str("1,");
                sink.uint(week as u64);
                sink.comma();
                sink.uint(year as u64);
                sink.str(",\"");
                sink.str(INTERVALS[interval]);
                sink.byte(b'"');
            }
            None => sink.str("0,,,\"\""),
        }
        sink.end_line()?;
    }
    sink.finish()
}

fn write_test(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let stores = stores(scale, seed);
    let n = stores.len() as u32;
    let k = ((856.0 * n as f64 / FULL_STORES as f64).round() as u32).clamp(1, n);
    let in_test = chosen(n, k, seed, STREAM_TEST);
    // The public file leaves Open empty for store 622 on its 11 latest non-Sunday days.
    let blank_store = stores
        .iter()
        .filter(|s| in_test[s.id as usize])
        .map(|s| s.id)
        .nth((k as usize * 622 / 1115).min(k as usize - 1))
        .unwrap_or(1);
    let first = days_from_civil(2015, 8, 1);
    let last = first + TEST_DAYS - 1;
    let mut blanks = 0;
    let mut sink = Sink::new(out);
    sink.str("\"Id\",\"Store\",\"DayOfWeek\",\"Date\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\"");
    sink.end_line()?;
    let mut id = 0u64;
    for day in (first..=last).rev() {
        let dow = weekday(day);
        for store in stores.iter().filter(|s| in_test[s.id as usize]) {
            id += 1;
            sink.uint(id);
            sink.comma();
            sink.uint(store.id as u64);
            sink.comma();
            sink.uint(dow as u64);
            sink.comma();
            sink.date(day);
            sink.comma();
            if store.id == blank_store && dow != 7 && blanks < 11 {
                blanks += 1;
            } else {
                let (open, _, _) = store_day(store, day, seed);
                sink.byte(if open { b'1' } else { b'0' });
            }
            sink.comma();
            sink.byte(if promo_day(day) { b'1' } else { b'0' });
            sink.comma();
            quoted_byte(&mut sink, state_holiday(day, store.state));
            sink.comma();
            quoted_byte(
                &mut sink,
                if school_holiday(day, store.state) {
                    b'1'
                } else {
                    b'0'
                },
            );
            sink.end_line()?;
        }
    }
    sink.finish()
}
