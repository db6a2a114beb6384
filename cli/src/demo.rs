//! `bulwark demo`: one realistic story through the whole protocol on an embedded Solana VM.
//!
//! A manager opens a USDC-like pool, stakers join different tranches, buyers cover a lending
//! protocol and a DEX, the lending protocol is exploited, claims are filed and voted on (one
//! accepted, one denied), the payout is redeemed, rewards and fees are claimed, the tranches end
//! and the stakers withdraw. Every step reports what moved; the summary adds every token up.

use crate::errors::{describe_failure, CliError, Result};
use crate::report::{capacity_uses, State, Watch};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::instructions::{CreatePoolArgs, DepositStakeArgs, FileClaimArgs, SetPoolProductArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Claim, ClaimStatus, Cover, Pool, PoolProduct, ProtocolParams, StakePosition};
use bulwark_sdk::builders::*;
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::CoverRequest;
use bulwark_sdk::rewards::pending_rewards;
use bulwark_testing::{spl_token, TestContext};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

const UNIT: u64 = 1_000_000;
const DAY: i64 = SECONDS_PER_DAY;

/// Unix time the demo starts at (2026-01-05 00:00 UTC, early in tranche 224), so its tranches,
/// buckets and every number it prints are the same on any day it runs. Scenarios start here
/// too unless they say otherwise.
pub const START: i64 = 1_767_571_200;

/// One step of the story: what happened, in lines for people and in fields for machines.
#[derive(Debug, Serialize)]
pub struct Step {
    pub title: String,
    pub lines: Vec<String>,
    /// The protocol's state after the step; `None` before the pool exists and for the summary.
    pub state: Option<State>,
}

/// Where every token of the demo's mint ended up.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Tokens minted to the actors at the start.
    pub minted: u64,
    /// Balance of each actor's token account, by name.
    pub wallets: Vec<(String, u64)>,
    pub pool_vault: u64,
    /// The mint's capital pool vault: its members' capital and what it holds for claims.
    pub capital_vault: u64,
    pub treasury: u64,
    pub reward_pot: u64,
    /// Sum of all the above: equals `minted`.
    pub total: u64,
    /// What the pool still owes; equals `pool_vault` after the final sweep.
    pub pool_liabilities: u64,
    /// The capital pool's books; equal `capital_vault`.
    pub capital: u64,
    pub claims_paid: u64,
    /// Of `claims_paid`, what the backing stake and what the capital pool paid.
    pub claims_paid_by_stake: u64,
    pub claims_paid_by_capital: u64,
    /// Accepted and not yet paid: owed by the capital pool.
    pub claims_owed: u64,
    pub deposits_forfeited: u64,
}

struct Actor {
    name: &'static str,
    key: Keypair,
    token: Pubkey,
}

/// Formats base units of a 6-decimal mint as `1,234.56`.
pub fn usdc(amount: u64) -> String {
    let cents = (amount % UNIT) / 10_000;
    format!("{}.{cents:02}", crate::format::thousands(amount / UNIT))
}

struct Story<'a> {
    t: TestContext,
    report: &'a mut dyn FnMut(Step),
    /// The pool, products, wallets and claims each step's state reports.
    watch: Watch,
}

impl Story<'_> {
    async fn step(&mut self, title: &str, lines: Vec<String>) -> Result<()> {
        let state = if self.watch.pool == Pubkey::default() {
            None
        } else {
            Some(self.watch.state(&mut self.t).await.map_err(program_error)?)
        };
        (self.report)(Step {
            title: title.to_string(),
            lines,
            state,
        });
        Ok(())
    }

    fn watch_wallet(&mut self, name: &str, token: Pubkey) {
        self.watch.wallets.push((name.to_string(), token));
    }

    /// Sends `ixs` (the harness's payer pays), worded with the program's message on failure.
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<()> {
        self.t
            .send_logged(ixs, signers)
            .await
            .map(|_| ())
            .map_err(|(e, logs)| describe_failure(&e, &logs))
    }

    /// Each product's capacity used in `pool`, at the current time.
    async fn capacity_lines(
        &mut self,
        pool: &Pubkey,
        products: &[(&str, u64)],
    ) -> Result<Vec<String>> {
        let pool_state: Pool = self.t.load_zc(pool).await;
        let ids: Vec<u64> = products.iter().map(|(_, id)| *id).collect();
        let uses = capacity_uses(&mut self.t, pool, &pool_state, &ids)
            .await
            .map_err(program_error)?;
        Ok(products
            .iter()
            .zip(uses)
            .map(|((name, _), used)| format!("{name}: {}", used.describe(usdc)))
            .collect())
    }

    async fn actor(&mut self, name: &'static str, mint: &Pubkey, amount: u64) -> Actor {
        let (key, token) = self.t.funded_user(mint, amount).await;
        Actor { name, key, token }
    }
}

/// Runs the story on an embedded VM (the SBF `.so` when `sbf`, else the native build),
/// reporting each step through `report`, and returns the final summary.
pub async fn run(sbf: bool, report: &mut dyn FnMut(Step)) -> Result<Summary> {
    let mut s = Story {
        t: TestContext::new_in(sbf).await,
        report,
        watch: Watch::default(),
    };
    s.t.warp_to_time(START).await;
    let authority = s.t.authority.insecure_clone();

    // Governance: products and a smaller assessor reward for this market.
    let mint = s.t.create_mint(6, &spl_token::ID).await;
    let lending = s.t.create_default_product().await;
    let dex = s.t.create_default_product().await;
    let params = ProtocolParams {
        assessor_reward_bps: 20,
        ..ProtocolParams::default()
    };
    let treasury = s.t.treasury;
    s.send(
        &[update_config(&authority.pubkey(), params, &treasury)],
        &[&authority],
    )
    .await?;
    s.step(
        "Governance lists two products",
        vec![
            format!("product {lending}: lending protocol exploit (assessed, 35-day grace)"),
            format!("product {dex}: DEX exploit (assessed, 35-day grace)"),
            "assessor reward set to 0.20% of each claim; capacity ratio 2x; 50% of premiums \
             to stakers"
                .to_string(),
        ],
    )
    .await?;

    // The manager opens a pool and prices both products.
    let next_tranche = s.t.current_tranche().await + 1;
    s.t.warp_to_tranche(next_tranche, 10 * DAY).await;
    let pool =
        s.t.open_pool(
            &mint,
            CreatePoolArgs {
                manager_fee_bps: 1_000,
                max_manager_fee_bps: 2_000,
                private: false,
            },
        )
        .await;
    let keys = pool.keys;
    let manager = pool.manager.insecure_clone();
    s.watch.pool = keys.pool;
    s.watch.vault = keys.vault;
    s.watch.products = vec![("lending".to_string(), lending), ("DEX".to_string(), dex)];
    for (product_id, weight, price) in [(lending, 60, 250), (dex, 40, 300)] {
        let ix = set_pool_product(
            &manager.pubkey(),
            &keys.pool,
            SetPoolProductArgs {
                product_id,
                target_weight: weight,
                target_price_bps: price,
            },
        );
        s.send(&[ix], &[&manager]).await?;
    }
    s.step(
        "A manager opens a USDC pool",
        vec![
            format!("pool {} on mint {mint}", keys.pool),
            "manager fee 10% of the stakers' premium (max 20%, fixed forever)".to_string(),
            "lending: weight 60, 2.50%/year; DEX: weight 40, 3.00%/year".to_string(),
        ],
    )
    .await?;

    // Stakers.
    let current = s.t.current_tranche().await;
    let mut stakers = Vec::new();
    let mut lines = Vec::new();
    for (name, amount, tranche) in [
        ("Ana", 500_000 * UNIT, current + 7),
        ("Ben", 300_000 * UNIT, current + 5),
        ("Cai", 200_000 * UNIT, current + 1),
    ] {
        let actor = s.actor(name, &mint, amount).await;
        let ix = deposit_stake(
            &actor.key.pubkey(),
            &keys,
            &actor.token,
            DepositStakeArgs {
                position_id: 0,
                tranche_id: tranche,
                amount,
            },
        );
        s.send(&[ix], &[&actor.key]).await?;
        lines.push(format!(
            "{name} stakes {} in tranche {tranche} (unlocks in {} days)",
            usdc(amount),
            (tranche_end(tranche).map_err(program_error)? - s.t.now().await) / DAY
        ));
        s.watch_wallet(name, actor.token);
        stakers.push(actor);
    }
    // A member funds the mint's capital pool: the collateral behind leverage.
    let mia = s.actor("Mia", &mint, 250_000 * UNIT).await;
    let ix = deposit_capital(
        &mia.key.pubkey(),
        &mint,
        &spl_token::ID,
        &mia.token,
        250_000 * UNIT,
        0,
    );
    let create = create_share_account(&mia.key.pubkey(), &mia.key.pubkey(), &mint);
    s.send(&[create, ix], &[&mia.key]).await?;
    lines.push(format!(
        "Mia deposits {} into the USDC capital pool for as many shares: cover above 1x the \
         stake needs its capital",
        usdc(250_000 * UNIT)
    ));
    s.watch_wallet("Mia", mia.token);
    s.step("Stakers join different tranches", lines).await?;

    // Buyers, routed by the SDK quote.
    let mut buyers = Vec::new();
    let mut lines = Vec::new();
    for (nonce, (name, product_id, amount, days)) in [
        ("Dana", lending, 400_000 * UNIT, 180u32),
        ("Eli", dex, 150_000 * UNIT, 90u32),
    ]
    .into_iter()
    .enumerate()
    {
        let actor = s.actor(name, &mint, 50_000 * UNIT).await;
        s.watch_wallet(name, actor.token);
        let request = CoverRequest {
            product_id,
            mint,
            amount,
            period: days * DAY as u32,
            commission_bps: 0,
        };
        let q = flows::quote_cover(&mut s.t, &request, &[keys.pool]).await?;
        let mint_info = bulwark_sdk::client::mint_info(&mut s.t, &mint).await?;
        let options = BuyOptions {
            cover_nonce: nonce as u64,
            ..BuyOptions::default()
        };
        let purchase = flows::buy_cover_from_quote(
            &actor.key.pubkey(),
            &actor.token,
            &mint_info,
            &q,
            options,
        )?;
        // The leverage line cranks the quote counted on, as a client sends them first.
        if !purchase.cranks.is_empty() {
            s.send(&purchase.cranks, &[&actor.key]).await?;
        }
        s.send(&[purchase.buy], &[&actor.key]).await?;
        let pp: PoolProduct = s.t.load_zc(&pool_product_pda(&keys.pool, product_id)).await;
        lines.push(format!(
            "{name} covers {} for {days} days at {:.2}%/year: premium {} (price now {:.2}%)",
            usdc(amount),
            q.parts[0].price_bps as f64 / 100.0,
            usdc(q.premium),
            f64::from(pp.bumped_price_bps) / 100.0,
        ));
        let cover: Cover =
            s.t.load(&cover_pda(&actor.key.pubkey(), nonce as u64))
                .await;
        let part = &cover.allocations[0];
        let backing: u64 = part.backing().map_err(program_error)?.iter().sum();
        lines.push(format!(
            "  sold at {:.2}x: {} on the stake, {} on the capital pool's leverage line",
            f64::from(part.ratio_bps) / 10_000.0,
            usdc(backing),
            usdc(amount - backing)
        ));
        let cover = cover_pda(&actor.key.pubkey(), nonce as u64);
        buyers.push((actor, cover, product_id));
    }
    let pool_state: Pool = s.t.load_zc(&keys.pool).await;
    lines.push(format!(
        "pool holds {} of stake; stakers' rewards streaming: {}; manager fee {}",
        usdc(pool_state.total_stake),
        usdc(pool_state.rewards_reserved),
        usdc(pool_state.manager_fees)
    ));
    let products = [("lending", lending), ("DEX", dex)];
    lines.extend(s.capacity_lines(&keys.pool, &products).await?);
    s.step("Buyers purchase cover", lines).await?;

    // A month passes; rewards accrue.
    s.t.warp_days(30).await;
    let mut lines = vec!["30 days pass".to_string()];
    for staker in &stakers {
        // What the program would pay, computed first from the accounts by the SDK.
        let position: StakePosition =
            s.t.load(&position_pda(&keys.pool, &staker.key.pubkey(), 0))
                .await;
        let pool_state: Pool = s.t.load_zc(&keys.pool).await;
        let now = s.t.now().await;
        let pending = pending_rewards(&pool_state, &position, None, now).map_err(program_error)?;
        if pending == 0 {
            lines.push(format!(
                "{} has no rewards: its tranche ends before the covers sold are settled, so it \
                 backs none of them and earns none of their premium",
                staker.name
            ));
            continue;
        }
        let before = s.t.balance(&staker.token).await;
        let ix = claim_rewards(&staker.key.pubkey(), &keys, 0, &staker.token);
        s.send(&[ix], &[&staker.key]).await?;
        let earned = gained(s.t.balance(&staker.token).await, before)?;
        if earned != pending {
            return Err(CliError(format!(
                "{} was paid {earned} of rewards, the SDK computed {pending}",
                staker.name
            )));
        }
        lines.push(format!(
            "{} claims {} of premium rewards",
            staker.name,
            usdc(earned)
        ));
    }
    s.step("Time passes, premiums stream to stakers", lines)
        .await?;

    // The lending protocol is exploited; both buyers claim.
    let mut claims = Vec::new();
    let mut lines = Vec::new();
    for ((actor, cover, product_id), amount) in buyers.iter().zip([250_000 * UNIT, 100_000 * UNIT])
    {
        let cover_keys = CoverKeys {
            cover: *cover,
            product_id: *product_id,
            mint,
            token_program: spl_token::ID,
            pools: vec![keys.pool],
        };
        let ix = file_claim(
            &actor.key.pubkey(),
            &cover_keys,
            0,
            &actor.token,
            FileClaimArgs {
                amount,
                evidence_hash: [1; 32],
                evidence_uri: format!("https://example.org/incident/{}", actor.name),
            },
        );
        s.send(&[ix], &[&actor.key]).await?;
        let claim: Claim = s.t.load(&claim_pda(cover, 0)).await;
        lines.push(format!(
            "{} claims {} (deposit {} escrowed, voting 3 days)",
            actor.name,
            usdc(amount),
            usdc(claim.deposit)
        ));
        s.watch
            .claims
            .push((actor.name.to_string(), claim_pda(cover, 0)));
        claims.push((claim_pda(cover, 0), cover_keys));
    }
    s.step("The lending protocol is exploited: claims are filed", lines)
        .await?;

    // Assessors vote.
    let assessment_mint = s.t.assessment_mint;
    let mut assessors = Vec::new();
    for (name, stake) in [("Fay", 3 * UNIT), ("Gus", UNIT)] {
        let actor = s.actor(name, &assessment_mint, stake).await;
        let ix = stake_assessor(
            &actor.key.pubkey(),
            &assessment_mint,
            &actor.token,
            &spl_token::ID,
            stake,
        );
        s.send(&[ix], &[&actor.key]).await?;
        assessors.push(actor);
    }
    // Dana's claim: both accept. Eli's claim: Gus opens with accept, Fay denies.
    let votes = [(0, 0, true), (0, 1, true), (1, 1, true), (1, 0, false)];
    for (claim, assessor, accept) in votes {
        let ix = vote(&assessors[assessor].key.pubkey(), &claims[claim].0, accept);
        let key = assessors[assessor].key.insecure_clone();
        s.send(&[ix], &[&key]).await?;
    }
    let mut lines = Vec::new();
    let now = s.t.now().await;
    for (claim, _) in &claims {
        let state: Claim = s.t.load(claim).await;
        let outcome = |accepted| if accepted { "accepted" } else { "denied" };
        let status = match state.status(now).map_err(program_error)? {
            ClaimStatus::Voting => format!(
                "voting open until {}, {} so far",
                crate::format::date(state.voting_end),
                outcome(state.voted_accept())
            ),
            ClaimStatus::Cooldown { accepted } => format!(
                "{} (cooldown until {})",
                outcome(accepted),
                crate::format::date(state.cooldown_end().map_err(program_error)?)
            ),
            ClaimStatus::Final { accepted } => outcome(accepted).to_string(),
        };
        lines.push(format!(
            "claim {claim}: accept {} / deny {} -> {status}",
            usdc(state.accept_weight),
            usdc(state.deny_weight),
        ));
    }
    s.step("Assessors vote (Fay 3, Gus 1 staked)", lines)
        .await?;

    // After voting and cooldown: payout and close.
    s.t.warp_days(4).await;
    let caller = s.t.payer().pubkey();
    let dana = &buyers[0].0;
    let before = s.t.balance(&dana.token).await;
    let ix = redeem_payout(
        &caller,
        &claims[0].1,
        &claims[0].0,
        &dana.token,
        &dana.token,
    );
    s.send(&[ix], &[]).await?;
    let paid_to_dana = gained(s.t.balance(&dana.token).await, before)?;
    let ix = close_claim(&caller, &claims[1].1, &claims[1].0);
    s.send(&[ix], &[]).await?;
    let dana_claim: Claim = s.t.load(&claims[0].0).await;
    let eli_claim: Claim = s.t.load(&claims[1].0).await;
    let pool_state: Pool = s.t.load_zc(&keys.pool).await;
    let mut lines = vec![
        format!(
            "Dana receives {} ({} payout + {} deposit back)",
            usdc(paid_to_dana),
            usdc(dana_claim.paid_amount),
            usdc(dana_claim.deposit)
        ),
        format!(
            "the backing stake pays {} (the payout ÷ its 2x ratio), the capital pool {}",
            usdc(dana_claim.staker_paid),
            usdc(dana_claim.capital_paid)
        ),
        format!(
            "Eli's deposit of {} goes to the assessors' reward share",
            usdc(eli_claim.deposit)
        ),
    ];
    for slot in pool_state.tranches.iter().filter(|s| !s.is_empty()) {
        lines.push(format!(
            "tranche {}: stake {} for {} shares (share price {:.4})",
            slot.tranche_id,
            usdc(slot.stake),
            usdc(slot.shares.get() as u64),
            slot.stake as f64 / slot.shares.get() as f64
        ));
    }
    lines.extend(s.capacity_lines(&keys.pool, &products).await?);
    s.step("Cooldown over: the accepted claim is paid", lines)
        .await?;

    // Fees, assessor rewards, rewards.
    let treasury_token = s.t.create_token_account(&treasury, &mint).await;
    s.send(&[sweep_fees(&caller, &keys, &treasury_token)], &[])
        .await?;
    let manager_token = s.t.create_token_account(&manager.pubkey(), &mint).await;
    s.watch_wallet("manager", manager_token);
    s.send(
        &[claim_manager_fees(&manager.pubkey(), &keys, &manager_token)],
        &[&manager],
    )
    .await?;
    let mut lines = vec![
        format!(
            "treasury receives {}",
            usdc(s.t.balance(&treasury_token).await)
        ),
        format!(
            "manager receives {}",
            usdc(s.t.balance(&manager_token).await)
        ),
    ];
    let mut assessor_tokens = Vec::new();
    for assessor in &assessors {
        let token =
            s.t.create_token_account(&assessor.key.pubkey(), &mint)
                .await;
        for (claim, _) in &claims {
            let ix =
                claim_assessor_reward(&assessor.key.pubkey(), claim, &mint, &token, &spl_token::ID);
            s.send(&[ix], &[&assessor.key]).await?;
        }
        lines.push(format!(
            "{} earns {} for voting on both claims",
            assessor.name,
            usdc(s.t.balance(&token).await)
        ));
        s.watch_wallet(assessor.name, token);
        assessor_tokens.push((assessor.name, token));
    }
    s.step("Fees and assessor rewards are paid", lines).await?;

    // Years pass: every tranche ends, covers expire, stakers withdraw everything.
    let last_end = tranche_end(current + 7).map_err(program_error)?;
    let start = s.t.now().await;
    let mut when = start;
    // Progress goes to stderr while the VM moves through the tranches, never into the
    // step's report (nor into --json on stdout).
    while when < last_end {
        when = (when + 91 * DAY).min(last_end);
        s.t.warp_to_time(when).await;
        let done = (when - start) * 100 / (last_end - start);
        eprintln!(
            "   two years later: [{:<20}] {done:>3}%  day {} of {}",
            "#".repeat((done / 5) as usize),
            (when - start) / DAY,
            (last_end - start) / DAY
        );
    }
    let mut lines = vec![format!(
        "{} days pass: every tranche has ended",
        (last_end - start) / DAY
    )];
    for (actor, cover, product_id) in &buyers {
        let state: Cover = s.t.load(cover).await;
        if state.claim_count > 0 {
            lines.push(format!(
                "{}'s cover stays on chain as the record of its claim; its capacity came back at its release bucket",
                actor.name
            ));
            continue;
        }
        let ix = expire_cover(cover, &state.rent_payer, *product_id, &[keys.pool]);
        s.send(&[ix], &[]).await?;
        lines.push(format!(
            "{}'s cover expires; its rent goes back to the payer",
            actor.name
        ));
    }
    for staker in &stakers {
        let position: bulwark::state::StakePosition =
            s.t.load(&position_pda(&keys.pool, &staker.key.pubkey(), 0))
                .await;
        let before = s.t.balance(&staker.token).await;
        let mut ixs = Vec::new();
        if !s
            .t
            .exists(&archive_pda(&keys.pool, position.tranche_id))
            .await
        {
            ixs.push(archive_tranche(&caller, &keys.pool, position.tranche_id));
        }
        let archive_payer = caller;
        ixs.push(withdraw_stake(
            &staker.key.pubkey(),
            &keys,
            0,
            position.tranche_id,
            &archive_payer,
            &staker.token,
        ));
        s.send(&ixs, &[&staker.key]).await?;
        let received = gained(s.t.balance(&staker.token).await, before)?;
        lines.push(format!(
            "{} withdraws {} (stake after losses plus rewards)",
            staker.name,
            usdc(received)
        ));
    }
    let pool_state: Pool = s.t.load_zc(&keys.pool).await;
    if pool_state.treasury_accrued > 0
        || pool_state.assessment_accrued > 0
        || pool_state.capital_accrued > 0
    {
        s.send(&[sweep_fees(&caller, &keys, &treasury_token)], &[])
            .await?;
    }
    // Mia leaves the capital pool: the line is returned (its cover has ended), the exit is
    // requested and paid after the delay at the lower of the two prices.
    let shares =
        s.t.balance(&capital_shares_account(&mia.key.pubkey(), &mint))
            .await;
    s.send(
        &[
            grant_leverage(&caller, &keys.pool, &mint, 0),
            request_capital_exit(&mia.key.pubkey(), &mint, 0, shares),
        ],
        &[&mia.key],
    )
    .await?;
    s.t.warp_days(i64::from(DEFAULT_CAPITAL_EXIT_DELAY) / DAY)
        .await;
    let before = s.t.balance(&mia.token).await;
    s.send(
        &[execute_capital_exit(
            &mia.key.pubkey(),
            &mint,
            &spl_token::ID,
            0,
            &mia.token,
        )],
        &[&mia.key],
    )
    .await?;
    lines.push(format!(
        "Mia leaves the capital pool with {}: her 250,000.00 less the capital pool's part of \
         the payout, plus its share of the premiums",
        usdc(gained(s.t.balance(&mia.token).await, before)?)
    ));
    s.step(
        "Two years later: tranches end, stakers and the member withdraw",
        lines,
    )
    .await?;

    // Summary.
    let mut wallets = Vec::new();
    for actor in stakers
        .iter()
        .chain(std::iter::once(&mia))
        .chain(buyers.iter().map(|(a, _, _)| a))
    {
        wallets.push((actor.name.to_string(), s.t.balance(&actor.token).await));
    }
    wallets.push(("manager".to_string(), s.t.balance(&manager_token).await));
    for (name, token) in &assessor_tokens {
        wallets.push((name.to_string(), s.t.balance(token).await));
    }
    let pool_vault = s.t.balance(&keys.vault).await;
    let capital_vault = s.t.balance(&capital_vault_pda(&mint)).await;
    let treasury_balance = s.t.balance(&treasury_token).await;
    let reward_pot = s.t.balance(&reward_pot_pda(&mint)).await;
    let total = wallets
        .iter()
        .map(|(_, b)| *b)
        .chain([pool_vault, capital_vault, treasury_balance, reward_pot])
        .try_fold(0u64, u64::checked_add)
        .ok_or_else(|| CliError("the balances overflow".into()))?;
    let pool_state: Pool = s.t.load_zc(&keys.pool).await;
    let capital: bulwark::state::CapitalPool = s.t.load(&capital_pool_pda(&mint)).await;
    let summary = Summary {
        minted: 1_000_000 * UNIT + 250_000 * UNIT + 2 * 50_000 * UNIT,
        wallets,
        pool_vault,
        capital_vault,
        capital: capital.capital,
        claims_paid_by_stake: dana_claim.staker_paid,
        claims_paid_by_capital: dana_claim.capital_paid,
        claims_owed: capital.owed(),
        treasury: treasury_balance,
        reward_pot,
        total,
        pool_liabilities: pool_state.liabilities().map_err(program_error)?,
        claims_paid: dana_claim.paid_amount,
        deposits_forfeited: eli_claim.deposit,
    };
    (s.report)(summary_step(&summary));
    Ok(summary)
}

/// What a balance gained from `before` to `after`.
fn gained(after: u64, before: u64) -> Result<u64> {
    after
        .checked_sub(before)
        .ok_or_else(|| CliError("a balance fell where it should have grown".into()))
}

fn program_error(e: anchor_lang::error::Error) -> CliError {
    CliError(e.to_string())
}

/// The closing step of a story: each balance and the total against what was minted, to the
/// base unit, so the column adds up to the total exactly.
pub fn summary_step(summary: &Summary) -> Step {
    let exact = |amount: u64| {
        format!(
            "{}.{:06}",
            crate::format::thousands(amount / UNIT),
            amount % UNIT
        )
    };
    let mut lines: Vec<String> = summary
        .wallets
        .iter()
        .map(|(name, balance)| format!("{name:<8} {:>20}", exact(*balance)))
        .collect();
    lines.push(format!("{:<8} {:>20}", "vault", exact(summary.pool_vault)));
    lines.push(format!(
        "{:<8} {:>20}",
        "capital",
        exact(summary.capital_vault)
    ));
    lines.push(format!("{:<8} {:>20}", "treasury", exact(summary.treasury)));
    lines.push(format!("{:<8} {:>20}", "pot", exact(summary.reward_pot)));
    lines.push(format!(
        "total    {:>20} = minted {} {}",
        exact(summary.total),
        exact(summary.minted),
        if summary.total == summary.minted {
            "(every token accounted for)"
        } else {
            "(MISMATCH)"
        }
    ));
    lines.push(format!(
        "claims paid {} (backing stake {}, capital pool {}), owed {}",
        exact(summary.claims_paid),
        exact(summary.claims_paid_by_stake),
        exact(summary.claims_paid_by_capital),
        exact(summary.claims_owed)
    ));
    Step {
        title: "Summary".to_string(),
        lines,
        state: None,
    }
}
