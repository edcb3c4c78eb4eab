//! # How to
//!
//! ## Connect a device to an MQTT broker with mutual TLS
//!
//! Each device gets its own key pair and a certificate from your device CA
//! at manufacturing (EN 303 645 5.1-2A, 5.4-4: unique per device, never a
//! shared password). The device trusts the CA of the broker's certificate;
//! the broker trusts your device CA.
//!
//! Device side:
//!
//! ```no_run
//! use std::io::Write;
//! use iot_comm::{connect, ClientPolicy, Profile, Timeouts};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (broker_ca_pem, device_cert_pem, device_key_pem) = (vec![], vec![], vec![]);
//! // PEM read from the device's protected storage.
//! let config = ClientPolicy::new(Profile::Modern)
//!     .trust_pem(&broker_ca_pem)?
//!     .client_identity_pem(&device_cert_pem, &device_key_pem)?
//!     .build()?;
//! let addr = "192.0.2.10:8883".parse()?;
//! let mut tls = connect(addr, "broker.example.com", config, Timeouts::default())?;
//! // `tls` is Read + Write: run your MQTT codec over it, e.g. send CONNECT.
//! tls.write_all(&[0x10, 0x00])?;
//! # Ok(()) }
//! ```
//!
//! MQTT libraries that take an `Arc<rustls::ClientConfig>` can be given the
//! result of `build()` directly instead of using [`connect`](crate::connect).
//! Some brokers multiplex MQTT on port 443 by ALPN: add `.alpn(&[b"mqtt"])`
//! (or the name your broker documents).
//!
//! A broker (or a gateway) written in Rust requires the device certificate
//! like this:
//!
//! ```no_run
//! use iot_comm::{accept, Profile, ServerPolicy, Timeouts};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (cert_pem, key_pem, device_ca_pem) = (vec![], vec![], vec![]);
//! let config = ServerPolicy::new(Profile::Modern)
//!     .identity_pem(&cert_pem, &key_pem)?
//!     .require_client_auth_pem(&device_ca_pem)?
//!     .build()?;
//! let listener = std::net::TcpListener::bind("0.0.0.0:8883")?;
//! for sock in listener.incoming() {
//!     let Ok(sock) = sock else { continue };
//!     // A refused or failed handshake ends that connection, not the broker:
//!     // one bad client must not stop the others from connecting.
//!     let tls = match accept(sock, config.clone(), Timeouts::default()) {
//!         Ok(tls) => tls,
//!         Err(e) => { eprintln!("handshake refused: {e}"); continue; }
//!     };
//!     // The device's identity: its certificate, verified against your CA.
//!     let device_cert = tls.conn.peer_certificates().and_then(|c| c.first());
//!     # drop(device_cert);
//! }
//! # Ok(()) }
//! ```
//!
//! With mosquitto as the broker, the equivalent settings are:
//!
//! ```text
//! listener 8883
//! certfile /etc/mosquitto/certs/broker.pem
//! keyfile /etc/mosquitto/certs/broker.key
//! cafile /etc/mosquitto/ca/device-ca.pem
//! require_certificate true
//! use_identity_as_username true
//! tls_version tlsv1.3
//! ```
//!
//! With TLS 1.3 the client finishes its side of the handshake before the
//! server has judged its certificate: a refused device sees the refusal as
//! an [`Error::PeerAlert`](crate::Error::PeerAlert) on its first read, not
//! from `connect`.
//!
//! ## Rotate pinned keys with backup pins
//!
//! A pin is the SHA-256 of a server key (its SPKI), not of a certificate,
//! so certificates can be renewed every 90 days without touching devices
//! as long as the key stays. To be able to *change* the key:
//!
//! 1. Generate the current key K1 **and a backup key K2**; keep K2 offline.
//! 2. Ship firmware that pins both:
//!
//!    ```
//!    # let (k1_cert_der, k2_cert_der) = {
//!    #     let k = rcgen::KeyPair::generate().unwrap();
//!    #     let c = rcgen::CertificateParams::new(vec!["a".into()]).unwrap().self_signed(&k).unwrap();
//!    #     (c.der().clone(), c.der().clone())
//!    # };
//!    # let ca_pem = {
//!    #     let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
//!    #     p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
//!    #     p.self_signed(&rcgen::KeyPair::generate().unwrap()).unwrap().pem()
//!    # };
//!    use iot_comm::{spki_sha256, ClientPolicy, Profile};
//!
//!    let current = spki_sha256(&k1_cert_der)?; // computed at build time, shipped as constants
//!    let backup = spki_sha256(&k2_cert_der)?;
//!    let config = ClientPolicy::new(Profile::Modern)
//!        .trust_pem(ca_pem.as_bytes())?
//!        .pin_spki_sha256(current)
//!        .pin_spki_sha256(backup)
//!        .build()?;
//!    # Ok::<(), iot_comm::Error>(())
//!    ```
//!
//!    The same value comes from `openssl x509 -in cert.pem -pubkey -noout |
//!    openssl pkey -pubin -outform der | openssl dgst -sha256`.
//! 3. When K1 must go (scheduled, or compromised), issue a certificate for
//!    K2 and switch the server to it. Devices in the field already accept it.
//! 4. Release firmware that pins K2 and a new backup K3. Remove K1's pin
//!    only once no device needs it.
//!
//! Never ship a single pin: if that key is lost, every device stops
//! connecting, possibly including to the update service that could fix
//! it. Think twice before pinning the connection that delivers updates
//! (5.3); if you do, pin at least two independent keys.
//!
//! ## A device without a real-time clock
//!
//! Set the clock floor to the firmware's build time, and get the time
//! before the first TLS connection:
//!
//! ```
//! use core::time::Duration;
//! use iot_comm::{pki_types::UnixTime, ClientPolicy, Error, Profile};
//!
//! // Set by a reproducible build; falls back to the crate's floor.
//! let floor = option_env!("SOURCE_DATE_EPOCH")
//!     .and_then(|s| s.parse::<u64>().ok())
//!     .map_or(ClientPolicy::DEFAULT_CLOCK_FLOOR, |s| UnixTime::since_unix_epoch(Duration::from_secs(s)));
//! let policy = ClientPolicy::new(Profile::Modern).clock_floor(floor);
//! # drop(policy);
//!
//! // When connecting:
//! # fn connect_somewhere() -> Result<(), Error> { Err(Error::ClockBeforeFloor) }
//! match connect_somewhere() {
//!     Err(Error::ClockBeforeFloor) => { /* run SNTP (or ask the phone), then retry */ }
//!     other => { let _ = other; }
//! }
//! ```
//!
//! The floor does not replace a trustworthy time source: plain NTP can be
//! spoofed, and an attacker who sets the clock back (not before the floor)
//! can make an expired certificate look valid. Where that matters, use an
//! authenticated time source (NTS, Roughtime, or a signed time from your
//! own service) and short-lived certificates.
//!
//! ## Pair a phone app with a device that has a self-signed certificate
//!
//! A device serving a local API has no public name and no certificate from
//! a public CA. Show the device's SPKI pin out of band (a QR code on the
//! label or the device's screen), and let the app trust exactly that key:
//!
//! ```
//! # let pin = [0u8; 32];
//! use iot_comm::{ClientPolicy, Profile};
//!
//! let config = ClientPolicy::new(Profile::Modern)
//!     .pin_spki_sha256(pin) // from the QR code
//!     .dangerous_pin_only()    // no CA, no host name: the pin is the identity
//!     .build()?;
//! # Ok::<(), iot_comm::Error>(())
//! ```
//!
//! The certificate's validity period is still checked and the handshake
//! still proves possession of the pinned key. Never use this mode for
//! servers that have a proper certificate.
//!
//! ## Put the configuration in your conformance documentation
//!
//! `report()` describes a policy. With the `serde` feature it serializes,
//! for example to JSON for the technical documentation an EN 303 645
//! assessment asks for:
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! let report = iot_comm::ClientPolicy::new(iot_comm::Profile::Modern).report();
//! let json = serde_json::to_string_pretty(&report).unwrap();
//! assert!(json.contains("\"protocol_versions\": [\n    \"TLSv1.3\"\n  ]"));
//! # }
//! ```
