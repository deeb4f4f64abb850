//! Named segments as rectangles on (R, F, M) scores; the first matching rule wins.

use crate::{CxError, Result};

/// One named segment: inclusive score ranges on recency, frequency and monetary.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SegmentRule {
    /// Segment name.
    pub name: String,
    /// Recency score range (low, high), inclusive.
    pub recency: (u8, u8),
    /// Frequency score range, inclusive.
    pub frequency: (u8, u8),
    /// Monetary score range, inclusive.
    pub monetary: (u8, u8),
}

impl SegmentRule {
    /// A rule from its name and inclusive score ranges.
    pub fn new(
        name: impl Into<String>,
        recency: (u8, u8),
        frequency: (u8, u8),
        monetary: (u8, u8),
    ) -> Self {
        Self {
            name: name.into(),
            recency,
            frequency,
            monetary,
        }
    }
    /// Whether scores `(r, f, m)` fall in the rectangle.
    #[inline]
    pub fn matches(&self, r: u8, f: u8, m: u8) -> bool {
        let inside = |(lo, hi): (u8, u8), v: u8| lo <= v && v <= hi;
        inside(self.recency, r) && inside(self.frequency, f) && inside(self.monetary, m)
    }
}

/// A built-in rule: English name, Chinese name, then the R, F, M score ranges.
pub type RuleSpec = (&'static str, &'static str, (u8, u8), (u8, u8), (u8, u8));

/// The ten example segments of the R `rfm` package on 1–5 scores, in its order
/// (`rfm_segment()` documentation): name (English), Chinese label, R, F, M ranges.
///
/// # Reference
/// Hebbali, A. `rfm`: RFM Analysis, R package, `rfm_segment()` example
/// (github.com/rsquaredacademy/rfm, `R/rfm-segment.R`).
pub const RFM10: [RuleSpec; 10] = [
    ("Champions", "冠军客户", (5, 5), (5, 5), (5, 5)),
    ("Potential Loyalist", "潜在忠诚客户", (3, 5), (3, 5), (2, 5)),
    ("Loyal Customers", "忠诚客户", (2, 4), (2, 4), (2, 4)),
    ("Promising", "有潜力客户", (3, 4), (1, 3), (3, 5)),
    ("New Customers", "新客户", (4, 5), (1, 3), (1, 5)),
    ("Can't Lose Them", "不能失去的客户", (1, 2), (3, 4), (4, 5)),
    ("At Risk", "流失风险客户", (1, 2), (2, 5), (4, 5)),
    ("Need Attention", "需要关注客户", (1, 3), (3, 5), (3, 5)),
    ("About To Sleep", "即将沉睡客户", (2, 3), (1, 3), (1, 4)),
    ("Lost", "已流失客户", (1, 1), (1, 5), (1, 5)),
];

/// Label of customers no rule matches, in English and Chinese.
pub const OTHERS: (&str, &str) = ("Others", "其他");

/// Language of the built-in segment names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Labels {
    /// English (the `rfm` package's names).
    #[default]
    En,
    /// Chinese (direct translations; `rfm8` uses the 重要价值客户 family).
    Zh,
}

impl std::str::FromStr for Labels {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "en" => Ok(Labels::En),
            "zh" => Ok(Labels::Zh),
            other => Err(CxError::option(
                "labels",
                format!("must be one of {{en, zh}}, got {other:?}"),
            )),
        }
    }
}

/// The ten segments of the `rfm` package (1–5 scores) in the chosen language.
pub fn rfm10(labels: Labels) -> Vec<SegmentRule> {
    RFM10
        .iter()
        .map(|&(en, zh, r, f, m)| {
            SegmentRule::new(if labels == Labels::Zh { zh } else { en }, r, f, m)
        })
        .collect()
}

/// The eight-cell scheme common in Chinese CRM practice (重要价值客户 … 一般挽留客户):
/// each of R, F, M is "high" when its score is above the middle, `score > k/2`
/// (for `k = 5`: 3–5 high, 1–2 low). Practitioners often compare raw values with their
/// mean instead; here the split is on scores, so it follows the chosen binning.
///
/// | R | F | M | 中文 | English |
/// |---|---|---|---|---|
/// | high | high | high | 重要价值客户 | Important value |
/// | high | low | high | 重要发展客户 | Important development |
/// | low | high | high | 重要保持客户 | Important retention |
/// | low | low | high | 重要挽留客户 | Important win-back |
/// | high | high | low | 一般价值客户 | General value |
/// | high | low | low | 一般发展客户 | General development |
/// | low | high | low | 一般保持客户 | General retention |
/// | low | low | low | 一般挽留客户 | General win-back |
pub fn rfm8(k: u8, labels: Labels) -> Vec<SegmentRule> {
    let split = k / 2; // low = 1..=split, high = split+1..=k
    let (lo, hi) = ((1, split), (split + 1, k));
    let cells = [
        ("重要价值客户", "Important value", hi, hi, hi),
        ("重要发展客户", "Important development", hi, lo, hi),
        ("重要保持客户", "Important retention", lo, hi, hi),
        ("重要挽留客户", "Important win-back", lo, lo, hi),
        ("一般价值客户", "General value", hi, hi, lo),
        ("一般发展客户", "General development", hi, lo, lo),
        ("一般保持客户", "General retention", lo, hi, lo),
        ("一般挽留客户", "General win-back", lo, lo, lo),
    ];
    cells
        .iter()
        .map(|&(zh, en, r, f, m)| {
            SegmentRule::new(if labels == Labels::Zh { zh } else { en }, r, f, m)
        })
        .collect()
}

/// Check rules against `k` scores: every range inside 1..=k with low ≤ high, names unique.
///
/// # Errors
/// [`CxError::InvalidOption`] (`segments`) naming the rule.
pub fn validate(rules: &[SegmentRule], k: u8) -> Result<()> {
    for (i, r) in rules.iter().enumerate() {
        for (what, (lo, hi)) in [
            ("recency", r.recency),
            ("frequency", r.frequency),
            ("monetary", r.monetary),
        ] {
            if lo < 1 || hi > k || lo > hi {
                return Err(CxError::option(
                    "segments",
                    format!(
                        "rule {i} ({:?}): {what} range ({lo}, {hi}) must satisfy 1 <= low <= high <= {k}",
                        r.name
                    ),
                ));
            }
        }
        if rules[..i].iter().any(|o| o.name == r.name) {
            return Err(CxError::option(
                "segments",
                format!("rule {i}: duplicate name {:?}", r.name),
            ));
        }
    }
    Ok(())
}

/// Index of the first rule matching `(r, f, m)`, or `rules.len()` ("Others").
#[inline]
pub fn assign(rules: &[SegmentRule], r: u8, f: u8, m: u8) -> usize {
    rules
        .iter()
        .position(|x| x.matches(r, f, m))
        .unwrap_or(rules.len())
}

/// The segment of every score triple, as a table: entry `((r − 1)·k + f − 1)·k + m − 1`
/// is [`assign`]`(rules, r, f, m)` for scores `1..=k`.
///
/// With at most 9³ = 729 cells, building the table costs less than a rule scan per
/// customer, and a look-up per customer has no data-dependent branches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentTable {
    k: usize,
    cells: Vec<u16>,
}

impl SegmentTable {
    /// The table of `rules` over scores `1..=k` (rules already [`validate`]d).
    pub fn new(rules: &[SegmentRule], k: u8) -> Self {
        let mut cells = Vec::with_capacity(usize::from(k).pow(3));
        for r in 1..=k {
            for f in 1..=k {
                for m in 1..=k {
                    cells.push(assign(rules, r, f, m) as u16);
                }
            }
        }
        Self {
            k: usize::from(k),
            cells,
        }
    }
    /// Segment index of scores `(r, f, m)` (each `1..=k`); `None` outside the table.
    #[inline]
    pub fn get(&self, r: u8, f: u8, m: u8) -> Option<u16> {
        let at = |v: u8| usize::from(v).wrapping_sub(1);
        let (r, f, m) = (at(r), at(f), at(m));
        if r >= self.k || f >= self.k || m >= self.k {
            return None;
        }
        self.cells.get((r * self.k + f) * self.k + m).copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn first_match_wins_like_rfm_segment() {
        let rules = rfm10(Labels::En);
        validate(&rules, 5).unwrap();
        let name = |r, f, m| {
            rules
                .get(assign(&rules, r, f, m))
                .map_or("Others", |x| x.name.as_str())
        };
        assert_eq!(name(5, 5, 5), "Champions");
        assert_eq!(name(5, 5, 4), "Potential Loyalist");
        assert_eq!(name(1, 1, 1), "Lost");
        assert_eq!(name(2, 5, 5), "At Risk");
        assert_eq!(name(2, 3, 5), "Can't Lose Them");
        assert_eq!(name(2, 1, 5), "Others");
        assert_eq!(name(3, 1, 1), "About To Sleep");
    }

    #[test]
    fn table_equals_the_rule_scan() {
        let mut rules = rfm10(Labels::En);
        rules.push(SegmentRule::new("wide", (1, 5), (2, 4), (1, 1)));
        for k in [5u8, 9] {
            let rules = if k == 5 {
                rules.clone()
            } else {
                rfm8(k, Labels::En)
            };
            let t = SegmentTable::new(&rules, k);
            for r in 1..=k {
                for f in 1..=k {
                    for m in 1..=k {
                        assert_eq!(
                            t.get(r, f, m),
                            Some(assign(&rules, r, f, m) as u16),
                            "{r}{f}{m}"
                        );
                    }
                }
            }
            assert_eq!(t.get(0, 1, 1), None);
            assert_eq!(t.get(1, k + 1, 1), None);
        }
        assert_eq!(SegmentTable::new(&[], 3).get(2, 2, 2), Some(0));
    }

    #[test]
    fn rfm8_covers_the_cube() {
        for k in 2..=9u8 {
            let rules = rfm8(k, Labels::Zh);
            validate(&rules, k).unwrap();
            for r in 1..=k {
                for f in 1..=k {
                    for m in 1..=k {
                        assert!(assign(&rules, r, f, m) < 8);
                    }
                }
            }
        }
    }
}
