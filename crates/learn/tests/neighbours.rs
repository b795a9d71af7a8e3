//! What the recommenders recover: a planted two-group structure, exact agreement of the
//! pattern-grouped k-NN with a brute-force all-pairs k-NN (both similarities, both kinds of
//! ratings, ties included), and the popularity baseline.

use learn::metrics::{mean_average_precision_at_k, precision_at_k};
use learn::neighbours::{
    blend_by_rank, similarity, KnnParams, NeighboursError, Popularity, Ratings, Similarity,
};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Two groups of 500 customers: group A holds items 0 and 1 and takes up item 2, group B holds
/// items 3 and 4 and takes up item 5; each member has taken its item up already with
/// probability 0.6 (half of them last period: their recent take-up), and holds two of the
/// items 6-13 besides, so that exact twins are few. Returns holdings, recent take-ups and each
/// customer's group.
fn two_groups(seed: u64) -> (Vec<u32>, Vec<u32>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut holdings, mut recent, mut group_a) = (vec![], vec![], vec![]);
    for c in 0..1000 {
        let a = c % 2 == 0;
        let (base, item) = if a { (0b11, 2) } else { (0b11000, 5) };
        let mut h: u32 = base;
        let mut r = 0;
        if rng.random::<f64>() < 0.6 {
            h |= 1 << item;
            if rng.random::<f64>() < 0.5 {
                r |= 1 << item;
            }
        }
        while (h >> 6).count_ones() < 2 {
            h |= 1 << rng.random_range(6..14);
        }
        holdings.push(h);
        recent.push(r);
        group_a.push(a);
    }
    (holdings, recent, group_a)
}

#[test]
fn planted_groups_get_their_item() {
    let (holdings, recent, group_a) = two_groups(1);
    for similarity in [Similarity::Cosine, Similarity::Jaccard] {
        for ratings in [Ratings::Holdings, Ratings::Vectors(&recent)] {
            let params = KnnParams {
                k: 20,
                similarity,
                top_n: 1,
            };
            let model = params.fit(&holdings, ratings, 14).unwrap();
            assert!(model.n_patterns() <= 4 * 28);
            let all = model.recommend_all();
            for (u, &h) in holdings.iter().enumerate() {
                let item = if group_a[u] { 2 } else { 5 };
                if h >> item & 1 == 0 {
                    assert_eq!(all.of(u), &[item], "customer {u} holding {h:#b}");
                    assert_eq!(model.recommend(u), vec![item]);
                }
            }
        }
    }
}

/// Neighbour weights and scores by brute force over all pairs, independently of the library:
/// similarity fractions compared by cross-multiplication, ties at the k-th place sharing it.
fn brute_force(
    holdings: &[u32],
    ratings: &[u32],
    k: usize,
    similarity_kind: Similarity,
    n_items: usize,
) -> Vec<Vec<f64>> {
    let fraction = |a: u32, b: u32| -> (u64, u64) {
        let common = (a & b).count_ones() as u64;
        match similarity_kind {
            Similarity::Cosine => {
                let den = (a.count_ones() * b.count_ones()) as u64;
                if den == 0 {
                    (0, 1)
                } else {
                    (common * common, den)
                }
            }
            Similarity::Jaccard => {
                let union = (a | b).count_ones() as u64;
                if union == 0 {
                    (0, 1)
                } else {
                    (common, union)
                }
            }
        }
    };
    let cmp = |x: (u64, u64), y: (u64, u64)| (x.0 * y.1).cmp(&(y.0 * x.1));
    (0..holdings.len())
        .map(|u| {
            let mut others: Vec<((u64, u64), usize)> = (0..holdings.len())
                .filter(|&v| v != u)
                .map(|v| (fraction(holdings[u], holdings[v]), v))
                .collect();
            others.sort_by(|x, y| cmp(y.0, x.0));
            let weights: Vec<f64> = if others.len() <= k {
                vec![1.0; others.len()]
            } else {
                let boundary = others[k - 1].0;
                let above = others.iter().filter(|o| cmp(o.0, boundary).is_gt()).count();
                let tied = others.iter().filter(|o| cmp(o.0, boundary).is_eq()).count();
                others
                    .iter()
                    .map(|o| match cmp(o.0, boundary) {
                        std::cmp::Ordering::Greater => 1.0,
                        std::cmp::Ordering::Equal => (k - above) as f64 / tied as f64,
                        std::cmp::Ordering::Less => 0.0,
                    })
                    .collect()
            };
            let mut num = vec![0.0; n_items];
            let mut den = 0.0;
            for (&(_, v), w) in others.iter().zip(weights) {
                let sim = similarity(similarity_kind, holdings[u], holdings[v]);
                den += w * sim;
                for (i, n) in num.iter_mut().enumerate() {
                    *n += w * sim * (ratings[v] >> i & 1) as f64;
                }
            }
            num.iter()
                .map(|n| if den == 0.0 { 0.0 } else { n / den })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Grouping by pattern gives the all-pairs scores: customers drawn from a few patterns (so
    /// that twins and ties are common), any k, both similarities, holdings or other vectors.
    #[test]
    fn pattern_knn_equals_all_pairs_knn(
        seed in 0u64..100_000,
        n in 2usize..60,
        k in 1usize..30,
        jaccard in proptest::bool::ANY,
        vectors in proptest::bool::ANY,
    ) {
        let n_items = 6;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let pool: Vec<u32> = (0..rng.random_range(1..8)).map(|_| rng.random_range(0..64)).collect();
        let holdings: Vec<u32> = (0..n).map(|_| pool[rng.random_range(0..pool.len())]).collect();
        let other: Vec<u32> = (0..n).map(|_| rng.random_range(0..64)).collect();
        let similarity_kind = if jaccard { Similarity::Jaccard } else { Similarity::Cosine };
        let params = KnnParams { k, similarity: similarity_kind, top_n: 3 };
        let (ratings, r) = if vectors {
            (Ratings::Vectors(&other), &other)
        } else {
            (Ratings::Holdings, &holdings)
        };
        let model = params.fit(&holdings, ratings, n_items).unwrap();
        let expected = brute_force(&holdings, r, k, similarity_kind, n_items);
        for (u, want) in expected.iter().enumerate() {
            let got = model.scores(u);
            for (g, w) in got.iter().zip(want) {
                prop_assert!((g - w).abs() < 1e-9, "customer {}: {:?} against {:?}", u, got, want);
            }
        }
        let all = model.recommend_all();
        for (u, &held) in holdings.iter().enumerate() {
            prop_assert_eq!(all.of(u), &model.recommend(u)[..]);
            prop_assert!(all.of(u).iter().all(|&i| held >> i & 1 == 0));
        }
    }
}

#[test]
fn popularity_recommends_frequent_take_ups_not_held() {
    let takeups = [0b100, 0b100, 0b110, 0b001, 0b100];
    let pop = Popularity::fit(&takeups, 3).unwrap();
    assert_eq!(pop.counts(), &[1, 1, 4]);
    assert_eq!(pop.order(), &[2, 0, 1]);
    assert_eq!(pop.recommend(0b100, 2), vec![0, 1]);
    let all = pop.recommend_all(&[0b000, 0b101], 2);
    assert_eq!((all.of(0), all.of(1)), (&[2u8, 0][..], &[1u8][..]));
    // Scored like any recommender: precision@2 of [2, 0] against {0} is 1/2.
    assert_eq!(precision_at_k(all.of(0), &[0u8], 2), 0.5);
    let users: Vec<(&[u8], &[u8])> = vec![(all.of(0), &[0]), (all.of(1), &[1])];
    // AP@2: 1/2 for the first (hit at rank 2), 1 for the second.
    assert!((mean_average_precision_at_k(users, 2) - 0.75).abs() < 1e-12);
}

#[test]
fn blend_and_bad_input() {
    // k-NN prefers item 0, the propensities item 2: an even blend ranks them level (item 1 is
    // last in both), so the priority order decides.
    let blended = blend_by_rank(&[0.9, 0.1, 0.5], &[0.2, 0.1, 0.7], 0, 0.5);
    assert_eq!(blended, vec![0.75, 0.0, 0.75]);
    assert_eq!(
        KnnParams::default()
            .fit(&[0b1, 0b10000], Ratings::Holdings, 4)
            .err(),
        Some(NeighboursError::ItemOutOfRange {
            what: "holdings",
            customer: 1,
            pattern: 0b10000,
            n_items: 4
        })
    );
    assert!(matches!(
        KnnParams::default().fit(&[1, 2], Ratings::Vectors(&[1]), 4),
        Err(NeighboursError::LengthMismatch { .. })
    ));
    assert!(matches!(
        KnnParams {
            k: 0,
            ..KnnParams::default()
        }
        .fit(&[1], Ratings::Holdings, 4),
        Err(NeighboursError::InvalidParam { name: "k", .. })
    ));
}
