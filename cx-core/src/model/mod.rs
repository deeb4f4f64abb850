//! The CX domain model.
