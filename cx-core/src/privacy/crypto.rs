//! Encryption at rest: field-level authenticated encryption with rotatable keys.
//!
//! A [`FieldCipher`] seals one text field (a phone number, a complaint text)
//! into an ASCII string that names the key it was sealed under:
//!
//! ```text
//! cx1:<key_id>:<base64url-nopad(nonce ‖ ciphertext ‖ tag)>
//! ```
//!
//! * The AEAD is **XChaCha20-Poly1305** (the RustCrypto crate
//!   `chacha20poly1305`): ChaCha20-Poly1305 of RFC 8439 with the 192-bit
//!   nonce extension of draft-irtf-cfrg-xchacha. Each seal draws a fresh
//!   random 24-byte nonce from the operating system; with 192-bit nonces the
//!   chance that two of 2⁴⁸ seals under one key share a nonce is below 2⁻⁹⁷,
//!   so no nonce counter has to be kept (draft-irtf-cfrg-xchacha §3.1).
//! * The associated data authenticated with each value is the header
//!   `cx1:<key_id>:` followed by the caller's `aad` (the store passes e.g.
//!   `customers/<id>/phone`), so a value copied to another row or field, or a
//!   header edited to name another key, fails to open.
//! * A wrong key, a wrong `aad`, a changed or truncated value is
//!   [`CxError::Decryption`]; a key id the provider does not know is
//!   [`CxError::UnknownKey`]. Nothing is ever returned half-decrypted
//!   (the tag is checked before any plaintext is released).
//! * Keys come from a [`KeyProvider`]: [`EnvKeyProvider`],
//!   [`FileKeyProvider`], [`StaticKeyProvider`], or the caller's own (a KMS,
//!   Vault, ...). [`Key`] zeroises its bytes on drop and prints as
//!   `Key(<redacted>)`; no error, `Debug` output or message of this module
//!   contains key material or plaintext.
//! * Rotation: make a new key current in the provider, then
//!   [`FieldCipher::reseal`] every stored value (it re-seals only values under
//!   another key, so a batch loop can be stopped and rerun); once
//!   [`FieldCipher::needs_rotation`] is false everywhere, retire the old key.
//!
//! # Reference
//! Y. Nir, A. Langley, RFC 8439 "ChaCha20 and Poly1305 for IETF Protocols"
//! (2018); S. Arciszewski, draft-irtf-cfrg-xchacha-03 "XChaCha: eXtended-nonce
//! ChaCha and AEAD_XChaCha20_Poly1305" (2020).
//!
//! # Examples
//! ```
//! use std::sync::Arc;
//! use cx_core::privacy::{FieldCipher, Key, StaticKeyProvider};
//!
//! let keys = StaticKeyProvider::new("k1", vec![("k1".into(), Key::generate())])?;
//! let cipher = FieldCipher::new(Arc::new(keys));
//! let sealed = cipher.seal("13800138000", "customers/42/phone")?;
//! assert!(sealed.starts_with("cx1:k1:"));
//! assert_eq!(cipher.open(&sealed, "customers/42/phone")?, "13800138000");
//! assert!(cipher.open(&sealed, "customers/43/phone").is_err());
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod providers;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use providers::{EnvKeyProvider, FileKeyProvider, StaticKeyProvider};

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use crate::{CxError, Result};

/// Prefix of every sealed value (format version 1).
pub const SEALED_PREFIX: &str = "cx1:";
/// Length of a key in bytes (256 bits).
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const MAX_KEY_ID_LEN: usize = 64;

/// A 256-bit data key.
///
/// `Debug` and `Display` print `Key(<redacted>)`; the bytes are overwritten
/// with zeros when the key is dropped (crate `zeroize`). There is no
/// `PartialEq` (a non-constant-time comparison of keys would be a timing
/// oracle).
///
/// # Examples
/// ```
/// use cx_core::privacy::Key;
/// let k = Key::parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")?;
/// assert_eq!(format!("{k:?}"), "Key(<redacted>)");
/// assert!(Key::parse("0001").is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub struct Key {
    bytes: [u8; KEY_LEN],
}

impl Key {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Key { bytes }
    }

    /// A key from text: 64 hexadecimal digits (either case), or 44 characters
    /// of standard padded base64 (RFC 4648 §4) encoding 32 bytes. Surrounding
    /// whitespace (a trailing newline) is ignored.
    ///
    /// # Errors
    /// [`CxError::InvalidKey`] for any other text; the message gives the
    /// length of the text, never its content.
    pub fn parse(text: &str) -> Result<Self> {
        parse_key(text).map_err(|reason| CxError::InvalidKey { reason })
    }

    /// A fresh random key from the operating system's random source.
    ///
    /// # Panics
    /// Only if the operating system's random source fails, which it does not
    /// on supported platforms; [`Key::try_generate`] returns that failure as
    /// an error instead.
    pub fn generate() -> Self {
        match Key::try_generate() {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        }
    }

    /// A fresh random key, or the failure of the operating system's random
    /// source as [`CxError::Io`].
    pub fn try_generate() -> Result<Self> {
        let mut bytes = [0u8; KEY_LEN];
        fill_random(&mut bytes)?;
        Ok(Key { bytes })
    }

    /// The key as 64 lowercase hex digits, in memory that is zeroised on
    /// drop. The only way key material leaves a `Key`: use it to write a
    /// generated key into a secret store, never into a log.
    pub fn export_hex(&self) -> Zeroizing<String> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = Zeroizing::new(String::with_capacity(2 * KEY_LEN));
        for b in self.bytes {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        s
    }

    fn aead(&self) -> Result<XChaCha20Poly1305> {
        XChaCha20Poly1305::new_from_slice(&self.bytes).map_err(|_| CxError::InvalidKey {
            reason: "the key is not 32 bytes".into(),
        })
    }
}

impl Clone for Key {
    fn clone(&self) -> Self {
        Key { bytes: self.bytes }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

fn parse_key(text: &str) -> std::result::Result<Key, String> {
    let text = text.trim();
    let n = text.chars().count();
    let mut bytes = [0u8; KEY_LEN];
    if text.len() == 2 * KEY_LEN {
        // 64 bytes: 32 pairs exactly; a non-ASCII byte is not a hex digit.
        for (dst, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            match (hex_digit(pair[0]), hex_digit(pair[1])) {
                (Some(hi), Some(lo)) => *dst = (hi << 4) | lo,
                _ => {
                    bytes.zeroize();
                    return Err(format!("{n} characters but not 64 hexadecimal digits"));
                }
            }
        }
        Ok(Key { bytes })
    } else if n == 44 {
        let decoded = Zeroizing::new(STANDARD.decode(text).unwrap_or_default());
        if decoded.len() != KEY_LEN {
            return Err("44 characters but not standard base64 of 32 bytes".into());
        }
        bytes.copy_from_slice(&decoded);
        Ok(Key { bytes })
    } else {
        Err(format!(
            "expected 64 hexadecimal digits or 44 characters of base64 (32 bytes), got {n} characters"
        ))
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| CxError::Io {
        path: "<operating system random source>".into(),
        message: e.to_string(),
    })
}

/// Whether `id` is a valid key id: 1 to 64 characters of `A-Z a-z 0-9 . _ -`.
///
/// # Examples
/// ```
/// use cx_core::privacy::is_valid_key_id;
/// assert!(is_valid_key_id("2026-11.k2"));
/// assert!(!is_valid_key_id("k:1"));
/// assert!(!is_valid_key_id(""));
/// ```
pub fn is_valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// [`CxError::InvalidKey`] for an invalid key id. The id itself is not
/// echoed: a key pasted where an id belongs must not reach a log.
pub(crate) fn check_key_id(id: &str, what: &str) -> Result<()> {
    if is_valid_key_id(id) {
        Ok(())
    } else {
        Err(CxError::InvalidKey {
            reason: format!(
                "{what}: a key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got {} characters",
                id.chars().count()
            ),
        })
    }
}

/// Where keys come from. Implemented by callers (a KMS, Vault, ...) and by
/// the built-in [`EnvKeyProvider`], [`FileKeyProvider`] and
/// [`StaticKeyProvider`].
///
/// `Debug` must not print key material (print the key ids).
pub trait KeyProvider: Send + Sync + fmt::Debug {
    /// Id of the key new data is sealed under (ids: 1..=64 chars of
    /// `[A-Za-z0-9._-]`).
    fn current_key_id(&self) -> Result<String>;
    /// The key with this id; an id it does not know is
    /// [`CxError::UnknownKey`].
    fn key(&self, key_id: &str) -> Result<Key>;
}

/// Field-level authenticated encryption (XChaCha20-Poly1305, a random nonce
/// per seal) under the keys of a [`KeyProvider`]. See the [module
/// documentation](self) for the format and the guarantees.
///
/// Cloning is cheap (the provider is shared).
#[derive(Clone, Debug)]
pub struct FieldCipher {
    provider: Arc<dyn KeyProvider>,
}

impl FieldCipher {
    /// A cipher over the keys of `provider`.
    pub fn new(provider: Arc<dyn KeyProvider>) -> Self {
        FieldCipher { provider }
    }

    /// The provider the keys come from.
    pub fn provider(&self) -> &Arc<dyn KeyProvider> {
        &self.provider
    }

    /// The id of the key new values are sealed under (asks the provider).
    ///
    /// # Errors
    /// The provider's error, or [`CxError::InvalidKey`] if it returns an
    /// invalid key id.
    pub fn current_key_id(&self) -> Result<String> {
        let id = self.provider.current_key_id()?;
        check_key_id(&id, "current key id")?;
        Ok(id)
    }

    /// Seal `plaintext`, bound to `aad` (e.g. `"customers/<id>/phone"`, so a
    /// ciphertext moved to another row or field fails to open). The output
    /// is ASCII: `cx1:<key_id>:<base64url-nopad(nonce ‖ ciphertext ‖ tag)>`,
    /// 4 + key id + 1 + ⌈4·(40 + n)/3⌉ characters for `n` bytes of UTF-8.
    ///
    /// Sealing the same text twice gives different values (random nonce).
    ///
    /// # Errors
    /// The provider's errors ([`CxError::UnknownKey`],
    /// [`CxError::InvalidKey`]); [`CxError::Io`] if the OS random source
    /// fails.
    pub fn seal(&self, plaintext: &str, aad: &str) -> Result<String> {
        let key_id = self.current_key_id()?;
        self.seal_under(&key_id, plaintext, aad)
    }

    fn seal_under(&self, key_id: &str, plaintext: &str, aad: &str) -> Result<String> {
        let key = self.provider.key(key_id)?;
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        let header = format!("{SEALED_PREFIX}{key_id}:");
        let bound = format!("{header}{aad}");
        let ciphertext = key
            .aead()?
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: bound.as_bytes(),
                },
            )
            .map_err(|_| {
                CxError::invalid(
                    "plaintext",
                    None,
                    format!("<redacted len={}>", plaintext.len()),
                    "too long to seal",
                )
            })?;
        let mut body = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&ciphertext);
        Ok(header + &URL_SAFE_NO_PAD.encode(body))
    }

    /// Open a value sealed by [`FieldCipher::seal`] with the same `aad`.
    ///
    /// # Errors
    /// [`CxError::Decryption`] for a wrong key, a wrong `aad`, a tampered or
    /// truncated value, or a value that is not `cx1:`-sealed (the message
    /// never shows the value); [`CxError::UnknownKey`] when the provider
    /// has no key with the value's id. Never partial output.
    pub fn open(&self, sealed: &str, aad: &str) -> Result<String> {
        let (key_id, body) = split_sealed(sealed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| decryption(key_id, "the ciphertext is not valid base64url"))?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(decryption(key_id, "the ciphertext is truncated"));
        }
        let key = self.provider.key(key_id)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| decryption(key_id, "the ciphertext is truncated"))?;
        let bound = format!("{SEALED_PREFIX}{key_id}:{aad}");
        let plain = key
            .aead()?
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound.as_bytes(),
                },
            )
            .map_err(|_| {
                decryption(
                    key_id,
                    "authentication failed (wrong key, wrong associated data, or the value was altered)",
                )
            })?;
        String::from_utf8(plain).map_err(|e| {
            e.into_bytes().zeroize();
            decryption(key_id, "the plaintext is not UTF-8")
        })
    }

    /// Whether `value` looks like a sealed value (has the `cx1:` prefix).
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::FieldCipher;
    /// assert!(FieldCipher::is_sealed("cx1:k1:AAAA"));
    /// assert!(!FieldCipher::is_sealed("13800138000"));
    /// ```
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(SEALED_PREFIX)
    }

    /// The key id of a sealed value (no decryption, no key needed).
    ///
    /// # Errors
    /// [`CxError::Decryption`] (with an empty `key_id`) when `sealed` is not
    /// a well-formed `cx1:<key_id>:` value.
    ///
    /// # Examples
    /// ```
    /// use cx_core::privacy::FieldCipher;
    /// assert_eq!(FieldCipher::key_id_of("cx1:2026-k2:AAAA")?, "2026-k2");
    /// assert!(FieldCipher::key_id_of("plain text").is_err());
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn key_id_of(sealed: &str) -> Result<&str> {
        split_sealed(sealed).map(|(id, _)| id)
    }

    /// Whether `sealed` is under another key than the current one (so
    /// [`FieldCipher::reseal`] would rewrite it). Reads only the header.
    ///
    /// # Errors
    /// As [`FieldCipher::key_id_of`] and [`FieldCipher::current_key_id`].
    pub fn needs_rotation(&self, sealed: &str) -> Result<bool> {
        let id = FieldCipher::key_id_of(sealed)?;
        Ok(id != self.current_key_id()?)
    }

    /// Re-seal under the current key if `sealed` is under another one:
    /// `Ok(Some(new value))`, or `Ok(None)` when it is already current (the
    /// value is then not opened). The plaintext lives only in zeroised
    /// memory in between.
    ///
    /// # Errors
    /// As [`FieldCipher::open`] (the old key must still be known to the
    /// provider) and [`FieldCipher::seal`].
    pub fn reseal(&self, sealed: &str, aad: &str) -> Result<Option<String>> {
        let old = FieldCipher::key_id_of(sealed)?;
        let current = self.current_key_id()?;
        if old == current {
            return Ok(None);
        }
        let plain = Zeroizing::new(self.open(sealed, aad)?);
        self.seal_under(&current, &plain, aad).map(Some)
    }
}

fn decryption(key_id: &str, reason: &str) -> CxError {
    CxError::Decryption {
        key_id: key_id.into(),
        reason: reason.into(),
    }
}

/// `cx1:<id>:<body>` → `(id, body)`; never echoes the value in errors.
fn split_sealed(sealed: &str) -> Result<(&str, &str)> {
    let rest = sealed
        .strip_prefix(SEALED_PREFIX)
        .ok_or_else(|| decryption("", "not a sealed value (no \"cx1:\" prefix)"))?;
    let (id, body) = rest
        .split_once(':')
        .ok_or_else(|| decryption("", "malformed sealed value (no key id)"))?;
    if !is_valid_key_id(id) {
        return Err(decryption("", "malformed sealed value (invalid key id)"));
    }
    Ok((id, body))
}
