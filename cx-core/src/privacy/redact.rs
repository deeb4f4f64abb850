//! Detection and redaction of personal data in free text.
//!
//! Every detector is a candidate regular expression (compiled once, in a
//! [`LazyLock`] static) followed by validation in code: boundaries, check
//! digits, dates, ranges and a little context. The regular expressions use
//! explicit ASCII classes (`[0-9]`, never `\d`, which is Unicode-aware) and no
//! `\b` (Chinese characters are word characters to Unicode, so `\b` finds no
//! boundary in `请联系zhang@example.com谢谢`); boundaries are checked in code.
//!
//! # Boundaries
//! A match must not touch a "word-like" character on either side: an ASCII
//! letter or digit, `_` (full-width forms count as their ASCII
//! counterparts, see below), or a placeholder such as
//! `[PHONE]` left by an earlier redaction (this keeps redaction idempotent).
//! A `.` or `-` between the match and a word-like character counts as
//! touching too (`ORD-13800138000`, `1.2.3.4.5`); a `/` does not
//! (`13800138000/13900139000`, `192.0.2.0/24`). So a phone number is never
//! carved out of a longer digit run or an alphanumeric code.
//!
//! # Reference
//! See the detectors' documentation on [`find_pii`] for the standards behind
//! each check.

use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;

use super::{PiiKind, PiiMatch, RedactOptions, Redacted};

/// One candidate pattern and how its candidates are validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Email,
    Mobile,
    Landline,
    E164,
    Id18,
    Id15,
    Card,
    Ipv4,
    Ipv6,
}

impl Shape {
    const ALL: [Shape; 9] = [
        Shape::Email,
        Shape::Id18,
        Shape::Id15,
        Shape::Card,
        Shape::Mobile,
        Shape::Landline,
        Shape::E164,
        Shape::Ipv4,
        Shape::Ipv6,
    ];

    fn kind(self) -> PiiKind {
        match self {
            Shape::Email => PiiKind::Email,
            Shape::Mobile | Shape::Landline | Shape::E164 => PiiKind::Phone,
            Shape::Id18 | Shape::Id15 => PiiKind::IdCard,
            Shape::Card => PiiKind::Card,
            Shape::Ipv4 | Shape::Ipv6 => PiiKind::Ip,
        }
    }

    fn regex(self) -> Option<&'static Regex> {
        let re: &'static Option<Regex> = match self {
            Shape::Email => &EMAIL,
            Shape::Mobile => &MOBILE,
            Shape::Landline => &LANDLINE,
            Shape::E164 => &E164,
            Shape::Id18 => &ID18,
            Shape::Id15 => &ID15,
            Shape::Card => &CARD,
            Shape::Ipv4 => &IPV4,
            Shape::Ipv6 => &IPV6,
        };
        re.as_ref()
    }

    /// Whether a candidate may be shortened at inner spaces (greedy groups).
    fn shrinks_at_spaces(self) -> bool {
        matches!(self, Shape::E164 | Shape::Card)
    }
}

// The patterns are constants, checked by the `all_patterns_compile` test; an
// `Option` keeps a panic out of library code all the same.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// RFC 5322 `dot-atom "@" dot-atom`, restricted to the atext characters that
/// real addresses use (letters, digits, `_ % + -`) so that quotes, slashes and
/// other punctuation around an address are not swallowed. Domains are
/// LDH labels with an alphabetic or punycode top-level label.
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:xn--[A-Za-z0-9\-]{1,59}|[A-Za-z]{2,63})",
    )
});

/// Chinese mobile (MIIT plan: 1[3-9]x, 11 digits) with optional `+86`, `86`
/// or `0086` prefix (optionally in parentheses), grouped by single spaces or
/// dashes anywhere (3-4-4 is usual, 4-3-4 and 3-3-5 occur).
static MOBILE: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?:\(?(?:\+|00)?86\)?[ \-]?)?1[3-9](?:[ \-]?[0-9]){9}"));

/// Chinese landline: trunk `0` + area code (`010`, `02x` or `0xxx`), optionally
/// in parentheses, a 7- or 8-digit subscriber number (optionally split 3/4-4)
/// and an optional extension (`-123`, `转123`, `分机123`, `ext 123`, `x123`).
static LANDLINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?:\((?:010|02[0-9]|0[3-9][0-9]{2})\)|(?:010|02[0-9]|0[3-9][0-9]{2}))[ \-]?[1-9][0-9]{2,3}[ \-]?[0-9]{4}(?:(?:-|转|分机|ext\.? ?|x)[0-9]{1,5})?",
    )
});

/// E.164: `+`, country code and subscriber digits with common separators.
/// The digit count (8–15) is checked in code.
static E164: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\+[1-9][0-9]{0,3}(?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,8}"));

/// 18-digit identity number, optionally grouped 6-8-4 by spaces.
static ID18: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"[1-9][0-9]{5} ?(?:19|20)[0-9]{2}[01][0-9][0-3][0-9] ?[0-9]{3}[0-9Xx]")
});

/// 15-digit legacy identity number (before 1999): area, YYMMDD, sequence.
static ID15: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[1-9][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}"));

/// Card number: a plain run or groups of 3–6 digits split by space or dash.
static CARD: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[0-9]{13,19}|[0-9]{3,6}(?:[ \-][0-9]{3,6}){2,5}"));

/// Dotted-quad IPv4; octet values are checked in code.
static IPV4: LazyLock<Option<Regex>> = LazyLock::new(|| compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}"));

/// IPv6 candidate (hex groups and colons, optional dotted-quad tail); the
/// standard library parser decides.
static IPV6: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}"));

/// Labels that, right before a number, make it an order, waybill, invoice or
/// ticket number rather than a card, landline or legacy identity number.
const ORDER_LABELS: &[&str] = &[
    "单号",
    "订单",
    "运单",
    "快递",
    "物流",
    "交易号",
    "流水号",
    "工单",
    "编号",
    "发票",
    "代码",
    "order",
    "order no",
    "order id",
    "tracking",
    "tracking no",
    "invoice",
    "ref",
    "ticket",
];

/// Labels that, right before a dotted quad, make it a version number.
const VERSION_LABELS: &[&str] = &[
    "版本",
    "版本号",
    "版本为",
    "固件",
    "version",
    "ver",
    "v",
    "build",
    "firmware",
];

/// A reusable redactor: the patterns are compiled once per process and shared.
///
/// # Examples
/// ```
/// use cx_core::privacy::{Redactor, RedactOptions};
/// let r = Redactor::new(RedactOptions::new());
/// let out = r.redact_many(&["邮箱 a@example.com", "无个人信息"]);
/// assert_eq!(out, vec!["邮箱 [EMAIL]".to_string(), "无个人信息".to_string()]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Redactor {
    opts: RedactOptions,
}

impl Redactor {
    /// A redactor detecting the kinds selected in `opts`.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::{PiiKind, Redactor};
    /// let r = Redactor::new(PiiKind::Ip.into());
    /// assert_eq!(r.redact("from 192.0.2.7").text, "from [IP]");
    /// ```
    pub fn new(opts: RedactOptions) -> Self {
        for shape in Shape::ALL {
            let _ = shape.regex();
        }
        Redactor { opts }
    }

    /// The options this redactor was built with.
    pub fn options(&self) -> RedactOptions {
        self.opts
    }

    /// Find personal data in `text`; see [`find_pii`].
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::{PiiKind, Redactor, RedactOptions};
    /// let m = Redactor::new(RedactOptions::new()).find("ip 203.0.113.9");
    /// assert_eq!((m[0].kind, m[0].start, m[0].end), (PiiKind::Ip, 3, 14));
    /// ```
    pub fn find(&self, text: &str) -> Vec<PiiMatch> {
        let Some((folded, map)) = fold_full_width(text) else {
            return self.find_folded(text);
        };
        self.find_folded(&folded)
            .into_iter()
            .filter_map(|m| {
                Some(PiiMatch {
                    kind: m.kind,
                    start: *map.get(m.start)?,
                    end: *map.get(m.end)?,
                })
            })
            .collect()
    }

    fn find_folded(&self, text: &str) -> Vec<PiiMatch> {
        let mut cands = Vec::new();
        let mut emails = Vec::new();
        for shape in Shape::ALL {
            scan(text, shape, &emails, &mut cands);
            if shape == Shape::Email {
                emails.clone_from(&cands);
            }
        }
        resolve(cands)
            .into_iter()
            .filter(|m| self.opts.detects(m.kind))
            .collect()
    }

    /// Redact `text`; see [`redact`].
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::{Redactor, RedactOptions};
    /// let r = Redactor::new(RedactOptions::new()).redact("卡号 4111 1111 1111 1111");
    /// assert_eq!(r.text, "卡号 [CARD]");
    /// ```
    pub fn redact(&self, text: &str) -> Redacted {
        let matches = self.find(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in &matches {
            out.push_str(text.get(last..m.start).unwrap_or_default());
            out.push_str(m.kind.placeholder());
            last = m.end;
        }
        out.push_str(text.get(last..).unwrap_or_default());
        Redacted { text: out, matches }
    }

    /// Redact a column of texts, returning only the redacted texts.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Redactor;
    /// let col = vec!["电话 13800138000".to_string(), String::new()];
    /// assert_eq!(Redactor::default().redact_many(&col), vec!["电话 [PHONE]", ""]);
    /// ```
    pub fn redact_many<S: AsRef<str>>(&self, texts: &[S]) -> Vec<String> {
        texts.iter().map(|t| self.redact(t.as_ref()).text).collect()
    }
}

/// Find personal data in `text`: sorted by start, non-overlapping, byte spans
/// into `text` on `char` boundaries.
///
/// What is detected (each match needs a boundary on both sides, see the
/// module documentation):
///
/// * **E-mail**: `local@domain` with a dot-atom local part of letters, digits
///   and `. _ % + -`, and a domain of LDH labels ending in an alphabetic or
///   `xn--` label. Quoted local parts, IP-literal domains, non-ASCII (IDN)
///   domains and obfuscations (`[at]`, `点com`) are not detected.
/// * **Phone**: Chinese mobiles `1[3-9]` + 9 digits with optional `+86`,
///   `86` or `0086` prefix and spaces or dashes between digits; Chinese landlines with a trunk
///   `0` area code (`010-62345678`, `(021) 6123 4567`, `0755-1234567转123`);
///   international numbers written `+` country code and 8–15 digits in all.
///   Landlines without area code, service numbers (`400-…`, `95588`) and
///   national numbers of other countries without `+` are not detected.
/// * **ID card**: 18-digit resident identity numbers whose MOD 11-2 check
///   character is right, whose first two digits are a province-level code and
///   whose birth date (1900–2099) exists; 15-digit legacy numbers with a
///   province code and an existing `19YYMMDD` birth date. Optional spaces in
///   6-8-4 grouping are accepted.
/// * **Card**: 13–19 digits, plain or grouped by spaces/dashes, Luhn-valid,
///   with an issuer prefix of a major scheme (first digit 3–6, or 2221–2720);
///   13 digits must start with 4 (Visa), 14 or 15 digits with 3 (Diners,
///   Amex). Bank account numbers that are not card numbers are not detected.
/// * **IP**: dotted-quad IPv4 with octets 0–255 without leading zeros, and
///   IPv6 in any RFC 4291 text form accepted by [`std::net::Ipv6Addr`]
///   (full, `::`-compressed, dotted-quad tail), containing a decimal digit.
///
/// Context: a card, landline or 15-digit candidate right after an order label
/// (`订单号`, `运单`, `发票代码`, `order`, `tracking`, ...) is taken as an order
/// number; a
/// dotted quad right after a version label (`版本`, `version`, `v`, ...) is
/// taken as a version. A bare `1.2.3.4` is redacted as an IP address.
///
/// Overlaps are resolved by [`PiiKind::precedence`] (e-mail > ID card > card >
/// phone > IP), then the longer match. Full-width forms typed by Chinese
/// input methods (`１３８ ００１３ ８０００`, `ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ`) are read as their
/// ASCII counterparts (U+FF01–U+FF5E → U+0021–U+007E, U+3000 → space); spans
/// still refer to the original text.
///
/// # Reference
/// * GB 11643-1999, *Citizen identification number*; ISO 7064:2003, MOD 11-2
///   check character.
/// * ISO/IEC 7812-1:2017, Annex B (Luhn formula for the check digit).
/// * ITU-T Recommendation E.164 (11/2010), *The international public
///   telecommunication numbering plan* (at most 15 digits).
/// * MIIT, 电信网编号计划 (2017): mobile numbers 13x–19x; landline trunk
///   prefix `0` and 2- or 3-digit area codes.
/// * RFC 5322 §3.4.1 (`addr-spec`), of which the dot-atom subset above.
/// * RFC 4291 §2.2 (IPv6 text forms) and RFC 5952 (recommended form).
///
/// # Examples
/// ```
/// use cx_core::privacy::{find_pii, PiiKind, RedactOptions};
/// let text = "请联系zhang.san@example.com谢谢";
/// let m = find_pii(text, RedactOptions::new());
/// assert_eq!(m.len(), 1);
/// assert_eq!(m[0].kind, PiiKind::Email);
/// assert_eq!(&text[m[0].start..m[0].end], "zhang.san@example.com");
/// // an order number is not a phone number
/// assert!(find_pii("订单号 202403011380013800", RedactOptions::new()).is_empty());
/// ```
pub fn find_pii(text: &str, opts: RedactOptions) -> Vec<PiiMatch> {
    Redactor::new(opts).find(text)
}

/// Replace personal data in `text` by typed placeholders (`[EMAIL]`,
/// `[PHONE]`, `[ID_CARD]`, `[CARD]`, `[IP]`), reporting what was replaced.
///
/// Detection is described on [`find_pii`]. Redaction is idempotent:
/// redacting a redacted text changes nothing.
///
/// # Examples
/// ```
/// use cx_core::privacy::{redact, RedactOptions};
/// let r = redact("身份证 11010519491231002X，电话 +86-138-0013-8000", RedactOptions::new());
/// assert_eq!(r.text, "身份证 [ID_CARD]，电话 [PHONE]");
/// assert_eq!(redact(&r.text, RedactOptions::new()).text, r.text);
/// ```
pub fn redact(text: &str, opts: RedactOptions) -> Redacted {
    Redactor::new(opts).redact(text)
}

/// Read full-width forms (U+FF01–U+FF5E) and the ideographic space (U+3000)
/// as their ASCII counterparts, as Chinese input methods in full-width mode
/// type them (`１３８ ００１３ ８０００`, `ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ`).
///
/// Returns `None` when there is nothing to fold; otherwise the folded text and,
/// for each byte offset of the folded text (and its end), the byte offset in
/// `text`. Each folded char stands for exactly one original char, so spans on
/// char boundaries map to spans on char boundaries.
fn fold_full_width(text: &str) -> Option<(String, Vec<usize>)> {
    let wide = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}';
    if !text.chars().any(wide) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let f = match c {
            '\u{3000}' => ' ',
            c if wide(c) => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c => c,
        };
        out.push(f);
        map.extend(std::iter::repeat_n(i, f.len_utf8()));
    }
    map.push(text.len());
    Some((out, map))
}

/// Keep the highest-precedence candidates (then the longest), drop overlaps.
fn resolve(mut cands: Vec<PiiMatch>) -> Vec<PiiMatch> {
    cands.sort_by_key(|m| {
        (
            m.kind.precedence(),
            std::cmp::Reverse(m.end - m.start),
            m.start,
        )
    });
    let mut kept: BTreeMap<usize, PiiMatch> = BTreeMap::new();
    for c in cands {
        // Kept spans are disjoint, so only the last one starting before
        // `c.end` can overlap `c`.
        let clash = kept
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        if !clash {
            kept.insert(c.start, c);
        }
    }
    kept.into_values().collect()
}

/// Collect the validated candidates of one shape.
fn scan(text: &str, shape: Shape, emails: &[PiiMatch], out: &mut Vec<PiiMatch>) {
    let Some(re) = shape.regex() else { return };
    let mut pos = 0;
    while pos <= text.len() {
        let Some(m) = re.find_at(text, pos) else {
            break;
        };
        match accept(text, shape, m.start(), m.end(), emails) {
            Some(end) => {
                out.push(PiiMatch {
                    kind: shape.kind(),
                    start: m.start(),
                    end,
                });
                pos = end.max(m.start() + 1);
            }
            None => pos = m.start() + 1,
        }
        while pos < text.len() && !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
}

/// Check a regex candidate `start..end`; return the accepted end (the
/// candidate may be shortened), if any.
fn accept(
    text: &str,
    shape: Shape,
    start: usize,
    end: usize,
    emails: &[PiiMatch],
) -> Option<usize> {
    if start == end || !left_ok(text, start, shape) {
        return None;
    }
    let cand = text.get(start..end)?;
    let mut ends = vec![end];
    if shape.shrinks_at_spaces() {
        ends.extend(cand.match_indices(' ').rev().map(|(i, _)| start + i));
    }
    if shape == Shape::Ipv6 {
        let trimmed = cand.trim_end_matches(':');
        ends.extend((start + trimmed.len()..end).rev());
    }
    ends.into_iter().find(|&e| {
        e > start
            && right_ok(text, e, shape)
            && text
                .get(start..e)
                .is_some_and(|c| valid(shape, c, text, start, emails))
    })
}

fn valid(shape: Shape, cand: &str, text: &str, start: usize, emails: &[PiiMatch]) -> bool {
    match shape {
        Shape::Email => valid_email(cand),
        Shape::Mobile => true,
        Shape::Landline => !after_label(text, start, ORDER_LABELS, emails),
        Shape::E164 => valid_e164(cand),
        Shape::Id18 => valid_id18(&digits_of(cand)),
        Shape::Id15 => valid_id15(cand) && !after_label(text, start, ORDER_LABELS, emails),
        Shape::Card => {
            valid_card(&digits_of(cand)) && !after_label(text, start, ORDER_LABELS, emails)
        }
        Shape::Ipv4 => valid_ipv4(cand) && !after_label(text, start, VERSION_LABELS, emails),
        Shape::Ipv6 => cand.bytes().any(|b| b.is_ascii_digit()) && Ipv6Addr::from_str(cand).is_ok(),
    }
}

// ---------------------------------------------------------------- boundaries

fn is_placeholder_end(before: &str) -> bool {
    PiiKind::ALL
        .iter()
        .any(|k| before.ends_with(k.placeholder()))
}

fn is_placeholder_start(after: &str) -> bool {
    PiiKind::ALL
        .iter()
        .any(|k| after.starts_with(k.placeholder()))
}

fn wordish(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn email_char(c: char) -> bool {
    wordish(c) || matches!(c, '%' | '+' | '-' | '.' | '@')
}

/// The text before `start` does not continue the candidate.
fn left_ok(text: &str, start: usize, shape: Shape) -> bool {
    let before = text.get(..start).unwrap_or_default();
    if is_placeholder_end(before) {
        return false;
    }
    let mut rev = before.chars().rev();
    let Some(prev) = rev.next() else { return true };
    if shape == Shape::Email {
        return !email_char(prev);
    }
    if wordish(prev) {
        return false;
    }
    if matches!(prev, '.' | '-') {
        let rest = &before[..before.len() - prev.len_utf8()];
        return !(rev.next().is_some_and(wordish) || is_placeholder_end(rest));
    }
    true
}

/// The text after `end` does not continue the candidate.
fn right_ok(text: &str, end: usize, shape: Shape) -> bool {
    let after = text.get(end..).unwrap_or_default();
    if is_placeholder_start(after) {
        return false;
    }
    let mut it = after.chars();
    let Some(next) = it.next() else { return true };
    if wordish(next) || (shape == Shape::Email && next == '@') {
        return false;
    }
    if matches!(next, '.' | '-') {
        let rest = &after[next.len_utf8()..];
        return !(it.next().is_some_and(wordish) || is_placeholder_start(rest));
    }
    true
}

/// `text[..start]`, less trailing separators, ends with one of `labels`
/// (ASCII case-insensitive; an ASCII label must start at a word boundary).
/// A label inside an e-mail match does not count, so redaction stays
/// idempotent.
fn after_label(text: &str, start: usize, labels: &[&str], emails: &[PiiMatch]) -> bool {
    let before = text.get(..start).unwrap_or_default();
    let trimmed = before.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '#' | '＃' | '=' | '.' | '为' | '是')
    });
    labels.iter().any(|label| {
        let n = label.len();
        if trimmed.len() < n || !trimmed.is_char_boundary(trimmed.len() - n) {
            return false;
        }
        let at = trimmed.len() - n;
        if !trimmed[at..].eq_ignore_ascii_case(label) {
            return false;
        }
        if emails.iter().any(|m| m.start < trimmed.len() && at < m.end) {
            return false;
        }
        let ascii = label.is_ascii();
        !ascii
            || !(trimmed[..at].chars().next_back().is_some_and(wordish)
                || is_placeholder_end(&trimmed[..at]))
    })
}

// ---------------------------------------------------------------- validators

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter_map(|b| match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'X' | b'x' => Some(10),
            _ => None,
        })
        .collect()
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    local.len() <= 64 && s.len() <= 254 && domain.split('.').all(|l| l.len() <= 63)
}

fn valid_e164(s: &str) -> bool {
    let n = s.bytes().filter(u8::is_ascii_digit).count();
    let opens = s.bytes().filter(|&b| b == b'(').count();
    let closes = s.bytes().filter(|&b| b == b')').count();
    (8..=15).contains(&n) && opens == closes && opens <= 1
}

/// Province-level codes of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong,
/// Macao) and 83 (residence permits for Taiwan residents).
fn valid_province(code: u32) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

fn number(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &x| acc * 10 + u32::from(x))
}

fn valid_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// ISO 7064 MOD 11-2 check character of the first 17 digits (10 = `X`).
///
/// Weights are `2^(17-i) mod 11`; the check value is `(12 - Σ mod 11) mod 11`.
fn id_check(d17: &[u8]) -> u8 {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = d17.iter().zip(W).map(|(&d, w)| u32::from(d) * w).sum();
    // `(12 - sum % 11) % 11` fits in u8: it is below 11.
    u8::try_from((12 - sum % 11) % 11).unwrap_or(u8::MAX)
}

fn valid_id18(d: &[u8]) -> bool {
    d.len() == 18
        && d[..17].iter().all(|&x| x < 10)
        && valid_province(number(&d[..2]))
        && valid_date(number(&d[6..10]), number(&d[10..12]), number(&d[12..14]))
        && (1900..=2099).contains(&number(&d[6..10]))
        && id_check(&d[..17]) == d[17]
}

fn valid_id15(s: &str) -> bool {
    let d = digits_of(s);
    d.len() == 15
        && d.iter().all(|&x| x < 10)
        && valid_province(number(&d[..2]))
        && valid_date(
            1900 + number(&d[6..8]),
            number(&d[8..10]),
            number(&d[10..12]),
        )
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Issuer prefixes of the major schemes: Visa 4; Mastercard 51–55 and
/// 2221–2720; American Express 34/37, JCB 35, Diners 30/36/38/39 (3);
/// Discover, UnionPay and Maestro 5/6.
fn valid_iin(d: &[u8]) -> bool {
    match d.first() {
        Some(3..=6) => true,
        Some(2) => (2221..=2720).contains(&number(&d[..4.min(d.len())])),
        _ => false,
    }
}

/// Lengths the schemes issue below 16 digits: 13 only Visa (4), 14 only
/// Diners (3), 15 Amex and Diners (3). This keeps EAN-13 barcodes (`690…`,
/// China's GS1 prefix) and other 13–15 digit codes out.
fn valid_length(d: &[u8]) -> bool {
    matches!(
        (d.len(), d.first()),
        (13, Some(4)) | (14, Some(3)) | (15, Some(3)) | (16..=19, _)
    )
}

fn valid_card(d: &[u8]) -> bool {
    valid_length(d) && d.iter().all(|&x| x < 10) && valid_iin(d) && luhn(d)
}

fn valid_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty() && (p.len() == 1 || !p.starts_with('0')) && p.parse::<u8>().is_ok()
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, &str)> {
        find_pii(text, RedactOptions::new())
            .into_iter()
            .map(|m| (m.kind, &text[m.start..m.end]))
            .collect()
    }

    fn one(text: &str, kind: PiiKind, value: &str) {
        assert_eq!(kinds(text), vec![(kind, value)], "in {text:?}");
    }

    fn none(text: &str) {
        assert_eq!(kinds(text), vec![], "in {text:?}");
    }

    #[test]
    fn all_patterns_compile() {
        for shape in Shape::ALL {
            assert!(shape.regex().is_some(), "{shape:?}");
        }
    }

    #[test]
    fn email_valid() {
        one(
            "请联系zhang.san@example.com谢谢",
            PiiKind::Email,
            "zhang.san@example.com",
        );
        one(
            "mail li.lei+cx@mail.example.cn.",
            PiiKind::Email,
            "li.lei+cx@mail.example.cn",
        );
        one(
            "QQ邮箱13800138000@qq.com",
            PiiKind::Email,
            "13800138000@qq.com",
        );
        one(
            "<a_b%c@sub-1.example.org>",
            PiiKind::Email,
            "a_b%c@sub-1.example.org",
        );
        one("'wang@example.com'", PiiKind::Email, "wang@example.com");
    }

    #[test]
    fn email_near_miss() {
        none("@example.com");
        none("user@localhost");
        none("a@b.c");
        one("user＠example.com", PiiKind::Email, "user＠example.com");
        none("user [at] example.com");
    }

    #[test]
    fn mobile_valid() {
        for s in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86-138-0013-8000",
            "+8613800138000",
            "0086 13800138000",
            "86-13800138000",
        ] {
            one(&format!("电话{s}。"), PiiKind::Phone, s);
        }
    }

    #[test]
    fn landline_valid() {
        for s in [
            "010-62345678",
            "(010)62345678",
            "(021) 6123 4567",
            "0755-1234567",
            "0755-1234567转123",
            "010-12345678-123",
            "02161234567",
        ] {
            one(&format!("座机：{s}，"), PiiKind::Phone, s);
        }
    }

    #[test]
    fn e164_valid() {
        for s in [
            "+1 415 555 2671",
            "+44 20 7946 0958",
            "+1 (415) 555-2671",
            "+65 6123 4567",
        ] {
            one(&format!("call {s} today"), PiiKind::Phone, s);
        }
        one("+44 20 7946 0958 2024", PiiKind::Phone, "+44 20 7946 0958");
    }

    #[test]
    fn phone_near_miss() {
        none("订单号 202403011380013800");
        none("ORD-13800138000");
        none("SF13800138000");
        none("1380013800");
        none("138001380001");
        none("138****8000");
        none("2024-03-01 10:30");
        none("400-820-8820");
        none("95588");
        none("+100 积分");
    }

    #[test]
    fn id_card_valid() {
        one(
            "身份证11010519491231002X号",
            PiiKind::IdCard,
            "11010519491231002X",
        );
        one(
            "id 11010519491231002x",
            PiiKind::IdCard,
            "11010519491231002x",
        );
        one(
            "id 110105 19491231 002X",
            PiiKind::IdCard,
            "110105 19491231 002X",
        );
        one("旧证 110105491231002", PiiKind::IdCard, "110105491231002");
    }

    #[test]
    fn id_card_near_miss() {
        none("11010519491231002Y");
        none("110105194912310021"); // wrong check digit
        none("110105194902300029"); // 30 February
        none("990105194912310025"); // no such province (check digit right)
        none("订单号 110105491231002");
    }

    #[test]
    fn check_digit_and_luhn() {
        // GB 11643-1999 worked example: 11010519491231002X.
        let d = digits_of("11010519491231002X");
        assert_eq!(id_check(&d[..17]), 10);
        assert!(luhn(&digits_of("79927398713"))); // ISO/IEC 7812-1 example
        assert!(!luhn(&digits_of("79927398710")));
    }

    #[test]
    fn card_valid() {
        for s in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "3782 822463 10005",
            "6222021234567890128",
            "2221000000000009",
        ] {
            one(&format!("卡号：{s}。"), PiiKind::Card, s);
        }
    }

    #[test]
    fn card_near_miss() {
        none("4111111111111112");
        none("1111111111111117"); // Luhn-valid, no scheme starts with 1
        none("订单号 4111111111111111");
        none("tracking no. 4111111111111111");
        none("24111111111111111111");
        none("条码 6901234567892"); // EAN-13, Luhn-valid by chance
        one("old visa 4222222222222", PiiKind::Card, "4222222222222");
    }

    #[test]
    fn ip_valid() {
        one("from 192.0.2.1:8080", PiiKind::Ip, "192.0.2.1");
        one("net 198.51.100.0/24", PiiKind::Ip, "198.51.100.0");
        one("1.2.3.4", PiiKind::Ip, "1.2.3.4");
        for s in [
            "2001:db8::1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "::ffff:192.0.2.1",
            "fe80::1",
        ] {
            one(&format!("地址{s}。"), PiiKind::Ip, s);
        }
        one("[2001:db8::2]:443", PiiKind::Ip, "2001:db8::2");
    }

    #[test]
    fn ip_near_miss() {
        none("v1.2.3.4");
        none("版本 5.2.1.3");
        none("version: 10.0.19045.3803");
        none("256.1.1.1");
        none("192.168.01.1");
        none("1.2.3.4.5");
        none("10:30:00");
        none("00:1A:2B:3C:4D:5E");
        none("v2.10.1");
        none("2024.03.01");
    }

    #[test]
    fn full_width_forms() {
        one(
            "电话１３８００１３８０００。",
            PiiKind::Phone,
            "１３８００１３８０００",
        );
        one(
            "邮箱ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ",
            PiiKind::Email,
            "ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ",
        );
        one(
            "（０１０）６２３４５６７８",
            PiiKind::Phone,
            "（０１０）６２３４５６７８",
        );
        none("订单１２３４５６７８９０１２３４５６７８９");
    }

    #[test]
    fn amounts_and_dates_survive() {
        none("¥1,299.00，12345.67元，2024年3月1日，2024-03-01 09:30，邮编 100080");
    }

    #[test]
    fn precedence_and_options() {
        // 18 digits that are both a valid identity number and Luhn-valid.
        let id = "370202196503014952";
        assert!(luhn(&digits_of(id)) && valid_id18(&digits_of(id)));
        assert_eq!(kinds(id)[0].0, PiiKind::IdCard);
        let only_phone = RedactOptions::only(&[PiiKind::Phone]);
        assert!(find_pii("13800138000@qq.com", only_phone).is_empty());
    }

    #[test]
    fn redaction_is_idempotent_at_boundaries() {
        for t in [
            "li@example.com192.0.2.1",
            "order@shop.order 4111111111111111",
            "a@example.cn_b@example.com",
            "13800138000-13900139000",
        ] {
            let once = redact(t, RedactOptions::new()).text;
            assert_eq!(redact(&once, RedactOptions::new()).text, once, "{t:?}");
        }
    }
}
