//! The parts of BigDL's epoch schedules: `Regime`s of an `EpochSchedule`, and the tabulated
//! decay function of `EpochDecay` and `EpochDecayWithWarmUp`.

use crate::error::{Error, Result};

/// BigDL's `Regime(startEpoch, endEpoch, config)`: in epochs `start_epoch..=end_epoch` the
/// method runs with the config's learning rate and weight decay (the keys ferrodl supports).
#[derive(Debug, Clone, PartialEq)]
pub struct Regime {
    pub start_epoch: u64,
    pub end_epoch: u64,
    pub learning_rate: Option<f64>,
    pub weight_decay: Option<f64>,
}

impl Regime {
    /// Checks the epochs and values.
    pub fn validate(&self) -> Result<()> {
        let finite = [self.learning_rate, self.weight_decay]
            .iter()
            .flatten()
            .all(|v| v.is_finite() && *v >= 0.0);
        if self.start_epoch == 0 || self.start_epoch > self.end_epoch || !finite {
            return Err(Error::invalid(
                "EpochSchedule",
                format!(
                    "a regime needs 1 <= startEpoch <= endEpoch and finite values >= 0: {self:?}"
                ),
            ));
        }
        Ok(())
    }

    /// The learning rate and weight decay in (stage) epoch `epoch`.
    ///
    /// BigDL applies every regime that covers the epoch, in order, by writing its values into
    /// the method, where they stay until another regime overwrites them. So the value of a key
    /// comes from the regime that set it last: the one covering the latest epoch `<= epoch`,
    /// the later one in the list on a tie; before any regime, the base rate (and no override).
    pub fn apply(regimes: &[Regime], base: f64, epoch: i64) -> (f64, Option<f64>) {
        let latest = |value: fn(&Regime) -> Option<f64>| {
            regimes
                .iter()
                .filter_map(|r| {
                    let v = value(r)?;
                    let last = (r.end_epoch as i64).min(epoch);
                    (r.start_epoch as i64 <= last).then_some((last, v))
                })
                // max_by_key keeps the last of equal keys: the later regime wins a tie.
                .max_by_key(|(last, _)| *last)
                .map(|(_, v)| v)
        };
        (
            latest(|r| r.learning_rate).unwrap_or(base),
            latest(|r| r.weight_decay),
        )
    }
}

/// A function of the epoch, tabulated by the JVM (a Scala function cannot cross into the
/// engine): `exponents[i]` holds from epoch `epochs[i]` until the next breakpoint, and the last
/// one for every later epoch. `epochs` starts at 1 and ascends; epochs below 1 (a stage of a
/// `SequentialSchedule` can start in its epoch 0) take the value of epoch 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DecayTable {
    pub epochs: Vec<u64>,
    pub exponents: Vec<f64>,
}

impl DecayTable {
    /// A table of one value per epoch from 1, compressed to its breakpoints.
    pub fn from_values(values: &[f64]) -> DecayTable {
        let mut t = DecayTable {
            epochs: Vec::new(),
            exponents: Vec::new(),
        };
        for (i, v) in values.iter().enumerate() {
            if t.exponents.last() != Some(v) {
                t.epochs.push(i as u64 + 1);
                t.exponents.push(*v);
            }
        }
        t
    }

    /// Checks the breakpoints.
    pub fn validate(&self) -> Result<()> {
        let ok = !self.epochs.is_empty()
            && self.epochs.len() == self.exponents.len()
            && self.epochs[0] == 1
            && self.epochs.windows(2).all(|w| w[0] < w[1])
            && self.exponents.iter().all(|e| e.is_finite());
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(
                "EpochDecay",
                "the decay table needs ascending epochs from 1 and one finite exponent each",
            ))
        }
    }

    /// The exponent in epoch `epoch`.
    pub fn at(&self, epoch: i64) -> f64 {
        let e = epoch.max(1) as u64;
        let i = self.epochs.partition_point(|s| *s <= e);
        self.exponents
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    }
}
