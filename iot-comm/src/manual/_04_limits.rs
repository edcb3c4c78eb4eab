//! # What rustls with ring cannot do, and what to do instead
//!
//! This crate uses rustls with the ring provider only (see the workspace
//! design). That choice brings a small, memory-safe, widely reviewed TLS
//! stack (EN 303 645 5.5-2), and these limits:
//!
//! | not available | why it matters to some devices | what to do instead |
//! | --- | --- | --- |
//! | **external pre-shared keys** (TLS 1.3 PSK-only or PSK-DHE handshakes, TLS 1.2 PSK suites) | very small devices sometimes use a provisioned symmetric key instead of certificates | use a per-device certificate: an ECDSA P-256 or Ed25519 certificate chain is a few hundred bytes and needs no more RAM than the handshake itself. If a peer mandates PSK, that connection needs another TLS library (for example mbed TLS or wolfSSL on the device); keep the PSK unique per device (5.4-4) |
//! | **AES-CCM suites** (`TLS_AES_128_CCM_SHA256`, `TLS_AES_128_CCM_8_SHA256`) | some microcontrollers accelerate only AES-CCM | use ChaCha20-Poly1305, which is fast in software on cores without AES hardware; the CCM_8 suite also has a short tag and is not recommended by the guideline |
//! | **post-quantum hybrid key exchange** (X25519MLKEM768) | traffic recorded today could be decrypted by a future quantum computer ("harvest now, decrypt later"); major browsers and services already negotiate X25519MLKEM768 by default | rustls offers X25519MLKEM768 through its aws-lc-rs provider, not through ring. Where long-term confidentiality matters, build that connection with an aws-lc-rs provider (outside these profiles), and keep the device updatable so the key exchange can change later (crypto-agility, 5.5-3) |
//! | **FIPS 140 validated cryptography** | some procurement rules require it | ring is not a validated module; rustls' aws-lc-rs provider has a FIPS mode. [`ClientConfig::fips`](rustls::ClientConfig::fips) is always `false` here |
//! | **OCSP and CRL checking through this crate** | revocation of a stolen device or server key | rustls can check CRLs you supply (`WebPkiServerVerifier::builder_with_provider(..).with_crls(..)`), but this crate does not expose it; prefer short-lived certificates and pins with backups (see the [how-to](super::_03_howto)) |
//! | **DTLS** (TLS over UDP, for CoAP) | CoAP devices use DTLS | rustls implements TLS over streams only; use a DTLS library for CoAP, or CoAP over TCP/TLS (RFC 8323) with this crate |
//! | **Encrypted Client Hello** | hides the server name from the network | rustls supports ECH only with other providers' HPKE; the name the device connects to is visible in SNI |
//! | **raw public keys** (RFC 7250) | certificate-free peers | rustls supports them, but this crate's verifiers expect certificates; a self-signed certificate with [`dangerous_pin_only`](crate::ClientPolicy::dangerous_pin_only) gives the same trust model |
//!
//! The profiles themselves exclude, on purpose: TLS 1.0/1.1, CBC and RC4
//! suites, static RSA key exchange, finite-field Diffie-Hellman, SHA-1
//! signatures, RSA keys under 2048 bits, 0-RTT data, session renegotiation
//! (rustls never supports it) and key logging.
