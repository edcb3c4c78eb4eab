//! A factory production run with `iot-creds`: a unique label password for
//! each of 1,000 devices, hashed with Argon2id on all cores, written as a CSV
//! and a JSON manifest (EN 303 645 5.1-1, 5.1-2, 5.1-3).
//!
//! ```sh
//! cargo run --release --example factory_batch               # 1,000 devices
//! cargo run --release --example factory_batch -- 200 /tmp/out
//! cargo run --release --example factory_batch -- --derive  # keyed-HMAC mode
//! ```
//!
//! The hashes use OWASP's parameters (Argon2id, 19 MiB, t = 2, p = 1), the
//! crate's default: the time printed is what a real line would spend.
// An example prints and stops on the first error.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use iot_creds::factory::{BatchProgress, FactoryBatch};
use iot_creds::rand_core::Rng;
use iot_creds::{FactoryKey, HashParams, OsRng, verify_password};

const HELP: &str = "\
A factory production run: a unique label password for each device, hashed
with Argon2id (OWASP parameters) on all cores, written as a CSV and a JSON
manifest (EN 303 645 5.1-1, 5.1-2, 5.1-3).

Usage: factory_batch [--derive] [DEVICES] [OUT_DIR]

Arguments:
  DEVICES      how many devices (default 1000)
  OUT_DIR      where the CSV and manifest go (default: a new private
               directory in the system temporary directory)

Options:
  --derive     derive each password from a factory key (keyed-HMAC mode)
               instead of drawing it from the OS random generator
  -h, --help   print this help and exit
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if iot_examples::help_requested(HELP) {
        return Ok(());
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let derive = args.iter().any(|a| a == "--derive");
    let mut positional = args.iter().filter(|a| !a.starts_with("--"));
    let devices: usize = positional.next().map_or(Ok(1000), |n| n.parse())?;
    let out_dir = match positional.next() {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir)?;
            dir
        }
        None => {
            // A predictable name in a shared temporary directory: create it
            // fresh and private, and refuse one that already exists (someone
            // else could have planted it, or files in it, to read the manifest).
            let dir =
                std::env::temp_dir().join(format!("iot-creds-factory-{}", std::process::id()));
            private_dir(&dir)?;
            dir
        }
    };

    // Serial numbers as the line would scan them.
    let ids: Vec<String> = (1..=devices).map(|i| format!("ACME-CAM-{i:06}")).collect();
    let params = HashParams::owasp();
    let mut rng = OsRng::new();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);

    // The derivation mode needs a factory key; in production it lives in an
    // HSM. Here a fresh random one stands in for it (and is not kept).
    let mut key_bytes = [0u8; 32];
    rng.fill_bytes(&mut key_bytes);
    let factory_key = FactoryKey::new(&key_bytes)?;
    let mut batch = FactoryBatch::new(params);
    if derive {
        batch = batch.derived_from_factory_key(&factory_key);
    }

    println!(
        "factory batch: {devices} devices, {params}, {threads} threads, {} passwords",
        if derive {
            "factory-key derived"
        } else {
            "random (OS CSPRNG)"
        }
    );
    let mut last_decile = 0;
    let batch = batch.on_progress(move |p: &BatchProgress| {
        let decile = p.done * 10 / p.total.max(1);
        if decile > last_decile {
            last_decile = decile;
            println!("  {:>3} % ({}/{})", decile * 10, p.done, p.total);
        }
    });
    let start = Instant::now();
    let manifest = batch.run(&ids, &mut rng)?;
    let elapsed = start.elapsed();

    let csv = out_dir.join("manifest.csv");
    manifest.write_csv(BufWriter::new(private_file(&csv)?))?;
    let json = out_dir.join("manifest.json");
    serde_json::to_writer_pretty(BufWriter::new(private_file(&json)?), &manifest)?;

    let first = manifest.records().first().ok_or("no devices")?;
    // Spot check: the first device's label verifies against its hash.
    verify_password(
        first.password().expose_secret_symbols().as_bytes(),
        first.phc(),
    )?;
    println!(
        "done: {devices} devices in {:.2} s ({:.1} ms per device, {:.1} devices/s)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / devices.max(1) as f64,
        devices as f64 / elapsed.as_secs_f64()
    );
    println!(
        "first record: {} {} {:.0} bits {}",
        first.device_id(),
        masked(first.password().expose_secret()),
        first.entropy_bits(),
        first.phc()
    );
    println!("manifests (they hold every label password: print labels, then delete):");
    println!("  {}", csv.display());
    println!("  {}", json.display());
    Ok(())
}

/// Creates a new directory only its owner can enter; fails if it exists.
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Opens a file only its owner can read: it holds secrets. The mode given at
/// creation does not apply to a file that already exists, so it is set again
/// (which fails on a file owned by someone else).
fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// `K7QM-****-****-****`: enough to show the format on a shared screen.
fn masked(label: &str) -> String {
    label
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || c == '-' { c } else { '*' })
        .collect()
}
