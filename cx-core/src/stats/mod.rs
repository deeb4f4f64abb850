//! stats (filled in by its issue).
