//! What each kind of scenario step does on the VM, and what it reports.

use super::engine::Engine;
use super::{period, units, Action, Result, ScenarioError};
use crate::format::{date, ratio};
use bulwark::instructions::{DepositStakeArgs, RevealVoteArgs};
use bulwark::math::tranche::{tranche_at, tranche_end};
use bulwark::state::{Ballot, Claim, Cover, Pool, StakePosition};
use bulwark_sdk::builders::*;
use bulwark_sdk::client::ClientError;
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::{CoverRequest, Quote};
use bulwark_sdk::rewards::pending_rewards;
use bulwark_testing::Backend;
use solana_signer::Signer;
use toml::Spanned;

impl<B: Backend> Engine<'_, B> {
    /// Runs one step; returns its title and what it reports, in lines.
    pub(super) async fn run_step(
        &mut self,
        step: &Spanned<Action>,
    ) -> Result<(String, Vec<String>)> {
        let where_ = self.at(step.span());
        let mut lines = Vec::new();
        let title = match step.get_ref() {
            Action::Stake {
                actor,
                amount,
                tranches_ahead,
            } => {
                let amount = units(&where_, "amount", *amount)?;
                let now = self.t.now().await;
                let tranche_id = tranche_at(now)
                    .map_err(|e| ScenarioError(format!("{where_}: {e}")))?
                    .checked_add(*tranches_ahead)
                    .ok_or_else(|| {
                        ScenarioError(format!("{where_}: tranches_ahead is too large"))
                    })?;
                let a = self.actor(actor);
                let position_id = a.positions.len() as u64;
                let ix = deposit_stake(
                    &a.key.pubkey(),
                    &self.pool,
                    &a.token,
                    DepositStakeArgs {
                        position_id,
                        tranche_id,
                        amount,
                    },
                );
                let key = a.key.insecure_clone();
                self.send(&where_, &[ix], &[&key]).await?;
                if let Some(a) = self.actors.get_mut(actor) {
                    a.positions.push((position_id, tranche_id));
                }
                let end =
                    tranche_end(tranche_id).map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                lines.push(format!("tranche {tranche_id}, locked until {}", date(end)));
                format!("{actor} stakes {}", super::engine::tokens(amount))
            }
            Action::Buy {
                actor,
                product,
                amount,
                days,
            } => {
                let amount = units(&where_, "amount", *amount)?;
                let period = period(&where_, *days)?;
                let request = CoverRequest {
                    product_id: self.products[product],
                    mint: self.mint.address,
                    amount,
                    period,
                    commission_bps: 0,
                };
                let pool = self.pool.pool;
                // A purchase the quote cannot route is still sent: the program's refusal
                // (no capacity, or no leverage line) is what the story reports.
                let (quote, max_premium) =
                    match flows::quote_cover(&mut self.t, &request, &[pool]).await {
                        Ok(quote) => (quote, None),
                        Err(ClientError::Quote(_)) => {
                            (Quote::unpriced(request, &[(pool, amount)]), Some(u64::MAX))
                        }
                        Err(e) => return Err(ScenarioError(format!("{where_}: {e}"))),
                    };
                let a = self.actor(actor);
                let nonce = a.covers.len() as u64;
                let purchase = flows::buy_cover_from_quote(
                    &Program::CANONICAL,
                    &a.key.pubkey(),
                    &a.token,
                    &self.mint,
                    &quote,
                    BuyOptions {
                        cover_nonce: nonce,
                        max_premium,
                        ..BuyOptions::default()
                    },
                )
                .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                let cover = purchase.cover;
                let key = a.key.insecure_clone();
                // The line cranks the quote counted on, then the purchase.
                if !purchase.cranks.is_empty() {
                    self.send(&where_, &purchase.cranks, &[&key]).await?;
                }
                self.send(&where_, &[purchase.buy], &[&key]).await?;
                if let Some(a) = self.actors.get_mut(actor) {
                    a.covers.push(cover);
                }
                let cover_state: Cover = self.t.load(&cover).await;
                let part = &cover_state.allocations[0];
                let backing: u64 = part
                    .backing()
                    .map_err(|e| ScenarioError(format!("{where_}: {e}")))?
                    .iter()
                    .sum();
                // The purchase went through, so the quote had routed it.
                let price_bps = quote.parts[0].price_bps;
                lines.push(format!(
                    "premium {} at {}.{:02}%/yr; sold at {}x ({} on the leverage line)",
                    super::engine::tokens(cover_state.premium),
                    price_bps / 100,
                    price_bps % 100,
                    ratio(part.ratio_bps),
                    super::engine::tokens(amount.saturating_sub(backing))
                ));
                format!(
                    "{actor} buys {} of {product} cover for {days} days",
                    super::engine::tokens(amount)
                )
            }
            Action::Wait { days } => {
                self.t.warp_days(i64::from(*days)).await;
                format!("{days} days pass")
            }
            Action::Incident {
                product,
                loss_percent,
            } => {
                let product_id = self.products[product];
                let now = self.t.now().await;
                for (name, cover) in self.covers() {
                    let state: Cover = self.t.load(&cover).await;
                    if state.product_id != product_id || state.open_claim {
                        continue;
                    }
                    let claimable_until = state
                        .claimable_until()
                        .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                    // The program takes claims until end + grace (exclusive).
                    if now >= claimable_until {
                        lines.push(format!(
                            "{name}'s cover could take claims until {}: no claim",
                            date(claimable_until)
                        ));
                        continue;
                    }
                    let amount = u128::from(state.remaining)
                        .checked_mul(u128::from(*loss_percent))
                        .map(|loss| loss / 100)
                        .and_then(|loss| u64::try_from(loss).ok())
                        .ok_or_else(|| ScenarioError(format!("{where_}: loss overflows")))?;
                    if amount == 0 {
                        continue;
                    }
                    self.file(&where_, &name, cover, amount).await?;
                    lines.push(format!("{name} claims {}", super::engine::tokens(amount)));
                }
                format!("{product} is exploited: holders lose {loss_percent}%")
            }
            Action::Claim { actor, amount } => {
                let cover =
                    *self.actor(actor).covers.last().ok_or_else(|| {
                        ScenarioError(format!("{where_}: {actor} holds no cover"))
                    })?;
                let amount = units(&where_, "amount", *amount)?;
                self.file(&where_, actor, cover, amount).await?;
                format!("{actor} claims {}", super::engine::tokens(amount))
            }
            Action::Vote {
                actor,
                claimant,
                accept,
            } => {
                let claim = self.latest_claim(&where_, claimant)?;
                let key = self.actor(actor).key.insecure_clone();
                self.send(&where_, &[vote(&key.pubkey(), &claim, *accept)], &[&key])
                    .await?;
                if let Some(a) = self.actors.get_mut(actor) {
                    a.votes.push(claim);
                }
                let state: Claim = self.t.load(&claim).await;
                lines.push(format!(
                    "tally: accept {}, deny {}",
                    super::engine::tokens(state.accept_weight),
                    super::engine::tokens(state.deny_weight)
                ));
                format!(
                    "{actor} votes to {} {claimant}'s claim",
                    if *accept { "accept" } else { "deny" }
                )
            }
            Action::Commit {
                actor,
                claimant,
                accept,
            } => {
                let claim = self.latest_claim(&where_, claimant)?;
                let key = self.actor(actor).key.insecure_clone();
                // A salt the story derives from the ballot; a wallet keeps its own secret.
                let salt = solana_sha256_hasher::hashv(&[
                    actor.as_bytes(),
                    claim.as_ref(),
                    &key.pubkey().to_bytes(),
                ])
                .to_bytes();
                let commitment = Ballot::commitment_of(&claim, &key.pubkey(), *accept, &salt);
                self.send(
                    &where_,
                    &[commit_vote(&key.pubkey(), &claim, commitment, None)],
                    &[&key],
                )
                .await?;
                if let Some(a) = self.actors.get_mut(actor) {
                    a.votes.push(claim);
                    a.commitments.push((claim, *accept, salt));
                }
                let state: Claim = self.t.load(&claim).await;
                lines.push(format!("{} blind ballot(s) committed", state.voters));
                format!("{actor} commits a blind vote on {claimant}'s claim")
            }
            Action::Reveal { actor, claimant } => {
                let claim = self.latest_claim(&where_, claimant)?;
                let state: Claim = self.t.load(&claim).await;
                if self.t.now().await < state.voting_end {
                    self.t.warp_to_time(state.voting_end).await;
                }
                let key = self.actor(actor).key.insecure_clone();
                let position = self
                    .actor(actor)
                    .commitments
                    .iter()
                    .position(|(committed, ..)| *committed == claim)
                    .ok_or_else(|| {
                        ScenarioError(format!(
                            "{where_}: {actor} committed no ballot on {claimant}'s claim"
                        ))
                    })?;
                let (_, accept, salt) = self
                    .actors
                    .get_mut(actor)
                    .map(|a| a.commitments.remove(position))
                    .ok_or_else(|| ScenarioError(format!("{where_}: no actor {actor}")))?;
                let args = RevealVoteArgs {
                    accept,
                    salt,
                    reason_hash: [0; 32],
                    reason_uri: String::new(),
                };
                self.send(
                    &where_,
                    &[reveal_vote(&key.pubkey(), &claim, args)],
                    &[&key],
                )
                .await?;
                let state: Claim = self.t.load(&claim).await;
                lines.push(format!(
                    "tally: accept {}, deny {}",
                    super::engine::tokens(state.accept_weight),
                    super::engine::tokens(state.deny_weight)
                ));
                format!(
                    "{actor} reveals its vote to {} {claimant}'s claim",
                    if accept { "accept" } else { "deny" }
                )
            }
            Action::Overturn { claimant } => {
                let claim_address = self.latest_claim(&where_, claimant)?;
                let claim: Claim = self.t.load(&claim_address).await;
                if self.t.now().await < claim.voting_end {
                    self.t.warp_to_time(claim.voting_end).await;
                }
                let authority = self.t.authority.insecure_clone();
                let ix = overturn_claim(
                    &authority.pubkey(),
                    &claim_address,
                    &claim.deposit_pool,
                    &format!("scenario:{where_}"),
                );
                self.send(&where_, &[ix], &[&authority]).await?;
                format!(
                    "governance overturns {claimant}'s claim as fraud: {} of reward go back to \
                     the pool",
                    super::engine::tokens(claim.reward_reserved)
                )
            }
            Action::Redeem { claimant } => {
                let claim_address = self.latest_claim(&where_, claimant)?;
                let before: Claim = self.t.load(&claim_address).await;
                let token = self.actor(claimant).token;
                let caller = self.t.payer().pubkey();
                // A redeemed claim still owed something: the flow pays what the capital pool
                // can of it.
                let ixs = flows::redeem(
                    &mut self.t,
                    &caller,
                    &claim_address,
                    Some(token),
                    Some(token),
                )
                .await
                .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                self.send(&where_, &ixs, &[]).await?;
                let claim: Claim = self.t.load(&claim_address).await;
                let overflow = || ScenarioError(format!("{where_}: payouts overflow"));
                let (stake, capital) = (
                    claim.staker_paid - before.staker_paid,
                    claim.capital_paid - before.capital_paid,
                );
                self.claims_paid = self
                    .claims_paid
                    .checked_add(stake + capital)
                    .ok_or_else(overflow)?;
                self.claims_paid_by_stake = self
                    .claims_paid_by_stake
                    .checked_add(stake)
                    .ok_or_else(overflow)?;
                self.claims_paid_by_capital = self
                    .claims_paid_by_capital
                    .checked_add(capital)
                    .ok_or_else(overflow)?;
                lines.push(format!(
                    "backing stake pays {}, capital pool {}; owed {}",
                    super::engine::tokens(stake),
                    super::engine::tokens(capital),
                    super::engine::tokens(claim.owed)
                ));
                format!(
                    "{claimant} is paid {}",
                    super::engine::tokens(stake + capital)
                )
            }
            Action::Capital { actor, amount } => {
                let amount = units(&where_, "amount", *amount)?;
                let a = self.actor(actor);
                let (key, token) = (a.key.insecure_clone(), a.token);
                let ix = deposit_capital(
                    &key.pubkey(),
                    &self.mint.address,
                    &self.mint.token_program,
                    &token,
                    amount,
                    0,
                );
                let create = create_share_account(&key.pubkey(), &key.pubkey(), &self.mint.address);
                self.send(&where_, &[create, ix], &[&key]).await?;
                let shares = self
                    .t
                    .balance(&capital_shares_account(&key.pubkey(), &self.mint.address))
                    .await;
                lines.push(format!(
                    "{actor} holds {} shares",
                    super::engine::tokens(shares)
                ));
                format!(
                    "{actor} deposits {} into the capital pool",
                    super::engine::tokens(amount)
                )
            }
            Action::CapitalWithdraw { actor, amount } => {
                let amount = amount.map(|a| units(&where_, "amount", a)).transpose()?;
                let received = self.capital_withdraw(&where_, actor, amount).await?;
                match amount {
                    Some(amount) => format!(
                        "{actor} leaves the capital pool with {} (asked for {})",
                        super::engine::tokens(received),
                        super::engine::tokens(amount)
                    ),
                    None => format!(
                        "{actor} leaves the capital pool with all its shares: {}",
                        super::engine::tokens(received)
                    ),
                }
            }
            Action::Rewards { actor } => self.rewards(&where_, actor, &mut lines).await?,
            Action::Close { claimant } => {
                let claim = self.latest_claim(&where_, claimant)?;
                let deposit = self.close(&where_, &claim).await?;
                format!(
                    "{claimant}'s denied claim is closed: its deposit of {} goes to the assessors",
                    super::engine::tokens(deposit)
                )
            }
            Action::Fees {} => {
                let treasury_token = self.treasury_token().await;
                let before = self.t.balance(&treasury_token).await;
                self.sweep(&where_).await?;
                let swept = self.t.balance(&treasury_token).await.saturating_sub(before);
                let manager = self.pay_manager(&where_).await?;
                format!(
                    "fees are paid: the treasury receives {}, the manager {}",
                    super::engine::tokens(swept),
                    super::engine::tokens(manager)
                )
            }
            Action::AssessorRewards { actor } => {
                let a = self.actor(actor);
                let (key, token, votes) = (a.key.insecure_clone(), a.token, a.votes.clone());
                let before = self.t.balance(&token).await;
                let stake_before = self.assessor_stake(&key.pubkey()).await;
                // Each ballot is settled: a share of the claim's reserved reward when it voted
                // for the outcome, nothing otherwise, the slash when the outcome it voted for
                // was overturned.
                for claim in &votes {
                    let ixs = flows::settle_ballot(
                        &mut self.t,
                        &key.pubkey(),
                        claim,
                        &key.pubkey(),
                        Some(token),
                    )
                    .await
                    .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                    self.send(&where_, &ixs, &[&key]).await?;
                }
                let earned = self.t.balance(&token).await.saturating_sub(before);
                let slashed = stake_before - self.assessor_stake(&key.pubkey()).await;
                let mut line = format!(
                    "{actor} earns {} for voting on {} claim(s)",
                    super::engine::tokens(earned),
                    votes.len()
                );
                if slashed > 0 {
                    line.push_str(&format!(
                        " and loses {} of its stake for a vote on an overturned outcome",
                        super::engine::tokens(slashed)
                    ));
                }
                line
            }
            Action::Expire {} => self.expire(&where_, &mut lines).await?,
            Action::Chapter(title) => title.clone(),
            Action::Withdraw { actor } => {
                let now = self.t.now().await;
                let a = self.actor(actor);
                let (key, token) = (a.key.insecure_clone(), a.token);
                let ended: Vec<(u64, u64)> = a
                    .positions
                    .iter()
                    .copied()
                    .filter(|(_, tranche)| tranche_end(*tranche).is_ok_and(|end| end <= now))
                    .collect();
                if ended.is_empty() {
                    return Err(ScenarioError(format!(
                        "{where_}: none of {actor}'s tranches has ended yet"
                    )));
                }
                let before = self.t.balance(&token).await;
                let caller = self.t.payer().pubkey();
                for (position_id, _) in ended {
                    let owner = key.pubkey();
                    let (_, ixs) = flows::withdraw(
                        &mut self.t,
                        &caller,
                        &owner,
                        &owner,
                        &self.pool,
                        position_id,
                        &token,
                    )
                    .await
                    .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                    self.send(&where_, &ixs, &[&key]).await?;
                    if let Some(a) = self.actors.get_mut(actor) {
                        a.positions.retain(|(p, _)| *p != position_id);
                    }
                }
                let received = self
                    .t
                    .balance(&token)
                    .await
                    .checked_sub(before)
                    .ok_or_else(|| ScenarioError(format!("{where_}: {actor}'s balance fell")))?;
                format!(
                    "{actor} withdraws {} (stake and rewards)",
                    super::engine::tokens(received)
                )
            }
        };
        Ok((title, lines))
    }

    /// Claims the rewards of each of `actor`'s positions, checking each payment against what
    /// the SDK computes from the accounts first.
    async fn rewards(
        &mut self,
        where_: &str,
        actor: &str,
        lines: &mut Vec<String>,
    ) -> Result<String> {
        let a = self.actor(actor);
        let (key, token, positions) = (a.key.insecure_clone(), a.token, a.positions.clone());
        let now = self.t.now().await;
        let mut total = 0u64;
        for (position_id, _) in positions {
            let pool: Pool = self.t.load_zc(&self.pool.pool).await;
            let address = position_pda(&self.pool.pool, &key.pubkey(), position_id);
            let position: StakePosition = self.t.load(&address).await;
            let pending = pending_rewards(&pool, &position, None, now)
                .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
            if pending == 0 {
                lines.push(format!("position {position_id} has earned no rewards"));
                continue;
            }
            let before = self.t.balance(&token).await;
            let ix = claim_rewards(&key.pubkey(), &self.pool, position_id, &token);
            self.send(where_, &[ix], &[&key]).await?;
            let paid = self.t.balance(&token).await.saturating_sub(before);
            if paid != pending {
                return Err(ScenarioError(format!(
                    "{where_}: {actor} was paid {} of rewards, the SDK computed {}",
                    super::engine::tokens(paid),
                    super::engine::tokens(pending)
                )));
            }
            total = total.saturating_add(paid);
            lines.push(format!(
                "position {position_id}: {}",
                super::engine::tokens(paid)
            ));
        }
        Ok(format!(
            "{actor} claims {} of rewards",
            super::engine::tokens(total)
        ))
    }

    /// Expires every cover past its claim window that has no claim.
    async fn expire(&mut self, where_: &str, lines: &mut Vec<String>) -> Result<String> {
        let covers = self.covers();
        let now = self.t.now().await;
        let mut expired = 0;
        for (name, cover) in covers {
            if !self.t.exists(&cover).await {
                continue;
            }
            let state: Cover = self.t.load(&cover).await;
            let until = state
                .claimable_until()
                .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
            if state.claim_count > 0 {
                lines.push(format!(
                    "{name}'s cover stays on chain as the record of its claim"
                ));
            } else if now < until {
                lines.push(format!("{name}'s cover takes claims until {}", date(until)));
            } else {
                let ix = flows::expire_cover(&mut self.t, &cover)
                    .await
                    .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
                self.send(where_, &[ix], &[]).await?;
                lines.push(format!(
                    "{name}'s cover expires; its rent goes back to its payer"
                ));
                expired += 1;
            }
        }
        Ok(format!("{expired} cover(s) expire"))
    }
}
