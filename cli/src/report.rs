//! What a story reports: its steps, the protocol's state after each (what `--json` adds, read
//! from the accounts with the program's own types, amounts in base units) and the summary that
//! accounts for every token.

use crate::capacity::CapacityUse;
use anchor_lang::prelude::Pubkey;
use bulwark::state::{Claim, ClaimStatus, Config, Pool, PoolProduct};
use bulwark_sdk::builders::{config_pda, pool_product_pda};
use bulwark_testing::{Backend, TestContext};
use serde::Serialize;
use std::collections::BTreeMap;

/// Base units of one token of the stories' mint (6 decimals).
const UNIT: u64 = 1_000_000;

/// The state after a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub unix_time: i64,
    pub pool: PoolReport,
    /// Token balance of each actor in the pool's mint, by name.
    pub balances: BTreeMap<String, u64>,
    pub claims: Vec<ClaimReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolReport {
    pub address: String,
    pub stake: u64,
    pub vault: u64,
    /// Premium streamed or streaming to stakers, not yet claimed.
    pub rewards_owed: u64,
    pub tranches: Vec<TrancheReport>,
    pub products: Vec<ProductReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrancheReport {
    pub tranche_id: u64,
    pub stake: u64,
    pub shares: u128,
    /// Stake per share (1.0 until a payout burns stake).
    pub share_price: f64,
    pub ended: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductReport {
    pub name: String,
    /// Cover allocated and what the live tranches can back.
    #[serde(flatten)]
    pub capacity: CapacityUse,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimReport {
    pub claimant: String,
    pub address: String,
    /// `voting`, `cooldown` or `final`.
    pub status: &'static str,
    /// The outcome at this time: the tally so far while voting.
    pub accepted: bool,
    pub requested: u64,
    pub paid: u64,
    pub accept_weight: u64,
    pub deny_weight: u64,
    pub closed: bool,
}

/// Capacity used by each of `product_ids` in `pool` (the account at `address`) at the VM's
/// current time.
pub async fn capacity_uses<B: Backend>(
    t: &mut TestContext<B>,
    address: &Pubkey,
    pool: &Pool,
    product_ids: &[u64],
) -> anchor_lang::Result<Vec<CapacityUse>> {
    let now = t.now().await;
    let config: Config = t.load(&config_pda()).await;
    let mut uses = Vec::with_capacity(product_ids.len());
    for product_id in product_ids {
        let pool_product: PoolProduct = t.load_zc(&pool_product_pda(address, *product_id)).await;
        uses.push(CapacityUse::at(
            pool,
            &pool_product,
            config.params.capacity_ratio_bps,
            now,
        )?);
    }
    Ok(uses)
}

/// The accounts a story follows.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    pub pool: Pubkey,
    pub vault: Pubkey,
    /// `(name, product id)`.
    pub products: Vec<(String, u64)>,
    /// `(actor, token account in the pool's mint)`.
    pub wallets: Vec<(String, Pubkey)>,
    /// `(claimant, claim address)`.
    pub claims: Vec<(String, Pubkey)>,
}

impl Watch {
    /// Reads the state at the VM's current time.
    pub async fn state<B: Backend>(&self, t: &mut TestContext<B>) -> anchor_lang::Result<State> {
        let now = t.now().await;
        let pool: Pool = t.load_zc(&self.pool).await;
        let mut tranches: Vec<TrancheReport> = pool
            .tranches
            .iter()
            .filter(|slot| !slot.is_empty())
            .map(|slot| TrancheReport {
                tranche_id: slot.tranche_id,
                stake: slot.stake,
                shares: slot.shares.get(),
                share_price: slot.stake as f64 / slot.shares.get() as f64,
                ended: slot.has_ended(),
            })
            .collect();
        tranches.sort_by_key(|tranche| tranche.tranche_id);
        let ids: Vec<u64> = self.products.iter().map(|(_, id)| *id).collect();
        let products = capacity_uses(t, &self.pool, &pool, &ids)
            .await?
            .into_iter()
            .zip(&self.products)
            .map(|(capacity, (name, _))| ProductReport {
                name: name.clone(),
                capacity,
            })
            .collect();
        let mut balances = BTreeMap::new();
        for (name, token) in &self.wallets {
            balances.insert(name.clone(), t.balance(token).await);
        }
        let mut claims = Vec::new();
        let config: Config = t.load(&bulwark_sdk::builders::config_pda()).await;
        for (claimant, address) in &self.claims {
            let claim: Claim = t.load(address).await;
            let (status, accepted) = match claim.status(&config, now)? {
                ClaimStatus::Voting => ("voting", claim.voted_accept()),
                ClaimStatus::Reveal => ("reveal", claim.voted_accept()),
                ClaimStatus::Cooldown { accepted } => ("cooldown", accepted),
                ClaimStatus::Final { accepted } => ("final", accepted),
            };
            claims.push(ClaimReport {
                claimant: claimant.clone(),
                address: address.to_string(),
                status,
                accepted,
                requested: claim.requested_amount,
                paid: claim.paid_amount,
                accept_weight: claim.accept_weight,
                deny_weight: claim.deny_weight,
                closed: claim.closed,
            });
        }
        Ok(State {
            unix_time: now,
            pool: PoolReport {
                address: self.pool.to_string(),
                stake: pool.total_stake,
                vault: t.balance(&self.vault).await,
                rewards_owed: pool.rewards_reserved,
                tranches,
                products,
            },
            balances,
            claims,
        })
    }
}

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
