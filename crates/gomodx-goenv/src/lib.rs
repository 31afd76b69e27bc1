//! Go's environment read the way the go command reads it (env, GOENV file, defaults).
