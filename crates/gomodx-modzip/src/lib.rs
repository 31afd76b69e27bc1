//! Module zips (Go's rules: check, extract, create) and h1: hashes.
