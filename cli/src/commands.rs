//! The operator and user subcommands. Each builds its instructions with `bulwark-sdk`, sends
//! them through a [`Transport`] and reads accounts back with the program's own types, so the
//! embedded VM and a cluster run exactly the same code.

use crate::capacity::CapacityUse;
use crate::errors::{CliError, Result};
use crate::transport::Transport;
use crate::units::{format_amount, parse_amount};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_error::ProgramError;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::associated_token::{
    get_associated_token_address_with_program_id, spl_associated_token_account,
};
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::StateWithExtensions;
use bulwark::instructions::{
    BuyCoverArgs, CreatePoolArgs, CreateProductArgs, DepositStakeArgs, FileClaimArgs,
    SetMintParamsArgs, SetPoolProductArgs,
};
use bulwark::math::shares::assets_for_shares;
use bulwark::math::tranche::tranche_end;
use bulwark::state::{
    Claim, ClaimStatus, Config, Cover, Pool, PoolProduct, Product, ProductTerms, ProductType,
    ProtocolParams, StakePosition, TrancheArchive,
};
use bulwark_sdk::builders::*;
use bulwark_sdk::quote::{decode_zero_copy, quote, PoolState, Quote};
use bulwark_sdk::rewards::{pending_rewards, tranche_streams};
use solana_keypair::Keypair;
use solana_program_pack::Pack as _;
use solana_signer::Signer;
use std::fmt::Write as _;

/// Highest nonce or position id probed when looking for an unused one.
const MAX_PROBE: u64 = 1_000;

/// A signer and what it reads and sends through.
pub struct Session<'a> {
    pub transport: &'a mut Transport,
    pub wallet: &'a Keypair,
    /// What the command prints.
    pub out: String,
}

macro_rules! say {
    ($session:expr, $($arg:tt)*) => {
        let _ = writeln!($session.out, $($arg)*);
    };
}

/// `YYYY-MM-DD HH:MM` UTC of a Unix time.
pub fn date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// Where `claim` stands at `now`, in words. `redeem_by` is the end (exclusive) of its payout's
/// redemption: the claim's window, cut short by the cover's backing.
pub fn claim_status(claim: &Claim, redeem_by: i64, now: i64) -> Result<String> {
    let outcome = |accepted| if accepted { "accepted" } else { "denied" };
    let so_far = match claim.voters {
        0 => "no votes yet".to_string(),
        _ => format!("{} so far", outcome(claim.voted_accept())),
    };
    let status = claim.status(now).map_err(|e| CliError(e.to_string()))?;
    Ok(match status {
        ClaimStatus::Voting if claim.voting_end < claim.latest_voting_end => format!(
            "voting until {} ({so_far}; a late vote that flips it extends voting, at most to {})",
            date(claim.voting_end),
            date(claim.latest_voting_end)
        ),
        ClaimStatus::Voting => format!("voting until {} ({so_far})", date(claim.voting_end)),
        ClaimStatus::Cooldown { accepted } => format!(
            "{} (cooldown until {})",
            outcome(accepted),
            date(claim.cooldown_end().map_err(|e| CliError(e.to_string()))?)
        ),
        ClaimStatus::Final { accepted: true } if claim.paid && claim.owed == 0 => {
            "accepted and paid".into()
        }
        ClaimStatus::Final { accepted: true } if claim.paid => format!(
            "accepted; {} owed by the capital pool, paid in its queue order as capital arrives \
             (`bulwark redeem`)",
            claim.owed
        ),
        ClaimStatus::Final { accepted: true } if now < redeem_by => format!(
            "accepted; redeem before {} for the backing stake to pay its part (the capital \
             pool alone pays after)",
            date(redeem_by)
        ),
        ClaimStatus::Final { accepted: true } => format!(
            "accepted; the backing stake was free from {}: the capital pool pays it (`bulwark \
             redeem`)",
            date(redeem_by)
        ),
        ClaimStatus::Final { accepted: false } if claim.closed => {
            "denied; deposit forfeited to the assessors".into()
        }
        ClaimStatus::Final { accepted: false } => "denied".into(),
    })
}

/// `250` bps as `2.50%`.
pub fn bps(value: u64) -> String {
    format!("{}.{:02}%", value / 100, value % 100)
}

impl Session<'_> {
    fn me(&self) -> Pubkey {
        self.wallet.pubkey()
    }

    async fn send(&mut self, ixs: &[Instruction], extra: &[&Keypair]) -> Result<()> {
        let mut signers = vec![self.wallet];
        signers.extend_from_slice(extra);
        let signature = self.transport.send(ixs, &signers).await?;
        say!(self, "signature {signature}");
        Ok(())
    }

    async fn load<T: AccountDeserialize>(&mut self, address: &Pubkey, what: &str) -> Result<T> {
        let account = self
            .transport
            .account(address)
            .await?
            .ok_or_else(|| CliError(format!("no {what} at {address}")))?;
        T::try_deserialize(&mut account.data.as_slice())
            .map_err(|_| CliError(format!("{address} is not a Bulwark {what}")))
    }

    async fn load_zc<T: bytemuck::Pod + Discriminator>(
        &mut self,
        address: &Pubkey,
        what: &str,
    ) -> Result<T> {
        let account = self
            .transport
            .account(address)
            .await?
            .ok_or_else(|| CliError(format!("no {what} at {address}")))?;
        decode_zero_copy(&account.data)
            .ok_or_else(|| CliError(format!("{address} is not a Bulwark {what}")))
    }

    async fn config(&mut self) -> Result<Config> {
        self.load(&config_pda(), "config (run `bulwark init` first)")
            .await
    }

    /// Decimals and token program of `mint`, which must be an initialized mint of the SPL
    /// Token program (base layout) or of Token-2022 (with any extensions).
    async fn decimals(&mut self, mint: &Pubkey) -> Result<(u8, Pubkey)> {
        let account = self
            .transport
            .account(mint)
            .await?
            .ok_or_else(|| CliError(format!("no mint at {mint}")))?;
        let unpacked = if account.owner == anchor_spl::token::ID {
            spl_token_2022::state::Mint::unpack(&account.data)
        } else if account.owner == anchor_spl::token_2022::ID {
            StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&account.data)
                .map(|state| state.base)
        } else {
            return Err(CliError(format!(
                "{mint} is not a token mint (owned by {}, not a token program)",
                account.owner
            )));
        };
        match unpacked {
            Ok(state) => Ok((state.decimals, account.owner)),
            Err(ProgramError::UninitializedAccount) => {
                Err(CliError(format!("{mint} is an uninitialized mint")))
            }
            Err(_) => Err(CliError(format!("{mint} is not a token mint"))),
        }
    }

    async fn amount(&mut self, mint: &Pubkey, text: &str) -> Result<u64> {
        let (decimals, _) = self.decimals(mint).await?;
        parse_amount(text, decimals)
    }

    async fn show_amount(&mut self, mint: &Pubkey, amount: u64) -> Result<String> {
        let (decimals, _) = self.decimals(mint).await?;
        Ok(format_amount(amount, decimals))
    }

    /// `owner`'s associated token account for `mint`, and an instruction creating it if it
    /// does not exist yet (idempotent).
    async fn token_account(
        &mut self,
        owner: &Pubkey,
        mint: &Pubkey,
    ) -> Result<(Pubkey, Instruction)> {
        let (_, token_program) = self.decimals(mint).await?;
        let address = get_associated_token_address_with_program_id(owner, mint, &token_program);
        let create =
            spl_associated_token_account::instruction::create_associated_token_account_idempotent(
                &self.me(),
                owner,
                mint,
                &token_program,
            );
        Ok((address, create))
    }

    /// Refuses before sending when `owner`'s token account for `mint` cannot pay `amount`.
    async fn require_tokens(&mut self, mint: &Pubkey, amount: u64) -> Result<Pubkey> {
        let me = self.me();
        let (account, _) = self.token_account(&me, mint).await?;
        let balance = self.balance_or_zero(&account).await?;
        if balance < amount {
            let needed = self.show_amount(mint, amount).await?;
            let held = self.show_amount(mint, balance).await?;
            return Err(CliError(format!(
                "{me} holds {held} of {mint} in {account}; {needed} is needed"
            )));
        }
        Ok(account)
    }

    async fn all<T: AccountDeserialize + Discriminator>(&mut self) -> Result<Vec<(Pubkey, T)>> {
        let accounts = self.transport.program_accounts(T::DISCRIMINATOR).await?;
        let mut decoded: Vec<(Pubkey, T)> = accounts
            .into_iter()
            .filter_map(|(key, account)| {
                T::try_deserialize(&mut account.data.as_slice())
                    .ok()
                    .map(|v| (key, v))
            })
            .collect();
        decoded.sort_by_key(|(key, _)| *key);
        Ok(decoded)
    }

    async fn all_zc<T: bytemuck::Pod + Discriminator>(&mut self) -> Result<Vec<(Pubkey, T)>> {
        let accounts = self.transport.program_accounts(T::DISCRIMINATOR).await?;
        Ok(accounts
            .into_iter()
            .filter_map(|(key, account)| decode_zero_copy(&account.data).map(|v| (key, v)))
            .collect())
    }

    /// The first of `candidates(0..)` with no account yet.
    async fn unused(&mut self, candidate: impl Fn(u64) -> Pubkey, what: &str) -> Result<u64> {
        for n in 0..MAX_PROBE {
            if self.transport.account(&candidate(n)).await?.is_none() {
                return Ok(n);
            }
        }
        Err(CliError(format!(
            "no unused {what} below {MAX_PROBE}; pass one explicitly"
        )))
    }

    // ---- governance ----

    pub async fn init(
        &mut self,
        assessment_mint: Pubkey,
        treasury: Option<Pubkey>,
        authority: Option<Pubkey>,
    ) -> Result<()> {
        let (_, token_program) = self.decimals(&assessment_mint).await?;
        let authority = authority.unwrap_or(self.me());
        let treasury = treasury.unwrap_or(self.me());
        let ix = initialize_config(
            &self.me(),
            &authority,
            &treasury,
            &assessment_mint,
            &token_program,
            ProtocolParams::default(),
        );
        self.send(&[ix], &[]).await?;
        say!(self, "config {} initialized", config_pda());
        say!(
            self,
            "governance authority {authority}, treasury {treasury}"
        );
        say!(self, "assessors stake {assessment_mint}");
        Ok(())
    }

    pub async fn product_create(&mut self, terms: ProductTerms) -> Result<u64> {
        let id = self.config().await?.product_count;
        let ix = create_product(
            &self.me(),
            id,
            CreateProductArgs {
                product_type: ProductType::Assessed,
                terms,
            },
        );
        self.send(&[ix], &[]).await?;
        say!(self, "product {id} created at {}", product_pda(id));
        Ok(id)
    }

    pub async fn product_list(&mut self) -> Result<()> {
        let mut products = self.all::<Product>().await?;
        products.sort_by_key(|(_, p)| p.id);
        say!(self, "{} product(s)", products.len());
        for (address, p) in products {
            let t = &p.terms;
            say!(
                self,
                "  #{} {address} {:?}{}: grace {} days, min price {}/yr, new listings from {}/yr, max period {} days{}, {}",
                p.id,
                p.product_type,
                if t.deprecated { " (deprecated)" } else { "" },
                t.grace_period / 86_400,
                bps(u64::from(t.min_price_bps)),
                bps(u64::from(t.initial_price_bps)),
                t.max_cover_period / 86_400,
                if t.fixed_price { ", fixed price" } else { "" },
                t.wording_uri
            );
        }
        Ok(())
    }

    // ---- listed mints ----

    /// Lists `mint` (or changes its parameters); the first time, also opens its capital pool
    /// with the default requirement, without which no staking pool opens on it.
    pub async fn mint_set(&mut self, mint: Pubkey, claim_min_deposit: &str) -> Result<()> {
        let claim_min_deposit = self.amount(&mint, claim_min_deposit).await?;
        let (_, token_program) = self.decimals(&mint).await?;
        let me = self.me();
        let mint_params = SetMintParamsArgs { claim_min_deposit };
        let opened = self
            .transport
            .account(&capital_pool_pda(&mint))
            .await?
            .is_none();
        if opened {
            let ixs = list_mint(
                &me,
                &mint,
                &token_program,
                mint_params,
                default_capital_pool_args(),
            );
            self.send(&ixs, &[]).await?;
        } else {
            self.send(&[set_mint_params(&me, &mint, mint_params)], &[])
                .await?;
        }
        let shown = self.show_amount(&mint, claim_min_deposit).await?;
        say!(self, "mint {mint} listed: smallest claim deposit {shown}");
        if opened {
            say!(
                self,
                "capital pool {} opened: shares {}",
                capital_pool_pda(&mint),
                capital_shares_pda(&mint)
            );
        }
        Ok(())
    }

    // ---- pools ----

    pub async fn pool_create(&mut self, mint: Pubkey, args: CreatePoolArgs) -> Result<u64> {
        let (_, token_program) = self.decimals(&mint).await?;
        let id = self.config().await?.pool_count;
        let ix = create_pool(&self.me(), id, &mint, &token_program, args);
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "pool {id} created at {} (vault {})",
            pool_pda(id),
            vault_pda(&pool_pda(id))
        );
        Ok(id)
    }

    pub async fn pool_set_product(&mut self, pool_id: u64, args: SetPoolProductArgs) -> Result<()> {
        let pool = pool_pda(pool_id);
        let (product_id, weight, price) =
            (args.product_id, args.target_weight, args.target_price_bps);
        let ix = set_pool_product(&self.me(), &pool, args);
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "pool {pool_id} covers product {product_id}: weight {weight}%, target price {}/yr",
            bps(u64::from(price))
        );
        Ok(())
    }

    pub async fn pool_show(&mut self, pool_id: u64) -> Result<()> {
        let address = pool_pda(pool_id);
        let mut pool: Pool = self.load_zc(&address, "pool").await?;
        let now = self.transport.clock().await?.unix_timestamp;
        let config = self.config().await?;
        let vault_balance = self.token_balance(&pool.vault).await?;
        let (decimals, _) = self.decimals(&pool.mint).await?;
        let show = |amount: u64| format_amount(amount, decimals);
        let liabilities = pool.liabilities().map_err(|e| CliError(e.to_string()))?;
        say!(self, "pool {pool_id} at {address}");
        say!(self, "  manager {}  mint {}", pool.manager, pool.mint);
        say!(
            self,
            "  fee {} (max {}){}",
            bps(u64::from(pool.manager_fee_bps)),
            bps(u64::from(pool.max_manager_fee_bps)),
            if pool.is_private() {
                ", private"
            } else {
                ", public"
            }
        );
        say!(
            self,
            "  stake {}   vault {}   owed {}",
            show(pool.total_stake),
            show(vault_balance),
            show(liabilities)
        );
        pool.roll_forward(now)
            .map_err(|e| CliError(e.to_string()))?;
        let mut slots: Vec<_> = pool
            .tranches
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect();
        slots.sort_by_key(|s| s.tranche_id);
        let streams = tranche_streams(&pool, now).map_err(|e| CliError(e.to_string()))?;
        for (slot, stream) in slots.iter().zip(&streams) {
            let end = tranche_end(slot.tranche_id).map_err(|e| CliError(e.to_string()))?;
            say!(
                self,
                "  tranche {} (ends {}{}): stake {}, earning {}/day",
                slot.tranche_id,
                date(end),
                if slot.has_ended() { ", ended" } else { "" },
                show(slot.stake),
                show(u64::try_from(stream.per_day()).unwrap_or(u64::MAX))
            );
        }
        let mut products = self.all_zc::<PoolProduct>().await?;
        products.retain(|(_, pp)| pp.pool == address);
        products.sort_by_key(|(_, pp)| pp.product_id);
        for (_, mut pp) in products {
            let product: Product = self.load(&product_pda(pp.product_id), "product").await?;
            pp.roll_forward(now).map_err(|e| CliError(e.to_string()))?;
            let price = pp
                .price(&product.terms, &config.params, now)
                .map_err(|e| CliError(e.to_string()))?;
            say!(
                self,
                "  product {}: weight {}%, target {}/yr, now {}/yr",
                pp.product_id,
                pp.target_weight,
                bps(u64::from(pp.target_price_bps)),
                bps(price)
            );
            let used = CapacityUse::at(&pool, &pp, config.params.capacity_ratio_bps, now)
                .map_err(|e| CliError(e.to_string()))?;
            say!(self, "    {}", used.describe(show));
        }
        Ok(())
    }

    pub async fn pool_list(&mut self) -> Result<()> {
        let mut pools = self.all_zc::<Pool>().await?;
        pools.sort_by_key(|(_, p)| p.id);
        say!(self, "{} pool(s)", pools.len());
        for (address, pool) in pools {
            let stake = self.show_amount(&pool.mint, pool.total_stake).await?;
            say!(
                self,
                "  #{} {address} mint {} stake {stake} fee {}{}",
                pool.id,
                pool.mint,
                bps(u64::from(pool.manager_fee_bps)),
                if pool.is_private() { " private" } else { "" }
            );
        }
        Ok(())
    }

    async fn token_balance(&mut self, address: &Pubkey) -> Result<u64> {
        let account = self
            .transport
            .account(address)
            .await?
            .ok_or_else(|| CliError(format!("no token account at {address}")))?;
        account
            .data
            .get(64..72)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .ok_or_else(|| CliError(format!("{address} is not a token account")))
    }

    // ---- staking ----

    pub async fn stake(
        &mut self,
        pool_id: u64,
        amount: &str,
        tranches_ahead: u64,
        position: Option<u64>,
    ) -> Result<u64> {
        let pool_address = pool_pda(pool_id);
        let pool: Pool = self.load_zc(&pool_address, "pool").await?;
        let amount = self.amount(&pool.mint, amount).await?;
        let now = self.transport.clock().await?.unix_timestamp;
        let tranche_id = bulwark::math::tranche::tranche_at(now)
            .map_err(|e| CliError(e.to_string()))?
            .checked_add(tranches_ahead)
            .ok_or_else(|| CliError(format!("{tranches_ahead} tranches ahead is too far")))?;
        let me = self.me();
        let position_id = match position {
            Some(id) => id,
            None => {
                self.unused(|n| position_pda(&pool_address, &me, n), "position id")
                    .await?
            }
        };
        let from = self.require_tokens(&pool.mint, amount).await?;
        let keys = PoolKeys::new(pool_id, pool.mint, pool.token_program);
        let ix = deposit_stake(
            &me,
            &keys,
            &from,
            DepositStakeArgs {
                position_id,
                tranche_id,
                amount,
            },
        );
        self.send(&[ix], &[]).await?;
        let locked_until = tranche_end(tranche_id).map_err(|e| CliError(e.to_string()))?;
        let shown = self.show_amount(&pool.mint, amount).await?;
        say!(
            self,
            "staked {shown} in pool {pool_id}, tranche {tranche_id} (locked until {}), position {position_id} at {}",
            date(locked_until),
            position_pda(&pool_address, &me, position_id)
        );
        Ok(position_id)
    }

    /// The wallet's position `position_id` in pool `pool_id`, and the pool's keys.
    async fn position(
        &mut self,
        pool_id: u64,
        position_id: u64,
    ) -> Result<(StakePosition, PoolKeys)> {
        let pool_address = pool_pda(pool_id);
        let pool: Pool = self.load_zc(&pool_address, "pool").await?;
        let me = self.me();
        let position: StakePosition = self
            .load(
                &position_pda(&pool_address, &me, position_id),
                "stake position",
            )
            .await?;
        Ok((
            position,
            PoolKeys::new(pool_id, pool.mint, pool.token_program),
        ))
    }

    /// Lists the wallet's positions with their stake (after any losses) and the rewards they
    /// would be paid now, computed as the program computes them.
    pub async fn positions(&mut self) -> Result<()> {
        let me = self.me();
        let now = self.transport.clock().await?.unix_timestamp;
        let mut positions = self.all::<StakePosition>().await?;
        positions.retain(|(_, p)| p.owner == me);
        positions.sort_by_key(|(_, p)| (p.pool, p.position_id));
        if positions.is_empty() {
            say!(self, "no stake positions");
        }
        for (address, position) in positions {
            let pool: Pool = self.load_zc(&position.pool, "pool").await?;
            let archive_address = archive_pda(&position.pool, position.tranche_id);
            let archive: Option<TrancheArchive> =
                match self.transport.account(&archive_address).await? {
                    Some(_) => Some(self.load(&archive_address, "tranche archive").await?),
                    None => None,
                };
            let (stake, supply) = match (&archive, pool.slot(position.tranche_id)) {
                (Some(a), _) => (a.stake_at_end, a.shares_at_end),
                (None, Some(slot)) => (slot.stake, slot.shares.get()),
                (None, None) => (0, 0),
            };
            let value = assets_for_shares(position.shares, stake, supply)
                .map_err(|e| CliError(e.to_string()))?;
            let rewards = pending_rewards(&pool, &position, archive.as_ref(), now)
                .map_err(|e| CliError(e.to_string()))?;
            let end = tranche_end(position.tranche_id).map_err(|e| CliError(e.to_string()))?;
            let (decimals, _) = self.decimals(&pool.mint).await?;
            say!(
                self,
                "pool {} position {} at {address}: tranche {} ({} {}), stake {}, rewards {}",
                pool.id,
                position.position_id,
                position.tranche_id,
                if end <= now { "ended" } else { "locked until" },
                date(end),
                format_amount(value, decimals),
                format_amount(rewards, decimals)
            );
        }
        Ok(())
    }

    /// Pays the position's streamed rewards to the wallet.
    pub async fn rewards(&mut self, pool_id: u64, position_id: u64) -> Result<u64> {
        let (_, keys) = self.position(pool_id, position_id).await?;
        let me = self.me();
        let (to, create) = self.token_account(&me, &keys.mint).await?;
        let before = self.balance_or_zero(&to).await?;
        let ix = claim_rewards(&me, &keys, position_id, &to);
        self.send(&[create, ix], &[]).await?;
        let paid = self.token_balance(&to).await?.saturating_sub(before);
        let shown = self.show_amount(&keys.mint, paid).await?;
        say!(
            self,
            "claimed {shown} of rewards from position {position_id} of pool {pool_id}"
        );
        Ok(paid)
    }

    /// Withdraws a position whose tranche has ended (archiving the tranche first if nobody
    /// has): its stake after any losses, plus its rewards.
    pub async fn unstake(&mut self, pool_id: u64, position_id: u64) -> Result<u64> {
        let (position, keys) = self.position(pool_id, position_id).await?;
        let me = self.me();
        let (to, create) = self.token_account(&me, &keys.mint).await?;
        let archive = archive_pda(&keys.pool, position.tranche_id);
        let mut ixs = vec![create];
        let archive_rent_payer = match self.transport.account(&archive).await? {
            Some(_) => {
                let state: TrancheArchive = self.load(&archive, "tranche archive").await?;
                state.rent_payer
            }
            None => {
                ixs.push(archive_tranche(&me, &keys.pool, position.tranche_id));
                me
            }
        };
        ixs.push(withdraw_stake(
            &me,
            &keys,
            position_id,
            position.tranche_id,
            &archive_rent_payer,
            &to,
        ));
        let before = self.balance_or_zero(&to).await?;
        self.send(&ixs, &[]).await?;
        let received = self.token_balance(&to).await?.saturating_sub(before);
        let shown = self.show_amount(&keys.mint, received).await?;
        say!(
            self,
            "withdrew {shown} (stake and rewards) from position {position_id} of pool {pool_id}, tranche {}",
            position.tranche_id
        );
        Ok(received)
    }

    async fn balance_or_zero(&mut self, account: &Pubkey) -> Result<u64> {
        match self.transport.account(account).await? {
            Some(_) => self.token_balance(account).await,
            None => Ok(0),
        }
    }

    pub async fn assessor_stake(&mut self, amount: &str) -> Result<()> {
        let config = self.config().await?;
        let mint = config.assessment_mint;
        let amount = self.amount(&mint, amount).await?;
        let (_, token_program) = self.decimals(&mint).await?;
        let me = self.me();
        let from = self.require_tokens(&mint, amount).await?;
        let ix = stake_assessor(&me, &mint, &from, &token_program, amount);
        self.send(&[ix], &[]).await?;
        let shown = self.show_amount(&mint, amount).await?;
        say!(self, "staked {shown} as assessor {}", assessor_pda(&me));
        Ok(())
    }

    // ---- cover ----

    /// The cheapest route for the cover, over every pool (of `mint`, when given) that offers
    /// the product.
    async fn route(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
    ) -> Result<(Quote, Pubkey, u64, u32)> {
        let config = self.config().await?;
        let product: Product = self.load(&product_pda(product_id), "product").await?;
        let mut pools = self.all_zc::<Pool>().await?;
        if let Some(mint) = mint {
            pools.retain(|(_, p)| p.mint == mint);
        }
        let products = self.all_zc::<PoolProduct>().await?;
        let mut states = Vec::new();
        for (address, pool) in &pools {
            if let Some((_, pp)) = products
                .iter()
                .find(|(_, pp)| pp.pool == *address && pp.product_id == product_id)
            {
                states.push(PoolState {
                    address: *address,
                    pool: *pool,
                    pool_product: *pp,
                });
            }
        }
        let mints: std::collections::BTreeSet<Pubkey> =
            states.iter().map(|s| s.pool.mint).collect();
        let mut mints = mints.into_iter();
        let mint = match (mints.next(), mints.next()) {
            (None, _) => return Err(CliError(format!("no pool offers product {product_id}"))),
            (Some(mint), None) => mint,
            (Some(_), Some(_)) => {
                return Err(CliError(
                    "pools on several mints offer this product; choose one with --mint".into(),
                ))
            }
        };
        let amount = self.amount(&mint, amount).await?;
        let period = days
            .checked_mul(86_400)
            .ok_or_else(|| CliError("the period is too long".into()))?;
        // Leverage exists only as far as the pools' lines go: crank them first.
        self.crank_lines(&mint, &states).await?;
        for state in states.iter_mut() {
            state.pool = self.load_zc(&state.address, "pool").await?;
        }
        let now = self.transport.clock().await?.unix_timestamp;
        let quote = quote(&config, &product, &states, amount, period, 0, now)
            .map_err(|e| CliError(format!("cannot quote: {e}")))?;
        Ok((quote, mint, amount, period))
    }

    async fn print_quote(&mut self, quote: &Quote, mint: &Pubkey) -> Result<()> {
        for part in &quote.parts {
            let amount = self.show_amount(mint, part.amount).await?;
            let premium = self.show_amount(mint, part.premium).await?;
            say!(
                self,
                "  pool {}: {amount} at {}/yr, premium {premium}",
                part.pool,
                bps(part.price_bps)
            );
        }
        let premium = self.show_amount(mint, quote.premium).await?;
        say!(self, "premium {premium}");
        Ok(())
    }

    pub async fn quote(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
    ) -> Result<u64> {
        let (quote, mint, amount, _) = self.route(product_id, mint, amount, days).await?;
        let shown = self.show_amount(&mint, amount).await?;
        say!(
            self,
            "{shown} of cover on product {product_id} for {days} days:"
        );
        self.print_quote(&quote, &mint).await?;
        Ok(quote.premium)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn cover_buy(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
        max_premium: Option<&str>,
        owner: Option<Pubkey>,
        nonce: Option<u64>,
    ) -> Result<Pubkey> {
        let (quote, mint, amount, period) = self.route(product_id, mint, amount, days).await?;
        let max_premium = match max_premium {
            Some(text) => self.amount(&mint, text).await?,
            None => quote.cost(),
        };
        let me = self.me();
        let nonce = match nonce {
            Some(n) => n,
            None => self.unused(|n| cover_pda(&me, n), "cover nonce").await?,
        };
        let (_, token_program) = self.decimals(&mint).await?;
        let from = self.require_tokens(&mint, max_premium).await?;
        let ix = buy_cover(
            &me,
            &from,
            &mint,
            &token_program,
            &quote.pools(),
            None,
            BuyCoverArgs {
                cover_nonce: nonce,
                owner: owner.unwrap_or(me),
                product_id,
                amount,
                period,
                max_premium,
                allocations: quote.allocations(),
                commission_bps: 0,
            },
        );
        self.print_quote(&quote, &mint).await?;
        self.send(&[ix], &[]).await?;
        let cover = cover_pda(&me, nonce);
        say!(self, "cover {cover} bought");
        Ok(cover)
    }

    pub async fn cover_show(&mut self, address: &Pubkey) -> Result<()> {
        let cover: Cover = self.load(address, "cover").await?;
        let amount = self.show_amount(&cover.mint, cover.amount).await?;
        let remaining = self.show_amount(&cover.mint, cover.remaining).await?;
        let premium = self.show_amount(&cover.mint, cover.premium).await?;
        let end = cover.end().map_err(|e| CliError(e.to_string()))?;
        let claimable = cover
            .claimable_until()
            .map_err(|e| CliError(e.to_string()))?;
        say!(self, "cover {address} on product {}", cover.product_id);
        say!(
            self,
            "  owner {}  paid by {}",
            cover.owner,
            cover.rent_payer
        );
        say!(
            self,
            "  amount {amount}  remaining {remaining}  premium {premium}"
        );
        say!(
            self,
            "  from {} to {}; claims until {}",
            date(cover.start),
            date(end),
            date(claimable)
        );
        say!(
            self,
            "  claims filed {}{}",
            cover.claim_count,
            if cover.open_claim { " (one open)" } else { "" }
        );
        for allocation in cover.used_allocations().to_vec() {
            let part = self.show_amount(&cover.mint, allocation.amount).await?;
            say!(self, "  pool {}: {part}", allocation.pool);
        }
        Ok(())
    }

    async fn cover_keys(&mut self, cover_address: &Pubkey) -> Result<(Cover, CoverKeys)> {
        let cover: Cover = self.load(cover_address, "cover").await?;
        let (_, token_program) = self.decimals(&cover.mint).await?;
        let keys = CoverKeys {
            cover: *cover_address,
            product_id: cover.product_id,
            mint: cover.mint,
            token_program,
            pools: cover.used_allocations().iter().map(|a| a.pool).collect(),
        };
        Ok((cover, keys))
    }

    // ---- claims ----

    pub async fn claim_file(
        &mut self,
        cover_address: &Pubkey,
        amount: &str,
        evidence_uri: String,
        evidence_hash: [u8; 32],
    ) -> Result<Pubkey> {
        let (cover, keys) = self.cover_keys(cover_address).await?;
        let amount = self.amount(&cover.mint, amount).await?;
        let me = self.me();
        let (from, _) = self.token_account(&me, &cover.mint).await?;
        let ix = file_claim(
            &me,
            &keys,
            cover.claim_count,
            &from,
            FileClaimArgs {
                amount,
                evidence_hash,
                evidence_uri,
            },
        );
        self.send(&[ix], &[]).await?;
        let claim = claim_pda(cover_address, cover.claim_count);
        say!(self, "claim {claim} filed");
        Ok(claim)
    }

    pub async fn claim_show(&mut self, address: &Pubkey) -> Result<()> {
        let claim: Claim = self.load(address, "claim").await?;
        let now = self.transport.clock().await?.unix_timestamp;
        let redemption_end = claim
            .redemption_end()
            .map_err(|e| CliError(e.to_string()))?;
        // `redeem_payout` also stops at the cover's `backing_until`, after which its backing
        // stake may be withdrawn. A claimed cover is never closed (`CoverHasClaims`).
        let cover: Cover = self.load(&claim.cover, "cover").await?;
        let redeem_by = redemption_end.min(cover.backing_until);
        let status = claim_status(&claim, redeem_by, now)?;
        let mint = claim.mint;
        let requested = self.show_amount(&mint, claim.requested_amount).await?;
        let paid = self.show_amount(&mint, claim.paid_amount).await?;
        let staker_paid = self.show_amount(&mint, claim.staker_paid).await?;
        let capital_paid = self.show_amount(&mint, claim.capital_paid).await?;
        let owed = self.show_amount(&mint, claim.owed).await?;
        let deposit = self.show_amount(&mint, claim.deposit).await?;
        let accept = claim.accept_weight;
        let deny = claim.deny_weight;
        say!(
            self,
            "claim {address} #{} on cover {}",
            claim.index,
            claim.cover
        );
        say!(self, "  status: {status}");
        say!(
            self,
            "  claimant {}  requested {requested}  paid {paid}  deposit {deposit}",
            claim.claimant
        );
        if claim.paid {
            say!(
                self,
                "  paid by the backing stake {staker_paid}, by the capital pool {capital_paid}; \
                 owed {owed}"
            );
        }
        say!(
            self,
            "  votes: {} voter(s), accept {accept}, deny {deny}, quorum {}",
            claim.voters,
            claim.quorum
        );
        say!(self, "  evidence {}", claim.evidence_uri);
        Ok(())
    }

    pub async fn vote(&mut self, claim: &Pubkey, accept: bool) -> Result<()> {
        let ix = vote(&self.me(), claim, accept);
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "voted to {} claim {claim}",
            if accept { "accept" } else { "deny" }
        );
        Ok(())
    }

    /// Redeems an accepted claim, or — once redeemed — pays what the capital pool can of what
    /// it still owes on it.
    pub async fn redeem(&mut self, claim_address: &Pubkey) -> Result<()> {
        let claim: Claim = self.load(claim_address, "claim").await?;
        let (cover, keys) = self.cover_keys(&claim.cover).await?;
        let (owner_token, create_owner) = self.token_account(&cover.owner, &cover.mint).await?;
        if claim.paid {
            let ix = redeem_owed(&self.me(), &keys, claim_address, &owner_token);
            self.send(&[create_owner, ix], &[]).await?;
        } else {
            let (claimant_token, create_claimant) =
                self.token_account(&claim.claimant, &cover.mint).await?;
            let ix = redeem_payout(
                &self.me(),
                &keys,
                claim_address,
                &owner_token,
                &claimant_token,
            );
            self.send(&[create_owner, create_claimant, ix], &[]).await?;
        }
        let after: Claim = self.load(claim_address, "claim").await?;
        let mint = cover.mint;
        let paid = self
            .show_amount(&mint, after.paid_amount - claim.paid_amount)
            .await?;
        let staker = self.show_amount(&mint, after.staker_paid).await?;
        let capital = self.show_amount(&mint, after.capital_paid).await?;
        let owed = self.show_amount(&mint, after.owed).await?;
        say!(
            self,
            "paid {paid} to {} ({owner_token}); in all the backing stake paid {staker}, the \
             capital pool {capital}; owed {owed}",
            cover.owner
        );
        Ok(())
    }

    pub async fn crank_expire(&mut self, cover_address: &Pubkey) -> Result<()> {
        let (cover, keys) = self.cover_keys(cover_address).await?;
        let ix = expire_cover(
            cover_address,
            &cover.rent_payer,
            cover.product_id,
            &keys.pools,
        );
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "cover {cover_address} expired; capacity released, rent returned to {}",
            cover.rent_payer
        );
        Ok(())
    }

    // ---- tokens and time (for test mints and the embedded VM) ----

    pub async fn token_create_mint(&mut self, decimals: u8) -> Result<Pubkey> {
        let mint = Keypair::new();
        let space = spl_token_2022::state::Mint::LEN;
        let rent = solana_rent::Rent::default().minimum_balance(space);
        let me = self.me();
        let ixs = [
            solana_system_interface::instruction::create_account(
                &me,
                &mint.pubkey(),
                rent,
                space as u64,
                &anchor_spl::token::ID,
            ),
            spl_token_2022::instruction::initialize_mint2(
                &anchor_spl::token::ID,
                &mint.pubkey(),
                &me,
                None,
                decimals,
            )
            .map_err(|e| CliError(e.to_string()))?,
        ];
        self.send(&ixs, &[&mint]).await?;
        say!(
            self,
            "mint {} created ({decimals} decimals, authority {me})",
            mint.pubkey()
        );
        Ok(mint.pubkey())
    }

    pub async fn token_mint(&mut self, mint: &Pubkey, to: &Pubkey, amount: &str) -> Result<()> {
        let amount = self.amount(mint, amount).await?;
        let (_, token_program) = self.decimals(mint).await?;
        let (account, create) = self.token_account(to, mint).await?;
        let ix = spl_token_2022::instruction::mint_to(
            &token_program,
            mint,
            &account,
            &self.me(),
            &[],
            amount,
        )
        .map_err(|e| CliError(e.to_string()))?;
        self.send(&[create, ix], &[]).await?;
        let shown = self.show_amount(mint, amount).await?;
        say!(self, "minted {shown} to {to} ({account})");
        Ok(())
    }

    pub async fn warp(&mut self, days: u32) -> Result<()> {
        let clock = self.transport.warp(i64::from(days) * 86_400).await?;
        say!(
            self,
            "the embedded VM's clock reads {}",
            date(clock.unix_timestamp)
        );
        Ok(())
    }
}

mod capital;

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark::constants::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(date(-86_400), "1969-12-31 00:00");
        assert_eq!(date(1_709_164_800), "2024-02-29 00:00");
        assert_eq!(date(951_782_400 + 13 * 3_600 + 7 * 60), "2000-02-29 13:07");
        assert_eq!(date(1_767_571_200), "2026-01-05 00:00");
    }

    /// A claim filed at `START` with the default timing: voting 3 days (at most 4), cooldown
    /// 1 day, redemption 30 days.
    fn claim(accept: u64, deny: u64) -> Claim {
        let start = crate::demo::START;
        Claim {
            version: ACCOUNT_VERSION,
            bump: 255,
            overturned: false,
            paid: false,
            closed: false,
            index: 0,
            cover: Pubkey::new_unique(),
            claimant: Pubkey::new_unique(),
            product_id: 0,
            mint: Pubkey::new_unique(),
            requested_amount: 10,
            paid_amount: 0,
            staker_paid: 0,
            capital_paid: 0,
            owed: 0,
            debt_position: 0,
            evidence_hash: [0; 32],
            evidence_uri: String::new(),
            deposit: 1,
            deposit_pool: Pubkey::new_unique(),
            filed_at: start,
            voting_end: start + 3 * SECONDS_PER_DAY,
            latest_voting_end: start + 4 * SECONDS_PER_DAY,
            accept_weight: accept,
            deny_weight: deny,
            voters: 1,
            quorum: 1,
            cooldown: DEFAULT_COOLDOWN,
            redemption_window: DEFAULT_REDEMPTION_WINDOW,
            silent_ending: DEFAULT_SILENT_ENDING,
            assessor_reward: 0,
            reserved: [0; 64],
        }
    }

    #[test]
    fn claim_status_follows_the_claims_clock() {
        let start = crate::demo::START;
        let day = SECONDS_PER_DAY;
        let accepted = claim(5, 0);
        let redeem_by = accepted.redemption_end().unwrap();
        let status = |c: &Claim, at: i64| claim_status(c, redeem_by, at).unwrap();
        assert_eq!(
            status(&accepted, start),
            "voting until 2026-01-08 00:00 (accepted so far; a late vote that flips it extends \
             voting, at most to 2026-01-09 00:00)"
        );
        assert_eq!(
            status(&accepted, start + 3 * day),
            "accepted (cooldown until 2026-01-09 00:00)"
        );
        assert_eq!(
            status(&accepted, start + 4 * day),
            "accepted; redeem before 2026-02-08 00:00 for the backing stake to pay its part \
             (the capital pool alone pays after)"
        );
        // The redemption window is over: the capital pool alone pays it.
        assert_eq!(
            status(&accepted, start + 34 * day),
            "accepted; the backing stake was free from 2026-02-08 00:00: the capital pool pays \
             it (`bulwark redeem`)"
        );
        let owing = Claim {
            paid: true,
            owed: 4,
            paid_amount: 6,
            capital_paid: 6,
            ..claim(5, 0)
        };
        assert_eq!(
            status(&owing, start + 40 * day),
            "accepted; 4 owed by the capital pool, paid in its queue order as capital arrives \
             (`bulwark redeem`)"
        );
        let paid = Claim {
            paid: true,
            closed: true,
            paid_amount: 10,
            staker_paid: 10,
            ..claim(5, 0)
        };
        assert_eq!(status(&paid, start + 40 * day), "accepted and paid");
        let extended = Claim {
            voting_end: start + 4 * day,
            ..claim(1, 3)
        };
        assert_eq!(
            status(&extended, start),
            "voting until 2026-01-09 00:00 (denied so far)"
        );
        let denied = Claim {
            closed: true,
            ..claim(1, 3)
        };
        assert_eq!(
            status(&denied, start + 5 * day),
            "denied; deposit forfeited to the assessors"
        );
        assert_eq!(status(&claim(1, 3), start + 5 * day), "denied");
    }

    #[test]
    fn bps_read_as_percentages() {
        assert_eq!(bps(250), "2.50%");
        assert_eq!(bps(10_000), "100.00%");
        assert_eq!(bps(7), "0.07%");
    }
}
