//! Fuzzes the go.mod parser (strict and lax) and the printer: no input may
//! panic, and any valid UTF-8 file that parses strictly (a main module's
//! go.mod, the only kind gomodx prints) must print to text that parses again
//! to the same printed form. Invalid UTF-8 is read lossily and lax files are
//! never printed, so only the no-panic property is asked of them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for strict in [true, false] {
        let parsed = if strict {
            gomodx_modfile::parse("go.mod", data)
        } else {
            gomodx_modfile::parse_lax("go.mod", data)
        };
        if let (Ok(file), true) = (parsed, strict && std::str::from_utf8(data).is_ok()) {
            let printed = file.format();
            let again = gomodx_modfile::parse_lax("go.mod", printed.as_bytes())
                .expect("printed go.mod must parse");
            assert_eq!(again.format(), printed, "printing is not stable");
        }
    }
});
