//! Run rules: Western Electric 1–4 and Nelson 1–8, selectable one by one.
//!
//! # Semantics (documented choices; they follow qcc 3.0 `R/rules.R`)
//! * Zones are judged on the **standardised** value `z = (x − center)/se`,
//!   where `se` is the point's own standard error, so per-point limits
//!   (unequal subgroup sizes) need no special case. The "2σ" and "1σ" zones
//!   are at `nsigmas·2/3` and `nsigmas/3` (qcc's `nsigmas*k/3`), so they stay
//!   the thirds of the band when `nsigmas ≠ 3`. (qcc 3.0 compares every point of
//!   a 3- or 5-point window with the limits of the window's *last* point; with
//!   equal sizes the two agree.)
//! * Rule 1 compares the statistic with the chart's actual limits (which may
//!   be probability limits or truncated at 0): strictly above UCL or below LCL.
//! * A point **exactly on the centre line breaks** a same-side run; equal
//!   consecutive values break a trend and an alternation; a missing (NaN) point
//!   breaks every run and is never flagged.
//! * A rule flags the point that **completes** the pattern and every later point
//!   while the pattern continues (qcc's `qccRulesViolatingRun`); window rules
//!   (2 of 3, 4 of 5, 8 beyond 1σ on both sides) flag the last point of each
//!   qualifying window, which must itself be beyond the zone for 2 of 3 and 4
//!   of 5. A window needs all its points: "2 of 3" cannot fire before the
//!   third point (qcc's `embed`). Points beyond 3σ count as beyond 2σ and 1σ.
//! * Trend (Nelson 3) and alternation (Nelson 4) use the raw statistics, as qcc does.
//! * When several rules fire at a point, the per-point summary code is the
//!   **lowest rule number** (so rule 1 takes precedence), as in qcc.
//!
//! # Reference
//! * Western Electric (1956). *Statistical Quality Control Handbook*, pp. 25–28.
//! * Nelson, L.S. (1984). "The Shewhart Control Chart—Tests for Special
//!   Causes". *J. Quality Technology* 16(4), 237–239.
//! * Scrucca, L. qcc 3.0, `R/rules.R` (default `rules = c(1, 4)` with the
//!   Western Electric set: beyond limits and 8 points on one side).

use serde::{Deserialize, Serialize};

use crate::{CxError, Result};

/// The numbering a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleFamily {
    /// Western Electric rules 1–4.
    WesternElectric,
    /// Nelson rules 1–8.
    Nelson,
    /// Anhøj's run-chart rules: 1 unusually long run, 2 too few crossings.
    Anhoej,
}

/// One run rule, named by its family and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// Family of the number.
    pub family: RuleFamily,
    /// Rule number within the family (1-based).
    pub number: u8,
}

impl Rule {
    /// Short description of the pattern.
    ///
    /// # Examples
    /// ```
    /// use cx_core::spc::{Rule, RuleFamily};
    /// let r = Rule { family: RuleFamily::Nelson, number: 2 };
    /// assert_eq!(r.description(), "9 points in a row on the same side of the center line");
    /// ```
    pub fn description(&self) -> &'static str {
        match (self.family, self.number) {
            (RuleFamily::Anhoej, 1) => "an unusually long run on one side of the median",
            (RuleFamily::Anhoej, 2) => "too few crossings of the median",
            (_, 1) => "1 point beyond the control limits",
            (RuleFamily::WesternElectric, 2) | (RuleFamily::Nelson, 5) => {
                "2 of 3 consecutive points beyond 2 sigma on the same side"
            }
            (RuleFamily::WesternElectric, 3) | (RuleFamily::Nelson, 6) => {
                "4 of 5 consecutive points beyond 1 sigma on the same side"
            }
            (RuleFamily::WesternElectric, 4) => {
                "8 points in a row on the same side of the center line"
            }
            (RuleFamily::Nelson, 2) => "9 points in a row on the same side of the center line",
            (RuleFamily::Nelson, 3) => "6 points in a row steadily increasing or decreasing",
            (RuleFamily::Nelson, 4) => "14 points in a row alternating up and down",
            (RuleFamily::Nelson, 7) => "15 points in a row within 1 sigma of the center line",
            (RuleFamily::Nelson, 8) => "8 points in a row beyond 1 sigma, on both sides",
            _ => "unknown rule",
        }
    }

    /// `"WE1"`…`"WE4"` or `"N1"`…`"N8"`.
    pub fn code(&self) -> String {
        match self.family {
            RuleFamily::WesternElectric => format!("WE{}", self.number),
            RuleFamily::Nelson => format!("N{}", self.number),
            RuleFamily::Anhoej => format!("A{}", self.number),
        }
    }
}

/// Which rules a chart applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleSet {
    /// qcc 3.0's default: Western Electric rules 1 and 4 (beyond limits; 8 in a
    /// row on one side).
    #[default]
    Qcc,
    /// All eight Nelson rules.
    Nelson,
    /// All four Western Electric rules.
    WesternElectric,
    /// No rules (limits only).
    None,
    /// A selection; build with [`RuleSet::custom`].
    Custom {
        /// Numbering of the selected rules.
        family: RuleFamily,
        /// Bit `r − 1` set when rule `r` is selected.
        mask: u8,
    },
}

impl RuleSet {
    /// A selection of rules by number within a family.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a number outside 1–4 (Western Electric)
    /// or 1–8 (Nelson).
    /// # Examples
    /// ```
    /// use cx_core::spc::{RuleFamily, RuleSet};
    /// let set = RuleSet::custom(RuleFamily::Nelson, &[1, 2, 5])?;
    /// assert_eq!(set.mask(), 0b1_0011);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn custom(family: RuleFamily, numbers: &[u8]) -> Result<Self> {
        let max = match family {
            RuleFamily::WesternElectric => 4,
            RuleFamily::Nelson => 8,
            RuleFamily::Anhoej => 2,
        };
        let mut mask = 0u8;
        for &r in numbers {
            if r == 0 || r > max {
                return Err(CxError::option(
                    "rules",
                    format!("rule numbers of this family run from 1 to {max}, got {r}"),
                ));
            }
            mask |= 1 << (r - 1);
        }
        Ok(RuleSet::Custom { family, mask })
    }

    /// Family whose numbers the flags use.
    pub fn family(&self) -> RuleFamily {
        match self {
            RuleSet::Nelson => RuleFamily::Nelson,
            RuleSet::Custom { family, .. } => *family,
            _ => RuleFamily::WesternElectric,
        }
    }

    /// Selected rules as a bit mask (bit `r − 1` for rule `r`).
    pub fn mask(&self) -> u8 {
        match self {
            RuleSet::Qcc => 0b1001,
            RuleSet::Nelson => 0xFF,
            RuleSet::WesternElectric => 0b1111,
            RuleSet::None => 0,
            RuleSet::Custom { mask, .. } => *mask,
        }
    }

    /// The same family restricted to rule 1 (used on moving-range charts,
    /// whose consecutive values are correlated).
    pub(crate) fn only_limits(&self) -> RuleSet {
        RuleSet::Custom {
            family: self.family(),
            mask: self.mask() & 1,
        }
    }

    /// The selected rules, in number order.
    pub fn rules(&self) -> Vec<Rule> {
        let family = self.family();
        (1..=8u8)
            .filter(|r| self.mask() & (1 << (r - 1)) != 0)
            .map(|number| Rule { family, number })
            .collect()
    }
}

/// One point as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RulePoint {
    /// The plotted statistic (NaN = missing).
    pub x: f64,
    /// Standardised value `(x − center)/se`.
    pub z: f64,
    /// `x < lcl`.
    pub below_lcl: bool,
    /// `x > ucl`.
    pub above_ucl: bool,
}

/// The incremental state of all rules: push points one at a time.
///
/// The batch charts and [`crate::spc::SpcMonitor`] both run this machine, so a
/// stream gives exactly the flags of the whole series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    family: RuleFamily,
    mask: u8,
    zone2: f64,
    zone1: f64,
    up: u32,
    down: u32,
    #[serde(with = "nan_as_null")]
    prev: f64,
    prev_diff: i8,
    inc: u32,
    dec: u32,
    alt: u32,
    within: u32,
    hi2: u8,
    lo2: u8,
    hi1: u8,
    lo1: u8,
    seen: u32,
}

impl RuleState {
    /// Fresh state for a rule set and limit width.
    pub fn new(rules: RuleSet, nsigmas: f64) -> Self {
        Self {
            family: rules.family(),
            mask: rules.mask(),
            zone2: nsigmas * 2.0 / 3.0,
            zone1: nsigmas / 3.0,
            up: 0,
            down: 0,
            prev: f64::NAN,
            prev_diff: 0,
            inc: 0,
            dec: 0,
            alt: 0,
            within: 0,
            hi2: 0,
            lo2: 0,
            hi1: 0,
            lo1: 0,
            seen: 0,
        }
    }

    /// Forget every run in progress (used at a stage boundary).
    pub fn reset(&mut self) {
        *self = Self {
            family: self.family,
            mask: self.mask,
            zone2: self.zone2,
            zone1: self.zone1,
            ..Self::new(RuleSet::None, 0.0)
        };
    }

    /// The family whose numbering the flags use.
    pub fn family(&self) -> RuleFamily {
        self.family
    }

    /// Push one point; returns the flags it raises (bit `r − 1` for rule `r`).
    #[inline(always)]
    pub fn push(&mut self, p: RulePoint) -> u8 {
        let RulePoint { x, z, .. } = p;
        if x.is_nan() || z.is_nan() {
            self.reset();
            return 0;
        }
        self.seen = self.seen.saturating_add(1);
        // Branch-free updates: on random data every condition below is a coin
        // flip, and mispredicted branches cost more than the arithmetic.
        // Same-side runs (a point on the centre line breaks both).
        let pos = u32::from(z > 0.0);
        let neg = u32::from(z < 0.0);
        self.up = (self.up + 1) * pos;
        self.down = (self.down + 1) * neg;
        // Trends and alternation on the raw statistic (NaN prev: no direction).
        let d = x - self.prev;
        let rise = u32::from(d > 0.0);
        let fall = u32::from(d < 0.0);
        let sign = rise as i8 - fall as i8;
        self.inc = (self.inc + 1) * rise;
        self.dec = (self.dec + 1) * fall;
        self.alt = (self.alt + 1) * u32::from((sign != 0) & (sign == -self.prev_diff));
        self.prev = x;
        self.prev_diff = sign;
        // Zone windows (bit 0 = this point).
        self.hi2 = (self.hi2 << 1) | u8::from(z > self.zone2);
        self.lo2 = (self.lo2 << 1) | u8::from(z < -self.zone2);
        self.hi1 = (self.hi1 << 1) | u8::from(z > self.zone1);
        self.lo1 = (self.lo1 << 1) | u8::from(z < -self.zone1);
        self.within = (self.within + 1) * u32::from(z.abs() <= self.zone1);

        let beyond = p.above_ucl | p.below_lcl;
        let two_of_three = (self.seen >= 3)
            & (((self.hi2 & 1 == 1) & ((self.hi2 & 0b111).count_ones() >= 2))
                | ((self.lo2 & 1 == 1) & ((self.lo2 & 0b111).count_ones() >= 2)));
        let four_of_five = (self.seen >= 5)
            & (((self.hi1 & 1 == 1) & ((self.hi1 & 0b1_1111).count_ones() >= 4))
                | ((self.lo1 & 1 == 1) & ((self.lo1 & 0b1_1111).count_ones() >= 4)));
        let run = |len: u32| (self.up >= len) | (self.down >= len);
        let flags = match self.family {
            RuleFamily::WesternElectric => {
                u8::from(beyond)
                    | u8::from(two_of_three) << 1
                    | u8::from(four_of_five) << 2
                    | u8::from(run(8)) << 3
            }
            RuleFamily::Nelson => {
                let mixture = ((self.hi1 | self.lo1) == 0xFF) & (self.hi1 != 0) & (self.lo1 != 0);
                u8::from(beyond)
                    | u8::from(run(9)) << 1
                    | u8::from((self.inc >= 5) | (self.dec >= 5)) << 2
                    | u8::from(self.alt >= 12) << 3
                    | u8::from(two_of_three) << 4
                    | u8::from(four_of_five) << 5
                    | u8::from(self.within >= 15) << 6
                    | u8::from(mixture) << 7
            }
            // The run chart evaluates Anhøj's rules on the whole series.
            RuleFamily::Anhoej => 0,
        };
        flags & self.mask
    }
}

/// Serialize a possibly-NaN f64 as JSON `null` (JSON has no NaN).
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_none()
        } else {
            s.serialize_some(v)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// The summary code of a flag mask: the lowest rule number set, if any.
#[inline]
pub fn summary_code(flags: u8) -> Option<u8> {
    (flags != 0).then(|| flags.trailing_zeros() as u8 + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn flags(xs: &[f64], set: RuleSet) -> Vec<u8> {
        // Centre 0, se 1, limits ±3.
        let mut st = RuleState::new(set, 3.0);
        xs.iter()
            .map(|&x| {
                st.push(RulePoint {
                    x,
                    z: x,
                    below_lcl: x < -3.0,
                    above_ucl: x > 3.0,
                })
            })
            .collect()
    }

    fn flagged(xs: &[f64], set: RuleSet, bit: u8) -> Vec<usize> {
        flags(xs, set)
            .iter()
            .enumerate()
            .filter(|(_, f)| *f & (1 << (bit - 1)) != 0)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn beyond_limits_is_strict() {
        assert_eq!(
            flagged(&[3.0, 3.01, -3.0, -3.5], RuleSet::Nelson, 1),
            vec![1, 3]
        );
    }

    #[test]
    fn run_flags_completing_point_and_continuation() {
        let mut xs = vec![0.5; 10];
        xs.push(-0.1);
        assert_eq!(flagged(&xs, RuleSet::Nelson, 2), vec![8, 9]);
        assert_eq!(flagged(&xs, RuleSet::Qcc, 4), vec![7, 8, 9]);
        // A point on the centre line breaks the run.
        let mut ys = vec![0.5; 5];
        ys.push(0.0);
        ys.extend([0.5; 5]);
        assert!(flagged(&ys, RuleSet::Nelson, 2).is_empty());
        assert!(flagged(&ys[..8], RuleSet::WesternElectric, 4).is_empty());
    }

    #[test]
    fn trend_needs_six_points() {
        let xs = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.6];
        assert_eq!(flagged(&xs, RuleSet::Nelson, 3), vec![5, 6]);
        assert!(flagged(&xs[..5], RuleSet::Nelson, 3).is_empty());
    }

    #[test]
    fn alternation_needs_fourteen_points() {
        let xs: Vec<f64> = (0..15)
            .map(|i| if i % 2 == 0 { 0.2 } else { -0.2 })
            .collect();
        assert_eq!(flagged(&xs, RuleSet::Nelson, 4), vec![13, 14]);
        assert!(flagged(&xs[..13], RuleSet::Nelson, 4).is_empty());
    }

    #[test]
    fn two_of_three_requires_last_point_beyond() {
        let xs = [2.5, 0.0, 2.5, 2.5, 0.0];
        assert_eq!(flagged(&xs, RuleSet::Nelson, 5), vec![2, 3]);
        // Both sides need the full window of 3 points.
        assert!(flagged(&[-2.5, -2.5], RuleSet::Nelson, 5).is_empty());
        assert!(flagged(&[-1.5, -1.5, -1.5, -1.5], RuleSet::Nelson, 6).is_empty());
        // Opposite sides do not count together.
        assert!(flagged(&[0.0, 2.5, -2.5], RuleSet::Nelson, 5).is_empty());
        // Beyond 3 sigma counts as beyond 2 sigma.
        assert_eq!(
            flagged(&[0.0, 3.5, 2.1], RuleSet::WesternElectric, 2),
            vec![2]
        );
    }

    #[test]
    fn four_of_five_and_fifteen_within_and_mixture() {
        let xs = [1.5, 1.5, 0.0, 1.5, 1.5];
        assert_eq!(flagged(&xs, RuleSet::Nelson, 6), vec![4]);
        assert_eq!(flagged(&xs, RuleSet::WesternElectric, 3), vec![4]);
        let within = vec![0.5; 16];
        assert_eq!(flagged(&within, RuleSet::Nelson, 7), vec![14, 15]);
        let mix = [1.5, -1.5, 1.5, -1.5, 1.5, 1.5, 1.5, 1.5, 1.5];
        assert_eq!(flagged(&mix, RuleSet::Nelson, 8), vec![7, 8]);
        let one_side = [1.5; 9];
        assert!(flagged(&one_side, RuleSet::Nelson, 8).is_empty());
    }

    #[test]
    fn missing_points_break_runs() {
        let mut xs = vec![0.5; 5];
        xs.push(f64::NAN);
        xs.extend([0.5; 5]);
        assert!(flags(&xs, RuleSet::Nelson).iter().all(|&f| f == 0));
    }

    #[test]
    fn custom_sets_and_codes() {
        assert!(RuleSet::custom(RuleFamily::WesternElectric, &[5]).is_err());
        assert_eq!(summary_code(0b1010), Some(2));
        assert_eq!(summary_code(0), None);
        assert_eq!(RuleSet::Qcc.rules().len(), 2);
    }
}
