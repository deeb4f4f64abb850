//! The built-in key providers: environment variables, a key file, in memory.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{Key, KeyProvider, check_key_id};
use crate::{CxError, Result};

fn invalid_key(reason: String) -> CxError {
    CxError::InvalidKey { reason }
}

#[cfg(test)]
thread_local! {
    /// A per-test-thread environment for the unit tests (setting the real
    /// environment is `unsafe` in Rust 2024 and shared across test threads).
    pub(super) static TEST_ENV: std::cell::RefCell<Option<BTreeMap<String, String>>> =
        const { std::cell::RefCell::new(None) };
}

fn env_var(name: &str) -> Option<std::ffi::OsString> {
    #[cfg(test)]
    if let Some(found) = TEST_ENV.with(|env| {
        env.borrow()
            .as_ref()
            .map(|vars| vars.get(name).map(Into::into))
    }) {
        return found;
    }
    std::env::var_os(name)
}

/// Keys from environment variables: `CX_KEY_<ID>` holds the key with id
/// `<ID>` (64 hex digits or 44 characters of base64) and `CX_KEY_CURRENT`
/// names the current key id. The prefix is configurable
/// ([`EnvKeyProvider::with_prefix`]); the id `CURRENT` is therefore reserved.
///
/// The environment is read at every call, so a deployment can add a key and
/// switch `CX_KEY_CURRENT` without rebuilding the provider (the process's
/// environment itself is beyond cx's reach: keep it out of crash dumps).
///
/// # Examples
/// ```
/// use cx_core::privacy::{EnvKeyProvider, KeyProvider};
/// let p = EnvKeyProvider::with_prefix("CX_DOCTEST_NO_SUCH_KEY_");
/// assert_eq!(format!("{p:?}"), "EnvKeyProvider { prefix: \"CX_DOCTEST_NO_SUCH_KEY_\" }");
/// assert!(p.current_key_id().is_err()); // CX_DOCTEST_NO_SUCH_KEY_CURRENT is not set
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvKeyProvider {
    prefix: String,
}

impl Default for EnvKeyProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvKeyProvider {
    /// Variables `CX_KEY_<ID>` and `CX_KEY_CURRENT`.
    pub fn new() -> Self {
        Self::with_prefix("CX_KEY_")
    }

    /// Variables `<prefix><ID>` and `<prefix>CURRENT`.
    pub fn with_prefix(prefix: &str) -> Self {
        EnvKeyProvider {
            prefix: prefix.to_owned(),
        }
    }

    /// The variable prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl KeyProvider for EnvKeyProvider {
    /// # Errors
    /// [`CxError::InvalidKey`] naming `<prefix>CURRENT` when it is unset or
    /// not a valid key id.
    fn current_key_id(&self) -> Result<String> {
        let var = format!("{}CURRENT", self.prefix);
        let id = env_var(&var)
            .ok_or_else(|| {
                invalid_key(format!(
                    "environment variable {var} is not set (it names the current key id)"
                ))
            })?
            .into_string()
            .map_err(|_| invalid_key(format!("environment variable {var} is not valid Unicode")))?
            .trim()
            .to_owned();
        check_key_id(&id, &var)?;
        Ok(id)
    }

    /// # Errors
    /// [`CxError::UnknownKey`] when `<prefix><key_id>` is unset;
    /// [`CxError::InvalidKey`] naming the variable when its value is not a key.
    fn key(&self, key_id: &str) -> Result<Key> {
        check_key_id(key_id, "key id")?;
        let var = format!("{}{key_id}", self.prefix);
        match env_var(&var) {
            None => Err(CxError::UnknownKey {
                key_id: key_id.to_owned(),
            }),
            Some(os) => {
                let text = Zeroizing::new(os.into_string().map_err(|_| {
                    invalid_key(format!("environment variable {var} is not valid Unicode"))
                })?);
                Key::parse(&text).map_err(|e| match e {
                    CxError::InvalidKey { reason } => {
                        invalid_key(format!("environment variable {var}: {reason}"))
                    }
                    other => other,
                })
            }
        }
    }
}

/// Keys from a file read once at [`FileKeyProvider::open`]: one `id = key`
/// per line (64 hex digits or 44 characters of base64), one `current = id`
/// line, `#` comments and blank lines. The id `current` is reserved.
///
/// ```text
/// # cx data keys: chmod 600
/// 2026-01 = 8f0c...e1   (64 hex digits)
/// 2026-07 = qL3x...8=   (44 base64 characters)
/// current = 2026-07
/// ```
///
/// On Unix the file must not be accessible by group or others (mode
/// `0600` or `0400`), the rule `ssh` applies to private keys; the check is
/// made on the opened file, not on the path, so it cannot be raced.
#[derive(Clone)]
pub struct FileKeyProvider {
    path: PathBuf,
    current: String,
    keys: BTreeMap<String, Key>,
}

impl FileKeyProvider {
    /// Read and check the key file at `path`.
    ///
    /// # Errors
    /// [`CxError::Io`] when the file cannot be read; [`CxError::InvalidKey`]
    /// naming the path (and the mode, or the line number) when the file is
    /// accessible by group or others, is not UTF-8, has a malformed line, a
    /// bad key or id, a duplicate id, or no valid `current` line. Messages
    /// never contain key material.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let io = |e: std::io::Error| CxError::Io {
            path: shown.clone(),
            message: e.to_string(),
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().map_err(io)?.permissions().mode() & 0o7777;
            if mode & 0o077 != 0 {
                return Err(invalid_key(format!(
                    "key file {shown} has mode {mode:04o} and is accessible by group or others; \
                     restrict it with `chmod 600 {shown}`"
                )));
            }
        }
        let mut raw = Zeroizing::new(Vec::new());
        file.read_to_end(&mut raw).map_err(io)?;
        let text = std::str::from_utf8(&raw)
            .map_err(|_| invalid_key(format!("key file {shown} is not UTF-8 text")))?;
        let (current, keys) = parse_key_file(text, &shown)?;
        Ok(FileKeyProvider {
            path: path.to_path_buf(),
            current,
            keys,
        })
    }

    /// The path the keys were read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The ids of the keys in the file, sorted.
    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.keys().map(String::as_str).collect()
    }
}

fn parse_key_file(text: &str, shown: &str) -> Result<(String, BTreeMap<String, Key>)> {
    let mut current: Option<String> = None;
    let mut keys = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(invalid_key(format!(
                "key file {shown} line {n}: expected `id = key` or `current = id`"
            )));
        };
        let (name, value) = (name.trim(), value.trim());
        if name == "current" {
            if current.is_some() {
                return Err(invalid_key(format!(
                    "key file {shown} line {n}: a second `current` line"
                )));
            }
            check_key_id(value, &format!("key file {shown} line {n}"))?;
            current = Some(value.to_owned());
            continue;
        }
        check_key_id(name, &format!("key file {shown} line {n}"))?;
        let key = Key::parse(value).map_err(|e| match e {
            CxError::InvalidKey { reason } => invalid_key(format!(
                "key file {shown} line {n} (key id {name:?}): {reason}"
            )),
            other => other,
        })?;
        if keys.insert(name.to_owned(), key).is_some() {
            return Err(invalid_key(format!(
                "key file {shown} line {n}: key id {name:?} is defined twice"
            )));
        }
    }
    let current = current
        .ok_or_else(|| invalid_key(format!("key file {shown} has no `current = <key id>` line")))?;
    if !keys.contains_key(&current) {
        return Err(invalid_key(format!(
            "key file {shown}: the current key id {current:?} has no key in the file"
        )));
    }
    Ok((current, keys))
}

impl fmt::Debug for FileKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKeyProvider")
            .field("path", &self.path)
            .field("current", &self.current)
            .field("key_ids", &self.key_ids())
            .finish()
    }
}

impl KeyProvider for FileKeyProvider {
    fn current_key_id(&self) -> Result<String> {
        Ok(self.current.clone())
    }

    fn key(&self, key_id: &str) -> Result<Key> {
        check_key_id(key_id, "key id")?;
        self.keys
            .get(key_id)
            .cloned()
            .ok_or_else(|| CxError::UnknownKey {
                key_id: key_id.to_owned(),
            })
    }
}

/// Keys held in memory: for tests, and for callers that fetched their keys
/// themselves (from a KMS at start-up, say).
///
/// # Examples
/// ```
/// use cx_core::privacy::{Key, KeyProvider, StaticKeyProvider};
/// let p = StaticKeyProvider::new("k2", vec![
///     ("k1".into(), Key::generate()),
///     ("k2".into(), Key::generate()),
/// ])?;
/// assert_eq!(p.current_key_id()?, "k2");
/// assert_eq!(format!("{p:?}"), r#"StaticKeyProvider { current: "k2", key_ids: ["k1", "k2"] }"#);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Clone)]
pub struct StaticKeyProvider {
    current: String,
    keys: BTreeMap<String, Key>,
}

impl StaticKeyProvider {
    /// Keys `keys` (id, key), new data sealed under `current`.
    ///
    /// # Errors
    /// [`CxError::InvalidKey`] for an invalid or duplicate key id, or when
    /// `current` is not among the ids.
    pub fn new(current: &str, keys: Vec<(String, Key)>) -> Result<Self> {
        check_key_id(current, "current key id")?;
        let mut map = BTreeMap::new();
        for (id, key) in keys {
            check_key_id(&id, "key id")?;
            if map.contains_key(&id) {
                return Err(invalid_key(format!("key id {id:?} is given twice")));
            }
            map.insert(id, key);
        }
        if !map.contains_key(current) {
            return Err(invalid_key(format!(
                "the current key id {current:?} is not among the keys"
            )));
        }
        Ok(StaticKeyProvider {
            current: current.to_owned(),
            keys: map,
        })
    }

    /// The ids of the keys, sorted.
    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.keys().map(String::as_str).collect()
    }
}

impl fmt::Debug for StaticKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeyProvider")
            .field("current", &self.current)
            .field("key_ids", &self.key_ids())
            .finish()
    }
}

impl KeyProvider for StaticKeyProvider {
    fn current_key_id(&self) -> Result<String> {
        Ok(self.current.clone())
    }

    fn key(&self, key_id: &str) -> Result<Key> {
        check_key_id(key_id, "key id")?;
        self.keys
            .get(key_id)
            .cloned()
            .ok_or_else(|| CxError::UnknownKey {
                key_id: key_id.to_owned(),
            })
    }
}
