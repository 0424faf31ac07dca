//! A frequency opponent model: what another party wants, learnt from its
//! offers alone.
//!
//! The model is the one HardHeaded (van Krimpen, Looije & Hajizadeh 2013,
//! ANAC 2011) introduced and GENIUS ships as `HardHeadedFrequencyModel`, the
//! family the "Smith frequency model" belongs to. Two assumptions:
//!
//! - an issue whose value an opponent keeps from one offer to the next matters
//!   to it: each unchanged issue gains a share of weight (`learning_coef / n`,
//!   then all weights are renormalised, a weight never exceeding
//!   `1 − n·(learning_coef / n) / total`, the original's cap);
//! - a value an opponent offers often is one it likes: each value's score is
//!   one plus `value_addition` per offer that contained it, divided by the
//!   issue's highest score.
//!
//! The estimate is linear-additive, `Σᵢ wᵢ · scoreᵢ(vᵢ) / maxᵥ scoreᵢ(v)`,
//! in `[0, 1]`. It knows nothing of the opponent's real utility scale or of
//! interactions between issues. Any strategy can keep one model per opponent
//! and feed it the opponent's offers ([`FrequencyModel::update`]).

use crate::arena::OutcomeId;

/// The estimate of one opponent's preferences from the offers it made.
#[derive(Debug, Clone, PartialEq)]
pub struct FrequencyModel {
    /// Levels per issue (the outcome space's mixed radix).
    levels: Vec<u64>,
    weights: Vec<f64>,
    /// `scores[i][v]`: 1 plus `value_addition` per offer with level `v` on issue `i`.
    scores: Vec<Vec<f64>>,
    /// `max_scores[i]`: the highest of `scores[i]`.
    max_scores: Vec<f64>,
    last: Option<Vec<u32>>,
    offers: usize,
    learning_coef: f64,
    value_addition: f64,
}

impl FrequencyModel {
    /// HardHeaded's learning coefficient.
    pub const LEARNING_COEF: f64 = 0.2;
    /// HardHeaded's count added to a value per offer that contains it.
    pub const VALUE_ADDITION: f64 = 1.0;

    /// A model with HardHeaded's constants for an outcome space with these
    /// levels per issue ([`crate::Session::issue_levels`]): equal issue
    /// weights, every value equally liked.
    pub fn new(issue_levels: &[u64]) -> FrequencyModel {
        FrequencyModel::with_learning(issue_levels, Self::LEARNING_COEF, Self::VALUE_ADDITION)
    }

    /// A model with other learning constants (both non-negative).
    pub fn with_learning(issue_levels: &[u64], learning_coef: f64, value_addition: f64) -> FrequencyModel {
        let n = issue_levels.len();
        let equal = if n == 0 { 0.0 } else { 1.0 / n as f64 };
        FrequencyModel {
            levels: issue_levels.to_vec(),
            weights: vec![equal; n],
            scores: issue_levels.iter().map(|&l| vec![1.0; l as usize]).collect(),
            max_scores: vec![1.0; n],
            last: None,
            offers: 0,
            learning_coef: learning_coef.max(0.0),
            value_addition: value_addition.max(0.0),
        }
    }

    /// The levels of outcome `id` (mixed radix, last issue fastest, as
    /// [`detente_core::OutcomeSpace::outcome`]).
    pub fn decode(&self, id: OutcomeId) -> Vec<u32> {
        let mut index = u64::from(id.0);
        let mut out = vec![0u32; self.levels.len()];
        for (slot, &n) in out.iter_mut().zip(&self.levels).rev() {
            let n = n.max(1);
            *slot = (index % n) as u32;
            index /= n;
        }
        out
    }

    /// Learns from one offer the opponent made.
    pub fn update(&mut self, offer: OutcomeId) {
        let levels = self.decode(offer);
        self.update_levels(&levels);
    }

    /// Learns from one offer given by its levels, one per issue.
    pub fn update_levels(&mut self, levels: &[u32]) {
        let n = self.levels.len();
        if levels.len() != n || n == 0 {
            return;
        }
        if let Some(last) = &self.last {
            let unchanged: Vec<bool> = last.iter().zip(levels).map(|(a, b)| a == b).collect();
            let n_unchanged = unchanged.iter().filter(|&&u| u).count();
            if n_unchanged > 0 {
                let golden = self.learning_coef / n as f64;
                let total = 1.0 + golden * n_unchanged as f64;
                let cap = 1.0 - n as f64 * golden / total;
                for (w, &same) in self.weights.iter_mut().zip(&unchanged) {
                    *w = if same && *w < cap { (*w + golden) / total } else { *w / total };
                }
                // The cap can leave the sum a little under one: renormalise.
                let sum: f64 = self.weights.iter().sum();
                if sum > 0.0 {
                    self.weights.iter_mut().for_each(|w| *w /= sum);
                }
            }
        }
        for (i, &v) in levels.iter().enumerate() {
            if let Some(score) = self.scores[i].get_mut(v as usize) {
                *score += self.value_addition;
                self.max_scores[i] = self.max_scores[i].max(*score);
            }
        }
        self.last = Some(levels.to_vec());
        self.offers += 1;
    }

    /// The estimated utility of `outcome` to the opponent, in `[0, 1]`.
    pub fn predict(&self, outcome: OutcomeId) -> f64 {
        self.predict_levels(&self.decode(outcome))
    }

    /// The estimated utility of the outcome with these levels.
    pub fn predict_levels(&self, levels: &[u32]) -> f64 {
        levels
            .iter()
            .enumerate()
            .take(self.levels.len())
            .map(|(i, &v)| self.weights[i] * self.value_utility(i, v))
            .sum()
    }

    /// Estimated issue weights (summing to one).
    pub fn issue_weights(&self) -> &[f64] {
        &self.weights
    }

    /// The estimated utility of level `level` of issue `issue`, in `[0, 1]`
    /// (0 for a level out of range).
    pub fn value_utility(&self, issue: usize, level: u32) -> f64 {
        match self.scores.get(issue).and_then(|s| s.get(level as usize)) {
            Some(&s) => s / self.max_scores[issue],
            None => 0.0,
        }
    }

    /// How many offers the model learnt from.
    pub fn offers_seen(&self) -> usize {
        self.offers
    }
}
