//! deposit_stake, extend_stake, archive_tranche, withdraw_stake.

use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::{CreatePoolArgs, DepositStakeArgs, ExtendStakeArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Pool, StakePosition, TrancheArchive, TrancheSlot};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const UNIT: u64 = 1_000_000;

struct Setup {
    t: TestContext,
    pool: PoolFixture,
    mint: Pubkey,
}

async fn setup_with(token_program: &Pubkey) -> Setup {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, token_program).await;
    let pool = t.open_public_pool(&mint).await;
    // Start in the middle of a tranche so "current" and "next" are unambiguous.
    t.warp_to_tranche(230, 10 * SECONDS_PER_DAY).await;
    Setup { t, pool, mint }
}

async fn setup() -> Setup {
    setup_with(&spl_token::ID).await
}

fn deposit_args(position_id: u64, tranche_id: u64, amount: u64) -> DepositStakeArgs {
    DepositStakeArgs {
        position_id,
        tranche_id,
        amount,
    }
}

/// Archive (if still in the ring) and withdraw in one transaction, as the SDK does.
async fn archive_and_withdraw(
    t: &mut TestContext,
    keys: &PoolKeys,
    owner: &Keypair,
    owner_token: &Pubkey,
    position_id: u64,
    tranche_id: u64,
) -> TxOutcome {
    let payer = t.payer().pubkey();
    let mut ixs = Vec::new();
    if !t.exists(&archive_pda(&keys.pool, tranche_id)).await {
        ixs.push(archive_tranche(&payer, &keys.pool, tranche_id));
    }
    let rent_payer = if ixs.is_empty() {
        let archive: TrancheArchive = t.load(&archive_pda(&keys.pool, tranche_id)).await;
        archive.rent_payer
    } else {
        payer
    };
    ixs.push(withdraw_stake(
        &owner.pubkey(),
        keys,
        position_id,
        tranche_id,
        &rent_payer,
        owner_token,
    ));
    t.send_ok(&ixs, &[owner]).await
}

#[tokio::test]
async fn deposit_opens_a_position_and_moves_exact_tokens() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 1_000 * UNIT).await;
    let current = t.current_tranche().await;
    let outcome = t
        .deposit(&staker, &pool.keys, &token, 1, current + 2, 400 * UNIT)
        .await;
    record_compute_units("deposit_stake (new position)", &outcome);

    assert_eq!(t.balance(&token).await, 600 * UNIT);
    assert_eq!(t.balance(&pool.keys.vault).await, 400 * UNIT);
    let position_key = position_pda(&pool.keys.pool, &staker.pubkey(), 1);
    let position: StakePosition = t.load(&position_key).await;
    assert_eq!(position.owner, staker.pubkey());
    assert_eq!(position.pool, pool.keys.pool);
    assert_eq!(position.position_id, 1);
    assert_eq!(position.tranche_id, current + 2);
    assert_eq!(position.shares, u128::from(400 * UNIT));
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.total_stake, 400 * UNIT);
    assert_eq!(
        state.slot(current + 2),
        Some(&TrancheSlot {
            tranche_id: current + 2,
            stake: 400 * UNIT,
            shares: u128::from(400 * UNIT).into(),
            ..TrancheSlot::default()
        })
    );
    if sbf_mode() {
        let events = outcome.events_of::<StakeDeposited>();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].position, position_key);
        assert_eq!(events[0].amount, 400 * UNIT);
        assert_eq!(events[0].shares_minted, u128::from(400 * UNIT));
        assert_eq!(events[0].pool_total_stake, 400 * UNIT);
    }

    // Topping up the same position in the same tranche.
    let outcome = t
        .deposit(&staker, &pool.keys, &token, 1, current + 2, 100 * UNIT)
        .await;
    record_compute_units("deposit_stake (top-up)", &outcome);
    let position: StakePosition = t.load(&position_key).await;
    assert_eq!(position.shares, u128::from(500 * UNIT));
    assert_eq!(t.balance(&pool.keys.vault).await, 500 * UNIT);

    // A second position of the same staker in another tranche.
    t.deposit(&staker, &pool.keys, &token, 2, current + 7, 50 * UNIT)
        .await;
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.total_stake, 550 * UNIT);
    assert_eq!(t.balance(&token).await, 450 * UNIT);
}

#[tokio::test]
async fn deposit_rejects_bad_arguments() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 1_000 * UNIT).await;
    let s = staker.pubkey();
    let current = t.current_tranche().await;
    let keys = pool.keys;
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(1, current, 0)),
        &[&staker],
        BulwarkError::ZeroAmount,
    )
    .await;
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(1, current + 8, UNIT)),
        &[&staker],
        BulwarkError::InvalidTranche,
    )
    .await;
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(1, current - 1, UNIT)),
        &[&staker],
        BulwarkError::InvalidTranche,
    )
    .await;
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(1, u64::MAX, UNIT)),
        &[&staker],
        BulwarkError::InvalidTranche,
    )
    .await;
    t.deposit(&staker, &keys, &token, 1, current, UNIT).await;
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(1, current + 1, UNIT)),
        &[&staker],
        BulwarkError::PositionTrancheMismatch,
    )
    .await;
    // More than the staker holds: a Bulwark error before any transfer, nothing moves.
    t.send_err(
        deposit_stake(&s, &keys, &token, deposit_args(2, current, 1_000 * UNIT)),
        &[&staker],
        BulwarkError::InsufficientBalance,
    )
    .await;
    assert!(!t.exists(&position_pda(&keys.pool, &s, 2)).await);
    assert_eq!(t.balance(&token).await, 999 * UNIT);
    assert_eq!(t.balance(&keys.vault).await, UNIT);
    let state: Pool = t.load_zc(&keys.pool).await;
    assert_eq!(state.total_stake, UNIT);
}

#[tokio::test]
async fn deposit_rejects_wrong_accounts() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 10 * UNIT).await;
    let s = staker.pubkey();
    let current = t.current_tranche().await;
    let keys = pool.keys;
    let args = deposit_args(1, current, UNIT);

    // A token account on another mint.
    let other_mint = t.create_mint(6, &spl_token::ID).await;
    let (_, other_token) = t.funded_user(&other_mint, 0).await;
    let foreign = t.create_token_account(&s, &other_mint).await;
    t.mint_to(&other_mint, &foreign, UNIT).await;
    t.send_err(
        deposit_stake(&s, &keys, &foreign, args.clone()),
        &[&staker],
        BulwarkError::WrongMint,
    )
    .await;
    // Somebody else's token account.
    let (_, stranger_token) = t.funded_user(&mint, UNIT).await;
    t.send_err(
        deposit_stake(&s, &keys, &stranger_token, args.clone()),
        &[&staker],
        BulwarkError::WrongTokenOwner,
    )
    .await;
    // Another mint account, vault or token program than the pool's.
    let bad_mint = PoolKeys {
        mint: other_mint,
        ..keys
    };
    t.send_err(
        deposit_stake(&s, &bad_mint, &token, args.clone()),
        &[&staker],
        BulwarkError::WrongMint,
    )
    .await;
    let bad_vault = PoolKeys {
        vault: other_token,
        ..keys
    };
    t.send_err(
        deposit_stake(&s, &bad_vault, &token, args.clone()),
        &[&staker],
        BulwarkError::WrongVault,
    )
    .await;
    let bad_program = PoolKeys {
        token_program: spl_token_2022::ID,
        ..keys
    };
    t.send_err(
        deposit_stake(&s, &bad_program, &token, args.clone()),
        &[&staker],
        BulwarkError::WrongTokenProgram,
    )
    .await;
    // A position PDA derived for another owner.
    let mut wrong_position = deposit_stake(&s, &keys, &token, args.clone());
    swap_account(
        &mut wrong_position,
        &position_pda(&keys.pool, &s, 1),
        &position_pda(&keys.pool, &stranger_token, 1),
    );
    t.send_anchor_err(wrong_position, &[&staker], AnchorError::ConstraintSeeds)
        .await;
    // A pool account that is not a pool (the vault, owned by the token program).
    let mut fake_pool = deposit_stake(&s, &keys, &token, args.clone());
    fake_pool.accounts[2].pubkey = keys.vault;
    t.send_anchor_err(
        fake_pool,
        &[&staker],
        AnchorError::AccountOwnedByWrongProgram,
    )
    .await;
    // A program account of the wrong type (the config where the pool goes).
    let mut cosplay = deposit_stake(&s, &keys, &token, args.clone());
    cosplay.accounts[2].pubkey = config_pda();
    t.send_anchor_err(
        cosplay,
        &[&staker],
        AnchorError::AccountDiscriminatorMismatch,
    )
    .await;
    // The owner must sign.
    let mut unsigned = deposit_stake(&s, &keys, &token, args.clone());
    unsigned.accounts[0].is_signer = false;
    t.send_anchor_err(unsigned, &[], AnchorError::AccountNotSigner)
        .await;

    assert_eq!(t.balance(&token).await, 10 * UNIT);
    assert_eq!(t.balance(&keys.vault).await, 0);
    let state: Pool = t.load_zc(&keys.pool).await;
    assert_eq!(state.total_stake, 0);
}

#[tokio::test]
async fn private_pool_takes_deposits_from_its_manager_only() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    let pool = t
        .open_pool(
            &mint,
            CreatePoolArgs {
                manager_fee_bps: 0,
                max_manager_fee_bps: 0,
                private: true,
            },
        )
        .await;
    let current = t.current_tranche().await;
    let (outsider, outsider_token) = t.funded_user(&mint, UNIT).await;
    t.send_err(
        deposit_stake(
            &outsider.pubkey(),
            &pool.keys,
            &outsider_token,
            deposit_args(0, current, UNIT),
        ),
        &[&outsider],
        BulwarkError::PrivatePool,
    )
    .await;
    let manager = pool.manager.insecure_clone();
    let manager_token = t.create_token_account(&manager.pubkey(), &mint).await;
    t.mint_to(&mint, &manager_token, UNIT).await;
    t.deposit(&manager, &pool.keys, &manager_token, 0, current, UNIT)
        .await;
    assert_eq!(t.balance(&pool.keys.vault).await, UNIT);
}

#[tokio::test]
async fn paused_staking_blocks_deposits_and_extensions_paused_withdrawals_block_exits() {
    let Setup { mut t, pool, mint } = setup().await;
    let authority = t.authority.insecure_clone();
    let (staker, token) = t.funded_user(&mint, 10 * UNIT).await;
    let s = staker.pubkey();
    let current = t.current_tranche().await;
    t.deposit(&staker, &pool.keys, &token, 1, current, UNIT)
        .await;

    t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_STAKE)],
        &[&authority],
    )
    .await;
    t.send_err(
        deposit_stake(&s, &pool.keys, &token, deposit_args(2, current, UNIT)),
        &[&staker],
        BulwarkError::StakingPaused,
    )
    .await;
    t.send_err(
        extend_stake(
            &s,
            &pool.keys,
            1,
            &token,
            ExtendStakeArgs {
                new_tranche_id: current + 1,
                top_up_amount: 0,
            },
        ),
        &[&staker],
        BulwarkError::StakingPaused,
    )
    .await;

    t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_WITHDRAW)],
        &[&authority],
    )
    .await;
    t.warp_to_time(tranche_end(current).unwrap()).await;
    let payer = t.payer().pubkey();
    // Archiving is bookkeeping and stays open; the withdrawal itself is paused.
    t.send_ok(&[archive_tranche(&payer, &pool.keys.pool, current)], &[])
        .await;
    t.send_err(
        withdraw_stake(&s, &pool.keys, 1, current, &payer, &token),
        &[&staker],
        BulwarkError::WithdrawalsPaused,
    )
    .await;
    assert_eq!(t.balance(&token).await, 9 * UNIT);

    t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    t.send_ok(
        &[withdraw_stake(&s, &pool.keys, 1, current, &payer, &token)],
        &[&staker],
    )
    .await;
    assert_eq!(t.balance(&token).await, 10 * UNIT);
}

#[tokio::test]
async fn stake_unlocks_exactly_when_its_tranche_ends() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 1_000 * UNIT).await;
    let s = staker.pubkey();
    let tranche = t.current_tranche().await + 1;
    t.deposit(&staker, &pool.keys, &token, 7, tranche, 250 * UNIT)
        .await;
    let end = tranche_end(tranche).unwrap();
    let payer = t.payer().pubkey();

    // One second before the end: neither archiving nor withdrawing is possible.
    t.warp_to_time(end - 1).await;
    t.send_err(
        archive_tranche(&payer, &pool.keys.pool, tranche),
        &[],
        BulwarkError::TrancheNotEnded,
    )
    .await;
    t.send_anchor_err(
        withdraw_stake(&s, &pool.keys, 7, tranche, &payer, &token),
        &[&staker],
        AnchorError::AccountNotInitialized,
    )
    .await;
    assert_eq!(t.balance(&token).await, 750 * UNIT);

    // One second after: the exact amount comes back and the position closes.
    t.warp_to_time(end + 1).await;
    let position_key = position_pda(&pool.keys.pool, &s, 7);
    let position_rent = t.lamports(&position_key).await;
    let staker_lamports = t.lamports(&s).await;
    let outcome = t
        .send_ok(&[archive_tranche(&payer, &pool.keys.pool, tranche)], &[])
        .await;
    record_compute_units("archive_tranche", &outcome);
    let archive: TrancheArchive = t.load(&archive_pda(&pool.keys.pool, tranche)).await;
    assert_eq!(archive.stake_at_end, 250 * UNIT);
    assert_eq!(archive.shares_at_end, u128::from(250 * UNIT));
    assert_eq!(archive.rent_payer, payer);
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.slot(tranche), None, "the ring slot is free again");
    assert_eq!(
        state.total_stake,
        250 * UNIT,
        "archived stake is still owed"
    );
    if sbf_mode() {
        let events = outcome.events_of::<TrancheArchived>();
        assert_eq!(events[0].stake, 250 * UNIT);
    }

    let payer_lamports = t.lamports(&payer).await;
    let archive_rent = t.lamports(&archive_pda(&pool.keys.pool, tranche)).await;
    let outcome = t
        .send_ok(
            &[withdraw_stake(&s, &pool.keys, 7, tranche, &payer, &token)],
            &[&staker],
        )
        .await;
    record_compute_units("withdraw_stake (last share, closes archive)", &outcome);
    assert_eq!(t.balance(&token).await, 1_000 * UNIT);
    assert_eq!(t.balance(&pool.keys.vault).await, 0);
    assert!(!t.exists(&position_key).await);
    assert!(!t.exists(&archive_pda(&pool.keys.pool, tranche)).await);
    assert_eq!(t.lamports(&s).await, staker_lamports + position_rent);
    // The payer paid this transaction's fee (two signatures, 5,000 lamports each) and got the
    // archive rent back.
    assert_eq!(
        t.lamports(&payer).await,
        payer_lamports + archive_rent - 10_000
    );
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!((state.total_stake, state.treasury_accrued), (0, 0));
    if sbf_mode() {
        let events = outcome.events_of::<StakeWithdrawn>();
        assert_eq!((events[0].stake, events[0].rewards), (250 * UNIT, 0));
        assert_eq!(events[0].pool_total_stake, 0);
    }

    // Withdrawing twice is impossible: the position is gone.
    t.send_anchor_err(
        withdraw_stake(&s, &pool.keys, 7, tranche, &payer, &token),
        &[&staker],
        AnchorError::AccountNotInitialized,
    )
    .await;
}

#[tokio::test]
async fn withdraw_rejects_other_signers_and_rent_receivers() {
    let Setup { mut t, pool, mint } = setup().await;
    let (a, a_token) = t.funded_user(&mint, 10 * UNIT).await;
    let (b, b_token) = t.funded_user(&mint, 10 * UNIT).await;
    let current = t.current_tranche().await;
    t.deposit(&a, &pool.keys, &a_token, 1, current, 5 * UNIT)
        .await;
    t.deposit(&b, &pool.keys, &b_token, 1, current, 3 * UNIT)
        .await;
    t.warp_to_time(tranche_end(current).unwrap()).await;
    let payer = t.payer().pubkey();
    t.send_ok(&[archive_tranche(&payer, &pool.keys.pool, current)], &[])
        .await;

    // B signs for A's position: it is not B's.
    let mut steal = withdraw_stake(&b.pubkey(), &pool.keys, 1, current, &payer, &b_token);
    swap_account(
        &mut steal,
        &position_pda(&pool.keys.pool, &b.pubkey(), 1),
        &position_pda(&pool.keys.pool, &a.pubkey(), 1),
    );
    t.send_err(steal, &[&b], BulwarkError::NotPositionOwner)
        .await;
    // Paying the archive's rent to someone else than its payer.
    t.send_err(
        withdraw_stake(&a.pubkey(), &pool.keys, 1, current, &b.pubkey(), &a_token),
        &[&a],
        BulwarkError::WrongRentPayer,
    )
    .await;
    // A's withdrawal into B's token account.
    t.send_err(
        withdraw_stake(&a.pubkey(), &pool.keys, 1, current, &payer, &b_token),
        &[&a],
        BulwarkError::WrongTokenOwner,
    )
    .await;
    // A second archive of the same tranche cannot be created.
    let err = t
        .send(&[archive_tranche(&payer, &pool.keys.pool, current)], &[])
        .await
        .expect_err("archive exists");
    assert_already_in_use(err);

    t.send_ok(
        &[withdraw_stake(
            &a.pubkey(),
            &pool.keys,
            1,
            current,
            &payer,
            &a_token,
        )],
        &[&a],
    )
    .await;
    assert_eq!(t.balance(&a_token).await, 10 * UNIT);
    // The archive stays open until its last share is withdrawn.
    let archive: TrancheArchive = t.load(&archive_pda(&pool.keys.pool, current)).await;
    assert_eq!(archive.shares_remaining, u128::from(3 * UNIT));
    assert_eq!(archive.stake_remaining, 3 * UNIT);
    t.send_ok(
        &[withdraw_stake(
            &b.pubkey(),
            &pool.keys,
            1,
            current,
            &payer,
            &b_token,
        )],
        &[&b],
    )
    .await;
    assert_eq!(t.balance(&b_token).await, 10 * UNIT);
    assert!(!t.exists(&archive_pda(&pool.keys.pool, current)).await);
}

#[tokio::test]
async fn donations_and_dust_first_deposits_change_nothing_for_later_stakers() {
    let Setup { mut t, pool, mint } = setup().await;
    let current = t.current_tranche().await;
    let (attacker, attacker_token) = t.funded_user(&mint, 1_000_001 * UNIT).await;
    let (victim, victim_token) = t.funded_user(&mint, 1_000 * UNIT).await;

    // The attacker deposits one base unit, then sends a million tokens straight to the vault.
    t.deposit(&attacker, &pool.keys, &attacker_token, 0, current, 1)
        .await;
    let donate = spl_token::instruction::transfer(
        &spl_token::ID,
        &attacker_token,
        &pool.keys.vault,
        &attacker.pubkey(),
        &[],
        1_000_000 * UNIT,
    )
    .unwrap();
    t.send_ok(&[donate], &[&attacker]).await;

    // The victim still gets one share per base unit.
    t.deposit(&victim, &pool.keys, &victim_token, 0, current, 1_000 * UNIT)
        .await;
    let position: StakePosition = t
        .load(&position_pda(&pool.keys.pool, &victim.pubkey(), 0))
        .await;
    assert_eq!(position.shares, u128::from(1_000 * UNIT));
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(
        state.total_stake,
        1_000 * UNIT + 1,
        "the donation is not stake"
    );

    t.warp_to_time(tranche_end(current).unwrap()).await;
    archive_and_withdraw(&mut t, &pool.keys, &victim, &victim_token, 0, current).await;
    archive_and_withdraw(&mut t, &pool.keys, &attacker, &attacker_token, 0, current).await;
    assert_eq!(t.balance(&victim_token).await, 1_000 * UNIT);
    // The attacker kept one token after donating and gets back exactly the base unit staked.
    assert_eq!(t.balance(&attacker_token).await, UNIT - 1 + 1);
    // The donation stays in the vault as surplus; the pool owes nothing more.
    assert_eq!(t.balance(&pool.keys.vault).await, 1_000_000 * UNIT);
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!((state.total_stake, state.treasury_accrued), (0, 0));
}

#[tokio::test]
async fn extend_moves_stake_to_a_later_tranche() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 100 * UNIT).await;
    let s = staker.pubkey();
    let current = t.current_tranche().await;
    t.deposit(&staker, &pool.keys, &token, 3, current, 40 * UNIT)
        .await;
    let outcome = t
        .send_ok(
            &[extend_stake(
                &s,
                &pool.keys,
                3,
                &token,
                ExtendStakeArgs {
                    new_tranche_id: current + 3,
                    top_up_amount: 10 * UNIT,
                },
            )],
            &[&staker],
        )
        .await;
    record_compute_units("extend_stake (with top-up)", &outcome);
    let position: StakePosition = t.load(&position_pda(&pool.keys.pool, &s, 3)).await;
    assert_eq!(position.tranche_id, current + 3);
    assert_eq!(position.shares, u128::from(50 * UNIT));
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.slot(current), None);
    assert_eq!(state.slot(current + 3).unwrap().stake, 50 * UNIT);
    assert_eq!(state.total_stake, 50 * UNIT);
    assert_eq!(t.balance(&token).await, 50 * UNIT);
    assert_eq!(t.balance(&pool.keys.vault).await, 50 * UNIT);
    if sbf_mode() {
        let events = outcome.events_of::<StakeExtended>();
        assert_eq!(events[0].moved_amount, 40 * UNIT);
        assert_eq!(events[0].top_up_amount, 10 * UNIT);
        assert_eq!(events[0].shares_minted, u128::from(50 * UNIT));
    }

    let extend = |tranche: u64, top_up: u64| {
        extend_stake(
            &s,
            &pool.keys,
            3,
            &token,
            ExtendStakeArgs {
                new_tranche_id: tranche,
                top_up_amount: top_up,
            },
        )
    };
    t.send_err(
        extend(current + 3, 0),
        &[&staker],
        BulwarkError::ExtendToEarlierTranche,
    )
    .await;
    t.send_err(
        extend(current + 1, 0),
        &[&staker],
        BulwarkError::ExtendToEarlierTranche,
    )
    .await;
    t.send_err(
        extend(current + 8, 0),
        &[&staker],
        BulwarkError::InvalidTranche,
    )
    .await;
    t.send_err(
        extend(u64::MAX, 0),
        &[&staker],
        BulwarkError::InvalidTranche,
    )
    .await;

    // Without a top-up the stake moves as is.
    t.send_ok(&[extend(current + 7, 0)], &[&staker]).await;
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.slot(current + 7).unwrap().stake, 50 * UNIT);
    assert_eq!(state.total_stake, 50 * UNIT);

    // Once the tranche has ended the position can only be withdrawn.
    let short = t.funded_user(&mint, UNIT).await;
    t.deposit(&short.0, &pool.keys, &short.1, 0, current, UNIT)
        .await;
    t.warp_to_time(tranche_end(current).unwrap()).await;
    t.send_err(
        extend_stake(
            &short.0.pubkey(),
            &pool.keys,
            0,
            &short.1,
            ExtendStakeArgs {
                new_tranche_id: current + 2,
                top_up_amount: 0,
            },
        ),
        &[&short.0],
        BulwarkError::TrancheEnded,
    )
    .await;
}

#[tokio::test]
async fn extend_cannot_touch_another_stakers_position() {
    let Setup { mut t, pool, mint } = setup().await;
    let (a, a_token) = t.funded_user(&mint, 10 * UNIT).await;
    let (b, b_token) = t.funded_user(&mint, 10 * UNIT).await;
    let current = t.current_tranche().await;
    t.deposit(&a, &pool.keys, &a_token, 1, current, 5 * UNIT)
        .await;
    let mut hijack = extend_stake(
        &b.pubkey(),
        &pool.keys,
        1,
        &b_token,
        ExtendStakeArgs {
            new_tranche_id: current + 1,
            top_up_amount: 0,
        },
    );
    swap_account(
        &mut hijack,
        &position_pda(&pool.keys.pool, &b.pubkey(), 1),
        &position_pda(&pool.keys.pool, &a.pubkey(), 1),
    );
    t.send_err(hijack, &[&b], BulwarkError::NotPositionOwner)
        .await;
    let position: StakePosition = t.load(&position_pda(&pool.keys.pool, &a.pubkey(), 1)).await;
    assert_eq!(position.tranche_id, current);
}

#[tokio::test]
async fn ring_slot_reuse_requires_the_old_tranche_archived() {
    let Setup { mut t, pool, mint } = setup().await;
    let (staker, token) = t.funded_user(&mint, 100 * UNIT).await;
    let first = t.current_tranche().await;
    t.deposit(&staker, &pool.keys, &token, 1, first, 30 * UNIT)
        .await;

    // Next tranche: tranche first + 8 maps to the same ring slot as `first`.
    t.warp_to_tranche(first + 1, 0).await;
    let s = staker.pubkey();
    t.send_err(
        deposit_stake(
            &s,
            &pool.keys,
            &token,
            deposit_args(2, first + 8, 20 * UNIT),
        ),
        &[&staker],
        BulwarkError::TrancheSlotNotArchived,
    )
    .await;
    let payer = t.payer().pubkey();
    t.send_ok(
        &[
            archive_tranche(&payer, &pool.keys.pool, first),
            deposit_stake(
                &s,
                &pool.keys,
                &token,
                deposit_args(2, first + 8, 20 * UNIT),
            ),
        ],
        &[&staker],
    )
    .await;
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.slot(first + 8).unwrap().stake, 20 * UNIT);
    assert_eq!(state.total_stake, 50 * UNIT);

    // The archived tranche still pays out in full.
    t.send_ok(
        &[withdraw_stake(&s, &pool.keys, 1, first, &payer, &token)],
        &[&staker],
    )
    .await;
    assert_eq!(t.balance(&token).await, 80 * UNIT);
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.total_stake, 20 * UNIT);
    assert_eq!(t.balance(&pool.keys.vault).await, 20 * UNIT);
}

#[tokio::test]
async fn archive_requires_a_tranche_held_in_the_ring() {
    let Setup { mut t, pool, .. } = setup().await;
    let current = t.current_tranche().await;
    let payer = t.payer().pubkey();
    t.send_err(
        archive_tranche(&payer, &pool.keys.pool, current - 1),
        &[],
        BulwarkError::TrancheNotInRing,
    )
    .await;
    t.send_err(
        archive_tranche(&payer, &pool.keys.pool, u64::MAX),
        &[],
        BulwarkError::MathOverflow,
    )
    .await;
}

#[tokio::test]
async fn token_2022_pool_end_to_end() {
    let Setup { mut t, pool, mint } = setup_with(&spl_token_2022::ID).await;
    let (staker, token) = t.funded_user(&mint, 77 * UNIT).await;
    let current = t.current_tranche().await;
    let outcome = t
        .deposit(&staker, &pool.keys, &token, 0, current + 1, 77 * UNIT)
        .await;
    record_compute_units("deposit_stake (Token-2022)", &outcome);
    assert_eq!(t.balance(&pool.keys.vault).await, 77 * UNIT);
    t.warp_to_time(tranche_end(current + 1).unwrap()).await;
    let outcome = archive_and_withdraw(&mut t, &pool.keys, &staker, &token, 0, current + 1).await;
    record_compute_units("archive_tranche + withdraw_stake (Token-2022)", &outcome);
    assert_eq!(t.balance(&token).await, 77 * UNIT);
    assert_eq!(t.balance(&pool.keys.vault).await, 0);
}

#[tokio::test]
async fn many_stakers_share_a_tranche_exactly() {
    let Setup { mut t, pool, mint } = setup().await;
    let current = t.current_tranche().await;
    let amounts = [1, 3 * UNIT + 7, 999_999, 42 * UNIT];
    let mut stakers = Vec::new();
    for (i, amount) in amounts.iter().enumerate() {
        let (staker, token) = t.funded_user(&mint, *amount).await;
        t.deposit(&staker, &pool.keys, &token, i as u64, current, *amount)
            .await;
        stakers.push((staker, token));
    }
    let total: u64 = amounts.iter().sum();
    assert_eq!(t.balance(&pool.keys.vault).await, total);
    t.warp_to_time(tranche_end(current).unwrap() + 5 * SECONDS_PER_DAY)
        .await;
    for (i, (staker, token)) in stakers.iter().enumerate() {
        archive_and_withdraw(&mut t, &pool.keys, staker, token, i as u64, current).await;
        assert_eq!(t.balance(token).await, amounts[i]);
    }
    assert_eq!(t.balance(&pool.keys.vault).await, 0);
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!((state.total_stake, state.treasury_accrued), (0, 0));
}
