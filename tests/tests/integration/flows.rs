//! The SDK's flows (`bulwark_sdk::flows`) driven against the bank as their account source:
//! what each reads and builds is exactly what the program takes.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::state::{Claim, Cover, Pool};
use bulwark_sdk::builders::*;
use bulwark_sdk::client::{mint_info, ClientError, MintInfo};
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::{CoverRequest, QuoteError};
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 1_000_000 * UNIT;

/// Quotes `amount` over the market's pool, sends the quote's cranks and the purchase; returns
/// the quote's premium and the cover.
async fn buy_through_flows(m: &mut Market, amount: u64, nonce: u64) -> (u64, Pubkey, usize) {
    let pools = [m.pool.keys.pool];
    let asked = request(m, amount);
    let quote = flows::quote_cover(&mut m.t, &asked, &pools).await.unwrap();
    let mint = mint_info(&mut m.t, &m.mint).await.unwrap();
    let options = BuyOptions {
        cover_nonce: nonce,
        ..BuyOptions::default()
    };
    let purchase = flows::buy_cover_from_quote(
        &Program::CANONICAL,
        &m.buyer.pubkey(),
        &m.buyer_token,
        &mint,
        &quote,
        options,
    )
    .unwrap();
    let buyer = m.buyer.insecure_clone();
    let cranks = purchase.cranks.len();
    let mut ixs = purchase.cranks;
    ixs.push(purchase.buy);
    m.t.send_ok(&ixs, &[&buyer]).await;
    (quote.premium, purchase.cover, cranks)
}

#[tokio::test]
async fn a_quote_counts_the_cranks_its_purchase_sends() {
    let mut m = market(STAKE).await;
    // No line yet: the quote simulates the crank, so it prices and routes 2x the stake.
    let before = m.t.balance(&m.buyer_token).await;
    let (premium, cover, cranks) = buy_through_flows(&mut m, 2 * STAKE, 0).await;
    assert_eq!(cranks, 1);
    assert_eq!(before - m.t.balance(&m.buyer_token).await, premium);
    let state: Cover = m.t.load(&cover).await;
    assert_eq!(state.premium, premium);
    assert_eq!(state.allocations[0].ratio_bps, DEFAULT_CAPACITY_RATIO_BPS);
    assert_eq!(state.owner, m.buyer.pubkey());
    // The line is used up now: a second quote counts no crank and finds no capacity.
    let asked = request(&m, UNIT);
    let err = flows::quote_cover(&mut m.t, &asked, &[m.pool.keys.pool])
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ClientError::Quote(QuoteError::InsufficientCapacity {
            requested: UNIT,
            available: 0
        })
    );
    assert_eq!(
        err.to_string(),
        format!("cannot quote: not enough capacity: {UNIT} requested, 0 available")
    );
}

#[tokio::test]
async fn a_quote_in_another_mint_is_refused_before_sending() {
    let mut m = market(STAKE).await;
    let asked = request(&m, UNIT);
    let quote = flows::quote_cover(&mut m.t, &asked, &[m.pool.keys.pool])
        .await
        .unwrap();
    let other = MintInfo {
        address: m.t.create_mint(6, &spl_token::ID).await,
        decimals: 6,
        token_program: spl_token::ID,
    };
    let err = flows::buy_cover_from_quote(
        &Program::CANONICAL,
        &m.buyer.pubkey(),
        &m.buyer_token,
        &other,
        &quote,
        BuyOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ClientError::Program(format!(
            "the quote is in {}, not in {}",
            m.mint, other.address
        ))
    );
    // A pool on another mint is no candidate.
    let elsewhere = CoverRequest {
        mint: other.address,
        ..asked
    };
    let err = flows::quote_cover(&mut m.t, &elsewhere, &[m.pool.keys.pool])
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ClientError::Quote(QuoteError::InsufficientCapacity { available: 0, .. })
    ));
}

#[tokio::test]
async fn claims_are_filed_redeemed_and_paid_to_associated_accounts() {
    let mut m = market(STAKE).await;
    let (_, cover, _) = buy_through_flows(&mut m, 100_000 * UNIT, 0).await;
    let buyer = m.buyer.insecure_clone();
    m.t.next_slot().await;
    let incident = m.t.cover_start(&cover).await;
    let (claim, ix) = flows::file_claim(
        &mut m.t,
        &buyer.pubkey(),
        &cover,
        &m.buyer_token,
        claim_args(40_000 * UNIT, incident),
    )
    .await
    .unwrap();
    assert_eq!(claim, claim_pda(&cover, 0));
    m.t.send_ok(&[ix], &[&buyer]).await;
    let (voter, _) = m.t.assessor(UNIT).await;
    m.t.send_ok(&[vote(&voter.pubkey(), &claim, true)], &[&voter])
        .await;
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.voting_end + i64::from(DEFAULT_COOLDOWN) + 1)
        .await;
    // A third party redeems: the payout and the deposit go to the owner's associated token
    // account, created first at the caller's cost.
    let mint = mint_info(&mut m.t, &m.mint).await.unwrap();
    let owner_ata = mint.associated_account(&buyer.pubkey());
    let before = m.t.balance(&owner_ata).await;
    let caller = m.t.user().await;
    let ixs = flows::redeem(&mut m.t, &caller.pubkey(), &claim, None, None)
        .await
        .unwrap();
    assert_eq!(ixs.len(), 2, "one account creation, then the redemption");
    m.t.send_ok(&ixs, &[&caller]).await;
    assert_eq!(
        m.t.balance(&owner_ata).await - before,
        40_000 * UNIT + state.deposit
    );
    let paid: Claim = m.t.load(&claim).await;
    assert!(paid.paid);
    assert_eq!(paid.paid_amount, 40_000 * UNIT);
}

#[tokio::test]
async fn withdrawals_archive_the_tranche_once() {
    let mut m = market(STAKE).await;
    let staker = m.staker.insecure_clone();
    // A second position in the same tranche.
    m.t.mint_to(&m.mint, &m.staker_token, UNIT).await;
    let token = m.staker_token;
    m.t.deposit(&staker, &m.pool.keys, &token, 1, m.far, UNIT)
        .await;
    let end = bulwark::math::tranche::tranche_end(m.far).unwrap();
    m.t.warp_to_time(end).await;
    let archive_payer: Keypair = m.t.user().await;
    let owner = staker.pubkey();
    let (position, ixs) = flows::withdraw(
        &mut m.t,
        &archive_payer.pubkey(),
        &owner,
        &owner,
        &m.pool.keys,
        0,
        &token,
    )
    .await
    .unwrap();
    assert_eq!(position.tranche_id, m.far);
    assert_eq!(ixs.len(), 2, "archive_tranche, then withdraw_stake");
    m.t.send_ok(&ixs, &[&archive_payer, &staker]).await;
    assert_eq!(m.t.balance(&token).await, STAKE);
    // The archive exists now: the second withdrawal names its rent payer, who gets the rent
    // back with the tranche's last withdrawal.
    let (_, ixs) = flows::withdraw(&mut m.t, &owner, &owner, &owner, &m.pool.keys, 1, &token)
        .await
        .unwrap();
    assert_eq!(ixs.len(), 1);
    let rent_before = m.t.lamports(&archive_payer.pubkey()).await;
    m.t.send_ok(&ixs, &[&staker]).await;
    assert_eq!(m.t.balance(&token).await, STAKE + UNIT);
    assert!(m.t.lamports(&archive_payer.pubkey()).await > rent_before);
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.total_stake, 0);
}

#[tokio::test]
async fn line_cranks_return_what_expired_cover_no_longer_needs() {
    let mut m = market(STAKE).await;
    let (_, cover, _) = buy_through_flows(&mut m, 2 * STAKE, 0).await;
    let caller = m.t.payer().pubkey();
    let pools = [m.pool.keys.pool];
    // The line is in use: nothing to return.
    let none = flows::line_cranks(&mut m.t, &caller, &m.mint, &pools, 0)
        .await
        .unwrap();
    assert!(none.is_empty());
    let state: Cover = m.t.load(&cover).await;
    m.t.warp_to_time(state.claimable_until().unwrap()).await;
    let ix = flows::expire_cover(&mut m.t, &cover).await.unwrap();
    m.t.send_ok(&[ix], &[]).await;
    let cranks = flows::line_cranks(&mut m.t, &caller, &m.mint, &pools, 0)
        .await
        .unwrap();
    assert_eq!(cranks, vec![grant_leverage(&caller, &pools[0], &m.mint, 0)]);
    m.t.send_ok(&cranks, &[]).await;
    let capital: bulwark::state::CapitalPool = m.t.load(&capital_pool_pda(&m.mint)).await;
    assert_eq!(capital.lines, 0);
    assert!(flows::line_cranks(&mut m.t, &caller, &m.mint, &pools, 0)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_crank_that_frees_capital_is_sent_even_for_a_pool_not_routed() {
    // Pool A's stake sits in the next tranche only; pool B's in the farthest. The capital
    // (one stake's worth) carries one line: A takes it first.
    let mut m = market_with(0, STAKE, spl_token::ID).await;
    let a = m.pool.keys.pool;
    let staker = m.staker.insecure_clone();
    let token = m.staker_token;
    m.t.mint_to(&m.mint, &token, STAKE).await;
    let next = m.t.current_tranche().await + 1;
    m.t.deposit(&staker, &m.pool.keys, &token, 0, next, STAKE)
        .await;
    let b = m.more_pools(&[200], STAKE).await[0];
    m.grant(&[a]).await;
    let capital: bulwark::state::CapitalPool = m.t.load(&capital_pool_pda(&m.mint)).await;
    assert_eq!(capital.lines, STAKE);
    // A's tranche ends: A sells nothing and its lapsed line still holds all the capital until
    // a crank returns it. The route is B alone, at 2x on a line A's crank frees.
    let end = bulwark::math::tranche::tranche_end(next).unwrap();
    m.t.warp_to_time(end).await;
    let asked = request(&m, 2 * STAKE);
    let quote = flows::quote_cover(&mut m.t, &asked, &[a, b]).await.unwrap();
    assert_eq!(quote.pools(), vec![b]);
    assert_eq!(quote.cranks, vec![a, b]);
    let mint = mint_info(&mut m.t, &m.mint).await.unwrap();
    let purchase = flows::buy_cover_from_quote(
        &Program::CANONICAL,
        &m.buyer.pubkey(),
        &m.buyer_token,
        &mint,
        &quote,
        BuyOptions::default(),
    )
    .unwrap();
    let buyer = m.buyer.insecure_clone();
    let mut ixs = purchase.cranks;
    ixs.push(purchase.buy);
    m.t.send_ok(&ixs, &[&buyer]).await;
    let cover: Cover = m.t.load(&purchase.cover).await;
    assert_eq!(cover.premium, quote.premium);
    assert_eq!(cover.allocations[0].pool, b);
    assert_eq!(cover.allocations[0].ratio_bps, DEFAULT_CAPACITY_RATIO_BPS);
}
