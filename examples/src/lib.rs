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

/// Where an example keeps its device's files: `kept` (created, and refused
/// unless empty, so an old run's files are never mixed in) or a fresh
/// temporary directory, removed when the returned guard is dropped. Prints
/// which one it is.
///
/// # Errors
///
/// File system errors, and a `kept` directory that is not empty.
pub fn device_dir(
    kept: Option<&std::path::Path>,
) -> Result<(tempfile::TempDir, std::path::PathBuf), Box<dyn std::error::Error>> {
    let temporary = tempfile::tempdir()?;
    let base = match kept {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            if std::fs::read_dir(dir)?.next().is_some() {
                return Err(format!("{} is not empty", dir.display()).into());
            }
            dir.to_path_buf()
        }
        None => temporary.path().to_path_buf(),
    };
    let which = if kept.is_some() {
        " (kept)"
    } else {
        " (temporary)"
    };
    let _ = writeln!(std::io::stdout(), "files in {}{which}", base.display());
    Ok((temporary, base))
}
