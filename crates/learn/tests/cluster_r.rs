//! Gower distance, hierarchical clustering, PCA, HCPC's choice of k, catdes's test values and
//! FAMD against R (cluster 2.1.4, FactoMineR 2.7) on the tables of `fixtures/cluster/`, whose
//! README says how the reference JSON files were made.

use learn::cluster::{
    ChooseKParams, ClusterError, ColumnValues, Contrast, DescribeParams, FamdParams, GowerParams,
    HclustParams, Linkage, MixedColumn, MixedTable, PcaParams, MISSING_BINARY, MISSING_CODE,
};
use ndarray::Array2;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cluster/");

/// Reads a fixture table, the column kind from its name prefix (see make_tables.py).
fn table(name: &str) -> MixedTable {
    let text = std::fs::read_to_string(format!("{DIR}{name}.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let columns = header
        .iter()
        .enumerate()
        .map(|(c, &name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[c]).collect();
            let levels = |cells: &[&str]| {
                let mut l: Vec<String> = cells
                    .iter()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_string())
                    .collect();
                l.sort();
                l.dedup();
                l
            };
            let codes = |levels: &[String]| -> Vec<u32> {
                cells
                    .iter()
                    .map(|s| {
                        levels
                            .iter()
                            .position(|l| l == s)
                            .map_or(MISSING_CODE, |p| p as u32)
                    })
                    .collect()
            };
            let values = match &name[..4] {
                "num_" => ColumnValues::Numeric(
                    cells
                        .iter()
                        .map(|s| s.parse().unwrap_or(f64::NAN))
                        .collect(),
                ),
                "bin_" => ColumnValues::Binary {
                    values: cells
                        .iter()
                        .map(|s| s.parse().unwrap_or(MISSING_BINARY))
                        .collect(),
                    asymmetric: false,
                },
                "asy_" => ColumnValues::Binary {
                    values: cells
                        .iter()
                        .map(|s| match *s {
                            "TRUE" => 1,
                            "FALSE" => 0,
                            _ => MISSING_BINARY,
                        })
                        .collect(),
                    asymmetric: true,
                },
                "cat_" => {
                    let levels = levels(&cells);
                    ColumnValues::Categorical {
                        codes: codes(&levels),
                        levels,
                    }
                }
                "ord_" => {
                    let levels = levels(&cells);
                    ColumnValues::Ordinal {
                        codes: codes(&levels),
                        levels,
                    }
                }
                other => panic!("unknown column prefix {other}"),
            };
            MixedColumn {
                name: name.to_string(),
                values,
            }
        })
        .collect();
    MixedTable::new(columns).unwrap()
}

fn reference(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}{name}.json")).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64], rel: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths");
    for (k, (a, b)) in ours.iter().zip(theirs).enumerate() {
        if a.is_nan() || b.is_nan() {
            assert!(a.is_nan() && b.is_nan(), "{what}[{k}]: ours {a}, R {b}");
            continue;
        }
        let tol = rel * a.abs().max(b.abs()).max(1e-300);
        assert!((a - b).abs() <= tol, "{what}[{k}]: ours {a}, R {b}");
    }
}

const TABLES: [&str; 3] = ["hand_12", "mixed_60", "mixed_300"];

#[test]
fn gower_matrix_equals_daisy() {
    for name in TABLES.iter().chain(&["no_common_5"]) {
        let r = reference(name);
        let gower = GowerParams::default().fit(&table(name)).unwrap();
        let matrix = gower.matrix().unwrap();
        assert_close(name, matrix.as_slice(), &floats(&r["gower"]), 1e-12);
        // The pairwise accessor agrees with the matrix.
        let n = gower.n_entities();
        for (i, j) in [(0, 1), (0, n - 1), (n / 2, n - 1)] {
            let (a, b) = (gower.distance(i, j), matrix.get(j, i));
            assert!(
                a == b || (a - b).abs() < 1e-15,
                "{name} ({i},{j}): {a} vs {b}"
            );
        }
    }
}

#[test]
fn pairs_without_common_column_are_reported() {
    let matrix = GowerParams::default()
        .fit(&table("no_common_5"))
        .unwrap()
        .matrix()
        .unwrap();
    assert_eq!(matrix.undefined_pairs(), 2);
    assert_eq!(matrix.first_undefined(), Some((1, 2)));
    let err = HclustParams::default().fit(&matrix).unwrap_err();
    assert_eq!(
        err,
        ClusterError::UndefinedDistance {
            first: (1, 2),
            pairs: 2
        }
    );
    assert!(err.to_string().contains("rows 2 and 3"), "{err}");
}

#[test]
fn hclust_equals_r_for_every_linkage() {
    let linkages = [
        ("ward.D2", Linkage::Ward),
        ("average", Linkage::Average),
        ("complete", Linkage::Complete),
        ("single", Linkage::Single),
    ];
    for name in TABLES {
        let r = reference(name);
        let matrix = GowerParams::default()
            .fit(&table(name))
            .unwrap()
            .matrix()
            .unwrap();
        for reference in r["linkages"].as_array().unwrap() {
            let method = reference["method"].as_str().unwrap();
            let linkage = linkages.iter().find(|(m, _)| *m == method).unwrap().1;
            assert_eq!(linkage.r_name(), method);
            let tree = HclustParams { linkage }.fit(&matrix).unwrap();
            let what = format!("{name} {method}");
            assert_close(&what, &tree.heights(), &floats(&reference["height"]), 1e-9);
            let merge: Vec<[i64; 2]> = reference["merge"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| [row[0].as_i64().unwrap(), row[1].as_i64().unwrap()])
                .collect();
            assert_eq!(tree.r_merge(), merge, "{what}: merge matrix");
            let order: Vec<usize> = reference["order"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize - 1)
                .collect();
            assert_eq!(tree.order(), order, "{what}: order");
            for (k, labels) in (2..).zip(reference["cut"].as_array().unwrap()) {
                let labels: Vec<u32> = labels
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap() as u32)
                    .collect();
                assert_eq!(tree.cut(k).unwrap(), labels, "{what}: cutree k={k}");
            }
            // Sizes are consistent with the merge list.
            assert_eq!(tree.merges.last().unwrap().size, tree.n);
        }
    }
}

/// Numeric columns of mixed_300 with missing cells replaced by the column mean, as R did.
fn numeric_300(columns: &[String]) -> Array2<f64> {
    let t = table("mixed_300");
    let n = t.n_rows();
    let mut x = Array2::zeros((n, columns.len()));
    for (c, name) in columns.iter().enumerate() {
        let column = t.columns.iter().find(|col| &col.name == name).unwrap();
        for r in 0..n {
            x[[r, c]] = column.number_at(r).unwrap_or(f64::NAN);
        }
    }
    x
}

#[test]
fn pca_equals_prcomp_and_factominer() {
    let r = &reference("mixed_300")["pca"];
    let columns: Vec<String> = serde_json::from_value(r["columns"].clone()).unwrap();
    let p = columns.len();
    let pca = PcaParams { n_components: p }
        .fit(numeric_300(&columns).view())
        .unwrap();
    assert_close(
        "eigenvalues vs prcomp sdev^2",
        &pca.axes.eigenvalues,
        &floats(&r["prcomp_sdev2"]),
        1e-9,
    );
    assert_close(
        "eigenvalues vs PCA eig",
        &pca.axes.eigenvalues,
        &floats(&r["eig"]),
        1e-9,
    );
    let ratio_sum: f64 = pca.axes.explained_ratio.iter().sum();
    assert!((ratio_sum - 1.0).abs() < 1e-12);
    // Scores and correlations equal FactoMineR's up to the sign of each component.
    for (key, ours) in [("coord", &pca.axes.scores), ("var_cor", &pca.correlations)] {
        let rows = r[key].as_array().unwrap();
        for k in 0..p {
            let theirs: Vec<f64> = rows.iter().map(|row| row[k].as_f64().unwrap()).collect();
            let mine: Vec<f64> = ours.column(k).to_vec();
            let sign = if mine[0] * theirs[0] < 0.0 { -1.0 } else { 1.0 };
            let flipped: Vec<f64> = mine.iter().map(|v| sign * v).collect();
            for (a, b) in flipped.iter().zip(&theirs) {
                assert!((a - b).abs() < 1e-9, "{key} component {k}: {a} vs {b}");
            }
        }
    }
    // Our sign rule: the largest loading of each component is positive.
    for k in 0..p {
        let col = pca.axes.loadings.column(k);
        let largest = col
            .iter()
            .fold(0.0f64, |m, &x| if x.abs() > m.abs() { x } else { m });
        assert!(largest > 0.0);
    }
}

#[test]
fn choice_of_k_equals_hcpc() {
    let r = &reference("mixed_300")["pca"];
    let columns: Vec<String> = serde_json::from_value(r["columns"].clone()).unwrap();
    let pca = PcaParams {
        n_components: columns.len(),
    }
    .fit(numeric_300(&columns).view())
    .unwrap();
    let scores = &pca.axes.scores;
    let n = scores.nrows();
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let d2: f64 = (&scores.row(i) - &scores.row(j)).mapv(|v| v * v).sum();
            condensed.push(d2.sqrt());
        }
    }
    let matrix = learn::cluster::DistanceMatrix::from_condensed(n, condensed).unwrap();
    let tree = HclustParams::default().fit_owned(matrix).unwrap();
    let choice = ChooseKParams::default().fit(&tree).unwrap();
    // HCPC weighs entities by 1/N: its inertias are ours divided by N.
    let within: Vec<f64> = choice.within.iter().map(|w| w / n as f64).collect();
    assert_close("HCPC within", &within, &floats(&r["hcpc_within"]), 1e-9);
    let quot: Vec<f64> = choice.candidates.iter().map(|c| c.1).collect();
    assert_close("HCPC quot", &quot, &floats(&r["hcpc_quot"]), 1e-9);
    assert_eq!(choice.candidates.first().unwrap().0, 3);
    assert_eq!(choice.candidates.last().unwrap().0, 10);
    assert_eq!(
        choice.suggested_k as u64,
        r["hcpc_nb_clust"].as_u64().unwrap()
    );
    // Total inertia with one cluster is N times the sum of the (unit) eigenvalues.
    assert!((choice.within[0] / n as f64 - columns.len() as f64).abs() < 1e-9);
}

#[test]
fn numeric_test_values_equal_catdes() {
    let t = table("mixed_300");
    let gower = GowerParams::default().fit(&t).unwrap();
    let tree = HclustParams::default()
        .fit_owned(gower.matrix().unwrap())
        .unwrap();
    let labels = tree.cut(4).unwrap();
    let description = DescribeParams { top_variables: 100 }
        .fit(&t, &labels, &|i, j| gower.distance(i, j))
        .unwrap();
    let r = reference("mixed_300");
    for cluster in r["catdes"].as_array().unwrap() {
        let k = cluster["cluster"].as_u64().unwrap() as u32;
        let profile = description.clusters.iter().find(|c| c.label == k).unwrap();
        let variables = cluster["variable"].as_array().unwrap();
        for (m, variable) in variables.iter().enumerate() {
            let ours = profile
                .variables
                .iter()
                .find(|v| v.name == variable.as_str().unwrap())
                .unwrap();
            let Contrast::Numeric {
                mean_in,
                mean_all,
                sd_all,
            } = ours.contrast
            else {
                panic!("{} should be numeric", ours.name)
            };
            let at = |key: &str| cluster[key][m].as_f64().unwrap();
            let what = format!("cluster {k} {}", ours.name);
            assert_close(
                &what,
                &[ours.v_test, mean_in, mean_all, sd_all],
                &[at("v_test"), at("mean_in"), at("mean_all"), at("sd_all")],
                1e-9,
            );
        }
        // Ranked by |v|.
        let v: Vec<f64> = profile.variables.iter().map(|v| v.v_test.abs()).collect();
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
    }
}

#[test]
fn famd_eigenvalues_equal_factominer() {
    let r = &reference("mixed_300")["famd"];
    let wanted: Vec<String> = serde_json::from_value(r["columns"].clone()).unwrap();
    let t = table("mixed_300");
    let columns = wanted
        .iter()
        .map(|w| t.columns.iter().find(|c| &c.name == w).unwrap().clone())
        .collect();
    let famd = FamdParams::default()
        .fit(&MixedTable::new(columns).unwrap())
        .unwrap();
    let eig = floats(&r["eig"]);
    assert_close("FAMD eig", &famd.axes.eigenvalues[..eig.len()], &eig, 1e-9);
}
