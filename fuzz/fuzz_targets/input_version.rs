#![no_main]
//! FirmwareVersion: no panic, round trip (including the build metadata,
//! which `Eq` ignores), and agreement with the `semver` crate on acceptance
//! (within our length bound) and on the fields.
use iot_input::FirmwareVersion;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = FirmwareVersion::parse(text).ok();
    if let Some(v) = &ours {
        let again = FirmwareVersion::parse(&v.to_string());
        assert_eq!(again.as_ref(), Ok(v));
        assert_eq!(again.map(|a| a.to_string()), Ok(v.as_str().to_owned()));
    }
    if text.len() > FirmwareVersion::MAX_LEN {
        return;
    }
    let theirs = semver::Version::parse(text).ok();
    assert_eq!(ours.is_some(), theirs.is_some(), "{text:?}");
    if let (Some(a), Some(b)) = (ours, theirs) {
        assert_eq!(
            (a.major(), a.minor(), a.patch()),
            (b.major, b.minor, b.patch)
        );
        assert_eq!(a.pre_release(), b.pre.as_str());
        assert_eq!(a.build(), b.build.as_str());
    }
});
