//! Kano classification of product attributes from functional/dysfunctional answer pairs.
//!
//! Each respondent answers two questions per attribute: "how do you feel if the
//! feature is present?" (functional) and "… if it is absent?" (dysfunctional), each
//! with one of five [`KanoAnswer`]s. The Berger et al. (1993) evaluation table turns
//! the pair into one of six [`KanoCategory`]s; a [`KanoTally`] counts them per
//! attribute (mergeable across partitions) and [`KanoTally::finish`] gives, per
//! attribute, the counts and shares, the category by mode, the satisfaction
//! coefficients Better and Worse, total and category strength, Fong's test of the
//! mode, and questionnaire-quality warnings for reverse and questionable answers.
//!
//! # Evaluation table
//! Rows = functional answer, columns = dysfunctional answer:
//!
//! | F ↓ / D → | Like | Must-be | Neutral | Live-with | Dislike |
//! |---|---|---|---|---|---|
//! | Like      | Q | A | A | A | O |
//! | Must-be   | R | I | I | I | M |
//! | Neutral   | R | I | I | I | M |
//! | Live-with | R | I | I | I | M |
//! | Dislike   | R | R | R | R | Q |
//!
//! # Reference
//! Berger, C. et al. (1993). "Kano's methods for understanding customer-defined
//! quality". *Center for Quality of Management Journal* 2(4), 3–36 (table, Better/Worse
//! as CS coefficients). Matzler, K., Hinterhuber, H. H., Bailom, F. & Sauerwein, E.
//! (1996). "How to delight your customers". *Journal of Product & Brand Management*
//! 5(2), 6–18 (mode rule M > O > A > I, total and category strength). Fong, D. (1996),
//! *Center for Quality of Management Journal* (significance of the mode; the formula
//! as given by the `stp25kano` R package, see `docs/formulas.md`).
//!
//! # Serialized format
//! [`KanoTally::to_bytes`] writes the versioned, checksummed envelope of
//! [`crate::metrics::tally`] with tally kind 10; the payload is the number of
//! attributes, then per attribute the UTF-8 name (length-prefixed), the six category
//! counts in the order A, O, M, I, R, Q and the missing count, all `u64` little-endian.
//!
//! # Examples
//! ```
//! use cx_core::kano::{KanoCategory, KanoOptions, KanoTally, classify_text};
//! let f = [Some("like"), Some("喜欢"), Some("must-be"), None];
//! let d = [Some("dislike"), Some("无所谓"), Some("dislike"), Some("dislike")];
//! let cats = classify_text(("f", &f[..]), ("d", &d[..]))?;
//! assert_eq!(cats[0], Some(KanoCategory::OneDimensional));
//! assert_eq!(cats[1], Some(KanoCategory::Attractive));
//! assert_eq!(cats[3], None); // a missing answer: counted, not dropped
//! let mut t = KanoTally::new();
//! t.update("delivery", &cats);
//! let s = t.finish(KanoOptions::default())?;
//! let a = &s.attributes[0];
//! assert_eq!((a.n, a.n_missing), (3, 1));
//! // Better = (A + O) / (A + O + M + I) = 2 / 3
//! assert!((a.better.unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-12);
//! # Ok::<(), cx_core::CxError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::metrics::tally::{decode, encode};
pub use crate::model::KanoAnswer;
use crate::{CxError, Result};

/// Tally kind of [`KanoTally`] in the serialized envelope.
const KIND: u8 = 10;

/// A Kano category (Berger et al. 1993).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KanoCategory {
    /// A: attractive (delighter): liked when present, tolerated when absent.
    Attractive,
    /// O: one-dimensional (performance): liked when present, disliked when absent.
    OneDimensional,
    /// M: must-be (basic): expected when present, disliked when absent.
    MustBe,
    /// I: indifferent.
    Indifferent,
    /// R: reverse: the respondent wants the opposite.
    Reverse,
    /// Q: questionable: a contradictory pair (like/like or dislike/dislike).
    Questionable,
}

impl KanoCategory {
    /// The six categories in the order A, O, M, I, R, Q (the order of counts).
    pub const ALL: [KanoCategory; 6] = [
        KanoCategory::Attractive,
        KanoCategory::OneDimensional,
        KanoCategory::MustBe,
        KanoCategory::Indifferent,
        KanoCategory::Reverse,
        KanoCategory::Questionable,
    ];

    /// Tie-break order of the mode: M > O > A > I (Matzler et al. 1996, after Berger
    /// et al. 1993), then R > Q.
    pub const PRIORITY: [KanoCategory; 6] = [
        KanoCategory::MustBe,
        KanoCategory::OneDimensional,
        KanoCategory::Attractive,
        KanoCategory::Indifferent,
        KanoCategory::Reverse,
        KanoCategory::Questionable,
    ];

    /// One-letter code: A, O, M, I, R or Q.
    pub fn letter(self) -> char {
        match self {
            KanoCategory::Attractive => 'A',
            KanoCategory::OneDimensional => 'O',
            KanoCategory::MustBe => 'M',
            KanoCategory::Indifferent => 'I',
            KanoCategory::Reverse => 'R',
            KanoCategory::Questionable => 'Q',
        }
    }

    /// Stable name: `attractive`, `one-dimensional`, `must-be`, `indifferent`,
    /// `reverse` or `questionable`.
    pub fn name(self) -> &'static str {
        match self {
            KanoCategory::Attractive => "attractive",
            KanoCategory::OneDimensional => "one-dimensional",
            KanoCategory::MustBe => "must-be",
            KanoCategory::Indifferent => "indifferent",
            KanoCategory::Reverse => "reverse",
            KanoCategory::Questionable => "questionable",
        }
    }

    fn index(self) -> usize {
        match self {
            KanoCategory::Attractive => 0,
            KanoCategory::OneDimensional => 1,
            KanoCategory::MustBe => 2,
            KanoCategory::Indifferent => 3,
            KanoCategory::Reverse => 4,
            KanoCategory::Questionable => 5,
        }
    }
}

impl std::str::FromStr for KanoCategory {
    type Err = CxError;
    /// A letter (`A`, `O`, `M`, `I`, `R`, `Q`, any case) or a name as [`KanoCategory::name`]
    /// gives it (also `one_dimensional`, `must_be`).
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        KanoCategory::ALL
            .into_iter()
            .find(|c| t == c.name() || t == c.letter().to_ascii_lowercase().to_string())
            .ok_or_else(|| {
                CxError::invalid(
                    "kano_category",
                    None,
                    s,
                    "expected A, O, M, I, R, Q or attractive, one-dimensional, must-be, \
                     indifferent, reverse, questionable",
                )
            })
    }
}

impl fmt::Display for KanoCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The category of one functional/dysfunctional pair, by the Berger et al. (1993) table
/// (see the module docs).
///
/// # Examples
/// ```
/// use cx_core::kano::{KanoAnswer as K, KanoCategory as C, evaluate};
/// assert_eq!(evaluate(K::Like, K::Neutral), C::Attractive);
/// assert_eq!(evaluate(K::Neutral, K::Dislike), C::MustBe);
/// assert_eq!(evaluate(K::Dislike, K::Like), C::Reverse);
/// ```
pub fn evaluate(functional: KanoAnswer, dysfunctional: KanoAnswer) -> KanoCategory {
    use KanoAnswer as K;
    use KanoCategory as C;
    match (functional, dysfunctional) {
        (K::Like, K::Like) | (K::Dislike, K::Dislike) => C::Questionable,
        (K::Like, K::Dislike) => C::OneDimensional,
        (K::Like, _) => C::Attractive,
        (K::Dislike, _) | (_, K::Like) => C::Reverse,
        (_, K::Dislike) => C::MustBe,
        _ => C::Indifferent,
    }
}

/// Parse one column of answer labels; `None`, empty and whitespace-only cells are missing.
///
/// Accepts what [`KanoAnswer`]'s parser accepts: like / must-be (expect) / neutral /
/// live-with (tolerate) / dislike, the Chinese labels 喜欢、理所当然、无所谓、能忍受、不喜欢,
/// and the codes 1–5 in that order.
///
/// # Errors
/// [`CxError::InvalidValue`] naming `field`, the 0-based row and the value.
pub fn parse_answers<S: AsRef<str>>(
    field: &str,
    values: &[Option<S>],
) -> Result<Vec<Option<KanoAnswer>>> {
    values
        .iter()
        .enumerate()
        .map(|(row, v)| match v.as_ref().map(AsRef::as_ref) {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => s.parse::<KanoAnswer>().map(Some).map_err(|_| {
                CxError::invalid(
                    field,
                    Some(row),
                    s,
                    "not a Kano answer: expected like, must-be, neutral, live-with, dislike \
                     (喜欢, 理所当然, 无所谓, 能忍受, 不喜欢) or 1-5",
                )
            }),
        })
        .collect()
}

/// Categories of answer pairs; a pair with either answer missing is `None`.
///
/// # Errors
/// [`CxError::LengthMismatch`] when the two columns differ in length.
pub fn classify_pairs(
    functional: &[Option<KanoAnswer>],
    dysfunctional: &[Option<KanoAnswer>],
) -> Result<Vec<Option<KanoCategory>>> {
    if functional.len() != dysfunctional.len() {
        return Err(CxError::LengthMismatch {
            what: "dysfunctional answers".into(),
            expected: functional.len(),
            got: dysfunctional.len(),
        });
    }
    Ok(functional
        .iter()
        .zip(dysfunctional)
        .map(|(f, d)| Some(evaluate((*f)?, (*d)?)))
        .collect())
}

/// Parse and classify two text columns `(name, cells)`: [`parse_answers`] then
/// [`classify_pairs`].
///
/// # Errors
/// [`CxError::InvalidValue`] naming the column, row and value of an unknown answer;
/// [`CxError::LengthMismatch`].
pub fn classify_text<S: AsRef<str>>(
    functional: (&str, &[Option<S>]),
    dysfunctional: (&str, &[Option<S>]),
) -> Result<Vec<Option<KanoCategory>>> {
    let f = parse_answers(functional.0, functional.1)?;
    let d = parse_answers(dysfunctional.0, dysfunctional.1)?;
    classify_pairs(&f, &d)
}

/// Counts of one attribute: the six categories (order A, O, M, I, R, Q) and missing pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KanoCounts {
    /// Counts in the order of [`KanoCategory::ALL`].
    pub counts: [u64; 6],
    /// Pairs with at least one answer missing.
    pub n_missing: u64,
}

impl KanoCounts {
    /// Counts in the order A, O, M, I, R, Q, and pairs with a missing answer.
    pub fn new(counts: [u64; 6], n_missing: u64) -> Self {
        Self { counts, n_missing }
    }
    /// Add `k` pairs of one category.
    pub fn add(&mut self, c: KanoCategory, k: u64) {
        self.counts[c.index()] += k;
    }
    /// Count of one category.
    pub fn get(&self, c: KanoCategory) -> u64 {
        self.counts[c.index()]
    }
    /// Classified pairs (all six categories).
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }
    fn merge(&mut self, o: &KanoCounts) {
        for (a, b) in self.counts.iter_mut().zip(o.counts) {
            *a += b;
        }
        self.n_missing += o.n_missing;
    }
}

/// Mergeable Kano state: category counts per attribute, in order of first appearance.
///
/// # Examples
/// ```
/// use cx_core::kano::{KanoCategory as C, KanoTally};
/// let mut a = KanoTally::new();
/// a.update("app", &[Some(C::MustBe), None]);
/// let mut b = KanoTally::new();
/// b.update("app", &[Some(C::Attractive)]);
/// a.merge(&b);
/// assert_eq!(KanoTally::from_bytes(&a.to_bytes())?, a);
/// let c = a.counts("app").copied().unwrap_or_default();
/// assert_eq!((c.n(), c.n_missing), (2, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KanoTally {
    attributes: Vec<(String, KanoCounts)>,
}

impl KanoTally {
    /// Empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&mut self, attribute: &str) -> &mut KanoCounts {
        let i = match self.attributes.iter().position(|(a, _)| a == attribute) {
            Some(i) => i,
            None => {
                self.attributes
                    .push((attribute.to_string(), KanoCounts::default()));
                self.attributes.len() - 1
            }
        };
        &mut self.attributes[i].1
    }

    /// Add one attribute's per-respondent categories (`None` = missing pair).
    pub fn update(&mut self, attribute: &str, categories: &[Option<KanoCategory>]) {
        let slot = self.slot(attribute);
        for c in categories {
            match c {
                Some(c) => slot.counts[c.index()] += 1,
                None => slot.n_missing += 1,
            }
        }
    }

    /// Add aggregated counts of one attribute (e.g. from a SQL `GROUP BY`).
    pub fn add_counts(&mut self, attribute: &str, counts: KanoCounts) {
        self.slot(attribute).merge(&counts);
    }

    /// Merge another tally: counts add per attribute name; attributes new to `self`
    /// are appended in `other`'s order (exact).
    pub fn merge(&mut self, other: &KanoTally) {
        for (a, c) in &other.attributes {
            self.slot(a).merge(c);
        }
    }

    /// Counts of one attribute, if seen.
    pub fn counts(&self, attribute: &str) -> Option<&KanoCounts> {
        self.attributes
            .iter()
            .find(|(a, _)| a == attribute)
            .map(|(_, c)| c)
    }

    /// Attribute names in order of first appearance.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(|(a, _)| a.as_str())
    }

    /// Per-attribute results.
    ///
    /// # Errors
    /// [`CxError::EmptyInput`] when no attribute was added; [`CxError::InvalidOption`]
    /// for thresholds outside 0–1 or a non-positive `fong_z`.
    pub fn finish(&self, opts: KanoOptions) -> Result<KanoSummary> {
        opts.check()?;
        if self.attributes.is_empty() {
            return Err(CxError::EmptyInput {
                what: "kano attributes".into(),
            });
        }
        let attributes: Vec<KanoAttribute> = self
            .attributes
            .iter()
            .map(|(a, c)| KanoAttribute::from_counts(a, *c, opts))
            .collect();
        let warnings = attributes
            .iter()
            .flat_map(|a| a.warnings.iter().cloned())
            .collect();
        Ok(KanoSummary {
            attributes,
            warnings,
            options: opts,
        })
    }

    /// Serialize (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&(self.attributes.len() as u64).to_le_bytes());
        for (a, c) in &self.attributes {
            p.extend_from_slice(&(a.len() as u64).to_le_bytes());
            p.extend_from_slice(a.as_bytes());
            for v in c.counts.iter().chain([&c.n_missing]) {
                p.extend_from_slice(&v.to_le_bytes());
            }
        }
        encode(KIND, &p)
    }

    /// Deserialize bytes written by [`KanoTally::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for a wrong magic, version or kind, a bad length or checksum,
    /// invalid UTF-8 or a repeated attribute.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = decode(bytes, KIND, "KanoTally")?;
        let n = r.u64()?;
        let mut t = Self::new();
        for _ in 0..n {
            let len = usize::try_from(r.u64()?).map_err(|_| r.err("name too long"))?;
            let name = std::str::from_utf8(r.bytes(len)?)
                .map_err(|_| r.err("attribute name is not UTF-8"))?
                .to_string();
            let mut c = KanoCounts::default();
            for v in c.counts.iter_mut() {
                *v = r.u64()?;
            }
            c.n_missing = r.u64()?;
            if t.counts(&name).is_some() {
                return Err(r.err("repeated attribute"));
            }
            t.attributes.push((name, c));
        }
        r.finish()?;
        Ok(t)
    }
}

/// Options of [`KanoTally::finish`].
///
/// # Examples
/// ```
/// let o = cx_core::kano::KanoOptions::new().questionable_max_share(0.02);
/// assert_eq!(o.questionable_max_share, 0.02);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KanoOptions {
    /// Warn when the share of questionable (Q) answers of an attribute exceeds this
    /// (0–1, default 0.05). A cx default, not a published threshold: Q answers mean the
    /// respondent contradicted themselves or misread the question (Berger et al. 1993).
    pub questionable_max_share: f64,
    /// Warn when the share of reverse (R) answers exceeds this (0–1, default 0.10): the
    /// attribute may be worded the wrong way round or split the market.
    pub reverse_max_share: f64,
    /// Multiplier of Fong's test (default 1.65, as Fong 1996).
    pub fong_z: f64,
}

impl Default for KanoOptions {
    fn default() -> Self {
        Self {
            questionable_max_share: 0.05,
            reverse_max_share: 0.10,
            fong_z: 1.65,
        }
    }
}

impl KanoOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set [`KanoOptions::questionable_max_share`].
    pub fn questionable_max_share(mut self, v: f64) -> Self {
        self.questionable_max_share = v;
        self
    }
    /// Set [`KanoOptions::reverse_max_share`].
    pub fn reverse_max_share(mut self, v: f64) -> Self {
        self.reverse_max_share = v;
        self
    }
    /// Set [`KanoOptions::fong_z`].
    pub fn fong_z(mut self, v: f64) -> Self {
        self.fong_z = v;
        self
    }
    fn check(&self) -> Result<()> {
        for (name, v) in [
            ("questionable_max_share", self.questionable_max_share),
            ("reverse_max_share", self.reverse_max_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(CxError::option(name, format!("must lie in 0-1, got {v}")));
            }
        }
        if !(self.fong_z.is_finite() && self.fong_z > 0.0) {
            return Err(CxError::option(
                "fong_z",
                format!("must be a positive number, got {}", self.fong_z),
            ));
        }
        Ok(())
    }
}

/// A questionnaire-quality warning about one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KanoWarning {
    /// The attribute.
    pub attribute: String,
    /// `"questionable"` (Q share above its threshold) or `"reverse"` (R share above its
    /// threshold).
    pub code: &'static str,
    /// Q or R answers.
    pub count: u64,
    /// Their share of classified pairs (0–1).
    pub share: f64,
    /// The threshold exceeded (0–1).
    pub threshold: f64,
}

impl fmt::Display for KanoWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {:.1}% {} answers ({}) exceed {:.1}%",
            self.attribute,
            100.0 * self.share,
            self.code,
            self.count,
            100.0 * self.threshold
        )
    }
}

/// Fong's (1996) test of whether the most frequent category beats the second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FongTest {
    /// `|m1 − m2|`, the difference of the two largest counts.
    pub statistic: f64,
    /// `z · √((m1 + m2)(2n − m1 − m2) / (2n))`, n = classified pairs.
    pub threshold: f64,
    /// `statistic ≥ threshold`: the mode is significant.
    pub significant: bool,
}

/// Result for one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KanoAttribute {
    /// Attribute name.
    pub attribute: String,
    /// Category counts (A, O, M, I, R, Q) and missing pairs.
    pub counts: KanoCounts,
    /// Classified pairs (all six categories).
    pub n: u64,
    /// Pairs with a missing answer.
    pub n_missing: u64,
    /// Share of each category in `n` (order A, O, M, I, R, Q; 0–1; NaN when n = 0).
    pub shares: [f64; 6],
    /// The mode, ties broken M > O > A > I > R > Q (`None` when n = 0).
    pub category: Option<KanoCategory>,
    /// The second most frequent category, same tie-break (`None` when no other
    /// category has answers).
    pub second_category: Option<KanoCategory>,
    /// Better (CS+) = (A + O) / (A + O + M + I), 0–1 (`None` without A, O, M or I).
    pub better: Option<f64>,
    /// Worse (CS−) = −(O + M) / (A + O + M + I), −1–0 (`None` without A, O, M or I).
    pub worse: Option<f64>,
    /// Total strength = (A + O + M) / n (0–1).
    pub total_strength: Option<f64>,
    /// Category strength = share of the mode − share of the second category (0–1).
    pub category_strength: Option<f64>,
    /// Fong's test of the mode (`None` when n = 0).
    pub fong: Option<FongTest>,
    /// Questionnaire-quality warnings.
    pub warnings: Vec<KanoWarning>,
}

impl KanoAttribute {
    fn from_counts(attribute: &str, counts: KanoCounts, opts: KanoOptions) -> Self {
        let n = counts.n();
        let nf = n as f64;
        let k = |c: KanoCategory| counts.get(c) as f64;
        use KanoCategory as C;
        let shares = counts.counts.map(|c| c as f64 / nf);
        // Mode and runner-up: the priority order sorted by count (stable, so ties keep it).
        let mut ranked = KanoCategory::PRIORITY;
        ranked.sort_by_key(|c| std::cmp::Reverse(counts.get(*c))); // stable: ties keep priority
        let category = (n > 0).then_some(ranked[0]);
        let second_category = (counts.get(ranked[1]) > 0).then_some(ranked[1]);
        let core = k(C::Attractive) + k(C::OneDimensional) + k(C::MustBe) + k(C::Indifferent);
        let (better, worse) = if core > 0.0 {
            (
                Some((k(C::Attractive) + k(C::OneDimensional)) / core),
                Some(-(k(C::OneDimensional) + k(C::MustBe)) / core),
            )
        } else {
            (None, None)
        };
        let (m1, m2) = (k(ranked[0]), k(ranked[1]));
        let fong = (n > 0).then(|| {
            let statistic = (m1 - m2).abs();
            let threshold = opts.fong_z * ((m1 + m2) * (2.0 * nf - m1 - m2) / (2.0 * nf)).sqrt();
            FongTest {
                statistic,
                threshold,
                significant: statistic >= threshold,
            }
        });
        let mut warnings = Vec::new();
        if n > 0 {
            for (code, c, max) in [
                ("questionable", C::Questionable, opts.questionable_max_share),
                ("reverse", C::Reverse, opts.reverse_max_share),
            ] {
                let share = k(c) / nf;
                if share > max {
                    warnings.push(KanoWarning {
                        attribute: attribute.to_string(),
                        code,
                        count: counts.get(c),
                        share,
                        threshold: max,
                    });
                }
            }
        }
        Self {
            attribute: attribute.to_string(),
            counts,
            n,
            n_missing: counts.n_missing,
            shares,
            category,
            second_category,
            better,
            worse,
            total_strength: (n > 0)
                .then(|| (k(C::Attractive) + k(C::OneDimensional) + k(C::MustBe)) / nf),
            category_strength: (n > 0).then(|| (m1 - m2) / nf),
            fong,
            warnings,
        }
    }

    /// Share of one category (0–1; NaN when n = 0).
    pub fn share(&self, c: KanoCategory) -> f64 {
        self.shares[c.index()]
    }
}

/// Per-attribute results of [`KanoTally::finish`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KanoSummary {
    /// One entry per attribute, in order of first appearance.
    pub attributes: Vec<KanoAttribute>,
    /// All attributes' questionnaire-quality warnings.
    pub warnings: Vec<KanoWarning>,
    /// The options used.
    pub options: KanoOptions,
}

/// One point of the Better/Worse diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScatterPoint {
    /// Attribute name.
    pub attribute: String,
    /// x = |Worse| = (O + M) / (A + O + M + I), 0–1: how much its absence dissatisfies.
    pub x: f64,
    /// y = Better = (A + O) / (A + O + M + I), 0–1: how much its presence satisfies.
    pub y: f64,
    /// The attribute's category by mode.
    pub category: Option<KanoCategory>,
    /// Quadrant of the diagram split at 0.5 on both axes: attractive (x < 0.5 ≤ y),
    /// one-dimensional (both ≥ 0.5), must-be (y < 0.5 ≤ x), indifferent (both < 0.5).
    /// A reading aid, not a test.
    pub quadrant: KanoCategory,
}

impl KanoSummary {
    /// Better/Worse diagram data, one point per attribute that has A, O, M or I answers.
    ///
    /// Convention: x = |Worse| (so both axes run 0–1 and "further right" means "more
    /// dissatisfying when absent"), y = Better.
    pub fn scatter(&self) -> Vec<ScatterPoint> {
        self.attributes
            .iter()
            .filter_map(|a| {
                let (x, y) = (-(a.worse?), a.better?);
                let x = x.abs();
                let quadrant = match (x >= 0.5, y >= 0.5) {
                    (false, true) => KanoCategory::Attractive,
                    (true, true) => KanoCategory::OneDimensional,
                    (true, false) => KanoCategory::MustBe,
                    (false, false) => KanoCategory::Indifferent,
                };
                Some(ScatterPoint {
                    attribute: a.attribute.clone(),
                    x,
                    y,
                    category: a.category,
                    quadrant,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KanoAnswer as K;
    use KanoCategory as C;

    #[test]
    fn evaluation_table_cell_by_cell() {
        // The Berger et al. (1993) table, row by row (F = like … dislike).
        let answers = [K::Like, K::MustBe, K::Neutral, K::LiveWith, K::Dislike];
        let table = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"];
        for (f, row) in answers.iter().zip(table) {
            for (d, want) in answers.iter().zip(row.chars()) {
                assert_eq!(evaluate(*f, *d).letter(), want, "{f:?}/{d:?}");
            }
        }
    }

    #[test]
    fn mode_tie_break_and_coefficients() -> Result<()> {
        // A=3, O=3, M=3, I=1: three-way tie → M, then O.
        let mut t = KanoTally::new();
        let mut v = vec![Some(C::Attractive); 3];
        v.extend([Some(C::OneDimensional); 3]);
        v.extend([Some(C::MustBe); 3]);
        v.push(Some(C::Indifferent));
        t.update("x", &v);
        let s = t.finish(KanoOptions::default())?;
        let a = &s.attributes[0];
        assert_eq!(a.category, Some(C::MustBe));
        assert_eq!(a.second_category, Some(C::OneDimensional));
        // Better = (3 + 3) / 10, Worse = −(3 + 3) / 10.
        assert_eq!(a.better, Some(0.6));
        assert_eq!(a.worse, Some(-0.6));
        // Fong: m1 = m2 = 3 → statistic 0, not significant.
        assert_eq!(a.fong.map(|f| f.significant), Some(false));
        // A single category: no runner-up.
        let mut one = KanoTally::new();
        one.update("y", &[Some(C::Attractive)]);
        let s = one.finish(KanoOptions::default())?;
        assert_eq!(s.attributes[0].second_category, None);
        Ok(())
    }

    #[test]
    fn unknown_answer_names_column_row_value() {
        let f = [Some("like"), Some("maybe")];
        let d = [Some("dislike"), Some("dislike")];
        let e = classify_text(("kano_app_functional", &f[..]), ("d", &d[..])).err();
        assert_eq!(
            e,
            Some(CxError::invalid(
                "kano_app_functional",
                Some(1),
                "maybe",
                "not a Kano answer: expected like, must-be, neutral, live-with, dislike \
                 (喜欢, 理所当然, 无所谓, 能忍受, 不喜欢) or 1-5"
            ))
        );
    }

    #[test]
    fn bad_bytes_are_format_errors() {
        let mut t = KanoTally::new();
        t.update("a", &[Some(C::MustBe)]);
        let mut b = t.to_bytes();
        let last = b.len() - 5;
        b[last] ^= 1;
        assert_eq!(
            KanoTally::from_bytes(&b).err().map(|e| e.code()),
            Some("format")
        );
        assert!(KanoTally::new().finish(KanoOptions::default()).is_err());
        assert_eq!("one_dimensional".parse::<C>().ok(), Some(C::OneDimensional));
        assert_eq!("m".parse::<C>().ok(), Some(C::MustBe));
        assert!("x".parse::<C>().is_err());
        assert!(
            t.finish(KanoOptions::new().questionable_max_share(2.0))
                .is_err()
        );
    }
}
