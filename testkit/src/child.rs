//! Power loss in a test: the current test binary is started again as a child
//! process that runs one test function in "child mode", and the parent kills
//! it with SIGKILL at a chosen moment, then checks what is left on disk.
//!
//! The child mode is selected by an environment variable the parent sets, so
//! the same test function can be both parent and child, or a separate
//! `#[ignore]`d function can be the child (it is started with
//! `--include-ignored`).
//!
//! ```no_run
//! use std::time::Duration;
//! use iot_testkit::child::{self, Child, KillTimer};
//!
//! const ROLE: &str = "MY_CRATE_WRITER_CHILD";
//!
//! #[test]
//! fn writes_survive_sigkill() {
//!     if let Some(dir) = child::role(ROLE) {
//!         // child: open the store in `dir`, then
//!         child::signal_ready();
//!         loop { /* write */ }
//!     }
//!     let mut timer = KillTimer::from_env_or_clock("MY_CRATE_SEED");
//!     let mut writer = Child::spawn("writes_survive_sigkill", ROLE, "/tmp/dir");
//!     assert!(writer.wait_ready(Duration::from_secs(30)));
//!     std::thread::sleep(timer.below(Duration::from_millis(40)));
//!     writer.kill();
//!     // ... check the store
//! }
//! ```

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The line a child prints when it is about to start the work to interrupt.
const READY: &str = "iot-testkit-child-ready";

/// The value of the role variable `var` if this process is a child started
/// by [`Child::spawn`], else `None`.
pub fn role(var: &str) -> Option<String> {
    env::var(var).ok()
}

/// Tells the parent that the child is about to start the work to interrupt.
/// Written straight to file descriptor 1: the test harness captures only
/// `print!`.
pub fn signal_ready() {
    let mut out = std::io::stdout().lock();
    out.write_all(format!("{READY}\n").as_bytes()).unwrap();
    out.flush().unwrap();
}

/// A child process running one test function of the current test binary.
#[derive(Debug)]
pub struct Child {
    inner: std::process::Child,
}

impl Child {
    /// Starts the current test binary running only the test `test_name`
    /// (ignored or not), with the role variable `var` set to `value`.
    pub fn spawn(test_name: &str, var: &str, value: &str) -> Self {
        let inner = Command::new(env::current_exe().unwrap())
            .args([
                "--exact",
                test_name,
                "--include-ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(var, value)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self { inner }
    }

    /// Waits until the child calls [`signal_ready`]; `false` if it exited or
    /// `timeout` passed first (a watchdog, so that a hanging child fails the
    /// test instead of blocking it).
    pub fn wait_ready(&mut self, timeout: Duration) -> bool {
        let Some(stdout) = self.inner.stdout.take() else {
            return false;
        };
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let ready = BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .any(|line| line.ends_with(READY));
            let _ = tx.send(ready);
        });
        rx.recv_timeout(timeout).unwrap_or(false)
    }

    /// Kills the child with SIGKILL (a power cut, as far as its files are
    /// concerned) and reaps it. Returns `true` if the signal ended it, `false`
    /// if it had already exited by itself.
    pub fn kill(mut self) -> bool {
        let _ = self.inner.kill();
        let status = self.inner.wait().unwrap();
        killed_by_signal(status)
    }

    /// Waits for the child to exit by itself.
    pub fn wait(mut self) -> ExitStatus {
        self.inner.wait().unwrap()
    }
}

#[cfg(unix)]
fn killed_by_signal(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal().is_some()
}

#[cfg(not(unix))]
fn killed_by_signal(status: ExitStatus) -> bool {
    status.code().is_none()
}

/// Kill delays: xorshift64, reproducible from a seed that the test prints,
/// so that a failing run can be repeated. No cryptographic quality needed.
#[derive(Debug, Clone)]
pub struct KillTimer {
    seed: u64,
    state: u64,
}

impl KillTimer {
    /// Seeded from the environment variable `var` when it is set (to repeat
    /// a failing run), else from the clock and the process id.
    pub fn from_env_or_clock(var: &str) -> Self {
        let seed = match env::var(var) {
            Ok(seed) => seed.parse().unwrap(),
            Err(_) => {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
                #[allow(clippy::cast_possible_truncation, reason = "any bits will do")]
                let nanos = now.as_nanos() as u64;
                nanos ^ u64::from(std::process::id())
            }
        };
        Self::with_seed(seed)
    }

    /// Seeded with `seed` (zero is replaced: xorshift would stay at zero).
    pub fn with_seed(seed: u64) -> Self {
        let seed = seed.max(1);
        Self { seed, state: seed }
    }

    /// The seed, to print with a failure.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The next raw value.
    pub fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// A delay in `[0, max)` (zero when `max` is zero), in microseconds.
    pub fn below(&mut self, max: Duration) -> Duration {
        let max_us = u64::try_from(max.as_micros()).unwrap_or(u64::MAX).max(1);
        Duration::from_micros(self.next_u64() % max_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "IOT_TESTKIT_SELF_TEST_CHILD";

    #[test]
    #[ignore = "child of a_child_is_killed_after_it_is_ready; does nothing unless started by it"]
    fn child_that_waits_forever() {
        if role(ROLE).is_none() {
            return;
        }
        signal_ready();
        loop {
            thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_child_is_killed_after_it_is_ready() {
        let mut child = Child::spawn("child::tests::child_that_waits_forever", ROLE, "1");
        assert!(child.wait_ready(Duration::from_secs(30)));
        assert!(
            child.kill(),
            "the child was still running, so SIGKILL ended it"
        );
    }

    #[test]
    fn a_child_that_exits_is_not_ready_and_was_not_killed() {
        // Without the role variable the child function returns at once.
        let mut child = Child::spawn("child::tests::child_that_waits_forever", "UNRELATED", "1");
        assert!(!child.wait_ready(Duration::from_secs(30)));
        assert!(child.wait().success());
    }

    #[test]
    fn the_timer_repeats_from_its_seed_and_stays_below_the_bound() {
        let mut a = KillTimer::with_seed(42);
        let mut b = KillTimer::with_seed(a.seed());
        for _ in 0..100 {
            let d = a.below(Duration::from_millis(40));
            assert_eq!(d, b.below(Duration::from_millis(40)));
            assert!(d < Duration::from_millis(40));
        }
        assert_eq!(
            KillTimer::with_seed(0).below(Duration::ZERO),
            Duration::ZERO
        );
    }
}
