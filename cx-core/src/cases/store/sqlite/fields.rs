//! Sealing of personal fields at rest with the store's
//! [`FieldCipher`](crate::privacy::FieldCipher).
//!
//! Without a cipher, fields are stored as given; a value that is sealed
//! (`cx1:` prefix) but read without a cipher is [`CxError::Decryption`], never
//! returned as if it were text. Every field is bound to its place by the
//! associated data `<table>/<row id>/<field>`, so a ciphertext copied to
//! another row or field does not open.

use crate::privacy::FieldCipher;
use crate::{CxError, Result};

/// Seals and opens personal fields with the store's cipher, if any.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sealer {
    cipher: Option<FieldCipher>,
}

impl Sealer {
    /// A sealer with `cipher`.
    pub(crate) fn new(cipher: FieldCipher) -> Self {
        Self {
            cipher: Some(cipher),
        }
    }

    /// Whether `value` is sealed.
    pub(crate) fn is_sealed(value: &str) -> bool {
        FieldCipher::is_sealed(value)
    }

    /// Whether the store has a cipher.
    pub(crate) fn has_cipher(&self) -> bool {
        self.cipher.is_some()
    }

    /// The id of the key new values are sealed under (`None` without a cipher).
    pub(crate) fn current_key_id(&self) -> Result<Option<String>> {
        self.cipher.as_ref().map(|c| c.current_key_id()).transpose()
    }

    /// Seal `value` bound to `aad` (`<table>/<row id>/<field>`); unchanged without a cipher.
    pub(crate) fn seal(&self, aad: &str, value: &str) -> Result<String> {
        match &self.cipher {
            Some(c) => c.seal(value, aad),
            None => Ok(value.to_owned()),
        }
    }

    /// Open a stored value bound to `aad` (plaintext passes through).
    ///
    /// # Errors
    /// [`CxError::Decryption`] for a sealed value without a cipher, a wrong
    /// key, a tampered value or a value moved from elsewhere;
    /// [`CxError::UnknownKey`] for a retired key.
    pub(crate) fn open(&self, aad: &str, value: &str) -> Result<String> {
        if !Self::is_sealed(value) {
            return Ok(value.to_owned());
        }
        match &self.cipher {
            Some(c) => c.open(value, aad),
            None => Err(CxError::Decryption {
                key_id: FieldCipher::key_id_of(value).unwrap_or_default().to_owned(),
                reason: "the value is encrypted and the store was opened without keys".into(),
            }),
        }
    }

    /// Re-seal under the current key (plaintext is sealed); the value as it
    /// should be stored.
    ///
    /// # Errors
    /// As [`Sealer::open`]; [`CxError::InvalidOption`] without a cipher.
    pub(crate) fn reseal(&self, aad: &str, value: &str) -> Result<String> {
        let Some(c) = &self.cipher else {
            return Err(CxError::option("keys", "the store was opened without keys"));
        };
        if Self::is_sealed(value) {
            Ok(c.reseal(value, aad)?.unwrap_or_else(|| value.to_owned()))
        } else {
            c.seal(value, aad)
        }
    }

    /// Open an optional stored value.
    pub(crate) fn open_opt(&self, aad: &str, value: Option<String>) -> Result<Option<String>> {
        value.map(|v| self.open(aad, &v)).transpose()
    }

    /// Seal an optional value.
    pub(crate) fn seal_opt(&self, aad: &str, value: Option<&str>) -> Result<Option<String>> {
        value.map(|v| self.seal(aad, v)).transpose()
    }
}
