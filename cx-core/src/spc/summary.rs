//! The plain-language summary of a control chart as data ([`ControlSummary`]), so that
//! it can be worded in any language: [`ControlSummary::english`] is the text of
//! [`ControlChart::summary`]; the report words it in Chinese
//! ([`crate::report::Note`]).

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::chart::ControlChart;
use super::rules::{Rule, summary_code};

/// The facts behind a control chart's summary sentence.
///
/// # Examples
/// ```
/// use cx_core::spc::{xmr, RuleSet};
/// let c = xmr(&[5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 30.0], RuleSet::Nelson)?;
/// let s = c.summary_data();
/// assert_eq!((s.points, s.flagged, s.first), (9, 1, Some(8)));
/// assert_eq!(s.by_rule, [("N1".to_string(), 1)]);
/// assert_eq!(s.english(), c.summary());
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlSummary {
    /// Chart kind ([`super::ChartKind::name`]: `"individuals"`, `"p"`, ...).
    pub chart: String,
    /// Points plotted.
    pub points: usize,
    /// Stages (1 without stage boundaries).
    pub stages: usize,
    /// Points in phase I (equal to `points` when no point is judged against frozen limits).
    pub phase1: usize,
    /// Points with at least one rule violation.
    pub flagged: usize,
    /// The first flagged point (0-based).
    pub first: Option<usize>,
    /// The rule reported at the first flagged point (the lowest-numbered one that fired).
    pub first_rule: Option<Rule>,
    /// Violations per rule code (`"N1"`, `"WE4"`, ...), in rule order, rules that fired only.
    pub by_rule: Vec<(String, usize)>,
}

impl ControlChart {
    /// The facts of [`ControlChart::summary`], to word in another language.
    pub fn summary_data(&self) -> ControlSummary {
        let family = self.rules.family();
        let mut per_rule = [0usize; 8];
        for &f in &self.flags {
            for (r, slot) in per_rule.iter_mut().enumerate() {
                if f & (1 << r) != 0 {
                    *slot += 1;
                }
            }
        }
        let first = self.flags.iter().position(|&f| f != 0);
        ControlSummary {
            chart: self.kind.name().to_string(),
            points: self.len(),
            stages: self.stages.len().max(1),
            phase1: self.phase1.min(self.len()),
            flagged: self.flags.iter().filter(|&&f| f != 0).count(),
            first,
            first_rule: first
                .and_then(|i| self.flags.get(i).copied())
                .and_then(summary_code)
                .map(|number| Rule { family, number }),
            by_rule: per_rule
                .iter()
                .enumerate()
                .filter(|(_, k)| **k > 0)
                .map(|(r, k)| {
                    let rule = Rule {
                        family,
                        number: r as u8 + 1,
                    };
                    (rule.code(), *k)
                })
                .collect(),
        }
    }
}

impl ControlSummary {
    /// One or two sentences in English (the text of [`ControlChart::summary`]).
    pub fn english(&self) -> String {
        let n = self.points;
        let mut s = format!("{} chart of {n} points", self.chart);
        if self.stages > 1 {
            let _ = write!(s, " in {} stages", self.stages);
        }
        if self.phase1 < n {
            let _ = write!(
                s,
                " ({} in phase I, {} judged against frozen limits)",
                self.phase1,
                n - self.phase1
            );
        }
        match self.first {
            None => s.push_str(
                ": no rule violations; the process looks stable (in statistical control).",
            ),
            Some(i) => {
                // Points are counted from 1 for readers; the index (from 0) finds the point
                // in `flags` and the input.
                let _ = write!(
                    s,
                    ": {} point(s) signal a special cause, first at point {} (index {i}",
                    self.flagged,
                    i + 1
                );
                if let Some(rule) = self.first_rule {
                    let _ = write!(s, "; {}", rule.description());
                }
                s.push(')');
                s.push_str(". By rule: ");
                let parts: Vec<String> = self
                    .by_rule
                    .iter()
                    .map(|(code, k)| format!("{code} {k}"))
                    .collect();
                s.push_str(&parts.join(", "));
                s.push_str(". Investigate these points before trusting the limits.");
            }
        }
        s
    }
}
