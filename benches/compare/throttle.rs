//! A loopback TCP relay that caps the bytes per second sent to clients, all
//! connections together.
//!
//! The testkit's `ProxyServer` caps each response on its own; a client that
//! opens more connections would then get more bandwidth, and `bytes /
//! bandwidth` would not bound its time. Real links have one capacity, so
//! both clients talk to this relay, which forwards to the proxy and meters
//! every byte going back through one shared schedule: a chunk of `n` bytes
//! is released `n / rate` after the previous chunk (of any connection). A
//! schedule that fell behind (a sender that overslept, or an idle link)
//! catches up by at most [`SLACK`], so the rate never exceeds the cap by
//! more than a burst of `SLACK × rate` bytes, and timer overshoot does not
//! lower it either.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Bytes relayed per metered chunk.
const CHUNK: usize = 32 << 10;

/// How far the schedule may lag behind the clock and still be caught up.
const SLACK: Duration = Duration::from_millis(20);

/// The shared schedule of a bandwidth cap.
struct Meter {
    bytes_per_second: f64,
    next_free: Mutex<Instant>,
}

impl Meter {
    /// Blocks until `bytes` more may be sent.
    fn take(&self, bytes: usize) {
        let cost = Duration::from_secs_f64(bytes as f64 / self.bytes_per_second);
        let release = {
            let mut next = self
                .next_free
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = Instant::now();
            let start = (*next).max(now.checked_sub(SLACK).unwrap_or(now));
            *next = start + cost;
            *next
        };
        let now = Instant::now();
        if release > now {
            std::thread::sleep(release - now);
        }
    }
}

/// A running relay; stops accepting when dropped (open connections finish
/// on their own threads).
pub struct Relay {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Relay {
    /// Relays connections to `upstream`, sending at most `bytes_per_second`
    /// back to clients (`None`: no cap).
    pub fn start(upstream: SocketAddr, bytes_per_second: Option<f64>) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding the relay")?;
        let addr = listener.local_addr().context("reading the relay address")?;
        let meter = bytes_per_second.map(|rate| {
            Arc::new(Meter {
                bytes_per_second: rate,
                next_free: Mutex::new(Instant::now()),
            })
        });
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("relay-accept".into())
            .spawn(move || {
                for client in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    // A failed accept or connect only loses that connection;
                    // the client sees it closed and reports the error.
                    if let Ok(client) = client {
                        let _ = relay(client, upstream, meter.clone());
                    }
                }
            })
            .context("spawning the relay thread")?;
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`, usable as `GOPROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts copying both ways between `client` and a new upstream connection.
fn relay(client: TcpStream, upstream: SocketAddr, meter: Option<Arc<Meter>>) -> io::Result<()> {
    let server = TcpStream::connect(upstream)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (client_read, server_write) = (client.try_clone()?, server.try_clone()?);
    std::thread::spawn(move || pump(client_read, server_write, None));
    std::thread::spawn(move || pump(server, client, meter));
    Ok(())
}

/// Copies `from` to `to` until end of stream or an error, metering every
/// chunk, then closes `to` for writing so the peer sees the end too.
fn pump(mut from: TcpStream, mut to: TcpStream, meter: Option<Arc<Meter>>) {
    let mut buf = vec![0; CHUNK];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(meter) = &meter {
            meter.take(n);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
