//! Blocking TCP + TLS with timeouts: [`connect`] and [`accept`].
//!
//! Both complete the handshake before returning, so every certificate,
//! pin, protocol and clock failure surfaces here as a typed [`Error`], not
//! later on the first read.

use core::time::Duration;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::ops::DerefMut;
use std::sync::Arc;
use std::time::Instant;

use rustls::pki_types::ServerName;
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, ServerConfig, ServerConnection, SideData,
    StreamOwned,
};

use crate::error::{Error, PolicyProblem};

/// Timeouts for [`connect`] and [`accept`].
///
/// * `connect`: establishing the TCP connection;
/// * `handshake`: the whole TLS handshake, however the peer paces it (a peer
///   sending one byte a second, or reading our flight that slowly, cannot
///   hold the connection open);
/// * `read` / `write`: each blocking read or write, during the handshake
///   and afterwards on the returned stream.
///
/// A zero duration is refused by [`connect`] and [`accept`]
/// ([`PolicyProblem::ZeroTimeout`](crate::PolicyProblem::ZeroTimeout)):
/// operating systems read it as "wait forever".
///
/// ```
/// use core::time::Duration;
/// use iot_comm::Timeouts;
///
/// let t = Timeouts::default().with_handshake(Duration::from_secs(5));
/// assert_eq!(t.handshake(), Duration::from_secs(5));
/// assert_eq!(t.connect(), Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    connect: Duration,
    handshake: Duration,
    read: Duration,
    write: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 10 s for the handshake, 30 s per read or write.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            handshake: Duration::from_secs(10),
            read: Duration::from_secs(30),
            write: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// The same duration for every step.
    #[must_use]
    pub fn uniform(d: Duration) -> Self {
        Self {
            connect: d,
            handshake: d,
            read: d,
            write: d,
        }
    }

    /// Sets the TCP connect timeout.
    #[must_use]
    pub fn with_connect(mut self, d: Duration) -> Self {
        self.connect = d;
        self
    }

    /// Sets the overall TLS handshake timeout. A duration too large to be
    /// added to the current time (such as `Duration::MAX`) means no overall
    /// deadline; each read and write is still bounded by its own timeout.
    #[must_use]
    pub fn with_handshake(mut self, d: Duration) -> Self {
        self.handshake = d;
        self
    }

    /// Sets the timeout of each read.
    #[must_use]
    pub fn with_read(mut self, d: Duration) -> Self {
        self.read = d;
        self
    }

    /// Sets the timeout of each write.
    #[must_use]
    pub fn with_write(mut self, d: Duration) -> Self {
        self.write = d;
        self
    }

    /// The TCP connect timeout.
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// The overall TLS handshake timeout.
    pub fn handshake(&self) -> Duration {
        self.handshake
    }

    /// The timeout of each read.
    pub fn read(&self) -> Duration {
        self.read
    }

    /// The timeout of each write.
    pub fn write(&self) -> Duration {
        self.write
    }

    fn check(&self) -> Result<(), Error> {
        if [self.connect, self.handshake, self.read, self.write].contains(&Duration::ZERO) {
            Err(Error::Policy(PolicyProblem::ZeroTimeout))
        } else {
            Ok(())
        }
    }
}

/// Connects to `addr`, runs the TLS handshake for `server_name` (a DNS name
/// or an IP address, checked against the certificate) with `config`, and
/// returns the established stream.
///
/// ```no_run
/// use std::io::{Read, Write};
/// use iot_comm::{connect, ClientPolicy, Profile, Timeouts};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClientPolicy::new(Profile::Modern)
///     .trust_pem(&std::fs::read("ca.pem")?)?
///     .build()?;
/// let mut tls = connect("127.0.0.1:8443".parse()?, "localhost", config, Timeouts::default())?;
/// tls.write_all(b"hello")?;
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::InvalidServerName`]; [`Error::Timeout`]; [`Error::Io`];
/// handshake failures as [`Error::PeerCertificate`] (with the reason:
/// unknown issuer, expired, name mismatch, pin mismatch, …),
/// [`Error::PeerAlert`], [`Error::Incompatible`], [`Error::ClockBeforeFloor`]
/// or [`Error::Tls`]; [`Error::Policy`] for a zero timeout.
pub fn connect(
    addr: SocketAddr,
    server_name: &str,
    config: Arc<ClientConfig>,
    timeouts: Timeouts,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    timeouts.check()?;
    let name =
        ServerName::try_from(server_name.to_owned()).map_err(|_| Error::InvalidServerName)?;
    let sock =
        TcpStream::connect_timeout(&addr, timeouts.connect).map_err(Error::io("connecting"))?;
    prepare(&sock, &timeouts)?;
    let mut conn = ClientConnection::new(config, name)?;
    let mut sock = sock;
    handshake(&mut conn, &mut sock, &timeouts)?;
    Ok(StreamOwned::new(conn, sock))
}

/// Runs the server side of the TLS handshake on an accepted TCP stream and
/// returns the established stream.
///
/// ```no_run
/// use std::net::TcpListener;
/// use iot_comm::{accept, Timeouts};
///
/// # fn run(config: std::sync::Arc<iot_comm::rustls::ServerConfig>) -> Result<(), Box<dyn std::error::Error>> {
/// let listener = TcpListener::bind("127.0.0.1:8443")?;
/// for sock in listener.incoming() {
///     match accept(sock?, config.clone(), Timeouts::default()) {
///         Ok(tls) => { /* serve */ drop(tls) }
///         Err(e) => eprintln!("handshake refused: {e}"),
///     }
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`connect`]; a client without the required certificate gives
/// [`Error::PeerCertificate`] with
/// [`CertificateProblem::NotPresented`](crate::CertificateProblem::NotPresented).
pub fn accept(
    sock: TcpStream,
    config: Arc<ServerConfig>,
    timeouts: Timeouts,
) -> Result<StreamOwned<ServerConnection, TcpStream>, Error> {
    timeouts.check()?;
    prepare(&sock, &timeouts)?;
    let mut conn = ServerConnection::new(config)?;
    let mut sock = sock;
    handshake(&mut conn, &mut sock, &timeouts)?;
    Ok(StreamOwned::new(conn, sock))
}

fn prepare(sock: &TcpStream, timeouts: &Timeouts) -> Result<(), Error> {
    const STEP: &str = "configuring the socket";
    sock.set_read_timeout(Some(timeouts.read))
        .map_err(Error::io(STEP))?;
    sock.set_write_timeout(Some(timeouts.write))
        .map_err(Error::io(STEP))?;
    // Handshake flights are small; do not let Nagle delay them.
    sock.set_nodelay(true).map_err(Error::io(STEP))?;
    Ok(())
}

/// Drives the handshake to completion under the overall deadline.
fn handshake<C, D>(conn: &mut C, sock: &mut TcpStream, timeouts: &Timeouts) -> Result<(), Error>
where
    C: DerefMut<Target = ConnectionCommon<D>>,
    D: SideData,
{
    // A handshake timeout too large for `Instant` means no overall deadline
    // (the caller asked for "practically forever"); `+` would panic.
    let deadline = Instant::now().checked_add(timeouts.handshake);
    let result = drive(conn, sock, deadline, timeouts);
    // Whatever happened, restore the per-read and per-write timeouts for
    // the caller.
    let restore = prepare(sock, timeouts);
    result.and(restore)
}

/// How long the next blocking read or write may wait: its own timeout
/// `step`, cut to what is left of the handshake deadline. Every read *and*
/// write is bounded this way, so neither a peer that trickles bytes nor one
/// that stops reading our flight can stretch the handshake past the
/// deadline.
fn time_left(deadline: Option<Instant>, step: Duration) -> Result<Duration, Error> {
    let Some(deadline) = deadline else {
        return Ok(step);
    };
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        Err(Error::Timeout)
    } else {
        Ok(remaining.min(step))
    }
}

fn drive<C, D>(
    conn: &mut C,
    sock: &mut TcpStream,
    deadline: Option<Instant>,
    timeouts: &Timeouts,
) -> Result<(), Error>
where
    C: DerefMut<Target = ConnectionCommon<D>>,
    D: SideData,
{
    while conn.is_handshaking() {
        flush(conn, sock, deadline, timeouts)?;
        if !conn.is_handshaking() {
            break;
        }
        let wait = time_left(deadline, timeouts.read)?;
        sock.set_read_timeout(Some(wait))
            .map_err(Error::io("configuring the socket"))?;
        match conn.read_tls(sock) {
            Ok(0) => {
                return Err(Error::Io {
                    during: "reading the handshake",
                    kind: io::ErrorKind::UnexpectedEof,
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("reading the handshake")(e)),
        }
        if let Err(e) = conn.process_new_packets() {
            // Tell the peer why (rustls queued an alert), best effort.
            let _ = flush(conn, sock, deadline, timeouts);
            return Err(Error::from(e));
        }
    }
    // The last flight (and TLS 1.3 tickets, if enabled) goes out now.
    flush(conn, sock, deadline, timeouts)
}

fn flush<C, D>(
    conn: &mut C,
    sock: &mut TcpStream,
    deadline: Option<Instant>,
    timeouts: &Timeouts,
) -> Result<(), Error>
where
    C: DerefMut<Target = ConnectionCommon<D>>,
    D: SideData,
{
    while conn.wants_write() {
        let wait = time_left(deadline, timeouts.write)?;
        sock.set_write_timeout(Some(wait))
            .map_err(Error::io("configuring the socket"))?;
        match conn.write_tls(sock) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("writing the handshake")(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_timeouts_are_refused() {
        let t = Timeouts::default().with_read(Duration::ZERO);
        assert_eq!(t.check(), Err(Error::Policy(PolicyProblem::ZeroTimeout)));
        assert_eq!(Timeouts::default().check(), Ok(()));
    }
}
