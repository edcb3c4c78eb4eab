//! The URL a device is told to connect to.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nom::Parser;
use nom::bytes::complete::{tag, take_while, take_while1};

use crate::grammar::{PResult, cut_fail, hex_value, non_empty, offset_of, to_error};
use crate::inline::InlineStr;
use crate::{Error, ErrorKind, Hostname, parse_ipv4, parse_ipv6};

/// A URL scheme this crate knows. Only the TLS/DTLS ones are allowed by
/// default; the plain-text ones need
/// [`UrlPolicy::insecure_allow_plaintext`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// HTTP over TLS.
    Https,
    /// MQTT over TLS.
    Mqtts,
    /// WebSocket over TLS.
    Wss,
    /// CoAP over DTLS.
    Coaps,
    /// Plain-text HTTP (insecure).
    Http,
    /// Plain-text MQTT (insecure).
    Mqtt,
    /// Plain-text WebSocket (insecure).
    Ws,
    /// Plain-text CoAP (insecure).
    Coap,
}

impl Scheme {
    const ALL: [Self; 8] = [
        Self::Https,
        Self::Mqtts,
        Self::Wss,
        Self::Coaps,
        Self::Http,
        Self::Mqtt,
        Self::Ws,
        Self::Coap,
    ];

    /// The lower-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Https => "https",
            Self::Mqtts => "mqtts",
            Self::Wss => "wss",
            Self::Coaps => "coaps",
            Self::Http => "http",
            Self::Mqtt => "mqtt",
            Self::Ws => "ws",
            Self::Coap => "coap",
        }
    }

    /// Does the scheme run over TLS or DTLS?
    pub const fn is_secure(self) -> bool {
        matches!(self, Self::Https | Self::Mqtts | Self::Wss | Self::Coaps)
    }

    /// The registered default port.
    pub const fn default_port(self) -> u16 {
        match self {
            Self::Https | Self::Wss => 443,
            Self::Mqtts => 8883,
            Self::Coaps => 5684,
            Self::Http | Self::Ws => 80,
            Self::Mqtt => 1883,
            Self::Coap => 5683,
        }
    }

    /// The scheme's bit in a [`UrlPolicy`]. The compile-time check below
    /// fails the build if a scheme is added beyond the mask's width (F8:
    /// with a `u8` mask and eight schemes, a ninth would have shifted out
    /// of range, silently aliasing `https` in a release build).
    const fn bit(self) -> SchemeMask {
        1 << (self as u32)
    }
}

/// The set of schemes a [`UrlPolicy`] allows, one bit per scheme.
type SchemeMask = u32;

const _: () = {
    let mut rest: &[Scheme] = &Scheme::ALL;
    while let [first, tail @ ..] = rest {
        assert!((*first as u32) < SchemeMask::BITS);
        rest = tail;
    }
};

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which schemes [`EndpointUrl::parse_with`] accepts.
///
/// ```
/// use iot_input::{EndpointUrl, ErrorKind, Scheme, UrlPolicy};
///
/// let mqtt_only = UrlPolicy::new().only(&[Scheme::Mqtts]);
/// assert!(EndpointUrl::parse_with("mqtts://broker.example:8883", &mqtt_only).is_ok());
/// assert!(EndpointUrl::parse_with("https://broker.example", &mqtt_only).is_err());
///
/// let lab = UrlPolicy::new().insecure_allow_plaintext();
/// assert!(EndpointUrl::parse_with("mqtt://192.168.1.10:1883", &lab).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlPolicy {
    allowed: SchemeMask,
    allow_confusable: bool,
}

impl UrlPolicy {
    /// `https`, `mqtts`, `wss` and `coaps`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            allowed: Scheme::Https.bit()
                | Scheme::Mqtts.bit()
                | Scheme::Wss.bit()
                | Scheme::Coaps.bit(),
            allow_confusable: false,
        }
    }

    /// Keeps only the schemes of `schemes` that are already allowed (this
    /// can narrow the policy, never widen it).
    #[must_use]
    pub fn only(mut self, schemes: &[Scheme]) -> Self {
        let mask = schemes.iter().fold(0, |m, s| m | s.bit());
        self.allowed &= mask;
        self
    }

    /// Also allows the plain-text schemes `http`, `mqtt`, `ws` and `coap`:
    /// traffic to such an endpoint can be read and changed by anyone on the
    /// path. For lab set-ups and local-only integrations.
    #[must_use]
    pub const fn insecure_allow_plaintext(mut self) -> Self {
        self.allowed |=
            Scheme::Http.bit() | Scheme::Mqtt.bit() | Scheme::Ws.bit() | Scheme::Coap.bit();
        self
    }

    /// Also accepts host names with look-alike `xn--` labels, as
    /// [`Hostname::insecure_parse_confusable`] does (every other host rule
    /// still holds). For endpoints no person is shown.
    #[must_use]
    pub const fn insecure_allow_confusable_hosts(mut self) -> Self {
        self.allow_confusable = true;
        self
    }

    /// Is `scheme` allowed?
    pub const fn allows(&self, scheme: Scheme) -> bool {
        self.allowed & scheme.bit() != 0
    }
}

impl Default for UrlPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// The host of an [`EndpointUrl`].
///
/// `Display` writes the canonical form, the one a WHATWG URL parser
/// computes: the lower-case name, the dotted IPv4 address, or the IPv6
/// address in brackets, compressed as RFC 5952 §4 says and always in hex
/// (`[::ffff:c000:201]`).
// Boxing the name would need `alloc`; a few hundred bytes inline is the
// price of working without it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// A host name.
    Domain(Hostname),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address (written in brackets in the URL).
    Ipv6(Ipv6Addr),
}

impl Host {
    /// The address of an IP host, `None` for a name. For rustls, without
    /// touching the text: `ServerName::IpAddress(ip.into())` (`Display`
    /// writes IPv6 in brackets, which `ServerName::try_from` refuses).
    ///
    /// An IPv4-mapped IPv6 host (`[::ffff:127.0.0.1]`) is returned as the
    /// IPv6 address it is written as; an allow or deny list of IPv4
    /// addresses must also look at [`Host::ipv4_mapped`].
    pub const fn ip(&self) -> Option<IpAddr> {
        match *self {
            Self::Domain(_) => None,
            Self::Ipv4(addr) => Some(IpAddr::V4(addr)),
            Self::Ipv6(addr) => Some(IpAddr::V6(addr)),
        }
    }

    /// The IPv4 address an IPv4-mapped IPv6 host (`[::ffff:a.b.c.d]`, RFC
    /// 4291 §2.5.5.2) reaches; `None` for every other host. A dual-stack
    /// socket connects to that IPv4 address.
    pub const fn ipv4_mapped(&self) -> Option<Ipv4Addr> {
        match self {
            Self::Ipv6(addr) => addr.to_ipv4_mapped(),
            _ => None,
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(name) => f.write_str(name.as_str()),
            Self::Ipv4(addr) => write!(f, "{addr}"),
            Self::Ipv6(addr) => {
                f.write_str("[")?;
                write_ipv6(f, addr)?;
                f.write_str("]")
            }
        }
    }
}

/// RFC 5952 §4 in hex only: the first longest run of two or more zero
/// groups becomes `::`.
fn write_ipv6(f: &mut fmt::Formatter<'_>, addr: &Ipv6Addr) -> fmt::Result {
    let groups = addr.segments();
    let (mut best_at, mut best_len) = (0usize, 0usize);
    let mut at = 0usize;
    while at < groups.len() {
        let len = groups.iter().skip(at).take_while(|&&g| g == 0).count();
        if len > best_len {
            (best_at, best_len) = (at, len);
        }
        at += len.max(1);
    }
    let mut first = true;
    let mut i = 0usize;
    while let Some(g) = groups.get(i) {
        if best_len >= 2 && i == best_at {
            f.write_str("::")?;
            i += best_len;
            first = true;
            continue;
        }
        if !first {
            f.write_str(":")?;
        }
        write!(f, "{g:x}")?;
        first = false;
        i += 1;
    }
    Ok(())
}

/// A URL a device may connect to: absolute, a scheme from the policy, a
/// checked host, an optional port, a clean path and query.
///
/// Accepts `scheme://host[:port][/path][?query]` where
/// - the scheme is allowed by the [`UrlPolicy`] (by default `https`,
///   `mqtts`, `wss`, `coaps`; case-insensitive);
/// - the host is a [`Hostname`], a strict dotted IPv4 address
///   ([`parse_ipv4`]) or an IPv6 address in brackets ([`parse_ipv6`]);
/// - the port, if present, is 1–65535 without leading zeros;
/// - path and query contain only RFC 3986 `pchar`s (plus `/` and `?` in the
///   query) and valid `%HH` escapes that do not encode a control character;
/// - no path segment is `.` or `..`, also not percent-encoded (`%2e`) and
///   not followed by `;` parameters (`..;x`, `.%3Bx`), which Tomcat, Jetty
///   and Spring strip before resolving dot segments;
/// - the path has no encoded `/` or `\` (`%2F`, `%5C`), which some servers
///   and proxies decode into separators before they normalise;
/// - the path has no `//` (no empty segment but a trailing one), so
///   [`EndpointUrl::path`] resolved on its own (`Url::join`, `urljoin`, an
///   HTTP `Location`) can never name another host;
///
///   with these, the WHATWG parser (the `url` crate), RFC 3986 resolution,
///   servers that strip `;` parameters and servers that decode `%2F`/`%5C`
///   agree that the path has no dot segments. Not covered: servers that
///   decode twice (`%252e`), which no standard does;
/// - the whole URL is at most [`EndpointUrl::MAX_LEN`] bytes.
///
/// Rejected: credentials (`user:pass@`), fragments (`#`), whitespace,
/// control characters, backslashes, non-ASCII (use `xn--` names), relative
/// URLs.
///
/// Invariant, checked by a property test and a fuzz target: for every URL
/// accepted here, a WHATWG URL parser computes the same host as
/// [`EndpointUrl::host`] (for `mqtts`/`coaps`, which WHATWG treats as opaque
/// hosts, up to ASCII case).
///
/// ```
/// use iot_input::{EndpointUrl, ErrorKind};
///
/// let url = EndpointUrl::parse("MQTTS://Broker.Example.com:8883/devices?id=42")?;
/// assert_eq!(url.scheme().as_str(), "mqtts");
/// assert_eq!(url.host().to_string(), "broker.example.com");
/// assert_eq!(url.port(), Some(8883));
/// assert_eq!(url.path(), "/devices");
/// assert_eq!(url.query(), Some("id=42"));
///
/// assert_eq!(EndpointUrl::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(EndpointUrl::parse("http://example.com").unwrap_err().kind(), ErrorKind::SchemeNotAllowed);
/// assert_eq!(EndpointUrl::parse("https://admin:pw@example.com").unwrap_err().kind(), ErrorKind::Credentials);
/// assert_eq!(EndpointUrl::parse("https://example.com/a b").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EndpointUrl {
    scheme: Scheme,
    host: Host,
    port: Option<u16>,
    /// Path and query as given (`/a/b?x=1`).
    rest: InlineStr<{ EndpointUrl::MAX_LEN }>,
    /// Where the `?` is in `rest`, if there is a query.
    query_at: Option<usize>,
}

impl EndpointUrl {
    /// The longest accepted URL in bytes.
    pub const MAX_LEN: usize = 1024;

    /// Validates `input` with the default [`UrlPolicy`] (TLS/DTLS schemes
    /// only).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SchemeNotAllowed`], [`ErrorKind::Credentials`], an error
    /// of the host parsers, or a syntax error with its offset.
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_with(input, &UrlPolicy::new())
    }

    /// Validates `input` with an explicit policy.
    ///
    /// # Errors
    ///
    /// As [`EndpointUrl::parse`].
    pub fn parse_with(input: &str, policy: &UrlPolicy) -> Result<Self, Error> {
        let bytes = input.as_bytes();
        non_empty(bytes)?;
        if bytes.len() > Self::MAX_LEN {
            return Err(Error::new(ErrorKind::TooLong, Self::MAX_LEN));
        }
        // Characters that are never part of an accepted URL are reported
        // first, wherever they are.
        if let Some(at) = bytes
            .iter()
            .position(|&b| !b.is_ascii_graphic() || b == b'\\' || b == b'#')
        {
            return Err(Error::new(ErrorKind::InvalidCharacter, at));
        }
        let (rest, scheme) = scheme(bytes).map_err(|e| to_error(bytes, e))?;
        if !policy.allows(scheme) {
            return Err(Error::new(ErrorKind::SchemeNotAllowed, 0));
        }
        let authority_at = offset_of(bytes, rest);
        let authority_len = rest
            .iter()
            .position(|&b| b == b'/' || b == b'?')
            .unwrap_or(rest.len());
        let (authority, tail) = rest.split_at_checked(authority_len).unwrap_or((rest, &[]));
        if let Some(at) = authority.iter().position(|&b| b == b'@') {
            return Err(Error::new(ErrorKind::Credentials, authority_at + at));
        }
        let (host, port) = authority_parts(authority, policy.allow_confusable)
            .map_err(|e| e.shifted(authority_at))?;
        let tail_at = authority_at + authority_len;
        let query_at = path_and_query(tail).map_err(|e| e.shifted(tail_at))?;
        let tail_text = input.get(tail_at..).unwrap_or_default();
        let rest =
            InlineStr::new(tail_text).ok_or(Error::new(ErrorKind::TooLong, Self::MAX_LEN))?;
        Ok(Self {
            scheme,
            host,
            port,
            rest,
            query_at,
        })
    }

    /// The scheme.
    pub const fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The canonical host (see [`Host`]).
    pub const fn host(&self) -> &Host {
        &self.host
    }

    /// The port, if the URL names one.
    pub const fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port, or the scheme's default port.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// The path as given, `""` if the URL has none.
    pub fn path(&self) -> &str {
        let rest = self.rest.as_str();
        match self.query_at {
            Some(at) => rest.get(..at).unwrap_or_default(),
            None => rest,
        }
    }

    /// The query without the `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.query_at
            .and_then(|at| self.rest.as_str().get(at + 1..))
    }
}

/// `scheme "://"`, case-insensitive, mapped to a known [`Scheme`].
fn scheme(input: &[u8]) -> PResult<'_, Scheme> {
    let (rest, name) =
        take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
            .parse(input)?;
    let (rest, _) = tag(&b"://"[..])
        .parse(rest)
        .or_else(|_: nom::Err<crate::grammar::Reject>| cut_fail(ErrorKind::InvalidSyntax, rest))?;
    match Scheme::ALL
        .iter()
        .find(|s| s.as_str().as_bytes().eq_ignore_ascii_case(name))
    {
        Some(&s) => Ok((rest, s)),
        None => cut_fail(ErrorKind::SchemeNotAllowed, input),
    }
}

/// `host [":" port]`; offsets relative to the authority.
fn authority_parts(authority: &[u8], allow_confusable: bool) -> Result<(Host, Option<u16>), Error> {
    if authority.is_empty() {
        return Err(Error::new(ErrorKind::UnexpectedEnd, 0));
    }
    let (host, after_host) = if let Some(inner) = authority.strip_prefix(b"[") {
        let close = inner
            .iter()
            .position(|&b| b == b']')
            .ok_or(Error::new(ErrorKind::UnexpectedEnd, authority.len()))?;
        let (text, after) = inner.split_at_checked(close).unwrap_or((inner, &[]));
        let text =
            core::str::from_utf8(text).map_err(|_| Error::new(ErrorKind::InvalidCharacter, 1))?;
        let addr = parse_ipv6(text).map_err(|e| e.shifted(1))?;
        (Host::Ipv6(addr), after.get(1..).unwrap_or_default())
    } else {
        let end = authority
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(authority.len());
        let (text, after) = authority.split_at_checked(end).unwrap_or((authority, &[]));
        let text =
            core::str::from_utf8(text).map_err(|_| Error::new(ErrorKind::InvalidCharacter, 0))?;
        if text.is_empty() {
            return Err(Error::new(ErrorKind::InvalidSyntax, 0));
        }
        let host = if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            Host::Ipv4(parse_ipv4(text)?)
        } else {
            Host::Domain(Hostname::parse_checked(text, allow_confusable)?)
        };
        (host, after)
    };
    let port_at = authority.len() - after_host.len();
    let port = match after_host {
        [] => None,
        [b':', digits @ ..] => Some(port(digits).map_err(|e| e.shifted(port_at + 1))?),
        _ => return Err(Error::new(ErrorKind::InvalidSyntax, port_at)),
    };
    Ok((host, port))
}

/// 1–5 digits without a leading zero, 1–65535.
fn port(digits: &[u8]) -> Result<u16, Error> {
    let (rest, text) = take_while(|b: u8| b.is_ascii_digit())
        .parse(digits)
        .map_err(|e: nom::Err<crate::grammar::Reject>| to_error(digits, e))?;
    if !rest.is_empty() {
        return Err(Error::new(ErrorKind::InvalidCharacter, text.len()));
    }
    match text {
        [] => Err(Error::new(ErrorKind::UnexpectedEnd, 0)),
        [b'0', _, ..] => Err(Error::new(ErrorKind::LeadingZero, 0)),
        _ if text.len() > 5 => Err(Error::new(ErrorKind::OutOfRange, 0)),
        _ => {
            let value = text
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
            match u16::try_from(value) {
                Ok(p) if p != 0 => Ok(p),
                _ => Err(Error::new(ErrorKind::OutOfRange, 0)),
            }
        }
    }
}

/// RFC 3986 `unreserved / sub-delims / ":" / "@"`.
const fn is_pchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
        )
}

/// Checks `[path] ["?" query]` (offsets relative to `tail`); returns where
/// the `?` is.
fn path_and_query(tail: &[u8]) -> Result<Option<usize>, Error> {
    let query_at = tail.iter().position(|&b| b == b'?');
    let (path, query) = match query_at {
        Some(at) => (tail.get(..at).unwrap_or_default(), tail.get(at + 1..)),
        None => (tail, None),
    };
    check_escaped(path, 0, |b| is_pchar(b) || b == b'/')?;
    // F3: an encoded `/` or `\` is a separator to servers and proxies that
    // decode before they normalise; refused in the path.
    if let Some(at) = path.windows(3).position(|w| {
        w.first() == Some(&b'%')
            && matches!(
                (w.get(1), w.get(2).map(u8::to_ascii_lowercase)),
                (Some(b'2'), Some(b'f')) | (Some(b'5'), Some(b'c'))
            )
    }) {
        return Err(Error::new(ErrorKind::InvalidEscape, at));
    }
    // F2: no empty segment but the last: `//x` resolved on its own is a
    // network-path reference to host `x`.
    if let Some(at) = path.windows(2).position(|w| w == b"//") {
        return Err(Error::new(ErrorKind::InvalidSyntax, at + 1));
    }
    let mut seg_at = 0usize;
    for segment in path.split(|&b| b == b'/') {
        if is_dot_segment(without_parameters(segment)) {
            return Err(Error::new(ErrorKind::InvalidSyntax, seg_at));
        }
        seg_at += segment.len() + 1;
    }
    if let (Some(q), Some(at)) = (query, query_at) {
        check_escaped(q, at + 1, |b| is_pchar(b) || b == b'/' || b == b'?')?;
    }
    Ok(query_at)
}

/// Every byte allowed by `ok` or part of a `%HH` escape that does not
/// encode a control character.
fn check_escaped(text: &[u8], base: usize, ok: impl Fn(u8) -> bool) -> Result<(), Error> {
    let mut i = 0usize;
    while let Some(&b) = text.get(i) {
        if b == b'%' {
            let value = match (text.get(i + 1), text.get(i + 2)) {
                (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    (hex_value(h) << 4) | hex_value(l)
                }
                _ => return Err(Error::new(ErrorKind::InvalidEscape, base + i)),
            };
            if value < 0x20 || value == 0x7f {
                return Err(Error::new(ErrorKind::InvalidEscape, base + i));
            }
            i += 3;
        } else if ok(b) {
            i += 1;
        } else {
            return Err(Error::new(ErrorKind::InvalidCharacter, base + i));
        }
    }
    Ok(())
}

/// A segment without its `;` parameters (also `%3B`), as Tomcat, Jetty
/// and Spring read it before they resolve dot segments (F3): `..;x` is
/// `..` to them.
fn without_parameters(segment: &[u8]) -> &[u8] {
    let mut i = 0usize;
    while let Some(&b) = segment.get(i) {
        let encoded_semicolon = b == b'%'
            && segment.get(i + 1) == Some(&b'3')
            && matches!(segment.get(i + 2), Some(b'b' | b'B'));
        if b == b';' || encoded_semicolon {
            return segment.get(..i).unwrap_or_default();
        }
        i += 1;
    }
    segment
}

/// `.` or `..`, also as `%2e` in either case.
fn is_dot_segment(segment: &[u8]) -> bool {
    let mut dots = 0usize;
    let mut i = 0usize;
    while let Some(&b) = segment.get(i) {
        if b == b'.' {
            i += 1;
        } else if b == b'%'
            && segment.get(i + 1) == Some(&b'2')
            && matches!(segment.get(i + 2), Some(b'e' | b'E'))
        {
            i += 3;
        } else {
            return false;
        }
        dots += 1;
    }
    dots == 1 || dots == 2
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        f.write_str(self.rest.as_str())
    }
}

impl fmt::Debug for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EndpointUrl(\"{self}\")")
    }
}

crate::macros::impl_text_type!(EndpointUrl, "an endpoint URL");

#[cfg(test)]
mod tests {
    use super::*;

    /// F8: the scheme set has room for schemes beyond today's eight, and
    /// every scheme has its own bit.
    #[test]
    fn f8_the_scheme_set_has_room_and_distinct_bits() {
        assert!(Scheme::ALL.len() < SchemeMask::BITS as usize);
        let all = Scheme::ALL.iter().fold(0, |m: SchemeMask, s| {
            assert_eq!(m & s.bit(), 0, "{s}");
            m | s.bit()
        });
        assert_eq!(all.count_ones() as usize, Scheme::ALL.len());
    }
}
