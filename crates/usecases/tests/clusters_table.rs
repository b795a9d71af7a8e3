//! The generic mode (any table with one row per entity) from CSV bytes to clusters, against R on
//! learn's fixture tables (`crates/learn/tests/fixtures/cluster/`, made by its make_fixtures.R
//! with cluster::daisy, hclust, cutree, FactoMineR's PCA and FAMD): text columns read as
//! categories, TRUE/FALSE as daisy's asymmetric binary, `ord_` columns named as ordinal, as the
//! fixtures' R script reads them.
//!
//! Float cells are stored as f32 by the CSV reader (R reads doubles), so distances agree with R's
//! to about 1e-7 relative, not to the last bit as in learn's own tests on f64 input.

use serde_json::Value;
use usecases::clusters::{ClusterParams, EntityTable, MapMethod, TableOptions, VariableKind};
use usecases::progress;
use usecases::UseCaseError;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../learn/tests/fixtures/cluster/"
);

fn read(name: &str) -> (tabular::Table, Value) {
    let csv = std::fs::read(format!("{FIXTURES}{name}.csv")).unwrap();
    let json = std::fs::read_to_string(format!("{FIXTURES}{name}.json")).unwrap();
    let table = tabular::read_bytes(&format!("{name}.csv"), &csv, Default::default()).unwrap();
    (table, serde_json::from_str(&json).unwrap())
}

fn ordinal_columns(table: &tabular::Table) -> TableOptions {
    TableOptions {
        ordinal: table
            .header()
            .iter()
            .filter(|h| h.starts_with("ord_"))
            .map(|h| h.to_string())
            .collect(),
        ..TableOptions::default()
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(ours: &[f64], r: &[f64], tolerance: f64, what: &str) {
    assert_eq!(ours.len(), r.len(), "{what}: length");
    for (i, (a, b)) in ours.iter().zip(r).enumerate() {
        assert!(
            (a - b).abs() <= tolerance * b.abs().max(1.0),
            "{what}[{i}]: ours {a}, R {b}"
        );
    }
}

#[test]
fn generic_tables_give_r_heights_and_cuts_for_every_linkage() {
    for name in ["hand_12", "mixed_60", "mixed_300"] {
        let (table, r) = read(name);
        let entities = EntityTable::from_table(&table, &ordinal_columns(&table)).unwrap();
        let kinds: Vec<VariableKind> = entities.variables.iter().map(|v| v.values.kind()).collect();
        let r_types: Vec<&str> = r["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for (kind, r_type) in kinds.iter().zip(&r_types) {
            // daisy's types: I interval (numbers and 0/1 integers), N nominal, O ordinal,
            // A asymmetric binary (logical).
            let expected = match *r_type {
                "I" => VariableKind::Numeric,
                "N" => VariableKind::Categorical,
                "O" => VariableKind::Ordinal,
                "A" => VariableKind::Flag,
                other => panic!("unexpected daisy type {other}"),
            };
            assert_eq!(*kind, expected, "{name}");
        }
        for linkage in r["linkages"].as_array().unwrap() {
            let method = linkage["method"].as_str().unwrap();
            let params = ClusterParams {
                linkage: serde_json::from_value(serde_json::json!(method)).unwrap(),
                ..ClusterParams::default()
            };
            let model = params.fit(&entities, &mut progress::ignore).unwrap();
            let heights = &model.overview().heights;
            close(
                heights,
                &floats(&linkage["height"]),
                1e-5,
                &format!("{name} {method}"),
            );
            for (i, cut) in linkage["cut"].as_array().unwrap().iter().enumerate() {
                let k = i + 2;
                let labels: Vec<u32> = cut
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_u64().unwrap() as u32)
                    .collect();
                assert_eq!(
                    model.recut(k).unwrap().labels,
                    labels,
                    "{name} {method} cut at {k}"
                );
            }
        }
    }
}

#[test]
fn numeric_map_is_r_pca_and_mixed_map_is_r_famd() {
    let (table, r) = read("mixed_300");
    // Numeric columns only: PCA, whose eigenvalues are FactoMineR's on the mean-imputed columns.
    let numeric: Vec<String> = r["pca"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let ignore = |keep: &[String]| TableOptions {
        ignore: table
            .header()
            .iter()
            .filter(|h| !keep.iter().any(|k| k == *h))
            .map(|h| h.to_string())
            .collect(),
        ..TableOptions::default()
    };
    let entities = EntityTable::from_table(&table, &ignore(&numeric)).unwrap();
    let result = ClusterParams::default()
        .fit(&entities, &mut progress::ignore)
        .unwrap()
        .result()
        .unwrap();
    let map = result.overview.pca.as_ref().unwrap();
    assert_eq!(map.method, MapMethod::Pca);
    close(
        &map.eigenvalues,
        &floats(&r["pca"]["eig"]),
        1e-5,
        "PCA eigenvalues",
    );
    let total: f64 = floats(&r["pca"]["eig"]).iter().sum();
    let ratio: Vec<f64> = floats(&r["pca"]["eig"]).iter().map(|e| e / total).collect();
    close(&map.explained_variance_ratio, &ratio, 1e-5, "PCA ratio");
    // FactoMineR's coordinates, up to the sign of each component.
    let coord = r["pca"]["coord"].as_array().unwrap();
    for component in 0..2 {
        let r_scores: Vec<f64> = coord
            .iter()
            .map(|row| row[component].as_f64().unwrap())
            .collect();
        let ours: Vec<f64> = map.scores.iter().map(|s| s[component]).collect();
        let sign = if ours[0] * r_scores[0] < 0.0 {
            -1.0
        } else {
            1.0
        };
        let ours: Vec<f64> = ours.iter().map(|x| sign * x).collect();
        close(&ours, &r_scores, 1e-4, "PCA scores");
    }
    // Numbers and a category: FAMD.
    let mixed: Vec<String> = r["famd"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let entities = EntityTable::from_table(&table, &ignore(&mixed)).unwrap();
    let result = ClusterParams::default()
        .fit(&entities, &mut progress::ignore)
        .unwrap()
        .result()
        .unwrap();
    let map = result.overview.pca.as_ref().unwrap();
    assert_eq!(map.method, MapMethod::Famd);
    let r_eig = floats(&r["famd"]["eig"]);
    close(
        &map.eigenvalues[..r_eig.len()],
        &r_eig,
        1e-5,
        "FAMD eigenvalues",
    );
    assert_eq!(map.levels.len(), 3, "one point per level of cat_h");
}

#[test]
fn ids_notes_and_bad_tables() {
    let csv =
        b"shop,size,kind,empty,flag\nA,1.5,x,,true\nB,2.5,x,,true\nC,9.0,y,,false\nD,9.5,y,,\n";
    let table = tabular::read_bytes("shops.csv", csv, Default::default()).unwrap();
    let options = TableOptions {
        id: Some("shop".into()),
        ..TableOptions::default()
    };
    let entities = EntityTable::from_table(&table, &options).unwrap();
    assert_eq!(entities.ids, ["A", "B", "C", "D"]);
    let names: Vec<&str> = entities.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["size", "kind", "flag"]);
    assert!(entities.notes[0].contains("empty"), "{:?}", entities.notes);
    let result = ClusterParams {
        k: Some(2),
        min_k: 2,
        ..ClusterParams::default()
    }
    .fit(&entities, &mut progress::ignore)
    .unwrap()
    .result()
    .unwrap();
    assert_eq!(result.cut.labels, [1, 1, 2, 2], "A,B against C,D");
    assert_eq!(result.cut.clusters[1].typical_id.as_str(), "C");

    let message = |csv: &[u8], options: &TableOptions| -> String {
        let table = tabular::read_bytes("bad.csv", csv, Default::default()).unwrap();
        match EntityTable::from_table(&table, options) {
            Err(e) => e.to_string(),
            Ok(entities) => ClusterParams::default()
                .fit(&entities, &mut progress::ignore)
                .map(|_| String::new())
                .unwrap_or_else(|e: UseCaseError| e.to_string()),
        }
    };
    let repeated = message(b"shop,size\nA,1\nB,2\nA,3\n", &options);
    assert!(
        repeated.contains("line 4") && repeated.contains("\"A\"") && repeated.contains("line 2"),
        "{repeated}"
    );
    let missing = message(b"store,size\nA,1\n", &options);
    assert!(missing.contains("shop"), "{missing}");
    let only_id = message(b"shop\nA\nB\n", &options);
    assert!(only_id.contains("no column to cluster"), "{only_id}");
    let numeric_ordinal = TableOptions {
        ordinal: vec!["size".into()],
        ..TableOptions::default()
    };
    let refused = message(b"shop,size\nA,1\nB,2\n", &numeric_ordinal);
    assert!(
        refused.contains("only text columns can be ordinal"),
        "{refused}"
    );
    // Rows 1 and 2 share no observed column: refused, naming the entities.
    let disjoint = message(b"shop,a,b\nA,1,\nB,,x\nC,2,y\nD,3,x\n", &options);
    assert!(disjoint.contains("A and B"), "{disjoint}");
}
