//! `bulwark simulate SCENARIO.toml`: the demo's engine driven by a scenario file, so a risk
//! analyst can replay "what if this protocol is hacked next month" against chosen pool
//! parameters. Every mistake in the file — TOML syntax, an unknown field, an actor or product
//! that does not exist, a step the program refuses — is reported with its line.

use bulwark::constants::{MAX_ACTIVE_TRANCHES, MAX_PRODUCT_WEIGHT, SECONDS_PER_DAY};
use bulwark::state::ProtocolParams;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

mod actions;
mod engine;

pub use engine::{run, seed, Seeded};

/// Unix time stories start at unless they say otherwise (2026-01-05 00:00 UTC, early in tranche
/// 224), so their tranches, buckets and every number they print are the same on any day.
pub const START: i64 = 1_767_571_200;

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
            start: START,
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
    /// Claims on it are voted blind: `commit`, then `reveal`.
    #[serde(default)]
    pub blind_votes: bool,
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
    /// An assessor commits a blind ballot on `claimant`'s latest claim (a blind-vote
    /// product's): nobody sees it until it is revealed.
    Commit {
        actor: String,
        claimant: String,
        accept: bool,
    },
    /// The assessor reveals its blind ballot on `claimant`'s latest claim once voting is over
    /// (the story waits for that); a ballot never revealed counts for nothing.
    Reveal {
        actor: String,
        claimant: String,
    },
    /// Pays `claimant`'s latest claim.
    Redeem {
        claimant: String,
    },
    /// Governance overturns `claimant`'s latest claim as fraud once its voting is over (the
    /// story waits for that), in its cooldown: nobody is rewarded for it and the ballots on
    /// the voters' side are slashed when settled.
    Overturn {
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
    /// The actor leaves the capital pool with shares worth `amount` (all its shares without
    /// one): the exit is requested, the story waits out the exit delay, and the exit is paid
    /// (the lower of the two prices).
    CapitalWithdraw {
        actor: String,
        #[serde(default)]
        amount: Option<u64>,
    },
    /// The actor claims the rewards streamed to each of its positions so far (while their
    /// tranches run), checked against what the SDK computes from the accounts.
    Rewards {
        actor: String,
    },
    /// Closes `claimant`'s latest claim, denied and final: its deposit goes to the assessors.
    Close {
        claimant: String,
    },
    /// Sweeps the pool's protocol fees (treasury, assessors, capital pool) and pays the
    /// manager its fee.
    Fees {},
    /// Each of the assessor's ballots is settled: its share of the reward of every claim it
    /// voted for the outcome of, the slash of a vote for an overturned one.
    AssessorRewards {
        actor: String,
    },
    /// Every cover past its claim window with no claim expires: its capacity is released and
    /// its rent returned to its payer.
    Expire {},
    /// Starts a chapter: the steps after it, up to the next chapter, are reported as one step
    /// with this title.
    Chapter(String),
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
            Action::Capital { actor, amount } => {
                units(&here, "amount", *amount)?;
                (vec![actor], None)
            }
            Action::CapitalWithdraw { actor, amount } => {
                if let Some(amount) = amount {
                    units(&here, "amount", *amount)?;
                }
                (vec![actor], None)
            }
            Action::Rewards { actor } | Action::AssessorRewards { actor } => (vec![actor], None),
            Action::Close { claimant } => (vec![claimant], None),
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
            }
            | Action::Commit {
                actor, claimant, ..
            }
            | Action::Reveal { actor, claimant } => (vec![actor, claimant], None),
            Action::Redeem { claimant } | Action::Overturn { claimant } => (vec![claimant], None),
            Action::Incident {
                product,
                loss_percent,
            } => {
                if !(1..=100).contains(loss_percent) {
                    return Err(ScenarioError(format!("{here}: loss_percent must be 1–100")));
                }
                (vec![], Some(product))
            }
            Action::Wait { .. } | Action::Fees {} | Action::Expire {} | Action::Chapter(_) => {
                (vec![], None)
            }
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
