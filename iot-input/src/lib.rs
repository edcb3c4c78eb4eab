#![doc = include_str!("../README.md")]
//!
//! # Conformance table (EN 303 645 5.13-1A / 5.13-1B)
//!
//! Copy the rows that apply to your device into the "input validation" part
//! of your conformance documentation, naming the interface each input
//! arrives on. "UI" is 5.13-1A (user interfaces: app, web UI, buttons,
//! provisioning), "network" is 5.13-1B (network interfaces: cloud API,
//! local network, MQTT). Every parser rejects empty input, has a hard
//! length bound, allocates nothing (see [`mqtt`] for long topics with
//! `alloc`), never panics, and reports a [`Error`] with a reason and a byte
//! offset but never the input.
//!
//! | input | type / function | typical interface | accepted form (summary) | bound |
//! | --- | --- | --- | --- | --- |
//! | host name | [`Hostname::parse`] | UI, network | RFC 1123 LDH labels, checked `xn--` Punycode, lower-cased | 253 bytes, labels 63 |
//! | IPv4 address | [`parse_ipv4`] | UI, network | four decimal octets, no leading zeros or other notations | 15 bytes |
//! | IPv6 address | [`parse_ipv6`] | UI, network | RFC 4291 text forms, one `::`, embedded IPv4; no zone, brackets or prefix | 8 groups |
//! | MAC address | [`MacAddress::parse`] | UI, network | EUI-48 with uniform `:`/`-`, or `xxxx.xxxx.xxxx` | 17 bytes |
//! | Wi-Fi SSID | [`Ssid::from_bytes`], [`Ssid::parse`] | UI | 1–32 octets; escaped display | 32 octets |
//! | Wi-Fi passphrase | [`WpaPassphrase::parse`] | UI | 8–63 printable ASCII; secret, wiped on drop | 63 bytes |
//! | Wi-Fi PSK | [`WpaPsk::parse`] | UI | exactly 64 hex digits; secret, wiped on drop | 64 bytes |
//! | MQTT topic name | [`mqtt::TopicName::parse`] | network | UTF-8, no NUL/controls/wildcards | 65,535 bytes (256 without `alloc`), 32 levels |
//! | MQTT topic filter | [`mqtt::TopicFilter::parse`] | network | as names, `+`/`#` only as whole levels, `#` last | as names |
//! | endpoint URL | [`EndpointUrl::parse`] | UI, network | TLS schemes only by default, checked host, no credentials, clean path | 1024 bytes |
//! | firmware version | [`FirmwareVersion::parse`] | network | SemVer 2.0.0 exactly; `Ord` is SemVer precedence | 128 bytes |
//! | timestamp | [`Timestamp::parse`] | network | RFC 3339 `date-time`, calendar-valid, leap second only at 23:59:60 UTC at a month's end | 64 bytes |
//! | device name | [`DeviceName::parse`] | UI | 1–64 characters, no controls, bidi or invisible characters, trimmed | 64 characters |
//! | JSON document | [`json::validate`], [`json::from_slice`] | network | RFC 8259 strictly, duplicate keys rejected | [`json::Limits`] (64 KiB, depth 32, …) |
//!
//! What stays the device maker's job: calling a parser on every input at
//! the interface where it arrives (before it is stored, logged or acted
//! on), choosing the tighter options where they fit the product
//! ([`UrlPolicy::only`], [`mqtt::Options::max_levels`], [`json::Limits`]),
//! validating inputs this crate does not cover, and authorization: a valid
//! URL or topic is not a permitted one.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod device_name;
mod endpoint;
mod error;
mod grammar;
mod hostname;
mod inline;
mod ip;
pub mod json;
mod mac;
mod macros;
pub mod mqtt;
mod punycode;
mod timestamp;
mod version;
mod wifi;

pub use device_name::DeviceName;
pub use endpoint::{EndpointUrl, Host, Scheme, UrlPolicy};
pub use error::{Error, ErrorKind};
pub use hostname::Hostname;
pub use ip::{parse_ipv4, parse_ipv6};
pub use mac::MacAddress;
pub use timestamp::Timestamp;
pub use version::FirmwareVersion;
pub use wifi::{Ssid, WpaPassphrase, WpaPsk};
