//! The capital pool: created by governance with a Token-2022 share mint carrying its metadata;
//! deposits at the books' price; exits in two steps at the lower price, refused below the
//! minimum capital requirement; leverage lines granted within the capital above it; the payer
//! of last resort, whose debts are paid in queue order.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::{BuyCoverArgs, CreateCapitalPoolArgs};
use bulwark::state::{CapitalExit, CapitalPool, Claim, Config, Cover, Pool};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use spl_token_2022::extension::metadata_pointer::MetadataPointer;
use spl_token_2022::extension::{BaseStateWithExtensions, StateWithExtensions};
use spl_token_2022::state::Mint as MintState;

fn create_args(min_capital: u64) -> CreateCapitalPoolArgs {
    CreateCapitalPoolArgs {
        min_capital,
        mcr_bps: DEFAULT_MCR_BPS,
        name: "Bulwark capital USDC".to_string(),
        symbol: "bwCAP".to_string(),
        uri: "https://bulwark.example/capital/usdc.json".to_string(),
    }
}

/// A listed mint with its capital pool.
async fn capital(min_capital: u64) -> (TestContext, Pubkey) {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.set_mint_params_only(&mint).await;
    let authority = t.authority.insecure_clone();
    let ix = create_capital_pool(
        &authority.pubkey(),
        &mint,
        &spl_token::ID,
        create_args(min_capital),
    );
    let outcome = t.send_ok(&[ix], &[&authority]).await;
    record_compute_units("create_capital_pool", &outcome);
    (t, mint)
}

async fn member(t: &mut TestContext, mint: &Pubkey, amount: u64) -> (Keypair, Pubkey) {
    t.funded_user(mint, amount).await
}

#[tokio::test]
async fn a_capital_pool_has_a_token_2022_share_mint_with_its_metadata() {
    let (mut t, mint) = capital(1_000 * UNIT).await;
    let pool: CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    assert_eq!(
        (pool.mint, pool.vault, pool.share_mint, pool.min_capital),
        (
            mint,
            capital_vault_pda(&mint),
            capital_shares_pda(&mint),
            1_000 * UNIT
        )
    );
    assert_eq!(
        (pool.capital, pool.shares, pool.owed(), pool.lines),
        (0, 0, 0, 0)
    );
    assert_eq!(pool.mcr_bps, DEFAULT_MCR_BPS);
    let account = t.account(&capital_shares_pda(&mint)).await.unwrap();
    assert_eq!(account.owner, spl_token_2022::ID);
    let state = StateWithExtensions::<MintState>::unpack(&account.data).unwrap();
    assert_eq!(state.base.decimals, 6);
    assert_eq!(
        Option::<Pubkey>::from(state.base.mint_authority),
        Some(capital_pool_pda(&mint))
    );
    assert_eq!(Option::<Pubkey>::from(state.base.freeze_authority), None);
    let pointer = state.get_extension::<MetadataPointer>().unwrap();
    assert_eq!(
        Option::<Pubkey>::from(pointer.metadata_address),
        Some(capital_shares_pda(&mint))
    );
    let metadata = state
        .get_variable_len_extension::<anchor_spl::compat::spl_token_metadata_interface::state::TokenMetadata>()
        .unwrap();
    assert_eq!(
        (metadata.name.as_str(), metadata.symbol.as_str()),
        ("Bulwark capital USDC", "bwCAP")
    );
    assert_eq!(metadata.uri, "https://bulwark.example/capital/usdc.json");

    // Governance only, once per mint, on listed mints only.
    let stranger = t.user().await;
    let other = t.create_mint(6, &spl_token::ID).await;
    t.set_mint_params_only(&other).await;
    let ix = create_capital_pool(&stranger.pubkey(), &other, &spl_token::ID, create_args(0));
    t.send_err(ix, &[&stranger], BulwarkError::NotAuthority)
        .await;
    let authority = t.authority.insecure_clone();
    // The requirement's share of the lines is bounded: 10%..=100%.
    for mcr_bps in [MIN_MCR_BPS - 1, MAX_MCR_BPS + 1] {
        let ix = create_capital_pool(
            &authority.pubkey(),
            &other,
            &spl_token::ID,
            CreateCapitalPoolArgs {
                mcr_bps,
                ..create_args(0)
            },
        );
        t.send_err(ix, &[&authority], BulwarkError::InvalidCapitalRequirement)
            .await;
    }
    let again = create_capital_pool(&authority.pubkey(), &mint, &spl_token::ID, create_args(0));
    assert!(t.send(&[again], &[&authority]).await.is_err());
    let unlisted = t.create_mint(6, &spl_token::ID).await;
    let ix = create_capital_pool(
        &authority.pubkey(),
        &unlisted,
        &spl_token::ID,
        create_args(0),
    );
    assert!(t.send(&[ix], &[&authority]).await.is_err());
    assert!(!t.exists(&capital_pool_pda(&unlisted)).await);
}

#[tokio::test]
async fn members_deposit_at_the_books_price_and_leave_after_the_delay() {
    let (mut t, mint) = capital(0).await;
    let (ann, ann_token) = member(&mut t, &mint, 1_000 * UNIT).await;
    let (ben, ben_token) = member(&mut t, &mint, 500 * UNIT).await;
    let ix = deposit_capital(
        &ann.pubkey(),
        &mint,
        &spl_token::ID,
        &ann_token,
        1_000 * UNIT,
        0,
    );
    let create = create_share_account(&ann.pubkey(), &ann.pubkey(), &mint);
    let outcome = t.send_ok(&[create, ix], &[&ann]).await;
    record_compute_units("deposit_capital (creates the share account)", &outcome);
    // The first deposit: one share per unit (one virtual share over one virtual unit).
    assert_eq!(
        t.balance(&capital_shares_account(&ann.pubkey(), &mint))
            .await,
        1_000 * UNIT
    );
    // A slippage guard above what the deposit mints refuses it.
    let ix = deposit_capital(
        &ben.pubkey(),
        &mint,
        &spl_token::ID,
        &ben_token,
        500 * UNIT,
        500 * UNIT + 1,
    );
    t.send_ok(
        &[create_share_account(&ben.pubkey(), &ben.pubkey(), &mint)],
        &[&ben],
    )
    .await;
    t.send_err(ix, &[&ben], BulwarkError::SharesBelowMinimum)
        .await;
    let ix = deposit_capital(
        &ben.pubkey(),
        &mint,
        &spl_token::ID,
        &ben_token,
        500 * UNIT,
        0,
    );
    t.send_ok(&[ix], &[&ben]).await;
    let pool: CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    assert_eq!((pool.capital, pool.shares), (1_500 * UNIT, 1_500 * UNIT));
    assert_eq!(t.balance(&capital_vault_pda(&mint)).await, 1_500 * UNIT);

    // Ann asks to leave with 400 shares: they are burnt now, paid after the delay.
    let ix = request_capital_exit(&ann.pubkey(), &mint, 0, 400 * UNIT);
    let outcome = t.send_ok(&[ix], &[&ann]).await;
    record_compute_units("request_capital_exit", &outcome);
    let shares = capital_shares_account(&ann.pubkey(), &mint);
    assert_eq!(t.balance(&shares).await, 600 * UNIT);
    let exit_key = capital_exit_pda(&capital_pool_pda(&mint), &ann.pubkey(), 0);
    let exit: CapitalExit = t.load(&exit_key).await;
    let requested = t.now().await;
    assert_eq!(
        (exit.shares, exit.value_at_request, exit.ready_at),
        (
            400 * UNIT,
            400 * UNIT,
            requested + i64::from(DEFAULT_CAPITAL_EXIT_DELAY)
        )
    );
    let execute = execute_capital_exit(&ann.pubkey(), &mint, &spl_token::ID, 0, &ann_token);
    t.send_err(execute.clone(), &[&ann], BulwarkError::CapitalExitNotReady)
        .await;
    // Someone else cannot execute it.
    let ix = execute_capital_exit(&ben.pubkey(), &mint, &spl_token::ID, 0, &ben_token);
    assert!(t.send(&[ix], &[&ben]).await.is_err());
    t.warp_to_time(exit.ready_at).await;
    let outcome = t.send_ok(&[execute], &[&ann]).await;
    record_compute_units("execute_capital_exit", &outcome);
    assert_eq!(t.balance(&ann_token).await, 400 * UNIT);
    assert!(!t.exists(&exit_key).await, "the exit record is closed");
    let pool: CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    assert_eq!(
        (pool.capital, pool.shares, pool.exiting_shares),
        (1_100 * UNIT, 1_100 * UNIT, 0)
    );
    assert_eq!(t.balance(&capital_vault_pda(&mint)).await, pool.capital);
}

#[tokio::test]
async fn an_exit_below_the_minimum_capital_waits_and_pauses_stop_exits() {
    let (mut t, mint) = capital(800 * UNIT).await;
    let (ann, ann_token) = member(&mut t, &mint, 1_000 * UNIT).await;
    let ix = deposit_capital(
        &ann.pubkey(),
        &mint,
        &spl_token::ID,
        &ann_token,
        1_000 * UNIT,
        0,
    );
    let create = create_share_account(&ann.pubkey(), &ann.pubkey(), &mint);
    t.send_ok(&[create, ix], &[&ann]).await;
    let ix = request_capital_exit(&ann.pubkey(), &mint, 7, 300 * UNIT);
    t.send_ok(&[ix], &[&ann]).await;
    let now = t.now().await;
    t.warp_to_time(now + i64::from(DEFAULT_CAPITAL_EXIT_DELAY))
        .await;
    let execute = execute_capital_exit(&ann.pubkey(), &mint, &spl_token::ID, 7, &ann_token);
    // 1,000 − 300 leaves 700 < 800.
    t.send_err(execute.clone(), &[&ann], BulwarkError::BelowMinimumCapital)
        .await;
    let authority = t.authority.insecure_clone();
    // The requirement changes through the timelock (the kit's delay is 0).
    let capital = capital_pool_pda(&mint);
    let state: CapitalPool = t.load(&capital).await;
    let id = t.load::<Config>(&config_pda()).await.proposal_count;
    let requirement = |min_capital, mcr_bps, signer: &Pubkey| {
        create_proposal(
            signer,
            id,
            capital_requirement_changes(&capital, &state, min_capital, mcr_bps),
            [0; 32],
            String::new(),
        )
    };
    t.send_err(
        requirement(700 * UNIT, MIN_MCR_BPS - 1, &authority.pubkey()),
        &[&authority],
        BulwarkError::InvalidCapitalRequirement,
    )
    .await;
    let stranger = t.user().await;
    t.send_err(
        requirement(0, MAX_MCR_BPS - 1, &stranger.pubkey()),
        &[&stranger],
        BulwarkError::NotAuthority,
    )
    .await;
    t.send_ok(
        &[requirement(700 * UNIT, MIN_MCR_BPS, &authority.pubkey())],
        &[&authority],
    )
    .await;
    // It names the capital pool it changes: executing without it fails.
    t.send_err(
        execute_proposal(&ann.pubkey(), id, &authority.pubkey(), None),
        &[&ann],
        BulwarkError::WrongProposalTarget,
    )
    .await;
    t.send_ok(
        &[execute_proposal(
            &ann.pubkey(),
            id,
            &authority.pubkey(),
            Some(capital),
        )],
        &[&ann],
    )
    .await;
    let pool: CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    assert_eq!((pool.min_capital, pool.mcr_bps), (700 * UNIT, MIN_MCR_BPS));
    t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_WITHDRAW)],
        &[&authority],
    )
    .await;
    t.send_err(execute.clone(), &[&ann], BulwarkError::WithdrawalsPaused)
        .await;
    t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    t.send_ok(&[execute], &[&ann]).await;
    assert_eq!(t.balance(&ann_token).await, 300 * UNIT);
    let pool: CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    assert_eq!(pool.capital, 700 * UNIT);
}

/// A member of the market's capital pool with `amount` deposited.
async fn join(m: &mut Market, amount: u64) -> (Keypair, Pubkey) {
    let (member, token) = m.t.funded_user(&m.mint, amount).await;
    let ixs = [
        create_share_account(&member.pubkey(), &member.pubkey(), &m.mint),
        deposit_capital(&member.pubkey(), &m.mint, &spl_token::ID, &token, amount, 0),
    ];
    m.t.send_ok(&ixs, &[&member]).await;
    (member, token)
}

async fn capital_of(m: &mut Market) -> CapitalPool {
    let key = capital_pool_pda(&m.mint);
    m.t.load(&key).await
}

async fn crank(m: &mut Market, max_amount: u64) -> TxOutcome {
    let payer = m.t.payer().pubkey();
    let ix = grant_leverage(&payer, &m.pool.keys.pool, &m.mint, max_amount);
    m.t.send_ok(&[ix], &[]).await
}

async fn pool_of(m: &mut Market) -> Pool {
    let key = m.pool.keys.pool;
    m.t.load_zc(&key).await
}

/// Without capital a pool sells 1x its stake and a sale beyond is refused with its own error;
/// the crank grants lines up to the capital above the requirement and never beyond, and a
/// purchase uses the line only as far as it goes (the ratio it was sold at is recorded).
#[tokio::test]
async fn leverage_needs_capital_and_lines_stay_within_the_capital_above_the_requirement() {
    let stake = 1_000_000 * UNIT;
    let mut m = market_with(stake, 0, spl_token::ID).await;
    let owner = m.buyer.pubkey();
    m.buy_err(
        m.cover_of(0, stake + 1, YEAR),
        BulwarkError::LeverageUnavailable,
    )
    .await;
    m.buy(m.cover_of(0, 400_000 * UNIT, YEAR)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 0)).await;
    assert_eq!(cover.allocations[0].ratio_bps, 10_000);
    let line = pool_of(&mut m).await.line;
    assert_eq!((line.available, line.used, line.booked), (0, 0, 0));

    // 300,000 of capital: the crank grants all of it (the requirement is 100% of the lines),
    // then nothing more.
    let (ann, ann_token) = join(&mut m, 300_000 * UNIT).await;
    let outcome = crank(&mut m, u64::MAX).await;
    record_compute_units("grant_leverage", &outcome);
    let granted_at = m.t.now().await;
    let capital = capital_of(&mut m).await;
    assert_eq!(
        (capital.lines, capital.minimum_capital().unwrap()),
        (300_000 * UNIT, 300_000 * UNIT)
    );
    let line = pool_of(&mut m).await.line;
    assert_eq!(
        (line.available, line.used, line.booked, line.expires_at),
        (
            300_000 * UNIT,
            0,
            300_000 * UNIT,
            granted_at + LEVERAGE_LINE_TTL
        )
    );
    if sbf_mode() {
        let event = &outcome.events_of::<LeverageGranted>()[0];
        assert_eq!((event.returned, event.granted), (0, 300_000 * UNIT));
    }
    // Another crank three days later grants nothing and keeps the line's lapse time: no crank
    // keeps an unused line alive.
    m.t.warp_days(3).await;
    crank(&mut m, u64::MAX).await;
    assert_eq!(capital_of(&mut m).await.lines, 300_000 * UNIT);
    assert_eq!(
        pool_of(&mut m).await.line.expires_at,
        granted_at + LEVERAGE_LINE_TTL
    );

    // 600,000 of stake is free: with the 300,000 line it sells 900,000 (at 1.5x), not more.
    m.buy_err(
        m.cover_of(1, 900_000 * UNIT + 1, YEAR),
        BulwarkError::LeverageUnavailable,
    )
    .await;
    m.buy(m.cover_of(1, 900_000 * UNIT, YEAR)).await;
    let cover: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    assert_eq!(cover.allocations[0].ratio_bps, 15_000);
    let line = pool_of(&mut m).await.line;
    assert_eq!((line.available, line.used), (0, 300_000 * UNIT));

    // At a requirement of 50%, 300,000 of lines need 150,000: the crank adds 150,000.
    let mint = m.mint;
    m.t.set_capital_requirement(&mint, 0, 5_000).await;
    crank(&mut m, u64::MAX).await;
    let capital = capital_of(&mut m).await;
    assert_eq!(
        (capital.lines, capital.minimum_capital().unwrap()),
        (450_000 * UNIT, 225_000 * UNIT)
    );
    assert!(capital.minimum_capital().unwrap() <= capital.net_capital());

    // An exit below the requirement is refused; once the unused line lapsed and a crank
    // returned it, the requirement is 150,000 and half the capital can leave, not more.
    for id in [0, 1] {
        let ix = request_capital_exit(&ann.pubkey(), &m.mint, id, 150_000 * UNIT);
        m.t.send_ok(&[ix], &[&ann]).await;
    }
    let now = m.t.now().await;
    m.t.warp_to_time(now + i64::from(DEFAULT_CAPITAL_EXIT_DELAY))
        .await;
    let execute = |id| execute_capital_exit(&ann.pubkey(), &m.mint, &spl_token::ID, id, &ann_token);
    let (first, second) = (execute(0), execute(1));
    m.t.send_err(first.clone(), &[&ann], BulwarkError::BelowMinimumCapital)
        .await;
    let outcome = crank(&mut m, 0).await;
    if sbf_mode() {
        let event = &outcome.events_of::<LeverageGranted>()[0];
        assert_eq!((event.returned, event.granted), (150_000 * UNIT, 0));
    }
    assert_eq!(
        capital_of(&mut m).await.minimum_capital().unwrap(),
        150_000 * UNIT
    );
    let outcome = m.t.send_ok(&[first], &[&ann]).await;
    record_compute_units("execute_capital_exit", &outcome);
    assert_eq!(m.t.balance(&ann_token).await, 150_000 * UNIT);
    m.t.send_err(second, &[&ann], BulwarkError::BelowMinimumCapital)
        .await;
}

/// The capital pool is the payer of last resort: a claim larger than the stake and the
/// capital left is paid in part and the rest owed; later capital pays the debts in the order
/// they were recorded — a later claim gets only what lies beyond an earlier one's place.
#[tokio::test]
async fn claims_beyond_stake_and_capital_are_owed_and_paid_in_queue_order() {
    let stake = 100_000 * UNIT;
    let mut m = market_with(stake, 0, spl_token::ID).await;
    // A second product on the same stake (weights add up to 200%).
    let second = m.t.create_default_product().await;
    m.t.add_product(&m.pool, second, 100, 250).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(0, stake, YEAR)).await;
    for (nonce, amount) in [(1, 60_000 * UNIT), (2, 40_000 * UNIT)] {
        m.buy(BuyCoverArgs {
            product_id: second,
            ..cover_args(nonce, owner, second, vec![amount], YEAR)
        })
        .await;
    }
    // The first claim takes the whole stake.
    m.pay_claim(0, stake).await;
    assert_eq!(pool_of(&mut m).await.total_stake, 0);
    // Ann's 25,000 is all the capital there is when the next claim is redeemed.
    let (_ann, _) = join(&mut m, 25_000 * UNIT).await;
    let claims = [(1u64, 60_000 * UNIT), (2, 40_000 * UNIT)].map(|(nonce, amount)| {
        let keys = CoverKeys {
            product_id: second,
            ..m.cover_keys(nonce, vec![m.pool.keys.pool])
        };
        (keys, amount)
    });
    let mut claim_keys = Vec::new();
    for (keys, amount) in &claims {
        claim_keys.push(accept_and_redeem(&mut m, keys, *amount).await);
    }
    let first: Claim = m.t.load(&claim_keys[0]).await;
    assert_eq!(
        (
            first.staker_paid,
            first.capital_paid,
            first.owed,
            first.debt_position,
            first.closed
        ),
        (0, 25_000 * UNIT, 35_000 * UNIT, 25_000 * UNIT, false)
    );
    let second_claim: Claim = m.t.load(&claim_keys[1]).await;
    assert_eq!(
        (
            second_claim.capital_paid,
            second_claim.owed,
            second_claim.debt_position
        ),
        (0, 40_000 * UNIT, 60_000 * UNIT)
    );
    let capital = capital_of(&mut m).await;
    assert_eq!(
        (capital.capital, capital.owed(), capital.net_capital()),
        (0, 75_000 * UNIT, 0)
    );
    // Ann's shares are worth nothing now: the pool sells no more shares.
    let (ben, ben_token) = m.t.funded_user(&m.mint, 100_000 * UNIT).await;
    let create = create_share_account(&ben.pubkey(), &ben.pubkey(), &m.mint);
    m.t.send_ok(&[create], &[&ben]).await;
    let ix = deposit_capital(&ben.pubkey(), &m.mint, &spl_token::ID, &ben_token, UNIT, 0);
    m.t.send_err(ix, &[&ben], BulwarkError::CapitalPoolInsolvent)
        .await;
    // 50,000 arrives. The later claim is paid only what lies beyond the earlier one's place
    // (positions 60,000..75,000), the earlier one all it is owed.
    let ix = contribute_capital(
        &ben.pubkey(),
        &m.mint,
        &spl_token::ID,
        &ben_token,
        50_000 * UNIT,
    );
    let outcome = m.t.send_ok(&[ix], &[&ben]).await;
    record_compute_units("contribute_capital", &outcome);
    let payer = m.t.payer().pubkey();
    let buyer_token = m.buyer_token;
    for (index, paid) in [(1usize, 15_000 * UNIT), (0, 35_000 * UNIT)] {
        let before = m.t.balance(&buyer_token).await;
        let ix = redeem_owed(&payer, &claims[index].0, &claim_keys[index], &buyer_token);
        m.t.send_ok(&[ix], &[]).await;
        assert_eq!(m.t.balance(&buyer_token).await, before + paid);
    }
    let first: Claim = m.t.load(&claim_keys[0]).await;
    assert!(first.closed && first.owed == 0 && first.paid_amount == 60_000 * UNIT);
    let second_claim: Claim = m.t.load(&claim_keys[1]).await;
    assert_eq!(
        (
            second_claim.capital_paid,
            second_claim.owed,
            second_claim.closed
        ),
        (15_000 * UNIT, 25_000 * UNIT, false)
    );
    let owed = redeem_owed(&payer, &claims[1].0, &claim_keys[1], &buyer_token);
    m.t.send_err(owed.clone(), &[], BulwarkError::DebtNotFunded)
        .await;
    let ix = contribute_capital(
        &ben.pubkey(),
        &m.mint,
        &spl_token::ID,
        &ben_token,
        25_000 * UNIT,
    );
    m.t.send_ok(&[ix], &[&ben]).await;
    m.t.send_ok(&[owed], &[]).await;
    let second_claim: Claim = m.t.load(&claim_keys[1]).await;
    assert!(second_claim.closed && second_claim.paid_amount == 40_000 * UNIT);
    let capital = capital_of(&mut m).await;
    assert_eq!(
        (capital.capital, capital.owed(), capital.claims_paid),
        (0, 0, 100_000 * UNIT)
    );
}

/// Files `amount` on the cover of `keys`, has it accepted and redeems it; returns the claim.
async fn accept_and_redeem(m: &mut Market, keys: &CoverKeys, amount: u64) -> Pubkey {
    let buyer = m.buyer.insecure_clone();
    let cover: Cover = m.t.load(&keys.cover).await;
    let ix = file_claim(
        &buyer.pubkey(),
        keys,
        cover.claim_count,
        &m.buyer_token,
        claim_args(amount, cover.start),
    );
    m.t.next_slot().await;
    m.t.send_ok(&[ix], &[&buyer]).await;
    let claim = claim_pda(&keys.cover, cover.claim_count);
    let (voter, _) = m.t.assessor(UNIT).await;
    m.t.send_ok(&[vote(&voter.pubkey(), &claim, true)], &[&voter])
        .await;
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.cooldown_end().unwrap()).await;
    let payer = m.t.payer().pubkey();
    let ix = redeem_payout(&payer, keys, &claim, &m.buyer_token, &m.buyer_token);
    m.t.send_ok(&[ix], &[]).await;
    claim
}

/// A member who asks to leave before a loss is paid the lower price: the exit neither escapes
/// the loss nor blocks the payout.
#[tokio::test]
async fn an_exit_requested_before_a_loss_settles_at_the_lower_price() {
    let stake = 100_000 * UNIT;
    let mut m = market_with(stake, 0, spl_token::ID).await;
    let (ann, ann_token) = join(&mut m, 100_000 * UNIT).await;
    join(&mut m, 100_000 * UNIT).await;
    m.buy(m.cover_of(0, 2 * stake, YEAR)).await;
    let ix = request_capital_exit(&ann.pubkey(), &m.mint, 0, 100_000 * UNIT);
    m.t.send_ok(&[ix], &[&ann]).await;
    let exit: CapitalExit =
        m.t.load(&capital_exit_pda(
            &capital_pool_pda(&m.mint),
            &ann.pubkey(),
            0,
        ))
        .await;
    assert_eq!(exit.value_at_request, 100_000 * UNIT);
    // The whole 2x cover is paid: the stake 100,000, the capital pool 100,000.
    let capital_before = capital_of(&mut m).await.capital;
    m.pay_claim(0, 2 * stake).await;
    let capital = capital_of(&mut m).await;
    assert_eq!(capital.capital, capital_before - 100_000 * UNIT);
    assert_eq!(capital.value_of(100_000 * UNIT).unwrap(), 50_000 * UNIT);
    // After the delay the unused line has lapsed; a crank returns it and the exit is paid at
    // the lower price.
    let now = m.t.now().await;
    m.t.warp_to_time(exit.ready_at.max(now)).await;
    let execute = execute_capital_exit(&ann.pubkey(), &m.mint, &spl_token::ID, 0, &ann_token);
    crank(&mut m, 0).await;
    assert_eq!(capital_of(&mut m).await.lines, 0);
    let outcome = m.t.send_ok(&[execute], &[&ann]).await;
    if sbf_mode() {
        let event = &outcome.events_of::<CapitalExitExecuted>()[0];
        assert_eq!(
            (event.value_at_request, event.value_now, event.paid),
            (100_000 * UNIT, 50_000 * UNIT, 50_000 * UNIT)
        );
    }
    assert_eq!(m.t.balance(&ann_token).await, 50_000 * UNIT);
    let capital = capital_of(&mut m).await;
    assert_eq!(
        (capital.capital, capital.shares),
        (50_000 * UNIT, 100_000 * UNIT)
    );
}

/// Purchases on two pools of one mint write disjoint accounts — neither the capital pool nor
/// any other shared account — and both execute, so the runtime can run them in parallel. The
/// capital pool's account is not touched by either.
#[tokio::test]
async fn purchases_on_two_pools_of_one_mint_write_disjoint_accounts() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let other = m.more_pools(&[250], stake).await[0];
    let pools = [m.pool.keys.pool, other];
    m.grant(&pools).await;
    let capital_key = capital_pool_pda(&m.mint);
    let capital_before = m.t.account(&capital_key).await.unwrap();
    let (second_buyer, second_token) = m.t.funded_user(&m.mint, 1_000_000 * UNIT).await;
    let first = m.buy_ix(m.cover_of(0, 2 * stake, YEAR), &[pools[0]]);
    let second = buy_cover(
        &second_buyer.pubkey(),
        &second_token,
        &m.mint,
        &spl_token::ID,
        &[pools[1]],
        None,
        m.cover_of(0, 2 * stake, YEAR),
    );
    let writable = |ix: &Instruction| -> std::collections::BTreeSet<Pubkey> {
        ix.accounts
            .iter()
            .filter(|a| a.is_writable)
            .map(|a| a.pubkey)
            .collect()
    };
    let (a, b) = (writable(&first), writable(&second));
    assert!(
        a.is_disjoint(&b),
        "shared writable accounts: {:?}",
        a.intersection(&b)
    );
    assert!(!a.contains(&capital_key) && !b.contains(&capital_key));
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(&[first], &[&buyer]).await;
    m.t.send_ok(&[second], &[&second_buyer]).await;
    for pool in pools {
        let state: Pool = m.t.load_zc(&pool).await;
        assert_eq!(state.line.used, stake);
    }
    assert_eq!(m.t.account(&capital_key).await.unwrap(), capital_before);
}
