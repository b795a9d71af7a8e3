use super::*;
use crate::pool::{fit_kind, Plan};
use crate::santander::testing::{planted_store, STUDENT_PRODUCT, TOP_PRODUCT};
use crate::TableSet;

fn quick() -> PropensityParams {
    PropensityParams {
        trees: 20,
        min_take_ups: 10,
        permutation_rows: 400,
        ..PropensityParams::default()
    }
}

fn fitted(store: &SantanderStore, params: &PropensityParams) -> Propensity {
    run_here(
        plan_store(store, params, 0.0).unwrap(),
        &mut crate::progress::ignore,
    )
    .unwrap()
}

#[test]
fn forests_find_the_planted_segments_and_say_so_in_rules() {
    let store = planted_store(3000, 4, 1);
    let run = fitted(&store, &quick());
    let names: Vec<&str> = run
        .report
        .products
        .iter()
        .map(|p| p.product.as_str())
        .collect();
    assert_eq!(names, [PRODUCTS[TOP_PRODUCT], PRODUCTS[STUDENT_PRODUCT]]);
    for p in &run.report.products {
        // The segment alone decides who takes each product up (0.2 against 0.02 a month): the
        // segment baseline is the best ranking there is. After three months, 84 % of the
        // take-ups and 31 % of the non-holders are of the product's segment, so its AUC is
        // 0.84 x 0.69 + (0.84 x 0.31 + 0.16 x 0.69) / 2 = 0.77; the forest must find it.
        assert!(p.auc > 0.72, "{} auc {}", p.product, p.auc);
        assert!(
            (p.auc - p.baseline.auc).abs() < 0.04,
            "{} {}",
            p.auc,
            p.baseline.auc
        );
        assert!(p.evaluated);
        // Calibrated back to the true take-up rate.
        assert!(
            (p.mean_probability / p.take_up_rate - 1.0).abs() < 0.35,
            "{} {} {}",
            p.product,
            p.mean_probability,
            p.take_up_rate
        );
        let best = &p.rules[0];
        assert!(best.lift > 1.5, "{best:?}");
        let segment = if p.index == TOP_PRODUCT {
            "01 - TOP"
        } else {
            "03 - UNIVERSITARIO"
        };
        // The segment, or the age that separates the planted segments.
        assert!(
            best.text.contains(segment) || best.text.contains("age"),
            "{}: {}",
            p.product,
            best.text
        );
        let top = &p.importance[0].feature;
        assert!(top == "segmento" || top == "age", "{top}");
        assert!(p.importance[0].permutation.is_some());
    }
    assert_eq!(run.report.skipped.len(), 22);
}

#[test]
fn campaigns_take_the_highest_scored_non_holders() {
    let store = planted_store(2000, 4, 2);
    let mut run = fitted(&store, &quick());
    let product = PRODUCTS[STUDENT_PRODUCT];
    let answer = run
        .ask(
            "campaign",
            &serde_json::json!({"product": product, "top": 25}),
        )
        .unwrap();
    assert_eq!(answer["customers"], 25);
    let first = answer["first"].as_array().unwrap();
    let p: Vec<f64> = first
        .iter()
        .map(|r| r["probability"].as_f64().unwrap())
        .collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "{p:?}");
    let last = store.months.last().unwrap();
    for row in first {
        let id = row["ncodpers"].as_u64().unwrap() as u32;
        let r = last.find(id).unwrap();
        assert_eq!(
            last.products[r] >> STUDENT_PRODUCT & 1,
            0,
            "holders are not targeted"
        );
        // The planted students are the odd customers.
        assert_eq!((id - 1000) % 2, 1);
    }
    let mut csv = Vec::new();
    run.download("campaign", &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 26);
    assert!(text.starts_with("rank,ncodpers,product,probability\n1,"));
    let by_threshold = run
        .ask(
            "campaign",
            &serde_json::json!({"product": product, "threshold": 0.1}),
        )
        .unwrap();
    assert!(by_threshold["lowest_probability"].as_f64().unwrap() >= 0.1);
    assert!(run
        .ask("campaign", &serde_json::json!({"product": product}))
        .is_err());
    let customer = run
        .ask("customer", &serde_json::json!({"id": 1001}))
        .unwrap();
    assert!(customer["holds"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("ind_cco_fin_ult1")));
}

#[test]
fn the_pool_and_this_process_fit_the_same_forests() {
    let store = planted_store(1500, 3, 3);
    let params = quick();
    let here = fitted(&store, &params);
    // As the page's pool does: the shared bytes loaded once, the jobs run from JSON, in any
    // order, their bytes handed back in job order.
    let plan = plan_store(&store, &params, 0.0).unwrap();
    let fits = plan.fits().clone();
    let kind = fit_kind(fits.kind).unwrap();
    let shared = (kind.load)(&fits.shared).unwrap();
    let mut results: Vec<(usize, Vec<u8>)> = fits
        .jobs
        .iter()
        .enumerate()
        .rev()
        .map(|(k, job)| (k, (kind.run)(shared.as_ref(), job).unwrap()))
        .collect();
    results.sort_by_key(|r| r.0);
    let pooled = plan
        .finish(
            results.into_iter().map(|r| r.1).collect(),
            &mut crate::progress::ignore,
        )
        .unwrap();
    for (a, b) in here.report.products.iter().zip(&pooled.report.products) {
        assert_eq!((a.auc, a.f1, a.threshold), (b.auc, b.f1, b.threshold));
        assert_eq!(a.rules.len(), b.rules.len());
    }
    let bits = |scores: &[Option<Vec<f32>>]| -> Vec<Option<Vec<u32>>> {
        scores
            .iter()
            .map(|s| s.as_ref().map(|v| v.iter().map(|x| x.to_bits()).collect()))
            .collect()
    };
    assert!(bits(&here.scores) == bits(&pooled.scores));
}

#[test]
fn bad_parameters_and_short_files_are_named() {
    let bad = |params: PropensityParams| match params.check() {
        Err(UseCaseError::Param { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        bad(PropensityParams {
            products: vec!["ind_nothing_ult1".into()],
            ..PropensityParams::default()
        }),
        "products"
    );
    assert_eq!(
        bad(PropensityParams {
            max_features: "many".into(),
            ..PropensityParams::default()
        }),
        "maxFeatures"
    );
    assert_eq!(
        bad(PropensityParams {
            threshold: Some(1.5),
            ..PropensityParams::default()
        }),
        "threshold"
    );
    let two_months = planted_store(100, 2, 4);
    let e = plan_store(&two_months, &quick(), 0.0).err().unwrap();
    assert!(e.to_string().contains("at least 3"), "{e}");
}

#[test]
fn the_use_case_runs_on_the_loaded_sample_with_its_downloads() {
    let bytes = samples::file_bytes(samples::Dataset::Santander, "train_ver2.csv", 0.002, 42);
    let mut tables = TableSet::new();
    tables.add(
        tabular::read_bytes("train_ver2.csv", &bytes, tabular::ReadOptions::default()).unwrap(),
    );
    let (run, _) = crate::catalogue::find("3.1")
        .unwrap()
        .runner
        .unwrap()
        .tables("3.1")
        .unwrap();
    let mut stages = Vec::new();
    let params = serde_json::json!({"trees": 10, "minTakeUps": 5, "permutationRows": 0});
    let fitted = run(&tables, &params, &mut |p| {
        stages.push(p.stage);
        true
    })
    .unwrap();
    assert_eq!(&stages[..3], ["read", "plan", "fit"]);
    let report = fitted.report();
    assert!(!report["products"].as_array().unwrap().is_empty());
    assert_eq!(report["months"].as_array().unwrap().len(), 17);
    for d in fitted.downloads() {
        let mut out = Vec::new();
        fitted.download(&d.key, &mut out).unwrap();
        assert!(!out.is_empty(), "{}", d.key);
    }
    let cancelled = run(&tables, &params, &mut |p| p.stage != "fit");
    assert!(matches!(cancelled, Err(UseCaseError::Cancelled)));
}
