#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
mod config;
mod counter;
mod crypto;
mod error;
#[cfg(feature = "__test-hooks")]
#[doc(hidden)]
pub mod hooks;
mod install;
pub mod manual;
mod metadata;
mod path;
#[cfg(feature = "storage")]
mod sealed;
mod store;
mod transport;
mod trusted;
mod updater;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::Limits;
pub use counter::RollbackCounter;
#[cfg(feature = "storage")]
pub use counter::StorageCounter;
pub use error::{Error, FetchProblem, InstallProblem, IntegrityRule, Role, Subject, VersionRule};
pub use install::{
    BootControl, Confirmation, EnvLocation, GrubEnv, InstallProgress, Installed, Installer,
    InstallerBuilder, Phase, Slot, Status, UBootEnv, Vars, booted_slot_from_cmdline,
};
pub use metadata::canonical_json;
#[cfg(feature = "storage")]
#[cfg_attr(docsrs, doc(cfg(feature = "storage")))]
pub use sealed::SealedMetadataStore;
pub use store::{DirectoryStore, MetadataStore};
#[cfg(feature = "http")]
pub use transport::HttpTransport;
pub use transport::{Body, FileTransport, Transport};
pub use updater::{Progress, TargetInfo, Updater, UpdaterBuilder, VerifiedTarget};

/// The `serde_json` this crate uses ([`TargetInfo::custom`] returns its
/// `Value`).
pub use serde_json;

/// The `iot-input` this crate uses ([`InstallerBuilder::running_version`]
/// takes its `FirmwareVersion`).
pub use iot_input;

/// The `iot-comm` this crate uses: build the [`HttpTransport`]'s TLS
/// configuration with `iot_update::iot_comm::ClientPolicy`.
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use iot_comm;

/// The `iot-storage` this crate uses.
#[cfg(feature = "storage")]
#[cfg_attr(docsrs, doc(cfg(feature = "storage")))]
pub use iot_storage;
