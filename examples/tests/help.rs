//! Every example answers `--help` with its options instead of starting work
//! (a user who typed `factory_batch -- --help` once got a 1,000-device
//! batch). The examples are the binaries `cargo test` builds next to this
//! test; each one is run with `--help` and `-h`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::process::Command;

const EXAMPLES: [&str; 8] = [
    "conformance_evidence",
    "device_lifecycle",
    "factory_batch",
    "mqtt_device",
    "tls_client",
    "tls_server",
    "tuf_conformance_client",
    "update_device",
];

#[test]
fn every_example_prints_its_options_for_help_and_does_no_work() {
    // The examples are built into `target/<profile>/examples/`, beside this
    // test's `deps/` directory.
    let exe = std::env::current_exe().unwrap();
    let examples_dir = exe.parent().unwrap().parent().unwrap().join("examples");
    for name in EXAMPLES {
        let path = examples_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        assert!(path.is_file(), "{} was not built", path.display());
        for flag in ["--help", "-h"] {
            let dir = tempfile::tempdir().unwrap();
            let out = Command::new(&path)
                .arg(flag)
                .current_dir(dir.path())
                .env("TMPDIR", dir.path())
                .output()
                .unwrap();
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert!(out.status.success(), "{name} {flag}: {}", out.status);
            assert!(stdout.contains("Usage:"), "{name} {flag}: {stdout}");
            assert!(stdout.contains("--help"), "{name} {flag}: {stdout}");
            // No work: every example that starts work writes into the
            // temporary directory (TMPDIR) or the working directory.
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                0,
                "{name} {flag} wrote files"
            );
        }
    }
}
