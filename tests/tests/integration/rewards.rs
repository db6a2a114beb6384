//! Premium follows risk (SPEC §4.4, §5.13): a cover's stakers' share streams only to the
//! tranches that back it, pro rata to their stake, and is paid per share inside a tranche; the
//! pricing guards of a new listing and of a changed target.
//!
//! Expected amounts are computed here from the stream's definition, independently of the
//! program: a stream of `R` over `d` seconds has the rate `⌊R × 10^12 ÷ d⌋`; over a period in
//! which the backing stake `S` is constant, each unit of it earns `⌊rate × t ÷ S⌋` (the
//! program carries division remainders, so its steps add up to exactly this); a position of
//! `n` shares in a tranche whose price is `stake ÷ shares` earns
//! `⌊n × ⌊per stake × stake ÷ shares⌋ ÷ 10^12⌋`.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::SetPoolProductArgs;
use bulwark::math::buckets::{bucket_start, release_bucket};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Cover, Pool, PoolProduct};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The stream rate the program sets for `amount` over `duration` seconds.
fn stream_rate(amount: u64, duration: i64) -> u128 {
    u128::from(amount) * REWARD_SCALE / duration as u128
}

/// Tokens `shares` earn from `per_stake` at a tranche price of 1 (shares = stake).
fn earned(shares: u64, per_stake: u128) -> u64 {
    (u128::from(shares) * per_stake / REWARD_SCALE) as u64
}

/// The stream of the buyer's cover `nonce`: (stakers' share, start, end of the stream).
async fn stream_of(m: &mut Market, nonce: u64, stakers_share: u64) -> (u64, i64, i64) {
    let cover: Cover = m.t.load(&cover_pda(&m.buyer.pubkey(), nonce)).await;
    let end = bucket_start(release_bucket(cover.start + i64::from(cover.period)).unwrap()).unwrap();
    (stakers_share, cover.start, end)
}

async fn claim_rewards_of(m: &mut Market, who: &Keypair, token: &Pubkey) {
    let ix = claim_rewards(&who.pubkey(), &m.pool.keys, 0, token);
    m.t.send_ok(&[ix], &[who]).await;
}

async fn withdraw(m: &mut Market, who: &Keypair, token: &Pubkey, tranche_id: u64) {
    let payer = m.t.payer().pubkey();
    let now = m.t.now().await;
    m.t.warp_to_time(now.max(tranche_end(tranche_id).unwrap()))
        .await;
    let archive = archive_tranche(&payer, &m.pool.keys.pool, tranche_id);
    m.t.send_ok(&[archive], &[]).await;
    let ix = withdraw_stake(&who.pubkey(), &m.pool.keys, 0, tranche_id, &payer, token);
    m.t.send_ok(&[ix], &[who]).await;
}

/// The review's case, measured with `bulwark simulate` before this fix: two stakers of
/// 1,000,000, one in a tranche that cannot back a one-year cover, one in the farthest; one
/// cover of 1,000,000 for a year; a 50% loss. The short staker used to take 38.8% of the
/// stakers' premium and lose nothing.
#[tokio::test]
async fn only_the_tranches_that_back_a_cover_earn_its_premium() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(0).await;
    let current = m.t.current_tranche().await;
    let short_tranche = current + 3;
    let (short, short_token) = m.t.funded_user(&m.mint, stake).await;
    m.t.deposit(&short, &m.pool.keys, &short_token, 0, short_tranche, stake)
        .await;
    let backer = m.staker.insecure_clone();
    let backer_token = m.staker_token;
    m.t.mint_to(&m.mint, &backer_token, stake - 1).await;
    m.t.deposit(&backer, &m.pool.keys, &backer_token, 0, m.far, stake)
        .await;

    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, stake, YEAR)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    // End + grace + the settlement window, rounded to a bucket, is past tranche current + 4.
    assert_eq!(cover.first_tranche, current + 5);
    assert!(tranche_end(short_tranche).unwrap() < cover.backing_until);
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let (share, start, end) = stream_of(&mut m, 1, pool.rewards_reserved).await;
    let per_stake = stream_rate(share, end - start) * (end - start) as u128 / u128::from(stake);
    let backer_reward = earned(stake, per_stake);
    assert!(share - backer_reward <= 2, "all but rounding dust");

    // While the stream runs the short staker has nothing to claim.
    m.t.warp_days(30).await;
    let ix = claim_rewards(&short.pubkey(), &m.pool.keys, 0, &short_token);
    m.t.send_err(ix, &[&short], BulwarkError::NothingToClaim)
        .await;

    // After the stream, a claim for half the cover is paid: only the backing tranche loses.
    m.t.warp_to_time(end + DAY).await;
    m.pay_claim(1, stake / 2).await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.slot(m.far).unwrap().stake, stake / 2);
    assert_eq!(pool.slot(short_tranche).unwrap().stake, stake);

    claim_rewards_of(&mut m, &backer, &backer_token).await;
    assert_eq!(m.t.balance(&backer_token).await, backer_reward);
    let ix = claim_rewards(&short.pubkey(), &m.pool.keys, 0, &short_token);
    m.t.send_err(ix, &[&short], BulwarkError::TrancheEnded)
        .await;

    withdraw(&mut m, &short, &short_token, short_tranche).await;
    assert_eq!(m.t.balance(&short_token).await, stake, "exactly its stake");
    let far = m.far;
    withdraw(&mut m, &backer, &backer_token, far).await;
    assert_eq!(
        m.t.balance(&backer_token).await,
        backer_reward + stake / 2,
        "its rewards and what the loss left"
    );
}

/// A staker joining another backing tranche mid-stream earns from then on only, at the same
/// rate per unit of stake as the tranche that backed the cover alone until then.
#[tokio::test]
async fn a_staker_joining_a_backing_tranche_mid_stream_earns_only_from_then_on() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 400_000 * UNIT, YEAR)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    let joined_tranche = m.far - 2;
    assert!(joined_tranche >= cover.first_tranche, "it backs the cover");
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let (share, start, end) = stream_of(&mut m, 1, pool.rewards_reserved).await;
    let rate = stream_rate(share, end - start);

    m.t.warp_days(10).await;
    let (late, late_token) = m.t.funded_user(&m.mint, stake).await;
    m.t.deposit(&late, &m.pool.keys, &late_token, 0, joined_tranche, stake)
        .await;
    let joined_at = m.t.now().await;
    m.t.warp_days(20).await;
    let now = m.t.now().await;

    let solo = rate * (joined_at - start) as u128;
    let alone = solo / u128::from(stake);
    let shared =
        (rate * (now - joined_at) as u128 + solo % u128::from(stake)) / u128::from(2 * stake);
    claim_rewards_of(&mut m, &late, &late_token).await;
    assert_eq!(m.t.balance(&late_token).await, earned(stake, shared));
    let first = m.staker.insecure_clone();
    let first_token = m.staker_token;
    claim_rewards_of(&mut m, &first, &first_token).await;
    assert_eq!(
        m.t.balance(&first_token).await,
        earned(stake, alone + shared)
    );
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let rates = pool.tranche_stream_rates().unwrap();
    let slot_rate = |id: u64| rates[(id % 8) as usize];
    assert_eq!(slot_rate(m.far), rate / 2);
    assert_eq!(slot_rate(joined_tranche), rate / 2);
}

/// A tranche a payout burnt to zero earns nothing after it: the stream of the cover it
/// backed alone has no staker left to pay and goes to the capital pool, which carries what is
/// left of that cover alone.
#[tokio::test]
async fn a_wiped_tranche_earns_nothing_after_the_payout() {
    let stake = 10_000 * UNIT;
    let mut m = market(stake).await;
    m.buy(m.cover_of(1, 2 * stake, YEAR)).await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let (share, start, end) = stream_of(&mut m, 1, pool.rewards_reserved).await;
    let rate = stream_rate(share, end - start);
    m.t.warp_days(10).await;
    m.pay_claim(1, 2 * stake).await;
    let paid_at = m.t.now().await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.slot(m.far).unwrap().stake, 0);
    let before_payout = rate * (paid_at - start) as u128;
    let staker_reward = earned(stake, before_payout / u128::from(stake));

    let staker = m.staker.insecure_clone();
    let token = m.staker_token;
    claim_rewards_of(&mut m, &staker, &token).await;
    assert_eq!(m.t.balance(&token).await, staker_reward);

    m.t.warp_days(20).await;
    let ix = claim_rewards(&staker.pubkey(), &m.pool.keys, 0, &token);
    m.t.send_err(ix, &[&staker], BulwarkError::NothingToClaim)
        .await;
    // The orphaned stream since the payout (with what the last division left) is booked to
    // the capital pool as the pool rolls forward.
    let capital_before = pool.capital_accrued;
    m.t.send_ok(
        &[refresh_pool_product(&m.pool.keys.pool, m.product_id)],
        &[],
    )
    .await;
    let now = m.t.now().await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let orphaned =
        (rate * (now - paid_at) as u128 + before_payout % u128::from(stake)) / REWARD_SCALE;
    assert_eq!(pool.capital_accrued - capital_before, orphaned as u64);
    assert_eq!(
        m.t.balance(&m.pool.keys.vault).await,
        pool.liabilities().unwrap()
    );
}

async fn set_target(m: &mut Market, pool: &Pubkey, weight: u16, price: u16) {
    let manager = m.pool.manager.insecure_clone();
    let ix = set_pool_product(
        &manager.pubkey(),
        pool,
        SetPoolProductArgs {
            product_id: m.product_id,
            target_weight: weight,
            target_price_bps: price,
        },
    );
    m.t.send_ok(&[ix], &[&manager]).await;
}

async fn premium_paid(m: &mut Market, nonce: u64, pool: Pubkey) -> u64 {
    let before = m.t.balance(&m.buyer_token).await;
    let ix = m.buy_ix(m.cover_of(nonce, 10_000 * UNIT, YEAR), &[pool]);
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(&[ix], &[&buyer]).await;
    before - m.t.balance(&m.buyer_token).await
}

/// Nexus Mutual's pricing guards: a new listing starts from the product's initial price and
/// decays to the target at 2% a day; a lowered target is reached by the same decay from the
/// price at the change; a raised target applies at once; a weight change alone touches no
/// price; a listing back from weight 0 starts again from the initial price.
#[tokio::test]
async fn new_listings_and_lowered_targets_decay_raised_targets_apply_at_once() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let authority = m.t.authority.insecure_clone();
    let terms = bulwark::state::ProductTerms {
        initial_price_bps: 1_000,
        ..default_terms()
    };
    m.t.send_ok(
        &[update_product(&authority.pubkey(), m.product_id, terms)],
        &[&authority],
    )
    .await;
    // A listing made before keeps its price; a new one starts at 10%.
    let listed = m.more_pools(&[250], stake).await[0];
    let pp: PoolProduct = m.t.load_zc(&pool_product_pda(&listed, m.product_id)).await;
    assert_eq!(
        (pp.bumped_price_bps, pp.bumped_price_updated_at),
        (1_000, m.t.now().await)
    );
    m.t.warp_days(1).await;
    let paid = premium_paid(&mut m, 1, listed).await;
    assert_eq!(paid, reference_premium(10_000 * UNIT, 800, YEAR));

    // The market's own pool sells at its 2.5% target; lowered to 1%, it starts from 2.5%.
    let pool = m.pool.keys.pool;
    set_target(&mut m, &pool, 100, 100).await;
    let pp: PoolProduct = m.t.load_zc(&pool_product_pda(&pool, m.product_id)).await;
    assert_eq!(pp.bumped_price_bps, 250);
    let now = m.t.now().await;
    m.t.warp_to_time(now + DAY / 2).await;
    let paid = premium_paid(&mut m, 2, pool).await;
    assert_eq!(paid, reference_premium(10_000 * UNIT, 150, YEAR));

    // Raised to 6%, the next purchase pays 6% at once.
    set_target(&mut m, &pool, 100, 600).await;
    let paid = premium_paid(&mut m, 3, pool).await;
    assert_eq!(paid, reference_premium(10_000 * UNIT, 600, YEAR));

    // A weight change alone leaves the price and its decay clock as they were, so repeating
    // it cannot hold a decaying price up.
    let before: PoolProduct = m.t.load_zc(&pool_product_pda(&pool, m.product_id)).await;
    m.t.warp_days(1).await;
    set_target(&mut m, &pool, 50, 600).await;
    let after: PoolProduct = m.t.load_zc(&pool_product_pda(&pool, m.product_id)).await;
    assert_eq!(
        (after.bumped_price_bps, after.bumped_price_updated_at),
        (before.bumped_price_bps, before.bumped_price_updated_at)
    );

    // Back from weight 0, the listing sells again from the product's initial price: parking
    // a listing at weight 0 while its price decays does not undercut the market.
    set_target(&mut m, &pool, 0, 100).await;
    m.t.warp_days(10).await;
    set_target(&mut m, &pool, 100, 100).await;
    let pp: PoolProduct = m.t.load_zc(&pool_product_pda(&pool, m.product_id)).await;
    assert_eq!(pp.bumped_price_bps, 1_000);
    let paid = premium_paid(&mut m, 4, pool).await;
    assert_eq!(paid, reference_premium(10_000 * UNIT, 1_000, YEAR));
}

/// The cost of catching a pool up: stake in all eight tranches, streams in as many cover
/// classes as periods from 28 days to a year reach, then nothing touches the pool for 1, 13
/// or 32 buckets (the last past every stream's and every tranche's end) before a refresh
/// rolls it forward. Measured on the SBF build for `benches/compute-units.md`.
#[tokio::test]
async fn rolling_a_stale_pool_forward_is_bounded() {
    let periods = [28u32, 91, 150, 210, 280, 365];
    for stale_buckets in [1i64, 13, 32] {
        let stake = 1_000_000 * UNIT;
        let mut m = market(0).await;
        let current = m.t.current_tranche().await;
        let staker = m.staker.insecure_clone();
        let token = m.staker_token;
        m.t.mint_to(&m.mint, &token, 8 * stake).await;
        for k in 0..8 {
            m.t.deposit(&staker, &m.pool.keys, &token, k, current + k, stake)
                .await;
        }
        let owner = m.buyer.pubkey();
        for (nonce, days) in periods.iter().enumerate() {
            m.buy(cover_args(
                nonce as u64,
                owner,
                m.product_id,
                vec![10_000 * UNIT],
                days * DAY as u32,
            ))
            .await;
        }
        let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
        let classes = pool.streams.iter().filter(|s| s.rate.get() > 0).count();
        assert_eq!(
            classes, 5,
            "periods from 28 days to a year reach five classes"
        );
        let now = m.t.now().await;
        m.t.warp_to_time(now + stale_buckets * 28 * DAY).await;
        let outcome =
            m.t.send_ok(
                &[refresh_pool_product(&m.pool.keys.pool, m.product_id)],
                &[],
            )
            .await;
        record_compute_units(
            &format!("refresh_pool_product ({stale_buckets} stale buckets, {classes} classes)"),
            &outcome,
        );
        let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
        assert_eq!(pool.is_streaming(), stale_buckets < 14);
        assert_eq!(
            m.t.balance(&m.pool.keys.vault).await,
            pool.liabilities().unwrap()
        );
    }
}

/// A class's ring slot serves the class eight tranches later once the first has stopped
/// streaming: the old class's staker is paid all of its cover's stream, the new class starts
/// from nothing (no rate, remainder or expiry left over).
#[tokio::test]
async fn a_stream_slot_is_reused_by_the_class_eight_tranches_later() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let current = m.t.current_tranche().await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 200_000 * UNIT, YEAR)).await;
    let first: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let (share, start, end) = stream_of(&mut m, 1, pool.rewards_reserved).await;
    let old_reward = earned(
        stake,
        stream_rate(share, end - start) * (end - start) as u128 / u128::from(stake),
    );

    // Eight tranches later the old staker is paid its cover's whole stream with its stake
    // (its tranche's ring slot is archived for the next), and the same cover sold again lands
    // in the same stream slot.
    m.t.warp_to_tranche(current + 8, 10 * DAY).await;
    let old = m.staker.insecure_clone();
    let old_token = m.staker_token;
    let old_far = m.far;
    withdraw(&mut m, &old, &old_token, old_far).await;
    assert_eq!(m.t.balance(&old_token).await, stake + old_reward);
    let far = current + 15;
    let (late, late_token) = m.t.funded_user(&m.mint, stake).await;
    m.t.deposit(&late, &m.pool.keys, &late_token, 0, far, stake)
        .await;
    let reserved_before = {
        let mut pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
        pool.roll_forward(m.t.now().await).unwrap();
        pool.rewards_reserved
    };
    m.buy(m.cover_of(2, 200_000 * UNIT, YEAR)).await;
    let second: Cover = m.t.load(&cover_pda(&owner, 2)).await;
    assert_eq!(second.first_tranche, first.first_tranche + 8);
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let slot = (first.first_tranche % 8) as usize;
    let stream = &pool.streams[slot];
    let (share2, start2, end2) =
        stream_of(&mut m, 2, pool.rewards_reserved - reserved_before).await;
    let rate2 = stream_rate(share2, end2 - start2);
    assert_eq!(
        (stream.first_tranche, stream.rate.get(), stream.remainder),
        (second.first_tranche, rate2, 0)
    );
    let pending: u128 = stream.expiring.iter().map(|e| e.get()).sum();
    assert_eq!(pending, rate2, "only the new stream's expiry is pending");

    // The new staker earns only from the new stream.
    m.t.warp_days(10).await;
    claim_rewards_of(&mut m, &late, &late_token).await;
    let per_stake = rate2 * (10 * DAY) as u128 / u128::from(stake);
    assert_eq!(m.t.balance(&late_token).await, earned(stake, per_stake));
}
