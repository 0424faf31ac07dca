//! Negotiations between software agents on a Detente scenario: protocols,
//! the [`Negotiator`] trait and shipped strategies, traces and tournaments.
//!
//! A negotiation runs on a [`Arena`]: the scenario's outcome space enumerated
//! once, with every party's utility of every outcome and the outcomes sorted
//! by each party's utility ([`PartyView`]), so that a strategy finds "the
//! outcome nearest my target utility" by binary search instead of scanning.
//! Arenas are built once and shared (`Arc`) by every negotiation of a
//! tournament.
//!
//! Pure: no IO, no clock, no global RNG. Time is relative: `t = step / steps`
//! of the deadline. Every random choice draws from a ChaCha8 generator seeded
//! from (seed, negotiation, party), so a run is reproducible from (scenario,
//! seed).

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod acceptance;
pub mod arena;
pub mod metrics;
pub mod negotiator;
pub mod opponent;
pub mod protocol;
pub mod strategies;
pub mod tournament;
pub mod trace;

pub use arena::{Arena, ArenaError, OutcomeId, PartyView};
pub use negotiator::{Event, Negotiator, Proposal, Response, Session, State};
pub use protocol::{Deadline, Ending, NegotiationResult, Protocol, ProtocolError, negotiate};
pub use trace::{Trace, TraceEntry};
