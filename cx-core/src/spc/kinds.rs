//! The names users give a chart and its rules: the `kind=` and `rules=` of
//! `cx.spc.control_chart`, shared with the DMAIC control plan so a plan names
//! exactly what it will draw.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::chart::ChartKind;
use super::rules::{RuleFamily, RuleSet};
use crate::{CxError, Result};

/// A chart to build, as `control_chart(kind=...)` names it (a pair such as
/// x̄-R is one type; its [`ChartKind`]s are the primary and companion charts).
///
/// Serialized in snake case (`"xmr"`, `"xbar_r"`, ...); `"i_mr"`, the name the
/// first DMAIC control plans used, is read as `"xmr"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChartType {
    /// Individuals with moving range.
    #[serde(alias = "i_mr", alias = "imr")]
    Xmr,
    /// x̄ with R.
    XbarR,
    /// x̄ with S.
    XbarS,
    /// R alone.
    R,
    /// S alone.
    S,
    /// Proportion nonconforming.
    P,
    /// Number nonconforming.
    Np,
    /// Count of nonconformities.
    C,
    /// Nonconformities per unit.
    U,
    /// Laney p′.
    LaneyP,
    /// Laney u′.
    LaneyU,
    /// EWMA.
    Ewma,
    /// Tabular CUSUM.
    Cusum,
    /// Opportunities between events.
    G,
    /// Time between events.
    T,
    /// Run chart (Anhøj rules).
    Run,
}

const ALL: [(ChartType, &str); 16] = [
    (ChartType::Xmr, "xmr"),
    (ChartType::XbarR, "xbar_r"),
    (ChartType::XbarS, "xbar_s"),
    (ChartType::R, "r"),
    (ChartType::S, "s"),
    (ChartType::P, "p"),
    (ChartType::Np, "np"),
    (ChartType::C, "c"),
    (ChartType::U, "u"),
    (ChartType::LaneyP, "laney_p"),
    (ChartType::LaneyU, "laney_u"),
    (ChartType::Ewma, "ewma"),
    (ChartType::Cusum, "cusum"),
    (ChartType::G, "g"),
    (ChartType::T, "t"),
    (ChartType::Run, "run"),
];

impl ChartType {
    /// Every type, in the order the docs list them.
    pub fn all() -> impl Iterator<Item = ChartType> {
        ALL.iter().map(|&(t, _)| t)
    }

    /// The `kind=` literal.
    ///
    /// # Examples
    /// ```
    /// use cx_core::spc::ChartType;
    /// assert_eq!(ChartType::XbarR.name(), "xbar_r");
    /// assert_eq!("I-MR".parse::<ChartType>()?, ChartType::Xmr);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn name(&self) -> &'static str {
        ALL.iter()
            .find(|(t, _)| t == self)
            .map_or("xmr", |&(_, n)| n)
    }

    /// The kind of the chart this type puts first (its `secondary` is the
    /// companion: MR, R, S or the lower CUSUM).
    pub fn primary(&self) -> ChartKind {
        match self {
            ChartType::Xmr => ChartKind::Individuals,
            ChartType::XbarR | ChartType::XbarS => ChartKind::Xbar,
            ChartType::R => ChartKind::Range,
            ChartType::S => ChartKind::StdDev,
            ChartType::P => ChartKind::P,
            ChartType::Np => ChartKind::Np,
            ChartType::C => ChartKind::C,
            ChartType::U => ChartKind::U,
            ChartType::LaneyP => ChartKind::LaneyP,
            ChartType::LaneyU => ChartKind::LaneyU,
            ChartType::Ewma => ChartKind::Ewma,
            ChartType::Cusum => ChartKind::CusumUpper,
            ChartType::G => ChartKind::G,
            ChartType::T => ChartKind::T,
            ChartType::Run => ChartKind::Run,
        }
    }
}

impl FromStr for ChartType {
    type Err = CxError;
    /// The `kind=` literals, case-insensitive, `-`/space read as `_`, plus
    /// `"i_mr"`/`"imr"`/`"i"` for `"xmr"` and `"xbarr"`/`"xbars"`.
    fn from_str(s: &str) -> Result<Self> {
        let key = s.trim().to_lowercase().replace(['-', ' '], "_");
        let key = match key.as_str() {
            "i_mr" | "imr" | "i" => "xmr",
            "xbarr" => "xbar_r",
            "xbars" => "xbar_s",
            k => k,
        };
        ALL.iter()
            .find(|(_, n)| *n == key)
            .map(|&(t, _)| t)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|(_, n)| *n).collect();
                CxError::invalid(
                    "chart",
                    None,
                    s,
                    format!("expected one of {}", names.join(", ")),
                )
            })
    }
}

/// The `rules=` literal of a preset (`None` for a custom selection).
pub fn rules_name(rules: &RuleSet) -> Option<&'static str> {
    match rules {
        RuleSet::Qcc => Some("qcc"),
        RuleSet::Nelson => Some("nelson"),
        RuleSet::WesternElectric => Some("western_electric"),
        RuleSet::None => Some("none"),
        RuleSet::Custom { .. } => None,
    }
}

/// Parse a `rules=` literal: `"qcc"`, `"nelson"`, `"western_electric"`
/// (`"we"`, `"weco"`), `"none"`; `"basic"` (`"rule1"`, `"3sigma"`: the first
/// control plans' name for rule 1 alone) is Western Electric rule 1.
///
/// # Errors
/// [`CxError::InvalidValue`] naming the choices.
/// # Examples
/// ```
/// use cx_core::spc::{parse_rules, RuleSet};
/// assert_eq!(parse_rules("Western Electric")?, RuleSet::WesternElectric);
/// assert_eq!(parse_rules("basic")?.mask(), 1);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn parse_rules(s: &str) -> Result<RuleSet> {
    let key = s.trim().to_lowercase().replace(['-', ' '], "_");
    Ok(match key.as_str() {
        "qcc" => RuleSet::Qcc,
        "nelson" => RuleSet::Nelson,
        "western_electric" | "we" | "weco" => RuleSet::WesternElectric,
        "none" => RuleSet::None,
        "basic" | "rule1" | "3sigma" => RuleSet::Custom {
            family: RuleFamily::WesternElectric,
            mask: 1,
        },
        _ => {
            return Err(CxError::invalid(
                "rules",
                None,
                s,
                "expected one of qcc, nelson, western_electric, none (or a list of rule codes)",
            ));
        }
    })
}

/// Serde form of a [`RuleSet`] as `control_chart(rules=...)` takes it: a
/// preset's literal, or the list of rule codes (`["N1", "N2"]`, `["WE1"]`).
/// Reads those, the first control plans' names (`"basic"`, `"western_electric"`,
/// `"nelson"`), and [`RuleSet`]'s own serde form.
pub mod rules_literal {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{RuleFamily, RuleSet, parse_rules, rules_name};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        Name(String),
        Codes(Vec<Code>),
        Own(RuleSet),
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Number(u8),
        Text(String),
    }

    /// Write a preset's name or the list of codes.
    ///
    /// # Errors
    /// Those of the serializer.
    pub fn serialize<S: Serializer>(rules: &RuleSet, s: S) -> Result<S::Ok, S::Error> {
        match rules_name(rules) {
            Some(name) => name.serialize(s),
            None => rules
                .rules()
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .serialize(s),
        }
    }

    /// Read any of the accepted forms.
    ///
    /// # Errors
    /// An unknown name or code, or a mix of families.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<RuleSet, D::Error> {
        use serde::de::Error;
        match Form::deserialize(d)? {
            Form::Name(n) => parse_rules(&n).map_err(D::Error::custom),
            Form::Own(r) => Ok(r),
            Form::Codes(codes) => {
                let mut family = None;
                let mut numbers = Vec::with_capacity(codes.len());
                for c in codes {
                    let (f, n) = match c {
                        Code::Number(n) => (RuleFamily::Nelson, n),
                        Code::Text(t) => {
                            let up = t.to_ascii_uppercase();
                            let (f, rest) = if let Some(r) = up.strip_prefix("WE") {
                                (RuleFamily::WesternElectric, r)
                            } else if let Some(r) = up.strip_prefix('N') {
                                (RuleFamily::Nelson, r)
                            } else {
                                return Err(D::Error::custom(format!("unknown rule code {t:?}")));
                            };
                            let n = rest.parse::<u8>().map_err(|_| {
                                D::Error::custom(format!("unknown rule code {t:?}"))
                            })?;
                            (f, n)
                        }
                    };
                    if family.is_some_and(|g| g != f) {
                        return Err(D::Error::custom("mix of Nelson and Western Electric codes"));
                    }
                    family = Some(f);
                    numbers.push(n);
                }
                RuleSet::custom(family.unwrap_or(RuleFamily::Nelson), &numbers)
                    .map_err(D::Error::custom)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Plan {
        chart: ChartType,
        #[serde(with = "rules_literal")]
        rules: RuleSet,
    }

    #[test]
    fn names_round_trip_and_old_names_read() {
        for t in ChartType::all() {
            assert_eq!(t.name().parse::<ChartType>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.name()));
        }
        let old: Plan = serde_json::from_str(r#"{"chart": "i_mr", "rules": "basic"}"#).unwrap();
        assert_eq!(old.chart, ChartType::Xmr);
        assert_eq!(old.rules.mask(), 1);
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"chart":"xmr","rules":["WE1"]}"#
        );
        for rules in [
            RuleSet::Nelson,
            RuleSet::Qcc,
            RuleSet::WesternElectric,
            RuleSet::None,
            RuleSet::custom(RuleFamily::Nelson, &[1, 2, 5]).unwrap(),
        ] {
            let p = Plan {
                chart: ChartType::XbarS,
                rules,
            };
            let back: Plan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
            assert_eq!(back, p);
        }
        let nums: Plan = serde_json::from_str(r#"{"chart": "p", "rules": [1, 3]}"#).unwrap();
        assert_eq!(nums.rules.mask(), 0b101);
        assert!(serde_json::from_str::<Plan>(r#"{"chart": "p", "rules": ["N1", "WE2"]}"#).is_err());
        assert!(serde_json::from_str::<Plan>(r#"{"chart": "pie", "rules": "qcc"}"#).is_err());
        assert!("pie".parse::<ChartType>().is_err());
        assert!(parse_rules("all").is_err());
    }
}
