//! How metadata and targets are fetched: a blocking [`Transport`].
//!
//! TUF does not rely on the transport for authenticity: every byte is
//! checked against signed metadata. The transport still matters for
//! availability and privacy, so the https transport uses `iot-comm`'s
//! hardened profile (and its pins), and the client bounds every fetch by a
//! length and a deadline whatever the transport does.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use crate::error::FetchProblem;

/// A body being read.
pub type Body<'a> = Box<dyn Read + Send + 'a>;

/// Fetches a URL, blocking.
///
/// The client reads at most the bound it sets (plus one byte, to detect a
/// longer file) and stops at `deadline`; an implementation should also make
/// its own blocking calls (connect, read) time out by `deadline`, so that a
/// stalled server cannot hold a read past it.
pub trait Transport: Send + Sync {
    /// Opens `url` for reading.
    ///
    /// # Errors
    /// [`FetchProblem::NotFound`] when the file does not exist (HTTP 403 or
    /// 404): the end of the root rotation chain is detected that way.
    fn fetch(&self, url: &str, deadline: Instant) -> Result<Body<'_>, FetchProblem>;
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn fetch(&self, url: &str, deadline: Instant) -> Result<Body<'_>, FetchProblem> {
        (**self).fetch(url, deadline)
    }
}

/// Reads `file://` URLs and plain paths from the local file system: tests,
/// and offline media (an update on a USB stick).
///
/// A path with a `..` segment is refused ([`FetchProblem::UnsupportedUrl`]),
/// so a target path from the metadata cannot point outside the repository
/// base it is appended to.
///
/// ```
/// use iot_update::FileTransport;
/// let transport = FileTransport::new();
/// # let _ = transport;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct FileTransport {
    _private: (),
}

impl FileTransport {
    /// A file transport.
    #[must_use]
    pub fn new() -> Self {
        FileTransport { _private: () }
    }

    fn path(url: &str) -> Result<PathBuf, FetchProblem> {
        let path = url.strip_prefix("file://").unwrap_or(url);
        if path.contains("://") {
            return Err(FetchProblem::UnsupportedUrl);
        }
        let path = Path::new(path);
        if path.components().any(|c| c == Component::ParentDir) {
            return Err(FetchProblem::UnsupportedUrl);
        }
        Ok(path.to_path_buf())
    }
}

impl Transport for FileTransport {
    fn fetch(&self, url: &str, _deadline: Instant) -> Result<Body<'_>, FetchProblem> {
        let path = Self::path(url)?;
        match std::fs::File::open(path) {
            Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => Ok(Box::new(file)),
            Ok(_) => Err(FetchProblem::NotFound),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FetchProblem::NotFound),
            Err(e) => Err(FetchProblem::Io(e.kind())),
        }
    }
}

#[cfg(feature = "http")]
mod http {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::{Body, Transport};
    use crate::error::FetchProblem;

    /// Fetches over HTTP(S) with `ureq` 2, blocking.
    ///
    /// [`https`](Self::https) takes a rustls `ClientConfig`, normally built by
    /// `iot_comm::ClientPolicy` (the hardened profile, trust anchors and SPKI
    /// pins of EN 303 645 5.5-1), and serves only `https://` URLs, redirects
    /// included. Plain `http://` is served only when the caller chooses it
    /// with [`insecure_plain_http`](Self::insecure_plain_http): TUF still
    /// verifies every byte, but an observer sees what the device fetches and
    /// can stall it until the deadline.
    ///
    /// ```
    /// use iot_update::HttpTransport;
    /// let plain = HttpTransport::insecure_plain_http();
    /// # let _ = plain;
    /// ```
    #[derive(Debug)]
    pub struct HttpTransport {
        agent: ureq::Agent,
    }

    /// Longest wait for a TCP connection.
    const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

    impl HttpTransport {
        /// An https-only transport with the given TLS configuration.
        #[must_use]
        pub fn https(tls: Arc<iot_comm::rustls::ClientConfig>) -> Self {
            let agent = ureq::AgentBuilder::new()
                .tls_config(tls)
                .https_only(true)
                .timeout_connect(CONNECT_TIMEOUT)
                .redirects(5)
                .build();
            HttpTransport { agent }
        }

        /// A transport that also serves plain `http://` URLs (and https with
        /// ureq's built-in web PKI roots, which is why it is `insecure_`).
        #[must_use]
        pub fn insecure_plain_http() -> Self {
            let agent = ureq::AgentBuilder::new()
                .timeout_connect(CONNECT_TIMEOUT)
                .redirects(5)
                .build();
            HttpTransport { agent }
        }
    }

    impl Transport for HttpTransport {
        fn fetch(&self, url: &str, deadline: Instant) -> Result<Body<'_>, FetchProblem> {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(FetchProblem::Deadline);
            }
            match self.agent.get(url).timeout(left).call() {
                Ok(response) => Ok(Box::new(response.into_reader())),
                Err(ureq::Error::Status(403 | 404, _)) => Err(FetchProblem::NotFound),
                Err(ureq::Error::Status(code, _)) => Err(FetchProblem::Status(code)),
                Err(ureq::Error::Transport(t)) => Err(match t.kind() {
                    ureq::ErrorKind::InvalidUrl
                    | ureq::ErrorKind::UnknownScheme
                    | ureq::ErrorKind::InsecureRequestHttpsOnly => FetchProblem::UnsupportedUrl,
                    ureq::ErrorKind::Io | ureq::ErrorKind::ConnectionFailed => {
                        let io = std::error::Error::source(&t)
                            .and_then(|s| s.downcast_ref::<std::io::Error>());
                        let tls = io
                            .and_then(std::io::Error::get_ref)
                            .is_some_and(|inner| inner.is::<iot_comm::rustls::Error>());
                        match io.map(std::io::Error::kind) {
                            _ if tls => FetchProblem::Tls,
                            Some(std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
                                FetchProblem::Deadline
                            }
                            _ => FetchProblem::Connection,
                        }
                    }
                    _ => FetchProblem::Connection,
                }),
            }
        }
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use http::HttpTransport;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_transport_refuses_parent_segments_and_other_schemes() {
        assert_eq!(
            FileTransport::path("/a/../b").unwrap_err(),
            FetchProblem::UnsupportedUrl
        );
        assert_eq!(
            FileTransport::path("http://x/a").unwrap_err(),
            FetchProblem::UnsupportedUrl
        );
        assert_eq!(
            FileTransport::path("file:///a/b").unwrap(),
            PathBuf::from("/a/b")
        );
        let t = FileTransport::new();
        assert_eq!(
            t.fetch("/nonexistent/iot-update", Instant::now()).err(),
            Some(FetchProblem::NotFound)
        );
    }
}
