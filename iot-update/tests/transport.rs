//! The transports: https through an `iot-comm` client configuration (the
//! hardened profile and its trust anchors), plain http only when chosen,
//! and servers that stall or never stop cut off by the deadline and the
//! length bound.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use support::{read_request, server};

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use iot_testkit::pki::TestPki;
use iot_update::iot_comm::{ClientPolicy, Profile, ServerPolicy, Timeouts, accept};
use iot_update::{
    Error, FetchProblem, HttpTransport, IntegrityRule, Limits, Role, Subject, Transport, Updater,
};

#[test]
fn https_uses_the_iot_comm_configuration_and_refuses_plain_http() {
    let pki = TestPki::new();
    let leaf = pki.server("localhost");
    let server_config = ServerPolicy::new(Profile::Modern)
        .identity_pem(leaf.cert_pem().as_bytes(), leaf.key_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let port = server(1, move |sock| {
        let Ok(mut tls) = accept(sock, server_config.clone(), Timeouts::default()) else {
            return;
        };
        read_request(&mut tls);
        let _ = tls
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    let config = ClientPolicy::new(Profile::Modern)
        .trust_pem(pki.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let transport = HttpTransport::https(config);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut body = String::new();
    transport
        .fetch(&format!("https://localhost:{port}/x"), deadline)
        .unwrap()
        .read_to_string(&mut body)
        .unwrap();
    assert_eq!(body, "hello");
    assert_eq!(
        transport
            .fetch(&format!("http://localhost:{port}/x"), deadline)
            .err(),
        Some(FetchProblem::UnsupportedUrl)
    );
}

#[test]
fn an_https_server_outside_the_trust_anchors_is_refused() {
    let pki = TestPki::new();
    let other = TestPki::new();
    let leaf = other.server("localhost");
    let server_config = ServerPolicy::new(Profile::Modern)
        .identity_pem(leaf.cert_pem().as_bytes(), leaf.key_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let port = server(1, move |sock| {
        let _ = accept(sock, server_config.clone(), Timeouts::default());
    });
    let config = ClientPolicy::new(Profile::Modern)
        .trust_pem(pki.ca_cert_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let err = HttpTransport::https(config)
        .fetch(
            &format!("https://localhost:{port}/x"),
            Instant::now() + Duration::from_secs(20),
        )
        .err()
        .unwrap();
    assert_eq!(err, FetchProblem::Tls);
}

fn updater_for(port: u16, repo: &support::Repo) -> Updater {
    Updater::builder(
        format!("http://127.0.0.1:{port}/metadata"),
        HttpTransport::insecure_plain_http(),
        repo.store(),
    )
    .clock(iot_update::FixedClock(support::NOW))
    .limits(Limits::default().with_metadata_deadline(Duration::from_secs(1)))
    .build()
}

#[test]
fn a_stalling_server_is_cut_off_by_the_deadline() {
    let repo = support::Repo::new();
    let port = server(1, |mut sock| {
        read_request(&mut sock);
        let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        for _ in 0..100 {
            if sock.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let start = Instant::now();
    let err = updater_for(port, &repo).refresh().unwrap_err();
    assert_eq!(
        err,
        Error::Fetch {
            of: Subject::Metadata(Role::Root),
            problem: FetchProblem::Deadline
        }
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn an_endless_server_is_cut_off_by_the_length_bound() {
    let repo = support::Repo::new();
    let port = server(1, |mut sock| {
        read_request(&mut sock);
        let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        let chunk = vec![b' '; 65536];
        while sock.write_all(&chunk).is_ok() {}
    });
    let err = updater_for(port, &repo).refresh().unwrap_err();
    assert_eq!(
        err,
        Error::Integrity {
            of: Subject::Metadata(Role::Root),
            rule: IntegrityRule::TooLong
        }
    );
}
