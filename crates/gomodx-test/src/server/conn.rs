//! A TCP listener whose connections a handler can reset.
//!
//! axum hands every request a [`ConnHandle`] (through `ConnectInfo`); calling
//! [`ConnHandle::reset`] makes the connection's next write fail and close the
//! socket with `SO_LINGER` 0, so the peer sees a TCP reset instead of a
//! response.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections wrapped in [`ResettableIo`].
pub(super) struct ResettableListener(pub(super) TcpListener);

impl Listener for ResettableListener {
    type Io = ResettableIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    // Best effort: Nagle only adds latency to small answers.
                    let _ = stream.set_nodelay(true);
                    let handle = ConnHandle(Arc::new(AtomicBool::new(false)));
                    return (ResettableIo { stream, handle }, addr);
                }
                // Out of file descriptors and similar: back off, as axum does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// Lets a request handler reset its connection.
#[derive(Debug, Clone)]
pub(super) struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// Makes the connection's next write reset it.
    pub(super) fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_reset(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> Self {
        stream.io().handle()
    }
}

/// A TCP stream that fails, and aborts the socket, once reset.
pub(super) struct ResettableIo {
    stream: TcpStream,
    handle: ConnHandle,
}

impl ResettableIo {
    /// The handle that resets this connection.
    pub(super) fn handle(&self) -> ConnHandle {
        self.handle.clone()
    }

    fn check(&self) -> io::Result<()> {
        if !self.handle.is_reset() {
            return Ok(());
        }
        // SO_LINGER 0 makes close() send RST; with a zero timeout the close
        // never blocks, which is what tokio's deprecation warns about.
        #[allow(deprecated)]
        self.stream.set_linger(Some(Duration::ZERO))?;
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by fault rule",
        ))
    }
}

impl AsyncRead for ResettableIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
