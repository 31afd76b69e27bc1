//! Fuzzes the readers of a proxy's answers: an `.info` body (decoded as
//! Go's `json.Unmarshal` would) and an `@v/list` body. No input may panic;
//! a list line is a version and an optional time, without whitespace.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gomodx_client::parse_info(data);
    for line in gomodx_client::parse_list(data) {
        assert!(!line.version.is_empty());
        assert!(!line.version.chars().any(char::is_whitespace));
        if let Some(time) = &line.time {
            assert!(!time.chars().any(char::is_whitespace));
        }
    }
});
