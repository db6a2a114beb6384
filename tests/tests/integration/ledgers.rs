//! The kit's two ledgers: the same market and lifecycle, set up by the same `bulwark-testing`
//! helpers, give the same balances and account state in solana-program-test and in LiteSVM.
//!
//! LiteSVM runs the SBF build only, so these are compiled as ignored outside the SBF run.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::state::{Claim, Cover};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_signer::Signer;

const STAKE: u64 = 1_000_000 * UNIT;
const COVERED: u64 = 100_000 * UNIT;
const CLAIMED: u64 = 40_000 * UNIT;
/// Lamports of an account an integrator put in its own LiteSVM instance (rent-exempt).
const THEIRS: u64 = 10_000_000;

/// What a lifecycle left behind that must not depend on the ledger.
#[derive(Debug, PartialEq)]
struct Outcome {
    premium: u64,
    buyer_after_payout: u64,
    pool_vault: u64,
    capital_vault: u64,
    cover_remaining: u64,
    claim_paid: u64,
    claim_staker_paid: u64,
    claim_capital_paid: u64,
    claim_owed: u64,
}

/// A market, a one-year cover of [`COVERED`] bought by its buyer and a claim of [`CLAIMED`]
/// accepted and redeemed, all through the kit.
async fn lifecycle<B: Backend>(t: TestContext<B>) -> Outcome {
    let mut m = Market::open(t, MarketSpec::new(STAKE)).await;
    let start = m.t.balance(&m.buyer_token).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(0, COVERED, YEAR)).await;
    let premium = start - m.t.balance(&m.buyer_token).await;
    let claim = m.pay_claim(0, CLAIMED).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 0)).await;
    let claim: Claim = m.t.load(&claim).await;
    Outcome {
        premium,
        buyer_after_payout: m.t.balance(&m.buyer_token).await,
        pool_vault: m.t.balance(&m.pool.keys.vault).await,
        capital_vault: m.t.balance(&capital_vault_pda(&m.mint)).await,
        cover_remaining: cover.remaining,
        claim_paid: claim.paid_amount,
        claim_staker_paid: claim.staker_paid,
        claim_capital_paid: claim.capital_paid,
        claim_owed: claim.owed,
    }
}

#[tokio::test]
#[cfg_attr(
    not(bulwark_sbf),
    ignore = "LiteSVM runs the SBF build only: run the suite with BULWARK_SBF=1 and SBF_OUT_DIR"
)]
async fn a_market_on_litesvm_matches_one_on_program_test() {
    let on_litesvm = lifecycle(TestContext::litesvm().await).await;
    let on_program_test = lifecycle(TestContext::new().await).await;
    assert_eq!(on_litesvm, on_program_test);
    // The claim was paid in full, to the buyer, who paid the premium once.
    assert_eq!(on_litesvm.claim_paid, CLAIMED);
    assert_eq!(on_litesvm.claim_owed, 0);
    assert_eq!(
        on_litesvm.claim_staker_paid + on_litesvm.claim_capital_paid,
        CLAIMED
    );
    assert_eq!(on_litesvm.cover_remaining, COVERED - CLAIMED);
    assert_eq!(
        on_litesvm.buyer_after_payout,
        MarketSpec::new(STAKE).buyer_funds - on_litesvm.premium + CLAIMED
    );
    assert!(on_litesvm.premium > 0);
}

#[tokio::test]
#[cfg_attr(
    not(bulwark_sbf),
    ignore = "LiteSVM runs the SBF build only: run the suite with BULWARK_SBF=1 and SBF_OUT_DIR"
)]
async fn litesvm_keeps_the_callers_instance_and_refuses_a_second_config() {
    // An integrator's own instance, with an account of theirs already in it.
    let mut svm = LiteSVM::new();
    let theirs = Pubkey::new_unique();
    svm.airdrop(&theirs, THEIRS).expect("airdrop");
    let mut t = TestContext::litesvm_with(svm).await;
    assert_eq!(t.lamports(&theirs).await, THEIRS);
    assert_eq!(t.ctx.svm.get_balance(&theirs), Some(THEIRS));
    // The program is the SBF build, deployed with the kit's upgrade authority: the config is
    // there, and initializing it again is refused.
    let config: bulwark::state::Config = t.load(&config_pda()).await;
    assert_eq!(config.authority, t.authority.pubkey());
    let deployer = t.deployer.insecure_clone();
    let ix = t.initialize_config_ix();
    let err = t
        .send(&[ix], &[&deployer])
        .await
        .expect_err("second config");
    assert_already_in_use(err);
}
