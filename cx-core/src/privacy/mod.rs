//! Privacy: redaction of personal data in free text, keyed pseudonymisation,
//! and field-level encryption at rest ([`crypto`]).
//!
//! * [`redact`], [`find_pii`] and the reusable [`Redactor`] find e-mail
//!   addresses, phone numbers, Chinese resident identity numbers, payment card
//!   numbers and IP addresses in Chinese and English text, replace each with a
//!   typed placeholder (`[EMAIL]`, `[PHONE]`, `[ID_CARD]`, `[CARD]`, `[IP]`) and
//!   report what was replaced as [`PiiMatch`]es (kind and byte span in the
//!   original text) for auditing.
//! * [`Pseudonymizer`] replaces identifiers (customer ids, phone numbers, ...)
//!   with stable keyed HMAC-SHA256 pseudonyms, so that records of one customer
//!   can still be joined without exposing who the customer is. No unkeyed hash
//!   is offered: an unkeyed hash of a phone number is reversible by brute force.
//! * [`FieldCipher`] seals personal fields with XChaCha20-Poly1305 under keys
//!   from a [`KeyProvider`], naming the key id beside each ciphertext so keys
//!   can be rotated ([`crypto`]).
//!
//! Detection is deliberately conservative about numbers: every digit-based
//! detector validates what it finds (check digits, birth dates, Luhn, octet
//! ranges) and requires a digit boundary on both sides, so that order numbers,
//! dates, amounts and tracking numbers survive. The measured precision and
//! recall on the labelled corpus `tests/vectors/privacy/corpus.txt` are given
//! in `docs/guide/privacy.md`.
//!
//! Names and postal addresses are **not** detected.
//!
//! # Examples
//! ```
//! use cx_core::privacy::{redact, PiiKind, RedactOptions};
//! let r = redact("请回电 138 0013 8000，或发邮件到 li.lei@example.cn", RedactOptions::new());
//! assert_eq!(r.text, "请回电 [PHONE]，或发邮件到 [EMAIL]");
//! assert_eq!(r.matches[0].kind, PiiKind::Phone);
//! ```

pub mod crypto;
mod pseudonym;
mod redact;

pub use crypto::{
    EnvKeyProvider, FieldCipher, FileKeyProvider, Key, KeyProvider, StaticKeyProvider,
    is_valid_key_id,
};
pub use pseudonym::Pseudonymizer;
pub use redact::{Redactor, find_pii, redact};

use serde::{Deserialize, Serialize};

/// A kind of personal data that [`redact`] detects.
///
/// When candidates of several kinds overlap, the one that wins is decided by
/// [`PiiKind::precedence`]: e-mail > ID card > payment card > phone > IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PiiKind {
    /// An e-mail address (pragmatic subset of RFC 5322 `addr-spec`).
    Email,
    /// A phone number: Chinese mobile or landline, or E.164 with `+`.
    Phone,
    /// A Chinese resident identity number (GB 11643-1999), 18 or 15 digits.
    IdCard,
    /// A payment card number (13–19 digits, Luhn-valid, known issuer prefix).
    Card,
    /// An IPv4 or IPv6 address.
    Ip,
}

impl PiiKind {
    /// Every kind, in precedence order (the winner of an overlap first).
    pub const ALL: [PiiKind; 5] = [
        PiiKind::Email,
        PiiKind::IdCard,
        PiiKind::Card,
        PiiKind::Phone,
        PiiKind::Ip,
    ];

    /// Stable lowercase name: `"email"`, `"phone"`, `"id_card"`, `"card"`, `"ip"`.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::PiiKind;
    /// assert_eq!(PiiKind::IdCard.as_str(), "id_card");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::IdCard => "id_card",
            PiiKind::Card => "card",
            PiiKind::Ip => "ip",
        }
    }

    /// The placeholder that replaces a match: `"[EMAIL]"`, `"[PHONE]"`, ...
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::PiiKind;
    /// assert_eq!(PiiKind::Card.placeholder(), "[CARD]");
    /// ```
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[EMAIL]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::IdCard => "[ID_CARD]",
            PiiKind::Card => "[CARD]",
            PiiKind::Ip => "[IP]",
        }
    }

    /// Rank in overlap resolution, 0 = strongest.
    ///
    /// An e-mail address wins over the digits inside it (`13800138000@163.com`
    /// is one e-mail address); a valid 18-digit identity number wins over a
    /// Luhn-valid card reading of the same digits (identity numbers carry a
    /// stronger check: MOD 11-2 plus a valid birth date); a card number wins
    /// over a phone reading, and a phone number over an IP reading.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::PiiKind;
    /// assert!(PiiKind::IdCard.precedence() < PiiKind::Card.precedence());
    /// ```
    pub fn precedence(self) -> u8 {
        match self {
            PiiKind::Email => 0,
            PiiKind::IdCard => 1,
            PiiKind::Card => 2,
            PiiKind::Phone => 3,
            PiiKind::Ip => 4,
        }
    }

    fn bit(self) -> u8 {
        1 << self.precedence()
    }
}

impl std::fmt::Display for PiiKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PiiKind {
    type Err = crate::CxError;

    /// Parse a kind from its [`PiiKind::as_str`] name.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`](crate::CxError::InvalidValue) naming the field
    /// `kinds` for an unknown name.
    fn from_str(s: &str) -> crate::Result<Self> {
        PiiKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                crate::CxError::invalid(
                    "kinds",
                    None,
                    s,
                    "must be one of email, phone, id_card, card, ip",
                )
            })
    }
}

/// One piece of personal data found in a text.
///
/// `start..end` is a byte range of the **original** text and always lies on
/// `char` boundaries, so `&text[m.start..m.end]` is the matched value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PiiMatch {
    /// What was found.
    pub kind: PiiKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

/// A redacted text and the audit trail of what was replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    /// The text with each match replaced by its [`PiiKind::placeholder`].
    pub text: String,
    /// The matches, sorted by `start` and non-overlapping, with spans in the
    /// original text.
    pub matches: Vec<PiiMatch>,
}

/// Which kinds of personal data to detect (all of them by default).
///
/// Detection of every kind always runs so that overlaps are resolved the same
/// way whatever is selected; the selection only filters what is reported and
/// replaced. Deselecting [`PiiKind::Card`] therefore never lets a phone reading
/// carve digits out of a card number.
///
/// # Examples
/// ```
/// use cx_core::privacy::{redact, PiiKind, RedactOptions};
/// let opts = RedactOptions::none().kind(PiiKind::Email, true);
/// let r = redact("a@example.com 13800138000", opts);
/// assert_eq!(r.text, "[EMAIL] 13800138000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedactOptions {
    kinds: u8,
}

impl Default for RedactOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl RedactOptions {
    /// Detect every kind.
    pub fn new() -> Self {
        let kinds = PiiKind::ALL.iter().fold(0, |acc, k| acc | k.bit());
        RedactOptions { kinds }
    }

    /// Detect nothing (select kinds with [`RedactOptions::kind`]).
    pub fn none() -> Self {
        RedactOptions { kinds: 0 }
    }

    /// Select (`true`) or deselect (`false`) one kind.
    #[must_use]
    pub fn kind(mut self, kind: PiiKind, on: bool) -> Self {
        if on {
            self.kinds |= kind.bit();
        } else {
            self.kinds &= !kind.bit();
        }
        self
    }

    /// Select exactly the given kinds.
    #[must_use]
    pub fn only(kinds: &[PiiKind]) -> Self {
        kinds
            .iter()
            .fold(RedactOptions::none(), |o, &k| o.kind(k, true))
    }

    /// Whether `kind` is selected.
    pub fn detects(self, kind: PiiKind) -> bool {
        self.kinds & kind.bit() != 0
    }
}

impl From<PiiKind> for RedactOptions {
    fn from(kind: PiiKind) -> Self {
        RedactOptions::none().kind(kind, true)
    }
}

impl From<&[PiiKind]> for RedactOptions {
    fn from(kinds: &[PiiKind]) -> Self {
        RedactOptions::only(kinds)
    }
}
