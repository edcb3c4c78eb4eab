//! # Every default, and why
//!
//! The profiles follow the Mozilla Server Side TLS guidelines, version 6.0
//! ("Modern" and "Intermediate"), applied to both client and server.
//! [`PolicyReport`](crate::PolicyReport) lists the values a given policy
//! uses; the tests check that the list matches what handshakes negotiate.
//!
//! ## Protocol
//!
//! | setting | Modern | Intermediate | why |
//! | --- | --- | --- | --- |
//! | versions | TLS 1.3 | TLS 1.3, TLS 1.2 | TLS 1.3 removes every legacy construction; TLS 1.2 only where a peer still needs it |
//! | TLS 1.3 suites | AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 | same | the three suites the guideline lists; ChaCha20 is fast on cores without AES instructions, common on devices |
//! | TLS 1.2 suites | none | ECDHE-ECDSA and ECDHE-RSA with AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 | forward secrecy and AEAD only: no static RSA, no CBC, no SHA-1 MACs |
//! | suite order | Mozilla's; the client's preference wins | same | every allowed suite is strong, so the client (which knows whether it has AES hardware) chooses |
//! | key exchange | X25519, P-256, P-384 | same | the guideline's groups, all ring offers |
//! | extended master secret (TLS 1.2) | n/a | required | binds the master secret to the whole handshake (RFC 7627); without it TLS 1.2 resumption and renegotiation can be spliced (triple handshake). Peers that lack it are refused: nmap's `ssl-enum-ciphers`, for example, does not send it and sees only TLS 1.3 |
//! | peer certificate keys (handshake signatures accepted) | ECDSA P-256/P-384, Ed25519 | also RSA 2048–8192 bits (PSS and PKCS#1 v1.5 with SHA-2) | Mozilla recommends ECDSA P-256 certificates; RSA only for Intermediate's compatibility |
//! | certificate chain signatures | ECDSA, Ed25519, RSA 2048–8192 with SHA-2 | same | the CA hierarchy is often not the device maker's choice; what the profile controls is the peer's own key |
//!
//! ## Certificates at `build()`
//!
//! | check | on | why |
//! | --- | --- | --- |
//! | validity period covers "now" | server identity, client identity | serving an expired certificate only produces confusing failures on the peer |
//! | at least one DNS or IP subject alternative name | server identity | clients ignore the common name; a certificate without SAN matches no host |
//! | key type allowed by the profile | server identity, client identity | the peer would refuse it anyway, later and less clearly |
//! | private key matches the certificate | both | catches mixed-up files at start-up, not at the first connection |
//! | chain length 1–8 | both | bounds work and memory |
//! | at least one trust anchor | client; server with client authentication | without anchors nothing can be verified |
//!
//! ## Verification
//!
//! | setting | default | why |
//! | --- | --- | --- |
//! | server verification | WebPKI: chain to a configured trust anchor, validity, host name | the baseline for authenticating a service (5.5-1) |
//! | SPKI pins | off; when set, checked after WebPKI | a pin narrows trust from "any certificate my CAs issued" to "these keys"; it never replaces chain verification, so an expired or mis-named certificate with a pinned key is still refused |
//! | pin-only | off; only through [`ClientPolicy::dangerous_pin_only`](crate::ClientPolicy::dangerous_pin_only) | self-signed device-local servers have no CA; a reviewer must be able to find every place that skips WebPKI |
//! | client authentication on a server | off; [`require_client_auth`](crate::ServerPolicy::require_client_auth) makes it mandatory | optional client auth invites code that forgets to check whether a certificate was presented |
//! | revocation | none | see the [threat model](super::_01_threat_model) |
//!
//! ## Sessions and data
//!
//! | setting | default | why |
//! | --- | --- | --- |
//! | client session cache | in memory, 32 servers ([`DEFAULT_SESSION_CACHE`](crate::ClientPolicy::DEFAULT_SESSION_CACHE)), larger values clamped to 1024 ([`MAX_SESSION_CACHE`](crate::ClientPolicy::MAX_SESSION_CACHE)) | resumption saves a full handshake on reconnect (battery, latency) while memory stays bounded; `session_cache(0)` turns it off |
//! | server tickets | off; [`enable_session_tickets`](crate::ServerPolicy::enable_session_tickets) turns on stateless tickets, keys rotated every 6 hours | a leaked ticket key exposes every session it protected; most device servers see few reconnects |
//! | server session cache | none | no per-client state to fill up on a small device |
//! | 0-RTT early data | off on both sides, no switch | early data can be replayed |
//! | 0.5-RTT data | off | it would be sent before the client's certificate is checked |
//! | key log, secret extraction | off, no switch | session keys never leave rustls |
//! | certificate compression | off | saves little for one-certificate chains and adds a decompression path |
//! | SNI | sent | needed by multi-tenant brokers; the name is not secret (Encrypted Client Hello is not offered) |
//! | ALPN | none unless configured | a client offering a protocol the server does not know is refused by rustls |
//!
//! ## Clock and I/O
//!
//! | setting | default | why |
//! | --- | --- | --- |
//! | time source | the system clock; [`time_provider`](crate::ClientPolicy::time_provider) replaces it | devices may get time from GNSS, a phone or a secure element |
//! | clock floor | [`DEFAULT_CLOCK_FLOOR`](crate::ClientPolicy::DEFAULT_CLOCK_FLOOR) (2025-01-01); set it to the firmware build time | see [the how-to](super::_03_howto#a-device-without-a-real-time-clock) |
//! | timeouts ([`Timeouts::default`](crate::Timeouts)) | connect 10 s, whole handshake 10 s, each read/write 30 s | a device must not hang on a dead or slow network; zero is refused because operating systems read it as "forever" |
//! | crypto provider | a ring provider made for the profile, per config | never the process default, which another crate may have set to a different provider with different suites |
//!
//! ## Bounds on input
//!
//! Each bound is an associated constant of the policy it bounds
//! ([`ClientPolicy`](crate::ClientPolicy), and the same values on
//! [`ServerPolicy`](crate::ServerPolicy)). PEM input at most 1 MiB
//! ([`MAX_PEM_BYTES`](crate::ClientPolicy::MAX_PEM_BYTES)); at most 1024
//! trust anchors per PEM input
//! ([`MAX_TRUST_ANCHORS`](crate::ClientPolicy::MAX_TRUST_ANCHORS)), 8
//! certificates per chain ([`MAX_CHAIN_LEN`](crate::ClientPolicy::MAX_CHAIN_LEN)),
//! 16 pins ([`MAX_PINS`](crate::ClientPolicy::MAX_PINS)), 16 ALPN protocols
//! of 1–255 bytes
//! ([`MAX_ALPN_PROTOCOLS`](crate::ClientPolicy::MAX_ALPN_PROTOCOLS)); exactly one private
//! key per key input.
//!
//! Input or settings over these bounds are refused, never truncated: a
//! shorter chain, pin set or ALPN list would change which peers can
//! connect. Only the client session cache is clamped
//! ([`MAX_SESSION_CACHE`](crate::ClientPolicy::MAX_SESSION_CACHE)), since
//! its size changes the cost of reconnecting and nothing else.
