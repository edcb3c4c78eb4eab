//! Runnable examples of the `iot-*` crates: run them from the workspace root
//! with `cargo run --example NAME`. This library target holds the little the
//! examples share: every example answers `-h`/`--help` with its options
//! instead of starting work.

use std::io::Write;

/// If the command line asks for help (`-h` or `--help` anywhere), writes
/// `help` to standard output and returns `true`: the example then exits
/// successfully without doing anything else.
#[must_use]
pub fn help_requested(help: &str) -> bool {
    let asked = std::env::args()
        .skip(1)
        .any(|arg| arg == "-h" || arg == "--help");
    if asked {
        // A closed stdout (`example --help | head -0`) is not an error here.
        let _ = writeln!(std::io::stdout(), "{}", help.trim_end());
    }
    asked
}
