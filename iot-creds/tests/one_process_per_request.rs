//! C12: a device web UI that checks each login in a short-lived process
//! (CGI). Every attempt below is a separate process that restores the
//! sealed snapshot, begins the attempt, persists, verifies and exits.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use core::time::Duration;
use std::path::{Path, PathBuf};
use std::process::Command;

use iot_creds::{ClockId, Throttle, ThrottleConfig};

/// The role variable: `dir;clock byte;now in ms;password`.
const ROLE: &str = "IOT_CREDS_LOGIN_REQUEST";
const SECRET: [u8; 32] = [0x33; 32];
const PASSWORD: &str = "lantern-otter-rainfall";

/// One login request, as the CGI program would handle it. Does nothing
/// unless started by `login_requests_in_separate_processes`.
#[test]
#[ignore = "child of login_requests_in_separate_processes; does nothing on its own"]
fn login_request_child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let parts: Vec<&str> = role.split(';').collect();
    let [dir, clock, now, password] = parts[..] else {
        panic!("bad role {role}");
    };
    let state = Path::new(dir).join("throttle");
    let clock = ClockId::new([clock.parse().unwrap(); 16]);
    let now = Duration::from_millis(now.parse().unwrap());
    let config = ThrottleConfig::default();
    let mut throttle = match std::fs::read(&state) {
        Ok(bytes) => Throttle::restore(&bytes, config, &SECRET, clock).unwrap(),
        Err(_) => Throttle::new(config, &SECRET, clock),
    };
    let begun = throttle.begin_login(b"admin", b"192.0.2.7", now);
    if throttle.restored_from_another_clock() {
        // The first request after a reboot: the delays are now on this
        // boot's clock, for the next processes to find.
        std::fs::write(&state, throttle.snapshot()).unwrap();
    }
    let result = match begun {
        Err(retry) => format!("refused {}", retry.duration().as_millis()),
        Ok(attempt) => {
            // Persisted before verifying: a crash here loses nothing.
            std::fs::write(&state, throttle.snapshot()).unwrap();
            if password == PASSWORD {
                throttle.succeed(attempt);
                std::fs::write(&state, throttle.snapshot()).unwrap();
                "accepted".to_owned()
            } else {
                "wrong".to_owned()
            }
        }
    };
    println!("IOT-RESULT {result}");
}

/// Runs one request in its own process; what it answered.
fn request(dir: &Path, boot: u8, now_ms: u64, password: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "login_request_child",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            ROLE,
            format!("{};{boot};{now_ms};{password}", dir.display()),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.split_once("IOT-RESULT ").map(|(_, r)| r.to_owned()))
        .unwrap()
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// C12: within one boot every process keeps the absolute deadline, so the
/// owner gets in once the delay is over (0.1 restarted the remaining delay
/// from each new process's first clock reading: with one process per
/// attempt the owner was locked out for good). After a reboot, the
/// remaining delay runs again on the new clock.
#[test]
fn login_requests_in_separate_processes() {
    let dir = TempDir(std::env::temp_dir().join(format!("iot-creds-cgi-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let d = dir.0.as_path();
    const A: u8 = 1; // this boot's clock
    const B: u8 = 2; // the clock after a reboot

    for _ in 0..5 {
        assert_eq!(request(d, A, 100_000, "admin"), "wrong");
    }
    assert_eq!(request(d, A, 100_000, "admin"), "refused 1000");
    assert_eq!(request(d, A, 101_000, "admin"), "wrong"); // the next waits 2 s
    assert_eq!(request(d, A, 102_500, PASSWORD), "refused 500");
    assert_eq!(request(d, A, 103_000, PASSWORD), "accepted");

    // The source keeps its count (a success refunds one attempt, it does
    // not reset the source): its next wrong guess costs 4 s.
    assert_eq!(request(d, A, 200_000, "admin"), "wrong"); // until 204 s
    assert_eq!(request(d, A, 201_000, "admin"), "refused 3000");
    // The device reboots in the middle of the delay. The new clock starts
    // near zero; 4 s were left at the last snapshot (taken at 200 s).
    assert_eq!(request(d, B, 1_000, PASSWORD), "refused 4000");
    assert_eq!(request(d, B, 3_000, PASSWORD), "refused 2000");
    assert_eq!(request(d, B, 5_000, PASSWORD), "accepted");
}
