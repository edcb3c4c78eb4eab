//! Arbitrary bytes as trust anchors, certificate chain and private key (PEM,
//! and DER) into iot-comm's ClientPolicy and ServerPolicy builders: errors,
//! never panics. Input layout: `anchors \0 chain \0 key` (see
//! `iot_comm::__fuzz::pem_load`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iot_comm::__fuzz::pem_load(data);
});
