//! Streaming a zip download straight into a store blob.

use std::io::{self, Write};

use bytes::Bytes;
use gomodx_client::DownloadSink;
use gomodx_module::ModuleVersion;
use gomodx_store::BlobWriter;

use crate::reporter::Reporter;

/// A [`DownloadSink`] writing into a [`BlobWriter`] (a temporary file in
/// the store, hashed as it is written) and reporting progress. Memory use
/// is one chunk plus the writer's buffer, whatever the zip's size.
pub(crate) struct BlobSink<'a> {
    writer: BlobWriter,
    module: &'a ModuleVersion,
    reporter: &'a dyn Reporter,
}

impl<'a> BlobSink<'a> {
    pub(crate) fn new(
        writer: BlobWriter,
        module: &'a ModuleVersion,
        reporter: &'a dyn Reporter,
    ) -> Self {
        Self {
            writer,
            module,
            reporter,
        }
    }

    /// The writer, flushed, so its temporary file can be read.
    pub(crate) fn finish(mut self) -> io::Result<BlobWriter> {
        self.writer.flush()?;
        Ok(self.writer)
    }
}

impl DownloadSink for BlobSink<'_> {
    async fn start(&mut self, expected_len: Option<u64>) -> io::Result<()> {
        if !self.writer.is_empty() {
            self.writer.reset().map_err(io::Error::other)?;
        }
        self.reporter.start(self.module, expected_len);
        Ok(())
    }

    /// Writes synchronously: a chunk lands in the writer's buffer or the
    /// page cache, which is quicker than handing it to a blocking thread.
    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.writer.write_all(&chunk)?;
        self.reporter.bytes(self.module, chunk.len() as u64);
        Ok(())
    }
}
