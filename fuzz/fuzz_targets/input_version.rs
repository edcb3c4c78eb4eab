#![no_main]
//! FirmwareVersion: no panic, round trip, and agreement with the `semver`
//! crate on acceptance (within our length bound) and on the fields.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = iot_input::__fuzz::version(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() > iot_input::FirmwareVersion::MAX_LEN {
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
