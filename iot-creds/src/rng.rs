//! The operating system's random generator (`std` only).

use core::convert::Infallible;

use getrandom::SysRng;
use rand_core::{TryCryptoRng, TryRng, UnwrapErr};

/// The operating system's cryptographically secure random generator
/// (`getrandom(2)` on Linux), for factory tools and Linux-class devices.
/// Microcontrollers pass their hardware TRNG's [`rand_core`](crate::rand_core) implementation
/// instead.
///
/// # Panics
///
/// Any method panics if the operating system cannot provide random bytes at
/// all; a device must not make up credentials without randomness. On Linux
/// this cannot happen after early boot.
///
/// ```
/// use iot_creds::{DevicePassword, OsRng};
///
/// let mut rng = OsRng::new();
/// let a = DevicePassword::generate(&mut rng)?;
/// let b = DevicePassword::generate(&mut rng)?;
/// assert_ne!(a.expose_secret(), b.expose_secret());
/// # Ok::<(), iot_creds::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRng(UnwrapErr<SysRng>);

impl OsRng {
    /// The operating system's generator.
    #[must_use]
    pub const fn new() -> Self {
        Self(UnwrapErr(SysRng))
    }
}

impl TryRng for OsRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.0.try_next_u32()
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.try_fill_bytes(dst)
    }
}

impl TryCryptoRng for OsRng {}
