#![doc = include_str!("../README.md")]
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
pub mod manual;
pub mod mqtt;
mod punycode;
mod timestamp;
mod unicode_tables;
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
