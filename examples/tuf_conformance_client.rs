//! The client-under-test CLI of the TUF conformance suite
//! (`tuf-conformance/CLIENT-CLI.md`), on `iot_update`'s public API only.
//! `.ci/run` runs the whole suite against it.
//!
//! ```text
//! tuf_conformance_client --metadata-dir DIR init TRUSTED_ROOT
//! tuf_conformance_client --metadata-dir DIR --metadata-url URL refresh
//! tuf_conformance_client --metadata-dir DIR --metadata-url URL \
//!     --target-name PATH [--target-name PATH ...] --target-base-url URL --target-dir DIR download
//! ```
//!
//! The suite serves plain `http://`, so this CLI uses
//! `HttpTransport::insecure_plain_http`; `file://` URLs and plain paths use
//! the `FileTransport`. Exit code 0 on success, 1 on any failure (the
//! failed check is printed on stderr).

// An example program: it prints what it does and what failed.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iot_update::{DirectoryStore, Error, FileTransport, HttpTransport, MetadataStore, Updater};

const USAGE: &str = "\
Usage: tuf_conformance_client --metadata-dir DIR [options] COMMAND

Commands:
  init TRUSTED_ROOT   copy the trusted root into DIR (no network)
  refresh             refresh the top-level metadata
  download            refresh, then download every --target-name in order

Options:
  --metadata-dir DIR      trusted metadata directory (required)
  --metadata-url URL      repository metadata base URL (refresh, download)
  --target-name PATH      target path to download (repeatable)
  --target-base-url URL   repository targets base URL (download)
  --target-dir DIR        where verified targets are stored (download)
  -h, --help              this text
";

#[derive(Default)]
struct Args {
    metadata_dir: Option<PathBuf>,
    metadata_url: Option<String>,
    target_names: Vec<String>,
    target_base_url: Option<String>,
    target_dir: Option<PathBuf>,
    command: Vec<String>,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args::default();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--metadata-dir" => args.metadata_dir = Some(value(&arg)?.into()),
            "--metadata-url" => args.metadata_url = Some(value(&arg)?),
            "--target-name" => args.target_names.push(value(&arg)?),
            "--target-base-url" => args.target_base_url = Some(value(&arg)?),
            "--target-dir" => args.target_dir = Some(value(&arg)?.into()),
            "-v" | "-vv" | "-vvv" | "--verbose" => {}
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ => args.command.push(arg),
        }
    }
    Ok(Some(args))
}

fn updater(args: &Args, dir: &Path) -> Result<Updater, String> {
    let url = args
        .metadata_url
        .clone()
        .ok_or("--metadata-url is required")?;
    let store = DirectoryStore::open(dir).map_err(|e| e.to_string())?;
    let builder = if url.starts_with("http://") || url.starts_with("https://") {
        Updater::builder(url, HttpTransport::insecure_plain_http(), store)
    } else {
        Updater::builder(url, FileTransport::new(), store)
    };
    let builder = match &args.target_base_url {
        Some(t) => builder.targets_url(t.clone()),
        None => builder,
    };
    Ok(builder.build())
}

fn run(args: &Args) -> Result<(), String> {
    let dir = args
        .metadata_dir
        .as_deref()
        .ok_or("--metadata-dir is required")?;
    let fail = |what: &str, e: Error| format!("{what}: {e}");
    match args
        .command
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["init", root] => {
            let data = std::fs::read(root).map_err(|e| format!("reading the trusted root: {e}"))?;
            let mut store = DirectoryStore::open(dir).map_err(|e| fail("init", e))?;
            store.store("root", &data).map_err(|e| fail("init", e))?;
            println!("iot-update test client: initialized {}", dir.display());
            Ok(())
        }
        ["refresh"] => {
            let mut updater = updater(args, dir)?;
            updater.refresh().map_err(|e| fail("refresh", e))?;
            println!("iot-update test client: refreshed");
            Ok(())
        }
        ["download"] => {
            let target_dir = args
                .target_dir
                .as_deref()
                .ok_or("--target-dir is required")?;
            let mut updater = updater(args, dir)?;
            updater.refresh().map_err(|e| fail("refresh", e))?;
            for (i, name) in args.target_names.iter().enumerate() {
                let what = format!("target {}", i + 1);
                let info = updater.target(name).map_err(|e| fail(&what, e))?;
                let verified = updater
                    .download_target(&info, target_dir)
                    .map_err(|e| fail(&what, e))?;
                println!(
                    "iot-update test client: {what} verified ({} bytes, {})",
                    verified.length(),
                    if verified.was_downloaded() {
                        "downloaded"
                    } else {
                        "already present"
                    }
                );
            }
            Ok(())
        }
        _ => Err("expected one command: init ROOT, refresh or download".into()),
    }
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iot-update test client: {e}");
            ExitCode::FAILURE
        }
    }
}
