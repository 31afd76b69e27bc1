//! Tests of the test kit itself: corpus loading, universes, the proxy
//! server's faults, and the go oracle's acceptance of both trees.

mod corpus;
mod http;
mod oracle;
mod server;
mod universe;
