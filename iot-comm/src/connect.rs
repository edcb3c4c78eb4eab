//! Blocking TCP + TLS with timeouts: [`connect`], [`connect_host`] and
//! [`accept`].
//!
//! All three complete the handshake before returning, so every failure of
//! the *peer's* certificate (and pin, protocol and clock failures) surfaces
//! here as a typed [`Error`]. One failure cannot: under TLS 1.3 a client
//! finishes its side of the handshake before the server has judged the
//! client's certificate, so a server refusing our client certificate is
//! seen on the first read of the returned stream (as
//! [`Error::PeerAlert`], e.g. `CertificateRequired` or `UnknownCA`), not
//! from `connect`.

use core::time::Duration;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::ops::DerefMut;
use std::sync::Arc;
use std::time::Instant;

use rustls::pki_types::ServerName;
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, ServerConfig, ServerConnection, SideData,
    StreamOwned,
};

use crate::error::{Error, PolicyProblem};

/// Timeouts for [`connect`], [`connect_host`] and [`accept`].
///
/// * `connect`: establishing the TCP connection (for [`connect_host`], all
///   its attempts together; name resolution is not bounded by it);
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
/// returns the established stream. To connect by host name, see
/// [`connect_host`].
///
/// Every failure of the server's certificate, of a pin, of the protocol
/// negotiation or of the clock is returned from here. **Under TLS 1.3 a
/// refusal of *our* client certificate is not**: the client has finished
/// its side of the handshake before the server judges the certificate, so
/// the refusal arrives on the first read of the returned stream, as
/// [`Error::PeerAlert`] (for example `CertificateRequired`, `UnknownCA` or
/// `CertificateExpired`) once converted with `?`. A device that must know
/// its certificate was accepted reads the server's first message (MQTT's
/// CONNACK, say) before it counts the connection as up.
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
    client_handshake(sock, name, config, &timeouts)
}

/// Resolves `host`, connects to the first of its addresses that answers,
/// runs the TLS handshake for `host` (checked against the certificate, as
/// in [`connect`]) with `config`, and returns the established stream: the
/// call a device makes to reach its cloud endpoint.
///
/// Addresses are tried in the order the resolver returns them, all within
/// the one connect timeout: each attempt may use what is left of it divided
/// by the number of addresses still to try (the last one gets all that is
/// left), so one unreachable address cannot use up the whole deadline. The
/// handshake then runs under its own timeout, as in [`connect`].
///
/// **Name resolution itself is not bounded by [`Timeouts`]**: it is the
/// system resolver's blocking call (`getaddrinfo`), which has no timeout
/// parameter; the resolver's own settings apply (on Linux
/// `/etc/resolv.conf`, `options timeout:` and `attempts:`). A device that
/// must bound it resolves on a thread of its own, or with its own resolver,
/// and calls [`connect`].
///
/// As with [`connect`], under TLS 1.3 a refusal of our client certificate
/// arrives on the first read, not from here.
///
/// ```no_run
/// use std::io::Write;
/// use iot_comm::{connect_host, ClientPolicy, Profile, Timeouts};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClientPolicy::new(Profile::Modern)
///     .trust_pem(&std::fs::read("ca.pem")?)?
///     .build()?;
/// let mut tls = connect_host("broker.example.com", 8883, config, Timeouts::default())?;
/// tls.write_all(b"hello")?;
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`connect`]; a name that does not resolve, or resolves to no address,
/// gives [`Error::Io`] with `during` `"resolving the host name"`; when no
/// address accepts the connection, the last attempt's failure
/// ([`Error::Timeout`] when the connect timeout ran out, [`Error::Io`] with
/// `during` `"connecting"` otherwise).
pub fn connect_host(
    host: &str,
    port: u16,
    config: Arc<ClientConfig>,
    timeouts: Timeouts,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    const RESOLVING: &str = "resolving the host name";
    timeouts.check()?;
    let name = ServerName::try_from(host.to_owned()).map_err(|_| Error::InvalidServerName)?;
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(Error::io(RESOLVING))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::Io {
            during: RESOLVING,
            kind: io::ErrorKind::NotFound,
        });
    }
    let deadline = Instant::now().checked_add(timeouts.connect);
    let sock = connect_any(&addrs, deadline, timeouts.connect)?;
    client_handshake(sock, name, config, &timeouts)
}

/// Connects to the first of `addrs` that accepts, sharing the time left
/// until `deadline` among the addresses still to try.
fn connect_any(
    addrs: &[SocketAddr],
    deadline: Option<Instant>,
    step: Duration,
) -> Result<TcpStream, Error> {
    let mut last = Error::Io {
        during: "connecting",
        kind: io::ErrorKind::NotFound,
    };
    for (i, addr) in addrs.iter().enumerate() {
        let left = time_left(deadline, step)?;
        let untried = u32::try_from(addrs.len() - i).unwrap_or(u32::MAX);
        // Never zero: the operating system reads a zero timeout as "wait
        // forever" (std refuses it).
        let share = (left / untried).max(Duration::from_millis(1)).min(left);
        match TcpStream::connect_timeout(addr, share) {
            Ok(sock) => return Ok(sock),
            Err(e) => last = Error::io("connecting")(e),
        }
    }
    Err(last)
}

/// The TLS client handshake on a connected socket.
fn client_handshake(
    sock: TcpStream,
    name: ServerName<'static>,
    config: Arc<ClientConfig>,
    timeouts: &Timeouts,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    prepare(&sock, timeouts)?;
    let mut conn = ClientConnection::new(config, name)?;
    let mut sock = sock;
    handshake(&mut conn, &mut sock, timeouts)?;
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

    fn closed_port() -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    }

    /// T6: `connect_host` tries each address: a refused one is skipped.
    #[test]
    fn connect_any_skips_an_address_that_refuses() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        let deadline = Instant::now().checked_add(Duration::from_secs(5));
        let sock = connect_any(&[closed_port(), open], deadline, Duration::from_secs(5)).unwrap();
        assert_eq!(sock.peer_addr().unwrap(), open);
    }

    /// T6: the attempts share one deadline: none starts once it has passed,
    /// and when every address refuses, the last refusal is returned.
    #[test]
    fn connect_any_stays_within_the_deadline_and_reports_the_last_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        let passed = Some(Instant::now());
        assert_eq!(
            connect_any(&[open], passed, Duration::from_secs(5)).unwrap_err(),
            Error::Timeout
        );
        let deadline = Instant::now().checked_add(Duration::from_secs(5));
        assert_eq!(
            connect_any(
                &[closed_port(), closed_port()],
                deadline,
                Duration::from_secs(5)
            )
            .unwrap_err(),
            Error::Io {
                during: "connecting",
                kind: io::ErrorKind::ConnectionRefused
            }
        );
    }

    #[test]
    fn zero_timeouts_are_refused() {
        let t = Timeouts::default().with_read(Duration::ZERO);
        assert_eq!(t.check(), Err(Error::Policy(PolicyProblem::ZeroTimeout)));
        assert_eq!(Timeouts::default().check(), Ok(()));
    }
}
