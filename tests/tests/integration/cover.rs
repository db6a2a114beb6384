//! buy_cover, transfer_cover, expire_cover, claim_rewards, claim_manager_fees, sweep_fees,
//! and the quote of the SDK.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::AnchorDeserialize;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::BuyCoverArgs;
use bulwark::math::buckets::{bucket_start, release_bucket};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Config, Cover, Pool, PoolProduct, Product, ProtocolParams};
use bulwark_sdk::client::mint_info;
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::{quote, CoverRequest, PoolState};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn buy_cover_records_the_cover_and_splits_the_premium() {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    let amount = 100_000 * UNIT;
    let vault_before = m.t.balance(&m.pool.keys.vault).await;
    let outcome = m.buy(m.cover_of(1, amount, YEAR)).await;
    record_compute_units("buy_cover (1 pool)", &outcome);
    let now = m.t.now().await;

    let premium = reference_premium(amount, 250, YEAR);
    assert_eq!(premium, 2_500 * UNIT);
    assert_eq!(
        m.t.balance(&m.buyer_token).await,
        100_000_000 * UNIT - premium
    );
    assert_eq!(
        m.t.balance(&m.pool.keys.vault).await,
        vault_before + premium
    );

    let cover_key = cover_pda(&m.buyer.pubkey(), 1);
    let cover: Cover = m.t.load(&cover_key).await;
    assert_eq!(cover.owner, owner);
    assert_eq!(cover.rent_payer, m.buyer.pubkey());
    assert_eq!((cover.amount, cover.remaining), (amount, amount));
    assert_eq!((cover.start, cover.period), (now, YEAR));
    assert_eq!(cover.grace_period, 35 * DAY as u32);
    assert_eq!(cover.premium, premium);
    assert_eq!(cover.pool_count, 1);
    assert_eq!(cover.allocations[0].pool, m.pool.keys.pool);
    assert_eq!(cover.allocations[0].amount, amount);
    // The first backing tranche is the first one that ends once the allocation is released.
    let release_at = bucket_start(cover.release_bucket).unwrap();
    assert!(tranche_end(cover.first_tranche).unwrap() >= release_at);
    assert!(tranche_end(cover.first_tranche - 1).unwrap() < release_at);
    // The whole amount sits in the only tranche with stake (the far one).
    let offset = (m.far - cover.first_tranche) as usize;
    assert_eq!(cover.allocations[0].tranche_amounts[offset], amount);
    // Backing lasts until end + grace + voting + the silent-ending cap + cooldown + redemption.
    let d = ProtocolParams::default();
    let settlement =
        i64::from(d.voting_period + d.silent_ending_cap + d.cooldown + d.redemption_window);
    assert_eq!(
        cover.backing_until,
        now + i64::from(YEAR) + 35 * DAY + settlement
    );
    assert_eq!(
        cover.release_bucket,
        release_bucket(cover.backing_until).unwrap()
    );

    // Premium split: 50% stakers (10% of it to the manager), 10% assessors, 5% treasury (the
    // protocol fee), 35% the capital pool.
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.manager_fees, premium / 2 / 10);
    assert_eq!(pool.rewards_reserved, premium / 2 - premium / 20);
    assert_eq!(pool.assessment_accrued, premium / 10);
    assert_eq!(pool.treasury_accrued, premium / 20);
    assert_eq!(pool.capital_accrued, premium * 7 / 20);
    // Half of it sold on the leverage line: 100,000 of cover on 50,000 of stake.
    assert_eq!(
        (pool.line.used, pool.line.available),
        (amount / 2, 1_000_000 * UNIT - amount / 2)
    );
    assert_eq!(
        pool.liabilities().unwrap(),
        1_000_000 * UNIT + premium,
        "every unit of premium is owed to someone"
    );
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    // Allocations are kept as the stake they occupy: amount ÷ the 2x ratio.
    assert_eq!(pp.allocation_in(m.far), amount / 2);
    // Bought 100k of 2M capacity: the price bumps by 5% × 1/20 = 25 bps.
    assert_eq!(pp.bumped_price_bps, 275);
    assert_eq!(pp.bumped_price_updated_at, now);

    if let Some(data) = &outcome.return_data {
        assert_eq!(Pubkey::try_from_slice(data).unwrap(), cover_key);
    }
    if sbf_mode() {
        let events = outcome.events_of::<CoverBought>();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].cover, cover_key);
        assert_eq!(events[0].premium, premium);
        let cover: Cover = m.t.load(&cover_key).await;
        assert_eq!(events[0].first_tranche, cover.first_tranche);
        assert_eq!(events[0].pools[0].price_bps, 250);
        assert_eq!(events[0].pools[0].new_bumped_price_bps, 275);
    }
}

#[tokio::test]
async fn capacity_is_sold_exactly_and_not_one_unit_more() {
    let stake = 500_000 * UNIT;
    let mut m = market(stake).await;
    let capacity = 2 * stake;
    m.buy_err(
        m.cover_of(1, capacity + 1, YEAR),
        BulwarkError::InsufficientCapacity,
    )
    .await;
    m.buy(m.cover_of(1, capacity, YEAR)).await;
    m.buy_err(m.cover_of(2, 1, YEAR), BulwarkError::InsufficientCapacity)
        .await;
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    // All of the tranche's stake is occupied.
    assert_eq!(pp.allocation_in(m.far), capacity / 2);
    // The full purchase bumped the price by the full 5%.
    assert_eq!(pp.bumped_price_bps, 750);
}

#[tokio::test]
async fn stake_that_unlocks_before_the_cover_is_settled_adds_no_capacity() {
    let mut m = market(0).await;
    let owner = m.buyer.pubkey();
    let current = m.t.current_tranche().await;
    let (early, early_token) = m.t.funded_user(&m.mint, 1_000_000 * UNIT).await;
    // Stake in the current tranche and the next three: all end before a 365-day cover plus
    // grace and claim settlement (435 days).
    for (i, tranche) in (current..current + 4).enumerate() {
        m.t.deposit(
            &early,
            &m.pool.keys,
            &early_token,
            i as u64,
            tranche,
            100_000 * UNIT,
        )
        .await;
    }
    m.buy_err(m.cover_of(1, 1, YEAR), BulwarkError::InsufficientCapacity)
        .await;
    // A 28-day cover ends soon enough for the later of those tranches to back it.
    let short = 28 * DAY as u32;
    m.buy(m.cover_of(1, UNIT, short)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    assert!(cover.first_tranche > current);
}

#[tokio::test]
async fn premiums_match_the_reference_over_many_purchases() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    let capacity = 2 * stake;
    // (amount, period in days, days to wait before buying)
    let cases: [(u64, u32, i64); 8] = [
        (123_456_789, 365, 0),
        (50_000 * UNIT, 28, 0),
        (7, 90, 1),
        (200_000 * UNIT, 180, 0),
        (1, 28, 3),
        (99_999 * UNIT + 1, 365, 0),
        (10 * UNIT, 200, 10),
        (300_000 * UNIT, 45, 0),
    ];
    let mut bumped = 250u64;
    let mut bumped_at = m.t.now().await;
    let mut allocated = 0u64;
    for (nonce, (amount, days, wait)) in cases.into_iter().enumerate() {
        m.t.warp_days(wait).await;
        let now = m.t.now().await;
        let period = days * DAY as u32;
        let price = reference_price(250, bumped, now - bumped_at, 100);
        let expected = reference_premium(amount, price, period);
        let before = m.t.balance(&m.buyer_token).await;
        m.buy(cover_args(
            nonce as u64,
            owner,
            m.product_id,
            vec![amount],
            period,
        ))
        .await;
        let paid = before - m.t.balance(&m.buyer_token).await;
        assert_eq!(paid, expected, "case {nonce}: premium");
        // Never in the buyer's favour: the premium covers the exact price.
        assert!(
            u128::from(paid) * 10_000 * 365 * 86_400
                >= u128::from(amount) * u128::from(price) * u128::from(period)
        );
        bumped = reference_bump(price, amount, capacity);
        bumped_at = now;
        // Each purchase occupies its amount ÷ 2, rounded up (against the buyer).
        allocated += amount.div_ceil(2);
        let pp: PoolProduct =
            m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
                .await;
        assert_eq!(u64::from(pp.bumped_price_bps), bumped, "case {nonce}: bump");
    }
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    assert_eq!(pp.allocation_in(m.far), allocated);
}

#[tokio::test]
async fn price_never_goes_below_the_product_minimum_and_fixed_prices_do_not_bump() {
    let mut m = market(1_000_000 * UNIT).await;
    let authority = m.t.authority.insecure_clone();
    // Raise the product minimum above the pool's target price.
    let terms = bulwark::state::ProductTerms {
        min_price_bps: 400,
        initial_price_bps: 400,
        fixed_price: true,
        ..default_terms()
    };
    m.t.send_ok(
        &[update_product(&authority.pubkey(), m.product_id, terms)],
        &[&authority],
    )
    .await;
    for nonce in 0..2 {
        let before = m.t.balance(&m.buyer_token).await;
        m.buy(m.cover_of(nonce, 500_000 * UNIT, YEAR)).await;
        let paid = before - m.t.balance(&m.buyer_token).await;
        assert_eq!(paid, reference_premium(500_000 * UNIT, 400, YEAR));
    }
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    assert_eq!(
        pp.bumped_price_bps,
        default_terms().initial_price_bps,
        "fixed-price products never bump"
    );
}

/// Reward for `weight` out of `total_weight` over `elapsed` seconds of a stream of `amount`
/// over `duration` seconds, as the program rounds it.
fn streamed(amount: u64, duration: i64, elapsed: i64, weight: u64, total_weight: u64) -> u64 {
    let rate = u128::from(amount) * REWARD_SCALE / duration as u128;
    let acc = rate * elapsed as u128 / u128::from(total_weight);
    (u128::from(weight) * acc / REWARD_SCALE) as u64
}

#[tokio::test]
async fn rewards_stream_linearly_and_late_stakers_do_not_earn_earlier_premium() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 400_000 * UNIT, YEAR)).await;
    let bought_at = m.t.now().await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let stream = pool.rewards_reserved;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    let stream_end =
        bucket_start(release_bucket(cover.start + i64::from(cover.period)).unwrap()).unwrap();
    let duration = stream_end - bought_at;

    // Ten days later a second staker joins with the same stake.
    m.t.warp_days(10).await;
    let (late, late_token) = m.t.funded_user(&m.mint, stake).await;
    m.t.deposit(&late, &m.pool.keys, &late_token, 0, m.far, stake)
        .await;
    let joined_at = m.t.now().await;

    // The first staker's ten days alone.
    let first = m.staker.insecure_clone();
    let first_token = m.staker_token;
    let outcome =
        m.t.send_ok(
            &[claim_rewards(
                &first.pubkey(),
                &m.pool.keys,
                0,
                &first_token,
            )],
            &[&first],
        )
        .await;
    record_compute_units("claim_rewards", &outcome);
    let alone = streamed(stream, duration, joined_at - bought_at, stake, stake);
    assert_eq!(m.t.balance(&first_token).await, alone);
    assert!(alone > 0);

    // Twenty more days: both earn the same, the late staker nothing from before it joined.
    m.t.warp_days(20).await;
    let now = m.t.now().await;
    m.t.send_ok(
        &[claim_rewards(&late.pubkey(), &m.pool.keys, 0, &late_token)],
        &[&late],
    )
    .await;
    m.t.send_ok(
        &[claim_rewards(
            &first.pubkey(),
            &m.pool.keys,
            0,
            &first_token,
        )],
        &[&first],
    )
    .await;
    // The accumulator's growth while both staked; what the solo period's division left over
    // is carried into it (`Pool::reward_remainder`).
    let rate = u128::from(stream) * REWARD_SCALE / duration as u128;
    let solo = rate * (joined_at - bought_at) as u128;
    let acc_first = solo / u128::from(stake);
    let acc_shared =
        (rate * (now - joined_at) as u128 + solo % u128::from(stake)) / u128::from(2 * stake);
    let shared = (u128::from(stake) * acc_shared / REWARD_SCALE) as u64;
    assert_eq!(m.t.balance(&late_token).await, shared);
    // The first staker's two claims: its solo period plus the shared period (its checkpoint
    // after the first claim sits at the accumulator of `joined_at`).
    let first_total = (u128::from(stake) * (acc_first + acc_shared) / REWARD_SCALE) as u64
        - (u128::from(stake) * acc_first / REWARD_SCALE) as u64
        + alone;
    assert_eq!(m.t.balance(&first_token).await, first_total);
    // Linear: twenty days at half the weight pay what ten days alone paid (±1 of rounding).
    let late_paid = m.t.balance(&late_token).await;
    assert!(
        late_paid.abs_diff(alone) <= 1,
        "20 days at half weight = 10 days alone"
    );

    // Σ paid never exceeds what has been streamed so far.
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let paid = m.t.balance(&first_token).await + late_paid;
    assert_eq!(pool.rewards_reserved, stream - paid);
    let streamed_so_far = u128::from(stream) * (now - bought_at) as u128 / duration as u128;
    assert!(u128::from(paid) <= streamed_so_far);

    // Nothing more to claim in the same second.
    m.t.send_err(
        claim_rewards(&late.pubkey(), &m.pool.keys, 0, &late_token),
        &[&late],
        BulwarkError::NothingToClaim,
    )
    .await;
}

#[tokio::test]
async fn manager_fees_and_protocol_shares_are_paid_exactly() {
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(1, 100_000 * UNIT, YEAR)).await;
    let premium = reference_premium(100_000 * UNIT, 250, YEAR);

    let manager = m.pool.manager.insecure_clone();
    let manager_token = m.t.create_token_account(&manager.pubkey(), &m.mint).await;
    let outcome =
        m.t.send_ok(
            &[claim_manager_fees(
                &manager.pubkey(),
                &m.pool.keys,
                &manager_token,
            )],
            &[&manager],
        )
        .await;
    record_compute_units("claim_manager_fees", &outcome);
    assert_eq!(m.t.balance(&manager_token).await, premium / 2 / 10);
    m.t.send_err(
        claim_manager_fees(&manager.pubkey(), &m.pool.keys, &manager_token),
        &[&manager],
        BulwarkError::NothingToClaim,
    )
    .await;
    let intruder = m.t.user().await;
    let intruder_token = m.t.create_token_account(&intruder.pubkey(), &m.mint).await;
    m.t.send_err(
        claim_manager_fees(&intruder.pubkey(), &m.pool.keys, &intruder_token),
        &[&intruder],
        BulwarkError::NotPoolManager,
    )
    .await;

    let treasury = m.t.treasury;
    let treasury_token = m.t.create_token_account(&treasury, &m.mint).await;
    let payer = m.t.payer().pubkey();
    let outcome =
        m.t.send_ok(&[sweep_fees(&payer, &m.pool.keys, &treasury_token)], &[])
            .await;
    record_compute_units("sweep_fees", &outcome);
    assert_eq!(m.t.balance(&treasury_token).await, premium / 20);
    // The assessment share stays in the pool, for the rewards of its claims' assessors.
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.assessment_accrued, premium / 10);
    // The capital pool's share raised its members' capital.
    let capital: bulwark::state::CapitalPool = m.t.load(&capital_pool_pda(&m.mint)).await;
    assert_eq!(
        (capital.capital, capital.premiums_received),
        (4_000_000 * UNIT + premium * 7 / 20, premium * 7 / 20)
    );
    assert_eq!(
        m.t.balance(&capital_vault_pda(&m.mint)).await,
        capital.capital
    );
    // A token account not owned by the treasury is refused.
    let (_, other_token) = m.t.funded_user(&m.mint, 0).await;
    m.t.send_err(
        sweep_fees(&payer, &m.pool.keys, &other_token),
        &[],
        BulwarkError::WrongTreasuryAccount,
    )
    .await;
    m.t.send_err(
        sweep_fees(&payer, &m.pool.keys, &treasury_token),
        &[],
        BulwarkError::NothingToClaim,
    )
    .await;
    // What remains in the vault is exactly the stake, the stakers' rewards and the assessment
    // share.
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(
        m.t.balance(&m.pool.keys.vault).await,
        pool.total_stake + pool.rewards_reserved + pool.assessment_accrued
    );
}

#[tokio::test]
async fn capacity_returns_at_the_release_bucket_without_any_call() {
    let stake = 500_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    let period = 28 * DAY as u32;
    m.buy(m.cover_of(1, 2 * stake, period)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    let release_at = bucket_start(cover.release_bucket).unwrap();
    assert!(release_at >= cover.backing_until);

    // One second before the release bucket: still sold out.
    m.t.warp_to_time(release_at - 1).await;
    m.buy_err(m.cover_of(2, 1, period), BulwarkError::InsufficientCapacity)
        .await;
    // At the bucket boundary the whole capacity is back, with nothing called in between.
    m.t.warp_to_time(release_at).await;
    m.buy(m.cover_of(3, 2 * stake, period)).await;

    // Expiring the old cover afterwards is harmless: the capacity stays sold to the new one,
    // and the rent goes back to the payer.
    let rent = m.t.lamports(&cover_pda(&owner, 1)).await;
    let before = m.t.lamports(&owner).await;
    let payer = m.buyer.pubkey();
    let outcome =
        m.t.send_ok(
            &[expire_cover(
                &cover_pda(&owner, 1),
                &payer,
                m.product_id,
                &[m.pool.keys.pool],
            )],
            &[],
        )
        .await;
    record_compute_units("expire_cover (after its bucket)", &outcome);
    assert!(!m.t.exists(&cover_pda(&owner, 1)).await);
    assert_eq!(m.t.lamports(&owner).await, before + rent);
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    assert_eq!(pp.allocation_in(m.far), stake);
    if sbf_mode() {
        assert_eq!(outcome.events_of::<CoverExpired>()[0].released, 0);
    }
}

#[tokio::test]
async fn expire_cover_releases_capacity_early_once_claims_are_impossible() {
    let stake = 500_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    let period = 28 * DAY as u32;
    m.buy(m.cover_of(1, 2 * stake, period)).await;
    let cover_key = cover_pda(&owner, 1);
    let cover: Cover = m.t.load(&cover_key).await;
    let payer = m.buyer.pubkey();
    let expire = expire_cover(&cover_key, &payer, m.product_id, &[m.pool.keys.pool]);

    m.t.warp_to_time(cover.claimable_until().unwrap() - 1).await;
    m.t.send_err(expire.clone(), &[], BulwarkError::CoverNotExpired)
        .await;
    m.t.warp_to_time(cover.claimable_until().unwrap()).await;
    // Wrong pool-product accounts are refused.
    let other = t_other_product(&mut m).await;
    let wrong = expire_cover(&cover_key, &payer, other, &[m.pool.keys.pool]);
    m.t.send_err(wrong, &[], BulwarkError::WrongRemainingAccounts)
        .await;
    let mut missing = expire.clone();
    missing.accounts.pop();
    m.t.send_err(missing, &[], BulwarkError::WrongRemainingAccounts)
        .await;
    let mut rent_thief = expire.clone();
    rent_thief.accounts[2].pubkey = m.staker.pubkey();
    m.t.send_err(rent_thief, &[], BulwarkError::WrongRentPayer)
        .await;

    let outcome = m.t.send_ok(&[expire], &[]).await;
    record_compute_units("expire_cover (early release, 1 pool)", &outcome);
    let pp: PoolProduct =
        m.t.load_zc(&pool_product_pda(&m.pool.keys.pool, m.product_id))
            .await;
    assert_eq!(pp.allocation_in(m.far), 0);
    pp.invariant().unwrap();
    if sbf_mode() {
        assert_eq!(outcome.events_of::<CoverExpired>()[0].released, 2 * stake);
    }
    // Capacity is available right away, weeks before the bucket would have released it.
    assert!(m.t.now().await < bucket_start(cover.release_bucket).unwrap());
    m.buy(m.cover_of(2, 2 * stake, period)).await;
}

async fn t_other_product(m: &mut Market) -> u64 {
    let id = m.t.create_default_product().await;
    m.t.add_product(&m.pool, id, 50, 250).await;
    id
}

#[tokio::test]
async fn a_payer_buys_for_another_owner_who_may_transfer_the_cover() {
    let mut m = market(1_000_000 * UNIT).await;
    // The owner need not sign (a protocol buying for its user through CPI does the same).
    let user = Keypair::new();
    m.buy(cover_args(
        9,
        user.pubkey(),
        m.product_id,
        vec![1_000 * UNIT],
        YEAR,
    ))
    .await;
    let cover_key = cover_pda(&m.buyer.pubkey(), 9);
    let cover: Cover = m.t.load(&cover_key).await;
    assert_eq!(cover.owner, user.pubkey());
    assert_eq!(cover.rent_payer, m.buyer.pubkey());

    // The payer has no rights over the cover.
    let buyer = m.buyer.insecure_clone();
    m.t.send_err(
        transfer_cover(&buyer.pubkey(), &cover_key, &buyer.pubkey()),
        &[&buyer],
        BulwarkError::NotCoverOwner,
    )
    .await;
    m.t.fund(&user.pubkey(), 1_000_000_000).await;
    let new_owner = Pubkey::new_unique();
    m.t.send_err(
        transfer_cover(&user.pubkey(), &cover_key, &Pubkey::default()),
        &[&user],
        BulwarkError::InvalidCoverOwner,
    )
    .await;
    let outcome =
        m.t.send_ok(
            &[transfer_cover(&user.pubkey(), &cover_key, &new_owner)],
            &[&user],
        )
        .await;
    record_compute_units("transfer_cover", &outcome);
    let cover: Cover = m.t.load(&cover_key).await;
    assert_eq!(cover.owner, new_owner);
    if sbf_mode() {
        let events = outcome.events_of::<CoverTransferred>();
        assert_eq!(
            (events[0].old_owner, events[0].new_owner),
            (user.pubkey(), new_owner)
        );
    }
    // The old owner cannot move it any more.
    m.t.send_err(
        transfer_cover(&user.pubkey(), &cover_key, &user.pubkey()),
        &[&user],
        BulwarkError::NotCoverOwner,
    )
    .await;
}

#[tokio::test]
async fn buy_cover_rejects_bad_arguments() {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    let p = m.product_id;
    let ok = || cover_args(1, owner, p, vec![1_000 * UNIT], YEAR);
    m.buy_err(
        BuyCoverArgs {
            amount: 0,
            allocations: vec![0],
            ..ok()
        },
        BulwarkError::ZeroAmount,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            owner: Pubkey::default(),
            ..ok()
        },
        BulwarkError::InvalidCoverOwner,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            period: MIN_COVER_PERIOD - 1,
            ..ok()
        },
        BulwarkError::InvalidCoverPeriod,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            period: YEAR + 1,
            ..ok()
        },
        BulwarkError::InvalidCoverPeriod,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            period: u32::MAX,
            ..ok()
        },
        BulwarkError::InvalidCoverPeriod,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            commission_bps: MAX_COMMISSION_BPS + 1,
            ..ok()
        },
        BulwarkError::CommissionTooHigh,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            commission_bps: 100,
            ..ok()
        },
        BulwarkError::MissingCommissionDestination,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            amount: 1_000 * UNIT + 1,
            ..ok()
        },
        BulwarkError::AllocationSumMismatch,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            amount: u64::MAX,
            allocations: vec![u64::MAX],
            ..ok()
        },
        BulwarkError::InsufficientCapacity,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            allocations: vec![500 * UNIT, 500 * UNIT],
            ..ok()
        },
        BulwarkError::InvalidAllocations,
    )
    .await;
    m.buy_err(
        BuyCoverArgs {
            allocations: vec![],
            ..ok()
        },
        BulwarkError::InvalidAllocations,
    )
    .await;
    let premium = reference_premium(1_000 * UNIT, 250, YEAR);
    m.buy_err(
        BuyCoverArgs {
            max_premium: premium - 1,
            ..ok()
        },
        BulwarkError::PremiumAboveMax,
    )
    .await;
    // The same pool twice.
    let twice = m.buy_ix(
        BuyCoverArgs {
            allocations: vec![500 * UNIT, 500 * UNIT],
            ..ok()
        },
        &[m.pool.keys.pool, m.pool.keys.pool],
    );
    let buyer = m.buyer.insecure_clone();
    m.t.send_err(twice, &[&buyer], BulwarkError::DuplicatePool)
        .await;
    // A product the pool does not underwrite.
    let other = m.t.create_default_product().await;
    m.t.add_product(&m.pool, other, 0, 250).await;
    m.buy_err(
        BuyCoverArgs {
            product_id: other,
            ..ok()
        },
        BulwarkError::ProductNotInPool,
    )
    .await;
    // Remaining accounts after the nine named ones: pool, pool-product, vault.
    // The pool-product of another product.
    let mut swapped = m.buy_ix(ok(), &[m.pool.keys.pool]);
    swapped.accounts[10].pubkey = pool_product_pda(&m.pool.keys.pool, other);
    m.t.send_err(swapped, &[&buyer], BulwarkError::WrongPoolProduct)
        .await;
    // Another pool's vault.
    let other_pool = m.t.open_public_pool(&m.mint).await;
    let mut wrong_vault = m.buy_ix(ok(), &[m.pool.keys.pool]);
    wrong_vault.accounts[11].pubkey = other_pool.keys.vault;
    m.t.send_err(wrong_vault, &[&buyer], BulwarkError::WrongVault)
        .await;
    // Pool accounts passed read-only.
    let mut read_only = m.buy_ix(ok(), &[m.pool.keys.pool]);
    read_only.accounts[9].is_writable = false;
    m.t.send_err(read_only, &[&buyer], BulwarkError::WrongRemainingAccounts)
        .await;
    // A pool on another mint.
    let other_mint = m.t.create_mint(6, &spl_token::ID).await;
    let foreign = m.t.open_public_pool(&other_mint).await;
    let foreign_ix = m.buy_ix(ok(), &[foreign.keys.pool]);
    m.t.send_err(foreign_ix, &[&buyer], BulwarkError::WrongMint)
        .await;

    // Deprecated products and a paused protocol sell nothing.
    let authority = m.t.authority.insecure_clone();
    m.t.send_ok(&[set_pause(&authority.pubkey(), PAUSE_BUY)], &[&authority])
        .await;
    m.buy_err(ok(), BulwarkError::BuyingPaused).await;
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    let deprecated = bulwark::state::ProductTerms {
        deprecated: true,
        ..default_terms()
    };
    m.t.send_ok(
        &[update_product(&authority.pubkey(), p, deprecated)],
        &[&authority],
    )
    .await;
    m.buy_err(ok(), BulwarkError::ProductDeprecated).await;

    // Nothing moved.
    assert_eq!(m.t.balance(&m.buyer_token).await, 100_000_000 * UNIT);
    assert!(!m.t.exists(&cover_pda(&owner, 1)).await);
}

#[tokio::test]
async fn commission_goes_to_the_distributor_within_the_slippage_guard() {
    let mut m = market(1_000_000 * UNIT).await;
    let (_, distributor_token) = m.t.funded_user(&m.mint, 0).await;
    let premium = reference_premium(10_000 * UNIT, 250, YEAR);
    let commission = premium * 3_000 / 10_000;
    let a = BuyCoverArgs {
        commission_bps: 3_000,
        max_premium: premium + commission,
        ..m.cover_of(1, 10_000 * UNIT, YEAR)
    };
    let ix = buy_cover(
        &m.buyer.pubkey(),
        &m.buyer_token,
        &m.mint,
        &spl_token::ID,
        &[m.pool.keys.pool],
        Some(distributor_token),
        BuyCoverArgs {
            max_premium: premium + commission - 1,
            ..a.clone()
        },
    );
    let buyer = m.buyer.insecure_clone();
    m.t.send_err(ix, &[&buyer], BulwarkError::PremiumAboveMax)
        .await;
    let ix = buy_cover(
        &m.buyer.pubkey(),
        &m.buyer_token,
        &m.mint,
        &spl_token::ID,
        &[m.pool.keys.pool],
        Some(distributor_token),
        a,
    );
    let outcome = m.t.send_ok(&[ix], &[&buyer]).await;
    record_compute_units("buy_cover (1 pool, with commission)", &outcome);
    assert_eq!(m.t.balance(&distributor_token).await, commission);
    assert_eq!(
        m.t.balance(&m.buyer_token).await,
        100_000_000 * UNIT - premium - commission
    );
}

#[tokio::test]
async fn buy_cover_from_four_pools() {
    let stake = 100_000 * UNIT;
    let mut m = market(stake).await;
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(m.more_pools(&[300, 350, 400], stake).await);
    let owner = m.buyer.pubkey();
    let parts = vec![
        150_000 * UNIT,
        100_000 * UNIT,
        50_000 * UNIT,
        200_000 * UNIT,
    ];
    m.grant(&pools).await;
    let ix = m.buy_ix(
        cover_args(4, owner, m.product_id, parts.clone(), YEAR),
        &pools,
    );
    let buyer = m.buyer.insecure_clone();
    let before = m.t.balance(&m.buyer_token).await;
    let outcome = m.t.send_ok(&[ix], &[&buyer]).await;
    record_compute_units("buy_cover (4 pools)", &outcome);
    let expected: u64 = parts
        .iter()
        .zip([250, 300, 350, 400])
        .map(|(a, p)| reference_premium(*a, p, YEAR))
        .sum();
    assert_eq!(before - m.t.balance(&m.buyer_token).await, expected);
    let cover: Cover = m.t.load(&cover_pda(&owner, 4)).await;
    assert_eq!(cover.pool_count, 4);
    for (i, pool) in pools.iter().enumerate() {
        assert_eq!(cover.allocations[i].pool, *pool);
        assert_eq!(cover.allocations[i].amount, parts[i]);
        let pp: PoolProduct = m.t.load_zc(&pool_product_pda(pool, m.product_id)).await;
        assert_eq!(pp.allocation_in(m.far), parts[i].div_ceil(2));
    }
    // Five pools is one too many.
    let fifth = m.more_pools(&[500], stake).await;
    let mut five = pools.clone();
    five.extend(fifth);
    let ix = m.buy_ix(
        cover_args(5, owner, m.product_id, vec![UNIT; 5], YEAR),
        &five,
    );
    m.t.send_err(ix, &[&buyer], BulwarkError::InvalidAllocations)
        .await;
}

#[tokio::test]
async fn the_sdk_quote_routes_over_the_cheapest_pools_and_matches_the_purchase() {
    let stake = 100_000 * UNIT;
    let mut m = market(stake).await;
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(m.more_pools(&[200, 600, 300], stake).await);
    // Make the first pool the priciest right now by buying from it.
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 180_000 * UNIT, YEAR)).await;
    m.t.warp_days(1).await;

    m.grant(&pools).await;
    let config: Config = m.t.load(&config_pda()).await;
    let product: Product = m.t.load(&product_pda(m.product_id)).await;
    let mut states = Vec::new();
    for pool in &pools {
        states.push(PoolState {
            address: *pool,
            pool: m.t.load_zc(pool).await,
            pool_product: m.t.load_zc(&pool_product_pda(pool, m.product_id)).await,
        });
    }
    let now = m.t.now().await;
    let amount = 300_000 * UNIT;
    let request = CoverRequest {
        product_id: m.product_id,
        mint: m.mint,
        amount,
        period: YEAR,
        commission_bps: 500,
    };
    let q = quote(&config, &product, &states, &request, now).unwrap();
    // The flows layer reads the same state and quotes the same route; the lines were just
    // cranked, so no crank changes them.
    let flowed = flows::quote_cover(&mut m.t, &request, &pools)
        .await
        .unwrap();
    assert_eq!(flowed, q);
    assert!(q.cranks.is_empty());
    // Cheapest first: 2.0% (pool 1), then 3.0% (pool 3), then the rest.
    assert_eq!(q.parts[0].pool, pools[1]);
    assert_eq!(q.parts[0].price_bps, 200);
    assert_eq!(q.parts[1].pool, pools[3]);
    assert_eq!(q.parts.iter().map(|p| p.amount).sum::<u64>(), amount);
    for part in &q.parts {
        assert_eq!(
            part.premium,
            reference_premium(part.amount, part.price_bps, YEAR)
        );
    }

    let (distributor, distributor_token) = m.t.funded_user(&m.mint, 0).await;
    let _ = distributor;
    let mint = mint_info(&mut m.t, &m.mint).await.unwrap();
    let purchase = flows::buy_cover_from_quote(
        &Program::CANONICAL,
        &m.buyer.pubkey(),
        &m.buyer_token,
        &mint,
        &q,
        BuyOptions {
            cover_nonce: 2,
            owner: Some(owner),
            max_premium: None,
            commission_destination: Some(distributor_token),
        },
    )
    .unwrap();
    assert!(purchase.cranks.is_empty());
    let buy = purchase.buy;
    let buyer = m.buyer.insecure_clone();
    // Simulating gives the same premium (events in SBF mode) and the cover address.
    let simulated =
        m.t.simulate(std::slice::from_ref(&buy), &[&buyer])
            .await
            .unwrap();
    if let Some(data) = &simulated.return_data {
        assert_eq!(Pubkey::try_from_slice(data).unwrap(), cover_pda(&owner, 2));
    }
    if sbf_mode() {
        let event = &simulated.events_of::<CoverBought>()[0];
        assert_eq!(event.premium, q.premium);
        assert_eq!(event.commission, q.commission);
    }
    let before = m.t.balance(&m.buyer_token).await;
    m.t.send_ok(&[buy], &[&buyer]).await;
    assert_eq!(before - m.t.balance(&m.buyer_token).await, q.cost());
    assert_eq!(m.t.balance(&distributor_token).await, q.commission);

    // Asking for more than the four best pools hold is a clear error.
    let too_much = quote(
        &config,
        &product,
        &states,
        &CoverRequest {
            amount: 10_000_000 * UNIT,
            commission_bps: 0,
            ..request
        },
        now,
    );
    assert!(matches!(
        too_much,
        Err(bulwark_sdk::quote::QuoteError::InsufficientCapacity { .. })
    ));
}
