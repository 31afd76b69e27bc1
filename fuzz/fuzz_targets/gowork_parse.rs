//! Fuzzes the go.work parser and main-module go.mod reader (go's checks
//! on top of the parser): no input may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gomodx_modfile::parse_work("go.work", data);
    let _ = gomodx_modfile::read_main("go.mod", data);
});
