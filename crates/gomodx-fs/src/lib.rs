//! Filesystem helpers: atomic writes, file locks, read-only trees.
