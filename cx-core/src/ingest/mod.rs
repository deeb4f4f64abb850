//! ingest (filled in by its issue).
