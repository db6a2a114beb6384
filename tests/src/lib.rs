//! The repository's own test suite: [`bulwark_testing`]'s harness, plus the client of the
//! example integrating program (`programs/insured-vault`) its CPI tests drive.

// solana-program-test 3.x marks its whole API as "unstable" with deprecation warnings; it is the
// harness TOOLCHAIN.md prescribes, so the warning carries no information here.
#![allow(deprecated)]

pub use bulwark_testing::*;

pub mod vault;

use solana_program_test::ProgramTest;

/// Whether the SBF builds of both programs exist in `SBF_OUT_DIR`: the example integrating
/// program only runs there, because reading CPI return data has no native stub in solana-cpi
/// 3.x (`get_return_data` is `None` and `set_return_data` a no-op off-chain); its tests are
/// compiled as ignored outside the SBF run (see `build.rs`).
pub fn vault_available() -> bool {
    std::env::var("SBF_OUT_DIR").is_ok_and(|dir| {
        let dir = std::path::Path::new(&dir);
        dir.join("bulwark.so").exists() && dir.join("insured_vault.so").exists()
    })
}

/// [`bulwark_testing::program_test`] for the suite's mode, with the example integrating program
/// deployed beside Bulwark (by the same upgrade authority) when its SBF build is there.
pub fn suite_program_test() -> ProgramTest {
    let sbf = sbf_mode();
    let authority = TestContext::deployer_key();
    let mut pt = program_test(sbf, &solana_signer::Signer::pubkey(&authority));
    if sbf && vault_available() {
        pt.add_program("insured_vault", insured_vault::ID, None);
        pt.add_account(
            vault::program_data_address(),
            program_data_account(&solana_signer::Signer::pubkey(&authority)),
        );
    }
    pt
}
