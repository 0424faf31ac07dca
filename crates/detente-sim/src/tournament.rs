//! Tournaments: every strategy against every other, on every scenario, in
//! every role, repeated; with per-negotiation records and a leaderboard.
//!
//! # The enumeration
//!
//! A tournament's negotiations are numbered `0..len()` in a fixed order:
//! scenarios in the order given; within a scenario, its role assignments
//! ([`Roles`]) in lexicographic order of the entrants' indices; within an
//! assignment, its repetitions. Negotiation `index` draws from the seed
//! [`negotiation_seed`]`(seed, index)`, so its result depends on the
//! tournament and the index only: not on the number of threads, nor on the
//! shard that runs it.
//!
//! A role assignment gives each negotiating party of a scenario one entrant.
//! [`Roles::AllOrders`] takes every ordered selection of distinct entrants
//! (for two parties, every pair in both orders: the ANAC role swap);
//! [`Roles::Rotations`] takes every set of distinct entrants in its cyclic
//! rotations only, so that each entrant still plays each role once per set,
//! with `(p − 1)!` times fewer negotiations for `p` parties. With
//! `self_play`, an entrant may also meet itself (selections with
//! repetition).
//!
//! # Shards
//!
//! Shard `K/N` (`K` from 0 to `N − 1`) runs exactly the negotiations with
//! `index % N == K`: interleaved, so every shard gets a fair part of every
//! scenario. [`merge`] joins the results of all `N` shards into the result
//! of the whole tournament, identical to an unsharded run: records are
//! ordered by index, and the leaderboard is always folded in index order.
//!
//! # Memory
//!
//! [`Tournament::run`] streams records to a sink in index order, a chunk of
//! [`CHUNK`] negotiations at a time; traces are recorded only when the
//! configuration asks for them.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use detente_core::space::issue_value;
use detente_core::{AnalysisError, Issue, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::arena::{Arena, ArenaError, OutcomeId};
use crate::metrics::{EndingKind, Reference, measure};
use crate::negotiator::Negotiator;
use crate::protocol::{Deadline, Protocol, ProtocolError, negotiate};
use crate::strategies::{self, StrategyError};
use crate::trace::Trace;

/// Negotiations run in parallel at a time, then handed to the sink in order.
pub const CHUNK: u64 = 1024;

/// The most role assignments one scenario may have: beyond it, use
/// [`Roles::Rotations`] or fewer entrants.
pub const MAX_ASSIGNMENTS: u128 = 1_000_000;

/// Builds a fresh negotiator for each negotiation.
pub type Factory = Arc<dyn Fn() -> Box<dyn Negotiator> + Send + Sync>;

/// A strategy taking part in a tournament: a unique name and a way to build
/// its negotiator.
#[derive(Clone)]
pub struct Entrant {
    name: String,
    factory: Factory,
}

impl fmt::Debug for Entrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entrant").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Entrant {
    /// Any negotiator, including one written outside this crate.
    pub fn new(name: impl Into<String>, factory: impl Fn() -> Box<dyn Negotiator> + Send + Sync + 'static) -> Entrant {
        Entrant { name: name.into(), factory: Arc::new(factory) }
    }

    /// A shipped strategy, by its spec ([`strategies::build`]); the spec,
    /// as written, is its name.
    pub fn from_spec(spec: &str) -> Result<Entrant, StrategyError> {
        strategies::build(spec)?;
        let owned = spec.to_owned();
        Ok(Entrant {
            name: spec.trim().to_owned(),
            factory: Arc::new(move || {
                strategies::build(&owned).expect("the spec was checked when the entrant was made")
            }),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A fresh negotiator.
    pub fn build(&self) -> Box<dyn Negotiator> {
        (self.factory)()
    }
}

/// A scenario prepared for a tournament: its arena and reference points,
/// built once and shared by every negotiation on it.
#[derive(Debug, Clone)]
pub struct TournamentScenario {
    pub name: String,
    pub arena: Arc<Arena>,
    pub reference: Arc<Reference>,
    issues: Arc<Vec<Issue>>,
}

impl TournamentScenario {
    /// Prepares `scenario` for negotiations between `actors` (scenario
    /// indices, in party order; the first proposes first), or between
    /// [`default_parties`] for `None`.
    pub fn new(
        name: impl Into<String>,
        scenario: &Scenario,
        actors: Option<&[usize]>,
    ) -> Result<TournamentScenario, TournamentError> {
        let name = name.into();
        let actors = actors.map_or_else(|| default_parties(scenario), <[usize]>::to_vec);
        let arena = Arena::new(scenario, &actors)
            .map_err(|source| TournamentError::Arena { scenario: name.clone(), source })?;
        let reference = Reference::new(scenario, &actors)
            .map_err(|source| TournamentError::Analysis { scenario: name.clone(), source })?;
        Ok(TournamentScenario {
            name,
            arena: Arc::new(arena),
            reference: Arc::new(reference),
            issues: Arc::new(scenario.issues.clone()),
        })
    }

    pub fn n_parties(&self) -> usize {
        self.arena.parties.len()
    }

    /// The outcome's value on each issue, as text, in issue order.
    pub fn values(&self, outcome: OutcomeId) -> Vec<String> {
        self.issues
            .iter()
            .zip(self.arena.outcome(outcome))
            .map(|(issue, l)| issue_value(issue, l).to_string())
            .collect()
    }

    /// The issues' ids, in issue order.
    pub fn issue_ids(&self) -> Vec<&str> {
        self.issues.iter().map(|i| i.id.as_str()).collect()
    }
}

/// The actors who negotiate when none are named: those whose consent an
/// agreement needs (at the table or with a veto), or every actor if no one
/// is either; the choice of [`detente_core::analyze`].
pub fn default_parties(scenario: &Scenario) -> Vec<usize> {
    let needed: Vec<usize> =
        (0..scenario.n_actors()).filter(|&a| scenario.actors[a].at_table || scenario.actors[a].veto).collect();
    if needed.is_empty() { (0..scenario.n_actors()).collect() } else { needed }
}

/// Which assignments of entrants to a scenario's parties are played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Roles {
    /// Every ordered selection: each entrant meets each group of others in
    /// every role.
    #[default]
    AllOrders,
    /// Every set of entrants in its cyclic rotations only: each entrant plays
    /// each role once per set. The same as `AllOrders` for two parties.
    Rotations,
}

/// How a tournament runs, apart from who and where.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TournamentConfig {
    pub protocol: Protocol,
    pub deadline: Deadline,
    /// Negotiations per scenario and role assignment, each with its own seed.
    pub repetitions: u32,
    pub seed: u64,
    pub roles: Roles,
    /// Whether an entrant may meet itself.
    pub self_play: bool,
    /// Keep each negotiation's trace in its record (memory!).
    pub record_traces: bool,
}

impl Default for TournamentConfig {
    fn default() -> Self {
        TournamentConfig {
            protocol: Protocol::Sao,
            deadline: Deadline::Rounds(100),
            repetitions: 1,
            seed: 0,
            roles: Roles::AllOrders,
            self_play: false,
            record_traces: false,
        }
    }
}

/// Why a tournament cannot be set up or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum TournamentError {
    #[error("a tournament needs at least one entrant")]
    NoEntrants,
    #[error("a tournament needs at least one scenario")]
    NoScenarios,
    #[error("entrant `{0}` is named twice; entrants' names must differ")]
    DuplicateEntrant(String),
    #[error("a tournament needs at least one repetition")]
    NoRepetitions,
    #[error(
        "scenario `{scenario}` has {parties} negotiating parties but the tournament has only {entrants} \
         entrants; add entrants or allow self-play"
    )]
    NotEnoughEntrants { scenario: String, parties: usize, entrants: usize },
    #[error(
        "scenario `{scenario}` would take {count} role assignments, more than the {limit} allowed; \
         use rotations or fewer entrants"
    )]
    TooManyAssignments { scenario: String, count: u128, limit: u128 },
    #[error(
        "scenario `{scenario}` has {parties} negotiating parties, but bilateral alternating offers ({protocol:?}) \
         take exactly two; use the multilateral or the mediated protocol"
    )]
    NotBilateral { scenario: String, protocol: Protocol, parties: usize },
    #[error("cannot prepare scenario `{scenario}` for negotiation")]
    Arena {
        scenario: String,
        #[source]
        source: ArenaError,
    },
    #[error("cannot analyse scenario `{scenario}` for the tournament's measures")]
    Analysis {
        scenario: String,
        #[source]
        source: AnalysisError,
    },
    #[error("shard {shard} is not of the form K/N with 0 ≤ K < N")]
    BadShard { shard: String },
    #[error("negotiation {index} ({strategies} on `{scenario}`) failed")]
    Negotiation {
        index: u64,
        scenario: String,
        strategies: String,
        #[source]
        source: ProtocolError,
    },
    #[error("cancelled after {completed} of {total} negotiations")]
    Cancelled { completed: u64, total: u64 },
    #[error("cannot store a negotiation's record")]
    Sink(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The part of a tournament one process runs: negotiations with
/// `index % count == index_of_shard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shard {
    /// `K`, from 0 to `count − 1`.
    pub index: u64,
    /// `N`.
    pub count: u64,
}

impl Shard {
    /// The whole tournament.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    pub fn new(index: u64, count: u64) -> Result<Shard, TournamentError> {
        if count == 0 || index >= count {
            return Err(TournamentError::BadShard { shard: format!("{index}/{count}") });
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, negotiation: u64) -> bool {
        negotiation % self.count == self.index
    }

    /// How many of `total` negotiations this shard runs.
    pub fn len(&self, total: u64) -> u64 {
        if total > self.index { (total - self.index).div_ceil(self.count) } else { 0 }
    }

    /// The `position`-th negotiation of this shard.
    pub fn negotiation(&self, position: u64) -> u64 {
        self.index + position * self.count
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = TournamentError;

    /// `K/N`.
    fn from_str(text: &str) -> Result<Shard, TournamentError> {
        let bad = || TournamentError::BadShard { shard: text.to_owned() };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).map_err(|_| bad())
    }
}

impl Serialize for Shard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Shard {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Shard, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The seed of negotiation `index` of a tournament seeded with `seed`
/// (SplitMix64 of the seed, mixed with the index and mixed again).
pub fn negotiation_seed(seed: u64, index: u64) -> u64 {
    mix(mix(seed) ^ index)
}

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One negotiation of the enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing<'a> {
    pub index: u64,
    pub scenario: usize,
    /// The role assignment's number within the scenario.
    pub assignment: u64,
    pub repetition: u32,
    pub seed: u64,
    /// The entrant (index) of each party.
    pub entrants: &'a [usize],
}

/// One party of a negotiation's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyRecord {
    /// The actor's id in the scenario.
    pub actor: String,
    /// The entrant's name.
    pub strategy: String,
    /// Discounted agreement utility, or the reservation value.
    pub utility: f64,
    pub reservation: f64,
    pub advantage: f64,
}

/// What a tournament keeps of one negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NegotiationRecord {
    pub index: u64,
    pub scenario: String,
    /// The scenario's place in the tournament.
    pub scenario_index: usize,
    pub repetition: u32,
    pub seed: u64,
    pub ending: EndingKind,
    /// The party that walked away.
    pub walked_away_by: Option<usize>,
    /// The agreement's value on each issue, in issue order.
    pub agreement: Option<Vec<String>>,
    pub steps: u32,
    pub rounds: u32,
    pub time: f64,
    pub welfare: f64,
    pub nash_distance: Option<f64>,
    pub pareto_distance: f64,
    /// In party order.
    pub parties: Vec<PartyRecord>,
    /// Only when the configuration records traces; never read back.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub trace: Option<Trace>,
}

/// A tournament set up and ready to run.
#[derive(Debug)]
pub struct Tournament {
    entrants: Vec<Entrant>,
    scenarios: Vec<TournamentScenario>,
    config: TournamentConfig,
    /// Per scenario: the role assignments, and the index of its first
    /// negotiation.
    assignments: Vec<Vec<Vec<usize>>>,
    offsets: Vec<u64>,
    total: u64,
    fingerprint: String,
}

impl Tournament {
    pub fn new(
        entrants: Vec<Entrant>,
        scenarios: Vec<TournamentScenario>,
        config: TournamentConfig,
    ) -> Result<Tournament, TournamentError> {
        if entrants.is_empty() {
            return Err(TournamentError::NoEntrants);
        }
        if scenarios.is_empty() {
            return Err(TournamentError::NoScenarios);
        }
        if config.repetitions == 0 {
            return Err(TournamentError::NoRepetitions);
        }
        let mut names = HashSet::new();
        for e in &entrants {
            if !names.insert(e.name()) {
                return Err(TournamentError::DuplicateEntrant(e.name().to_owned()));
            }
        }
        let mut assignments = Vec::with_capacity(scenarios.len());
        let mut offsets = Vec::with_capacity(scenarios.len());
        let mut total: u64 = 0;
        for s in &scenarios {
            let parties = s.n_parties();
            if config.protocol == Protocol::Sao && parties != 2 {
                return Err(TournamentError::NotBilateral {
                    scenario: s.name.clone(),
                    protocol: config.protocol,
                    parties,
                });
            }
            let count = assignment_count(entrants.len(), parties, config.roles, config.self_play);
            if count == 0 {
                return Err(TournamentError::NotEnoughEntrants {
                    scenario: s.name.clone(),
                    parties,
                    entrants: entrants.len(),
                });
            }
            if count > MAX_ASSIGNMENTS {
                return Err(TournamentError::TooManyAssignments {
                    scenario: s.name.clone(),
                    count,
                    limit: MAX_ASSIGNMENTS,
                });
            }
            let list = role_assignments(entrants.len(), parties, config.roles, config.self_play);
            offsets.push(total);
            total += list.len() as u64 * u64::from(config.repetitions);
            assignments.push(list);
        }
        let fingerprint = fingerprint(&entrants, &scenarios, &config, total);
        Ok(Tournament { entrants, scenarios, config, assignments, offsets, total, fingerprint })
    }

    /// Negotiations in the whole tournament.
    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn entrants(&self) -> &[Entrant] {
        &self.entrants
    }

    pub fn scenarios(&self) -> &[TournamentScenario] {
        &self.scenarios
    }

    pub fn config(&self) -> &TournamentConfig {
        &self.config
    }

    /// The role assignments of scenario `s`, in enumeration order.
    pub fn assignments(&self, s: usize) -> &[Vec<usize>] {
        &self.assignments[s]
    }

    /// A hash (16 hex digits) of everything that decides the results: the
    /// entrants' names, the scenarios' parties and utilities, the
    /// configuration (traces aside) and this crate's version. Shards merge
    /// only when their fingerprints agree.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Negotiation `index` (`< len()`).
    pub fn pairing(&self, index: u64) -> Pairing<'_> {
        assert!(index < self.total, "negotiation {index} is out of range (the tournament has {})", self.total);
        let scenario = self.offsets.partition_point(|&o| o <= index) - 1;
        let local = index - self.offsets[scenario];
        let reps = u64::from(self.config.repetitions);
        let assignment = local / reps;
        Pairing {
            index,
            scenario,
            assignment,
            repetition: (local % reps) as u32,
            seed: negotiation_seed(self.config.seed, index),
            entrants: &self.assignments[scenario][assignment as usize],
        }
    }

    /// Runs negotiation `index` alone.
    pub fn play(&self, index: u64) -> Result<NegotiationRecord, TournamentError> {
        let p = self.pairing(index);
        let s = &self.scenarios[p.scenario];
        let mut negotiators: Vec<Box<dyn Negotiator>> = p.entrants.iter().map(|&e| self.entrants[e].build()).collect();
        let result = negotiate(
            &s.arena,
            self.config.protocol,
            self.config.deadline,
            &mut negotiators,
            p.seed,
            self.config.record_traces,
        )
        .map_err(|source| TournamentError::Negotiation {
            index,
            scenario: s.name.clone(),
            strategies: p.entrants.iter().map(|&e| self.entrants[e].name()).collect::<Vec<_>>().join(" vs "),
            source,
        })?;
        let m = measure(&s.reference, &s.arena, &result);
        let parties = m
            .parties
            .iter()
            .zip(&s.arena.parties)
            .zip(p.entrants)
            .map(|((pm, view), &e)| PartyRecord {
                actor: view.id.clone(),
                strategy: self.entrants[e].name().to_owned(),
                utility: pm.utility,
                reservation: pm.reservation,
                advantage: pm.advantage,
            })
            .collect();
        Ok(NegotiationRecord {
            index,
            scenario: s.name.clone(),
            scenario_index: p.scenario,
            repetition: p.repetition,
            seed: p.seed,
            ending: m.ending,
            walked_away_by: m.walked_away_by,
            agreement: result.agreement.map(|o| s.values(o)),
            steps: m.steps,
            rounds: m.rounds,
            time: m.time,
            welfare: m.welfare,
            nash_distance: m.nash_distance,
            pareto_distance: m.pareto_distance,
            parties,
            trace: result.trace,
        })
    }

    /// Runs the shard's negotiations in parallel (rayon's current pool) and
    /// hands their records to `sink` in index order. `progress` is called
    /// with the number of negotiations done so far (from any thread);
    /// setting `cancel` stops the run within a chunk, with
    /// [`TournamentError::Cancelled`] counting the records handed over. The
    /// first failed negotiation (in index order) or sink error stops it too.
    pub fn run<F>(
        &self,
        shard: Shard,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
        mut sink: F,
    ) -> Result<u64, TournamentError>
    where
        F: FnMut(NegotiationRecord) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
    {
        let n = shard.len(self.total);
        let done = AtomicU64::new(0);
        let mut delivered = 0;
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK).min(n);
            let records: Vec<Option<Result<NegotiationRecord, TournamentError>>> = (start..end)
                .into_par_iter()
                .map(|position| {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    let record = self.play(shard.negotiation(position));
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    Some(record)
                })
                .collect();
            if cancel.load(Ordering::Relaxed) {
                return Err(TournamentError::Cancelled { completed: delivered, total: n });
            }
            for record in records {
                let record = record.expect("no negotiation is skipped unless the run is cancelled")?;
                sink(record).map_err(TournamentError::Sink)?;
                delivered += 1;
            }
            start = end;
        }
        Ok(delivered)
    }

    /// Runs the shard and keeps every record.
    pub fn run_collect(
        &self,
        shard: Shard,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<TournamentResult, TournamentError> {
        let mut records = Vec::with_capacity(shard.len(self.total) as usize);
        let mut board = Leaderboard::default();
        self.run(shard, progress, cancel, |r| {
            board.add(&r);
            records.push(r);
            Ok(())
        })?;
        Ok(TournamentResult {
            fingerprint: self.fingerprint.clone(),
            total: self.total,
            shard,
            records,
            leaderboard: board.rows(),
        })
    }

    /// The whole tournament, without progress or cancellation.
    pub fn run_all(&self) -> Result<TournamentResult, TournamentError> {
        self.run_collect(Shard::ALL, &|_| {}, &AtomicBool::new(false))
    }
}

/// How many role assignments `entrants` entrants have on `parties` parties.
pub fn assignment_count(entrants: usize, parties: usize, roles: Roles, self_play: bool) -> u128 {
    let (s, p) = (entrants as u128, parties as u128);
    let saturating_product = |range: std::ops::Range<u128>| range.fold(1u128, |acc, k| acc.saturating_mul(k));
    match (roles, self_play) {
        (Roles::AllOrders, true) => (0..p).fold(1u128, |acc, _| acc.saturating_mul(s)),
        (Roles::AllOrders, false) => {
            if p > s {
                0
            } else {
                saturating_product(s - p + 1..s + 1)
            }
        }
        (Roles::Rotations, _) => {
            // C(s, p) sets (multisets with self-play), each in its distinct
            // rotations: counted by enumeration when small.
            let sets = if self_play { binomial(s + p - 1, p) } else { binomial(s, p) };
            if sets.saturating_mul(p) > MAX_ASSIGNMENTS {
                return sets.saturating_mul(p);
            }
            role_assignments(entrants, parties, roles, self_play).len() as u128
        }
    }
}

fn binomial(n: u128, k: u128) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut result: u128 = 1;
    for i in 0..k {
        result = result.saturating_mul(n - i) / (i + 1);
    }
    result
}

/// Every role assignment, in enumeration order: for each, the entrant of
/// each party.
pub fn role_assignments(entrants: usize, parties: usize, roles: Roles, self_play: bool) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut prefix = Vec::with_capacity(parties);
    match roles {
        Roles::AllOrders => selections(&mut prefix, parties, entrants, !self_play, false, &mut out),
        Roles::Rotations => {
            let mut sets = Vec::new();
            selections(&mut prefix, parties, entrants, !self_play, true, &mut sets);
            for set in sets {
                let mut seen: Vec<Vec<usize>> = Vec::with_capacity(parties);
                for r in 0..parties {
                    let rotated: Vec<usize> = (0..parties).map(|i| set[(i + r) % parties]).collect();
                    if !seen.contains(&rotated) {
                        seen.push(rotated);
                    }
                }
                out.extend(seen);
            }
        }
    }
    out
}

/// Tuples of `length` entrants below `n`, lexicographically: distinct or
/// not, in any order or non-decreasing (sets).
fn selections(
    prefix: &mut Vec<usize>,
    length: usize,
    n: usize,
    distinct: bool,
    sorted: bool,
    out: &mut Vec<Vec<usize>>,
) {
    if prefix.len() == length {
        out.push(prefix.clone());
        return;
    }
    let first = match prefix.last() {
        Some(&last) if sorted => last + usize::from(distinct),
        _ => 0,
    };
    for e in first..n {
        if distinct && prefix.contains(&e) {
            continue;
        }
        prefix.push(e);
        selections(prefix, length, n, distinct, sorted, out);
        prefix.pop();
    }
}

/// A 64-bit hash, stable across platforms and releases of Rust (unlike
/// `std`'s hasher).
struct Hasher(u64);

impl Hasher {
    fn word(&mut self, x: u64) {
        self.0 = mix(self.0 ^ x);
    }

    fn text(&mut self, s: &str) {
        self.word(s.len() as u64);
        for chunk in s.as_bytes().chunks(8) {
            let mut bytes = [0u8; 8];
            bytes[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(bytes));
        }
    }

    fn float(&mut self, x: f64) {
        self.word(x.to_bits());
    }
}

fn fingerprint(
    entrants: &[Entrant],
    scenarios: &[TournamentScenario],
    config: &TournamentConfig,
    total: u64,
) -> String {
    let mut h = Hasher(0);
    h.text(env!("CARGO_PKG_VERSION"));
    h.word(entrants.len() as u64);
    for e in entrants {
        h.text(e.name());
    }
    h.word(scenarios.len() as u64);
    for s in scenarios {
        h.text(&s.name);
        h.word(s.arena.space.levels.len() as u64);
        for &l in &s.arena.space.levels {
            h.word(l);
        }
        for issue in s.issues.iter() {
            h.text(&issue.id);
        }
        h.word(s.arena.parties.len() as u64);
        for p in &s.arena.parties {
            h.text(&p.id);
            h.float(p.reservation);
            h.float(p.discount.unwrap_or(-1.0));
            for &u in &p.utilities {
                h.float(u);
            }
        }
    }
    h.text(&format!("{:?} {:?} {:?}", config.protocol, config.deadline, config.roles));
    h.word(u64::from(config.repetitions));
    h.word(config.seed);
    h.word(u64::from(config.self_play));
    h.word(total);
    format!("{:016x}", h.0)
}

/// One strategy's line of the leaderboard. Per-negotiation measures
/// (agreement, welfare, distances, rounds) count once per party the
/// strategy played.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub strategy: String,
    /// Parties played.
    pub negotiations: u64,
    pub mean_utility: f64,
    pub mean_advantage: f64,
    pub agreement_rate: f64,
    pub mean_welfare: f64,
    /// Over the negotiations on scenarios with a Nash point; `None` if none.
    pub mean_nash_distance: Option<f64>,
    pub mean_pareto_distance: f64,
    pub mean_rounds: f64,
}

#[derive(Debug, Clone, Default)]
struct Sums {
    count: u64,
    utility: f64,
    advantage: f64,
    agreements: u64,
    welfare: f64,
    nash: f64,
    nash_count: u64,
    pareto: f64,
    rounds: f64,
}

/// The leaderboard, folded one record at a time. Feed it records in index
/// order for results that do not depend on how the tournament was run.
#[derive(Debug, Clone, Default)]
pub struct Leaderboard {
    sums: BTreeMap<String, Sums>,
}

impl Leaderboard {
    pub fn add(&mut self, record: &NegotiationRecord) {
        for party in &record.parties {
            let s = self.sums.entry(party.strategy.clone()).or_default();
            s.count += 1;
            s.utility += party.utility;
            s.advantage += party.advantage;
            s.agreements += u64::from(record.agreement.is_some());
            s.welfare += record.welfare;
            if let Some(d) = record.nash_distance {
                s.nash += d;
                s.nash_count += 1;
            }
            s.pareto += record.pareto_distance;
            s.rounds += f64::from(record.rounds);
        }
    }

    /// The rows by decreasing mean utility (ties by name).
    pub fn rows(&self) -> Vec<LeaderboardRow> {
        let mut rows: Vec<LeaderboardRow> = self
            .sums
            .iter()
            .map(|(name, s)| {
                let n = s.count as f64;
                LeaderboardRow {
                    strategy: name.clone(),
                    negotiations: s.count,
                    mean_utility: s.utility / n,
                    mean_advantage: s.advantage / n,
                    agreement_rate: s.agreements as f64 / n,
                    mean_welfare: s.welfare / n,
                    mean_nash_distance: (s.nash_count > 0).then(|| s.nash / s.nash_count as f64),
                    mean_pareto_distance: s.pareto / n,
                    mean_rounds: s.rounds / n,
                }
            })
            .collect();
        rows.sort_by(|a, b| b.mean_utility.total_cmp(&a.mean_utility).then_with(|| a.strategy.cmp(&b.strategy)));
        rows
    }
}

/// The leaderboard of `records`, taken in the order given.
pub fn leaderboard<'a>(records: impl IntoIterator<Item = &'a NegotiationRecord>) -> Vec<LeaderboardRow> {
    let mut board = Leaderboard::default();
    for r in records {
        board.add(r);
    }
    board.rows()
}

/// The records of one shard (or of the whole tournament), with its
/// leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TournamentResult {
    pub fingerprint: String,
    /// Negotiations in the whole tournament.
    pub total: u64,
    pub shard: Shard,
    /// By index.
    pub records: Vec<NegotiationRecord>,
    pub leaderboard: Vec<LeaderboardRow>,
}

/// Why shard results cannot be merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("part {part} is of another tournament (fingerprint {found}, not {expected})")]
    DifferentTournament { part: usize, expected: String, found: String },
    #[error("part {part} is shard {shard}, of a split into {found} shards, not {expected}")]
    DifferentSplit { part: usize, shard: Shard, expected: u64, found: u64 },
    #[error("shard {shard} is given twice (parts {first} and {second})")]
    Overlap { shard: Shard, first: usize, second: usize },
    #[error("shards {} of {count} are missing", list(.missing))]
    Missing { missing: Vec<u64>, count: u64 },
    #[error("part {part} (shard {shard}) holds {found} records, not the shard's {expected}")]
    Incomplete { part: usize, shard: Shard, found: usize, expected: u64 },
    #[error("part {part} (shard {shard}) holds negotiation {index}, which is not one of the shard's")]
    Foreign { part: usize, shard: Shard, index: u64 },
}

fn list(xs: &[u64]) -> String {
    xs.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// Joins the results of every shard of one tournament into the result of
/// the whole, exactly as an unsharded run gives it.
pub fn merge(parts: Vec<TournamentResult>) -> Result<TournamentResult, MergeError> {
    let first = parts.first().ok_or(MergeError::Empty)?;
    let (fingerprint, total, count) = (first.fingerprint.clone(), first.total, first.shard.count);
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, part) in parts.iter().enumerate() {
        if part.fingerprint != fingerprint || part.total != total {
            return Err(MergeError::DifferentTournament {
                part: i,
                expected: fingerprint,
                found: part.fingerprint.clone(),
            });
        }
        if part.shard.count != count {
            return Err(MergeError::DifferentSplit {
                part: i,
                shard: part.shard,
                expected: count,
                found: part.shard.count,
            });
        }
        if let Some(&earlier) = seen.get(&part.shard.index) {
            return Err(MergeError::Overlap { shard: part.shard, first: earlier, second: i });
        }
        seen.insert(part.shard.index, i);
        let expected = part.shard.len(total);
        if part.records.len() as u64 != expected {
            return Err(MergeError::Incomplete { part: i, shard: part.shard, found: part.records.len(), expected });
        }
        if let Some(r) = part.records.iter().find(|r| !part.shard.contains(r.index) || r.index >= total) {
            return Err(MergeError::Foreign { part: i, shard: part.shard, index: r.index });
        }
    }
    let missing: Vec<u64> = (0..count).filter(|k| !seen.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { missing, count });
    }
    let mut records: Vec<NegotiationRecord> = parts.into_iter().flat_map(|p| p.records).collect();
    records.sort_by_key(|r| r.index);
    if let Some(w) = records.windows(2).find(|w| w[0].index == w[1].index) {
        // Two records of one negotiation within a shard: the count check
        // above then misses another one.
        let shard = Shard { index: w[0].index % count, count };
        return Err(MergeError::Overlap { shard, first: seen[&shard.index], second: seen[&shard.index] });
    }
    let leaderboard = leaderboard(&records);
    Ok(TournamentResult { fingerprint, total, shard: Shard::ALL, records, leaderboard })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parties_play_every_pair_in_both_orders() {
        let all = role_assignments(3, 2, Roles::AllOrders, false);
        assert_eq!(all, vec![vec![0, 1], vec![0, 2], vec![1, 0], vec![1, 2], vec![2, 0], vec![2, 1]]);
        assert_eq!(assignment_count(3, 2, Roles::AllOrders, false), 6);
        let rotations = role_assignments(3, 2, Roles::Rotations, false);
        assert_eq!(rotations, vec![vec![0, 1], vec![1, 0], vec![0, 2], vec![2, 0], vec![1, 2], vec![2, 1]]);
        let with_self = role_assignments(2, 2, Roles::AllOrders, true);
        assert_eq!(with_self, vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]);
        assert_eq!(
            role_assignments(2, 2, Roles::Rotations, true),
            vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]
        );
        assert!(role_assignments(1, 2, Roles::AllOrders, false).is_empty());
    }

    #[test]
    fn rotations_cut_the_orders_of_many_parties() {
        // 4 entrants, 3 parties: 24 ordered selections, 4 sets × 3 rotations.
        assert_eq!(assignment_count(4, 3, Roles::AllOrders, false), 24);
        assert_eq!(role_assignments(4, 3, Roles::AllOrders, false).len(), 24);
        let rotations = role_assignments(4, 3, Roles::Rotations, false);
        assert_eq!(rotations.len(), 12);
        assert_eq!(&rotations[..3], &[vec![0, 1, 2], vec![1, 2, 0], vec![2, 0, 1]]);
        assert_eq!(assignment_count(4, 3, Roles::Rotations, false), 12);
        // With self-play, (a, a, a) has one rotation and (a, a, b) three.
        assert_eq!(assignment_count(2, 3, Roles::Rotations, true), 1 + 3 + 3 + 1);
        assert_eq!(assignment_count(2, 3, Roles::AllOrders, true), 8);
        assert_eq!(assignment_count(30, 10, Roles::AllOrders, false), (21..=30).product::<u128>());
    }

    #[test]
    fn shards_split_the_indices() {
        let s: Shard = "1/3".parse().expect("a shard");
        assert_eq!(s, Shard { index: 1, count: 3 });
        assert_eq!(s.len(10), 3); // 1, 4, 7
        assert_eq!(Shard { index: 0, count: 3 }.len(10), 4);
        assert_eq!(Shard { index: 2, count: 3 }.len(2), 0);
        assert_eq!(s.negotiation(2), 7);
        assert!(s.contains(7) && !s.contains(8));
        assert_eq!(s.to_string(), "1/3");
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(Shard::ALL.len(10), 10);
    }

    #[test]
    fn seeds_differ_by_index_and_tournament() {
        assert_ne!(negotiation_seed(0, 0), negotiation_seed(0, 1));
        assert_ne!(negotiation_seed(0, 1), negotiation_seed(1, 0));
        assert_eq!(negotiation_seed(7, 3), negotiation_seed(7, 3));
    }
}
