//! `gomodx serve`: gomodx's store as a GOPROXY ([`gomodx_serve`]). This
//! resolves the settings, prints the URL and the request logs, and stops
//! on SIGINT or SIGTERM.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use gomodx_client::{Client, ClientConfig};
use gomodx_fetch::{Connectivity, NoReporter};
use gomodx_serve::{Auth, Limits, ServeConfig, Server, SumdbUpstream, Tls, upstream_trace};

use crate::ExitStatus;
use crate::cli::ServeArgs;
use crate::printer::Printer;
use crate::settings::{GlobalSettings, parse_duration};

/// Serves until a signal asks to stop.
pub fn run(settings: &GlobalSettings, args: &ServeArgs, printer: &Printer) -> Result<ExitStatus> {
    let auth =
        Auth::from_flags(args.token.as_deref(), args.basic.as_deref()).map_err(|e| anyhow!(e))?;
    let limits = Limits {
        max_connections: args.max_connections as usize,
        max_header_bytes: args.max_header_bytes as usize,
        request_timeout: parse_duration("--request-timeout", &args.request_timeout)?,
        header_timeout: parse_duration("--header-timeout", &args.header_timeout)?,
        ..Limits::default()
    };
    let ttl = parse_duration("--ttl", &args.ttl)?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls::from_files(cert, key).map_err(|e| anyhow!(e))?),
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
