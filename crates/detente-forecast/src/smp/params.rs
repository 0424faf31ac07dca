//! SMP's parameters: the nine enumerations KTAB's `SMPModel` takes, under
//! KTAB's own names (`KTAB/kmodel/libsrc/kmodel.h`: `VotingRuleNames`,
//! `VPModelNames`, `PCEModelNames`, `StateTransModeNames`, `BigRRangeNames`,
//! `BigRAdjustNames`, `ThirdPartyCommitNames`; `examples/smp/libsrc/smp.h`:
//! `InterVecBrgnNames`, `SMPBargnModelNames`), plus the ideal-accommodation
//! matrix of KTAB's XML scenarios.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A parameter name that is not one of the enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {parameter} `{value}`; expected one of: {}", expected.join(", "))]
pub struct ParseParamError {
    /// The parameter, as KTAB's log header names it (`VotingRule`, ...).
    pub parameter: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

/// Declares one of KTAB's enumerations: the variants in KTAB's order (so
/// that [`index`](VotingRule::index) is KTAB's enum index, as its
/// `ScenarioDesc` table stores it), KTAB's name for each (what its log header
/// prints and its XML reads), `Display`/`FromStr` on those names
/// (case-insensitive; the Rust variant name is accepted too), and
/// serialisation as the name.
macro_rules! ktab_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $parameter:literal,
        { $( $(#[$vmeta:meta])* $variant:ident = $ktab:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in KTAB's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// KTAB's names, in KTAB's order.
            pub const NAMES: &'static [&'static str] = &[$($ktab),+];
            /// The parameter's name in KTAB's log header and XML.
            pub const PARAMETER: &'static str = $parameter;

            /// KTAB's name for this value.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $ktab,)+ }
            }

            /// KTAB's enum index for this value.
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|&v| v == self).unwrap_or(0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = ParseParamError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $(
                    if s.eq_ignore_ascii_case($ktab) || s.eq_ignore_ascii_case(stringify!($variant)) {
                        return Ok($name::$variant);
                    }
                )+
                Err(ParseParamError { parameter: $parameter, value: s.to_owned(), expected: Self::NAMES })
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }
    };
}

ktab_enum! {
    /// How an actor turns a utility difference Δ = uᵢ − uⱼ into a vote with
    /// weight w (`Model::vote`, `kmodel.cpp`). With b = clip(Δ/10⁻⁸, −1, 1):
    /// Binary w·b; PropBin w·(0.8Δ + 0.2b); Proportional w·Δ;
    /// PropCbc w·(0.5Δ + 0.5Δ³); Cubic w·Δ³; ASymProsp w·Δ for Δ < 0 and
    /// 2wΔ/3 for Δ > 0 (prospect theory: gains count two thirds of losses).
    VotingRule, "VotingRule",
    {
        Binary = "Binary",
        PropBin = "PropBin",
        #[default]
        Proportional = "Prop",
        PropCbc = "PropCbc",
        Cubic = "Cubic",
        ASymProsp = "ASymProsp",
    }
}

ktab_enum! {
    /// How coalition strengths become a victory probability
    /// (`Model::vProb(VPModel, double, double)`, `kmodel.cpp`):
    /// P(1 > 2) = x₁/(x₁ + x₂) with x = C (Linear), C² (Square), C⁴ (Quartic),
    /// C⁸ (Octic); Binary gives certain victory at a strength ratio of 1.1 or
    /// more (x = 1 against 10⁻⁶) and interpolates linearly in
    /// r = C₁/(C₁ + C₂) below it: x₁ = (r·2.1 − 1)/0.1, x₂ = 1 − x₁.
    VictoryProbModel, "VictoryProbModel",
    {
        #[default]
        Linear = "Linear",
        Square = "Square",
        Quartic = "Quartic",
        Octic = "Octic",
        Binary = "Binary",
    }
}

ktab_enum! {
    /// The probabilistic Condorcet election: how pairwise victory
    /// probabilities become a probability per option (`Model::probCE2`,
    /// `condPCE`, `markovIncentivePCE`, `markovUniformPCE` in `kmodel.cpp`).
    /// See [`super::kernel::pce`] for the equations.
    PceModel, "PCEModel",
    {
        #[default]
        Conditional = "Conditional",
        MarkovIncentive = "MarkovIncentive",
        MarkovUniform = "MarkovUniform",
    }
}

ktab_enum! {
    /// How each actor picks from its queue of bargains (`SMPState::doBCN`,
    /// `smpbcn.cpp`): the most probable bargain (the first on a tie), or a
    /// random draw with the PCE probabilities (drawn here from
    /// `ChaCha8Rng::seed_from_u64(options.seed)`, not KTAB's generator).
    StateTransition, "StateTransitions",
    {
        #[default]
        Deterministic = "Deterministic",
        Stochastic = "Stochastic",
    }
}

ktab_enum! {
    /// How the risk-neutral probability pᵢ of an actor's position becomes its
    /// risk attitude Rᵢ (`Model::bigRfromProb`, `kmodel.cpp`), with
    /// p₋ = min p, p₊ = max p: Min (p − p₋)/(p₊ − p₋) ∈ [0, 1];
    /// Mid (3p − (p₊ + 2p₋))/(2(p₊ − p₋)) ∈ [−½, 1];
    /// Max (2p − p₊ − p₋)/(p₊ − p₋) ∈ [−1, 1]. The most probable position is
    /// the most risk-averse (R = 1).
    BigRRange, "BigRRange",
    {
        Min = "Min",
        #[default]
        Mid = "Mid",
        Max = "Max",
    }
}

ktab_enum! {
    /// How actor h estimates actor i's risk attitude from its own rₕ and
    /// i's rᵢ (`Model::estNRA`, `kmodel.cpp`): None rₕ; OneThird
    /// (2rₕ + rᵢ)/3; Half (rₕ + rᵢ)/2; TwoThirds (rₕ + 2rᵢ)/3; Full rᵢ.
    BigRAdjust, "BigRAdjust",
    {
        None = "None",
        #[default]
        OneThird = "OneThird",
        Half = "Half",
        TwoThirds = "TwoThirds",
        Full = "Full",
    }
}

ktab_enum! {
    /// What a third party expects of joining a contest
    /// (`Actor::thirdPartyVoteSU`, `kmodel.cpp`); see
    /// [`super::kernel::third_party_vote`].
    ThirdPartyCommit, "ThirdPartyCommit",
    {
        NoCommit = "NoCommit",
        #[default]
        SemiCommit = "SemiCommit",
        FullCommit = "FullCommit",
    }
}

ktab_enum! {
    /// How a bargain interpolates between two positions, dimension by
    /// dimension (`SMPActor::interpBrgnSnPm`, `SMPActor::interpBrgnS2PMax`,
    /// `smp.cpp`); see [`super::kernel::interpolate`].
    InterVecBrgn, "InterVecBrgn",
    {
        S1P1 = "S1P1",
        #[default]
        S2P2 = "S2P2",
        S2PMax = "S2PMax",
    }
}

ktab_enum! {
    /// Which bargains go into the two principals' queues (`SMPState::doBCN`,
    /// `smpbcn.cpp`): the initiator's interpolation only (InitOnlyInterp),
    /// both principals' (InitRcvrInterp), or their power-weighted compromise
    /// (PWCompInterp).
    BargainModel, "BargnModel",
    {
        #[default]
        InitOnlyInterp = "InitOnlyInterp",
        InitRcvrInterp = "InitRcvrInterp",
        PWCompInterp = "PWCompInterp",
    }
}

/// The parameters of KTAB's spatial model of politics. `Default` is what
/// KTAB uses for CSV scenarios (`SMPModel` and `Model` member initialisers in
/// `smp.h` and `kmodel.h`, printed in the header of the reference logs):
/// Linear, Prop, Conditional, Deterministic, Mid, OneThird, SemiCommit,
/// S2P2, InitOnlyInterp, and no ideal accommodation.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SmpParams {
    pub victory_prob_model: VictoryProbModel,
    pub voting_rule: VotingRule,
    pub pce_model: PceModel,
    pub state_transition: StateTransition,
    pub big_r_range: BigRRange,
    pub big_r_adjust: BigRAdjust,
    pub third_party_commit: ThirdPartyCommit,
    pub inter_vec_brgn: InterVecBrgn,
    pub bargain_model: BargainModel,
    /// KTAB's ideal-accommodation matrix (the `IdealAdjustment` pairs of its
    /// XML scenarios, `SMPState::accomodate`): row i, column j is the rate
    /// `aᵢⱼ ∈ [0, 1]` at which actor i's ideal moves toward actor j's new
    /// position each round, a row summing to at most 1. After every round
    /// (`SMPState::newIdeals`, `smp.cpp`)
    /// `idealᵢ ← Σⱼ aᵢⱼ·positionⱼ + (1 − Σⱼ aᵢⱼ)·idealᵢ`.
    /// Utilities are measured from ideals. `None` is the identity, KTAB's
    /// CSV default: ideals are the current positions.
    pub accommodation: Option<Vec<Vec<f64>>>,
}

impl SmpParams {
    /// Sets a parameter by KTAB's name for it (`VotingRule`, `PCEModel`,
    /// `BargnModel`, ... as in the log header; the Rust field name is
    /// accepted too) and KTAB's name for the value.
    pub fn set(&mut self, parameter: &str, value: &str) -> Result<(), ParseParamError> {
        let p = parameter.trim();
        let is = |ktab: &str, field: &str| p.eq_ignore_ascii_case(ktab) || p.eq_ignore_ascii_case(field);
        if is(VictoryProbModel::PARAMETER, "victory_prob_model") {
            self.victory_prob_model = value.parse()?;
        } else if is(VotingRule::PARAMETER, "voting_rule") {
            self.voting_rule = value.parse()?;
        } else if is(PceModel::PARAMETER, "pce_model") {
            self.pce_model = value.parse()?;
        } else if is(StateTransition::PARAMETER, "state_transition") {
            self.state_transition = value.parse()?;
        } else if is(BigRRange::PARAMETER, "big_r_range") {
            self.big_r_range = value.parse()?;
        } else if is(BigRAdjust::PARAMETER, "big_r_adjust") {
            self.big_r_adjust = value.parse()?;
        } else if is(ThirdPartyCommit::PARAMETER, "third_party_commit") {
            self.third_party_commit = value.parse()?;
        } else if is(InterVecBrgn::PARAMETER, "inter_vec_brgn") {
            self.inter_vec_brgn = value.parse()?;
        } else if is(BargainModel::PARAMETER, "bargain_model") {
            self.bargain_model = value.parse()?;
        } else {
            return Err(ParseParamError { parameter: "SMP parameter", value: p.to_owned(), expected: PARAMETERS });
        }
        Ok(())
    }
}

/// The nine parameters' names, as KTAB's log header and XML spell them.
pub const PARAMETERS: &[&str] = &[
    VictoryProbModel::PARAMETER,
    VotingRule::PARAMETER,
    PceModel::PARAMETER,
    StateTransition::PARAMETER,
    BigRRange::PARAMETER,
    BigRAdjust::PARAMETER,
    ThirdPartyCommit::PARAMETER,
    InterVecBrgn::PARAMETER,
    BargainModel::PARAMETER,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_defaults_are_ktabs_csv_defaults() {
        for &v in VotingRule::ALL {
            assert_eq!(v.name().parse::<VotingRule>(), Ok(v));
            assert_eq!(format!("{v:?}").parse::<VotingRule>(), Ok(v));
        }
        for &v in PceModel::ALL {
            assert_eq!(v.to_string().to_lowercase().parse::<PceModel>(), Ok(v));
        }
        assert_eq!("Prop".parse::<VotingRule>(), Ok(VotingRule::Proportional));
        assert!("Quadratic".parse::<VictoryProbModel>().is_err());
        let d = SmpParams::default();
        let names: Vec<&str> = vec![
            d.victory_prob_model.name(),
            d.voting_rule.name(),
            d.pce_model.name(),
            d.state_transition.name(),
            d.big_r_range.name(),
            d.big_r_adjust.name(),
            d.third_party_commit.name(),
            d.inter_vec_brgn.name(),
            d.bargain_model.name(),
        ];
        assert_eq!(
            names,
            [
                "Linear",
                "Prop",
                "Conditional",
                "Deterministic",
                "Mid",
                "OneThird",
                "SemiCommit",
                "S2P2",
                "InitOnlyInterp"
            ]
        );
        assert_eq!(PceModel::MarkovUniform.index(), 2);
        assert_eq!(BigRAdjust::None.index(), 0);
    }

    #[test]
    fn set_by_ktab_parameter_name() {
        let mut p = SmpParams::default();
        p.set("PCEModel", "MarkovIncentive").expect("known");
        p.set("VotingRule", "PropCbc").expect("known");
        p.set("bargain_model", "PWCompInterp").expect("known");
        assert_eq!(p.pce_model, PceModel::MarkovIncentive);
        assert_eq!(p.voting_rule, VotingRule::PropCbc);
        assert_eq!(p.bargain_model, BargainModel::PWCompInterp);
        assert!(p.set("Nonsense", "x").is_err());
        assert!(p.set("VotingRule", "x").is_err());
    }
}
