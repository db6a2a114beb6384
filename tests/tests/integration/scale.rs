//! Cost does not grow with the protocol: the same purchase, vote and payout cost the same with
//! 1, 1,000 or 10,000 other covers, ballots and stake positions in the bank, and staleness of
//! the expiry buckets costs a bounded amount.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::FileClaimArgs;
use bulwark::state::Claim;
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_signer::Signer;

struct Measured {
    buy: u64,
    vote: u64,
    redeem: u64,
    settle: u64,
}

/// Writes `n` copies of the account at `template` at fresh addresses.
async fn clone_n(t: &mut TestContext, template: &Pubkey, n: usize) {
    let account = t.account(template).await.expect("template exists");
    for _ in 0..n {
        t.set_account(&Pubkey::new_unique(), account.clone());
    }
}

async fn scenario(n: usize) -> Measured {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 100_000 * UNIT, YEAR)).await;
    let keys = m.cover_keys(1, vec![m.pool.keys.pool]);
    let assessment_mint = m.t.assessment_mint;
    let (alice, alice_token) = m.t.funded_user(&assessment_mint, 2 * UNIT).await;
    let ix = stake_assessor(
        &alice.pubkey(),
        &assessment_mint,
        &alice_token,
        &spl_token::ID,
        2 * UNIT,
    );
    m.t.send_ok(&[ix], &[&alice]).await;
    let buyer = m.buyer.insecure_clone();
    let incident_time = m.t.cover_start(&keys.cover).await;
    let claim_ix = file_claim(
        &owner,
        &keys,
        0,
        &m.buyer_token,
        FileClaimArgs {
            amount: 10_000 * UNIT,
            incident_time,
            evidence_hash: [1; 32],
            evidence_uri: String::new(),
        },
    );
    m.t.send_ok(&[claim_ix], &[&buyer]).await;
    let claim = claim_pda(&keys.cover, 0);

    // A ballot to copy: a second assessor votes on the claim.
    let (bob, bob_token) = m.t.funded_user(&assessment_mint, UNIT).await;
    let ix = stake_assessor(
        &bob.pubkey(),
        &assessment_mint,
        &bob_token,
        &spl_token::ID,
        UNIT,
    );
    m.t.send_ok(&[ix], &[&bob]).await;
    m.t.send_ok(&[vote(&bob.pubkey(), &claim, true)], &[&bob])
        .await;

    clone_n(&mut m.t, &keys.cover, n).await;
    clone_n(&mut m.t, &ballot_pda(&claim, &bob.pubkey()), n).await;
    clone_n(
        &mut m.t,
        &position_pda(&m.pool.keys.pool, &m.staker.pubkey(), 0),
        n,
    )
    .await;

    let buy =
        m.t.send_ok(
            &[m.buy_ix(m.cover_of(2, 10_000 * UNIT, YEAR), &[m.pool.keys.pool])],
            &[&buyer],
        )
        .await;
    record_compute_units(
        &format!("buy_cover (1 pool) with {n} existing covers"),
        &buy,
    );
    let voted =
        m.t.send_ok(&[vote(&alice.pubkey(), &claim, true)], &[&alice])
            .await;
    record_compute_units(&format!("vote with {n} existing ballots"), &voted);
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.voting_end + DAY).await;
    let caller = m.t.payer().pubkey();
    let redeem_ix = redeem_payout(&caller, &keys, &claim, &m.buyer_token, &m.buyer_token);
    let redeem = m.t.send_ok(&[redeem_ix], &[]).await;
    record_compute_units(
        &format!("redeem_payout (1 pool) with {n} existing stake positions"),
        &redeem,
    );
    let alice_reward = m.t.create_token_account(&alice.pubkey(), &m.mint).await;
    let settle_ix = settle_ballot(
        &alice.pubkey(),
        &claim,
        &m.pool.keys.pool,
        &m.mint,
        &alice.pubkey(),
        &alice_reward,
        &spl_token::ID,
    );
    let settled = m.t.send_ok(&[settle_ix], &[&alice]).await;
    record_compute_units(
        &format!("settle_ballot (reward) with {n} existing ballots"),
        &settled,
    );
    Measured {
        buy: buy.compute_units,
        vote: voted.compute_units,
        redeem: redeem.compute_units,
        settle: settled.compute_units,
    }
}

#[tokio::test]
async fn cost_does_not_grow_with_the_protocol() {
    let base = scenario(1).await;
    for n in [1_000, 10_000] {
        let measured = scenario(n).await;
        // Natively compute units are not measured (0 = 0); on the SBF build they must match.
        assert_eq!(measured.buy, base.buy, "buy_cover with {n} covers");
        assert_eq!(measured.vote, base.vote, "vote with {n} ballots");
        assert_eq!(
            measured.redeem, base.redeem,
            "redeem_payout with {n} positions"
        );
        assert_eq!(
            measured.settle, base.settle,
            "settle_ballot with {n} ballots"
        );
    }
}

/// Buys after the pool and pool-product went untouched for `buckets` expiry buckets.
async fn stale_buy(buckets: i64) -> u64 {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    m.buy(cover_args(
        1,
        owner,
        m.product_id,
        vec![10_000 * UNIT],
        28 * DAY as u32,
    ))
    .await;
    m.t.warp_days(28 * buckets).await;
    let outcome =
        m.t.send_ok(
            &[m.buy_ix(
                cover_args(2, owner, m.product_id, vec![10_000 * UNIT], 28 * DAY as u32),
                &[m.pool.keys.pool],
            )],
            &[&m.buyer.insecure_clone()],
        )
        .await;
    record_compute_units(
        &format!("buy_cover (1 pool) after {buckets} stale buckets"),
        &outcome,
    );
    outcome.compute_units
}

#[tokio::test]
async fn staleness_costs_a_bounded_amount() {
    let one = stale_buy(1).await;
    let thirteen = stale_buy(13).await;
    // Twelve more buckets (and the tranche ends between them) to walk: bounded, small.
    assert!(thirteen <= one + 12 * 1_500, "{one} -> {thirteen}");
}
