//! Fuzzes what a checksum database sends: signed notes (checked with a
//! fixed key and with a key parsed from the input), tree notes and
//! records. No input may panic; a note that opens with a key is a tree
//! note only if it formats back to the same text.
#![no_main]

use std::sync::OnceLock;

use gomodx_sumdb::note::Verifier;
use gomodx_sumdb::tlog::{Tree, parse_record};
use libfuzzer_sys::fuzz_target;

/// The go command's test key (cmd/go/proxy_test.go).
const VKEY: &str = "localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6";

fuzz_target!(|data: &[u8]| {
    static FIXED: OnceLock<Verifier> = OnceLock::new();
    let fixed = FIXED.get_or_init(|| Verifier::parse(VKEY).expect("the test key parses"));
    let _ = fixed.open(data);
    if let Some((key, note)) = std::str::from_utf8(data).ok().and_then(|t| t.split_once('\n')) {
        if let Ok(verifier) = Verifier::parse(key) {
            let _ = verifier.open(note.as_bytes());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(tree) = Tree::parse(text) {
            assert_eq!(Tree::parse(&tree.format()).ok(), Some(tree));
        }
    }
    let _ = parse_record(data);
});
