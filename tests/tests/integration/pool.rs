//! create_pool, set_pool_product, set_manager_fee.

use crate::admin::transfer_fee_mint;
use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::{CreatePoolArgs, SetPoolProductArgs};
use bulwark::state::{Config, Pool, PoolProduct, ProtocolParams, TrancheSlot};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_program_pack::Pack;
use solana_signer::Signer;
use spl_token_2022::extension::ExtensionType;

fn pool_args(fee: u16, max: u16, private: bool) -> CreatePoolArgs {
    CreatePoolArgs {
        manager_fee_bps: fee,
        max_manager_fee_bps: max,
        private,
    }
}

async fn assert_vault(t: &mut TestContext, vault: &Pubkey, pool: &Pubkey, mint: &Pubkey) {
    let account = t.account(vault).await.expect("vault exists");
    let state = spl_token_2022::state::Account::unpack_from_slice(&account.data[..165])
        .expect("token account");
    assert_eq!(state.owner, *pool, "vault authority is the pool PDA");
    assert_eq!(state.mint, *mint);
    assert_eq!(state.amount, 0);
}

#[tokio::test]
async fn create_pool_on_legacy_token() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let manager = t.user().await;
    let ix = create_pool(
        &manager.pubkey(),
        0,
        &mint,
        &spl_token::ID,
        pool_args(500, 1_500, false),
    );
    let outcome = t.send_ok(&[ix], &[&manager]).await;
    record_compute_units("create_pool", &outcome);

    let pool_key = pool_pda(0);
    let pool: Pool = t.load_zc(&pool_key).await;
    assert_eq!(pool.id, 0);
    assert_eq!(pool.version, ACCOUNT_VERSION);
    assert_eq!(pool.manager, manager.pubkey());
    assert_eq!(pool.mint, mint);
    assert_eq!(pool.vault, vault_pda(&pool_key));
    assert_eq!(pool.token_program, spl_token::ID);
    assert_eq!(
        (pool.manager_fee_bps, pool.max_manager_fee_bps),
        (500, 1_500)
    );
    assert!(!pool.is_private());
    assert_eq!(
        (
            pool.total_stake,
            pool.treasury_accrued,
            pool.total_effective_weight
        ),
        (0, 0, 0)
    );
    assert_eq!(pool.tranches, [TrancheSlot::default(); MAX_ACTIVE_TRANCHES]);
    assert_vault(&mut t, &pool.vault, &pool_key, &mint).await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.pool_count, 1);
    if sbf_mode() {
        let events = outcome.events_of::<PoolCreated>();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].pool, pool_key);
        assert_eq!(events[0].mint, mint);
        assert_eq!(events[0].manager_fee_bps, 500);
    }
}

#[tokio::test]
async fn create_pool_on_token_2022_with_harmless_extensions() {
    let mut t = TestContext::new().await;
    let payer = t.payer().pubkey();
    let mint = t
        .create_mint_with(
            9,
            &spl_token_2022::ID,
            &[ExtensionType::MetadataPointer],
            |mint| {
                vec![
                    spl_token_2022::extension::metadata_pointer::instruction::initialize(
                        &spl_token_2022::ID,
                        mint,
                        Some(payer),
                        Some(*mint),
                    )
                    .expect("metadata pointer"),
                ]
            },
        )
        .await;
    t.list_mint(&mint).await;
    let pool = t.open_pool(&mint, pool_args(0, 0, true)).await;
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.token_program, spl_token_2022::ID);
    assert!(state.is_private());
    assert_vault(&mut t, &pool.keys.vault, &pool.keys.pool, &mint).await;
}

/// Neither a capital pool nor (without one) a staking pool opens on a mint whose extensions
/// would break accounting.
async fn refuse_capital_pool(t: &mut TestContext, mint: &Pubkey) {
    let authority = t.authority.insecure_clone();
    let ix = create_capital_pool(
        &authority.pubkey(),
        mint,
        &spl_token_2022::ID,
        default_capital_pool_args(),
    );
    t.send_err(ix, &[&authority], BulwarkError::UnsupportedMintExtension)
        .await;
}

#[tokio::test]
async fn create_pool_refuses_mints_that_break_accounting() {
    let mut t = TestContext::new().await;
    let payer = t.payer().pubkey();
    let manager = t.user().await;
    let fee_mint = transfer_fee_mint(&mut t).await;
    t.set_mint_params_only(&fee_mint).await;
    let delegate_mint = t
        .create_mint_with(
            6,
            &spl_token_2022::ID,
            &[ExtensionType::PermanentDelegate],
            |mint| {
                vec![spl_token_2022::instruction::initialize_permanent_delegate(
                    &spl_token_2022::ID,
                    mint,
                    &payer,
                )
                .expect("permanent delegate")]
            },
        )
        .await;
    t.set_mint_params_only(&delegate_mint).await;
    let non_transferable = t
        .create_mint_with(
            6,
            &spl_token_2022::ID,
            &[ExtensionType::NonTransferable],
            |mint| {
                vec![
                    spl_token_2022::instruction::initialize_non_transferable_mint(
                        &spl_token_2022::ID,
                        mint,
                    )
                    .expect("non-transferable"),
                ]
            },
        )
        .await;
    t.set_mint_params_only(&non_transferable).await;
    let closable = t
        .create_mint_with(
            6,
            &spl_token_2022::ID,
            &[ExtensionType::MintCloseAuthority],
            |mint| {
                vec![
                    spl_token_2022::instruction::initialize_mint_close_authority(
                        &spl_token_2022::ID,
                        mint,
                        Some(&payer),
                    )
                    .expect("close authority"),
                ]
            },
        )
        .await;
    t.set_mint_params_only(&closable).await;
    let hooked = t
        .create_mint_with(
            6,
            &spl_token_2022::ID,
            &[ExtensionType::TransferHook],
            |mint| {
                vec![
                    spl_token_2022::extension::transfer_hook::instruction::initialize(
                        &spl_token_2022::ID,
                        mint,
                        Some(payer),
                        Some(Pubkey::new_unique()),
                    )
                    .expect("transfer hook"),
                ]
            },
        )
        .await;
    t.set_mint_params_only(&hooked).await;
    for mint in [fee_mint, delegate_mint, non_transferable, closable, hooked] {
        refuse_capital_pool(&mut t, &mint).await;
        t.send_anchor_err(
            create_pool(
                &manager.pubkey(),
                0,
                &mint,
                &spl_token_2022::ID,
                pool_args(0, 0, false),
            ),
            &[&manager],
            anchor_lang::error::ErrorCode::AccountNotInitialized,
        )
        .await;
    }
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.pool_count, 0);
    assert!(!t.exists(&pool_pda(0)).await);
}

#[tokio::test]
async fn create_pool_refuses_a_default_frozen_mint() {
    let mut t = TestContext::new().await;
    let manager = t.user().await;
    let frozen = t
        .create_mint_with(
            6,
            &spl_token_2022::ID,
            &[ExtensionType::DefaultAccountState],
            |mint| {
                vec![
                    spl_token_2022::extension::default_account_state::instruction::initialize_default_account_state(
                        &spl_token_2022::ID,
                        mint,
                        &spl_token_2022::state::AccountState::Frozen,
                    )
                    .expect("default state"),
                ]
            },
        )
        .await;
    t.set_mint_params_only(&frozen).await;
    refuse_capital_pool(&mut t, &frozen).await;
    t.send_anchor_err(
        create_pool(
            &manager.pubkey(),
            0,
            &frozen,
            &spl_token_2022::ID,
            pool_args(0, 0, false),
        ),
        &[&manager],
        anchor_lang::error::ErrorCode::AccountNotInitialized,
    )
    .await;
}

#[tokio::test]
async fn create_pool_validates_fees_token_program_and_id() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let manager = t.user().await;
    let m = manager.pubkey();
    t.send_err(
        create_pool(
            &m,
            0,
            &mint,
            &spl_token::ID,
            pool_args(0, MAX_MANAGER_FEE_BPS + 1, false),
        ),
        &[&manager],
        BulwarkError::MaxManagerFeeTooHigh,
    )
    .await;
    t.send_err(
        create_pool(&m, 0, &mint, &spl_token::ID, pool_args(1_001, 1_000, false)),
        &[&manager],
        BulwarkError::ManagerFeeAboveMax,
    )
    .await;
    // The mint belongs to SPL Token; naming Token-2022 as its program fails when the vault is
    // created (Anchor creates `init` accounts before it checks the mint's constraints, so the
    // refusal comes from Token-2022 itself).
    t.send_tx_err(
        &[create_pool(
            &m,
            0,
            &mint,
            &spl_token_2022::ID,
            pool_args(0, 0, false),
        )],
        &[&manager],
        solana_transaction_error::TransactionError::InstructionError(
            0,
            solana_instruction_error::InstructionError::IncorrectProgramId,
        ),
    )
    .await;
    // A program that is not a token program at all.
    let mut fake = create_pool(&m, 0, &mint, &spl_token::ID, pool_args(0, 0, false));
    fake.accounts[6].pubkey = anchor_lang::system_program::ID;
    t.send_anchor_err(fake, &[&manager], AnchorError::InvalidProgramId)
        .await;
    // A pool PDA that skips the counter.
    t.send_anchor_err(
        create_pool(&m, 3, &mint, &spl_token::ID, pool_args(0, 0, false)),
        &[&manager],
        AnchorError::ConstraintSeeds,
    )
    .await;
    // The fee bound is inclusive.
    t.send_ok(
        &[create_pool(
            &m,
            0,
            &mint,
            &spl_token::ID,
            pool_args(MAX_MANAGER_FEE_BPS, MAX_MANAGER_FEE_BPS, false),
        )],
        &[&manager],
    )
    .await;
}

#[tokio::test]
async fn set_manager_fee_within_max_by_manager_only() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let pool = t.open_public_pool(&mint).await;
    let manager = pool.manager.insecure_clone();
    let outcome = t
        .send_ok(
            &[set_manager_fee(&manager.pubkey(), &pool.keys.pool, 2_000)],
            &[&manager],
        )
        .await;
    record_compute_units("set_manager_fee", &outcome);
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.manager_fee_bps, 2_000);
    if sbf_mode() {
        let events = outcome.events_of::<ManagerFeeSet>();
        assert_eq!(
            (events[0].old_fee_bps, events[0].new_fee_bps),
            (1_000, 2_000)
        );
    }
    t.send_err(
        set_manager_fee(&manager.pubkey(), &pool.keys.pool, 2_001),
        &[&manager],
        BulwarkError::ManagerFeeAboveMax,
    )
    .await;
    let intruder = t.user().await;
    t.send_err(
        set_manager_fee(&intruder.pubkey(), &pool.keys.pool, 0),
        &[&intruder],
        BulwarkError::NotPoolManager,
    )
    .await;
    let state: Pool = t.load_zc(&pool.keys.pool).await;
    assert_eq!(state.manager_fee_bps, 2_000);
}

fn product_args(product_id: u64, weight: u16, price: u16) -> SetPoolProductArgs {
    SetPoolProductArgs {
        product_id,
        target_weight: weight,
        target_price_bps: price,
    }
}

#[tokio::test]
async fn set_pool_product_creates_then_updates_weights() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let p0 = t.create_default_product().await;
    let p1 = t.create_default_product().await;
    let pool = t.open_public_pool(&mint).await;
    let manager = pool.manager.insecure_clone();
    let m = manager.pubkey();
    let key = pool.keys.pool;

    let outcome = t
        .send_ok(
            &[
                set_pool_product(&m, &key, product_args(p0, 100, 250)),
                set_pool_product(&m, &key, product_args(p1, 40, 100)),
            ],
            &[&manager],
        )
        .await;
    record_compute_units("set_pool_product (2 new)", &outcome);
    let pp: PoolProduct = t.load_zc(&pool_product_pda(&key, p0)).await;
    assert_eq!(pp.pool, key);
    assert_eq!(pp.product_id, p0);
    assert_eq!((pp.target_weight, pp.target_price_bps), (100, 250));
    // A new listing starts from the product's initial price (here its minimum, 1%).
    assert_eq!(pp.bumped_price_bps, default_terms().initial_price_bps);
    assert_eq!(pp.bumped_price_updated_at, t.now().await);
    let state: Pool = t.load_zc(&key).await;
    assert_eq!(state.total_effective_weight, 140);
    if sbf_mode() {
        let events = outcome.events_of::<PoolProductSet>();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].pool_total_effective_weight, 140);
    }

    // Updating replaces the weight in the pool total.
    t.send_ok(
        &[set_pool_product(&m, &key, product_args(p1, 10, 300))],
        &[&manager],
    )
    .await;
    let state: Pool = t.load_zc(&key).await;
    assert_eq!(state.total_effective_weight, 110);
    let pp: PoolProduct = t.load_zc(&pool_product_pda(&key, p1)).await;
    assert_eq!((pp.target_weight, pp.target_price_bps), (10, 300));
    assert_eq!(
        pp.bumped_price_bps, 100,
        "bumped price is market state, not reset"
    );
}

#[tokio::test]
async fn set_pool_product_rejects_bad_weights_prices_and_signers() {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let p0 = t.create_default_product().await;
    let p1 = t.create_default_product().await;
    let pool = t.open_public_pool(&mint).await;
    let manager = pool.manager.insecure_clone();
    let m = manager.pubkey();
    let key = pool.keys.pool;

    t.send_err(
        set_pool_product(&m, &key, product_args(p0, MAX_PRODUCT_WEIGHT + 1, 250)),
        &[&manager],
        BulwarkError::InvalidWeight,
    )
    .await;
    t.send_err(
        set_pool_product(&m, &key, product_args(p0, 50, 99)),
        &[&manager],
        BulwarkError::InvalidTargetPrice,
    )
    .await;
    t.send_err(
        set_pool_product(&m, &key, product_args(p0, 50, MAX_PRICE_BPS + 1)),
        &[&manager],
        BulwarkError::InvalidTargetPrice,
    )
    .await;
    let intruder = t.user().await;
    t.send_err(
        set_pool_product(&intruder.pubkey(), &key, product_args(p0, 50, 250)),
        &[&intruder],
        BulwarkError::NotPoolManager,
    )
    .await;

    // Sum of weights capped by the config.
    let params = ProtocolParams {
        max_total_weight: 100,
        ..ProtocolParams::default()
    };
    let treasury = t.treasury;
    t.update_config(params, treasury).await;
    t.send_ok(
        &[set_pool_product(&m, &key, product_args(p0, 60, 250))],
        &[&manager],
    )
    .await;
    t.send_err(
        set_pool_product(&m, &key, product_args(p1, 41, 250)),
        &[&manager],
        BulwarkError::TotalWeightExceeded,
    )
    .await;
    t.send_ok(
        &[set_pool_product(&m, &key, product_args(p1, 40, 250))],
        &[&manager],
    )
    .await;
    let state: Pool = t.load_zc(&key).await;
    assert_eq!(state.total_effective_weight, 100);

    // A product account for another id than the one named fails the seeds check.
    let mut wrong = set_pool_product(&m, &key, product_args(p0, 10, 250));
    wrong.accounts[3].pubkey = product_pda(p1);
    t.send_anchor_err(wrong, &[&manager], AnchorError::ConstraintSeeds)
        .await;
}

#[tokio::test]
async fn deprecated_product_may_only_lose_weight() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
    let p0 = t.create_default_product().await;
    let pool = t.open_public_pool(&mint).await;
    let manager = pool.manager.insecure_clone();
    let m = manager.pubkey();
    let key = pool.keys.pool;
    t.send_ok(
        &[set_pool_product(&m, &key, product_args(p0, 50, 250))],
        &[&manager],
    )
    .await;
    let deprecated = bulwark::state::ProductTerms {
        deprecated: true,
        ..default_terms()
    };
    t.send_ok(
        &[update_product(&authority.pubkey(), p0, deprecated)],
        &[&authority],
    )
    .await;
    t.send_err(
        set_pool_product(&m, &key, product_args(p0, 51, 250)),
        &[&manager],
        BulwarkError::ProductDeprecated,
    )
    .await;
    t.send_ok(
        &[set_pool_product(&m, &key, product_args(p0, 0, 250))],
        &[&manager],
    )
    .await;
    let pp: PoolProduct = t.load_zc(&pool_product_pda(&key, p0)).await;
    assert_eq!(pp.target_weight, 0);
    let state: Pool = t.load_zc(&key).await;
    assert_eq!(state.total_effective_weight, 0);
}
