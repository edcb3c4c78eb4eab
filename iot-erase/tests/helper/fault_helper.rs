//! Not part of the published crate (`required-features = ["__test-hooks"]`):
//! a small single-threaded program that runs one operation of `iot-erase`
//! for `tests/faults.rs`, which runs it under `strace` fault injection.
//! `strace`'s `when=N` counts per thread, and the test harness runs tests on
//! threads of their own: a separate process with one thread makes "the N-th
//! `fsync`" mean the N-th `fsync` of the erase.
//!
//! Usage: `iot-erase-fault-helper OP ROOT [ARG]`. It prints one line:
//! `OK <report>`, `INCOMPLETE <report>`, `ERR <error>` or `NONE`, with the
//! `Debug` form of the report or error, and for some operations more lines
//! after it.
//!
//! - `execute`: runs the test plan (a crypto-erase, `wifi.conf`, `user`, a
//!   custom action and a memory buffer).
//! - `crash K`: the same, but exits (as a power cut would stop it) at the
//!   K-th progress event; prints `FINISHED` instead if it ran out of events.
//! - `resume`: `iot_erase::resume`.
//! - `ack`: `resume`, then acknowledges the report it returned.
//! - `full`: fills the file system under ROOT with `user/filler` until it
//!   is full, then runs `execute`, then `ack`, then prints `LEFT <names>`.
//! - `mount`: runs a plan of just `user` (whose `sd` is a mount point),
//!   then prints `PHOTO <content>` for `user/sd/photo`.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use iot_erase::{ErasePlan, EraseReport, Error};

fn plan(root: &Path) -> ErasePlan {
    ErasePlan::new(root)
        .crypto_erase("key slot", || Ok(()))
        .file("wifi.conf")
        .dir("user")
        .custom("cloud", || Ok(()))
        .zeroize_memory("token", Arc::new(Mutex::new(vec![0x42u8; 32])))
}

fn print(result: &Result<Option<EraseReport>, Error>) {
    let line = match result {
        Ok(Some(report)) => format!("OK {report:?}"),
        Ok(None) => "NONE".to_owned(),
        Err(Error::Incomplete(report)) => format!("INCOMPLETE {report:?}"),
        Err(e) => format!("ERR {e:?}"),
    };
    // One write(2) to stdout, after the operation: the fault sweeps leave
    // out writes to fd 1 when they count the operation's writes.
    let _ = std::io::stdout().write_all(format!("{line}\n").as_bytes());
}

fn ack(root: &Path) {
    let result = iot_erase::resume(root);
    print(&result);
    let report = match &result {
        Ok(Some(report)) => Some(report),
        Err(e) => e.report(),
        Ok(None) => None,
    };
    if let Some(report) = report
        && let Err(e) = report.acknowledge(root)
    {
        let _ = std::io::stdout().write_all(format!("ACK-ERR {e:?}\n").as_bytes());
    }
}

fn names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Exits with status 2 and `message` on stderr (the test shows it).
fn fail(message: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("{message}\n").as_bytes());
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(op), Some(root)) = (args.next(), args.next()) else {
        fail("usage: iot-erase-fault-helper OP ROOT [ARG]");
    };
    let root = Path::new(&root);
    match op.as_str() {
        "execute" => print(&plan(root).execute().map(Some)),
        "crash" => {
            let at: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
            let mut seen = 0u64;
            let result = plan(root)
                .on_progress(move |_| {
                    seen += 1;
                    if seen == at {
                        std::process::exit(0);
                    }
                })
                .execute();
            let _ = std::io::stdout().write_all(b"FINISHED\n");
            if let Ok(report) = result {
                let _ = report.acknowledge(root);
            }
        }
        "resume" => print(&iot_erase::resume(root)),
        "ack" => ack(root),
        "full" => {
            let filler = root.join("user/filler");
            let chunk = vec![0x5au8; 4096];
            let Ok(mut file) = std::fs::File::create(&filler) else {
                fail("cannot create the filler");
            };
            while file.write_all(&chunk).is_ok() {}
            drop(file);
            print(&plan(root).execute().map(Some));
            ack(root);
            let _ = std::io::stdout().write_all(format!("LEFT {:?}\n", names(root)).as_bytes());
        }
        "mount" => {
            print(&ErasePlan::new(root).dir("user").execute().map(Some));
            let photo = std::fs::read(root.join("user/sd/photo")).unwrap_or_default();
            let line = format!("PHOTO {}\n", String::from_utf8_lossy(&photo));
            let _ = std::io::stdout().write_all(line.as_bytes());
        }
        _ => {
            fail("unknown operation");
        }
    }
}
