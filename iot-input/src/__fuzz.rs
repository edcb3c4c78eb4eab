//! Fuzz entry points (see `fuzz/` at the workspace root). Each takes
//! arbitrary bytes, runs one parser family and asserts the properties that
//! must hold for every accepted value: the `Display` form parses back to an
//! equal value and the documented bounds hold. A failed assertion is a bug
//! the fuzzer reports.

use core::fmt::{self, Write};

use crate::{
    DeviceName, EndpointUrl, FirmwareVersion, Hostname, MacAddress, Ssid, Timestamp, UrlPolicy,
    WpaPassphrase, WpaPsk, json, mqtt,
};

/// A fixed buffer to `Display` into without `alloc`.
pub struct Buf {
    bytes: [u8; 2048],
    len: usize,
}

impl Buf {
    /// `value`'s `Display` form.
    pub fn of(value: &dyn fmt::Display) -> Self {
        let mut buf = Self {
            bytes: [0; 2048],
            len: 0,
        };
        let written = write!(buf, "{value}");
        assert!(written.is_ok(), "Display output exceeds 2048 bytes");
        buf
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl Write for Buf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn text(data: &[u8]) -> Option<&str> {
    core::str::from_utf8(data).ok()
}

/// Hostname: bounds, lower case, round trip.
pub fn hostname(data: &[u8]) -> Option<Hostname> {
    let host = Hostname::parse(text(data)?).ok()?;
    assert!(host.as_str().len() <= Hostname::MAX_LEN);
    assert!(!host.as_str().bytes().any(|b| b.is_ascii_uppercase()));
    assert!(host.as_str().eq_ignore_ascii_case(text(data)?));
    assert_eq!(Hostname::parse(Buf::of(&host).as_str()), Ok(host));
    Some(host)
}

/// IPv4 and IPv6: the results (the fuzz target compares them with
/// `core::net`).
pub fn ip(
    data: &[u8],
) -> Option<(
    Result<core::net::Ipv4Addr, crate::Error>,
    Result<core::net::Ipv6Addr, crate::Error>,
)> {
    let s = text(data)?;
    Some((crate::parse_ipv4(s), crate::parse_ipv6(s)))
}

/// MAC address: round trip.
pub fn mac(data: &[u8]) {
    if let Some(mac) = text(data).and_then(|s| MacAddress::parse(s).ok()) {
        assert_eq!(MacAddress::parse(Buf::of(&mac).as_str()), Ok(mac));
    }
}

/// SSID (bytes and escaped text), passphrase and PSK.
pub fn wifi(data: &[u8]) {
    if let Ok(ssid) = Ssid::from_bytes(data) {
        assert_eq!(ssid.as_bytes(), data);
        assert_eq!(Ssid::parse(Buf::of(&ssid).as_str()), Ok(ssid));
    }
    let Some(s) = text(data) else { return };
    if let Ok(ssid) = Ssid::parse(s) {
        assert!(ssid.as_bytes().len() <= Ssid::MAX_LEN);
        assert_eq!(Ssid::parse(Buf::of(&ssid).as_str()), Ok(ssid));
    }
    if let Ok(pass) = WpaPassphrase::parse(s) {
        assert_eq!(pass.expose_secret(), s);
        assert!((8..=63).contains(&s.len()));
    }
    if let Ok(psk) = WpaPsk::parse(s) {
        assert_eq!(s.len(), 64);
        let again = WpaPsk::parse(s).map(|p| *p.expose_secret());
        assert_eq!(again, Ok(*psk.expose_secret()));
    }
}

/// MQTT: the first line is a filter, the rest a topic name. Checks round
/// trips, that a valid name matches itself as a filter, and that `#`
/// matches every name not starting with `$`.
pub fn mqtt(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let (filter, name) = s.split_once('\n').unwrap_or((s, s));
    let filter = mqtt::TopicFilter::parse(filter).ok();
    let name = mqtt::TopicName::parse(name).ok();
    if let Some(f) = &filter {
        assert_eq!(mqtt::TopicFilter::parse(f.as_str()).as_ref(), Ok(f));
    }
    if let Some(n) = &name {
        assert_eq!(mqtt::TopicName::parse(n.as_str()).as_ref(), Ok(n));
        let itself = mqtt::TopicFilter::parse(n.as_str());
        assert!(itself.is_ok_and(|f| f.matches(n)));
        let all = mqtt::TopicFilter::parse("#").is_ok_and(|f| f.matches(n));
        assert_eq!(all, !n.as_str().starts_with('$'));
    }
    if let (Some(f), Some(n)) = (&filter, &name) {
        let _ = f.matches(n);
    }
}

/// Endpoint URL (with the plain-text schemes allowed, to cover more):
/// round trip. The fuzz target compares the host with the `url` crate.
pub fn url(data: &[u8]) -> Option<EndpointUrl> {
    let policy = UrlPolicy::new().insecure_allow_plaintext();
    let url = EndpointUrl::parse_with(text(data)?, &policy).ok()?;
    assert_eq!(
        EndpointUrl::parse_with(Buf::of(&url).as_str(), &policy).as_ref(),
        Ok(&url)
    );
    Some(url)
}

/// Firmware version: round trip (including the build metadata, which `Eq`
/// ignores). The fuzz target compares with the `semver` crate.
pub fn version(data: &[u8]) -> Option<FirmwareVersion> {
    let v = FirmwareVersion::parse(text(data)?).ok()?;
    let again = FirmwareVersion::parse(Buf::of(&v).as_str());
    assert_eq!(again, Ok(v));
    assert_eq!(again.map(|a| Buf::of(&a).as_str() == v.as_str()), Ok(true));
    Some(v)
}

/// Timestamp: round trip and a sane instant.
pub fn timestamp(data: &[u8]) {
    if let Some(t) = text(data).and_then(|s| Timestamp::parse(s).ok()) {
        assert_eq!(Timestamp::parse(Buf::of(&t).as_str()), Ok(t));
        // Years 0000–9999 with offsets of up to a day either way.
        assert!((-62_167_305_600..=253_402_387_200).contains(&t.unix_timestamp()));
    }
}

/// Device name: round trip and the character bound.
pub fn device_name(data: &[u8]) {
    if let Some(n) = text(data).and_then(|s| DeviceName::parse(s).ok()) {
        assert!(n.as_str().chars().count() <= DeviceName::MAX_CHARS);
        assert_eq!(DeviceName::parse(Buf::of(&n).as_str()), Ok(n));
    }
}

/// JSON: validation under the default limits and under tight ones. A
/// document accepted under tight limits is accepted under the defaults.
pub fn json(data: &[u8]) -> Result<(), crate::Error> {
    let tight = json::Limits::new()
        .max_depth(4)
        .max_members(8)
        .max_string_len(16)
        .max_number_len(8);
    let strict = json::validate(data, &json::Limits::default());
    if json::validate(data, &tight).is_ok() {
        assert!(strict.is_ok());
    }
    strict
}
