//! `gomodx serve`: gomodx's store as a GOPROXY ([`gomodx_serve`]). This
//! resolves the settings, prints the URL and the request logs, and stops
//! on SIGINT or SIGTERM.

use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow, bail};
use gomodx_client::{Client, ClientConfig};
use gomodx_fetch::{Connectivity, NoReporter};
use gomodx_serve::{Auth, Limits, ServeConfig, Server, SumdbUpstream, Tls, upstream_trace};

use crate::ExitStatus;
use crate::cli::ServeArgs;
use crate::printer::Printer;
use crate::settings::{GlobalSettings, parse_duration};

/// Serves until a signal asks to stop.
pub fn run(settings: &GlobalSettings, args: &ServeArgs, printer: &Printer) -> Result<ExitStatus> {
    let auth = match (&args.token, &args.basic) {
        (Some(token), _) if token.is_empty() => bail!("--token (GOMODX_SERVE_TOKEN) is empty"),
        (Some(token), _) => Some(Auth::Token(token.clone())),
        (None, Some(pair)) if !pair.contains(':') => {
            bail!("--basic (GOMODX_SERVE_BASIC) must be USER:PASS")
        }
        (None, Some(pair)) => Some(Auth::Basic(pair.clone())),
        (None, None) => None,
    };
    let limits = Limits {
        max_connections: args.max_connections as usize,
        max_header_bytes: args.max_header_bytes as usize,
        request_timeout: parse_duration("--request-timeout", &args.request_timeout)?,
        header_timeout: parse_duration("--header-timeout", &args.header_timeout)?,
        ..Limits::default()
    };
    let ttl = parse_duration("--ttl", &args.ttl)?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |file: &std::path::Path| {
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))
            };
            let tls = Tls::from_pem(&read(cert)?, &read(key)?).map_err(|e| {
                anyhow!(
                    "--tls-cert {} --tls-key {}: {e}",
                    cert.display(),
                    key.display()
                )
            })?;
            Some(tls)
        }
        _ => None,
    };
    let fetch = settings.fetch()?;
    let offline = matches!(
        settings.freshness.connectivity,
        Connectivity::Offline { .. }
    );
    let sumdb = if offline {
        None
    } else {
        SumdbUpstream::new(&fetch.gosumdb, Client::new(ClientConfig::from_env(&fetch)?))
            .map_err(|e| anyhow!(e))?
    };
    let owned = settings.clone();
    let make = Arc::new(move || {
        owned
            .fetcher(None, Arc::new(NoReporter), Some(upstream_trace()))
            .map_err(|e| format!("{e:#}"))
    });
    let log_printer = printer.clone();
    let config = ServeConfig {
        fetcher: make,
        ttl,
        auth,
        tls,
        sumdb,
        limits,
        log: Some(Arc::new(move |line| log_printer.log(line))),
    };
    let runtime = super::async_runtime()?;
    runtime.block_on(async {
        let server = Server::bind(args.listen, config)
            .await
            .map_err(|e| anyhow!(e))?;
        let url = server.url()?;
        printer.data_block(&format!("{url}\n"));
        printer.status(
            "Serving",
            format_args!(
                "{} as a GOPROXY at {url}{}",
                fetch.store_dir.display(),
                if offline { " (offline)" } else { "" }
            ),
        );
        server.run(stop_signal()).await;
        printer.status("Stopped", "serving");
        Ok(ExitStatus::Success)
    })
}

/// SIGINT or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    () = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}
