//! # Threat model
//!
//! ## What is protected
//!
//! The traffic between a consumer IoT device and the services it talks to:
//! its cloud, an MQTT broker, a gateway, or a phone app on the same LAN.
//! That traffic carries credentials and security parameters (EN 303 645
//! 5.5-7), personal data (5.8-1, 5.8-2) and commands.
//!
//! ## Who attacks, and what the crate does about it
//!
//! | attacker | what they try | what stops them |
//! | --- | --- | --- |
//! | passive network observer (Wi-Fi neighbour, ISP, compromised router) | read traffic now, or record it and decrypt later | TLS with forward-secret ECDHE only (X25519, P-256, P-384) and AEAD ciphers only; no static-RSA key exchange, no CBC, no RC4, no SHA-1 signatures |
//! | active man-in-the-middle | impersonate the server to the device | WebPKI verification of the server chain, validity and host name on every connection; optional SPKI pins checked *after* that, so a mis-issued certificate from a trusted CA is refused too |
//! | active man-in-the-middle | downgrade to TLS 1.2 or a weak suite | Modern offers TLS 1.3 only; Intermediate adds only TLS 1.2 AEAD suites and requires the extended master secret (RFC 7627), which closes the triple-handshake family of attacks; TLS 1.3's downgrade sentinel is checked by rustls |
//! | rogue client | talk to a broker or a device without being one of the fleet | mutual TLS: [`ServerPolicy::require_client_auth`](crate::ServerPolicy::require_client_auth) makes a certificate from your device CA mandatory (5.1-2A: keys, not passwords) |
//! | replay of early data | repeat a command sent as 0-RTT data | no 0-RTT on either side, ever |
//! | an engineer left debugging on | recover session keys from a key log | no key log, no secret extraction; neither can be turned on through this crate |
//! | slow or silent peer | hold a device's only connection slot open | connect, handshake and I/O timeouts in [`connect`](crate::connect) and [`accept`](crate::accept); the handshake timeout is an overall deadline that bounds every handshake read and write, so neither trickling bytes nor reading our flight slowly extends it |
//! | hostile peer sending malformed data | crash the device | rustls parses the protocol; our own parsing (PEM through rustls-pki-types, X.509 through x509-cert) is bounded and fuzzed; errors are values, never panics |
//! | wrong clock | make valid certificates look expired, or expired ones valid | a clock floor: readings before it give [`Error::ClockBeforeFloor`](crate::Error::ClockBeforeFloor) instead of misleading certificate errors |
//!
//! ## What is *not* protected
//!
//! * **The device's private key at rest.** The key is wiped from this
//!   crate's memory when a policy is dropped, but where it is stored before
//!   that is the device maker's job (`iot-storage`, a secure element).
//!   ring keeps its own parsed copy of the key for as long as a config
//!   lives, and does not wipe it.
//! * **Revocation.** No CRL or OCSP checking: most devices cannot fetch
//!   them reliably. Use short-lived certificates (the guideline recommends
//!   90 days) and rotate them; pin rotation is described in the
//!   [how-to](super::_03_howto).
//! * **A compromised trust anchor or a compromised endpoint.** If your CA
//!   key leaks, or the server is compromised, TLS cannot help; pinning
//!   narrows the first case to the pinned keys.
//! * **Traffic analysis.** TLS hides content, not timing or sizes.
//! * **Application-layer authorization.** Mutual TLS tells the broker
//!   *which* device is connecting; what that device may do is the
//!   broker's configuration.
//! * **The clock itself.** A floor detects a clock that was never set; it
//!   cannot detect a clock that an attacker set to a plausible wrong time.
//!   Get time from an authenticated source where that matters.
//! * **Denial of service** beyond the timeouts: a flood of connections is
//!   for the network stack and the application to limit.
