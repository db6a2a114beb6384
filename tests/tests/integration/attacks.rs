//! Attack classes mounted against every instruction they apply to: a missing signature on each
//! signer of each instruction, and a non-canonical bump for each PDA the program creates.

use crate::fixtures::*;
use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::instructions::*;
use bulwark::state::{ProductType, ProtocolParams};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A market with a cover, a filed claim, a second cover without one, an assessor and every
/// instruction of the program built with valid accounts, each with the keypairs that must
/// sign it.
async fn every_instruction() -> (TestContext, Vec<(&'static str, Instruction, Vec<Keypair>)>) {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 100_000 * UNIT, YEAR)).await;
    // A cover under claim cannot change hands: `transfer_cover` is swept on this one.
    m.buy(m.cover_of(2, UNIT, YEAR)).await;
    let unclaimed = cover_pda(&owner, 2);
    let cover = m.cover_keys(1, vec![m.pool.keys.pool]);
    let assessment_mint = m.t.assessment_mint;
    let (assessor, assessor_token) = m.t.funded_user(&assessment_mint, 3 * UNIT).await;
    let stake = stake_assessor(
        &assessor.pubkey(),
        &assessment_mint,
        &assessor_token,
        &spl_token::ID,
        UNIT,
    );
    m.t.send_ok(&[stake], &[&assessor]).await;
    // A blind product a panel of one decides, the assessor seated: a claim on it already in
    // its reveal window (for reveal_vote) and, filed below, one still in voting (for
    // commit_vote).
    let panel_product = m
        .list_product(bulwark::state::ProductTerms {
            blind_votes: true,
            panel_quorum: 1,
            ..default_terms()
        })
        .await;
    m.t.seat(panel_product, &assessor.pubkey()).await;
    // The seat counts for claims filed after its second.
    let seated = m.t.now().await;
    m.t.warp_to_time(seated + 1).await;
    for nonce in [3, 4] {
        m.buy(cover_args(nonce, owner, panel_product, vec![UNIT], YEAR))
            .await;
    }
    m.t.next_slot().await;
    let revealing = m.file_claim(3, UNIT).await;
    m.commit_as(&assessor, &revealing, true, [5; 32]).await;
    let voted: bulwark::state::Claim = m.t.load(&revealing).await;
    m.t.warp_to_time(voted.voting_end).await;
    let buyer = m.buyer.insecure_clone();
    let incident_time = m.t.cover_start(&cover.cover).await;
    let claim_args = FileClaimArgs {
        amount: UNIT,
        incident_time,
        evidence_hash: [0; 32],
        evidence_uri: String::new(),
    };
    m.t.send_ok(
        &[file_claim(
            &owner,
            &cover,
            0,
            &m.buyer_token,
            claim_args.clone(),
        )],
        &[&buyer],
    )
    .await;
    let claim = claim_pda(&cover.cover, 0);
    let blind_claim = m.file_claim(4, UNIT).await;
    let staker_token = m.staker_token;
    m.t.mint_to(&m.mint.clone(), &staker_token, 10 * UNIT).await;
    let t = &mut m.t;
    let authority = t.authority.insecure_clone();
    let deployer = t.deployer.insecure_clone();
    let manager = m.pool.manager.insecure_clone();
    let staker = m.staker.insecure_clone();
    let keys = m.pool.keys;
    let treasury_token = t.create_token_account(&t.treasury.clone(), &m.mint).await;
    let manager_token = t.create_token_account(&manager.pubkey(), &m.mint).await;
    let other_mint = t.create_mint(6, &spl_token::ID).await;
    t.list_mint(&other_mint).await;
    // A listed mint without its capital pool yet, and a member with shares and a pending exit.
    let unopened = t.create_mint(6, &spl_token::ID).await;
    t.set_mint_params_only(&unopened).await;
    let (member, member_token) = t.funded_user(&m.mint, 10 * UNIT).await;
    t.send_ok(
        &[
            create_share_account(&member.pubkey(), &member.pubkey(), &m.mint),
            deposit_capital(
                &member.pubkey(),
                &m.mint,
                &spl_token::ID,
                &member_token,
                5 * UNIT,
                0,
            ),
        ],
        &[&member],
    )
    .await;
    t.send_ok(
        &[request_capital_exit(&member.pubkey(), &m.mint, 0, UNIT)],
        &[&member],
    )
    .await;
    let next = t.user().await;
    let far = m.far;
    let mint = m.mint;
    // A pending proposal (the kit's timelock delay is 0: executable now) that changes a
    // parameter and the capital pool, swept in execution and cancellation.
    let config_state: bulwark::state::Config = t.load(&config_pda()).await;
    let capital_state: bulwark::state::CapitalPool = t.load(&capital_pool_pda(&mint)).await;
    let mut pending = param_changes(
        &config_state.params,
        &ProtocolParams {
            quorum: 7,
            ..config_state.params
        },
    );
    pending.extend(capital_requirement_changes(
        &capital_pool_pda(&mint),
        &capital_state,
        0,
        9_000,
    ));
    let pending_id = config_state.proposal_count;
    t.send_ok(
        &[create_proposal(
            &authority.pubkey(),
            pending_id,
            pending.clone(),
            [0; 32],
            String::new(),
        )],
        &[&authority],
    )
    .await;
    let ixs: Vec<(&'static str, Instruction, Vec<Keypair>)> = vec![
        (
            "initialize_config",
            initialize_config(
                &deployer.pubkey(),
                &authority.pubkey(),
                &t.treasury,
                &assessment_mint,
                &spl_token::ID,
                ProtocolParams::default(),
            ),
            vec![deployer.insecure_clone()],
        ),
        (
            "create_proposal",
            create_proposal(
                &authority.pubkey(),
                pending_id + 1,
                pending.clone(),
                [1; 32],
                "ipfs://proposal".into(),
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "execute_proposal",
            execute_proposal(
                &next.pubkey(),
                pending_id,
                &authority.pubkey(),
                Some(capital_pool_pda(&mint)),
            ),
            vec![next.insecure_clone()],
        ),
        (
            "cancel_proposal",
            cancel_proposal(&authority.pubkey(), pending_id, &authority.pubkey()),
            vec![authority.insecure_clone()],
        ),
        (
            "set_pause",
            set_pause(&authority.pubkey(), 1),
            vec![authority.insecure_clone()],
        ),
        (
            "propose_authority",
            propose_authority(&authority.pubkey(), &next.pubkey()),
            vec![authority.insecure_clone()],
        ),
        (
            "accept_authority",
            accept_authority(&next.pubkey()),
            vec![next.insecure_clone()],
        ),
        (
            "create_product",
            create_product(
                &authority.pubkey(),
                panel_product + 1,
                CreateProductArgs {
                    product_type: ProductType::Assessed,
                    terms: default_terms(),
                },
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "update_product",
            update_product(
                &authority.pubkey(),
                0,
                bulwark::state::ProductTerms {
                    grace_period: 1,
                    ..default_terms()
                },
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "set_mint_params",
            set_mint_params(
                &authority.pubkey(),
                &m.mint,
                bulwark::instructions::SetMintParamsArgs {
                    claim_min_deposit: 2 * UNIT,
                },
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "refresh_pool_product",
            refresh_pool_product(&keys.pool, 0),
            vec![],
        ),
        (
            "create_pool",
            create_pool(
                &manager.pubkey(),
                1,
                &other_mint,
                &spl_token::ID,
                CreatePoolArgs {
                    manager_fee_bps: 0,
                    max_manager_fee_bps: 0,
                    private: false,
                },
            ),
            vec![manager.insecure_clone()],
        ),
        (
            "set_pool_product",
            set_pool_product(
                &manager.pubkey(),
                &keys.pool,
                SetPoolProductArgs {
                    product_id: 0,
                    target_weight: 10,
                    target_price_bps: 300,
                },
            ),
            vec![manager.insecure_clone()],
        ),
        (
            "set_manager_fee",
            set_manager_fee(&manager.pubkey(), &keys.pool, 5),
            vec![manager.insecure_clone()],
        ),
        (
            "claim_manager_fees",
            claim_manager_fees(&manager.pubkey(), &keys, &manager_token),
            vec![manager.insecure_clone()],
        ),
        (
            "deposit_stake",
            deposit_stake(
                &staker.pubkey(),
                &keys,
                &m.staker_token,
                DepositStakeArgs {
                    position_id: 0,
                    tranche_id: far,
                    amount: 1,
                },
            ),
            vec![staker.insecure_clone()],
        ),
        (
            "extend_stake",
            extend_stake(
                &staker.pubkey(),
                &keys,
                0,
                &m.staker_token,
                ExtendStakeArgs {
                    new_tranche_id: far + 1,
                    top_up_amount: 0,
                },
            ),
            vec![staker.insecure_clone()],
        ),
        (
            "claim_rewards",
            claim_rewards(&staker.pubkey(), &keys, 0, &m.staker_token),
            vec![staker.insecure_clone()],
        ),
        (
            "withdraw_stake",
            withdraw_stake(
                &staker.pubkey(),
                &keys,
                0,
                far,
                &staker.pubkey(),
                &m.staker_token,
            ),
            vec![staker.insecure_clone()],
        ),
        (
            "buy_cover",
            m_buy(&buyer, &m.buyer_token, &m.mint, keys.pool, m.product_id),
            vec![buyer.insecure_clone()],
        ),
        (
            "transfer_cover",
            transfer_cover(&owner, &unclaimed, &next.pubkey()),
            vec![buyer.insecure_clone()],
        ),
        (
            "file_claim",
            file_claim(&owner, &cover, 1, &m.buyer_token, claim_args),
            vec![buyer.insecure_clone()],
        ),
        (
            "stake_assessor",
            stake_assessor(
                &assessor.pubkey(),
                &assessment_mint,
                &assessor_token,
                &spl_token::ID,
                UNIT,
            ),
            vec![assessor.insecure_clone()],
        ),
        (
            "unstake_assessor",
            unstake_assessor(
                &assessor.pubkey(),
                &assessment_mint,
                &assessor_token,
                &spl_token::ID,
                UNIT,
            ),
            vec![assessor.insecure_clone()],
        ),
        (
            "vote",
            vote(&assessor.pubkey(), &claim, true),
            vec![assessor.insecure_clone()],
        ),
        (
            "commit_vote",
            commit_vote(
                &assessor.pubkey(),
                &blind_claim,
                bulwark::state::Ballot::commitment_of(
                    &blind_claim,
                    &assessor.pubkey(),
                    true,
                    &[5; 32],
                ),
                Some(panel_product),
            ),
            vec![assessor.insecure_clone()],
        ),
        (
            "reveal_vote",
            reveal_vote(
                &assessor.pubkey(),
                &revealing,
                RevealVoteArgs {
                    accept: true,
                    salt: [5; 32],
                    reason_hash: [0; 32],
                    reason_uri: String::new(),
                },
            ),
            vec![assessor.insecure_clone()],
        ),
        (
            "add_panel_member",
            add_panel_member(&authority.pubkey(), panel_product, &next.pubkey()),
            vec![authority.insecure_clone()],
        ),
        (
            "remove_panel_member",
            remove_panel_member(&authority.pubkey(), panel_product, &assessor.pubkey()),
            vec![authority.insecure_clone()],
        ),
        (
            "overturn_claim",
            overturn_claim(
                &authority.pubkey(),
                &claim,
                &keys.pool,
                "ipfs://bulwark/overturn",
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "redeem_payout",
            redeem_payout(
                &next.pubkey(),
                &cover,
                &claim,
                &m.buyer_token,
                &m.buyer_token,
            ),
            vec![next.insecure_clone()],
        ),
        (
            "close_claim",
            close_claim(&next.pubkey(), &cover, &claim),
            vec![next.insecure_clone()],
        ),
        (
            "settle_ballot",
            settle_ballot(
                &next.pubkey(),
                &claim,
                &keys.pool,
                &m.mint,
                &assessor.pubkey(),
                &manager_token,
                &spl_token::ID,
            ),
            vec![next.insecure_clone()],
        ),
        (
            "slash_ballot",
            slash_ballot(
                &next.pubkey(),
                &claim,
                &assessor.pubkey(),
                &assessment_mint,
                &treasury_token,
                &spl_token::ID,
            ),
            vec![next.insecure_clone()],
        ),
        (
            "sweep_fees",
            sweep_fees(&next.pubkey(), &keys, &treasury_token),
            vec![next.insecure_clone()],
        ),
        (
            "archive_tranche",
            archive_tranche(&next.pubkey(), &keys.pool, far),
            vec![next.insecure_clone()],
        ),
        (
            "create_capital_pool",
            create_capital_pool(
                &authority.pubkey(),
                &unopened,
                &spl_token::ID,
                default_capital_pool_args(),
            ),
            vec![authority.insecure_clone()],
        ),
        (
            "deposit_capital",
            deposit_capital(
                &member.pubkey(),
                &mint,
                &spl_token::ID,
                &member_token,
                UNIT,
                0,
            ),
            vec![member.insecure_clone()],
        ),
        (
            "contribute_capital",
            contribute_capital(&member.pubkey(), &mint, &spl_token::ID, &member_token, UNIT),
            vec![member.insecure_clone()],
        ),
        (
            "request_capital_exit",
            request_capital_exit(&member.pubkey(), &mint, 1, UNIT),
            vec![member.insecure_clone()],
        ),
        (
            "execute_capital_exit",
            execute_capital_exit(&member.pubkey(), &mint, &spl_token::ID, 0, &member_token),
            vec![member.insecure_clone()],
        ),
        (
            "grant_leverage",
            grant_leverage(&next.pubkey(), &keys.pool, &mint, u64::MAX),
            vec![next.insecure_clone()],
        ),
        (
            "redeem_owed",
            redeem_owed(&next.pubkey(), &cover, &claim, &m.buyer_token),
            vec![next.insecure_clone()],
        ),
    ];
    (m.t, ixs)
}

fn m_buy(
    buyer: &Keypair,
    token: &Pubkey,
    mint: &Pubkey,
    pool: Pubkey,
    product_id: u64,
) -> Instruction {
    buy_cover(
        &buyer.pubkey(),
        token,
        mint,
        &spl_token::ID,
        &[pool],
        None,
        cover_args(9, buyer.pubkey(), product_id, vec![UNIT], YEAR),
    )
}

#[tokio::test]
async fn every_signer_of_every_instruction_is_required() {
    let (mut t, ixs) = every_instruction().await;
    let program_instructions = ixs.len();
    // Every instruction of the program is in the list but expire_cover and quote_cover (they
    // have no signer; refresh_pool_product has none either, and is in the list for the
    // substitution sweep).
    let idl: serde_json::Value =
        serde_json::from_str(include_str!("../../../idl/bulwark.json")).unwrap();
    assert_eq!(
        program_instructions + 2,
        idl["instructions"].as_array().unwrap().len()
    );
    let payer = t.payer().pubkey();
    let mut mounted = 0;
    for (name, ix, signers) in &ixs {
        for (index, meta) in ix.accounts.iter().enumerate() {
            if !meta.is_signer || meta.pubkey == payer {
                continue;
            }
            let mut attack = ix.clone();
            attack.accounts[index].is_signer = false;
            let others: Vec<&Keypair> = signers
                .iter()
                .filter(|k| k.pubkey() != meta.pubkey)
                .collect();
            let err = t.send(&[attack], &others).await.expect_err(name);
            assert_eq!(
                err,
                solana_transaction_error::TransactionError::InstructionError(
                    0,
                    solana_instruction_error::InstructionError::Custom(
                        AnchorError::AccountNotSigner as u32
                    )
                ),
                "{name}: account {index} signed by nobody"
            );
            mounted += 1;
        }
    }
    // One attack at least per instruction with a signer (all but refresh_pool_product).
    assert!(mounted >= program_instructions - 1);
}

/// Another valid PDA for `seeds`, with a bump below the canonical one.
fn non_canonical(seeds: &[&[u8]]) -> Pubkey {
    let (_, canonical) = Pubkey::find_program_address(seeds, &bulwark::ID);
    (0..canonical)
        .rev()
        .find_map(|bump| {
            let mut with_bump: Vec<&[u8]> = seeds.to_vec();
            let bump = [bump];
            with_bump.push(&bump);
            Pubkey::create_program_address(&with_bump, &bulwark::ID).ok()
        })
        .expect("some lower bump is off the curve")
}

#[tokio::test]
async fn accounts_at_non_canonical_bumps_are_refused() {
    let mut m = market(1_000_000 * UNIT).await;
    let staker = m.staker.insecure_clone();
    let keys = m.pool.keys;
    // A second position of the staker at a non-canonical address.
    let canonical = position_pda(&keys.pool, &staker.pubkey(), 5);
    let forged = non_canonical(&[
        bulwark::constants::POSITION_SEED,
        keys.pool.as_ref(),
        staker.pubkey().as_ref(),
        &5u64.to_le_bytes(),
    ]);
    let mut ix = deposit_stake(
        &staker.pubkey(),
        &keys,
        &m.staker_token,
        DepositStakeArgs {
            position_id: 5,
            tranche_id: m.far,
            amount: UNIT,
        },
    );
    swap_account(&mut ix, &canonical, &forged);
    m.t.send_anchor_err(ix, &[&staker], AnchorError::ConstraintSeeds)
        .await;
    assert!(!m.t.exists(&forged).await);

    // A cover at a non-canonical address.
    let buyer = m.buyer.insecure_clone();
    let mut ix = m_buy(&buyer, &m.buyer_token, &m.mint, keys.pool, m.product_id);
    let forged = non_canonical(&[
        bulwark::constants::COVER_SEED,
        buyer.pubkey().as_ref(),
        &9u64.to_le_bytes(),
    ]);
    swap_account(&mut ix, &cover_pda(&buyer.pubkey(), 9), &forged);
    m.t.send_anchor_err(ix, &[&buyer], AnchorError::ConstraintSeeds)
        .await;
    assert!(!m.t.exists(&forged).await);
}

/// Every account of an instruction (but its signers) replaced in turn by: an address nobody
/// created (uninitialized account), an SPL token account (wrong owner), the config (an account
/// of this program of another type) and every other account of the same instruction (PDA
/// substitution, duplicated accounts). Each attack must fail with a program or Anchor error
/// code and leave every account of the instruction unchanged.
#[tokio::test]
async fn every_account_of_every_instruction_is_checked() {
    let (mut t, ixs) = every_instruction().await;
    let payer = t.payer().pubkey();
    let stranger_token = {
        let mint = t.assessment_mint;
        t.create_token_account(&payer, &mint).await
    };
    let config = config_pda();
    let mut mounted = 0;
    let mut checked = Vec::new();
    for (name, ix, signers) in &ixs {
        let keys: Vec<Pubkey> = ix.accounts.iter().map(|m| m.pubkey).collect();
        let signer_refs: Vec<&Keypair> = signers.iter().collect();
        // Only an instruction that would succeed as built says anything when an account swap
        // makes it fail (claim-flow instructions need later states; their accounts are
        // covered family by family in claims.rs).
        if let Err(e) = t.simulate(std::slice::from_ref(ix), &signer_refs).await {
            eprintln!("not swept (invalid in this state): {name}: {e:?}");
            continue;
        }
        checked.push(*name);
        for (index, meta) in ix.accounts.iter().enumerate() {
            // Signers are covered by the signer sweep; the program-id placeholder stands for
            // an absent optional account (buy_cover's commission destination).
            if meta.is_signer || meta.pubkey == bulwark::ID {
                continue;
            }
            let mut substitutes = vec![Pubkey::new_unique(), stranger_token, config];
            substitutes.extend(keys.iter().copied());
            substitutes.retain(|k| *k != meta.pubkey);
            substitutes.dedup();
            for substitute in substitutes {
                let mut attack = ix.clone();
                attack.accounts[index].pubkey = substitute;
                let mut before = Vec::new();
                for key in &keys {
                    before.push(t.account(key).await);
                }
                let err = t
                    .send(&[attack], &signer_refs)
                    .await
                    .expect_err(&format!("{name}: account {index} replaced by {substitute}"));
                // Refused by a check, never by a panic or an exhausted budget.
                use solana_instruction_error::InstructionError as E;
                use solana_transaction_error::TransactionError as T;
                assert!(
                    match &err {
                        T::InstructionError(0, e) => !matches!(
                            e,
                            E::ProgramFailedToComplete
                                | E::ComputationalBudgetExceeded
                                | E::GenericError
                        ),
                        T::AccountNotFound | T::ProgramAccountNotFound => true,
                        _ => false,
                    },
                    "{name}: account {index} replaced by {substitute}: {err:?}"
                );
                for (key, old) in keys.iter().zip(&before) {
                    let now = t.account(key).await;
                    // Only the fee payer's lamports move (the fee).
                    if *key != payer {
                        assert_eq!(&now, old, "{name}: {key} changed by a failed attack");
                    }
                }
                mounted += 1;
            }
        }
    }
    for required in [
        "create_proposal",
        "execute_proposal",
        "cancel_proposal",
        "set_pause",
        "propose_authority",
        "create_product",
        "update_product",
        "set_mint_params",
        "refresh_pool_product",
        "create_pool",
        "set_pool_product",
        "set_manager_fee",
        "claim_manager_fees",
        "deposit_stake",
        "buy_cover",
        "transfer_cover",
        "stake_assessor",
        "vote",
        "commit_vote",
        "reveal_vote",
        "add_panel_member",
        "remove_panel_member",
        "sweep_fees",
    ] {
        assert!(
            checked.contains(&required),
            "{required} was not valid as built"
        );
    }
    assert!(mounted > 300, "{mounted} attacks mounted");
}
