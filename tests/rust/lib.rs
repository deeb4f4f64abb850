//! Shared helpers for the cx integration tests (reference vectors live in `tests/vectors`).

use std::path::PathBuf;

/// Path of a file under `tests/vectors`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(rel)
}

/// Load a JSON reference vector from `tests/vectors/<rel>`.
pub fn load_vector(rel: &str) -> serde_json::Value {
    let path = vector_path(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}
