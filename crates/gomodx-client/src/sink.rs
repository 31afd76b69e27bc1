//! Where a streamed body goes.
//!
//! A download may be retried or fall through to the next proxy, so a sink
//! must be able to start over: every attempt begins with [`DownloadSink::start`].

use std::future::Future;
use std::io;

use bytes::Bytes;

/// Receives a body chunk by chunk as it arrives. It doubles as the progress
/// hook: `start` announces the expected size, each `write` the bytes received.
pub trait DownloadSink: Send {
    /// Called before the first chunk of every attempt: drop anything an
    /// earlier attempt wrote. `expected_len` is the announced body size, when
    /// the server gave one.
    fn start(&mut self, expected_len: Option<u64>) -> impl Future<Output = io::Result<()>> + Send;

    /// The next chunk of the body, in order.
    fn write(&mut self, chunk: Bytes) -> impl Future<Output = io::Result<()>> + Send;
}

/// Collects the body in memory (metadata, small files, tests).
impl DownloadSink for Vec<u8> {
    async fn start(&mut self, expected_len: Option<u64>) -> io::Result<()> {
        self.clear();
        if let Some(len) = expected_len.and_then(|n| usize::try_from(n).ok()) {
            // A hint only: a lying server cannot make us reserve much.
            self.reserve(len.min(1 << 20));
        }
        Ok(())
    }

    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.extend_from_slice(&chunk);
        Ok(())
    }
}
