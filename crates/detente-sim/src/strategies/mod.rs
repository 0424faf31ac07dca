//! The shipped strategies and the registry that builds them from a spec.
//!
//! # Spec grammar
//!
//! ```text
//! spec       = strategy *( "+" condition )
//! strategy   = name [ "(" [ param *( "," param ) ] ")" ]
//! param      = [ key "=" ] number
//! condition  = "ac-next" | "ac-const(" number ")" | "ac-time(" number ")"
//! ```
//!
//! Names and keys are case-insensitive; spaces are ignored.
//!
//! | spec | strategy |
//! |---|---|
//! | `boulware` | time-based, `e = 0.25` (NegMAS' `BoulwareTBNegotiator`) |
//! | `linear` | time-based, `e = 1` (`LinearTBNegotiator`) |
//! | `conceder` | time-based, `e = 4` (`ConcederTBNegotiator`) |
//! | `time-based(e=0.5)` | time-based with any `e > 0`; also `time-based(0.5)` |
//! | `aspiration` | [`aspiration::Aspiration`] |
//! | `tit-for-tat` | [`tit_for_tat::NaiveTitForTat`] |
//! | `micro` | [`micro::Micro`] |
//! | `hardheaded` | [`hardheaded::HardHeaded`] |
//! | `random` | [`random::RandomNegotiator`] |
//!
//! Only `time-based` takes parameters.
//!
//! A strategy followed by acceptance conditions accepts when any of them
//! does, instead of by its own rule ([`crate::acceptance`]):
//! `boulware+ac-next`, `linear+ac-const(0.8)`, `conceder+ac-next+ac-time(0.95)`.

pub mod aspiration;
pub mod hardheaded;
pub mod micro;
pub mod random;
pub mod time_based;
pub mod tit_for_tat;

use std::borrow::Cow;

use crate::acceptance::{Condition, WithAcceptance};
use crate::negotiator::Negotiator;

pub use time_based::TimeBased;

/// The strategy names [`build`] knows.
pub const NAMES: &[&str] =
    &["boulware", "linear", "conceder", "time-based", "aspiration", "tit-for-tat", "micro", "hardheaded", "random"];

/// The acceptance conditions a spec can add, as written.
pub const CONDITIONS: &[&str] = &["ac-next", "ac-const(c)", "ac-time(t)"];

/// Why a spec does not name a strategy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StrategyError {
    #[error("unknown strategy `{name}` in `{spec}`; known strategies: {known}", known = NAMES.join(", "))]
    UnknownStrategy { spec: String, name: String },
    #[error(
        "unknown acceptance condition `{name}` in `{spec}`; known conditions: {known}",
        known = CONDITIONS.join(", ")
    )]
    UnknownCondition { spec: String, name: String },
    #[error("bad strategy spec `{spec}`: {reason}; known strategies: {known}", known = NAMES.join(", "))]
    Invalid { spec: String, reason: String },
}

/// Builds the negotiator a spec names (see the module documentation for
/// the grammar).
pub fn build(spec: &str) -> Result<Box<dyn Negotiator>, StrategyError> {
    let invalid = |reason: String| StrategyError::Invalid { spec: spec.to_owned(), reason };
    // Most specs are already lower case without spaces: borrow those.
    let normalised: Cow<'_, str> = if spec.chars().any(|c| c.is_whitespace() || c.is_ascii_uppercase()) {
        Cow::Owned(spec.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase())
    } else {
        Cow::Borrowed(spec)
    };
    if normalised.is_empty() {
        return Err(invalid("the spec is empty".to_owned()));
    }
    let mut parts = split_top_level(&normalised).map_err(invalid)?.into_iter();
    let head = parts.next().unwrap_or_default();
    let (name, params) = parse_call(head).map_err(invalid)?;
    let strategy = strategy(spec, name, &params)?;
    let mut conditions = Vec::new();
    for part in parts {
        let (name, params) = parse_call(part).map_err(invalid)?;
        conditions.push(condition(spec, name, &params)?);
    }
    Ok(if conditions.is_empty() { strategy } else { Box::new(WithAcceptance::new(strategy, conditions)) })
}

/// One parameter: an optional key and its value.
type Param<'s> = (Option<&'s str>, f64);

fn strategy(spec: &str, name: &str, params: &[Param<'_>]) -> Result<Box<dyn Negotiator>, StrategyError> {
    let invalid = |reason: String| StrategyError::Invalid { spec: spec.to_owned(), reason };
    let no_params = || {
        if params.is_empty() { Ok(()) } else { Err(invalid(format!("`{name}` takes no parameters"))) }
    };
    match name {
        "boulware" => no_params().map(|()| Box::new(TimeBased::boulware()) as Box<dyn Negotiator>),
        "linear" => no_params().map(|()| Box::new(TimeBased::linear()) as Box<dyn Negotiator>),
        "conceder" => no_params().map(|()| Box::new(TimeBased::conceder()) as Box<dyn Negotiator>),
        "time-based" => {
            let e = single(params, "e").map_err(|r| invalid(format!("`time-based` {r}")))?;
            if !(e.is_finite() && e > 0.0) {
                return Err(invalid(format!("the concession exponent e must be positive and finite, not {e}")));
            }
            Ok(Box::new(TimeBased::new(e)))
        }
        "aspiration" => no_params().map(|()| Box::new(aspiration::Aspiration::default()) as Box<dyn Negotiator>),
        "tit-for-tat" => no_params().map(|()| Box::new(tit_for_tat::NaiveTitForTat::default()) as Box<dyn Negotiator>),
        "micro" => no_params().map(|()| Box::new(micro::Micro::default()) as Box<dyn Negotiator>),
        "hardheaded" => no_params().map(|()| Box::new(hardheaded::HardHeaded::default()) as Box<dyn Negotiator>),
        "random" => no_params().map(|()| Box::new(random::RandomNegotiator::default()) as Box<dyn Negotiator>),
        _ => Err(StrategyError::UnknownStrategy { spec: spec.to_owned(), name: name.to_owned() }),
    }
}

fn condition(spec: &str, name: &str, params: &[Param<'_>]) -> Result<Condition, StrategyError> {
    let invalid = |reason: String| StrategyError::Invalid { spec: spec.to_owned(), reason };
    match name {
        "ac-next" if params.is_empty() => Ok(Condition::Next),
        "ac-next" => Err(invalid("`ac-next` takes no parameters".to_owned())),
        "ac-const" => {
            let c = single(params, "c").map_err(|r| invalid(format!("`ac-const` {r}")))?;
            if !c.is_finite() {
                return Err(invalid(format!("`ac-const` needs a finite utility, not {c}")));
            }
            Ok(Condition::Const(c))
        }
        "ac-time" => {
            let t = single(params, "t").map_err(|r| invalid(format!("`ac-time` {r}")))?;
            if !(0.0..=1.0).contains(&t) {
                return Err(invalid(format!("`ac-time` needs a relative time in [0, 1], not {t}")));
            }
            Ok(Condition::Time(t))
        }
        _ => Err(StrategyError::UnknownCondition { spec: spec.to_owned(), name: name.to_owned() }),
    }
}

/// The one parameter `key` (named or positional) of a call.
fn single(params: &[Param<'_>], key: &str) -> Result<f64, String> {
    match params {
        [(None, v)] => Ok(*v),
        [(Some(k), v)] if *k == key => Ok(*v),
        [(Some(k), _)] => Err(format!("takes one parameter `{key}`, not `{k}`")),
        _ => Err(format!("takes exactly one parameter `{key}`, got {}", params.len())),
    }
}

/// Splits `a(x)+b+c(y)` at the `+` signs outside parentheses (a `+` inside
/// is a number's sign).
fn split_top_level(spec: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("unbalanced `)`")?,
            '+' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced `(`".to_owned());
    }
    parts.push(&spec[start..]);
    if let Some(empty) = parts.iter().position(|p| p.is_empty()) {
        return Err(if empty == 0 { "no strategy before `+`".to_owned() } else { "empty part after `+`".to_owned() });
    }
    Ok(parts)
}

/// Parses `name` or `name(p, k=v, …)`.
fn parse_call(part: &str) -> Result<(&str, Vec<Param<'_>>), String> {
    let Some(open) = part.find('(') else {
        return Ok((part, Vec::new()));
    };
    let name = &part[..open];
    let inner = part[open + 1..].strip_suffix(')').ok_or_else(|| format!("`{part}` does not end with `)`"))?;
    if name.is_empty() {
        return Err(format!("`{part}` has no name before `(`"));
    }
    if inner.contains(['(', ')']) {
        return Err(format!("nested parentheses in `{part}`"));
    }
    let mut params = Vec::new();
    if !inner.is_empty() {
        for p in inner.split(',') {
            let (key, value) = match p.split_once('=') {
                Some((k, v)) if !k.is_empty() => (Some(k), v),
                Some(_) => return Err(format!("parameter `{p}` of `{name}` has no name before `=`")),
                None => (None, p),
            };
            let value: f64 = value.parse().map_err(|_| format!("parameter `{p}` of `{name}` is not a number"))?;
            params.push((key, value));
        }
    }
    Ok((name, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_build() {
        for name in NAMES {
            let spec = if *name == "time-based" { "time-based(e=0.5)" } else { name };
            assert!(build(spec).is_ok(), "{spec}");
        }
    }

    #[test]
    fn specs_and_names() {
        assert_eq!(build("boulware").unwrap().name(), "boulware");
        assert_eq!(build(" Time-Based( e = 0.5 ) ").unwrap().name(), "time-based(e=0.5)");
        assert_eq!(build("time-based(2)").unwrap().name(), "time-based(e=2)");
        assert_eq!(build("boulware+ac-next").unwrap().name(), "boulware+ac-next");
        assert_eq!(build("linear+ac-const(0.8)+ac-time(t=0.95)").unwrap().name(), "linear+ac-const(0.8)+ac-time(0.95)");
        assert_eq!(build("conceder+ac-const(+0.5)").unwrap().name(), "conceder+ac-const(0.5)");
    }

    fn error(spec: &str) -> String {
        match build(spec) {
            Ok(n) => panic!("`{spec}` built {}", n.name()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_name_the_spec_and_the_known_names() {
        let e = error("tough-guy");
        assert!(e.contains("`tough-guy`") && e.contains("boulware, linear, conceder, time-based, aspiration"), "{e}");
        let e = error("boulware+ac-maybe");
        assert!(e.contains("`boulware+ac-maybe`") && e.contains("ac-next, ac-const(c), ac-time(t)"), "{e}");
        for bad in [
            "",
            "+ac-next",
            "boulware+",
            "boulware(",
            "boulware)",
            "boulware(e=1)",
            "time-based",
            "time-based(e=0)",
            "time-based(e=-1)",
            "time-based(e=inf)",
            "time-based(x=1)",
            "time-based(e=1,e=2)",
            "time-based(e=abc)",
            "time-based(=1)",
            "linear+ac-time(1.5)",
            "linear+ac-next(1)",
            "linear+ac-const",
        ] {
            let e = error(bad);
            assert!(e.contains(&format!("`{bad}`")), "{bad}: {e}");
        }
    }
}
