//! What a Go developer meets on the first day: cache listings with a
//! header, what `clean --modcache` freed, `cache clean` pointing at
//! `--all`, errors before a red summary, reproducible cache roots and
//! tarballs that honour the umask.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, SystemTime};

use crate::download::harness::stderr;
use crate::freshness::{Fixture, GO_MOD};

#[test]
fn cache_ls_has_a_header_and_clean_modcache_says_what_it_freed() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let ls = fixture.ok(&["cache", "ls"]);
    let text = String::from_utf8_lossy(&ls.stdout).into_owned();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["MODULE", "VERSION", "STORE", "MODCACHE", "AGE"]);
    assert!(lines.any(|l| l.starts_with("rsc.io/quote ")), "{text}");

    let dry = fixture.ok(&["clean", "--modcache", "-n"]);
    assert!(stderr(&dry).contains("Would remove"), "{}", stderr(&dry));
    assert!(fixture.gomodx.mod_cache().exists());
    let out = fixture.ok(&["clean", "--modcache"]);
    let err = stderr(&out);
    assert!(
        err.contains("Removed") && err.contains(" files (") && err.contains("KiB)"),
        "{err}"
    );
    assert!(!fixture.gomodx.mod_cache().exists());
}

#[test]
fn cache_clean_without_arguments_names_all() {
    let fixture = Fixture::new(GO_MOD);
    let out = fixture.run(&["cache", "clean"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--all"), "{}", stderr(&out));
}

#[test]
fn download_failures_come_before_a_red_summary() {
    let fixture = Fixture::new(GO_MOD);
    let mut command = fixture.gomodx.command(
        &fixture.main,
        &["download", "rsc.io/quote@v1.5.2", "example.com/nope@v1.0.0"],
    );
    command.env("NO_COLOR", "").env_remove("NO_COLOR");
    command.arg("--color=always");
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let error_at = err.find("error").expect("an error line");
    let finished_at = err.find("Finished").expect("a summary");
    assert!(error_at < finished_at, "{err}");
    let summary = &err[err[..finished_at].rfind('\n').map_or(0, |i| i + 1)..];
    assert!(summary.contains("1 failed"), "{summary}");
    assert!(
        summary.contains("\x1b[1m\x1b[31m") || summary.contains("\x1b[31m"),
        "not red: {summary:?}"
    );
    assert!(!summary.contains("\x1b[32m"), "green: {summary:?}");
}

#[test]
fn reproducible_cache_root_and_exported_tarball_modes() {
    let fixture = Fixture::new(GO_MOD);
    fixture.ok(&["download", "--reproducible", "rsc.io/quote@v1.5.2"]);
    let root = fixture.gomodx.mod_cache();
    let mtime = std::fs::metadata(&root).unwrap().modified().unwrap();
    // SOURCE_DATE_EPOCH is unset: 1980-01-01.
    assert_eq!(
        mtime,
        SystemTime::UNIX_EPOCH + Duration::from_secs(315_532_800)
    );
    let tar = fixture.main.join("cache.tar");
    let export = fixture
        .gomodx
        .command(&fixture.main, &["cache", "export", "--tar", "cache.tar"]);
    // Under a shell's usual umask 022 the tarball is 0644, as tar writes it.
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$@\"", "sh"])
        .arg(export.get_program())
        .args(export.get_args())
        .current_dir(&fixture.main)
        .env_clear()
        .envs(export.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = std::fs::metadata(&tar).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}
