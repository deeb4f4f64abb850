//! Streaming phase II monitoring: limits frozen from phase I, points pushed
//! one at a time, each signal reported as it happens.
//!
//! The monitor runs the same [`RuleState`] machine as the batch charts, so a
//! stream raises exactly the flags the batch chart would; its state (limits,
//! runs in progress, the last points) serializes with serde, so a service can
//! restart without forgetting a run that has not yet completed.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::chart::{ControlChart, point};
use super::rules::{Rule, RuleSet, RuleState};
use crate::{CxError, Result};

/// Version of the serialized state.
const STATE_VERSION: u32 = 1;

/// One signal: a rule that fired at a point, with the points forming the pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// 0-based index of the point in the stream.
    pub index: u64,
    /// The point's value.
    pub value: f64,
    /// The rule.
    pub rule: Rule,
    /// Stream indices of the points that make up the pattern (oldest first).
    pub points: Vec<u64>,
}

/// A phase II monitor with frozen limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcMonitor {
    version: u32,
    center: f64,
    se: f64,
    lcl: f64,
    ucl: f64,
    nsigmas: f64,
    rules: RuleSet,
    state: RuleState,
    count: u64,
    recent: VecDeque<u64>,
}

/// Number of points a pattern can span (Nelson 7: 15 in a row).
const SPAN: usize = 15;

impl SpcMonitor {
    /// Monitor with the given centre, standard error of a point and limits.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a non-finite centre, a negative standard
    /// error, or `lcl > ucl`.
    /// # Examples
    /// ```
    /// use cx_core::spc::{SpcMonitor, RuleSet};
    /// let mut m = SpcMonitor::new(10.0, 1.0, 7.0, 13.0, 3.0, RuleSet::Nelson)?;
    /// assert!(m.push(10.5).is_empty());
    /// let s = m.push(13.5);
    /// assert_eq!(s[0].rule.number, 1);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn new(
        center: f64,
        se: f64,
        lcl: f64,
        ucl: f64,
        nsigmas: f64,
        rules: RuleSet,
    ) -> Result<Self> {
        let bad = |v: f64| v.is_nan() || v < 0.0;
        if !center.is_finite() || bad(se) || lcl > ucl || bad(nsigmas) || nsigmas == 0.0 {
            return Err(CxError::option(
                "limits",
                format!(
                    "need a finite centre, se ≥ 0, lcl ≤ ucl and nsigmas > 0; got {center}, {se}, {lcl}, {ucl}, {nsigmas}"
                ),
            ));
        }
        Ok(Self {
            version: STATE_VERSION,
            center,
            se,
            lcl,
            ucl,
            nsigmas,
            rules,
            state: RuleState::new(rules, nsigmas),
            count: 0,
            recent: VecDeque::with_capacity(SPAN),
        })
    }

    /// Freeze the limits of a chart's last point (its last stage).
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] for an empty chart.
    pub fn from_chart(chart: &ControlChart) -> Result<Self> {
        let Some(i) = chart.len().checked_sub(1) else {
            return Err(CxError::EmptyInput {
                what: "chart".into(),
            });
        };
        Self::new(
            chart.center.get(i),
            chart.se.get(i),
            chart.lcl.get(i),
            chart.ucl.get(i),
            chart.nsigmas,
            chart.rules,
        )
    }

    /// Number of points pushed so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// (centre, se, lcl, ucl).
    pub fn limits(&self) -> (f64, f64, f64, f64) {
        (self.center, self.se, self.lcl, self.ucl)
    }

    /// Push one point; returns the signals it raises (possibly none).
    pub fn push(&mut self, x: f64) -> Vec<Signal> {
        let index = self.count;
        self.count += 1;
        if self.recent.len() == SPAN {
            self.recent.pop_front();
        }
        self.recent.push_back(index);
        let flags = self
            .state
            .push(point(x, self.center, self.se, self.lcl, self.ucl));
        let family = self.state.family();
        let mut out = Vec::new();
        let mut bits = flags;
        while bits != 0 {
            let number = bits.trailing_zeros() as u8 + 1;
            bits &= bits - 1;
            let rule = Rule { family, number };
            let span = span(rule);
            let points = self.recent.iter().rev().take(span).rev().copied().collect();
            out.push(Signal {
                index,
                value: x,
                rule,
                points,
            });
        }
        out
    }

    /// The state as JSON.
    ///
    /// # Errors
    /// [`CxError::Format`] if serialization fails (it does not for finite limits).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| CxError::Format {
            what: "SpcMonitor state".into(),
            reason: e.to_string(),
        })
    }

    /// Restore a state written by [`SpcMonitor::to_json`].
    ///
    /// # Errors
    /// [`CxError::Format`] for malformed JSON or another state version.
    pub fn from_json(s: &str) -> Result<Self> {
        let m: Self = serde_json::from_str(s).map_err(|e| CxError::Format {
            what: "SpcMonitor state".into(),
            reason: e.to_string(),
        })?;
        if m.version != STATE_VERSION {
            return Err(CxError::Format {
                what: "SpcMonitor state".into(),
                reason: format!("version {} is not {STATE_VERSION}", m.version),
            });
        }
        Ok(m)
    }
}

/// How many points make up a rule's pattern.
fn span(rule: Rule) -> usize {
    use super::rules::RuleFamily::{Nelson, WesternElectric};
    match (rule.family, rule.number) {
        (_, 1) => 1,
        (WesternElectric, 2) | (Nelson, 5) => 3,
        (WesternElectric, 3) | (Nelson, 6) => 5,
        (WesternElectric, 4) | (Nelson, 8) => 8,
        (Nelson, 2) => 9,
        (Nelson, 3) => 6,
        (Nelson, 4) => 14,
        (Nelson, 7) => 15,
        _ => 1,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::spc::{ChartOptions, xmr};

    fn series() -> Vec<f64> {
        // Deterministic pseudo-random walk with a shift, a trend and a spike.
        let mut s = 7u64;
        let mut out = Vec::new();
        for i in 0..400 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            let shift = if (150..170).contains(&i) { 1.5 } else { 0.0 };
            let trend = if (250..258).contains(&i) {
                (i - 250) as f64 * 0.4
            } else {
                0.0
            };
            out.push(10.0 + 2.0 * u + shift + trend + if i == 300 { 9.0 } else { 0.0 });
        }
        out
    }

    #[test]
    fn stream_equals_batch_and_survives_restart() {
        let x = series();
        let phase1 = 100;
        let chart = xmr(
            &x,
            ChartOptions::new().phase1(phase1).rules(RuleSet::Nelson),
        )
        .unwrap();
        let calib = xmr(&x[..phase1], ChartOptions::new().rules(RuleSet::Nelson)).unwrap();
        let mut m = SpcMonitor::from_chart(&calib).unwrap();
        let mut uninterrupted = Vec::new();
        for &v in &x {
            uninterrupted.extend(m.push(v));
        }
        // Same flags as the batch chart, point by point.
        let mut flags = vec![0u8; x.len()];
        for s in &uninterrupted {
            flags[s.index as usize] |= 1 << (s.rule.number - 1);
        }
        assert_eq!(flags, chart.flags);
        assert!(uninterrupted.iter().any(|s| s.rule.number == 2));
        // Restart mid-run (inside the shift) at every point from 140 to 180.
        for cut in 140..180 {
            let mut a = SpcMonitor::from_chart(&calib).unwrap();
            let mut got = Vec::new();
            for &v in &x[..cut] {
                got.extend(a.push(v));
            }
            let mut b = SpcMonitor::from_json(&a.to_json().unwrap()).unwrap();
            for &v in &x[cut..] {
                got.extend(b.push(v));
            }
            assert_eq!(got, uninterrupted, "cut at {cut}");
        }
    }

    #[test]
    fn bad_state_is_a_format_error() {
        assert_eq!(SpcMonitor::from_json("{").unwrap_err().code(), "format");
    }
}
