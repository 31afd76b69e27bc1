//! Zip streaming: chunks flow through, nothing holds the whole body, the
//! size cap holds, and one client serves many tasks.

use std::io;

use bytes::Bytes;
use gomodx_client::{Client, DownloadSink, ErrorKind, FetchError};

use crate::server::{Reply, Server, generated_byte};
use crate::{client, config};

/// Checks every byte against the generator and keeps only counters.
#[derive(Default)]
struct Checker {
    starts: Vec<Option<u64>>,
    offset: u64,
    chunks: usize,
    largest: usize,
}

impl DownloadSink for Checker {
    async fn start(&mut self, expected_len: Option<u64>) -> io::Result<()> {
        self.starts.push(expected_len);
        self.offset = 0;
        Ok(())
    }

    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        for (i, b) in chunk.iter().enumerate() {
            if *b != generated_byte(self.offset + i as u64) {
                return Err(io::Error::other(format!(
                    "wrong byte at {}",
                    self.offset + i as u64
                )));
            }
        }
        self.offset += chunk.len() as u64;
        self.chunks += 1;
        self.largest = self.largest.max(chunk.len());
        Ok(())
    }
}

const LEN: u64 = 50 * 1000 * 1000;

#[tokio::test]
async fn large_zip_streams_in_chunks() {
    let server = Server::start(|_, _| Reply::Generated { len: LEN }).await;
    let mut sink = Checker::default();
    let served = client(&server.url(""), "")
        .zip("big.example/m", "v1.0.0", &mut sink)
        .await
        .unwrap();
    assert_eq!(served.value, LEN);
    assert_eq!(sink.offset, LEN);
    assert_eq!(sink.starts, [Some(LEN)]);
    assert!(sink.chunks > 100, "{} chunks", sink.chunks);
    assert!(
        sink.largest <= 1 << 20,
        "largest chunk {} bytes: the body is not buffered",
        sink.largest
    );
}

#[tokio::test]
async fn file_zip_streams_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("big.example/m/@v/v1.0.0.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    let data: Vec<u8> = (0..5_000_000).map(generated_byte).collect();
    std::fs::write(&zip, &data).unwrap();
    let mut sink = Checker::default();
    let base = format!("file://{}", dir.path().display());
    client(&base, "")
        .zip("big.example/m", "v1.0.0", &mut sink)
        .await
        .unwrap();
    assert_eq!(sink.offset, 5_000_000);
    assert!(
        sink.chunks >= 19 && sink.largest <= 256 * 1024,
        "{} chunks",
        sink.chunks
    );
}

#[tokio::test]
async fn oversized_zips_are_refused() {
    let server = Server::start(|_, _| Reply::Generated { len: 3000 }).await;
    for limit in [2999, 1000] {
        let mut cfg = config(&server.url(""), "");
        cfg.max_zip_size = limit;
        let err = Client::new(cfg)
            .zip("big.example/m", "v1.0.0", &mut Vec::new())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "big.example/m@v1.0.0: downloaded zip file too large"
        );
        assert!(matches!(
            err.kind(),
            ErrorKind::Fetch {
                error: FetchError::TooLarge,
                attempts: 1
            }
        ));
    }
    let mut cfg = config(&server.url(""), "");
    cfg.max_zip_size = 3000;
    let served = Client::new(cfg)
        .zip("big.example/m", "v1.0.0", &mut Vec::new())
        .await
        .unwrap();
    assert_eq!(served.value, 3000, "exactly the limit is fine");

    // Without a Content-Length the cap applies while streaming.
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("big.example/m/@v/v1.0.0.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    std::fs::write(&zip, vec![0u8; 200_000]).unwrap();
    let mut cfg = config(&format!("file://{}", dir.path().display()), "");
    cfg.max_zip_size = 100_000;
    let err = Client::new(cfg)
        .zip("big.example/m", "v1.0.0", &mut Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Fetch {
            error: FetchError::TooLarge,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_many_tasks() {
    let server = Server::start(|seen, _| Reply::ok(format!("module {}\n", seen.path))).await;
    let client = client(&server.url(""), "");
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let module = format!("example.com/m{i}");
                let mut zip = Vec::new();
                client
                    .zip(&module, "v1.0.0", &mut zip)
                    .await
                    .map(|_| (module, zip))
            })
        })
        .collect();
    for task in tasks {
        let (module, zip) = task.await.unwrap().unwrap();
        assert_eq!(
            zip,
            format!("module /{module}/@v/v1.0.0.zip\n").into_bytes()
        );
    }
    assert_eq!(server.seen().len(), 32);
}
