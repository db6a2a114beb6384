//! The `embedded-so` feature: the build compiled into the crate is the file it names, its hash
//! is what the crate reports, and it is what both ledgers deploy when no `BULWARK_SO` is set.
//! (Without the feature this file has no tests: run `cargo test -p bulwark-testing --features
//! embedded-so`, as CI does.)
#![cfg(feature = "embedded-so")]
#![allow(deprecated)]

use bulwark_testing::program::{embedded, find_program_so};
use bulwark_testing::{builders, sbf_mode, Backend, Signer, TestContext};

#[test]
fn the_embedded_build_is_the_file_it_was_built_from() {
    let file = std::fs::read(embedded::SOURCE).expect("the embedded .so's source file");
    assert_eq!(embedded::SO, file.as_slice());
    assert_eq!(embedded::SHA256.len(), 64);
    assert!(embedded::SHA256.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        sbf_mode(),
        "the feature makes every context run the SBF build"
    );
}

#[tokio::test]
async fn both_ledgers_deploy_the_embedded_build_when_no_file_is_named() {
    assert!(
        std::env::var_os("BULWARK_SO").is_none(),
        "run without BULWARK_SO: it would take precedence over the embedded build"
    );
    let so = find_program_so().expect("lookup").expect("a build");
    assert_eq!(so.bytes, embedded::SO);
    assert!(so.origin.contains(embedded::SHA256));
    assert_runs_the_embedded_build(TestContext::new().await).await;
    assert_runs_the_embedded_build(TestContext::litesvm().await).await;
}

/// `t`'s program account holds the embedded build, and the config it initialized is there.
async fn assert_runs_the_embedded_build<B: Backend>(mut t: TestContext<B>) {
    let program = t.account(&bulwark::ID).await.expect("deployed");
    assert_eq!(program.data, embedded::SO);
    let config: bulwark::state::Config = t.load(&builders::config_pda()).await;
    assert_eq!(config.authority, t.authority.pubkey());
}
