//! metrics (filled in by its issue).
