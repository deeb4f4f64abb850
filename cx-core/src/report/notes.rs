//! Notes of a report section: a translation key or free text, or structured facts
//! worded in the report's language (control-chart summaries, journey pain and
//! delight points).
//!
//! In JSON a note is a string, or an object tagged by `kind`:
//! `{"kind": "control_summary", "chart": "p", "points": 26, ...}` (the fields of
//! [`ControlSummary`]) or `{"kind": "journey_finding", "finding": "pain",
//! "touchpoint": "物流", ...}` (the fields of [`JourneyNote`]) or `{"kind": "share",
//! "label": "recovery_rate", "share": 0.4, "low": 0.2, "high": 0.6, "n": 20}` (a
//! [`ShareNote`]).
//!
//! ```
//! use cx_core::report::{Lang, Note};
//! let note: Note = serde_json::from_str(r#"{"kind": "journey_finding", "finding": "pain",
//!     "touchpoint": "Delivery", "n": 120, "score": -20.0, "gap": -30.0, "statistic": -4.5,
//!     "p_value": 1e-5, "q_value": 3e-5, "journey_score": 8.0}"#)?;
//! assert_eq!(note.render(Lang::Zh)?,
//!     "Delivery：显著低于旅程其余部分——得分 -20.0，其余部分 10.0（差值 -30.0，Welch t = -4.50，\
//!      p = 1.00e-5，BH q = 3.00e-5）；旅程整体 8.0；n = 120");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, tr};
use crate::journey::FindingKind;
use crate::journey::analysis::reason_en;
use crate::spc::{ControlSummary, Rule, RuleFamily};
use crate::{CxError, Result};

/// One paragraph of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Note {
    /// A translation key (see [`super::i18n`]) or free text shown as given.
    Text(String),
    /// Facts worded in the report's language.
    Data(NoteData),
}

/// Structured notes, tagged by `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoteData {
    /// The summary of a control chart ([`crate::spc::ControlChart::summary_data`]).
    ControlSummary(ControlSummary),
    /// A journey pain or delight point.
    JourneyFinding(JourneyNote),
    /// A share with its interval (closed-loop metrics of the funnel section).
    Share(ShareNote),
}

/// A share with its confidence interval, labelled by a translation key
/// (e.g. `contacted_within`, `recovery_rate`): rendered as
/// `label: 62.5% [40.9, 79.6] (n = 16)` in English and
/// `label：62.5%［40.9, 79.6］（n = 16）` in Chinese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShareNote {
    /// Translation key of the label (see [`super::i18n`]); shown as given when unknown.
    pub label: String,
    /// The share, 0..1.
    pub share: f64,
    /// Lower end of its interval, 0..1.
    pub low: f64,
    /// Upper end of its interval, 0..1.
    pub high: f64,
    /// Number of cases the share is taken over.
    pub n: u64,
}

/// A journey pain or delight point ([`crate::journey::Finding`]) with its touchpoint's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JourneyNote {
    /// `"pain"` or `"delight"`.
    pub finding: String,
    /// The touchpoint's name (data: shown as given).
    pub touchpoint: String,
    /// Scored responses at the touchpoint.
    pub n: u64,
    /// The touchpoint's score.
    pub score: f64,
    /// Score minus the rest of the journey.
    pub gap: f64,
    /// Welch t statistic.
    pub statistic: f64,
    /// Raw p-value.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted p-value.
    pub q_value: f64,
    /// The journey's score.
    pub journey_score: f64,
}

impl JourneyNote {
    /// The note of a finding of [`crate::journey::analyze`].
    pub fn from_finding(
        f: &crate::journey::Finding,
        touchpoint: impl Into<String>,
        journey_score: f64,
    ) -> Self {
        Self {
            finding: f.kind.name().to_string(),
            touchpoint: touchpoint.into(),
            n: f.n,
            score: f.score,
            gap: f.gap,
            statistic: f.statistic,
            p_value: f.p_value,
            q_value: f.q_value,
            journey_score,
        }
    }

    fn kind(&self) -> Result<FindingKind> {
        match self.finding.as_str() {
            "pain" => Ok(FindingKind::Pain),
            "delight" => Ok(FindingKind::Delight),
            other => Err(CxError::option(
                "finding",
                format!("a journey note is \"pain\" or \"delight\", got {other:?}"),
            )),
        }
    }
}

impl From<&str> for Note {
    fn from(s: &str) -> Self {
        Note::Text(s.to_string())
    }
}

impl From<String> for Note {
    fn from(s: String) -> Self {
        Note::Text(s)
    }
}

impl Note {
    /// The paragraph's text in `lang`.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a journey note that is neither pain nor delight.
    pub fn render(&self, lang: Lang) -> Result<String> {
        Ok(match self {
            Note::Text(s) => tr(lang, s).to_string(),
            Note::Data(NoteData::ControlSummary(c)) => match lang {
                Lang::Zh => control_zh(c),
                _ => c.english(),
            },
            Note::Data(NoteData::Share(x)) => {
                let (label, share, low, high) = (
                    tr(lang, &x.label),
                    100.0 * x.share,
                    100.0 * x.low,
                    100.0 * x.high,
                );
                match lang {
                    Lang::Zh => {
                        format!("{label}：{share:.1}%［{low:.1}, {high:.1}］（n = {}）", x.n)
                    }
                    _ => format!("{label}: {share:.1}% [{low:.1}, {high:.1}] (n = {})", x.n),
                }
            }
            Note::Data(NoteData::JourneyFinding(j)) => {
                let kind = j.kind()?;
                match lang {
                    Lang::Zh => journey_zh(kind, j),
                    _ => format!(
                        "{}: {}",
                        j.touchpoint,
                        reason_en(
                            kind,
                            j.score,
                            j.gap,
                            j.statistic,
                            j.p_value,
                            j.q_value,
                            j.journey_score,
                            j.n
                        )
                    ),
                }
            }
        })
    }
}

/// Chinese name of a chart kind ([`crate::spc::ChartKind::name`]).
fn chart_zh(name: &str) -> &str {
    match name {
        "individuals" => "单值（I）",
        "moving_range" => "移动极差（MR）",
        "xbar" => "均值（x̄）",
        "r" => "极差（R）",
        "s" => "标准差（S）",
        "p" => "不合格品率（p）",
        "np" => "不合格品数（np）",
        "c" => "缺陷数（c）",
        "u" => "单位缺陷数（u）",
        "laney_p" => "Laney p′",
        "laney_u" => "Laney u′",
        "g" => "事件间隔数（g）",
        "t" => "事件间隔时间（t）",
        "ewma" => "EWMA",
        "cusum_upper" => "上侧 CUSUM",
        "cusum_lower" => "下侧 CUSUM",
        "run" => "运行",
        other => other,
    }
}

/// Chinese description of a rule (the wording of [`Rule::description`]).
fn rule_zh(r: Rule) -> &'static str {
    match (r.family, r.number) {
        (RuleFamily::Anhoej, 1) => "中位数一侧的游程异常长",
        (RuleFamily::Anhoej, 2) => "穿越中位数的次数过少",
        (_, 1) => "1 个点超出控制限",
        (RuleFamily::WesternElectric, 2) | (RuleFamily::Nelson, 5) => {
            "连续 3 点中有 2 点在同一侧 2σ 之外"
        }
        (RuleFamily::WesternElectric, 3) | (RuleFamily::Nelson, 6) => {
            "连续 5 点中有 4 点在同一侧 1σ 之外"
        }
        (RuleFamily::WesternElectric, 4) => "连续 8 点落在中心线同一侧",
        (RuleFamily::Nelson, 2) => "连续 9 点落在中心线同一侧",
        (RuleFamily::Nelson, 3) => "连续 6 点持续上升或下降",
        (RuleFamily::Nelson, 4) => "连续 14 点上下交替",
        (RuleFamily::Nelson, 7) => "连续 15 点落在中心线 1σ 以内",
        (RuleFamily::Nelson, 8) => "连续 8 点落在中心线两侧 1σ 之外",
        _ => "未知规则",
    }
}

/// The summary of a control chart in Chinese (same facts as [`ControlSummary::english`];
/// points are numbered from 0 in both).
fn control_zh(c: &ControlSummary) -> String {
    let n = c.points;
    let mut s = format!("{}控制图，共 {n} 个点", chart_zh(&c.chart));
    if c.stages > 1 {
        let _ = write!(s, "，分 {} 个阶段", c.stages);
    }
    if c.phase1 < n {
        let _ = write!(
            s,
            "（第一阶段 {} 个点，其余 {} 个点按冻结的控制限判定）",
            c.phase1,
            n - c.phase1
        );
    }
    match c.first {
        None => s.push_str("：没有违反判异规则的点，过程稳定（处于统计受控状态）。"),
        Some(i) => {
            // Counted from 1 for readers, with the index (from 0) as in the English note.
            let _ = write!(
                s,
                "：{} 个点提示存在特殊原因，首个为第 {} 个点（索引 {i}",
                c.flagged,
                i + 1
            );
            if let Some(rule) = c.first_rule {
                let _ = write!(s, "；{}", rule_zh(rule));
            }
            s.push('）');
            s.push_str("。按规则：");
            let parts: Vec<String> = c
                .by_rule
                .iter()
                .map(|(code, k)| format!("{code} {k} 个"))
                .collect();
            s.push_str(&parts.join("，"));
            s.push_str("。请先调查这些点，再信任控制限。");
        }
    }
    s
}

fn journey_zh(kind: FindingKind, j: &JourneyNote) -> String {
    let side = if kind == FindingKind::Pain {
        "低于"
    } else {
        "高于"
    };
    format!(
        "{}：显著{side}旅程其余部分——得分 {:.1}，其余部分 {:.1}（差值 {:+.1}，Welch t = {:.2}，p = {:.2e}，BH q = {:.2e}）；旅程整体 {:.1}；n = {}",
        j.touchpoint,
        j.score,
        j.score - j.gap,
        j.gap,
        j.statistic,
        j.p_value,
        j.q_value,
        j.journey_score,
        j.n
    )
}

/// Translate a note for `lang` (free text and keys through [`tr`]).
pub(crate) fn render_all(notes: &[Note], lang: Lang) -> Result<Vec<String>> {
    notes.iter().map(|n| n.render(lang)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::{RuleSet, p_chart, xmr};

    fn note(json: &str) -> Note {
        serde_json::from_str(json).unwrap_or_else(|e| Note::Text(e.to_string()))
    }

    #[test]
    fn strings_stay_keys_or_text() -> Result<()> {
        assert_eq!(
            note(r#""kpi_note""#).render(Lang::Zh)?,
            tr(Lang::Zh, "kpi_note")
        );
        assert_eq!(note(r#""free text""#).render(Lang::Zh)?, "free text");
        Ok(())
    }

    #[test]
    fn control_summary_golden_zh_and_en() -> Result<()> {
        // Points 0–7 alternate 5/6; point 8 is far above the limits (Nelson 1).
        let c = xmr(
            &[5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 30.0],
            RuleSet::Nelson,
        )?;
        let n = Note::Data(NoteData::ControlSummary(c.summary_data()));
        assert_eq!(n.render(Lang::En)?, c.summary());
        assert_eq!(
            n.render(Lang::Zh)?,
            "单值（I）控制图，共 9 个点：1 个点提示存在特殊原因，首个为第 9 个点（索引 8；1 个点超出控制限）。按规则：N1 1 个。请先调查这些点，再信任控制限。"
        );
        // Round trip through JSON (what Python sends).
        let json = serde_json::to_string(&n).map_err(|e| CxError::option("json", e.to_string()))?;
        assert!(json.contains(r#""kind":"control_summary""#), "{json}");
        assert_eq!(note(&json), n);
        Ok(())
    }

    #[test]
    fn stable_chart_with_phase_two_golden_zh() -> Result<()> {
        let defectives = [5.0, 6.0, 5.0, 4.0, 6.0, 5.0, 5.0, 6.0, 4.0, 5.0];
        let sizes = [100.0; 10];
        let c = p_chart(
            &defectives,
            &sizes,
            crate::spc::ChartOptions::new()
                .rules(RuleSet::Nelson)
                .phase1(6),
        )?;
        let s = Note::Data(NoteData::ControlSummary(c.summary_data())).render(Lang::Zh)?;
        assert_eq!(
            s,
            "不合格品率（p）控制图，共 10 个点（第一阶段 6 个点，其余 4 个点按冻结的控制限判定）：没有违反判异规则的点，过程稳定（处于统计受控状态）。"
        );
        Ok(())
    }

    #[test]
    fn journey_golden_zh_and_en() -> Result<()> {
        let n = note(
            r#"{"kind": "journey_finding", "finding": "delight", "touchpoint": "门店自提",
            "n": 310, "score": 42.26, "gap": 35.1, "statistic": 6.123, "p_value": 2.5e-9,
            "q_value": 1.2e-8, "journey_score": 9.04}"#,
        );
        assert_eq!(
            n.render(Lang::Zh)?,
            "门店自提：显著高于旅程其余部分——得分 42.3，其余部分 7.2（差值 +35.1，Welch t = 6.12，p = 2.50e-9，BH q = 1.20e-8）；旅程整体 9.0；n = 310"
        );
        assert_eq!(
            n.render(Lang::En)?,
            "门店自提: significantly above the rest: score 42.3 vs 7.2 for the rest of the journey (gap +35.1, Welch t = 6.12, p = 2.50e-9, BH q = 1.20e-8); journey 9.0; n = 310"
        );
        Ok(())
    }

    #[test]
    fn share_golden_zh_and_en() -> Result<()> {
        let n = note(
            r#"{"kind": "share", "label": "recovery_rate", "share": 0.625, "low": 0.409, "high": 0.796, "n": 16}"#,
        );
        assert_eq!(
            n.render(Lang::En)?,
            "Recovery rate (re-survey score improved): 62.5% [40.9, 79.6] (n = 16)"
        );
        assert_eq!(
            n.render(Lang::Zh)?,
            "挽回率（回访复评分提高）：62.5%［40.9, 79.6］（n = 16）"
        );
        // An unknown label is shown as given.
        let odd = note(
            r#"{"kind": "share", "label": "x", "share": 0.5, "low": 0.25, "high": 0.75, "n": 4}"#,
        );
        assert_eq!(odd.render(Lang::Zh)?, "x：50.0%［25.0, 75.0］（n = 4）");
        Ok(())
    }

    #[test]
    fn a_bad_journey_finding_is_an_error() {
        let n = note(
            r#"{"kind": "journey_finding", "finding": "opportunity", "touchpoint": "x",
            "n": 1, "score": 0, "gap": 0, "statistic": 0, "p_value": 1, "q_value": 1,
            "journey_score": 0}"#,
        );
        assert!(matches!(
            n.render(Lang::En),
            Err(CxError::InvalidOption { .. })
        ));
    }
}
