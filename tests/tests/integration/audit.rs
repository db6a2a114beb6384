//! Regression tests of the independent review's findings (issue "Audit findings"), one per
//! finding and named after it. Each states what the parent commit did; each passes only with
//! the fix at the mechanism (`docs/SECURITY-TESTS.md` lists them with the attack).

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::{ExtendStakeArgs, SetPoolProductArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{
    Claim, Config, CoverSchedule, Pool, PoolProduct, ProtocolParams, TrancheArchive,
};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The buyer's cover 0 on the market's pool, a claim of `amount` on it filed a slot later, and
/// `voter`'s accepting vote: the cover's keys and the claim.
async fn accepted_claim(m: &mut Market, voter: &Keypair, amount: u64) -> (CoverKeys, Pubkey) {
    let owner = m.buyer.pubkey();
    let keys = m.cover_keys(0, vec![m.pool.keys.pool]);
    let buyer = m.buyer.insecure_clone();
    m.t.next_slot().await;
    let incident = m.t.cover_start(&keys.cover).await;
    let ix = file_claim(
        &owner,
        &keys,
        0,
        &m.buyer_token,
        claim_args(amount, incident),
    );
    m.t.send_ok(&[ix], &[&buyer]).await;
    let claim = claim_pda(&keys.cover, 0);
    m.t.send_ok(&[vote(&voter.pubkey(), &claim, true)], &[voter])
        .await;
    (keys, claim)
}

/// The first tranche that can back a one-year cover bought now.
async fn first_backing_tranche(m: &mut Market) -> u64 {
    let now = m.t.now().await;
    CoverSchedule::new(
        &ProtocolParams::default(),
        default_terms().grace_period,
        false,
        now,
        YEAR,
    )
    .unwrap()
    .first_tranche
}

/// The market product's pool-product account.
async fn pool_product_of(m: &mut Market) -> PoolProduct {
    let key = pool_product_pda(&m.pool.keys.pool, m.product_id);
    m.t.load_zc(&key).await
}

/// The manager's `set_pool_product` of `weight` at 2.5%, and the manager to sign it.
fn set_weight(m: &Market, product_id: u64, weight: u16) -> (Instruction, Keypair) {
    let manager = m.pool.manager.insecure_clone();
    let ix = set_pool_product(
        &manager.pubkey(),
        &m.pool.keys.pool,
        SetPoolProductArgs {
            product_id,
            target_weight: weight,
            target_price_bps: 250,
        },
    );
    (ix, manager)
}

async fn set_params(t: &mut TestContext, params: ProtocolParams) {
    let treasury = t.treasury;
    t.update_config(params, treasury).await;
}

async fn extend(m: &mut Market, staker: &Keypair, token: &Pubkey, position: u64, to: u64) {
    let ix = extend_stake(
        &staker.pubkey(),
        &m.pool.keys,
        position,
        token,
        ExtendStakeArgs {
            new_tranche_id: to,
            top_up_amount: 0,
        },
    );
    m.t.send_ok(&[ix], &[staker]).await;
}

/// F-1: `extend_stake` moved a position's stake out of its tranche while the allocations it
/// backed stayed there, and capacity was computed per tranche with the excess floored at 0, so
/// the same stake was sold again from each later tranche (the parent commit sold 2S of one-year
/// cover again after each extension: stake S backed 6S at 2x). Now the excess carries forward.
#[tokio::test]
async fn f1_extend_stake_cannot_resell_capacity() {
    let mut m = market_with(0, 4_000_000 * UNIT, spl_token::ID).await;
    let first = first_backing_tranche(&mut m).await;
    let stake = 500_000 * UNIT;
    let (staker, token) = m.t.funded_user(&m.mint, stake).await;
    m.t.deposit(&staker, &m.pool.keys, &token, 0, first, stake)
        .await;
    m.buy(m.cover_of(0, 2 * stake, YEAR)).await;
    m.buy_err(m.cover_of(1, 1, YEAR), BulwarkError::InsufficientCapacity)
        .await;

    // Extend with no top-up, twice: the stake moves, its 2S of cover stays sold.
    for to in [first + 1, first + 2] {
        extend(&mut m, &staker, &token, 0, to).await;
        m.buy_err(m.cover_of(1, 1, YEAR), BulwarkError::InsufficientCapacity)
            .await;
    }
    let pp = pool_product_of(&mut m).await;
    assert_eq!(
        pp.allocation_in(first),
        stake,
        "the sold backing stays where it was sold"
    );
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.live_stake(first), 0);
    assert_eq!(pool.live_stake(first + 2), stake);

    // An honest staker joining the tranche the stake moved to adds exactly its own capacity.
    let fresh = 300_000 * UNIT;
    let (honest, honest_token) = m.t.funded_user(&m.mint, fresh).await;
    m.t.deposit(&honest, &m.pool.keys, &honest_token, 0, first + 2, fresh)
        .await;
    m.buy_err(
        m.cover_of(1, 2 * fresh + 1, YEAR),
        BulwarkError::InsufficientCapacity,
    )
    .await;
    m.buy(m.cover_of(1, 2 * fresh, YEAR)).await;
    let pp = pool_product_of(&mut m).await;
    assert_eq!(pp.allocation_in(first + 2), fresh);
    // Every unit sold is backed: 2 × (S + fresh) of cover on S + fresh of stake.
    let books: Vec<(u64, u64)> = (first..first + 3)
        .map(|t| (pp.allocation_in(t), pool.live_stake(t)))
        .collect();
    assert_eq!(books[0].0 + books[2].0, stake + fresh);
}

/// F-5: `set_pool_product` bounded the sum of target weights only, so a manager could sell a
/// product's full capacity, move its weight to a second product and sell the same stake again
/// (the parent commit, with `max_total_weight = 100`, let stake S back 4S). Now each product
/// counts for the weight its live cover uses.
#[tokio::test]
async fn f5_weight_cycling_cannot_exceed_max_total_weight() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    set_params(
        &mut m.t,
        ProtocolParams {
            max_total_weight: 100,
            ..ProtocolParams::default()
        },
    )
    .await;
    let second = m.t.create_default_product().await;
    let owner = m.buyer.pubkey();
    // Sell 60% of the product's capacity.
    m.buy(m.cover_of(0, stake * 6 / 5, YEAR)).await;

    // Moving its weight away leaves 60 in use.
    let (ix, manager) = set_weight(&m, m.product_id, 0);
    m.t.send_ok(&[ix], &[&manager]).await;
    let pool_key = m.pool.keys.pool;
    let pp = pool_product_of(&mut m).await;
    assert_eq!((pp.target_weight, pp.effective_weight), (0, 60));
    let (ix, _) = set_weight(&m, second, 41);
    m.t.send_err(ix, &[&manager], BulwarkError::TotalWeightExceeded)
        .await;
    let (ix, _) = set_weight(&m, second, 40);
    let outcome = m.t.send_ok(&[ix], &[&manager]).await;
    if sbf_mode() {
        let event = &outcome.events_of::<PoolProductSet>()[0];
        assert_eq!(
            (
                event.new_effective_weight,
                event.pool_total_effective_weight
            ),
            (40, 100)
        );
    }
    let pool: Pool = m.t.load_zc(&pool_key).await;
    assert_eq!(pool.total_effective_weight, 100);
    // The second product sells 40% of the stake's capacity, not one unit more.
    m.grant(&[pool_key]).await;
    let ix = m.buy_ix(
        cover_args(1, owner, second, vec![stake * 4 / 5 + 1], YEAR),
        &[pool_key],
    );
    let buyer = m.buyer.insecure_clone();
    m.t.send_err(ix, &[&buyer], BulwarkError::InsufficientCapacity)
        .await;
    let ix = m.buy_ix(
        cover_args(1, owner, second, vec![stake * 4 / 5], YEAR),
        &[pool_key],
    );
    m.t.send_ok(&[ix], &[&buyer]).await;

    // Once the first product's cover is released, a refresh frees its weight.
    let release = {
        let cover: bulwark::state::Cover = m.t.load(&cover_pda(&owner, 0)).await;
        cover.release_bucket
    };
    m.t.warp_to_time(bulwark::math::buckets::bucket_start(release).unwrap() + 1)
        .await;
    let outcome =
        m.t.send_ok(&[refresh_pool_product(&pool_key, m.product_id)], &[])
            .await;
    record_compute_units("refresh_pool_product", &outcome);
    let pp = pool_product_of(&mut m).await;
    assert_eq!(pp.effective_weight, 0);
    let pool: Pool = m.t.load_zc(&pool_key).await;
    assert_eq!(pool.total_effective_weight, 40);
}

/// Pauses left outflows open: under `PAUSE_ALL` the parent commit let `sweep_fees`,
/// `close_claim`'s deposit refund and `unstake_assessor` move tokens out of program vaults.
/// Every instruction of the IDL is classified here, so one added later without a decision on
/// its pause gate fails this test.
#[tokio::test]
async fn pause_all_stops_every_outflow() {
    let idl: serde_json::Value =
        serde_json::from_str(include_str!("../../../idl/bulwark.json")).unwrap();
    // Instructions that can move tokens out of a program vault, and the flag that stops them.
    let gated = [
        ("withdraw_stake", PAUSE_WITHDRAW),
        ("claim_rewards", PAUSE_WITHDRAW),
        ("claim_manager_fees", PAUSE_WITHDRAW),
        ("sweep_fees", PAUSE_WITHDRAW),
        ("unstake_assessor", PAUSE_WITHDRAW),
        ("settle_ballot", PAUSE_WITHDRAW),
        ("slash_ballot", PAUSE_WITHDRAW),
        ("redeem_payout", PAUSE_PAYOUTS),
        ("execute_capital_exit", PAUSE_WITHDRAW),
        ("redeem_owed", PAUSE_PAYOUTS),
    ];
    // Instructions that move no token out of a program vault (inflows, books, governance).
    let no_outflow = [
        "initialize_config",
        "create_proposal",
        "execute_proposal",
        "cancel_proposal",
        "set_pause",
        "propose_authority",
        "accept_authority",
        "create_product",
        "update_product",
        "set_mint_params",
        "create_pool",
        "set_pool_product",
        "refresh_pool_product",
        "set_manager_fee",
        "deposit_stake",
        "extend_stake",
        "archive_tranche",
        "quote_cover",
        "buy_cover",
        "transfer_cover",
        "expire_cover",
        "stake_assessor",
        "file_claim",
        "vote",
        "commit_vote",
        "reveal_vote",
        "add_panel_member",
        "remove_panel_member",
        "overturn_claim",
        "create_capital_pool",
        "deposit_capital",
        "request_capital_exit",
        "grant_leverage",
        "contribute_capital",
        "close_claim",
    ];
    for instruction in idl["instructions"].as_array().unwrap() {
        let name = instruction["name"].as_str().unwrap();
        assert!(
            gated.iter().any(|(n, _)| *n == name) || no_outflow.contains(&name),
            "instruction {name} is not classified for PAUSE_ALL"
        );
    }
    assert!(gated.iter().all(|(_, flag)| PAUSE_ALL & flag != 0));

    // The three outflows the parent commit left open, exercised under PAUSE_ALL.
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(0, 100_000 * UNIT, YEAR)).await;
    let (alice, alice_token) = m.t.assessor(UNIT).await;
    let (keys, claim) = accepted_claim(&mut m, &alice, 10_000 * UNIT).await;
    // Let the accepted claim's redemption window pass: the capital pool alone pays it now.
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.redemption_end().unwrap()).await;
    let authority = m.t.authority.insecure_clone();
    m.t.send_ok(&[set_pause(&authority.pubkey(), PAUSE_ALL)], &[&authority])
        .await;
    let treasury = m.t.treasury;
    let treasury_token = m.t.create_token_account(&treasury, &m.mint).await;
    let payer = m.t.payer().pubkey();
    let vault_before = m.t.balance(&m.pool.keys.vault).await;
    m.t.send_err(
        sweep_fees(&payer, &m.pool.keys, &treasury_token),
        &[],
        BulwarkError::WithdrawalsPaused,
    )
    .await;
    let redeem = redeem_payout(&payer, &keys, &claim, &m.buyer_token, &m.buyer_token);
    m.t.send_err(redeem.clone(), &[], BulwarkError::PayoutsPaused)
        .await;
    let assessment_mint = m.t.assessment_mint;
    m.t.warp_days(30).await;
    m.t.send_err(
        unstake_assessor(
            &alice.pubkey(),
            &assessment_mint,
            &alice_token,
            &spl_token::ID,
            UNIT,
        ),
        &[&alice],
        BulwarkError::WithdrawalsPaused,
    )
    .await;
    let reward_token = m.t.create_token_account(&alice.pubkey(), &m.mint).await;
    let settle = settle_ballot(
        &alice.pubkey(),
        &claim,
        &m.pool.keys.pool,
        &m.mint,
        &alice.pubkey(),
        &reward_token,
        &spl_token::ID,
    );
    m.t.send_err(settle.clone(), &[&alice], BulwarkError::WithdrawalsPaused)
        .await;
    assert_eq!(m.t.balance(&m.pool.keys.vault).await, vault_before);
    assert_eq!(m.t.balance(&alice_token).await, 0);
    // Released, each goes through.
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    m.t.send_ok(&[redeem], &[]).await;
    m.t.send_ok(&[settle], &[&alice]).await;
    m.t.send_ok(
        &[unstake_assessor(
            &alice.pubkey(),
            &assessment_mint,
            &alice_token,
            &spl_token::ID,
            UNIT,
        )],
        &[&alice],
    )
    .await;
    assert_eq!(m.t.balance(&alice_token).await, UNIT);
}

/// Changing claim timings stranded accepted claims: `backing_until` used the timings at
/// purchase, `file_claim` those at filing. On the parent commit, raising the voting period to
/// 90 days before a claim filed at the end of the grace period pushed its redemption past
/// `backing_until` (`RedemptionWindowClosed`). Now the cover's copy decides.
#[tokio::test]
async fn claim_timings_are_fixed_at_purchase() {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    let period = 28 * DAY as u32;
    m.buy(m.cover_of(0, 50_000 * UNIT, period)).await;
    let keys = m.cover_keys(0, vec![m.pool.keys.pool]);
    let cover: bulwark::state::Cover = m.t.load(&keys.cover).await;
    let defaults = kit_params();
    assert_eq!(
        (
            cover.timings.voting_period,
            cover.timings.cooldown,
            cover.timings.redemption_window
        ),
        (
            defaults.voting_period,
            defaults.cooldown,
            defaults.redemption_window
        )
    );
    let (alice, _) = m.t.assessor(UNIT).await;
    set_params(
        &mut m.t,
        ProtocolParams {
            voting_period: MAX_CLAIM_TIMING,
            silent_ending: MAX_CLAIM_TIMING,
            silent_ending_cap: MAX_CLAIM_TIMING,
            cooldown: MAX_CLAIM_TIMING,
            capital_exit_delay: MAX_CAPITAL_EXIT_DELAY,
            ..defaults
        },
    )
    .await;
    // File at the last hour of the grace period.
    m.t.warp_to_time(cover.claimable_until().unwrap() - 3_600)
        .await;
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(
        &[file_claim(
            &owner,
            &keys,
            0,
            &m.buyer_token,
            claim_args(20_000 * UNIT, cover.start),
        )],
        &[&buyer],
    )
    .await;
    let claim_key = claim_pda(&keys.cover, 0);
    let claim: Claim = m.t.load(&claim_key).await;
    assert_eq!(
        claim.voting_end,
        claim.filed_at + i64::from(defaults.voting_period)
    );
    assert_eq!(
        claim.latest_voting_end,
        claim.voting_end + i64::from(defaults.silent_ending_cap)
    );
    assert_eq!(claim.cooldown, defaults.cooldown);
    assert!(claim.redemption_end().unwrap() <= cover.backing_until);
    m.t.send_ok(&[vote(&alice.pubkey(), &claim_key, true)], &[&alice])
        .await;
    m.t.warp_to_time(claim.cooldown_end().unwrap()).await;
    let before = m.t.balance(&m.buyer_token).await;
    let payer = m.t.payer().pubkey();
    m.t.send_ok(
        &[redeem_payout(
            &payer,
            &keys,
            &claim_key,
            &m.buyer_token,
            &m.buyer_token,
        )],
        &[],
    )
    .await;
    // Paid in full, deposit (max(1 UNIT, 0.5%) = 100) refunded.
    assert_eq!(
        m.t.balance(&m.buyer_token).await,
        before + 20_000 * UNIT + 100 * UNIT
    );
}

/// Dust and surplus were stuck forever: tokens sent straight to a vault, and reward units the
/// floors of stream rates left behind once every staker had left. `sweep_fees` now books both
/// as the treasury's share and moves them (the parent commit left the vault holding them).
#[tokio::test]
async fn dust_and_surplus_are_swept_to_the_treasury() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let owner = m.buyer.pubkey();
    m.buy(cover_args(
        0,
        owner,
        m.product_id,
        vec![123_456_789],
        29 * DAY as u32,
    ))
    .await;
    let treasury = m.t.treasury;
    let treasury_token = m.t.create_token_account(&treasury, &m.mint).await;
    let payer = m.t.payer().pubkey();
    let vault = m.pool.keys.vault;
    // A donation is an untracked surplus: booked to the treasury, not to anyone's stake.
    m.t.mint_to(&m.mint.clone(), &vault, 777).await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let share = pool.treasury_accrued;
    let outcome =
        m.t.send_ok(&[sweep_fees(&payer, &m.pool.keys, &treasury_token)], &[])
            .await;
    assert_eq!(m.t.balance(&treasury_token).await, share + 777);
    if sbf_mode() {
        let event = &outcome.events_of::<FeesSwept>()[0];
        assert_eq!((event.surplus, event.reward_dust), (777, 0));
    }
    // Every staker leaves after every stream ended: what the reward floors left is dust.
    m.t.warp_to_time(tranche_end(m.far).unwrap()).await;
    let staker = m.staker.insecure_clone();
    let staker_token = m.staker_token;
    m.t.send_ok(&[archive_tranche(&payer, &m.pool.keys.pool, m.far)], &[])
        .await;
    m.t.send_ok(
        &[withdraw_stake(
            &staker.pubkey(),
            &m.pool.keys,
            0,
            m.far,
            &payer,
            &staker_token,
        )],
        &[&staker],
    )
    .await;
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    let dust = pool.rewards_reserved;
    assert!(dust > 0, "the floored stream leaves dust");
    assert_eq!(pool.open_positions, 0);
    let treasury_before = m.t.balance(&treasury_token).await;
    let pending = pool.treasury_accrued;
    m.t.send_ok(&[sweep_fees(&payer, &m.pool.keys, &treasury_token)], &[])
        .await;
    assert_eq!(
        m.t.balance(&treasury_token).await,
        treasury_before + pending + dust
    );
    let pool: Pool = m.t.load_zc(&m.pool.keys.pool).await;
    assert_eq!(pool.rewards_reserved, 0);
    assert!(pool.streams.iter().all(|s| s.remainder == 0));
    assert_eq!(m.t.balance(&vault).await, pool.liabilities().unwrap());
}

/// Archive rent held hostage: a 1-unit position never withdrawn kept its tranche archive
/// (and the archive payer's rent) open forever. Thirty days after the tranche ends anyone may
/// withdraw it for its owner, to the owner's associated token account.
#[tokio::test]
async fn abandoned_position_is_withdrawn_for_its_owner() {
    let mut m = market(1_000_000 * UNIT).await;
    let current = m.t.current_tranche().await;
    let (idle, idle_token) = m.t.funded_user(&m.mint, 1).await;
    m.t.deposit(&idle, &m.pool.keys, &idle_token, 0, current, 1)
        .await;
    let end = tranche_end(current).unwrap();
    m.t.warp_to_time(end).await;
    let archiver = m.t.user().await;
    m.t.send_ok(
        &[archive_tranche(
            &archiver.pubkey(),
            &m.pool.keys.pool,
            current,
        )],
        &[&archiver],
    )
    .await;
    let cranker = m.t.user().await;
    let ix = |token: &Pubkey| {
        withdraw_stake_for(
            &cranker.pubkey(),
            &idle.pubkey(),
            &m.pool.keys,
            0,
            current,
            &archiver.pubkey(),
            token,
        )
    };
    let early = ix(&idle_token);
    m.t.warp_to_time(end + ABANDONED_POSITION_DELAY - 1).await;
    m.t.send_err(
        early.clone(),
        &[&cranker],
        BulwarkError::PositionNotAbandoned,
    )
    .await;
    m.t.warp_to_time(end + ABANDONED_POSITION_DELAY).await;
    let side =
        m.t.create_token_account(&idle.pubkey(), &m.mint.clone())
            .await;
    m.t.send_err(ix(&side), &[&cranker], BulwarkError::RecipientNotAssociated)
        .await;
    let position = position_pda(&m.pool.keys.pool, &idle.pubkey(), 0);
    let position_rent = m.t.lamports(&position).await;
    let archive = archive_pda(&m.pool.keys.pool, current);
    let archive_rent = m.t.lamports(&archive).await;
    let (owner_before, archiver_before) = (
        m.t.lamports(&idle.pubkey()).await,
        m.t.lamports(&archiver.pubkey()).await,
    );
    let state: TrancheArchive = m.t.load(&archive).await;
    assert_eq!(state.shares_remaining, 1);
    m.t.next_slot().await;
    m.t.send_ok(&[ix(&idle_token)], &[&cranker]).await;
    assert_eq!(m.t.balance(&idle_token).await, 1);
    assert_eq!(
        m.t.lamports(&idle.pubkey()).await,
        owner_before + position_rent
    );
    assert_eq!(
        m.t.lamports(&archiver.pubkey()).await,
        archiver_before + archive_rent
    );
    assert!(!m.t.exists(&position).await && !m.t.exists(&archive).await);
}

/// Capacity overflow: `tranche_capacity` narrowed `stake × ratio` to a u64 and failed, so a
/// pool with more than half of u64::MAX staked refused every purchase (`MathOverflow` on the
/// parent commit). Capacity now saturates.
#[tokio::test]
async fn very_large_pool_still_sells_cover() {
    let mut m = market(0).await;
    let stake = u64::MAX / 2 + 1;
    let (whale, whale_token) = m.t.funded_user(&m.mint, stake).await;
    let far = m.far;
    m.t.deposit(&whale, &m.pool.keys, &whale_token, 0, far, stake)
        .await;
    m.buy(m.cover_of(0, 1_000 * UNIT, YEAR)).await;
    // No capital pool behind it: sold at 1x, the cover occupies its whole amount of stake.
    let pp = pool_product_of(&mut m).await;
    assert_eq!(pp.allocation_in(far), 1_000 * UNIT);
    let config: Config = m.t.load(&config_pda()).await;
    assert_eq!(config.params.capacity_ratio_bps, 20_000);
}

/// One `claim_min_deposit` served every mint: 1 USDC on a 6-decimal mint, a thousandth of a
/// token on a 9-decimal one. Governance now sets it per mint (`set_mint_params`, which also
/// lists the mint; with its capital pool, a staking pool can open on it); a manager never can.
#[tokio::test]
async fn claim_min_deposit_is_set_per_mint() {
    let mut s = market(1_000_000 * UNIT).await;
    let owner = s.buyer.pubkey();
    s.buy(cover_args(
        0,
        owner,
        s.product_id,
        vec![10_000 * UNIT],
        YEAR,
    ))
    .await;
    let authority = s.t.authority.insecure_clone();
    let manager = s.pool.manager.insecure_clone();
    let listing = |who: &Keypair, mint: &Pubkey, claim_min_deposit| {
        set_mint_params(
            &who.pubkey(),
            mint,
            bulwark::instructions::SetMintParamsArgs { claim_min_deposit },
        )
    };
    s.t.send_err(
        listing(&manager, &s.mint, 1),
        &[&manager],
        BulwarkError::NotAuthority,
    )
    .await;
    s.t.send_err(
        listing(&authority, &s.mint, 0),
        &[&authority],
        BulwarkError::InvalidClaimDeposit,
    )
    .await;
    let outcome =
        s.t.send_ok(&[listing(&authority, &s.mint, 7 * UNIT)], &[&authority])
            .await;
    if sbf_mode() {
        let event = &outcome.events_of::<MintParamsSet>()[0];
        assert_eq!(
            (event.old_claim_min_deposit, event.new_claim_min_deposit),
            (CLAIM_MIN_DEPOSIT, 7 * UNIT)
        );
    }
    // 0.5% of 100 is 0.5: the mint's minimum of 7 applies.
    let keys = s.cover_keys(0, vec![s.pool.keys.pool]);
    let buyer = s.buyer.insecure_clone();
    s.t.next_slot().await;
    let incident = s.t.cover_start(&keys.cover).await;
    s.t.send_ok(
        &[file_claim(
            &owner,
            &keys,
            0,
            &s.buyer_token,
            claim_args(100 * UNIT, incident),
        )],
        &[&buyer],
    )
    .await;
    let claim: Claim = s.t.load(&claim_pda(&keys.cover, 0)).await;
    assert_eq!(claim.deposit, 7 * UNIT);

    // A 9-decimal mint is unlisted until governance lists it with its own minimum.
    let nine = s.t.create_mint(9, &spl_token::ID).await;
    let config: Config = s.t.load(&config_pda()).await;
    let create = create_pool(
        &manager.pubkey(),
        config.pool_count,
        &nine,
        &spl_token::ID,
        bulwark::instructions::CreatePoolArgs {
            manager_fee_bps: 0,
            max_manager_fee_bps: 0,
            private: false,
        },
    );
    s.t.send_anchor_err(
        create.clone(),
        &[&manager],
        anchor_lang::error::ErrorCode::AccountNotInitialized,
    )
    .await;
    s.t.send_ok(&[listing(&authority, &nine, 1_000_000_000)], &[&authority])
        .await;
    // Listed, it still needs its capital pool, the payer of what stake does not pay.
    s.t.send_anchor_err(
        create.clone(),
        &[&manager],
        anchor_lang::error::ErrorCode::AccountNotInitialized,
    )
    .await;
    s.t.send_ok(
        &[create_capital_pool(
            &authority.pubkey(),
            &nine,
            &spl_token::ID,
            default_capital_pool_args(),
        )],
        &[&authority],
    )
    .await;
    s.t.send_ok(&[create], &[&manager]).await;
    let params: bulwark::state::MintParams = s.t.load(&mint_params_pda(&nine)).await;
    assert_eq!(
        (params.mint, params.claim_min_deposit),
        (nine, 1_000_000_000)
    );
}

/// PDA sharing: the config PDA is the token authority of the assessment vault, each pool's PDA
/// of its own vault. Each instruction that signs names its source by the config's record of it
/// (`has_one = assessment_vault`) or the pool's (`has_one = vault`), so a caller cannot point a
/// signature at another vault: swapped, the accounts are refused and nothing moves.
#[tokio::test]
async fn pda_sharing_config_signs_only_for_the_vault_its_seeds_name() {
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(0, 100_000 * UNIT, YEAR)).await;
    let treasury = m.t.treasury;
    let (alice, alice_token) = m.t.assessor(UNIT).await;
    let (_, claim) = accepted_claim(&mut m, &alice, 10_000 * UNIT).await;
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.cooldown_end().unwrap() + 30 * DAY)
        .await;

    let pool_vault = m.pool.keys.vault;
    let vault = assessment_vault_pda();
    let assessment_mint = m.t.assessment_mint;
    let treasury_stake = m.t.create_token_account(&treasury, &assessment_mint).await;
    let before = (m.t.balance(&pool_vault).await, m.t.balance(&vault).await);
    // Unstaking from a pool's vault instead of the assessment vault.
    let mut ix = unstake_assessor(
        &alice.pubkey(),
        &assessment_mint,
        &alice_token,
        &spl_token::ID,
        UNIT,
    );
    swap_account(&mut ix, &vault, &pool_vault);
    m.t.send_err(ix, &[&alice], BulwarkError::WrongAssessmentAccount)
        .await;
    // A slash from a pool's vault instead of the assessment vault.
    let payer = m.t.payer().pubkey();
    let mut ix = slash_ballot(
        &payer,
        &claim,
        &alice.pubkey(),
        &assessment_mint,
        &treasury_stake,
        &spl_token::ID,
    );
    swap_account(&mut ix, &vault, &pool_vault);
    m.t.send_err(ix, &[], BulwarkError::WrongAssessmentAccount)
        .await;
    // A reward paid from the assessment vault instead of the deposit pool's.
    let reward_token = m.t.create_token_account(&alice.pubkey(), &m.mint).await;
    let mut ix = settle_ballot(
        &alice.pubkey(),
        &claim,
        &m.pool.keys.pool,
        &m.mint,
        &alice.pubkey(),
        &reward_token,
        &spl_token::ID,
    );
    swap_account(&mut ix, &pool_vault, &vault);
    m.t.send_err(ix, &[&alice], BulwarkError::WrongVault).await;
    assert_eq!(
        (m.t.balance(&pool_vault).await, m.t.balance(&vault).await),
        before
    );
}

/// After a payout on one product burns stake under another, the other's stored effective
/// weight lags behind what its cover uses; a manager must still be able to lower that
/// product's weight. `set_pool_product` first brings the product's own weight up to date, so
/// only what the change itself does is compared with the bound.
#[tokio::test]
async fn lowering_a_weight_is_allowed_after_a_payout_elsewhere() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    set_params(
        &mut m.t,
        ProtocolParams {
            max_total_weight: 100,
            ..kit_params()
        },
    )
    .await;
    let (ix, manager) = set_weight(&m, m.product_id, 50);
    m.t.send_ok(&[ix], &[&manager]).await;
    let second = m.t.create_default_product().await;
    let (ix, _) = set_weight(&m, second, 50);
    m.t.send_ok(&[ix], &[&manager]).await;
    let owner = m.buyer.pubkey();
    let pool_key = m.pool.keys.pool;
    // The first product sells all its 50%: stake / 2 of backing.
    m.buy(m.cover_of(0, stake, YEAR)).await;
    // A claim on the second product is paid: 200,000 sold at 2x burns 100,000 of the stake.
    m.grant(&[pool_key]).await;
    let ix = m.buy_ix(
        cover_args(1, owner, second, vec![200_000 * UNIT], YEAR),
        &[pool_key],
    );
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(&[ix], &[&buyer]).await;
    let (alice, _) = m.t.assessor(UNIT).await;
    let keys = CoverKeys {
        product_id: second,
        ..m.cover_keys(1, vec![pool_key])
    };
    m.t.next_slot().await;
    let incident = m.t.cover_start(&keys.cover).await;
    let ix = file_claim(
        &owner,
        &keys,
        0,
        &m.buyer_token,
        claim_args(200_000 * UNIT, incident),
    );
    m.t.send_ok(&[ix], &[&buyer]).await;
    let claim = claim_pda(&keys.cover, 0);
    m.t.send_ok(&[vote(&alice.pubkey(), &claim, true)], &[&alice])
        .await;
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.cooldown_end().unwrap()).await;
    let payer = m.t.payer().pubkey();
    let ix = redeem_payout(&payer, &keys, &claim, &m.buyer_token, &m.buyer_token);
    m.t.send_ok(&[ix], &[]).await;
    // The first product's cover now uses ⌈100 × 500,000 ÷ 900,000⌉ = 56 of the stake; its
    // stored weight still says 50.
    let pp = pool_product_of(&mut m).await;
    assert_eq!(pp.effective_weight, 50);
    let (ix, _) = set_weight(&m, m.product_id, 40);
    let outcome = m.t.send_ok(&[ix], &[&manager]).await;
    let pp = pool_product_of(&mut m).await;
    assert_eq!((pp.target_weight, pp.effective_weight), (40, 56));
    if sbf_mode() {
        let event = &outcome.events_of::<PoolProductSet>()[0];
        assert_eq!(
            (event.old_effective_weight, event.new_effective_weight),
            (50, 56)
        );
    }
    // Raising it again is a raise above the bound.
    let (ix, _) = set_weight(&m, m.product_id, 57);
    m.t.send_err(ix, &[&manager], BulwarkError::TotalWeightExceeded)
        .await;
}
