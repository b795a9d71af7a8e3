//! Store clustering on Rossmann samples with 4 planted store segments
//! (`samples::rossmann::store_segment`): the clusters at k = 4 must recover them (adjusted Rand
//! index >= 0.9), the suggested k must be 4, the description must find the segments' store
//! type, and a store made odd on purpose must be flagged as an anomaly.

use learn::cluster::Contrast;
use learn::metrics::adjusted_rand_index;
use samples::{rossmann, write_file, Dataset};
use usecases::clusters::{
    rossmann_entities, store_weights, ClusterParams, EntityTable, ProfileValues,
};
use usecases::progress::ignore;

fn table(file: &str, scale: f64, seed: u64) -> tabular::Table {
    let mut bytes = Vec::new();
    write_file(Dataset::Rossmann, file, scale, seed, &mut bytes).unwrap();
    tabular::read_bytes(file, &bytes, tabular::ReadOptions::default()).unwrap()
}

fn entities(scale: f64, seed: u64) -> EntityTable {
    let train = table("train.csv", scale, seed);
    let store = table("store.csv", scale, seed);
    rossmann_entities(&train, Some(&store)).unwrap()
}

fn truth(entities: &EntityTable, seed: u64) -> Vec<usize> {
    entities
        .ids
        .iter()
        .map(|id| usize::from(rossmann::store_segment(id.parse().unwrap(), seed)))
        .collect()
}

fn ari(labels: &[u32], truth: &[usize]) -> f64 {
    let found: Vec<usize> = labels.iter().map(|&l| l as usize - 1).collect();
    adjusted_rand_index(truth, &found)
}

/// At scale 0.3 (335 stores) every seed tried (1..=12) suggests 4; at the page's scale 0.1
/// (112 stores, the flagship segment down to about 9 stores, whose merge costs little inertia)
/// 10 seeds of 1..=12 do, and seed 42 suggests 3.
#[test]
fn four_planted_segments_are_recovered_and_suggested() {
    for (scale, seed) in [(0.3, 7), (0.3, 1), (0.3, 2)] {
        let entities = entities(scale, seed);
        let truth = truth(&entities, seed);
        let params = ClusterParams {
            weights: store_weights(),
            top_variables: 100,
            ..ClusterParams::default()
        };
        let model = params.fit(&entities, &mut ignore).unwrap();
        assert_eq!(
            model.overview().suggested_k,
            4,
            "scale {scale} seed {seed}: {:?}",
            model.overview().k_choice.candidates
        );
        let cut = model.recut(4).unwrap();
        let score = ari(&cut.labels, &truth);
        eprintln!(
            "scale {scale} seed {seed}: {} stores, ARI at k = 4: {score:.4}",
            entities.len()
        );
        assert!(score >= 0.9, "scale {scale} seed {seed}: ARI {score}");
        // The weights are not what recovers the segments: with every variable at weight 1 the
        // clusters at k = 4 match as well (the weights decide the suggested k).
        let plain = ClusterParams {
            k: Some(4),
            ..ClusterParams::default()
        };
        let plain = plain.fit(&entities, &mut ignore).unwrap().result().unwrap();
        let plain_score = ari(&plain.cut.labels, &truth);
        assert!(plain_score >= 0.9, "all weights 1: ARI {plain_score}");

        // Each segment's store type (planted on 90 % of its stores) is its cluster's most
        // frequent store type, found by the description although it weighs 0 in the distance.
        for cluster in &cut.clusters {
            let members: Vec<usize> = (0..entities.len())
                .filter(|&r| cut.labels[r] == cluster.label)
                .collect();
            let segment = truth[members[0]];
            let expected = rossmann::SEGMENTS[segment].store_type.to_string();
            let store_type = cluster.variables.iter().find(|v| v.name == "store_type");
            match store_type.map(|v| &v.contrast) {
                Some(Contrast::Level {
                    level_name,
                    share_in,
                    ..
                }) => {
                    assert_eq!(level_name, &expected, "cluster {}", cluster.label);
                    assert!(*share_in > 0.75, "cluster {}: {share_in}", cluster.label);
                }
                other => panic!(
                    "cluster {}: store_type not described: {other:?}",
                    cluster.label
                ),
            }
            assert_eq!(
                truth[cluster.typical_row], segment,
                "typical store in its segment"
            );
        }
    }
}

#[test]
fn the_page_sample_recovers_the_segments_at_k_4() {
    let entities = entities(0.1, 42);
    let params = ClusterParams {
        k: Some(4),
        weights: store_weights(),
        ..ClusterParams::default()
    };
    let result = params
        .fit(&entities, &mut ignore)
        .unwrap()
        .result()
        .unwrap();
    let score = ari(&result.cut.labels, &truth(&entities, 42));
    eprintln!(
        "page sample: {} stores, ARI at k = 4: {score:.4}",
        entities.len()
    );
    assert!(score >= 0.9, "ARI {score}");
}

#[test]
fn recut_is_a_cut_of_the_same_tree() {
    let entities = entities(0.1, 3);
    let params = ClusterParams {
        weights: store_weights(),
        ..ClusterParams::default()
    };
    let model = params.fit(&entities, &mut ignore).unwrap();
    let four = model.recut(4).unwrap();
    let six = model.recut(6).unwrap();
    // Cutting lower splits clusters, never mixes them.
    for a in 0..entities.len() {
        for b in 0..entities.len() {
            if six.labels[a] == six.labels[b] {
                assert_eq!(four.labels[a], four.labels[b]);
            }
        }
    }
    let direct = ClusterParams {
        k: Some(6),
        ..params.clone()
    }
    .fit(&entities, &mut ignore)
    .unwrap()
    .result()
    .unwrap();
    assert_eq!(direct.cut, six);
    assert_eq!(six.clusters.len(), 6);
    assert_eq!(
        six.clusters.iter().map(|c| c.size).sum::<usize>(),
        entities.len()
    );
}

#[test]
fn an_odd_store_is_flagged_as_an_anomaly() {
    let mut entities = entities(0.1, 42);
    let odd = 17;
    // The store sells and serves four times its segment's level, with a flat week.
    for variable in entities.variables.iter_mut() {
        if let ProfileValues::Numeric(values) = &mut variable.values {
            match variable.name.as_str() {
                "mean_sales" | "mean_customers" => values[odd] *= 4.0,
                name if name.starts_with("weekday_") => values[odd] = 1.0,
                _ => {}
            }
        }
    }
    let params = ClusterParams {
        k: Some(4),
        weights: store_weights(),
        ..ClusterParams::default()
    };
    let result = params
        .fit(&entities, &mut ignore)
        .unwrap()
        .result()
        .unwrap();
    let flagged = &result.cut.anomalies.flagged;
    assert_eq!(flagged.first().map(|a| a.row), Some(odd), "{flagged:?}");
    assert_eq!(flagged[0].id, entities.ids[odd]);
    assert!(flagged
        .iter()
        .all(|a| a.score > result.cut.anomalies.threshold));
    assert!(
        flagged.len() <= entities.len() / 20,
        "few flagged: {}",
        flagged.len()
    );
}
