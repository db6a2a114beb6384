//! `bulwark simulate SCENARIO.toml`: the demo's engine driven by a scenario file, so a risk
//! analyst can replay "what if this protocol is hacked next month" against chosen pool
//! parameters. Every mistake in the file — TOML syntax, an unknown field, an actor or product
//! that does not exist, a step the program refuses — is reported with its line.

use crate::demo::{Step, Summary};
use crate::errors::describe_failure;
use crate::format::format_amount;
use crate::report::{capacity_uses, State, Watch};
use anchor_lang::prelude::Pubkey;
use bulwark::constants::{MAX_ACTIVE_TRANCHES, MAX_PRODUCT_WEIGHT, SECONDS_PER_DAY};
use bulwark::instructions::{
    CreatePoolArgs, DepositStakeArgs, FileClaimArgs, SetMintParamsArgs, SetPoolProductArgs,
};
use bulwark::math::tranche::{tranche_at, tranche_end};
use bulwark::state::{CapitalExit, CapitalPool, Claim, Config, Cover, Pool, ProtocolParams};
use bulwark_sdk::builders::*;
use bulwark_sdk::capital::shares_worth;
use bulwark_sdk::client::{ClientError, MintInfo};
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::{CoverRequest, Quote};
use bulwark_testing::{spl_token, TestContext};
use serde::Deserialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::BTreeMap;
use toml::Spanned;

const DECIMALS: u8 = 6;
const UNIT: u64 = 1_000_000;

/// A scenario file.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub market: Market,
    pub products: Vec<Spanned<ProductSpec>>,
    pub actors: Vec<Spanned<ActorSpec>>,
    pub steps: Vec<Spanned<Action>>,
}

/// The pool and protocol parameters under test.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct Market {
    pub manager_fee_bps: u16,
    pub capacity_ratio_bps: u32,
    pub assessor_reward_bps: u16,
    /// Smallest claim deposit on the market's mint, in base units (governance lists the mint
    /// with it).
    pub claim_min_deposit: u64,
    /// Unix time the story starts at.
    pub start: i64,
}

impl Default for Market {
    fn default() -> Self {
        let params = ProtocolParams::default();
        Self {
            manager_fee_bps: 1_000,
            capacity_ratio_bps: params.capacity_ratio_bps,
            assessor_reward_bps: params.assessor_reward_bps,
            claim_min_deposit: 10u64.pow(u32::from(DECIMALS)),
            start: crate::demo::START,
        }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    pub name: String,
    /// Share of the pool's capacity, 0–100.
    pub weight: u16,
    /// Target yearly price, bps.
    pub price_bps: u16,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    pub name: String,
    /// Tokens of the pool's mint the actor starts with.
    #[serde(default)]
    pub tokens: u64,
    /// Assessment tokens the actor stakes as an assessor at the start.
    #[serde(default)]
    pub assessor_stake: u64,
}

/// One step; amounts are whole tokens.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Action {
    Stake {
        actor: String,
        amount: u64,
        #[serde(default = "farthest")]
        tranches_ahead: u64,
    },
    Buy {
        actor: String,
        product: String,
        amount: u64,
        days: u32,
    },
    Wait {
        days: u32,
    },
    /// Every holder of cover on `product` claims `loss_percent` of what is left of it.
    Incident {
        product: String,
        loss_percent: u8,
    },
    Claim {
        actor: String,
        amount: u64,
    },
    /// An assessor votes on `claimant`'s latest claim.
    Vote {
        actor: String,
        claimant: String,
        accept: bool,
    },
    /// Pays `claimant`'s latest claim.
    Redeem {
        claimant: String,
    },
    /// The actor withdraws every position whose tranche has ended.
    Withdraw {
        actor: String,
    },
    /// The actor deposits into the mint's capital pool for membership shares.
    Capital {
        actor: String,
        amount: u64,
    },
    /// The actor leaves the capital pool with shares worth `amount`: the exit is requested,
    /// the story waits out the exit delay, and the exit is paid (the lower of the two prices).
    CapitalWithdraw {
        actor: String,
        amount: u64,
    },
}

fn farthest() -> u64 {
    7
}

/// A scenario error, worded with the line of the file it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

type Result<T> = std::result::Result<T, ScenarioError>;

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |head| head.matches('\n').count())
        + 1
}

/// The line of an array-of-tables entry's first key: the entry's span is its `[[steps]]`
/// header, but the key is what a reader looks for.
fn entry_line(text: &str, span: &std::ops::Range<usize>) -> usize {
    let first = line_of(text, span.start);
    text.lines()
        .enumerate()
        .skip(first - 1)
        .find(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('[') && !line.starts_with('#')
        })
        .map_or(first, |(index, _)| index + 1)
}

/// Most whole tokens an amount may name: more does not fit a u64 of base units.
const MAX_TOKENS: u64 = u64::MAX / UNIT;

/// `tokens` whole tokens in base units, or an error naming `what` at `at`.
fn units(at: &str, what: &str, tokens: u64) -> Result<u64> {
    tokens.checked_mul(UNIT).ok_or_else(|| {
        ScenarioError(format!(
            "{at}: {what} = {tokens} is too large (at most {MAX_TOKENS} tokens)"
        ))
    })
}

/// `days` in seconds, as `buy_cover` takes a period.
fn period(at: &str, days: u32) -> Result<u32> {
    days.checked_mul(SECONDS_PER_DAY as u32)
        .ok_or_else(|| ScenarioError(format!("{at}: days = {days} is too long")))
}

/// Records `name` as defined at `line`, refusing a second definition.
fn define<'a>(
    seen: &mut BTreeMap<&'a str, usize>,
    kind: &str,
    name: &'a str,
    at: &str,
    line: usize,
) -> Result<()> {
    match seen.insert(name, line) {
        Some(first) => Err(ScenarioError(format!(
            "{at}: {kind} `{name}` is already defined on line {first}"
        ))),
        None => Ok(()),
    }
}

/// Parses a scenario, reporting syntax and schema errors with their line: unknown or
/// duplicate names, amounts too large for the mint, percentages and tranches out of range.
pub fn parse(text: &str, file: &str) -> Result<Scenario> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |span| line_of(text, span.start));
        ScenarioError(format!("{file}:{line}: {}", e.message()))
    })?;
    let at = |span: std::ops::Range<usize>| format!("{file}:{}", entry_line(text, &span));
    let mut products = BTreeMap::new();
    for product in &scenario.products {
        let spec = product.get_ref();
        let line = entry_line(text, &product.span());
        let here = at(product.span());
        if spec.weight > MAX_PRODUCT_WEIGHT {
            return Err(ScenarioError(format!(
                "{here}: weight must be 0–{MAX_PRODUCT_WEIGHT}"
            )));
        }
        define(&mut products, "product", &spec.name, &here, line)?;
    }
    let mut actors = BTreeMap::new();
    let (mut supply, mut assessment_supply) = (0u64, 0u64);
    for actor in &scenario.actors {
        let spec = actor.get_ref();
        let line = entry_line(text, &actor.span());
        let here = at(actor.span());
        define(&mut actors, "actor", &spec.name, &here, line)?;
        // What the actors hold in total must fit the mint.
        let add = |total: u64, field: &str, tokens: u64, whose: &str| {
            total
                .checked_add(units(&here, field, tokens)?)
                .ok_or_else(|| {
                    ScenarioError(format!(
                        "{here}: {whose} add up to more than a mint can hold ({MAX_TOKENS} tokens)"
                    ))
                })
        };
        supply = add(supply, "tokens", spec.tokens, "the actors' tokens")?;
        assessment_supply = add(
            assessment_supply,
            "assessor_stake",
            spec.assessor_stake,
            "the assessor stakes",
        )?;
    }
    for step in &scenario.steps {
        let here = at(step.span());
        let (names, product) = match step.get_ref() {
            Action::Stake {
                actor,
                amount,
                tranches_ahead,
            } => {
                units(&here, "amount", *amount)?;
                if *tranches_ahead >= MAX_ACTIVE_TRANCHES as u64 {
                    return Err(ScenarioError(format!(
                        "{here}: tranches_ahead must be 0–{}",
                        MAX_ACTIVE_TRANCHES - 1
                    )));
                }
                (vec![actor], None)
            }
            Action::Claim { actor, amount } => {
                units(&here, "amount", *amount)?;
                (vec![actor], None)
            }
            Action::Withdraw { actor } => (vec![actor], None),
            Action::Capital { actor, amount } | Action::CapitalWithdraw { actor, amount } => {
                units(&here, "amount", *amount)?;
                (vec![actor], None)
            }
            Action::Buy {
                actor,
                product,
                amount,
                days,
            } => {
                units(&here, "amount", *amount)?;
                period(&here, *days)?;
                (vec![actor], Some(product))
            }
            Action::Vote {
                actor, claimant, ..
            } => (vec![actor, claimant], None),
            Action::Redeem { claimant } => (vec![claimant], None),
            Action::Incident {
                product,
                loss_percent,
            } => {
                if !(1..=100).contains(loss_percent) {
                    return Err(ScenarioError(format!("{here}: loss_percent must be 1–100")));
                }
                (vec![], Some(product))
            }
            Action::Wait { .. } => (vec![], None),
        };
        if let Some(name) = names.iter().find(|n| !actors.contains_key(n.as_str())) {
            return Err(ScenarioError(format!("{here}: no actor named `{name}`")));
        }
        if let Some(name) = product.filter(|p| !products.contains_key(p.as_str())) {
            return Err(ScenarioError(format!("{here}: no product named `{name}`")));
        }
    }
    Ok(scenario)
}

struct Actor {
    key: Keypair,
    token: Pubkey,
    positions: Vec<(u64, u64)>,
    covers: Vec<Pubkey>,
    claims: Vec<Pubkey>,
}

struct Engine<'a> {
    t: TestContext,
    file: &'a str,
    text: &'a str,
    mint: MintInfo,
    pool: PoolKeys,
    products: BTreeMap<String, u64>,
    actors: BTreeMap<String, Actor>,
    /// What each step's state reports.
    watch: Watch,
    minted: u64,
    claims_paid: u64,
    claims_paid_by_stake: u64,
    claims_paid_by_capital: u64,
    deposits_forfeited: u64,
    /// Capital exits requested per actor: the next exit id.
    exits: BTreeMap<String, u64>,
    /// The treasury's token account on the mint, once a sweep needed it.
    treasury_token: Option<Pubkey>,
}

fn tokens(amount: u64) -> String {
    format_amount(amount, DECIMALS)
}

/// A capacity ratio in bps as `1.50`.
fn format_ratio(bps: u32) -> String {
    format!("{}.{:02}", bps / 10_000, (bps % 10_000) / 100)
}

impl Engine<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> String {
        format!("{}:{}", self.file, entry_line(self.text, &span))
    }

    async fn state(&mut self, where_: &str) -> Result<State> {
        self.watch
            .state(&mut self.t)
            .await
            .map_err(|e| ScenarioError(format!("{where_}: {e}")))
    }

    fn actor(&self, name: &str) -> &Actor {
        &self.actors[name]
    }

    async fn send(
        &mut self,
        where_: &str,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        signers: &[&Keypair],
    ) -> Result<()> {
        self.t
            .send_logged(ixs, signers)
            .await
            .map(|_| ())
            .map_err(|(e, logs)| {
                ScenarioError(format!("{where_}: {}", describe_failure(&e, &logs)))
            })
    }

    /// The pool's stake, vault and rewards owed, then each product's capacity used.
    async fn pool_lines(&mut self, where_: &str) -> Result<Vec<String>> {
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        let vault = self.t.balance(&self.pool.vault).await;
        let capital: CapitalPool = self.t.load(&capital_pool_pda(&self.mint.address)).await;
        let mut lines = vec![
            format!(
                "pool: stake {}, vault {}, owed to stakers in rewards {}, leverage line used {} \
                 of {}",
                tokens(pool.total_stake),
                tokens(vault),
                tokens(pool.rewards_reserved),
                tokens(pool.line.used),
                tokens(pool.line.used.saturating_add(pool.line.available))
            ),
            format!(
                "capital pool: capital {}, owed to claimants {}, lines {}, minimum capital {}",
                tokens(capital.capital),
                tokens(capital.owed()),
                tokens(capital.lines),
                tokens(capital.minimum_capital().unwrap_or(u64::MAX))
            ),
        ];
        let ids: Vec<u64> = self.products.values().copied().collect();
        let uses = capacity_uses(&mut self.t, &self.pool.pool, &pool, &ids)
            .await
            .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
        for ((name, _), used) in self.products.iter().zip(uses) {
            lines.push(format!("{name}: {}", used.describe(tokens)));
        }
        Ok(lines)
    }

    async fn run_step(&mut self, step: &Spanned<Action>) -> Result<Step> {
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
                lines.push(format!(
                    "tranche {tranche_id}, locked until {}",
                    crate::format::date(end)
                ));
                format!("{actor} stakes {}", tokens(amount))
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
                    tokens(cover_state.premium),
                    price_bps / 100,
                    price_bps % 100,
                    format_ratio(part.ratio_bps),
                    tokens(amount.saturating_sub(backing))
                ));
                format!(
                    "{actor} buys {} of {product} cover for {days} days",
                    tokens(amount)
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
                let holders: Vec<(String, Pubkey)> = self
                    .actors
                    .iter()
                    .flat_map(|(name, a)| a.covers.iter().map(move |c| (name.clone(), *c)))
                    .collect();
                let now = self.t.now().await;
                for (name, cover) in holders {
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
                            crate::format::date(claimable_until)
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
                    lines.push(format!("{name} claims {}", tokens(amount)));
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
                format!("{actor} claims {}", tokens(amount))
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
                let state: Claim = self.t.load(&claim).await;
                lines.push(format!(
                    "tally: accept {}, deny {}",
                    tokens(state.accept_weight),
                    tokens(state.deny_weight)
                ));
                format!(
                    "{actor} votes to {} {claimant}'s claim",
                    if *accept { "accept" } else { "deny" }
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
                    tokens(stake),
                    tokens(capital),
                    tokens(claim.owed)
                ));
                format!("{claimant} is paid {}", tokens(stake + capital))
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
                lines.push(format!("{actor} holds {} shares", tokens(shares)));
                format!("{actor} deposits {} into the capital pool", tokens(amount))
            }
            Action::CapitalWithdraw { actor, amount } => {
                let amount = units(&where_, "amount", *amount)?;
                let received = self.capital_withdraw(&where_, actor, amount).await?;
                format!(
                    "{actor} leaves the capital pool with {} (asked for {})",
                    tokens(received),
                    tokens(amount)
                )
            }
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
                format!("{actor} withdraws {} (stake and rewards)", tokens(received))
            }
        };
        lines.extend(self.pool_lines(&where_).await?);
        Ok(Step {
            title: format!("[{where_}] {title}"),
            lines,
            state: Some(self.state(&where_).await?),
        })
    }

    async fn treasury_token(&mut self) -> Pubkey {
        if let Some(token) = self.treasury_token {
            return token;
        }
        let treasury = self.t.treasury;
        let token = self
            .t
            .create_token_account(&treasury, &self.mint.address)
            .await;
        self.treasury_token = Some(token);
        token
    }

    /// Sweeps the pool's fees (the capital pool's premium share among them) if any accrued.
    async fn sweep(&mut self, where_: &str) -> Result<()> {
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        if pool.treasury_accrued == 0 && pool.assessment_accrued == 0 && pool.capital_accrued == 0 {
            return Ok(());
        }
        let treasury_token = self.treasury_token().await;
        let caller = self.t.payer().pubkey();
        self.send(
            where_,
            &[sweep_fees(&caller, &self.pool, &treasury_token)],
            &[],
        )
        .await
    }

    /// Sweeps the premiums due to the capital pool, requests an exit of the shares worth
    /// `amount`, waits out the delay, cranks the line (so lines that lapsed meanwhile no
    /// longer hold capital) and executes the exit. Returns what was paid.
    async fn capital_withdraw(&mut self, where_: &str, actor: &str, amount: u64) -> Result<u64> {
        self.sweep(where_).await?;
        let capital: CapitalPool = self.t.load(&capital_pool_pda(&self.mint.address)).await;
        let (key, token) = (
            self.actor(actor).key.insecure_clone(),
            self.actor(actor).token,
        );
        let held = self
            .t
            .balance(&capital_shares_account(&key.pubkey(), &self.mint.address))
            .await;
        let shares = shares_worth(&capital, amount).min(held);
        let exit_id = self.exits.get(actor).copied().unwrap_or(0);
        self.exits.insert(actor.to_string(), exit_id + 1);
        let ix = request_capital_exit(&key.pubkey(), &self.mint.address, exit_id, shares);
        self.send(where_, &[ix], &[&key]).await?;
        let exit: CapitalExit = self
            .t
            .load(&capital_exit_pda(
                &capital_pool_pda(&self.mint.address),
                &key.pubkey(),
                exit_id,
            ))
            .await;
        self.t.warp_to_time(exit.ready_at).await;
        let caller = self.t.payer().pubkey();
        let before = self.t.balance(&token).await;
        let ixs = [
            grant_leverage(&caller, &self.pool.pool, &self.mint.address, 0),
            execute_capital_exit(
                &key.pubkey(),
                &self.mint.address,
                &self.mint.token_program,
                exit_id,
                &token,
            ),
        ];
        self.send(where_, &ixs, &[&key]).await?;
        self.t
            .balance(&token)
            .await
            .checked_sub(before)
            .ok_or_else(|| ScenarioError(format!("{where_}: {actor}'s balance fell")))
    }

    fn latest_claim(&self, where_: &str, claimant: &str) -> Result<Pubkey> {
        self.actor(claimant)
            .claims
            .last()
            .copied()
            .ok_or_else(|| ScenarioError(format!("{where_}: {claimant} has filed no claim")))
    }

    async fn file(&mut self, where_: &str, name: &str, cover: Pubkey, amount: u64) -> Result<()> {
        let (owner, token) = (
            self.actor(name).key.insecure_clone(),
            self.actor(name).token,
        );
        let args = FileClaimArgs {
            amount,
            evidence_hash: [0; 32],
            evidence_uri: format!("scenario:{where_}"),
        };
        let (claim, ix) = flows::file_claim(&mut self.t, &owner.pubkey(), &cover, &token, args)
            .await
            .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
        self.send(where_, &[ix], &[&owner]).await?;
        if let Some(a) = self.actors.get_mut(name) {
            a.claims.push(claim);
        }
        self.watch.claims.push((name.to_string(), claim));
        Ok(())
    }
}

/// Runs `scenario` (parsed from `text`, named `file` in messages) on a fresh embedded VM,
/// reporting each step, and returns the summary (every token accounted for).
pub async fn run(
    scenario: &Scenario,
    text: &str,
    file: &str,
    sbf: bool,
    report: &mut dyn FnMut(Step),
) -> Result<Summary> {
    let mut t = TestContext::new_in(sbf).await;
    t.warp_to_time(scenario.market.start).await;
    let authority = t.authority.insecure_clone();
    let params = ProtocolParams {
        capacity_ratio_bps: scenario.market.capacity_ratio_bps,
        assessor_reward_bps: scenario.market.assessor_reward_bps,
        ..ProtocolParams::default()
    };
    let treasury = t.treasury;
    let setup_error = |e| ScenarioError(format!("{file}: [market] {}", describe_failure(&e, &[])));
    if params != ProtocolParams::default() {
        t.send(
            &[update_config(&authority.pubkey(), params, &treasury)],
            &[&authority],
        )
        .await
        .map_err(setup_error)?;
    }
    let mint = t.create_mint(DECIMALS, &spl_token::ID).await;
    t.send(
        &list_mint(
            &authority.pubkey(),
            &mint,
            &spl_token::ID,
            SetMintParamsArgs {
                claim_min_deposit: scenario.market.claim_min_deposit,
            },
            default_capital_pool_args(),
        ),
        &[&authority],
    )
    .await
    .map_err(setup_error)?;
    let manager = t.user().await;
    let config: Config = t.load(&config_pda()).await;
    let pool_id = config.pool_count;
    t.send(
        &[create_pool(
            &manager.pubkey(),
            pool_id,
            &mint,
            &spl_token::ID,
            CreatePoolArgs {
                manager_fee_bps: scenario.market.manager_fee_bps,
                max_manager_fee_bps: scenario.market.manager_fee_bps.max(2_000),
                private: false,
            },
        )],
        &[&manager],
    )
    .await
    .map_err(setup_error)?;
    let pool = PoolKeys::new(pool_id, mint, spl_token::ID);
    let mut products = BTreeMap::new();
    let mut lines = Vec::new();
    for spec in &scenario.products {
        let spec_ref = spec.get_ref();
        let id = t.create_default_product().await;
        let ix = set_pool_product(
            &manager.pubkey(),
            &pool.pool,
            SetPoolProductArgs {
                product_id: id,
                target_weight: spec_ref.weight,
                target_price_bps: spec_ref.price_bps,
            },
        );
        t.send(&[ix], &[&manager]).await.map_err(|e| {
            ScenarioError(format!(
                "{file}:{}: {}",
                entry_line(text, &spec.span()),
                describe_failure(&e, &[])
            ))
        })?;
        lines.push(format!(
            "product {}: weight {}%, target price {}.{:02}%/yr",
            spec_ref.name,
            spec_ref.weight,
            spec_ref.price_bps / 100,
            spec_ref.price_bps % 100
        ));
        products.insert(spec_ref.name.clone(), id);
    }
    let mut actors = BTreeMap::new();
    let mut minted = 0u64;
    let assessment_mint = t.assessment_mint;
    for spec in &scenario.actors {
        let here = format!("{file}:{}", entry_line(text, &spec.span()));
        let spec = spec.get_ref();
        let amount = units(&here, "tokens", spec.tokens)?;
        let assessor_stake = units(&here, "assessor_stake", spec.assessor_stake)?;
        // `parse` bounded the total: no mint below can overflow the supply and panic.
        minted = minted.checked_add(amount).ok_or_else(|| {
            ScenarioError(format!("{here}: the actors' tokens overflow the mint"))
        })?;
        let (key, token) = t.funded_user(&mint, amount).await;
        if assessor_stake > 0 {
            let stake_token = t
                .create_token_account(&key.pubkey(), &assessment_mint)
                .await;
            t.mint_to(&assessment_mint, &stake_token, assessor_stake)
                .await;
            let ix = stake_assessor(
                &key.pubkey(),
                &assessment_mint,
                &stake_token,
                &spl_token::ID,
                assessor_stake,
            );
            t.send(&[ix], &[&key]).await.map_err(setup_error)?;
        }
        lines.push(format!(
            "{}: {} tokens{}",
            spec.name,
            tokens(amount),
            if assessor_stake > 0 {
                format!(", assessor with {} staked", tokens(assessor_stake))
            } else {
                String::new()
            }
        ));
        actors.insert(
            spec.name.clone(),
            Actor {
                key,
                token,
                positions: Vec::new(),
                covers: Vec::new(),
                claims: Vec::new(),
            },
        );
    }
    let watch = Watch {
        pool: pool.pool,
        vault: pool.vault,
        products: products
            .iter()
            .map(|(name, id)| (name.clone(), *id))
            .collect(),
        wallets: actors
            .iter()
            .map(|(name, actor)| (name.clone(), actor.token))
            .collect(),
        claims: Vec::new(),
    };
    let mut engine = Engine {
        t,
        file,
        text,
        mint: MintInfo {
            address: mint,
            decimals: DECIMALS,
            token_program: spl_token::ID,
        },
        pool,
        products,
        actors,
        watch,
        minted,
        claims_paid: 0,
        claims_paid_by_stake: 0,
        claims_paid_by_capital: 0,
        deposits_forfeited: 0,
        exits: BTreeMap::new(),
        treasury_token: None,
    };
    let state = engine.state(file).await?;
    report(Step {
        title: format!("{}: pool {pool_id} opens", scenario.name),
        lines,
        state: Some(state),
    });
    for step in &scenario.steps {
        let done = engine.run_step(step).await?;
        report(done);
    }
    let summary = engine.summary(&manager).await?;
    report(crate::demo::summary_step(&summary));
    Ok(summary)
}

impl Engine<'_> {
    async fn summary(&mut self, manager: &Keypair) -> Result<Summary> {
        // Denied claims are closed: their deposits go to the assessors' share.
        let now = self.t.now().await;
        let caller = self.t.payer().pubkey();
        let claims: Vec<Pubkey> = self
            .actors
            .values()
            .flat_map(|a| a.claims.iter().copied())
            .collect();
        for claim in claims {
            let state: Claim = self.t.load(&claim).await;
            let denied = matches!(
                state.status(now),
                Ok(bulwark::state::ClaimStatus::Final { accepted: false })
            );
            if !denied || state.closed {
                continue;
            }
            let ix = flows::close_claim(&mut self.t, &caller, &claim)
                .await
                .map_err(|e| ScenarioError(format!("{}: {e}", self.file)))?;
            self.send(&format!("{}: closing denied claims", self.file), &[ix], &[])
                .await?;
            self.deposits_forfeited = self
                .deposits_forfeited
                .checked_add(state.deposit)
                .ok_or_else(|| ScenarioError(format!("{}: deposits overflow", self.file)))?;
        }
        let closing = format!("{}: closing the books", self.file);
        self.sweep(&closing).await?;
        let treasury_token = self.treasury_token().await;
        let manager_token = self
            .t
            .create_token_account(&manager.pubkey(), &self.mint.address)
            .await;
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        if pool.manager_fees > 0 {
            let ix = claim_manager_fees(&manager.pubkey(), &self.pool, &manager_token);
            self.send(
                &format!("{}: closing the books", self.file),
                &[ix],
                &[manager],
            )
            .await?;
        }
        let mut wallets = Vec::new();
        let names: Vec<String> = self.actors.keys().cloned().collect();
        for name in names {
            let token = self.actors[&name].token;
            wallets.push((name, self.t.balance(&token).await));
        }
        wallets.push(("manager".into(), self.t.balance(&manager_token).await));
        let pool_vault = self.t.balance(&self.pool.vault).await;
        let capital_vault = self.t.balance(&capital_vault_pda(&self.mint.address)).await;
        let treasury = self.t.balance(&treasury_token).await;
        let reward_pot = self.t.balance(&reward_pot_pda(&self.mint.address)).await;
        let total = wallets
            .iter()
            .map(|(_, b)| *b)
            .chain([pool_vault, capital_vault, treasury, reward_pot])
            .try_fold(0u64, u64::checked_add)
            .ok_or_else(|| ScenarioError(format!("{}: balances overflow", self.file)))?;
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        let capital: CapitalPool = self.t.load(&capital_pool_pda(&self.mint.address)).await;
        Ok(Summary {
            minted: self.minted,
            wallets,
            pool_vault,
            capital_vault,
            capital: capital.capital,
            claims_paid_by_stake: self.claims_paid_by_stake,
            claims_paid_by_capital: self.claims_paid_by_capital,
            claims_owed: capital.owed(),
            treasury,
            reward_pot,
            total,
            pool_liabilities: pool
                .liabilities()
                .map_err(|e| ScenarioError(e.to_string()))?,
            claims_paid: self.claims_paid,
            deposits_forfeited: self.deposits_forfeited,
        })
    }
}
