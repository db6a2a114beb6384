//! The SDK under another program id: every PDA a flow reads or an instruction names is the
//! deployment's own. The market runs under the canonical id; a source that serves each PDA of
//! another id with the canonical account of the same seeds — owned by the other id, every
//! canonical address in its data moved too — stands for the same market deployed under that
//! id, and each flow over it must build the canonical flow's instructions with every address
//! moved to that id. On the SBF build, the program's second build, which declares that id, runs
//! a purchase, a claim, a vote and the payout through the flows for real.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::instructions::VoteArgs;
use bulwark::state::{Ballot, CapitalPool, GovernanceChange};
use bulwark_sdk::builders::*;
use bulwark_sdk::client::{self, mint_info, AccountSource, WithProgram};
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::CoverRequest;
use bulwark_testing::*;
use solana_account::Account;
use solana_signer::Signer;
use std::collections::HashMap;

const STAKE: u64 = 1_000_000 * UNIT;

/// The id of the other deployment.
const OTHER: Pubkey = Pubkey::new_from_array([7; 32]);

/// The canonical market as the deployment `OTHER` would hold it.
struct Relocated<'a> {
    t: &'a mut TestContext,
    /// Each canonical address (the program's and its PDAs') with the other deployment's.
    to: &'a HashMap<Pubkey, Pubkey>,
    /// The inverse of `to`.
    back: HashMap<Pubkey, Pubkey>,
    /// The owner of the moved program accounts: `OTHER`, unless a test forges them.
    owner: Pubkey,
}

impl<'a> Relocated<'a> {
    fn new(t: &'a mut TestContext, to: &'a HashMap<Pubkey, Pubkey>, owner: Pubkey) -> Self {
        let back = to.iter().map(|(from, to)| (*to, *from)).collect();
        Self { t, to, back, owner }
    }
}

impl AccountSource for Relocated<'_> {
    async fn account(&mut self, address: &Pubkey) -> client::Result<Option<Account>> {
        let Some(canonical) = self.back.get(address) else {
            let account = self.t.account(address).await;
            // An account of the canonical deployment is not the other's: reading one means
            // the flow derived a PDA from the wrong id.
            assert!(
                account.as_ref().is_none_or(|a| a.owner != bulwark::ID),
                "a flow read the canonical deployment's {address}"
            );
            return Ok(account);
        };
        let Some(mut account) = self.t.account(canonical).await else {
            return Ok(None);
        };
        if account.owner == bulwark::ID {
            account.owner = self.owner;
            for (from, to) in self.to {
                replace_all(&mut account.data, from.as_ref(), to.as_ref());
            }
        }
        Ok(Some(account))
    }

    async fn unix_time(&mut self) -> client::Result<i64> {
        self.t.unix_time().await
    }
}

/// Replaces each occurrence of `from` in `data` with `to` (of the same length).
fn replace_all(data: &mut [u8], from: &[u8], to: &[u8]) {
    let mut at = 0;
    while at + from.len() <= data.len() {
        if data[at..at + from.len()] == *from {
            data[at..at + from.len()].copy_from_slice(to);
            at += from.len();
        } else {
            at += 1;
        }
    }
}

/// Each address of the market's canonical deployment with the same of `OTHER`.
fn relocation(m: &Market, voter: &Pubkey) -> HashMap<Pubkey, Pubkey> {
    let canonical = addresses(m, &Program::CANONICAL, voter);
    canonical
        .into_iter()
        .zip(addresses(m, &Program::new(OTHER), voter))
        .collect()
}

/// The addresses of the market's deployment `program`, in one order for every deployment.
fn addresses(m: &Market, program: &Program, voter: &Pubkey) -> Vec<Pubkey> {
    let pool = program.pool_pda(m.pool.pool_id);
    let buyer = m.buyer.pubkey();
    let mut addresses = vec![
        program.id,
        program.program_data_address(),
        program.config_pda(),
        program.assessment_vault_pda(),
        program.product_pda(m.product_id),
        program.mint_params_pda(&m.mint),
        pool,
        program.vault_pda(&pool),
        program.pool_product_pda(&pool, m.product_id),
        program.position_pda(&pool, &m.staker.pubkey(), 0),
        program.archive_pda(&pool, m.far),
        program.capital_pool_pda(&m.mint),
        program.capital_vault_pda(&m.mint),
        program.capital_shares_pda(&m.mint),
        program.proposal_pda(0),
        program.proposal_pda(1),
        program.assessor_pda(voter),
    ];
    for nonce in 0..2 {
        let cover = program.cover_pda(&buyer, nonce);
        addresses.push(cover);
        for index in 0..2 {
            let claim = program.claim_pda(&cover, index);
            addresses.extend([claim, program.ballot_pda(&claim, voter)]);
        }
    }
    addresses
}

/// `ix` of the canonical deployment with its program and every address moved by `to`.
fn moved(ix: &Instruction, to: &HashMap<Pubkey, Pubkey>) -> Instruction {
    let at = |key: &Pubkey| *to.get(key).unwrap_or(key);
    let mut ix = ix.clone();
    ix.program_id = at(&ix.program_id);
    for meta in &mut ix.accounts {
        meta.pubkey = at(&meta.pubkey);
    }
    ix
}

/// Asserts each of `other` is the same of `canonical` moved by `to`, and each of Bulwark's
/// names the other deployment.
fn assert_moved(canonical: &[Instruction], other: &[Instruction], to: &HashMap<Pubkey, Pubkey>) {
    assert_eq!(canonical.len(), other.len());
    for (canonical, other) in canonical.iter().zip(other) {
        assert_eq!(*other, moved(canonical, to));
        if canonical.program_id == bulwark::ID {
            assert_eq!(other.program_id, OTHER);
            assert_ne!(other.accounts, canonical.accounts);
        }
    }
}

#[tokio::test]
async fn every_flow_addresses_the_deployment_its_source_reads() {
    let mut m = market(STAKE).await;
    let other = Program::new(OTHER);
    let canonical = Program::CANONICAL;
    let buyer = m.buyer.insecure_clone();
    let caller = buyer.pubkey();
    let pools = [m.pool.keys.pool];
    let request = request(&m, 100_000 * UNIT);
    // A cover with a claim on it, a ballot on the claim and a proposal, under the canonical id.
    let quote = flows::quote_cover(&mut m.t, &request, &pools)
        .await
        .unwrap();
    let mint = mint_info(&mut m.t, &m.mint).await.unwrap();
    let options = BuyOptions::default();
    let purchase =
        flows::buy_cover_from_quote(&canonical, &caller, &m.buyer_token, &mint, &quote, options)
            .unwrap();
    let mut ixs = purchase.cranks.clone();
    ixs.push(purchase.buy.clone());
    m.t.send_ok(&ixs, &[&buyer]).await;
    let cover = purchase.cover;
    m.t.next_slot().await;
    let incident = m.t.cover_start(&cover).await;
    let args = claim_args(40_000 * UNIT, incident);
    let (claim, file) = flows::file_claim(&mut m.t, &caller, &cover, &m.buyer_token, args.clone())
        .await
        .unwrap();
    m.t.send_ok(&[file], &[&buyer]).await;
    let (voter, _) = m.t.assessor(UNIT).await;
    let vote = |accept| VoteArgs {
        accept,
        reason_hash: [5; 32],
        reason_uri: "ipfs://bulwark/reason".into(),
    };
    let ballot = flows::vote(&mut m.t, &voter.pubkey(), &claim, vote(true))
        .await
        .unwrap();
    m.t.send_ok(&[ballot], &[&voter]).await;
    let authority = m.t.authority.insecure_clone();
    let capital: CapitalPool = m.t.load(&canonical.capital_pool_pda(&m.mint)).await;
    // Names a canonical PDA in its data: the other deployment's proposal names its own.
    let changes = vec![GovernanceChange::McrBps {
        capital_pool: canonical.capital_pool_pda(&m.mint),
        old: capital.mcr_bps,
        new: capital.mcr_bps - 1,
    }];
    let (propose, id) = flows::propose(
        &mut m.t,
        &authority.pubkey(),
        changes.clone(),
        [3; 32],
        "p".into(),
    )
    .await
    .unwrap();
    assert_eq!(id, 0);
    m.t.send_ok(&[propose], &[&authority]).await;

    // Every flow, under the canonical id and then over the other deployment.
    let voter = voter.pubkey();
    let staker = m.staker.pubkey();
    let salt = [8; 32];
    let buy = BuyOptions {
        cover_nonce: 1,
        ..BuyOptions::default()
    };
    let t = &mut m.t;
    let quote = flows::quote_cover(t, &request, &pools).await.unwrap();
    let (_, pool_keys) = flows::pool_keys(t, 0).await.unwrap();
    let purchase =
        flows::buy_cover_from_quote(&canonical, &caller, &m.buyer_token, &mint, &quote, buy)
            .unwrap();
    let cranks = flows::line_cranks(t, &caller, &m.mint, &pools, u64::MAX)
        .await
        .unwrap();
    let (second_claim, file) = flows::file_claim(t, &caller, &cover, &m.buyer_token, args.clone())
        .await
        .unwrap();
    let single = vec![
        file,
        flows::vote(t, &voter, &claim, vote(false)).await.unwrap(),
        flows::close_claim(t, &caller, &claim).await.unwrap(),
        flows::expire_cover(t, &cover).await.unwrap(),
        flows::propose(t, &caller, changes.clone(), [4; 32], "q".into())
            .await
            .unwrap()
            .0,
        flows::execute_proposal(t, &caller, 0).await.unwrap(),
        flows::cancel_proposal(t, &authority.pubkey(), 0)
            .await
            .unwrap(),
    ];
    let commit = flows::commit_vote(t, &voter, &claim, true, &salt)
        .await
        .unwrap();
    let redeem = flows::redeem(t, &caller, &claim, None, None).await.unwrap();
    let settle = flows::settle_ballot(t, &caller, &claim, &voter, None)
        .await
        .unwrap();
    let (position, withdraw) =
        flows::withdraw(t, &caller, &staker, &staker, &pool_keys, 0, &m.staker_token)
            .await
            .unwrap();

    let to = relocation(&m, &voter);
    let mut src = WithProgram {
        source: Relocated::new(&mut m.t, &to, OTHER),
        program: other,
    };
    let src = &mut src;
    let other_pools = [to[&pools[0]]];
    let (other_cover, other_claim) = (to[&cover], to[&claim]);

    // Priced from the other deployment's accounts: the same premium, routed over its pool.
    let other_quote = flows::quote_cover(src, &request, &other_pools)
        .await
        .unwrap();
    assert_eq!(other_quote.premium, quote.premium);
    assert_eq!(other_quote.pools(), other_pools);
    let (_, other_keys) = flows::pool_keys(src, 0).await.unwrap();
    assert_eq!(
        (other_keys.pool, other_keys.vault),
        (to[&pool_keys.pool], to[&pool_keys.vault])
    );
    let other_purchase =
        flows::buy_cover_from_quote(&other, &caller, &m.buyer_token, &mint, &other_quote, buy)
            .unwrap();
    assert_eq!(other_purchase.cover, to[&purchase.cover]);
    assert_moved(&purchase.cranks, &other_purchase.cranks, &to);
    assert_moved(
        &[purchase.buy],
        std::slice::from_ref(&other_purchase.buy),
        &to,
    );
    let other_cranks = flows::line_cranks(src, &caller, &m.mint, &other_pools, u64::MAX)
        .await
        .unwrap();
    assert_moved(&cranks, &other_cranks, &to);

    let (other_second, other_file) =
        flows::file_claim(src, &caller, &other_cover, &m.buyer_token, args)
            .await
            .unwrap();
    assert_eq!(other_second, to[&second_claim]);
    let other_single = vec![
        other_file,
        flows::vote(src, &voter, &other_claim, vote(false))
            .await
            .unwrap(),
        flows::close_claim(src, &caller, &other_claim)
            .await
            .unwrap(),
        flows::expire_cover(src, &other_cover).await.unwrap(),
        flows::propose(src, &caller, changes, [4; 32], "q".into())
            .await
            .unwrap()
            .0,
        flows::execute_proposal(src, &caller, 0).await.unwrap(),
        flows::cancel_proposal(src, &authority.pubkey(), 0)
            .await
            .unwrap(),
    ];
    assert_moved(&single, &other_single, &to);
    let other_redeem = flows::redeem(src, &caller, &other_claim, None, None)
        .await
        .unwrap();
    assert_moved(&redeem, &other_redeem, &to);
    let other_settle = flows::settle_ballot(src, &caller, &other_claim, &voter, None)
        .await
        .unwrap();
    assert_moved(&settle, &other_settle, &to);
    let (other_position, other_withdraw) = flows::withdraw(
        src,
        &caller,
        &staker,
        &staker,
        &other_keys,
        0,
        &m.staker_token,
    )
    .await
    .unwrap();
    assert_eq!(other_position.pool, to[&position.pool]);
    assert_moved(&withdraw, &other_withdraw, &to);

    // A vote commitment hashes the claim's address: the other deployment's commits to its own.
    let other_commit = flows::commit_vote(src, &voter, &other_claim, true, &salt)
        .await
        .unwrap();
    let commitment = Ballot::commitment_of(&other_claim, &voter, true, &salt);
    assert_eq!(
        other_commit,
        other.commit_vote(&voter, &other_claim, commitment, None)
    );
    assert_eq!(other_commit.accounts, moved(&commit, &to).accounts);

    // Whatever the map holds: no instruction for the other deployment names an account of the
    // canonical one.
    let built = [
        other_purchase.cranks,
        vec![other_purchase.buy],
        other_cranks,
        other_single,
        other_redeem,
        other_settle,
        other_withdraw,
        vec![other_commit],
    ]
    .concat();
    for meta in built.iter().flat_map(|ix| &ix.accounts) {
        let owner = m.t.account(&meta.pubkey).await.map(|account| account.owner);
        assert_ne!(
            owner,
            Some(bulwark::ID),
            "{} is the canonical deployment's",
            meta.pubkey
        );
    }
}

#[tokio::test]
async fn a_deployment_reads_only_accounts_it_owns() {
    let mut m = market(STAKE).await;
    let other = Program::new(OTHER);
    // The other deployment's PDAs hold the canonical accounts as they are, owned by the
    // canonical program: whatever their bytes, they are not the other deployment's.
    let to = relocation(&m, &Pubkey::new_unique());
    let request = request(&m, UNIT);
    let mut src = WithProgram {
        source: Relocated::new(&mut m.t, &to, bulwark::ID),
        program: other,
    };
    let pools = [other.pool_pda(0)];
    let invalid = |what: &str, address| client::ClientError::Invalid {
        what: format!("Bulwark {what}"),
        address,
    };
    assert_eq!(
        flows::quote_cover(&mut src, &request, &pools)
            .await
            .unwrap_err(),
        invalid("config", other.config_pda())
    );
    assert_eq!(
        flows::pool_keys(&mut src, 0).await.unwrap_err(),
        invalid("pool", other.pool_pda(0))
    );
    // An address no deployment has is missing, as before.
    assert_eq!(
        flows::pool_keys(&mut src, 1).await.unwrap_err(),
        client::ClientError::Missing {
            what: "pool".into(),
            address: other.pool_pda(1),
        }
    );
}

#[tokio::test]
#[cfg_attr(
    not(bulwark_sbf),
    ignore = "runs the SBF build under another id: run the suite with BULWARK_SBF=1 and SBF_OUT_DIR"
)]
async fn a_build_under_its_own_id_runs_the_sdk_flows() {
    // The program's build under OTHER (`--features test-program-id`, with its own
    // `CONFIG_ADDRESS`), which `.ci/run` keeps beside the canonical one as `bulwark_test_id.so`.
    let other = Program::new(OTHER);
    let deployer = TestContext::deployer_key();
    let mut pt = program_test(true, &deployer.pubkey());
    add_sbf_program(&mut pt, "bulwark_test_id", &OTHER, &deployer.pubkey());
    let mut t = TestContext::start(pt, deployer.insecure_clone()).await;
    let authority = t.authority.insecure_clone();
    t.fund(&deployer.pubkey(), 10_000_000_000).await;
    t.fund(&authority.pubkey(), 10_000_000_000).await;
    t.assessment_mint = t.create_mint(6, &spl_token::ID).await;

    // The market of the kit, every instruction built for OTHER.
    let init = other.initialize_config(
        &deployer.pubkey(),
        &authority.pubkey(),
        &t.treasury,
        &t.assessment_mint,
        &spl_token::ID,
        kit_params(),
    );
    t.send_ok(&[init], &[&deployer]).await;
    let product = bulwark::instructions::CreateProductArgs {
        product_type: bulwark::state::ProductType::Assessed,
        terms: default_terms(),
    };
    t.send_ok(
        &[other.create_product(&authority.pubkey(), 0, product)],
        &[&authority],
    )
    .await;
    let mint = t.create_mint(6, &spl_token::ID).await;
    let listing = other.list_mint(
        &authority.pubkey(),
        &mint,
        &spl_token::ID,
        bulwark::instructions::SetMintParamsArgs {
            claim_min_deposit: UNIT,
        },
        default_capital_pool_args(),
    );
    t.send_ok(&listing, &[&authority]).await;
    t.warp_to_tranche(230, 10 * DAY).await;
    let manager = t.user().await;
    let pool_args = bulwark::instructions::CreatePoolArgs {
        manager_fee_bps: 1_000,
        max_manager_fee_bps: 2_000,
        private: false,
    };
    let create = other.create_pool(&manager.pubkey(), 0, &mint, &spl_token::ID, pool_args);
    let list = other.set_pool_product(
        &manager.pubkey(),
        &other.pool_pda(0),
        bulwark::instructions::SetPoolProductArgs {
            product_id: 0,
            target_weight: 100,
            target_price_bps: 250,
        },
    );
    t.send_ok(&[create, list], &[&manager]).await;
    let keys = other.pool_keys(0, mint, spl_token::ID);
    let far = t.current_tranche().await + 7;
    let (staker, staker_token) = t.funded_user(&mint, STAKE).await;
    let deposit = other.deposit_stake(
        &staker.pubkey(),
        &keys,
        &staker_token,
        bulwark::instructions::DepositStakeArgs {
            position_id: 0,
            tranche_id: far,
            amount: STAKE,
        },
    );
    t.send_ok(&[deposit], &[&staker]).await;
    let (buyer, buyer_token) = t.funded_user(&mint, 10_000 * UNIT).await;
    let (voter, voter_token) = t.funded_user(&t.assessment_mint.clone(), UNIT).await;
    let stake = other.stake_assessor(
        &voter.pubkey(),
        &t.assessment_mint,
        &voter_token,
        &spl_token::ID,
        UNIT,
    );
    t.send_ok(&[stake], &[&voter]).await;
    for address in [
        other.config_pda(),
        keys.pool,
        other.position_pda(&keys.pool, &staker.pubkey(), 0),
    ] {
        assert_eq!(t.account(&address).await.expect("created").owner, OTHER);
    }
    assert!(!t.exists(&config_pda()).await);

    // The SDK's flows over the deployment: quote, buy, claim, vote, payout.
    let mut src = WithProgram {
        source: t,
        program: other,
    };
    let amount = 100_000 * UNIT;
    let request = CoverRequest {
        product_id: 0,
        mint,
        amount,
        period: YEAR,
        commission_bps: 0,
    };
    let quote = flows::quote_cover(&mut src, &request, &[keys.pool])
        .await
        .unwrap();
    let mint_of = mint_info(&mut src, &mint).await.unwrap();
    let purchase = flows::buy_cover_from_quote(
        &other,
        &buyer.pubkey(),
        &buyer_token,
        &mint_of,
        &quote,
        BuyOptions::default(),
    )
    .unwrap();
    let t = &mut src.source;
    let before = t.balance(&buyer_token).await;
    let mut ixs = purchase.cranks;
    ixs.push(purchase.buy);
    t.send_ok(&ixs, &[&buyer]).await;
    assert_eq!(before - t.balance(&buyer_token).await, quote.cost());
    assert_eq!(purchase.cover, other.cover_pda(&buyer.pubkey(), 0));
    let cover: bulwark::state::Cover = t.load(&purchase.cover).await;
    assert_eq!(cover.amount, amount);
    t.next_slot().await;

    let claimed = 40_000 * UNIT;
    let args = claim_args(claimed, cover.start);
    let (claim, file) = flows::file_claim(
        &mut src,
        &buyer.pubkey(),
        &purchase.cover,
        &buyer_token,
        args,
    )
    .await
    .unwrap();
    assert_eq!(claim, other.claim_pda(&purchase.cover, 0));
    let t = &mut src.source;
    let before_claim = t.balance(&buyer_token).await;
    t.send_ok(&[file], &[&buyer]).await;
    let deposit = before_claim - t.balance(&buyer_token).await;
    let vote = VoteArgs {
        accept: true,
        reason_hash: [0; 32],
        reason_uri: String::new(),
    };
    let ballot = flows::vote(&mut src, &voter.pubkey(), &claim, vote)
        .await
        .unwrap();
    let t = &mut src.source;
    t.send_ok(&[ballot], &[&voter]).await;
    t.warp_days(4).await;
    let payer = t.payer();
    let payout = flows::redeem(
        &mut src,
        &payer.pubkey(),
        &claim,
        Some(buyer_token),
        Some(buyer_token),
    )
    .await
    .unwrap();
    let t = &mut src.source;
    let before_payout = t.balance(&buyer_token).await;
    t.send_ok(&payout, &[&payer]).await;
    // Paid in full by the stake, the deposit back to the claimant.
    assert_eq!(
        t.balance(&buyer_token).await - before_payout,
        claimed + deposit
    );
    let paid: bulwark::state::Claim = t.load(&claim).await;
    assert_eq!(
        (paid.staker_paid + paid.capital_paid, paid.owed),
        (claimed, 0)
    );
}
