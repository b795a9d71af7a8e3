//! The catalogue of the eight use cases: which files each needs and may use, and which this
//! build can run. The page's start screen and profile view, the facade and `vitrine profile` all
//! list use cases from here, so they agree; a use case is "ready" only where it can run.

use serde::Serialize;
use tabular::KnownFile;

use crate::contract::{Download, Mode, Runner};
use crate::params::ParamDoc;

/// One use case.
#[derive(Clone, Copy)]
pub struct UseCaseInfo {
    /// `"1.1"` … `"4.2"`, as DESIGN.md numbers them.
    pub id: &'static str,
    /// Its name: the facade's key and the command line's subcommand (`forecast`).
    pub name: &'static str,
    /// Files it cannot run without.
    pub required: &'static [KnownFile],
    /// Files that add to it when loaded.
    pub optional: &'static [KnownFile],
    /// Files it reads into a compact form ([`crate::compact`]) rather than as a table, so
    /// that it runs on a file too large to hold as one: the page reads them before a run.
    pub compact: &'static [KnownFile],
    /// How to run it; `None` for a use case this build does not run yet.
    pub runner: Option<Runner>,
}

impl UseCaseInfo {
    /// Whether this build runs it.
    pub fn runnable(&self) -> bool {
        self.runner.is_some()
    }
}

/// Every use case, in id order.
pub static CATALOGUE: [UseCaseInfo; 8] = {
    use KnownFile::*;
    [
        UseCaseInfo {
            id: "1.1",
            name: "forecast",
            required: &[RossmannTrain],
            optional: &[RossmannStore, RossmannTest],
            compact: &[],
            runner: Some(Runner::of::<crate::forecast::SalesForecast>()),
        },
        UseCaseInfo {
            id: "1.2",
            name: "cluster",
            required: &[RossmannTrain],
            optional: &[RossmannStore],
            compact: &[],
            runner: Some(Runner::of::<crate::clusters::Clustering>()),
        },
        UseCaseInfo {
            id: "2.1",
            name: "impute",
            required: &[BoschNumeric],
            optional: &[],
            compact: &[],
            runner: Some(Runner::of::<crate::impute::MultipleImputation>()),
        },
        UseCaseInfo {
            id: "2.2",
            name: "stream",
            required: &[BoschNumeric],
            optional: &[BoschDate],
            compact: &[],
            runner: Some(Runner::streamed::<crate::stream::ConformityStream>()),
        },
        UseCaseInfo {
            id: "3.1",
            name: "propensity",
            required: &[SantanderTrain],
            optional: &[],
            compact: &[SantanderTrain],
            runner: Some(Runner::pooled::<crate::propensity::PropensityForests>()),
        },
        UseCaseInfo {
            id: "3.2",
            name: "recommend",
            required: &[SantanderTrain],
            optional: &[],
            compact: &[SantanderTrain],
            runner: Some(Runner::pooled::<crate::recommend::ProductRecommendations>()),
        },
        UseCaseInfo {
            id: "4.1",
            name: "next-order",
            required: &[InstacartOrders, InstacartOrderProductsPrior],
            optional: &[InstacartOrderProductsTrain, InstacartProducts],
            compact: &[],
            runner: Some(Runner::of::<crate::orders::NextOrderUseCase>()),
        },
        UseCaseInfo {
            id: "4.2",
            name: "reorder",
            required: &[
                InstacartOrders,
                InstacartOrderProductsPrior,
                InstacartOrderProductsTrain,
            ],
            optional: &[InstacartProducts],
            compact: &[],
            runner: Some(Runner::of::<crate::orders::ReorderUseCase>()),
        },
    ]
};

/// The use case with this id (`1.1`) or name (`forecast`).
pub fn find(key: &str) -> Option<&'static UseCaseInfo> {
    CATALOGUE.iter().find(|u| u.id == key || u.name == key)
}

/// Whether a use case can run with the files loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UseCaseStatus {
    /// `"1.1"` … `"4.2"`.
    pub id: String,
    /// Its name (`forecast`).
    pub name: String,
    /// This build runs it (a planned use case is listed as coming).
    pub runnable: bool,
    /// It runs and every required file is loaded.
    pub ready: bool,
    /// Required files not loaded yet.
    pub missing: Vec<KnownFile>,
    /// Optional files (they add to it) not loaded.
    pub optional_missing: Vec<KnownFile>,
}

/// The status of the eight use cases given the files loaded so far, in id order.
pub fn statuses(loaded: &[KnownFile]) -> Vec<UseCaseStatus> {
    let absent = |files: &[KnownFile]| -> Vec<KnownFile> {
        files
            .iter()
            .copied()
            .filter(|f| !loaded.contains(f))
            .collect()
    };
    CATALOGUE
        .iter()
        .map(|u| {
            let missing = absent(u.required);
            UseCaseStatus {
                id: u.id.to_string(),
                name: u.name.to_string(),
                runnable: u.runnable(),
                ready: u.runnable() && missing.is_empty(),
                missing,
                optional_missing: absent(u.optional),
            }
        })
        .collect()
}

/// A use case as the page's start screen and forms need it: its files, whether it runs, and its
/// parameters with their defaults (the page asks for them instead of repeating them).
#[derive(Debug, Clone, Serialize)]
pub struct UseCaseEntry {
    /// `"1.1"` … `"4.2"`.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Files it needs.
    pub required: &'static [KnownFile],
    /// Files it may use.
    pub optional: &'static [KnownFile],
    /// Files it reads into a compact form before a run ([`UseCaseInfo::compact`]).
    pub compact: &'static [KnownFile],
    /// This build runs it.
    pub runnable: bool,
    /// Its run's independent fits may go to a pool of workers (`usecase_plan`).
    pub pooled: bool,
    /// It reads its files as a stream (a session fed chunks) rather than from loaded tables.
    pub streamed: bool,
    /// The downloads a streamed use case writes out as it runs (the caller keeps them).
    pub streamed_outputs: Vec<Download>,
    /// Its parameters (empty when it does not run).
    pub params: Vec<ParamDoc>,
}

/// The whole catalogue with each runnable use case's parameters.
pub fn entries() -> Vec<UseCaseEntry> {
    CATALOGUE
        .iter()
        .map(|u| UseCaseEntry {
            id: u.id,
            name: u.name,
            required: u.required,
            optional: u.optional,
            compact: u.compact,
            runnable: u.runnable(),
            pooled: u.runner.is_some_and(|r| r.plan.is_some()),
            streamed: u.runner.is_some_and(|r| r.is_streamed()),
            streamed_outputs: match u.runner.map(|r| r.mode) {
                Some(Mode::Stream { outputs, .. }) => outputs(),
                _ => Vec::new(),
            },
            params: u.runner.map_or_else(Vec::new, |r| (r.params)()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_runnable_use_cases_are_ready() {
        use KnownFile::*;
        let every_file = [
            RossmannTrain,
            RossmannStore,
            RossmannTest,
            BoschNumeric,
            BoschDate,
            SantanderTrain,
            InstacartOrders,
            InstacartOrderProductsPrior,
            InstacartOrderProductsTrain,
            InstacartProducts,
        ];
        for status in statuses(&every_file) {
            assert_eq!(status.ready, status.runnable, "{}", status.id);
            assert!(status.missing.is_empty());
        }
        let none = statuses(&[]);
        assert!(none.iter().all(|s| !s.ready && !s.missing.is_empty()));
        assert_eq!(
            statuses(&[RossmannTrain])[0].optional_missing,
            [RossmannStore, RossmannTest]
        );
    }

    /// The page reads a compact form before a pooled run's plan (web/pool.js): a use case that
    /// reads a file compactly is pooled, and needs that file.
    #[test]
    fn compact_files_are_read_by_pooled_use_cases_that_need_them() {
        for u in CATALOGUE.iter().filter(|u| !u.compact.is_empty()) {
            assert!(u.runner.is_some_and(|r| r.plan.is_some()), "{}", u.name);
            assert!(
                u.compact.iter().all(|f| u.required.contains(f)),
                "{}",
                u.name
            );
            assert!(u
                .compact
                .iter()
                .all(|&f| crate::compact::reader(f, "f").is_some()));
        }
    }

    #[test]
    fn use_cases_need_their_files() {
        use KnownFile::*;
        let none = statuses(&[]);
        assert_eq!(
            none.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]
        );
        assert!(none.iter().all(|u| !u.ready));
        let r = statuses(&[RossmannTrain, RossmannStore]);
        assert!(r[0].ready && r[1].ready && !r[2].ready);
        assert_eq!(r[0].optional_missing, [RossmannTest]);
        assert!(r[1].optional_missing.is_empty());
        let b = statuses(&[BoschNumeric]);
        assert!(b[2].ready && b[3].missing.is_empty());
        assert_eq!(b[3].optional_missing, [BoschDate]);
        let i = statuses(&[InstacartOrders]);
        assert_eq!(i[6].missing, [InstacartOrderProductsPrior]);
        assert_eq!(
            i[7].missing,
            [InstacartOrderProductsPrior, InstacartOrderProductsTrain]
        );
        let i = statuses(&[InstacartOrders, InstacartOrderProductsPrior]);
        assert!(i[6].ready && !i[7].ready);
        assert_eq!(
            i[6].optional_missing,
            [InstacartOrderProductsTrain, InstacartProducts]
        );
        assert_eq!(i[7].missing, [InstacartOrderProductsTrain]);
        let i = statuses(&[
            InstacartOrders,
            InstacartOrderProductsPrior,
            InstacartOrderProductsTrain,
        ]);
        assert!(i[6].ready && i[7].ready);
        assert_eq!(i[7].optional_missing, [InstacartProducts]);
        let s = statuses(&[SantanderTrain]);
        assert!(s[4].missing.is_empty() && s[5].missing.is_empty());
    }

    #[test]
    fn names_and_ids_are_unique_and_found() {
        for u in &CATALOGUE {
            assert_eq!(find(u.id).unwrap().name, u.name);
            assert_eq!(find(u.name).unwrap().id, u.id);
        }
        assert!(find("9.9").is_none());
    }

    #[test]
    fn runnable_use_cases_document_every_parameter() {
        for entry in entries().iter().filter(|e| e.runnable) {
            assert!(!entry.params.is_empty(), "{}", entry.id);
            for p in &entry.params {
                assert!(!p.help.is_empty(), "{} {}", entry.id, p.name);
            }
        }
    }
}
