//! Fuzzes the go.sum reader: no input may panic, and a file that parses
//! strictly writes bytes that parse again to the same lines (go.sum is
//! rewritten by gomodx after every download).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gomodx_modfile::GoSum::parse_lenient(data);
    if let Ok(sums) = gomodx_modfile::GoSum::parse("go.sum", data) {
        let written = sums.to_bytes();
        let again = gomodx_modfile::GoSum::parse("go.sum", &written)
            .expect("written go.sum must parse");
        assert_eq!(again.to_bytes(), written, "writing go.sum is not stable");
    }
});
