//! gomodx's resolver: minimal version selection and cmd/go's module graph.
pub mod error; pub mod mvs;
