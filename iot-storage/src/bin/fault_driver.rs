//! Test driver of `tests/strace_faults.rs`, built only with the
//! `__test-hooks` feature (the crate's own tests turn it on; a normal build,
//! `cargo install` and docs.rs never build it). It runs one store operation
//! on one thread, so that `strace -e inject=SYSCALL:error=ERRNO:when=N`,
//! which counts calls per thread, hits the operation's N-th call.
//!
//! `iot-storage-fault-driver STORE_DIR COUNTER_FILE OPERATION`, where
//! OPERATION is one of `create`, `put`, `delete`, `rotate`, `destroy` or
//! `open` (opening with the new root key of an interrupted rotation, which
//! finishes it). Exit status: 0 if the operation returned `Ok`, 1 if it
//! returned an error, 2 on bad usage. It prints nothing: a `write` of its own
//! would shift the count of the `write` faults.

use std::process::ExitCode;

use iot_storage::{Error, FileCounter, RootKey, SealedStore, StoreOptions};

/// The root key a store is created with.
const OLD_ROOT: [u8; 32] = [0x11; 32];
/// The root key `rotate` moves to.
const NEW_ROOT: [u8; 32] = [0x22; 32];

fn open(dir: &str, counter: &str, root: [u8; 32]) -> Result<SealedStore, Error> {
    let options = StoreOptions::default().counter(FileCounter::insecure_development(counter)?);
    SealedStore::open(dir, RootKey::from_bytes(root), options)
}

fn run(dir: &str, counter: &str, operation: &str) -> Option<Result<(), Error>> {
    Some(match operation {
        "create" => open(dir, counter, OLD_ROOT).map(drop),
        "put" => open(dir, counter, OLD_ROOT).and_then(|s| s.put("wifi/psk", b"new value")),
        "delete" => open(dir, counter, OLD_ROOT).and_then(|s| s.delete("cloud/token").map(drop)),
        "rotate" => {
            open(dir, counter, OLD_ROOT).and_then(|s| s.rotate(RootKey::from_bytes(NEW_ROOT)))
        }
        "destroy" => open(dir, counter, OLD_ROOT).and_then(SealedStore::destroy),
        "open" => open(dir, counter, NEW_ROOT).map(drop),
        _ => return None,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(counter), Some(operation)) = (args.get(1), args.get(2), args.get(3))
    else {
        return ExitCode::from(2);
    };
    match run(dir, counter, operation) {
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(_)) => ExitCode::from(1),
        None => ExitCode::from(2),
    }
}
