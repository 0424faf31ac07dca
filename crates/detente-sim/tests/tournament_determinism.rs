//! Tournaments give the same records whatever the number of threads and
//! however they are sharded; merging shards checks that they belong
//! together.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use detente_sim::tournament::{
    Entrant, MergeError, Shard, Tournament, TournamentConfig, TournamentError, TournamentResult, TournamentScenario,
    leaderboard, merge, negotiation_seed,
};
use detente_sim::{Deadline, Negotiator, OutcomeId, Proposal, Response, Session, State};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use common::genius;

/// Offers random outcomes at least as good as a random threshold: the
/// results depend on every seed.
#[derive(Debug, Default)]
struct Gambler {
    threshold: f64,
}

impl Negotiator for Gambler {
    fn name(&self) -> &str {
        "gambler"
    }

    fn start(&mut self, session: &Session<'_>, rng: &mut ChaCha8Rng) {
        let me = session.me();
        self.threshold = rng.random_range(me.worst_utility()..=me.best_utility());
    }

    fn propose(&mut self, session: &Session<'_>, _state: &State, rng: &mut ChaCha8Rng) -> Proposal {
        let good = session.me().at_least(self.threshold);
        let pick = if good.is_empty() { session.me().by_utility[0] } else { good[rng.random_range(0..good.len())] };
        Proposal::Offer(pick)
    }

    fn respond(&mut self, session: &Session<'_>, state: &State, offer: OutcomeId, rng: &mut ChaCha8Rng) -> Response {
        let u = session.me().utility(offer);
        if u >= self.threshold * (1.0 - state.time) || rng.random_bool(0.01) {
            Response::Accept
        } else {
            Response::Reject
        }
    }
}

fn scenarios() -> Vec<TournamentScenario> {
    ["Laptop", "ItexvsCypress"]
        .iter()
        .map(|name| {
            let s = genius(name);
            TournamentScenario::new(*name, &s, None).expect("a tournament scenario")
        })
        .collect()
}

fn entrants() -> Vec<Entrant> {
    let mut entrants: Vec<Entrant> = ["boulware", "conceder", "linear+ac-next"]
        .iter()
        .map(|s| Entrant::from_spec(s).expect("a known spec"))
        .collect();
    entrants.push(Entrant::new("gambler", || Box::new(Gambler::default())));
    entrants
}

fn tournament(seed: u64) -> Tournament {
    let config =
        TournamentConfig { deadline: Deadline::Rounds(40), repetitions: 3, seed, ..TournamentConfig::default() };
    Tournament::new(entrants(), scenarios(), config).expect("a tournament")
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool").install(f)
}

fn run_shard(t: &Tournament, shard: Shard) -> TournamentResult {
    t.run_collect(shard, &|_| {}, &AtomicBool::new(false)).expect("a finished shard")
}

#[test]
fn the_enumeration_covers_every_role_and_repetition() {
    let t = tournament(7);
    // 4 entrants: 12 ordered pairs; 2 scenarios; 3 repetitions.
    assert_eq!(t.len(), 2 * 12 * 3);
    let result = t.run_all().expect("a finished tournament");
    assert_eq!(result.records.len(), 72);
    for (i, r) in result.records.iter().enumerate() {
        assert_eq!(r.index, i as u64);
        assert_eq!(r.seed, negotiation_seed(7, r.index));
        assert_eq!(r.scenario_index, i / 36);
        assert_eq!(r.repetition as usize, i % 3);
        assert_eq!(r.parties.len(), 2);
        assert_ne!(r.parties[0].strategy, r.parties[1].strategy);
        assert!(r.trace.is_none());
        let sum: f64 = r.parties.iter().map(|p| p.utility).sum();
        assert_eq!(r.welfare, sum);
    }
    // Every ordered pair plays 3 times on each scenario, both roles.
    let pair =
        |r: &detente_sim::tournament::NegotiationRecord| (r.parties[0].strategy.clone(), r.parties[1].strategy.clone());
    let boulware_first =
        result.records.iter().filter(|r| pair(r) == ("boulware".to_owned(), "gambler".to_owned())).count();
    let gambler_first =
        result.records.iter().filter(|r| pair(r) == ("gambler".to_owned(), "boulware".to_owned())).count();
    assert_eq!((boulware_first, gambler_first), (6, 6));
    // Each strategy plays 2 × 6 × 3 = 36 parties.
    assert_eq!(result.leaderboard.len(), 4);
    assert!(result.leaderboard.iter().all(|row| row.negotiations == 36), "{:?}", result.leaderboard);
    assert!(result.leaderboard.windows(2).all(|w| w[0].mean_utility >= w[1].mean_utility));
    // The records' folded leaderboard is the result's.
    assert_eq!(leaderboard(&result.records), result.leaderboard);
    // A conceder gives way early: most of its negotiations end in agreement.
    let conceder = result.leaderboard.iter().find(|r| r.strategy == "conceder").expect("a conceder row");
    assert!(conceder.agreement_rate > 0.5, "{conceder:?}");
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let t = tournament(11);
    let one = in_pool(1, || t.run_all().expect("a finished tournament"));
    let three = in_pool(3, || t.run_all().expect("a finished tournament"));
    assert_eq!(one, three);
    // The seed matters (the gambler draws).
    let other = tournament(12).run_all().expect("a finished tournament");
    assert_ne!(one.records, other.records);
    assert_ne!(tournament(11).fingerprint(), tournament(12).fingerprint());
    assert_eq!(tournament(11).fingerprint(), t.fingerprint());
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    let t = tournament(5);
    let whole = t.run_all().expect("a finished tournament");
    let shards: Vec<TournamentResult> =
        (0..3).map(|k| in_pool(k + 1, || run_shard(&t, Shard::new(k as u64, 3).expect("a shard")))).collect();
    assert_eq!(shards.iter().map(|s| s.records.len()).collect::<Vec<_>>(), vec![24, 24, 24]);
    assert!(shards[1].records.iter().all(|r| r.index % 3 == 1));
    // In any order.
    let parts = vec![shards[2].clone(), shards[0].clone(), shards[1].clone()];
    let merged = merge(parts).expect("a merge");
    assert_eq!(merged, whole);

    // 72 is not a multiple of 5: shards of 15 and 14.
    let fifths: Vec<TournamentResult> = (0..5).map(|k| run_shard(&t, Shard::new(k, 5).expect("a shard"))).collect();
    assert_eq!(fifths[1].records.len(), 15);
    assert_eq!(fifths[2].records.len(), 14);
    assert_eq!(merge(fifths).expect("a merge"), whole);

    assert_eq!(
        merge(vec![shards[0].clone(), shards[2].clone()]),
        Err(MergeError::Missing { missing: vec![1], count: 3 })
    );
    assert!(matches!(
        merge(vec![shards[0].clone(), shards[1].clone(), shards[0].clone()]),
        Err(MergeError::Overlap { first: 0, second: 2, .. })
    ));
    let stranger = run_shard(&tournament(6), Shard::new(1, 3).expect("a shard"));
    assert!(matches!(
        merge(vec![shards[0].clone(), stranger, shards[2].clone()]),
        Err(MergeError::DifferentTournament { part: 1, .. })
    ));
    let mut short = shards[1].clone();
    short.records.pop();
    assert!(matches!(
        merge(vec![shards[0].clone(), short, shards[2].clone()]),
        Err(MergeError::Incomplete { part: 1, found: 23, expected: 24, .. })
    ));
    assert_eq!(merge(Vec::new()), Err(MergeError::Empty));
}

#[test]
fn records_stream_in_order_with_progress_and_stop_when_cancelled() {
    let t = tournament(3);
    let seen = Mutex::new(Vec::new());
    let calls = AtomicU64::new(0);
    let last = AtomicU64::new(0);
    let progress = |done: u64| {
        calls.fetch_add(1, Ordering::Relaxed);
        last.fetch_max(done, Ordering::Relaxed);
    };
    let shard = Shard::new(1, 2).expect("a shard");
    let n = t
        .run(shard, &progress, &AtomicBool::new(false), |r| {
            seen.lock().expect("the list").push(r.index);
            Ok(())
        })
        .expect("a finished shard");
    assert_eq!(n, 36);
    let seen = seen.into_inner().expect("the list");
    assert_eq!(seen, (0..36).map(|i| 1 + 2 * i).collect::<Vec<u64>>());
    assert_eq!((calls.load(Ordering::Relaxed), last.load(Ordering::Relaxed)), (36, 36));

    let cancelled = t.run(Shard::ALL, &|_| {}, &AtomicBool::new(true), |_| Ok(()));
    assert!(matches!(cancelled, Err(TournamentError::Cancelled { completed: 0, total: 72 })), "{cancelled:?}");

    // A sink error stops the run and is reported.
    let mut taken = 0;
    let failed = t.run(Shard::ALL, &|_| {}, &AtomicBool::new(false), |_| {
        taken += 1;
        if taken == 5 { Err("disk full".into()) } else { Ok(()) }
    });
    assert_eq!(taken, 5);
    match failed {
        Err(TournamentError::Sink(e)) => assert_eq!(e.to_string(), "disk full"),
        other => panic!("expected a sink error, got {other:?}"),
    }
}

#[test]
fn set_up_errors_name_what_is_wrong() {
    let config = TournamentConfig::default();
    let one = vec![Entrant::from_spec("boulware").expect("a known spec")];
    let err = Tournament::new(one.clone(), scenarios(), config).expect_err("one entrant cannot pair");
    assert!(err.to_string().contains("`Laptop` has 2 negotiating parties but the tournament has only 1"), "{err}");
    let ok = Tournament::new(one, scenarios(), TournamentConfig { self_play: true, ..config }).expect("self-play");
    assert_eq!(ok.len(), 2);
    let twice = vec![Entrant::from_spec("boulware").expect("a spec"), Entrant::from_spec("boulware").expect("a spec")];
    let err = Tournament::new(twice, scenarios(), config).expect_err("a duplicate");
    assert!(matches!(err, TournamentError::DuplicateEntrant(ref n) if n == "boulware"));
    assert!(Entrant::from_spec("bulware").is_err());
    let err =
        Tournament::new(entrants(), scenarios(), TournamentConfig { repetitions: 0, ..config }).expect_err("no reps");
    assert!(matches!(err, TournamentError::NoRepetitions));
    assert!(matches!(Tournament::new(entrants(), Vec::new(), config), Err(TournamentError::NoScenarios)));
}
