//! A throwaway certificate authority for serving the loopback proxy over
//! HTTPS: clients trust it through `SSL_CERT_FILE` (which go and gomodx's
//! TLS stack both read on Linux), never through the machine's roots.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

use super::conn::{ConnHandle, ResettableIo, ResettableListener};

/// How long a client may take to finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A test CA and a server certificate it signed for `127.0.0.1`, `::1`
/// and `localhost`.
pub struct TestCa {
    ca_pem: String,
    /// The server certificate and its key, in PEM form.
    server_pem: (String, String),
    config: Arc<ServerConfig>,
}

impl TestCa {
    /// A fresh CA and a server certificate for the loopback names.
    ///
    /// Panics if key generation or signing fails (a broken test setup).
    pub fn new() -> Self {
        Self::for_hosts(&[])
    }

    /// [`TestCa::new`] with `hosts` (DNS names, wildcards allowed) on the
    /// server certificate as well, for servers reached through a `CONNECT`
    /// proxy under a module path's host name.
    pub fn for_hosts(hosts: &[&str]) -> Self {
        let ca_key = KeyPair::generate().expect("generating the CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "gomodx test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-signing the CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let key = KeyPair::generate().expect("generating the server key");
        let names = ["127.0.0.1", "::1", "localhost"]
            .iter()
            .chain(hosts)
            .map(|name| (*name).to_owned());
        let mut params =
            CertificateParams::new(names.collect::<Vec<_>>()).expect("server parameters");
        params
            .distinguished_name
            .push(DnType::CommonName, "gomodx test proxy");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params
            .signed_by(&key, &issuer)
            .expect("signing the server certificate");

        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let mut config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .expect("building the TLS server configuration");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TestCa {
            ca_pem: ca_cert.pem(),
            server_pem: (cert.pem(), key.serialize_pem()),
            config: Arc::new(config),
        }
    }

    /// The CA certificate in PEM form.
    pub fn pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server certificate (for `127.0.0.1`, `::1`, `localhost`) and
    /// its private key in PEM form, for servers under test.
    pub fn server_pem(&self) -> (&str, &str) {
        (&self.server_pem.0, &self.server_pem.1)
    }

    /// Writes the CA certificate to `path`, for `SSL_CERT_FILE`.
    ///
    /// Panics if the file cannot be written.
    pub fn write_pem(&self, path: &Path) {
        std::fs::write(path, &self.ca_pem)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    pub(super) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(Arc::clone(&self.config))
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

/// Accepts TCP connections and completes their TLS handshakes; failed
/// handshakes are dropped.
pub(super) struct TlsListener {
    pub(super) inner: ResettableListener,
    pub(super) acceptor: TlsAcceptor,
}

impl Listener for TlsListener {
    type Io = TlsStream<ResettableIo>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (io, addr) = self.inner.accept().await;
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, self.acceptor.accept(io));
            if let Ok(Ok(stream)) = handshake.await {
                return (stream, addr);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        stream.io().get_ref().0.handle()
    }
}
