#![no_main]
//! SSID (bytes and escaped text), WPA passphrase and PSK: no panic, round
//! trips, bounds.
use iot_input::{Ssid, WpaPassphrase, WpaPsk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ssid) = Ssid::from_bytes(data) {
        assert_eq!(ssid.as_bytes(), data);
        assert_eq!(Ssid::parse(&ssid.to_string()), Ok(ssid));
    }
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ssid) = Ssid::parse(s) {
        assert!(ssid.as_bytes().len() <= Ssid::MAX_LEN);
        assert_eq!(Ssid::parse(&ssid.to_string()), Ok(ssid));
    }
    if let Ok(pass) = WpaPassphrase::parse(s) {
        assert_eq!(pass.expose_secret(), s);
        assert!((WpaPassphrase::MIN_LEN..=WpaPassphrase::MAX_LEN).contains(&s.len()));
    }
    if let Ok(psk) = WpaPsk::parse(s) {
        assert_eq!(s.len(), WpaPsk::HEX_LEN);
        let again = WpaPsk::parse(s).map(|p| *p.expose_secret());
        assert_eq!(again, Ok(*psk.expose_secret()));
    }
});
