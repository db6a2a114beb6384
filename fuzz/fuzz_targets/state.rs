//! `cargo fuzz run state --features libfuzzer`: random operation sequences on a pool and one of
//! its pool-products, checked against the model after every step (see `bulwark_fuzz::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulwark_fuzz::run(data));
