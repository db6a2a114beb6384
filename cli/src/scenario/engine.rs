//! The scenario engine: sets up the market a scenario describes on a fresh embedded VM, runs
//! its steps (see `actions.rs`), reports each with the state after it, and closes the books.

use super::{entry_line, units, Action, Result, Scenario, ScenarioError, DECIMALS};
use crate::errors::describe_failure;
use crate::format::format_amount;
use crate::report::{capacity_uses, summary_step, State, Step, Summary, Watch};
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{CreatePoolArgs, FileClaimArgs, SetMintParamsArgs, SetPoolProductArgs};
use bulwark::state::{
    Assessor, CapitalExit, CapitalPool, Claim, ClaimStatus, Config, Pool, ProductTerms,
    ProtocolParams,
};
use bulwark_sdk::builders::*;
use bulwark_sdk::capital::shares_worth;
use bulwark_sdk::client::MintInfo;
use bulwark_sdk::flows;
use bulwark_testing::{default_terms, spl_token, Backend, TestContext};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::BTreeMap;
use toml::Spanned;

pub(super) struct Actor {
    pub key: Keypair,
    pub token: Pubkey,
    /// `(position id, tranche id)` of each position not withdrawn yet.
    pub positions: Vec<(u64, u64)>,
    pub covers: Vec<Pubkey>,
    pub claims: Vec<Pubkey>,
    /// Claims the actor voted on as an assessor.
    pub votes: Vec<Pubkey>,
    /// Its blind ballots not revealed yet: claim, choice, salt.
    pub commitments: Vec<(Pubkey, bool, [u8; 32])>,
}

pub(super) struct Engine<'a, B: Backend> {
    pub t: TestContext<B>,
    file: &'a str,
    text: &'a str,
    pub mint: MintInfo,
    pub pool: PoolKeys,
    manager: Keypair,
    pub products: BTreeMap<String, u64>,
    pub actors: BTreeMap<String, Actor>,
    /// What each step's state reports.
    pub watch: Watch,
    minted: u64,
    pub claims_paid: u64,
    pub claims_paid_by_stake: u64,
    pub claims_paid_by_capital: u64,
    deposits_forfeited: u64,
    /// Capital exits requested per actor: the next exit id.
    exits: BTreeMap<String, u64>,
    /// The treasury's token account on the mint, once a sweep needed it.
    treasury_token: Option<Pubkey>,
    /// The manager's token account on the mint, once its fee was paid.
    manager_token: Option<Pubkey>,
}

/// Base units of the scenario's mint in tokens, as reported.
pub(super) fn tokens(amount: u64) -> String {
    format_amount(amount, DECIMALS)
}

impl<B: Backend> Engine<'_, B> {
    pub fn at(&self, span: std::ops::Range<usize>) -> String {
        format!("{}:{}", self.file, entry_line(self.text, &span))
    }

    async fn state(&mut self, where_: &str) -> Result<State> {
        self.watch
            .state(&mut self.t)
            .await
            .map_err(|e| ScenarioError(format!("{where_}: {e}")))
    }

    pub fn actor(&self, name: &str) -> &Actor {
        &self.actors[name]
    }

    pub async fn send(
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

    pub async fn treasury_token(&mut self) -> Pubkey {
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
    pub async fn sweep(&mut self, where_: &str) -> Result<()> {
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        if pool.treasury_accrued == 0 && pool.capital_accrued == 0 {
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
    pub async fn capital_withdraw(
        &mut self,
        where_: &str,
        actor: &str,
        amount: Option<u64>,
    ) -> Result<u64> {
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
        let shares = amount.map_or(held, |amount| shares_worth(&capital, amount).min(held));
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

    /// What `owner` stakes as an assessor (nothing before it staked).
    pub async fn assessor_stake(&mut self, owner: &Pubkey) -> u64 {
        let address = assessor_pda(owner);
        if !self.t.exists(&address).await {
            return 0;
        }
        self.t.load::<Assessor>(&address).await.staked
    }

    pub fn latest_claim(&self, where_: &str, claimant: &str) -> Result<Pubkey> {
        self.actor(claimant)
            .claims
            .last()
            .copied()
            .ok_or_else(|| ScenarioError(format!("{where_}: {claimant} has filed no claim")))
    }

    pub async fn file(
        &mut self,
        where_: &str,
        name: &str,
        cover: Pubkey,
        amount: u64,
    ) -> Result<()> {
        let (owner, token) = (
            self.actor(name).key.insecure_clone(),
            self.actor(name).token,
        );
        // The loss the scenario claims for happened when the cover started.
        let incident_time = self.t.cover_start(&cover).await;
        let args = FileClaimArgs {
            amount,
            incident_time,
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
    let mut engine = open(t, scenario, text, file, report).await?;
    engine.play(&scenario.steps, report).await?;
    let summary = engine.summary().await?;
    report(summary_step(&summary));
    Ok(summary)
}

/// What a scenario's opening leaves on a ledger (see [`seed`]): the kit's context, with its
/// authority and treasury, and every key and account a user of the market needs.
pub struct Seeded<B: Backend> {
    pub t: TestContext<B>,
    pub mint: Pubkey,
    pub pool_id: u64,
    pub manager: Keypair,
    /// `(name, product id)`.
    pub products: Vec<(String, u64)>,
    /// `(name, key, token account in the mint)`, by name.
    pub actors: Vec<(String, Keypair, Pubkey)>,
}

/// Sets up `scenario`'s market on `t` at its current time and runs the steps of its first
/// `chapters` chapters (everything before its next chapter heading), reporting each: a
/// standing market for a local cluster, rather than a whole story.
pub async fn seed<B: Backend>(
    t: TestContext<B>,
    scenario: &Scenario,
    text: &str,
    file: &str,
    chapters: usize,
    report: &mut dyn FnMut(Step),
) -> Result<Seeded<B>> {
    let mut headings = 0usize;
    let end = scenario
        .steps
        .iter()
        .position(|step| {
            if matches!(step.get_ref(), Action::Chapter(_)) {
                headings += 1;
            }
            headings > chapters
        })
        .unwrap_or(scenario.steps.len());
    let mut engine = open(t, scenario, text, file, report).await?;
    engine.play(&scenario.steps[..end], report).await?;
    let pool: Pool = engine.t.load_zc(&engine.pool.pool).await;
    Ok(Seeded {
        mint: engine.mint.address,
        pool_id: pool.id,
        manager: engine.manager.insecure_clone(),
        products: engine.products.clone().into_iter().collect(),
        actors: engine
            .actors
            .iter()
            .map(|(name, actor)| (name.clone(), actor.key.insecure_clone(), actor.token))
            .collect(),
        t: engine.t,
    })
}

/// Sets up `scenario`'s market on `t` at its current time — protocol parameters, the mint and
/// its capital pool, the pool and its products, the actors with their tokens and assessor
/// stake — and reports it.
pub(super) async fn open<'a, B: Backend>(
    mut t: TestContext<B>,
    scenario: &Scenario,
    text: &'a str,
    file: &'a str,
    report: &mut dyn FnMut(Step),
) -> Result<Engine<'a, B>> {
    let authority = t.authority.insecure_clone();
    let params = ProtocolParams {
        capacity_ratio_bps: scenario.market.capacity_ratio_bps,
        assessor_reward_bps: scenario.market.assessor_reward_bps,
        ..ProtocolParams::default()
    };
    let treasury = t.treasury;
    let setup_error = |e| ScenarioError(format!("{file}: [market] {}", describe_failure(&e, &[])));
    if params != ProtocolParams::default() {
        // The kit's config has no timelock delay: proposed and executed in one transaction.
        let config: Config = t.load(&config_pda()).await;
        let changes = config_changes(&config, &params, &treasury);
        let (propose, id) =
            flows::propose(&mut t, &authority.pubkey(), changes, [0; 32], String::new())
                .await
                .map_err(|e| ScenarioError(e.to_string()))?;
        let execute = execute_proposal(&authority.pubkey(), id, &authority.pubkey(), None);
        t.send(&[propose, execute], &[&authority])
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
        let id = t
            .create_product_with(ProductTerms {
                blind_votes: spec_ref.blind_votes,
                ..default_terms()
            })
            .await;
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
                votes: Vec::new(),
                commitments: Vec::new(),
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
        manager,
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
        manager_token: None,
    };
    let state = engine.state(file).await?;
    report(Step {
        title: format!("{}: pool {pool_id} opens", scenario.name),
        lines,
        state: Some(state),
    });
    Ok(engine)
}

impl<B: Backend> Engine<'_, B> {
    /// Runs `steps` in order, reporting each — or, under a chapter heading, each chapter.
    pub(super) async fn play(
        &mut self,
        steps: &[Spanned<Action>],
        report: &mut dyn FnMut(Step),
    ) -> Result<()> {
        // A chapter gathers the steps after it into one report, up to the next chapter.
        let mut chapter: Option<(String, Vec<String>)> = None;
        for step in steps {
            if let Action::Chapter(title) = step.get_ref() {
                if let Some((title, lines)) = chapter.take() {
                    report(self.report(title, lines, self.file).await?);
                }
                chapter = Some((title.clone(), Vec::new()));
                continue;
            }
            let (title, lines) = self.run_step(step).await?;
            match chapter.as_mut() {
                Some((_, told)) => {
                    told.push(title);
                    told.extend(lines.into_iter().map(|line| format!("  {line}")));
                }
                None => {
                    let at = self.at(step.span());
                    report(self.report(format!("[{at}] {title}"), lines, &at).await?);
                }
            }
        }
        if let Some((title, lines)) = chapter.take() {
            report(self.report(title, lines, self.file).await?);
        }
        Ok(())
    }
}

impl<B: Backend> Engine<'_, B> {
    /// A step's report: `lines`, then the pool's and the capital pool's books and each
    /// product's capacity, and the state after it.
    async fn report(
        &mut self,
        title: String,
        mut lines: Vec<String>,
        where_: &str,
    ) -> Result<Step> {
        lines.extend(self.pool_lines(where_).await?);
        Ok(Step {
            title,
            lines,
            state: Some(self.state(where_).await?),
        })
    }

    /// Every actor's covers, by actor name.
    pub fn covers(&self) -> Vec<(String, Pubkey)> {
        self.actors
            .iter()
            .flat_map(|(name, a)| a.covers.iter().map(move |c| (name.clone(), *c)))
            .collect()
    }

    /// Closes the denied `claim`; returns its deposit, forfeited to the assessors.
    pub async fn close(&mut self, where_: &str, claim: &Pubkey) -> Result<u64> {
        let state: Claim = self.t.load(claim).await;
        let caller = self.t.payer().pubkey();
        let ix = flows::close_claim(&mut self.t, &caller, claim)
            .await
            .map_err(|e| ScenarioError(format!("{where_}: {e}")))?;
        self.send(where_, &[ix], &[]).await?;
        self.deposits_forfeited = self
            .deposits_forfeited
            .checked_add(state.deposit)
            .ok_or_else(|| ScenarioError(format!("{where_}: deposits overflow")))?;
        Ok(state.deposit)
    }

    /// The manager's token account on the mint, created the first time.
    async fn manager_token(&mut self) -> Pubkey {
        if let Some(token) = self.manager_token {
            return token;
        }
        let owner = self.manager.pubkey();
        let token = self
            .t
            .create_token_account(&owner, &self.mint.address)
            .await;
        self.manager_token = Some(token);
        token
    }

    /// Pays the manager the fee the pool holds for it, if any; returns what was paid.
    pub async fn pay_manager(&mut self, where_: &str) -> Result<u64> {
        let token = self.manager_token().await;
        let pool: Pool = self.t.load_zc(&self.pool.pool).await;
        if pool.manager_fees == 0 {
            return Ok(0);
        }
        let before = self.t.balance(&token).await;
        let manager = self.manager.insecure_clone();
        let ix = claim_manager_fees(&manager.pubkey(), &self.pool, &token);
        self.send(where_, &[ix], &[&manager]).await?;
        Ok(self.t.balance(&token).await.saturating_sub(before))
    }

    async fn summary(&mut self) -> Result<Summary> {
        // Denied claims are closed: their deposits go to the assessors' share.
        let closing = format!("{}: closing the books", self.file);
        let now = self.t.now().await;
        let config: Config = self.t.load(&config_pda()).await;
        let claims: Vec<Pubkey> = self
            .actors
            .values()
            .flat_map(|a| a.claims.iter().copied())
            .collect();
        for claim in claims {
            let state: Claim = self.t.load(&claim).await;
            let denied = matches!(
                state.status(&config, now),
                Ok(ClaimStatus::Final { accepted: false })
            );
            if denied && !state.closed {
                self.close(&closing, &claim).await?;
            }
        }
        self.sweep(&closing).await?;
        self.pay_manager(&closing).await?;
        let treasury_token = self.treasury_token().await;
        let manager_token = self.manager_token().await;
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
        let total = wallets
            .iter()
            .map(|(_, b)| *b)
            .chain([pool_vault, capital_vault, treasury])
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
            total,
            pool_liabilities: pool
                .liabilities()
                .map_err(|e| ScenarioError(e.to_string()))?,
            claims_paid: self.claims_paid,
            deposits_forfeited: self.deposits_forfeited,
        })
    }
}
