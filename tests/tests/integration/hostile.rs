//! Hostile arguments: zero, one, the maximum of the type, each bound and one past it, for the
//! numeric arguments of the user and manager instructions, overlong URIs and tranche ids off the
//! calendar. A refused value fails with its specific error and changes no account; an accepted
//! edge value succeeds.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::*;
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Sends `ix`, expects custom error `code` and checks that none of its accounts changed (the
/// fee payer's lamports aside).
async fn refused_unchanged(
    t: &mut TestContext,
    ix: Instruction,
    signers: &[&Keypair],
    code: u32,
    case: &str,
) {
    let payer = t.payer().pubkey();
    let keys: Vec<Pubkey> = ix
        .accounts
        .iter()
        .map(|m| m.pubkey)
        .filter(|k| *k != payer)
        .collect();
    let mut before = Vec::new();
    for key in &keys {
        before.push(t.account(key).await);
    }
    let err = t.send(&[ix], signers).await.expect_err(case);
    assert_eq!(
        err,
        solana_transaction_error::TransactionError::InstructionError(
            0,
            solana_instruction_error::InstructionError::Custom(code)
        ),
        "{case}"
    );
    for (key, old) in keys.iter().zip(&before) {
        assert_eq!(&t.account(key).await, old, "{case}: {key} changed");
    }
}

fn code(e: BulwarkError) -> u32 {
    e.into()
}

#[tokio::test]
async fn staking_arguments() {
    let mut m = market(1_000 * UNIT).await;
    let staker = m.staker.insecure_clone();
    m.t.mint_to(&m.mint.clone(), &m.staker_token, 100 * UNIT)
        .await;
    let keys = m.pool.keys;
    let current = m.t.current_tranche().await;
    let deposit = |position_id, tranche_id, amount| {
        deposit_stake(
            &staker.pubkey(),
            &keys,
            &m.staker_token,
            DepositStakeArgs {
                position_id,
                tranche_id,
                amount,
            },
        )
    };
    let cases: Vec<(&str, Instruction, u32)> = vec![
        (
            "amount 0",
            deposit(1, current, 0),
            code(BulwarkError::ZeroAmount),
        ),
        // The tranche's redeemability check refuses it before any transfer.
        (
            "amount u64::MAX",
            deposit(1, current, u64::MAX),
            code(BulwarkError::MathOverflow),
        ),
        (
            "tranche before current",
            deposit(1, current - 1, 1),
            code(BulwarkError::InvalidTranche),
        ),
        (
            "tranche current + 8",
            deposit(1, current + 8, 1),
            code(BulwarkError::InvalidTranche),
        ),
        (
            "tranche u64::MAX",
            deposit(1, u64::MAX, 1),
            code(BulwarkError::InvalidTranche),
        ),
        (
            "tranche 0",
            deposit(1, 0, 1),
            code(BulwarkError::InvalidTranche),
        ),
    ];
    for (case, ix, expected) in cases {
        refused_unchanged(&mut m.t, ix, &[&staker], expected, case).await;
    }
    // Edges that are accepted: one base unit, the current tranche and current + 7.
    m.t.send_ok(&[deposit(1, current, 1)], &[&staker]).await;
    m.t.send_ok(&[deposit(2, current + 7, 1)], &[&staker]).await;

    let extend = |tranche| {
        extend_stake(
            &staker.pubkey(),
            &keys,
            1,
            &m.staker_token,
            ExtendStakeArgs {
                new_tranche_id: tranche,
                top_up_amount: 0,
            },
        )
    };
    for (case, tranche, expected) in [
        ("extend to u64::MAX", u64::MAX, BulwarkError::InvalidTranche),
        (
            "extend to current + 8",
            current + 8,
            BulwarkError::InvalidTranche,
        ),
        (
            "extend to the same tranche",
            current,
            BulwarkError::ExtendToEarlierTranche,
        ),
        ("extend to 0", 0, BulwarkError::ExtendToEarlierTranche),
    ] {
        refused_unchanged(&mut m.t, extend(tranche), &[&staker], code(expected), case).await;
    }
    let top_up = extend_stake(
        &staker.pubkey(),
        &keys,
        1,
        &m.staker_token,
        ExtendStakeArgs {
            new_tranche_id: current + 1,
            top_up_amount: u64::MAX,
        },
    );
    refused_unchanged(
        &mut m.t,
        top_up,
        &[&staker],
        code(BulwarkError::MathOverflow),
        "top-up u64::MAX",
    )
    .await;
    let payer = m.t.payer().pubkey();
    refused_unchanged(
        &mut m.t,
        archive_tranche(&payer, &keys.pool, u64::MAX),
        &[],
        code(BulwarkError::MathOverflow),
        "archive tranche u64::MAX",
    )
    .await;
}

#[tokio::test]
async fn manager_arguments() {
    let mut m = market(1_000 * UNIT).await;
    let manager = m.pool.manager.insecure_clone();
    let pool = m.pool.keys.pool;
    for (case, fee, expected) in [
        ("fee max + 1", 2_001, BulwarkError::ManagerFeeAboveMax),
        ("fee u16::MAX", u16::MAX, BulwarkError::ManagerFeeAboveMax),
    ] {
        let ix = set_manager_fee(&manager.pubkey(), &pool, fee);
        refused_unchanged(&mut m.t, ix, &[&manager], code(expected), case).await;
    }
    m.t.send_ok(
        &[set_manager_fee(&manager.pubkey(), &pool, 2_000)],
        &[&manager],
    )
    .await;
    m.t.send_ok(&[set_manager_fee(&manager.pubkey(), &pool, 0)], &[&manager])
        .await;
    let product = m.product_id;
    let set = |weight, price| {
        set_pool_product(
            &manager.pubkey(),
            &pool,
            SetPoolProductArgs {
                product_id: product,
                target_weight: weight,
                target_price_bps: price,
            },
        )
    };
    for (case, weight, price, expected) in [
        ("weight 101", 101, 250, BulwarkError::InvalidWeight),
        (
            "weight u16::MAX",
            u16::MAX,
            250,
            BulwarkError::InvalidWeight,
        ),
        ("price 0", 50, 0, BulwarkError::InvalidTargetPrice),
        (
            "price below the product minimum",
            50,
            99,
            BulwarkError::InvalidTargetPrice,
        ),
        ("price 10,001", 50, 10_001, BulwarkError::InvalidTargetPrice),
        (
            "price u16::MAX",
            50,
            u16::MAX,
            BulwarkError::InvalidTargetPrice,
        ),
    ] {
        refused_unchanged(
            &mut m.t,
            set(weight, price),
            &[&manager],
            code(expected),
            case,
        )
        .await;
    }
    m.t.send_ok(&[set(100, 10_000)], &[&manager]).await;
    m.t.send_ok(&[set(0, 100)], &[&manager]).await;
    let authority = m.t.authority.insecure_clone();
    refused_unchanged(
        &mut m.t,
        set_pause(&authority.pubkey(), u8::MAX),
        &[&authority],
        code(BulwarkError::InvalidPauseFlags),
        "pause flags u8::MAX",
    )
    .await;
}

#[tokio::test]
async fn cover_and_claim_arguments() {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    let buyer = m.buyer.insecure_clone();
    let p = m.product_id;
    let base = || cover_args(1, owner, p, vec![UNIT], YEAR);
    let cases: Vec<(&str, BuyCoverArgs, BulwarkError)> = vec![
        (
            "amount 0",
            BuyCoverArgs {
                amount: 0,
                allocations: vec![0],
                ..base()
            },
            BulwarkError::ZeroAmount,
        ),
        (
            "amount u64::MAX",
            BuyCoverArgs {
                amount: u64::MAX,
                allocations: vec![u64::MAX],
                ..base()
            },
            BulwarkError::InsufficientCapacity,
        ),
        (
            "period 0",
            BuyCoverArgs {
                period: 0,
                ..base()
            },
            BulwarkError::InvalidCoverPeriod,
        ),
        (
            "period 28 days - 1",
            BuyCoverArgs {
                period: MIN_COVER_PERIOD - 1,
                ..base()
            },
            BulwarkError::InvalidCoverPeriod,
        ),
        (
            "period 365 days + 1",
            BuyCoverArgs {
                period: MAX_COVER_PERIOD + 1,
                ..base()
            },
            BulwarkError::InvalidCoverPeriod,
        ),
        (
            "period u32::MAX",
            BuyCoverArgs {
                period: u32::MAX,
                ..base()
            },
            BulwarkError::InvalidCoverPeriod,
        ),
        (
            "commission 30% + 1",
            BuyCoverArgs {
                commission_bps: 3_001,
                ..base()
            },
            BulwarkError::CommissionTooHigh,
        ),
        (
            "commission u16::MAX",
            BuyCoverArgs {
                commission_bps: u16::MAX,
                ..base()
            },
            BulwarkError::CommissionTooHigh,
        ),
        (
            "max premium 0",
            BuyCoverArgs {
                max_premium: 0,
                ..base()
            },
            BulwarkError::PremiumAboveMax,
        ),
    ];
    for (case, a, expected) in cases {
        let ix = m.buy_ix(a, &[m.pool.keys.pool]);
        refused_unchanged(&mut m.t, ix, &[&buyer], code(expected), case).await;
    }
    // The period bounds themselves are accepted.
    m.buy(BuyCoverArgs {
        period: MIN_COVER_PERIOD,
        ..cover_args(2, owner, p, vec![UNIT], YEAR)
    })
    .await;
    m.buy(BuyCoverArgs {
        period: MAX_COVER_PERIOD,
        ..cover_args(3, owner, p, vec![UNIT], YEAR)
    })
    .await;

    let keys = m.cover_keys(3, vec![m.pool.keys.pool]);
    let incident = m.t.cover_start(&keys.cover).await;
    let claim = |amount, uri: &str| {
        file_claim(
            &owner,
            &keys,
            0,
            &m.buyer_token,
            FileClaimArgs {
                amount,
                incident_time: incident,
                evidence_hash: [0; 32],
                evidence_uri: uri.to_string(),
            },
        )
    };
    let long = "x".repeat(MAX_URI_LEN + 1);
    for (case, ix, expected) in [
        ("claim 0", claim(0, ""), BulwarkError::ZeroAmount),
        (
            "claim remaining + 1",
            claim(UNIT + 1, ""),
            BulwarkError::ClaimAboveRemaining,
        ),
        (
            "claim u64::MAX",
            claim(u64::MAX, ""),
            BulwarkError::ClaimAboveRemaining,
        ),
        (
            "evidence URI too long",
            claim(1, &long),
            BulwarkError::UriTooLong,
        ),
    ] {
        refused_unchanged(&mut m.t, ix, &[&buyer], code(expected), case).await;
    }
    // One base unit and the longest URI are accepted.
    m.t.send_ok(&[claim(1, &"x".repeat(MAX_URI_LEN))], &[&buyer])
        .await;

    let assessment_mint = m.t.assessment_mint;
    let (assessor, token) = m.t.funded_user(&assessment_mint, UNIT).await;
    for (case, amount, expected) in [
        ("stake 0", 0, code(BulwarkError::ZeroAmount)),
        (
            "stake u64::MAX",
            u64::MAX,
            code(BulwarkError::InsufficientBalance),
        ),
    ] {
        let ix = stake_assessor(
            &assessor.pubkey(),
            &assessment_mint,
            &token,
            &spl_token::ID,
            amount,
        );
        refused_unchanged(&mut m.t, ix, &[&assessor], expected, case).await;
    }
    let ix = stake_assessor(
        &assessor.pubkey(),
        &assessment_mint,
        &token,
        &spl_token::ID,
        UNIT,
    );
    m.t.send_ok(&[ix], &[&assessor]).await;
    for (case, amount, expected) in [
        ("unstake 0", 0, BulwarkError::ZeroAmount),
        (
            "unstake stake + 1",
            UNIT + 1,
            BulwarkError::UnstakeAboveStake,
        ),
        (
            "unstake u64::MAX",
            u64::MAX,
            BulwarkError::UnstakeAboveStake,
        ),
    ] {
        let ix = unstake_assessor(
            &assessor.pubkey(),
            &assessment_mint,
            &token,
            &spl_token::ID,
            amount,
        );
        refused_unchanged(&mut m.t, ix, &[&assessor], code(expected), case).await;
    }
}
