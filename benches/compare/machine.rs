//! The machine and the versions a report was measured with.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// Where and with what a report was measured.
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// CPUs available to the harness.
    pub cores: usize,
    /// Kernel release.
    pub kernel: String,
    /// Total memory.
    pub memory: String,
    /// `go version`.
    pub go: String,
    /// `gomodx --version`.
    pub gomodx: String,
    /// The repository's commit, `-dirty` when tracked files differ from it.
    pub commit: String,
    /// When the report was made (UTC).
    pub date: String,
}

impl Machine {
    /// Reads the machine's facts and the versions of `go` and `gomodx`.
    pub fn detect(go: &Path, gomodx: &Path, repo: &Path) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |text: &str, key: &str| {
            text.lines()
                .find(|line| line.starts_with(key))
                .and_then(|line| line.split_once(':'))
                .map(|(_, value)| value.trim().to_owned())
        };
        let memory = field(&meminfo, "MemTotal")
            .and_then(|kib| kib.trim_end_matches(" kB").parse::<f64>().ok())
            .map_or("unknown".to_owned(), |kib| {
                format!("{:.1} GiB", kib / 1024.0 / 1024.0)
            });
        let commit = output(Command::new("git").args(["-C"]).arg(repo).args([
            "rev-parse",
            "--short=12",
            "HEAD",
        ]))
        .map(|hash| {
            let dirty = output(Command::new("git").arg("-C").arg(repo).args([
                "status",
                "--porcelain",
                "--untracked-files=no",
            ]))
            .is_some_and(|changes| !changes.is_empty());
            if dirty { format!("{hash}-dirty") } else { hash }
        });
        Self {
            cpu: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown CPU".to_owned()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map_or("unknown".to_owned(), |k| k.trim().to_owned()),
            memory,
            go: output(Command::new(go).arg("version")).unwrap_or_else(|| "go: unknown".to_owned()),
            gomodx: output(Command::new(gomodx).arg("--version"))
                .unwrap_or_else(|| "gomodx: unknown".to_owned()),
            commit: commit.unwrap_or_else(|| "unknown commit".to_owned()),
            date: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        }
    }

    /// One Markdown line.
    pub fn markdown(&self) -> String {
        format!(
            "measured {} on {} ({} CPUs, {} RAM, Linux {}) with {} and {} at commit {}",
            self.date,
            self.cpu,
            self.cores,
            self.memory,
            self.kernel,
            self.go,
            self.gomodx,
            self.commit
        )
    }
}

/// The trimmed stdout of a command that succeeded.
fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok().filter(|out| out.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
