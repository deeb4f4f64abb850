//! [`Personal`]: a wrapper for personal data that never prints its content.

use serde::{Deserialize, Serialize};

/// A value that is personal data (a name, a phone number, complaint text).
///
/// `Debug` and `Display` print `<redacted len=N>` (N in characters), so personal
/// data cannot leak into logs or error messages by accident; read the value
/// deliberately with [`Personal::expose`]. Serialization writes the value
/// itself: exports are a deliberate act.
///
/// # Examples
/// ```
/// use cx_core::model::Personal;
/// let phone = Personal::new("13800138000".to_string());
/// assert_eq!(format!("{phone:?}"), "<redacted len=11>");
/// assert_eq!(phone.expose(), "13800138000");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Personal<T>(T);

impl<T> Personal<T> {
    /// Wrap a personal value.
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// Read the personal value (a deliberate act: grep for `expose`).
    pub fn expose(&self) -> &T {
        &self.0
    }
    /// Unwrap the personal value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl Personal<String> {
    fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl std::fmt::Debug for Personal<String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted len={}>", self.char_len())
    }
}

impl std::fmt::Display for Personal<String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted len={}>", self.char_len())
    }
}

impl From<String> for Personal<String> {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Personal<String> {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}
