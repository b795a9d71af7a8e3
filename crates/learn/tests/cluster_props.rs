//! Properties of the clustering steps that need no reference run: the memory refusal, Ward's
//! inertia identity, asymmetric flags and weights, cut edge cases, and a planted outlier.

use learn::cluster::{
    condensed_bytes, max_entities, ChooseKParams, ClusterError, ColumnValues, DescribeParams,
    DistanceMatrix, GowerParams, HclustParams, Linkage, MixedColumn, MixedTable,
    DEFAULT_MEMORY_BUDGET,
};

fn column(name: &str, values: ColumnValues) -> MixedColumn {
    MixedColumn {
        name: name.to_string(),
        values,
    }
}

#[test]
fn too_many_entities_are_refused_with_the_count_that_fits() {
    let max = max_entities(DEFAULT_MEMORY_BUDGET);
    assert!(condensed_bytes(max) <= DEFAULT_MEMORY_BUDGET);
    assert!(condensed_bytes(max + 1) > DEFAULT_MEMORY_BUDGET);
    assert!((20_000..21_000).contains(&max), "{max}");
    // A small budget and a table just over it: refused before any matrix exists.
    let budget = condensed_bytes(100);
    let table = MixedTable::new(vec![column(
        "x",
        ColumnValues::Numeric((0..101).map(f64::from).collect()),
    )])
    .unwrap();
    let params = GowerParams {
        memory_budget_bytes: budget,
        ..GowerParams::default()
    };
    let err = params.fit(&table).unwrap_err();
    assert_eq!(
        err,
        ClusterError::TooManyEntities {
            entities: 101,
            max_entities: 100,
            budget_bytes: budget
        }
    );
    assert!(err.to_string().contains("at most 100 entities"), "{err}");
    let table = MixedTable::new(vec![column(
        "x",
        ColumnValues::Numeric((0..100).map(f64::from).collect()),
    )])
    .unwrap();
    assert!(params.fit(&table).is_ok());
}

/// Within-cluster sum of squares of points grouped by `labels`.
fn within_ss(points: &[[f64; 2]], labels: &[u32]) -> f64 {
    let k = *labels.iter().max().unwrap() as usize;
    let mut total = 0.0;
    for c in 1..=k as u32 {
        let members: Vec<&[f64; 2]> = points
            .iter()
            .zip(labels)
            .filter(|(_, &l)| l == c)
            .map(|(p, _)| p)
            .collect();
        let m = members.len() as f64;
        let cx = members.iter().map(|p| p[0]).sum::<f64>() / m;
        let cy = members.iter().map(|p| p[1]).sum::<f64>() / m;
        total += members
            .iter()
            .map(|p| (p[0] - cx).powi(2) + (p[1] - cy).powi(2))
            .sum::<f64>();
    }
    total
}

#[test]
fn ward_gain_is_half_the_squared_height() {
    // Deterministic scattered points (no ties).
    let points: Vec<[f64; 2]> = (0..40)
        .map(|i| {
            let t = i as f64;
            [
                (t * 1.7).sin() * 5.0 + t * 0.13,
                (t * 0.77).cos() * 3.0 + (i % 4) as f64 * 4.0,
            ]
        })
        .collect();
    let n = points.len();
    let mut condensed = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let d = (points[i][0] - points[j][0]).hypot(points[i][1] - points[j][1]);
            condensed.push(d);
        }
    }
    let tree = HclustParams::default()
        .fit_owned(DistanceMatrix::from_condensed(n, condensed).unwrap())
        .unwrap();
    let choice = ChooseKParams::default().fit(&tree).unwrap();
    for k in 1..n {
        let ss = within_ss(&points, &tree.cut(k).unwrap());
        let w = choice.within[k - 1];
        assert!(
            (ss - w).abs() <= 1e-9 * ss.max(1.0),
            "k={k}: direct {ss}, from heights {w}"
        );
    }
    let best = choice
        .candidates
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert_eq!(choice.suggested_k, best.0);
}

#[test]
fn choosing_k_needs_ward_and_cut_needs_a_valid_k() {
    let matrix = DistanceMatrix::from_condensed(3, vec![1.0, 2.0, 1.5]).unwrap();
    let tree = HclustParams {
        linkage: Linkage::Average,
    }
    .fit(&matrix)
    .unwrap();
    assert_eq!(
        ChooseKParams::default().fit(&tree),
        Err(ClusterError::NotWard)
    );
    assert_eq!(
        tree.cut(0),
        Err(ClusterError::InvalidK { k: 0, entities: 3 })
    );
    assert_eq!(
        tree.cut(4),
        Err(ClusterError::InvalidK { k: 4, entities: 3 })
    );
    assert_eq!(tree.cut(3).unwrap(), vec![1, 2, 3]);
    assert_eq!(tree.cut(1).unwrap(), vec![1, 1, 1]);
    assert_eq!(tree.cut(2).unwrap(), vec![1, 1, 2]);
}

#[test]
fn asymmetric_flags_and_weights_follow_gowers_formula() {
    let table = MixedTable::new(vec![
        column("x", ColumnValues::Numeric(vec![0.0, 10.0, 5.0])),
        column(
            "flag",
            ColumnValues::Binary {
                values: vec![0, 0, 1],
                asymmetric: true,
            },
        ),
    ])
    .unwrap();
    let params = GowerParams {
        weights: vec![1.0, 3.0],
        ..GowerParams::default()
    };
    let gower = params.fit(&table).unwrap();
    // Rows 0 and 1 are both 0 on the asymmetric flag: only x counts.
    assert_eq!(gower.distance(0, 1), 1.0);
    // Rows 0 and 2: (1 * 0.5 + 3 * 1) / (1 + 3).
    assert_eq!(gower.distance(0, 2), 3.5 / 4.0);
    let bad = GowerParams {
        weights: vec![1.0, -1.0],
        ..GowerParams::default()
    };
    assert!(matches!(
        bad.check(),
        Err(ClusterError::InvalidParam {
            name: "weights",
            ..
        })
    ));
}

#[test]
fn planted_outlier_is_the_most_anomalous_and_medoids_sit_inside() {
    // Two tight groups on x, one entity far from its group's centre.
    let mut x: Vec<f64> = (0..20).map(|i| (i % 10) as f64 * 0.1).collect();
    x.extend((0..20).map(|i| 100.0 + (i % 10) as f64 * 0.1));
    x[5] = 30.0; // the outlier, still nearer group 1 than group 2
    let category: Vec<u32> = (0..40).map(|i| u32::from(i >= 20)).collect();
    let table = MixedTable::new(vec![
        column("x", ColumnValues::Numeric(x)),
        column(
            "group",
            ColumnValues::Categorical {
                codes: category,
                levels: vec!["west".into(), "east".into()],
            },
        ),
    ])
    .unwrap();
    let gower = GowerParams::default().fit(&table).unwrap();
    let tree = HclustParams::default()
        .fit_owned(gower.matrix().unwrap())
        .unwrap();
    let labels = tree.cut(2).unwrap();
    assert!(labels[..20].iter().all(|&l| l == 1) && labels[20..].iter().all(|&l| l == 2));
    let description = DescribeParams::default()
        .fit(&table, &labels, &|i, j| gower.distance(i, j))
        .unwrap();
    let most = (0..40)
        .max_by(|&a, &b| description.anomaly[a].total_cmp(&description.anomaly[b]))
        .unwrap();
    assert_eq!(most, 5);
    assert!(description.anomaly[5] > 3.0, "{}", description.anomaly[5]);
    let first = &description.clusters[0];
    assert!(first.typical_entity < 20 && first.typical_entity != 5);
    assert_eq!(description.anomaly[first.typical_entity], 0.0);
    // Cluster 1 is below the mean on x and all "west".
    let x_contrast = first.variables.iter().find(|v| v.name == "x").unwrap();
    assert!(x_contrast.v_test < 0.0);
    let group = first.variables.iter().find(|v| v.name == "group").unwrap();
    match &group.contrast {
        learn::cluster::Contrast::Level {
            level_name,
            share_in,
            share_all,
            ..
        } => {
            assert_eq!(level_name, "west");
            assert_eq!((*share_in, *share_all), (1.0, 0.5));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_matrix_in_blocks_reports_every_pair_and_equals_the_whole() {
    for n in [2usize, 3, 7, 130] {
        let table = MixedTable::new(vec![
            column(
                "x",
                ColumnValues::Numeric((0..n).map(|i| ((i * 37) % 11) as f64).collect()),
            ),
            column(
                "c",
                ColumnValues::Categorical {
                    codes: (0..n).map(|i| (i % 3) as u32).collect(),
                    levels: vec!["a".into(), "b".into(), "c".into()],
                },
            ),
        ])
        .unwrap();
        let gower = GowerParams::default().fit(&table).unwrap();
        let mut reports = Vec::new();
        let blocks = gower
            .matrix_with_progress(&mut |done, total| {
                reports.push((done, total));
                true
            })
            .unwrap()
            .unwrap();
        assert_eq!(blocks, gower.matrix().unwrap(), "n = {n}");
        let total = (n * (n - 1) / 2) as u64;
        assert_eq!(reports.last(), Some(&(total, total)));
        assert!(reports.windows(2).all(|w| w[0].0 < w[1].0));
        // At most ~64 blocks (plus the rows that overshoot a block): the page hears often
        // enough, not per row.
        assert!(reports.len() <= 66, "{} reports", reports.len());
        // A `false` stops it.
        let mut calls = 0;
        let stopped = gower
            .matrix_with_progress(&mut |_, _| {
                calls += 1;
                false
            })
            .unwrap();
        assert!(stopped.is_none());
        assert_eq!(calls, 1);
    }
}
