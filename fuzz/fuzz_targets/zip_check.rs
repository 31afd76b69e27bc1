//! Fuzzes the module-zip checker and extractor on arbitrary bytes: no input
//! may panic, an accepted zip must extract, and a rejected one must leave
//! nothing behind.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tmp = tempfile::tempdir().expect("temp dir");
    let zip = tmp.path().join("m.zip");
    std::fs::write(&zip, data).expect("write zip");
    let module = gomodx_module::ModuleVersion::new("example.com/m", "v1.0.0");
    let dest = tmp.path().join("out");
    let checked = gomodx_modzip::check_zip(&zip, &module);
    let _ = gomodx_modzip::h1::hash_zip(&zip);
    match gomodx_modzip::unzip(&zip, &module, &dest) {
        Ok(()) => assert!(checked.is_ok(), "unzip accepted a zip check_zip refused"),
        Err(_) => assert!(
            !dest.exists() || std::fs::read_dir(&dest).expect("read dest").next().is_none(),
            "a failed unzip left files behind"
        ),
    }
});
