//! Conversions between Python objects and core inputs (columns, options).
