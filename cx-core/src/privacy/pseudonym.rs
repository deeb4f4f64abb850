//! Keyed pseudonymisation with HMAC-SHA256.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{CxError, Result};

type HmacSha256 = Hmac<Sha256>;

/// Replaces identifiers with stable keyed pseudonyms (HMAC-SHA256, hex).
///
/// The same key and value give the same pseudonym on every run and platform
/// (the value is hashed as its UTF-8 bytes), so pseudonymised tables can still
/// be joined; without the key a pseudonym cannot be linked back to the value,
/// even for small value spaces such as phone numbers, which an unkeyed hash
/// would not protect (all 10^11 mobile numbers hash in minutes). cx offers no
/// unkeyed hashing for that reason. Keep the key secret and stable; rotating it
/// changes every pseudonym.
///
/// The key is never printed: `Debug` shows `<redacted len=N>`.
///
/// # Formula
/// `pseudonym = prefix ‖ hex(HMAC-SHA256(key, utf8(value)))[..length]`, with
/// lowercase hex and `length` in hex characters (16–64, default 64). A length
/// of `n` keeps `4n` bits: 16 hex characters (64 bits) make an accidental
/// collision among 10^6 values about 3·10^-8 likely.
///
/// # Reference
/// * RFC 2104, *HMAC: Keyed-Hashing for Message Authentication* (1997).
/// * NIST FIPS 198-1, *The Keyed-Hash Message Authentication Code* (2008).
/// * NIST FIPS 180-4, *Secure Hash Standard* (SHA-256).
/// * Test vectors: RFC 4231 §4.2 (test case 1) and §4.7 (test case 6).
///
/// # Examples
/// ```
/// use cx_core::privacy::Pseudonymizer;
/// let p = Pseudonymizer::new(b"an example key of 32 bytes......")?
///     .with_length(16)?
///     .with_prefix("cus_");
/// let a = p.pseudonymize("13800138000");
/// assert_eq!(a.len(), 4 + 16);
/// assert!(a.starts_with("cus_"));
/// assert_eq!(a, p.pseudonymize("13800138000"));
/// assert!(!format!("{p:?}").contains("example"));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: HmacSha256,
    key_len: usize,
    length: usize,
    prefix: String,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymizer")
            .field("key", &format_args!("<redacted len={}>", self.key_len))
            .field("length", &self.length)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl Pseudonymizer {
    /// Shortest accepted key, in bytes (128 bits).
    pub const MIN_KEY_LEN: usize = 16;
    /// Shortest accepted pseudonym length, in hex characters (64 bits).
    pub const MIN_LENGTH: usize = 16;
    /// Longest pseudonym length, in hex characters (the whole digest).
    pub const MAX_LENGTH: usize = 64;

    /// A pseudonymizer keyed with `key` (at least 16 bytes; 32 random bytes
    /// recommended), giving full-length (64 hex characters) pseudonyms without
    /// prefix.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] with field `key` when the key is shorter than
    /// [`Pseudonymizer::MIN_KEY_LEN`]; its value shows only the key's length.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Pseudonymizer;
    /// let err = Pseudonymizer::new(b"short").unwrap_err();
    /// assert_eq!(err.field(), Some("key"));
    /// assert!(!err.to_string().contains("short"));
    /// ```
    pub fn new(key: &[u8]) -> Result<Self> {
        let redacted = format!("<redacted len={}>", key.len());
        if key.len() < Self::MIN_KEY_LEN {
            return Err(CxError::invalid(
                "key",
                None,
                redacted,
                format!("must be at least {} bytes", Self::MIN_KEY_LEN),
            ));
        }
        let mac = HmacSha256::new_from_slice(key)
            .map_err(|_| CxError::invalid("key", None, redacted, "rejected by HMAC"))?;
        Ok(Pseudonymizer {
            mac,
            key_len: key.len(),
            length: Self::MAX_LENGTH,
            prefix: String::new(),
        })
    }

    /// Truncate pseudonyms to `length` hex characters (16..=64).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] with field `length` outside 16..=64.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Pseudonymizer;
    /// let p = Pseudonymizer::new(&[7u8; 32])?.with_length(20)?;
    /// assert_eq!(p.pseudonymize("x").len(), 20);
    /// assert!(Pseudonymizer::new(&[7u8; 32])?.with_length(8).is_err());
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn with_length(mut self, length: usize) -> Result<Self> {
        if !(Self::MIN_LENGTH..=Self::MAX_LENGTH).contains(&length) {
            return Err(CxError::invalid(
                "length",
                None,
                length,
                "must be between 16 and 64 hex characters",
            ));
        }
        self.length = length;
        Ok(self)
    }

    /// Put `prefix` before every pseudonym (e.g. `cus_`), so that pseudonyms
    /// of different kinds of identifier are told apart.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Pseudonymizer;
    /// let p = Pseudonymizer::new(&[7u8; 32])?.with_prefix("cus_");
    /// assert!(p.pseudonymize("x").starts_with("cus_"));
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Pseudonym length in hex characters (without the prefix).
    pub fn length(&self) -> usize {
        self.length
    }

    /// The prefix put before every pseudonym.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The pseudonym of `value`: prefix, then the first `length` lowercase hex
    /// characters of HMAC-SHA256(key, UTF-8 bytes of `value`).
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Pseudonymizer;
    /// // RFC 4231 §4.2, test case 1: key = 20 bytes of 0x0b, data = "Hi There".
    /// let p = Pseudonymizer::new(&[0x0b; 20])?;
    /// assert_eq!(
    ///     p.pseudonymize("Hi There"),
    ///     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    /// );
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn pseudonymize(&self, value: &str) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut mac = self.mac.clone();
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(self.prefix.len() + self.length);
        out.push_str(&self.prefix);
        for b in digest.iter() {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        out.truncate(self.prefix.len() + self.length);
        out
    }

    /// Pseudonymise a column of values.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::Pseudonymizer;
    /// let p = Pseudonymizer::new(&[7u8; 32])?.with_length(16)?;
    /// let out = p.pseudonymize_many(&["a", "b", "a"]);
    /// assert_eq!(out[0], out[2]);
    /// assert_ne!(out[0], out[1]);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn pseudonymize_many<S: AsRef<str>>(&self, values: &[S]) -> Vec<String> {
        values
            .iter()
            .map(|v| self.pseudonymize(v.as_ref()))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_test_case_1() {
        let p = Pseudonymizer::new(&[0x0b; 20]).unwrap();
        assert_eq!(
            p.pseudonymize("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn rfc4231_test_case_6_key_longer_than_block() {
        let p = Pseudonymizer::new(&[0xaa; 131]).unwrap();
        assert_eq!(
            p.pseudonymize("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn short_key_is_a_typed_error_without_the_key() {
        let err = Pseudonymizer::new(b"0123456789abcde").unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        assert_eq!(err.field(), Some("key"));
        assert_eq!(err.value(), Some("<redacted len=15>"));
        assert!(!err.to_string().contains("0123456789"));
        assert!(Pseudonymizer::new(b"0123456789abcdef").is_ok());
    }

    #[test]
    fn debug_hides_the_key() {
        let p = Pseudonymizer::new(b"super-secret-key-material").unwrap();
        let dbg = format!("{p:?}");
        assert!(dbg.contains("<redacted len=25>"), "{dbg}");
        assert!(!dbg.contains("secret"), "{dbg}");
    }

    #[test]
    fn length_and_prefix() {
        let full = Pseudonymizer::new(&[1; 16]).unwrap();
        let short = full.clone().with_length(16).unwrap().with_prefix("cus_");
        let a = full.pseudonymize("张三");
        let b = short.pseudonymize("张三");
        assert_eq!(b, format!("cus_{}", &a[..16]));
        assert!(full.clone().with_length(15).is_err());
        assert!(full.clone().with_length(65).is_err());
        assert_eq!(full.with_length(64).unwrap().length(), 64);
    }
}
