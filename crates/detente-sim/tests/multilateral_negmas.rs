//! Stacked alternating offers against NegMAS 0.16's `SAOMechanism` with
//! three negotiators.
//!
//! NegMAS ran each row (`SAOMechanism(outcome_space, n_steps=rounds)`,
//! negotiators added in party order, `AspirationNegotiator`,
//! `MiCRONegotiator`, `NaiveTitForTatNegotiator`, `BoulwareTBNegotiator`,
//! `LinearTBNegotiator`, `ConcederTBNegotiator` with their defaults) on the
//! scenario below, built as NegMAS `LinearAdditiveUtilityFunction`s with the
//! same tables, weights and reservation values. No two outcomes have the same
//! utility for a party (the smallest gap is 10⁻⁴), so the choice among tied
//! outcomes (NegMAS sorts with NumPy's unstable `argsort`) never arises.
//! Detente makes the same offers, in the same rounds, by the same parties,
//! and ends the same way: the turn order, the acceptance count and the
//! deadline are NegMAS'. Rows list every offer as `round:party:outcome`
//! (`outcome = 6·x + 2·y + z`) up to 40 rounds; at 100 rounds the agreement,
//! the round it ended in and the number of offers.

use detente_core::WeightPolicy;
use detente_formats::scenario_toml::load_toml;
use detente_sim::protocol::multilateral;
use detente_sim::strategies::TimeBased;
use detente_sim::strategies::aspiration::Aspiration;
use detente_sim::strategies::micro::Micro;
use detente_sim::strategies::tit_for_tat::NaiveTitForTat;
use detente_sim::trace::Action;
use detente_sim::{Arena, Deadline, Ending, Negotiator, OutcomeId};

const NO_TIES: &str = r#"
name = "no ties"
[[issues]]
id = "x"
kind = "discrete"
options = ["a", "b", "c", "d", "e"]
[[issues]]
id = "y"
kind = "discrete"
options = ["p", "q", "r"]
[[issues]]
id = "z"
kind = "discrete"
options = ["s", "t"]

[[actors]]
id = "A"
reservation = 0.2
[actors.preferences]
type = "linear-additive"
weights = { x = 0.53, y = 0.31, z = 0.16 }
[actors.preferences.evaluations]
x = { utilities = { a = 1.0, b = 0.81, c = 0.57, d = 0.33, e = 0.0 } }
y = { utilities = { p = 1.0, q = 0.46, r = 0.0 } }
z = { utilities = { s = 1.0, t = 0.0 } }

[[actors]]
id = "B"
reservation = 0.15
[actors.preferences]
type = "linear-additive"
weights = { x = 0.47, y = 0.37, z = 0.16 }
[actors.preferences.evaluations]
x = { utilities = { a = 0.0, b = 0.29, c = 0.52, d = 0.78, e = 1.0 } }
y = { utilities = { p = 0.0, q = 0.61, r = 1.0 } }
z = { utilities = { s = 0.0, t = 1.0 } }

[[actors]]
id = "C"
reservation = 0.1
[actors.preferences]
type = "linear-additive"
weights = { x = 0.61, y = 0.23, z = 0.16 }
[actors.preferences.evaluations]
x = { utilities = { a = 0.0, b = 0.64, c = 1.0, d = 0.42, e = 0.13 } }
y = { utilities = { p = 0.37, q = 1.0, r = 0.08 } }
z = { utilities = { s = 0.55, t = 1.0 } }
"#;

fn make(name: &str) -> Box<dyn Negotiator> {
    match name {
        "aspiration" => Box::new(Aspiration::default()),
        "tit-for-tat" => Box::new(NaiveTitForTat::default()),
        "micro" => Box::new(Micro::default()),
        "boulware" => Box::new(TimeBased::boulware()),
        "linear" => Box::new(TimeBased::linear()),
        "conceder" => Box::new(TimeBased::conceder()),
        other => panic!("no strategy {other}"),
    }
}

/// One NegMAS run: the agreement, the round it ended in (NegMAS' step count
/// after the run), the number of offers and, up to 40 rounds, every offer.
struct Run {
    team: [&'static str; 3],
    rounds: u32,
    agreement: Option<u32>,
    ended_in: u32,
    n_offers: usize,
    offers: &'static str,
}

#[rustfmt::skip]
const NEGMAS: &[Run] = &[
    Run { team: ["micro", "micro", "micro"], rounds: 10, agreement: None, ended_in: 10, n_offers: 26, offers: "0:0:0 0:1:29 0:2:15 1:0:6 1:1:23 1:2:14 2:0:1 2:1:27 2:2:13 3:0:2 3:1:28 3:2:17 4:0:12 4:1:17 5:0:7 5:1:21 5:2:12 6:1:22 6:2:9 7:0:8 7:1:26 7:2:16 8:0:4 8:1:11 8:2:8 9:1:15" },
    Run { team: ["micro", "micro", "micro"], rounds: 40, agreement: Some(9), ended_in: 17, n_offers: 41, offers: "0:0:0 0:1:29 0:2:15 1:0:6 1:1:23 1:2:14 2:0:1 2:1:27 2:2:13 3:0:2 3:1:28 3:2:17 4:0:12 4:1:17 5:0:7 5:1:21 5:2:12 6:1:22 6:2:9 7:0:8 7:1:26 7:2:16 8:0:4 8:1:11 8:2:8 9:1:15 10:0:3 10:1:25 10:2:21 11:0:18 11:1:16 12:0:13 12:1:20 12:2:7 13:1:5 13:2:20 14:0:14 14:1:19 14:2:11 15:0:10 15:1:9" },
    Run { team: ["micro", "micro", "micro"], rounds: 100, agreement: Some(9), ended_in: 17, n_offers: 41, offers: "" },
    Run { team: ["aspiration", "aspiration", "aspiration"], rounds: 10, agreement: None, ended_in: 10, n_offers: 28, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:0 3:1:29 3:2:15 4:0:0 4:1:29 4:2:15 5:0:0 5:1:29 5:2:14 6:0:6 6:1:23 6:2:13 7:0:2 7:1:17 8:0:18 8:1:25 8:2:7 9:1:24 9:2:3" },
    Run { team: ["aspiration", "aspiration", "aspiration"], rounds: 40, agreement: Some(3), ended_in: 39, n_offers: 104, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:0 3:1:29 3:2:15 4:0:0 4:1:29 4:2:15 5:0:0 5:1:29 5:2:15 6:0:0 6:1:29 6:2:15 7:0:0 7:1:29 7:2:15 8:0:0 8:1:29 8:2:15 9:0:0 9:1:29 9:2:15 10:0:0 10:1:29 10:2:15 11:0:0 11:1:29 11:2:15 12:0:0 12:1:29 12:2:15 13:0:0 13:1:29 13:2:15 14:0:0 14:1:29 14:2:15 15:0:0 15:1:29 15:2:15 16:0:0 16:1:29 16:2:15 17:0:0 17:1:29 17:2:15 18:0:0 18:1:29 18:2:15 19:0:0 19:1:29 19:2:15 20:0:0 20:1:29 20:2:15 21:0:0 21:1:29 21:2:14 22:0:0 22:1:29 22:2:14 23:0:0 23:1:29 23:2:14 24:0:6 24:1:23 24:2:14 25:0:6 25:1:23 25:2:13 26:0:6 26:1:28 26:2:13 27:0:2 27:1:28 27:2:13 28:0:2 28:1:28 28:2:9 29:0:12 29:1:17 30:0:7 30:1:22 30:2:8 31:1:26 31:2:8 32:1:11 32:2:7 33:1:16 34:0:10 34:1:20 35:0:5 35:2:27 36:0:24 36:2:18 37:1:3" },
    Run { team: ["aspiration", "aspiration", "aspiration"], rounds: 100, agreement: Some(9), ended_in: 88, n_offers: 249, offers: "" },
    Run { team: ["tit-for-tat", "tit-for-tat", "tit-for-tat"], rounds: 10, agreement: None, ended_in: 10, n_offers: 26, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:8 3:1:21 4:0:6 4:1:29 4:2:13 5:1:22 5:2:9 6:0:9 6:1:20 7:0:3 7:1:22 7:2:9 8:0:9 8:1:20 9:0:3 9:1:22 9:2:9" },
    Run { team: ["tit-for-tat", "tit-for-tat", "tit-for-tat"], rounds: 40, agreement: None, ended_in: 40, n_offers: 101, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:8 3:1:21 4:0:6 4:1:29 4:2:13 5:1:22 5:2:9 6:0:9 6:1:20 7:0:3 7:1:22 7:2:9 8:0:9 8:1:20 9:0:3 9:1:22 9:2:9 10:0:9 10:1:20 11:0:3 11:1:22 11:2:9 12:0:9 12:1:20 13:0:3 13:1:22 13:2:9 14:0:9 14:1:20 15:0:3 15:1:22 15:2:9 16:0:9 16:1:20 17:0:3 17:1:22 17:2:9 18:0:9 18:1:20 19:0:3 19:1:22 19:2:9 20:0:9 20:1:20 21:0:3 21:1:22 21:2:9 22:0:9 22:1:20 23:0:3 23:1:22 23:2:9 24:0:9 24:1:20 25:0:3 25:1:22 25:2:9 26:0:9 26:1:20 27:0:3 27:1:22 27:2:9 28:0:9 28:1:20 29:0:3 29:1:22 29:2:9 30:0:9 30:1:20 31:0:3 31:1:22 31:2:9 32:0:9 32:1:20 33:0:3 33:1:22 33:2:9 34:0:9 34:1:20 35:0:3 35:1:22 35:2:9 36:0:9 36:1:20 37:0:3 37:1:22 37:2:9 38:0:9 38:1:20 39:0:3 39:1:22 39:2:9" },
    Run { team: ["tit-for-tat", "tit-for-tat", "tit-for-tat"], rounds: 100, agreement: None, ended_in: 100, n_offers: 251, offers: "" },
    Run { team: ["aspiration", "tit-for-tat", "boulware"], rounds: 10, agreement: Some(16), ended_in: 10, n_offers: 27, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:0 3:1:29 3:2:15 4:0:0 4:1:29 4:2:15 5:0:0 5:1:29 5:2:14 6:0:6 6:1:29 6:2:13 7:0:2 7:1:29 7:2:9 8:0:18 8:1:21 9:0:16" },
    Run { team: ["aspiration", "tit-for-tat", "boulware"], rounds: 40, agreement: Some(20), ended_in: 37, n_offers: 102, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:0 3:1:29 3:2:15 4:0:0 4:1:29 4:2:15 5:0:0 5:1:29 5:2:15 6:0:0 6:1:29 6:2:15 7:0:0 7:1:29 7:2:15 8:0:0 8:1:29 8:2:15 9:0:0 9:1:29 9:2:15 10:0:0 10:1:29 10:2:15 11:0:0 11:1:29 11:2:15 12:0:0 12:1:29 12:2:15 13:0:0 13:1:29 13:2:15 14:0:0 14:1:29 14:2:15 15:0:0 15:1:29 15:2:15 16:0:0 16:1:29 16:2:15 17:0:0 17:1:29 17:2:15 18:0:0 18:1:29 18:2:15 19:0:0 19:1:29 19:2:15 20:0:0 20:1:29 20:2:15 21:0:0 21:1:29 21:2:14 22:0:0 22:1:29 22:2:14 23:0:0 23:1:29 23:2:14 24:0:6 24:1:29 24:2:14 25:0:6 25:1:29 25:2:14 26:0:6 26:1:29 26:2:13 27:0:2 27:1:29 27:2:13 28:0:2 28:1:29 28:2:9 29:0:12 29:1:23 29:2:9 30:0:7 30:1:28 30:2:8 31:1:21 31:2:8 32:1:21 33:0:18 33:1:21 34:0:10 34:1:20 35:0:5 35:1:20" },
    Run { team: ["aspiration", "tit-for-tat", "boulware"], rounds: 100, agreement: Some(20), ended_in: 91, n_offers: 257, offers: "" },
    Run { team: ["tit-for-tat", "linear", "aspiration"], rounds: 10, agreement: Some(14), ended_in: 7, n_offers: 18, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:27 1:2:15 2:0:0 2:1:17 2:2:15 3:0:8 3:1:26 3:2:15 4:0:8 4:1:16 4:2:15 5:0:8 5:1:20 5:2:14" },
    Run { team: ["tit-for-tat", "linear", "aspiration"], rounds: 40, agreement: Some(14), ended_in: 26, n_offers: 72, offers: "0:0:0 0:1:29 0:2:15 1:0:0 1:1:29 1:2:15 2:0:0 2:1:29 2:2:15 3:0:8 3:1:29 3:2:15 4:0:8 4:1:23 4:2:15 5:0:8 5:1:23 5:2:15 6:0:8 6:1:27 6:2:15 7:0:8 7:1:28 7:2:15 8:0:8 8:1:28 8:2:15 9:0:8 9:1:28 9:2:15 10:0:8 10:1:17 10:2:15 11:0:8 11:1:21 11:2:15 12:0:8 12:1:22 12:2:15 13:0:8 13:1:22 13:2:15 14:0:8 14:1:26 14:2:15 15:0:8 15:1:26 15:2:15 16:0:8 16:1:11 16:2:15 17:0:8 17:1:25 17:2:15 18:0:8 18:1:16 18:2:15 19:0:8 19:1:20 19:2:15 20:0:8 20:1:20 20:2:15 21:0:8 21:1:20 21:2:14 22:1:19 22:2:14 23:1:10 23:2:14 24:1:10 24:2:14" },
    Run { team: ["tit-for-tat", "linear", "aspiration"], rounds: 100, agreement: Some(14), ended_in: 63, n_offers: 178, offers: "" },
    Run { team: ["conceder", "aspiration", "tit-for-tat"], rounds: 10, agreement: Some(17), ended_in: 9, n_offers: 17, offers: "0:0:9 0:1:29 0:2:15 1:0:19 1:1:29 1:2:15 2:1:29 2:2:15 3:1:29 3:2:13 4:1:29 4:2:13 5:1:29 5:2:13 6:1:23 6:2:8 7:1:17" },
    Run { team: ["conceder", "aspiration", "tit-for-tat"], rounds: 40, agreement: Some(17), ended_in: 31, n_offers: 63, offers: "0:0:4 0:1:29 0:2:15 1:0:18 1:1:29 1:2:15 2:0:10 2:1:29 2:2:15 3:0:9 3:1:29 3:2:13 4:1:29 4:2:13 5:1:29 5:2:13 6:1:29 6:2:13 7:1:29 7:2:13 8:1:29 8:2:13 9:1:29 9:2:13 10:1:29 10:2:13 11:1:29 11:2:13 12:1:29 12:2:13 13:1:29 13:2:13 14:1:29 14:2:13 15:1:29 15:2:13 16:1:29 16:2:13 17:1:29 17:2:13 18:1:29 18:2:13 19:1:29 19:2:13 20:1:29 20:2:13 21:1:29 21:2:13 22:1:29 22:2:13 23:1:29 23:2:13 24:1:23 24:2:8 25:1:23 25:2:8 26:1:28 26:2:14 27:1:28 27:2:14 28:1:28 28:2:14 29:1:17" },
    Run { team: ["conceder", "aspiration", "tit-for-tat"], rounds: 100, agreement: Some(17), ended_in: 74, n_offers: 150, offers: "" },
];

#[test]
fn same_negotiations_as_negmas() {
    let scenario = load_toml("no-ties.toml", NO_TIES, WeightPolicy::Refuse).expect("loads").0;
    let arena = Arena::new(&scenario, &[0, 1, 2]).expect("arena");
    // The premise: no ties in any party's utilities.
    for p in &arena.parties {
        let mut u = p.utilities.clone();
        u.sort_by(f64::total_cmp);
        assert!(u.windows(2).all(|w| w[1] - w[0] > 5e-5), "{}", p.id);
    }
    for run in NEGMAS {
        let what = format!("{:?} over {} rounds", run.team, run.rounds);
        let mut parties: Vec<Box<dyn Negotiator>> = run.team.iter().map(|n| make(n)).collect();
        let result = multilateral::run(&arena, Deadline::Rounds(run.rounds), &mut parties, 0, true).expect("runs");
        assert_eq!(result.agreement, run.agreement.map(OutcomeId), "{what}");
        let ending = if run.agreement.is_some() { Ending::Agreement } else { Ending::Timeout };
        assert_eq!(result.ending, ending, "{what}");
        assert_eq!(result.rounds, run.ended_in, "{what}");
        let trace = result.trace.expect("recorded");
        let offers: Vec<String> = trace
            .entries
            .iter()
            .filter(|e| e.action == Action::Offer)
            .map(|e| format!("{}:{}:{}", e.round, e.party.expect("a party"), e.outcome.expect("an offer").0))
            .collect();
        assert_eq!(offers.len(), run.n_offers, "{what}");
        if !run.offers.is_empty() {
            assert_eq!(offers.join(" "), run.offers, "{what}");
        }
    }
}
