//! Sealing of personal fields at rest.
//!
//! Without a cipher, fields are stored as given; a value that is sealed
//! (`cx1:` prefix) but read without a cipher is an error, never returned as
//! if it were text.

use crate::{CxError, Result};

/// The prefix of a sealed value (see `privacy::crypto`).
const SEALED_PREFIX: &str = "cx1:";

/// Seals and opens personal fields with the store's cipher, if any.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sealer {}

impl Sealer {
    /// Whether `value` is sealed.
    pub(crate) fn is_sealed(value: &str) -> bool {
        value.starts_with(SEALED_PREFIX)
    }

    /// Seal `value` bound to `aad` (`<table>/<row id>/<field>`).
    pub(crate) fn seal(&self, _aad: &str, value: &str) -> Result<String> {
        Ok(value.to_owned())
    }

    /// Open a stored value bound to `aad`.
    ///
    /// # Errors
    /// A sealed value without a cipher, a wrong key or a tampered value.
    pub(crate) fn open(&self, aad: &str, value: &str) -> Result<String> {
        if Self::is_sealed(value) {
            return Err(CxError::Format {
                what: aad.into(),
                reason: "the value is encrypted: open the store with its keys".into(),
            });
        }
        Ok(value.to_owned())
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
