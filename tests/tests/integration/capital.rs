//! The capital pool (issue #15, first part): created by governance with a Token-2022 share mint
//! carrying its metadata; deposits at the books' price; exits in two steps, refused below the
//! minimum capital.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::CreateCapitalPoolArgs;
use bulwark::state::{CapitalExit, CapitalPool};
use bulwark_tests::builders::*;
use bulwark_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use spl_token_2022::extension::metadata_pointer::MetadataPointer;
use spl_token_2022::extension::{BaseStateWithExtensions, StateWithExtensions};
use spl_token_2022::state::Mint as MintState;

fn create_args(min_capital: u64) -> CreateCapitalPoolArgs {
    CreateCapitalPoolArgs {
        min_capital,
        name: "Bulwark capital USDC".to_string(),
        symbol: "bwCAP".to_string(),
        uri: "https://bulwark.example/capital/usdc.json".to_string(),
    }
}

/// A listed mint with its capital pool.
async fn capital(min_capital: u64) -> (TestContext, Pubkey) {
    let mut t = TestContext::new().await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&mint).await;
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
    assert_eq!((pool.capital, pool.shares, pool.owed), (0, 0, 0));
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
    t.list_mint(&other).await;
    let ix = create_capital_pool(&stranger.pubkey(), &other, &spl_token::ID, create_args(0));
    t.send_err(ix, &[&stranger], BulwarkError::NotAuthority)
        .await;
    let authority = t.authority.insecure_clone();
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
    let outcome = t.send_ok(&[ix], &[&ann]).await;
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
    t.send_ok(&[ix], &[&ann]).await;
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
    t.send_ok(
        &[set_min_capital(&authority.pubkey(), &mint, 700 * UNIT)],
        &[&authority],
    )
    .await;
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
