//! Santander Product Recommendation: `train_ver2.csv`.
//!
//! Shape at scale 1.0: 13,647,309 rows over 17 monthly snapshots (2015-01-28..2016-05-28), with
//! the public file's customers per month (625,457 in the first, 931,453 in the last), 48 columns.
//! The scale multiplies every month's count (`month_counts`). Customers are numbered in the order
//! they join; a month holds the first `month_counts[m]` of them, ncodpers increasing with gaps.
//!
//! Byte quirks reproduced: fully quoted header; numbers padded with spaces (`age` ` 35`,
//! `antiguedad` `      6`, `     NA` and `-999999`, `ind_nuevo`/`indrel`/`tipodom`/`cod_prov`/
//! `ind_actividad_cliente` to width 2, `ind_nomina_ult1` and `ind_nom_pens_ult1` ` 0`);
//! `indrel_1mes` mixing `1`, `1.0`, `3`, `3.0`, `P`; `nomprov` always quoted, `""` when unknown,
//! with commas and UTF-8 (`"CORUÑA, A"`); `conyuemp` and `ult_fec_cli_1t` almost always empty;
//! `renta` empty for 18 % of customers and sometimes printed with float noise
//! (`122179.11000000002`); `ind_nomina_ult1`/`ind_nom_pens_ult1` empty in 0.12 % of rows; 0.2 % of
//! customers are almost empty rows (`, NA,,NA,     NA,NA,…,"",NA,,,` then their products).
//!
//! Planted signal (exposed by `customer_profile`, `ownership_probability`,
//! `addition_probability`): a customer's profile is segment (`segmento`) x age band (<25, 25-44,
//! 45-64, 65+) x income tier (`renta` <80k, 80-150k, >150k; hidden when `renta` is empty) x
//! activity. The profile sets each product's logit of ownership when the customer appears and
//! of being added in a later month (the ownership logit - 3.5, +0.8 if active, -1 if not, +1.5
//! for `ind_recibo_ult1` when the payroll `ind_nomina_ult1` is owned); adding the payroll adds
//! the pension `ind_nom_pens_ult1` in the same month with probability 0.9; owned products are
//! dropped each month with probability 0.008 (0.03 for payroll, pension and direct debit).
//! Examples: universitario customers hold the current account and rarely add savings or
//! securities; top customers add securities, funds and pension plans.

use crate::util::{days_from_civil, EntityRng, Sink};
use std::io::{self, Write};

const STREAM_CUSTOMER: u64 = 0x5A01;
const STREAM_MONTH: u64 = 0x5A02;
const STREAM_IDS: u64 = 0x5A03;

/// Customers per monthly snapshot in the public file.
pub const FULL_MONTH_COUNTS: [u64; 17] = [
    625_457, 627_394, 629_209, 630_367, 631_957, 632_110, 829_817, 843_201, 865_440, 892_251,
    906_109, 912_021, 916_269, 920_904, 925_076, 928_274, 931_453,
];

/// The 24 product flag columns, in file order.
pub use tabular::dataset::SANTANDER_PRODUCTS as PRODUCTS;

const NOMINA: usize = 21;
const NOM_PENS: usize = 22;
const RECIBO: usize = 23;
const CTJU: usize = 5;

/// `segmento` values, indexed by `Profile::segment`.
pub const SEGMENTS: [&str; 3] = ["01 - TOP", "02 - PARTICULARES", "03 - UNIVERSITARIO"];

const BASE: [f64; 24] = [
    -9.0, -9.0, 0.6, -7.5, -2.4, -9.0, -4.5, -1.9, -3.2, -6.0, -6.0, -3.2, -2.4, -4.0, -5.0, -4.5,
    -6.0, -3.0, -3.0, -3.7, -5.5, -2.8, -2.7, -1.9,
];

/// (product, effect) pairs added to the logit by segment, age band and income tier.
const SEGMENT_EFFECT: [&[(usize, f64)]; 3] = [
    &[
        (7, 1.0),
        (17, 1.5),
        (19, 1.5),
        (13, 1.5),
        (15, 1.2),
        (11, 1.2),
        (18, 1.0),
        (12, 0.8),
        (2, -0.5),
    ],
    &[
        (7, 0.5),
        (23, 0.5),
        (21, 0.5),
        (22, 0.5),
        (4, 0.5),
        (8, 0.5),
    ],
    &[
        (2, 1.0),
        (12, -0.5),
        (7, -1.5),
        (11, -2.0),
        (17, -1.5),
        (21, -1.0),
        (23, -0.5),
        (18, -0.5),
    ],
];
const AGE_EFFECT: [&[(usize, f64)]; 4] = [
    &[(21, -0.5), (8, -1.0), (15, -1.0), (14, -1.0)],
    &[(21, 0.5), (22, 0.5), (18, 0.5), (14, 0.8), (20, 0.5)],
    &[(15, 0.8), (11, 0.5), (13, 0.5), (8, 0.5)],
    &[(8, 1.2), (11, 1.0), (19, 0.8), (21, -1.0)],
];
const RENTA_EFFECT: [&[(usize, f64)]; 3] = [
    &[(18, -0.5), (19, -1.0), (13, -0.8)],
    &[],
    &[(19, 0.8), (13, 0.8), (17, 0.5), (18, 0.5)],
];

/// Provinces: (cod_prov, nomprov, weight).
const PROVINCES: [(u32, &str, f64); 52] = [
    (1, "ALAVA", 0.5),
    (2, "ALBACETE", 0.8),
    (3, "ALICANTE", 2.5),
    (4, "ALMERIA", 0.7),
    (5, "AVILA", 0.5),
    (6, "BADAJOZ", 1.5),
    (7, "BALEARS, ILLES", 1.3),
    (8, "BARCELONA", 9.5),
    (9, "BURGOS", 1.3),
    (10, "CACERES", 0.8),
    (11, "CADIZ", 1.3),
    (12, "CASTELLON", 0.5),
    (13, "CIUDAD REAL", 1.4),
    (14, "CORDOBA", 0.7),
    (15, "CORUÑA, A", 3.0),
    (16, "CUENCA", 0.4),
    (17, "GIRONA", 0.5),
    (18, "GRANADA", 1.0),
    (19, "GUADALAJARA", 0.5),
    (20, "GIPUZKOA", 0.4),
    (21, "HUELVA", 0.6),
    (22, "HUESCA", 0.3),
    (23, "JAEN", 0.4),
    (24, "LEON", 0.9),
    (25, "LERIDA", 0.4),
    (26, "RIOJA, LA", 0.6),
    (27, "LUGO", 0.7),
    (28, "MADRID", 32.0),
    (29, "MALAGA", 2.5),
    (30, "MURCIA", 2.9),
    (31, "NAVARRA", 0.9),
    (32, "OURENSE", 0.5),
    (33, "ASTURIAS", 1.5),
    (34, "PALENCIA", 0.6),
    (35, "PALMAS, LAS", 1.5),
    (36, "PONTEVEDRA", 1.4),
    (37, "SALAMANCA", 1.4),
    (38, "SANTA CRUZ DE TENERIFE", 0.8),
    (39, "CANTABRIA", 1.2),
    (40, "SEGOVIA", 0.5),
    (41, "SEVILLA", 4.4),
    (42, "SORIA", 0.2),
    (43, "TARRAGONA", 0.6),
    (44, "TERUEL", 0.1),
    (45, "TOLEDO", 1.8),
    (46, "VALENCIA", 5.2),
    (47, "VALLADOLID", 2.0),
    (48, "BIZKAIA", 0.7),
    (49, "ZAMORA", 0.5),
    (50, "ZARAGOZA", 2.5),
    (51, "CEUTA", 0.05),
    (52, "MELILLA", 0.05),
];

const CANALS: [[(&str, f64); 6]; 3] = [
    [
        ("KAT", 5.0),
        ("KFC", 2.0),
        ("KFA", 1.0),
        ("KHE", 0.3),
        ("RED", 0.2),
        ("KHK", 0.2),
    ],
    [
        ("KAT", 4.0),
        ("KFC", 3.0),
        ("KFA", 1.0),
        ("KHQ", 0.5),
        ("KHL", 0.3),
        ("013", 0.3),
    ],
    [
        ("KHE", 6.0),
        ("KHD", 2.3),
        ("KFC", 1.1),
        ("KAT", 0.3),
        ("KHK", 0.5),
        ("KHN", 0.4),
    ],
];

/// Customers per month at `scale` (each month at least 20).
pub fn month_counts(scale: f64) -> [u64; 17] {
    FULL_MONTH_COUNTS.map(|c| crate::util::scaled(c, scale, 20))
}

/// A customer's profile: what drives their products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Index into `SEGMENTS`.
    pub segment: u8,
    /// 0: <25, 1: 25-44, 2: 45-64, 3: 65+ (age at the customer's first snapshot).
    pub age_band: u8,
    /// 0: renta < 80,000, 1: up to 150,000, 2: above.
    pub renta_tier: u8,
    /// Whether the customer is active (`ind_actividad_cliente`).
    pub active: bool,
}

/// Everything static about a customer, derived from (seed, customer index).
struct Customer {
    profile: Profile,
    sex: u8,
    age: i64,
    renta_cents: i64,
    renta_shown: bool,
    renta_noise: bool,
    province: Option<usize>,
    fecha_alta: i32,
    canal: &'static str,
    employee: &'static str,
    country: &'static str,
    foreign: bool,
    almost_empty: bool,
    bad_seniority: bool,
}

impl Customer {
    fn new(index: u64, join_month: usize, seed: u64) -> Customer {
        let mut r = EntityRng::new(seed, STREAM_CUSTOMER, index);
        let segment = r.weighted(&[0.04, 0.59, 0.37]) as u8;
        let age = match segment {
            0 => 30.0 + 50.0 * r.unit().powf(1.3),
            1 => 25.0 + 60.0 * r.unit().powf(1.4),
            _ => 19.0 + (2.5 * r.normal()).abs() + 3.0 * r.unit(),
        }
        .round() as i64;
        let median = [200_000.0, 120_000.0, 90_000.0][segment as usize];
        let renta = (median * (0.5 * r.normal()).exp()).clamp(1_200.0, 2.8e7);
        let renta_cents = (renta * 100.0).round() as i64;
        let age_band = match age {
            ..=24 => 0,
            25..=44 => 1,
            45..=64 => 2,
            _ => 3,
        };
        let renta_tier = if renta < 80_000.0 {
            0
        } else if renta <= 150_000.0 {
            1
        } else {
            2
        };
        let active = r.chance([0.8, 0.6, 0.3][segment as usize]);
        let pw: Vec<f64> = PROVINCES.iter().map(|p| p.2).collect();
        let province = if r.chance(0.004) {
            None
        } else {
            Some(r.weighted(&pw))
        };
        let month_day = month_date(join_month);
        let fecha_alta = if join_month == 0 && r.chance(0.99) {
            let span = if segment == 2 { 1_100 } else { 7_300 };
            month_day - 30 - (r.unit().powf(1.5) * span as f64) as i32
        } else {
            month_day - r.range(0, 27) as i32
        };
        let cw: Vec<f64> = CANALS[segment as usize].iter().map(|c| c.1).collect();
        let canal = CANALS[segment as usize][r.weighted(&cw)].0;
        let employee = if r.chance(0.999) {
            "N"
        } else {
            ["A", "B", "F", "S"][r.range(0, 3) as usize]
        };
        let foreign = r.chance(0.005);
        let country = if foreign {
            ["FR", "DE", "GB", "AR", "MX", "CH"][r.range(0, 5) as usize]
        } else {
            "ES"
        };
        Customer {
            profile: Profile {
                segment,
                age_band,
                renta_tier,
                active,
            },
            sex: if r.chance(0.54) { b'H' } else { b'V' },
            age,
            renta_cents,
            renta_shown: r.chance(0.82),
            renta_noise: r.chance(0.05),
            province,
            fecha_alta,
            canal,
            employee,
            country,
            foreign,
            almost_empty: r.chance(0.002),
            bad_seniority: r.chance(0.0005),
        }
    }
}

/// The profile of the customer numbered `index` (0-based join order) under `seed`.
pub fn customer_profile(index: u64, seed: u64) -> Profile {
    Customer::new(index, 0, seed).profile
}

fn logit(profile: &Profile, product: usize) -> f64 {
    if product == CTJU {
        return if profile.age_band == 0 && profile.segment != 0 {
            -3.0
        } else {
            -12.0
        };
    }
    let mut l = BASE[product];
    for table in [
        SEGMENT_EFFECT[profile.segment as usize],
        AGE_EFFECT[profile.age_band as usize],
        RENTA_EFFECT[profile.renta_tier as usize],
    ] {
        for &(p, e) in table {
            if p == product {
                l += e;
            }
        }
    }
    l
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Probability that a customer of `profile` owns `product` (index into `PRODUCTS`) when they
/// first appear in the file.
pub fn ownership_probability(profile: &Profile, product: usize) -> f64 {
    sigmoid(logit(profile, product))
}

/// Monthly probability that a customer of `profile` owning the products in bit mask `owned`
/// adds `product` (not counting the pension added along with the payroll).
pub fn addition_probability(profile: &Profile, product: usize, owned: u32) -> f64 {
    let mut l = logit(profile, product) - 3.5 + if profile.active { 0.8 } else { -1.0 };
    if product == RECIBO && owned & (1 << NOMINA) != 0 {
        l += 1.5;
    }
    sigmoid(l)
}

/// Day count of the `m`-th snapshot (2015-01-28 + m months).
fn month_date(m: usize) -> i32 {
    let y = 2015 + (m / 12) as i32;
    days_from_civil(y, (m % 12) as u32 + 1, 28)
}

pub(crate) fn write(
    file: &str,
    scale: f64,
    seed: u64,
    out: &mut dyn Write,
) -> Option<io::Result<()>> {
    (file == "train_ver2.csv").then(|| write_train(scale, seed, out))
}

const HEADER: &str = "\"fecha_dato\",\"ncodpers\",\"ind_empleado\",\"pais_residencia\",\"sexo\",\"age\",\"fecha_alta\",\"ind_nuevo\",\"antiguedad\",\"indrel\",\"ult_fec_cli_1t\",\"indrel_1mes\",\"tiprel_1mes\",\"indresi\",\"indext\",\"conyuemp\",\"canal_entrada\",\"indfall\",\"tipodom\",\"cod_prov\",\"nomprov\",\"ind_actividad_cliente\",\"renta\",\"segmento\"";

fn write_train(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let counts = month_counts(scale);
    let total = counts[16] as usize;
    let mut owned = vec![0u32; total];
    let mut sink = Sink::new(out);
    sink.str(HEADER);
    for p in PRODUCTS {
        sink.str(",\"");
        sink.str(p);
        sink.byte(b'"');
    }
    sink.end_line()?;
    for (m, &count) in counts.iter().enumerate() {
        let date = month_date(m);
        let mut ids = EntityRng::new(seed, STREAM_IDS, 0);
        let mut ncodpers = 15_889u64;
        for k in 0..count {
            let join = counts.iter().position(|&c| k < c).unwrap_or(0);
            let c = Customer::new(k, join, seed);
            let mut r = EntityRng::new(seed, STREAM_MONTH, (k << 5) | m as u64);
            let state = &mut owned[k as usize];
            if join == m {
                *state = (0..24)
                    .filter(|&p| r.chance(ownership_probability(&c.profile, p)))
                    .fold(0, |s, p| s | 1 << p);
            } else {
                evolve(state, &c.profile, &mut r);
            }
            write_row(&mut sink, &c, ncodpers, date, *state, &mut r);
            sink.end_line()?;
            ncodpers += 1 + ids.range(0, 2) as u64;
        }
    }
    sink.finish()
}

fn evolve(state: &mut u32, profile: &Profile, r: &mut EntityRng) {
    let before = *state;
    for p in 0..24 {
        if before & (1 << p) != 0 {
            let drop = if matches!(p, NOMINA | NOM_PENS | RECIBO) {
                0.03
            } else {
                0.008
            };
            if r.chance(drop) {
                *state &= !(1 << p);
            }
        } else if r.chance(addition_probability(profile, p, before)) {
            *state |= 1 << p;
            if p == NOMINA && r.chance(0.9) {
                *state |= 1 << NOM_PENS;
            }
        }
    }
}

fn write_row(sink: &mut Sink, c: &Customer, id: u64, date: i32, state: u32, r: &mut EntityRng) {
    sink.date(date);
    sink.comma();
    sink.uint(id);
    sink.comma();
    if c.almost_empty {
        sink.str(",,, NA,,NA,     NA,NA,,,,,,,,,NA,NA,\"\",NA,,");
    } else {
        write_person(sink, c, date, r);
    }
    let empty_payroll = r.chance(0.0012);
    for (p, _) in PRODUCTS.iter().enumerate() {
        sink.comma();
        let bit = if state & (1 << p) != 0 { b'1' } else { b'0' };
        if p == NOMINA || p == NOM_PENS {
            if !empty_payroll {
                sink.byte(b' ');
                sink.byte(bit);
            }
        } else {
            sink.byte(bit);
        }
    }
}

fn write_person(sink: &mut Sink, c: &Customer, date: i32, r: &mut EntityRng) {
    sink.str(c.employee);
    sink.comma();
    sink.str(c.country);
    sink.comma();
    sink.byte(c.sex);
    sink.comma();
    let years = (date - month_date(0)) / 365;
    sink.padded(c.age + years as i64, 3);
    sink.comma();
    sink.date(c.fecha_alta);
    sink.comma();
    let months = ((date - c.fecha_alta) as f64 / 30.44) as i64;
    sink.str(if months <= 6 { " 1," } else { " 0," });
    if c.bad_seniority {
        sink.str("-999999");
    } else {
        sink.padded(months, 7);
    }
    sink.comma();
    let lapsed = r.chance(0.0018);
    sink.str(if lapsed { "99," } else { " 1," });
    if lapsed {
        sink.date(date - r.range(0, 25) as i32);
    }
    sink.comma();
    let x = r.unit();
    sink.str(if x < 0.25 {
        "1.0"
    } else if x < 0.9996 {
        "1"
    } else if x < 0.9998 {
        "3.0"
    } else if x < 0.99995 {
        "3"
    } else {
        "P"
    });
    sink.comma();
    sink.byte(if c.profile.active { b'A' } else { b'I' });
    sink.comma();
    sink.byte(if c.foreign { b'N' } else { b'S' });
    sink.comma();
    sink.byte(
        if c.foreign || c.profile.segment == 2 && c.fecha_alta % 23 == 0 {
            b'S'
        } else {
            b'N'
        },
    );
    sink.comma();
    if r.chance(0.0001) {
        sink.byte(b'N');
    }
    sink.comma();
    sink.str(c.canal);
    sink.comma();
    sink.byte(if r.chance(0.002) { b'S' } else { b'N' });
    sink.str(", 1,");
    match c.province {
        Some(p) => {
            sink.padded(PROVINCES[p].0 as i64, 2);
            sink.str(",\"");
            sink.str(PROVINCES[p].1);
            sink.byte(b'"');
        }
        None => sink.str("NA,\"\""),
    }
    sink.str(if c.profile.active { ", 1," } else { ", 0," });
    if c.renta_shown {
        let mut v = c.renta_cents as f64 / 100.0;
        if c.renta_noise {
            v = f64::from_bits(v.to_bits() + 1);
        }
        let text = v.to_string();
        sink.str(&text);
        if !text.contains('.') {
            sink.str(".0");
        }
    }
    sink.comma();
    sink.str(SEGMENTS[c.profile.segment as usize]);
}
