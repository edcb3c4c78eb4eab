//! iot-input benches, each against the baseline in the same group:
//! `input_json_64k`: `json::validate` vs serde_json deserializing into
//! `IgnoredAny` (a full syntax pass that builds nothing) on the same ~64 KiB
//! device configuration; `input_ipv4`: `parse_ipv4` vs `core::net` on the
//! same mixed list of addresses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// A bench may unwrap: a failure is a broken bench, not a result.

use std::fmt::Write as _;
use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iot_input::json::{Limits, validate};

/// A realistic device configuration of just under 64 KiB: identity, Wi-Fi
/// networks, TLS and MQTT settings, a schedule, sensors with calibration
/// tables, a firmware history and an event log, with escapes, unicode and
/// every number form.
fn device_config() -> String {
    let mut s = String::with_capacity(64 * 1024);
    s.push_str(r#"{"schema":"iot-config/3","device":{"id":"dev-4f2a9c","model":"TH-200","serial":"SN0001234567","name":"K\u00fcche \u2013 Thermostat","location":{"lat":48.137154,"lon":11.576124,"alt_m":519.5,"tz":"Europe/Berlin"}},"#);
    s.push_str(r#""network":{"wifi":["#);
    for i in 0..8 {
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"ssid":"home-net-{i}","security":"wpa3-sae","priority":{p},"hidden":{h},"bssid":"02:00:5e:10:00:{i:02x}","channels":[1,6,11,36,40,44,48],"ipv4":{{"mode":"dhcp","fallback":"192.168.{i}.50/24","dns":["192.168.{i}.1","9.9.9.9"]}}}}"#, p = 10 - i, h = i % 3 == 0).unwrap();
    }
    s.push_str(r#"],"ntp":["0.pool.ntp.org","1.pool.ntp.org","time.cloudflare.com"],"hostname":"th-200-4f2a9c"},"#);
    s.push_str(r#""mqtt":{"broker":"mqtts://broker.example.com:8883","client_id":"dev-4f2a9c","keepalive_s":60,"clean_start":false,"tls":{"ca":"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2V4YW1wbGUgY2VydGlmaWNhdGUgZm9yIHRlc3RzMAoGCCqGSM49BAMC\nMBgxFjAUBgNVBAMMDUV4YW1wbGUgUm9vdDAeFw0yNDAxMDEwMDAwMDBaFw0zNDAxMDEwMDAwMDBa\n-----END CERTIFICATE-----\n","verify_hostname":true,"min_version":"1.3"},"subscriptions":["#);
    for i in 0..24 {
        if i > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"filter":"devices/dev-4f2a9c/cmd/{i}/+","qos":{q},"no_local":true}}"#,
            q = i % 3
        )
        .unwrap();
    }
    s.push_str(r#"]},"schedule":["#);
    for i in 0..96 {
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"at":"{h:02}:{m:02}","days":["mon","tue","wed","thu","fri"],"setpoint_c":{t:.1},"mode":"{mode}","enabled":{e}}}"#, h = i / 4, m = (i % 4) * 15, t = 17.5 + f64::from(i % 9) * 0.5, mode = if i % 2 == 0 { "comfort" } else { "eco" }, e = i % 5 != 0).unwrap();
    }
    s.push_str(r#"],"sensors":["#);
    for i in 0..40 {
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"id":"s{i}","kind":"{k}","unit":"{u}","interval_ms":{iv},"calibration":{{"offset":{o:e},"gain":{g},"table":["#, k = ["temperature", "humidity", "co2", "pressure"][i % 4], u = ["\u{b0}C", "%", "ppm", "hPa"][i % 4], iv = 1000 * (i + 1), o = -0.0125 * (i as f64 + 1.0), g = 1.0 + i as f64 / 1000.0).unwrap();
        for j in 0..16 {
            if j > 0 {
                s.push(',');
            }
            write!(s, "[{},{:.4}]", j * 5 - 20, (j as f64) * 0.3125 - 1.5).unwrap();
        }
        write!(s, r#"]}},"label":"Sensor \"{i}\" \\ zone {z}","thresholds":{{"low":-40,"high":125,"hysteresis":0.5}}}}"#, z = i % 6).unwrap();
    }
    s.push_str(r#"],"firmware":{"current":"2.4.1+build.1187","channel":"stable","history":["#);
    for i in 0..60 {
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"version":"2.{}.{}{}","installed":"2024-{:02}-{:02}T03:{:02}:00Z","sha256":"{:064x}","ok":{}}}"#, i / 10, i % 10, if i % 7 == 0 { "-rc.1" } else { "" }, 1 + i % 12, 1 + i % 28, i % 60, (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835, i % 11 != 0).unwrap();
    }
    s.push_str(r#"]},"log":["#);
    let mut i = 0;
    while s.len() < 63 * 1024 {
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"t":"2024-06-{:02}T{:02}:{:02}:{:02}.{:03}+02:00","lvl":"{}","msg":"reading {} ok\tΔ={}","code":{}}}"#, 1 + i % 28, i % 24, i % 60, (i * 7) % 60, i % 1000, ["info", "warn", "debug"][i % 3], i, i as f64 * 0.01, i * 13 % 997).unwrap();
        i += 1;
    }
    s.push_str("]}");
    s
}

/// A mixed list: common, edge and long addresses, plus the notations both
/// parsers reject (leading zeros, short forms, out of range, trailing bytes).
fn ipv4_list() -> Vec<String> {
    let mut list = Vec::new();
    for i in 0..200u32 {
        let a = Ipv4Addr::from(i.wrapping_mul(2_654_435_761));
        list.push(a.to_string());
    }
    for fixed in [
        "0.0.0.0",
        "255.255.255.255",
        "127.0.0.1",
        "192.168.1.1",
        "10.0.0.1",
        "172.16.254.3",
        "1.2.3.4",
        "8.8.8.8",
        "100.64.0.1",
        "169.254.169.254",
    ] {
        list.push(fixed.to_string());
    }
    for bad in [
        "01.2.3.4",
        "127.1",
        "256.0.0.1",
        "1.2.3.4 ",
        "1.2.3",
        "1..2.3",
        "0x7f.0.0.1",
        "1.2.3.4.5",
        "",
        "999.999.999.999",
        "1.2.3.04",
        "a.b.c.d",
    ] {
        list.push(bad.to_string());
    }
    list
}

fn bench_json(c: &mut Criterion) {
    let doc = device_config();
    assert!(
        doc.len() > 60 * 1024 && doc.len() <= 64 * 1024,
        "size {}",
        doc.len()
    );
    let limits = Limits::default();
    validate(doc.as_bytes(), &limits).expect("the bench document is valid");
    serde_json::from_slice::<serde::de::IgnoredAny>(doc.as_bytes()).unwrap();
    let mut group = c.benchmark_group("input_json_64k");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("iot_input", |b| {
        b.iter(|| validate(black_box(doc.as_bytes()), &limits));
    });
    group.bench_function("serde_json_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(doc.as_bytes())));
    });
    group.finish();
}

fn bench_ipv4(c: &mut Criterion) {
    let list = ipv4_list();
    // Both parsers must agree on every entry, or the comparison is void.
    for s in &list {
        assert_eq!(
            iot_input::parse_ipv4(s).ok(),
            s.parse::<Ipv4Addr>().ok(),
            "{s:?}"
        );
    }
    let mut group = c.benchmark_group("input_ipv4");
    group.throughput(Throughput::Elements(list.len() as u64));
    group.bench_function("iot_input", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for s in &list {
                ok += usize::from(iot_input::parse_ipv4(black_box(s)).is_ok());
            }
            ok
        });
    });
    group.bench_function("core_net", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for s in &list {
                ok += usize::from(black_box(s).parse::<Ipv4Addr>().is_ok());
            }
            ok
        });
    });
    group.finish();
}

criterion_group!(benches, bench_json, bench_ipv4);
criterion_main!(benches);
