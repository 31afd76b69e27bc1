//! `--locked` (go.sum must not change: fail naming each line) and
//! `--frozen` (`--locked` plus `--offline`), for CI.

use crate::download::harness::{go_env, stderr};
use crate::freshness::{Fixture, GO_MOD};

#[test]
fn locked_fails_naming_each_line_go_sum_would_gain() {
    let fixture = Fixture::new(GO_MOD);
    let go_sum = fixture.main.join("go.sum");
    std::fs::write(&go_sum, "").unwrap();
    let output = fixture.run(&["--locked", "download", "rsc.io/quote@v1.5.2"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("go.sum needs 2 new lines and --locked forbids changing it:"),
        "{text}"
    );
    assert!(text.contains("\n  rsc.io/quote v1.5.2 h1:"), "{text}");
    assert!(
        text.contains("\n  rsc.io/quote v1.5.2/go.mod h1:"),
        "{text}"
    );
    assert_eq!(std::fs::read(&go_sum).unwrap(), b"", "go.sum untouched");

    // Without --locked the lines are recorded; then --locked passes.
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    let recorded = std::fs::read(&go_sum).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&recorded).lines().count(),
        2,
        "{}",
        String::from_utf8_lossy(&recorded)
    );
    fixture.ok(&["--locked", "download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(std::fs::read(&go_sum).unwrap(), recorded);
}

#[test]
fn frozen_is_locked_and_offline() {
    let fixture = Fixture::new(GO_MOD);
    let go_sum = fixture.main.join("go.sum");
    let before = std::fs::read(&go_sum).unwrap();
    // Cold: offline, so it fails naming what is missing, without a request.
    let output = fixture.run(&["--frozen", "download", "rsc.io/quote@v1.5.2"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("the network is disabled by `--frozen`"),
        "{text}"
    );
    assert_eq!(fixture.take_requests(), Vec::<String>::new());

    // Warm, with go.sum complete: succeeds without a request or a change.
    fixture.ok(&["download", "rsc.io/quote@v1.5.2"]);
    fixture.take_requests();
    fixture.ok(&["--frozen", "download", "rsc.io/quote@v1.5.2"]);
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
    assert_eq!(std::fs::read(&go_sum).unwrap(), before);

    // Warm, with go.sum missing the lines: fails, go.sum unchanged.
    std::fs::write(&go_sum, "").unwrap();
    let output = fixture.run(&["--frozen", "download", "rsc.io/quote@v1.5.2"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("--locked forbids changing it"), "{text}");
    assert_eq!(std::fs::read(&go_sum).unwrap(), b"");
    assert_eq!(fixture.take_requests(), Vec::<String>::new());
}

/// A go.mod whose requirement is below what the graph selects: `download`
/// rewrites it exactly as `go mod download` does; `--locked` refuses and
/// leaves it untouched.
#[test]
fn locked_refuses_the_go_mod_download_would_raise() {
    const LOW: &str = "module example.com/m

go 1.21

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.2.0 // keeps its comment
)
";
    let fixture = Fixture::new(LOW);
    let go_mod = fixture.main.join("go.mod");
    let output = fixture.run(&["--locked", "download"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("needs its requirements raised") && text.contains("--locked forbids"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&go_mod).unwrap(), LOW);

    fixture.ok(&["download"]);
    let ours = std::fs::read_to_string(&go_mod).unwrap();
    assert!(
        ours.contains("rsc.io/sampler v1.3.0 // keeps its comment"),
        "{ours}"
    );
    let Some(go) = go_env(&fixture.server.url()) else {
        return;
    };
    let go_main = go.root().join("main");
    std::fs::create_dir_all(&go_main).unwrap();
    std::fs::write(go_main.join("go.mod"), LOW).unwrap();
    std::fs::copy(fixture.main.join("go.sum"), go_main.join("go.sum")).unwrap();
    let output = go.run(&go_main, &["mod", "download"]);
    assert!(output.status.success(), "go: {}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(go_main.join("go.mod")).unwrap(),
        ours
    );
}
