//! One test per rule of every parser, at each boundary: lengths 0, 1, max
//! and max + 1, and each forbidden character class.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::net::{Ipv4Addr, Ipv6Addr};

use iot_input::mqtt::{Options, TopicFilter, TopicName};
use iot_input::{
    DeviceName, EndpointUrl, ErrorKind, FirmwareVersion, Host, Hostname, MacAddress, Scheme, Ssid,
    Timestamp, UrlPolicy, WpaPassphrase, WpaPsk, parse_ipv4, parse_ipv6,
};

/// The kind of an expected rejection.
fn kind<T: std::fmt::Debug>(r: Result<T, iot_input::Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

/// The kind and offset of an expected rejection.
fn at<T: std::fmt::Debug>(r: Result<T, iot_input::Error>) -> (ErrorKind, usize) {
    let e = r.unwrap_err();
    (e.kind(), e.offset())
}

mod device_name;
mod endpoint_url;
mod firmware_version;
mod hostname;
mod ipv4;
mod ipv6;
mod mac;
mod mqtt;
mod timestamp;
mod traits;
mod wifi;
