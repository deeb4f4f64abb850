//! privacy (filled in by its issue).
