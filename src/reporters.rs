//! Progress for downloads: cargo-style status lines, an indicatif bar
//! (bytes, modules done/total, rate) and the final summary. The only
//! terminal drawing code for downloads.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use gomodx_client::TraceHook;
use gomodx_fetch::{Outcome, Reporter};
use gomodx_module::ModuleVersion;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::printer::Printer;

/// Totals of a download run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Modules whose zip came from a proxy.
    pub downloaded: usize,
    /// Modules found complete in gomodx's store.
    pub from_store: usize,
    /// Zip bytes of the downloaded modules.
    pub bytes: u64,
}

/// Draws the progress of [`gomodx_fetch::Fetcher`] downloads.
pub struct DownloadReporter {
    printer: Printer,
    bar: ProgressBar,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queued: HashSet<ModuleVersion>,
    /// Per module in flight: (announced size, bytes received) of the current attempt.
    in_flight: HashMap<ModuleVersion, (u64, u64)>,
    done: usize,
    summary: Summary,
}

impl DownloadReporter {
    /// A reporter printing through `printer`; the bar is drawn only with
    /// `show_progress` (a terminal, no `-q`/`-v`, no `GOMODX_NO_PROGRESS`).
    pub fn new(printer: &Printer, show_progress: bool) -> Arc<Self> {
        let bar = if show_progress {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12.cyan.bold} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg} ({binary_bytes_per_sec})",
                )
                .expect("the template is a valid constant")
                .progress_chars("=> "),
            );
            bar.set_prefix("Downloading");
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Arc::new(Self {
            printer: printer.clone(),
            bar,
            state: Mutex::new(State::default()),
        })
    }

    /// Counts `module` in the bar's total (once, however often queued).
    pub fn queue(&self, module: &ModuleVersion) {
        let mut state = self.state();
        state.queued.insert(module.clone());
        self.update_message(&state);
    }

    /// A `-x` trace hook printing request lines above the bar.
    pub fn trace_hook(self: &Arc<Self>) -> TraceHook {
        let this = Arc::clone(self);
        Arc::new(move |line: &str| this.bar.suspend(|| this.printer.raw(line)))
    }

    /// Removes the bar and returns the totals.
    pub fn finish(&self) -> Summary {
        self.bar.finish_and_clear();
        self.state().summary
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn update_message(&self, state: &State) {
        self.bar
            .set_message(format!("{}/{} modules", state.done, state.queued.len()));
    }
}

impl Reporter for DownloadReporter {
    fn start(&self, module: &ModuleVersion, size: Option<u64>) {
        let mut state = self.state();
        let (old_size, old_received) = state.in_flight.remove(module).unwrap_or_default();
        let size = size.unwrap_or(0);
        self.bar
            .set_length((self.bar.length().unwrap_or(0) + size).saturating_sub(old_size));
        self.bar
            .set_position(self.bar.position().saturating_sub(old_received));
        state.in_flight.insert(module.clone(), (size, 0));
    }

    fn bytes(&self, module: &ModuleVersion, bytes: u64) {
        if let Some((_, received)) = self.state().in_flight.get_mut(module) {
            *received += bytes;
        }
        self.bar.inc(bytes);
        // Sizes are not always announced: never show more done than total.
        if self
            .bar
            .length()
            .is_some_and(|length| length < self.bar.position())
        {
            self.bar.set_length(self.bar.position());
        }
    }

    fn finish(&self, module: &ModuleVersion, outcome: Outcome) {
        let mut state = self.state();
        state.in_flight.remove(module);
        state.done += 1;
        let name = format!("{} {}", module.path, module.version);
        match outcome {
            Outcome::Downloaded { bytes } => {
                state.summary.downloaded += 1;
                state.summary.bytes += bytes;
                self.bar.suspend(|| {
                    self.printer.status(
                        "Downloaded",
                        format_args!("{name} ({})", human_bytes(bytes)),
                    )
                });
            }
            Outcome::FromRemote { bytes } => {
                state.summary.from_store += 1;
                self.bar.suspend(|| {
                    self.printer.status(
                        "Shared",
                        format_args!("{name} ({}, from the remote)", human_bytes(bytes)),
                    )
                });
            }
            Outcome::FromStore { .. } => {
                state.summary.from_store += 1;
                self.bar
                    .suspend(|| self.printer.verbose_status("Cached", &name));
            }
            Outcome::Failed => {}
        }
        self.update_message(&state);
    }
}

/// `512 B`, `12.3 KiB`, `4.0 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_cargo() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(12_595), "12.3 KiB");
        assert_eq!(human_bytes(4 << 20), "4.0 MiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
    }
}
