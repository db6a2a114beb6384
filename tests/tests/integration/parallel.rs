//! No user instruction writes a protocol-wide account, and the same user instruction on
//! different pools, covers or claims shares no writable account with another: the runtime can
//! execute them in parallel.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::instructions::{BuyCoverArgs, DepositStakeArgs, FileClaimArgs};
use bulwark_testing::builders::*;
use std::collections::BTreeSet;

fn writable(ix: &Instruction) -> BTreeSet<Pubkey> {
    ix.accounts
        .iter()
        .filter(|a| a.is_writable)
        .map(|a| a.pubkey)
        .collect()
}

fn key() -> Pubkey {
    Pubkey::new_unique()
}

fn pool_keys(id: u64) -> PoolKeys {
    PoolKeys::new(id, key(), anchor_spl_token())
}

fn anchor_spl_token() -> Pubkey {
    bulwark_testing::spl_token::ID
}

fn buy(payer: Pubkey, pool: Pubkey) -> Instruction {
    buy_cover(
        &payer,
        &key(),
        &key(),
        &anchor_spl_token(),
        &[pool],
        None,
        BuyCoverArgs {
            cover_nonce: 0,
            owner: payer,
            product_id: 0,
            amount: 1,
            period: 28 * 86_400,
            max_premium: 1,
            allocations: vec![1],
            commission_bps: 0,
        },
    )
}

fn cover_keys(pool: Pubkey) -> CoverKeys {
    CoverKeys {
        cover: key(),
        product_id: 0,
        mint: key(),
        token_program: anchor_spl_token(),
        pools: vec![pool],
    }
}

/// One of each user instruction, for two independent users on different pools / covers /
/// claims.
fn user_instructions(pool: u64) -> Vec<(&'static str, Instruction)> {
    let user = key();
    let keys = pool_keys(pool);
    let cover = cover_keys(keys.pool);
    let claim = claim_pda(&cover.cover, 0);
    vec![
        (
            "deposit_stake",
            deposit_stake(
                &user,
                &keys,
                &key(),
                DepositStakeArgs {
                    position_id: 0,
                    tranche_id: 0,
                    amount: 1,
                },
            ),
        ),
        (
            "withdraw_stake",
            withdraw_stake(&user, &keys, 0, 0, &key(), &key()),
        ),
        ("claim_rewards", claim_rewards(&user, &keys, 0, &key())),
        ("buy_cover", buy(user, keys.pool)),
        (
            "transfer_cover",
            transfer_cover(&user, &cover.cover, &key()),
        ),
        (
            "file_claim",
            file_claim(
                &user,
                &cover,
                0,
                &key(),
                FileClaimArgs {
                    amount: 1,
                    incident_time: 0,
                    evidence_hash: [0; 32],
                    evidence_uri: String::new(),
                },
            ),
        ),
        ("vote", vote(&user, &claim, true)),
        (
            "redeem_payout",
            redeem_payout(&user, &cover, &claim, &key(), &key()),
        ),
    ]
}

#[test]
fn user_instructions_share_no_protocol_wide_writable_account() {
    let protocol_wide = [config_pda(), assessment_vault_pda(), program_data_address()];
    let first = user_instructions(1);
    let second = user_instructions(2);
    for ((name, a), (_, b)) in first.iter().zip(second.iter()) {
        let (wa, wb) = (writable(a), writable(b));
        for account in protocol_wide {
            assert!(
                !wa.contains(&account),
                "{name} writes a protocol-wide account"
            );
        }
        assert!(
            wa.is_disjoint(&wb),
            "{name}: two users on different pools share a writable account"
        );
        // The config is read by every user instruction that needs parameters, never written.
        if a.accounts.iter().any(|m| m.pubkey == config_pda()) {
            assert!(!wa.contains(&config_pda()));
        }
    }
}

#[test]
fn purchases_on_different_pools_are_independent_and_on_one_pool_contend_only_on_it() {
    let pool_a = pool_pda(1);
    let pool_b = pool_pda(2);
    let (x, y) = (buy(key(), pool_a), buy(key(), pool_b));
    assert!(writable(&x).is_disjoint(&writable(&y)));
    // Same pool: only the pool's own accounts are shared (the economics demand it).
    let z = buy(key(), pool_a);
    let shared: BTreeSet<Pubkey> = writable(&x).intersection(&writable(&z)).copied().collect();
    let expected: BTreeSet<Pubkey> = [pool_a, pool_product_pda(&pool_a, 0), vault_pda(&pool_a)]
        .into_iter()
        .collect();
    assert_eq!(shared, expected);
}

#[test]
fn votes_on_different_claims_are_independent() {
    let (claim_a, claim_b) = (key(), key());
    let a = vote(&key(), &claim_a, true);
    let b = vote(&key(), &claim_b, false);
    assert!(writable(&a).is_disjoint(&writable(&b)));
    // Two votes on one claim share only the claim.
    let c = vote(&key(), &claim_a, false);
    let shared: Vec<Pubkey> = writable(&a).intersection(&writable(&c)).copied().collect();
    assert_eq!(shared, vec![claim_a]);
}
