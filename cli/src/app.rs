//! Command-line grammar of `bulwark` and the dispatch of the cluster subcommands.

use crate::commands::Session;
use crate::errors::{CliError, Result};
use crate::transport::Transport;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::MAX_ACTIVE_TRANCHES;
use bulwark::instructions::{CreatePoolArgs, SetPoolProductArgs};
use bulwark::state::ProductTerms;
use clap::{Args, Parser, Subcommand};
use solana_keypair::{read_keypair_file, write_keypair_file, Keypair};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "bulwark",
    version,
    about = "Bulwark cover mutual: the protocol on an embedded Solana VM by default, on any \
             cluster with --url"
)]
pub struct Cli {
    #[command(flatten)]
    pub target: Target,
    #[command(subcommand)]
    pub command: Command,
}

/// Where commands run and who signs (the Solana CLI's conventions).
#[derive(Args, Debug, Clone)]
pub struct Target {
    /// JSON-RPC URL or moniker (localhost, devnet, testnet, mainnet-beta). Without it,
    /// commands run on the embedded VM, resumed from --ledger.
    #[arg(long, short = 'u', global = true)]
    pub url: Option<String>,
    /// Keypair file of the signing wallet [default: ~/.config/solana/id.json with --url; on the
    /// embedded VM, a wallet created next to the ledger]
    #[arg(long, short = 'k', global = true)]
    pub keypair: Option<PathBuf>,
    /// Ledger file of the embedded VM (its accounts and clock between invocations).
    #[arg(long, global = true, default_value = ".bulwark/ledger.json")]
    pub ledger: PathBuf,
    /// Run the natively compiled program on the embedded VM even when the SBF .so exists.
    #[arg(long, global = true)]
    pub native: bool,
}

impl Target {
    /// Refuses `--url` and `--keypair` for `command`, which runs on a fresh embedded VM of its
    /// own: silently ignoring them would let a user believe it ran on their cluster.
    pub fn embedded_only(&self, command: &str) -> Result<()> {
        let given: Vec<&str> = [
            ("--url", self.url.is_some()),
            ("--keypair", self.keypair.is_some()),
        ]
        .into_iter()
        .filter_map(|(option, set)| set.then_some(option))
        .collect();
        if given.is_empty() {
            return Ok(());
        }
        Err(CliError(format!(
            "`{command}` runs on a fresh embedded VM of its own; {} cannot apply to it",
            given.join(" and ")
        )))
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole protocol story on a fresh embedded VM.
    Demo {
        /// Print the steps and the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replay a scenario file (actors, stakes, purchases, incidents, votes, time) on a fresh
    /// embedded VM.
    Simulate {
        scenario: PathBuf,
        /// Print the steps and the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Initialize the protocol config (signed by the program's upgrade authority).
    Init {
        /// Mint assessors stake.
        #[arg(long)]
        assessment_mint: Pubkey,
        /// Owner of the treasury token accounts [default: the wallet].
        #[arg(long)]
        treasury: Option<Pubkey>,
        /// Governance authority, e.g. a multisig [default: the wallet].
        #[arg(long)]
        authority: Option<Pubkey>,
    },
    /// Products (governance).
    #[command(subcommand)]
    Product(ProductCommand),
    /// Listed mints (governance): pools can only be created on a listed mint.
    #[command(subcommand)]
    Mint(MintCommand),
    /// Staking pools.
    #[command(subcommand)]
    Pool(PoolCommand),
    /// The mint's capital pool: the members' fund behind leverage, payer of what stake does
    /// not pay.
    #[command(subcommand)]
    Capital(CapitalCommand),
    /// Deposit stake into a pool's tranche.
    Stake {
        #[arg(long)]
        pool: u64,
        /// Amount in tokens (e.g. 1000.5).
        #[arg(long)]
        amount: String,
        /// Tranche to join, counted from the current one (0–7); later tranches back longer
        /// cover and lock longer.
        #[arg(
            long,
            default_value_t = 7,
            value_parser = clap::value_parser!(u64).range(..=MAX_ACTIVE_TRANCHES as u64 - 1)
        )]
        tranches_ahead: u64,
        /// Position id [default: the first unused].
        #[arg(long)]
        position: Option<u64>,
    },
    /// The wallet's stake positions: tranche, stake after any losses, rewards earned so far.
    Positions,
    /// Claim a position's streamed premium.
    Rewards {
        #[arg(long)]
        pool: u64,
        #[arg(long)]
        position: u64,
    },
    /// Withdraw a position whose tranche has ended: its stake after losses, plus rewards.
    Unstake {
        #[arg(long)]
        pool: u64,
        #[arg(long)]
        position: u64,
    },
    /// Price cover over the cheapest pools without buying it.
    Quote(CoverTerms),
    /// Cover positions.
    #[command(subcommand)]
    Cover(CoverCommand),
    /// Claims.
    #[command(subcommand)]
    Claim(ClaimCommand),
    /// Assessor stake.
    #[command(subcommand)]
    Assessor(AssessorCommand),
    /// Vote on a claim as an assessor.
    Vote {
        #[arg(long)]
        claim: Pubkey,
        /// Vote to accept (default) or, with --deny, to deny.
        #[arg(long, conflicts_with = "deny")]
        accept: bool,
        #[arg(long)]
        deny: bool,
    },
    /// Pay an accepted claim to the cover's owner (anyone may).
    Redeem {
        #[arg(long)]
        claim: Pubkey,
    },
    /// Permissionless maintenance.
    #[command(subcommand)]
    Crank(CrankCommand),
    /// Test tokens: create a mint the wallet controls and mint from it.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Move the embedded VM's clock forward.
    Warp {
        #[arg(long)]
        days: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProductCommand {
    /// Create an assessed product (the wallet must be the governance authority).
    Create {
        #[arg(long, default_value_t = 35)]
        grace_days: u32,
        /// Minimum yearly price, bps.
        #[arg(long, default_value_t = 100)]
        min_price_bps: u16,
        /// Yearly price a pool's new listing starts from and decays to its target, bps
        /// [default: the minimum price].
        #[arg(long)]
        initial_price_bps: Option<u16>,
        #[arg(long, default_value_t = 365)]
        max_period_days: u32,
        /// Premiums never rise with demand.
        #[arg(long)]
        fixed_price: bool,
        /// Where the cover wording is published.
        #[arg(long)]
        wording_uri: String,
        /// SHA-256 of the wording, 64 hex characters [default: zeros].
        #[arg(long)]
        wording_hash: Option<String>,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum MintCommand {
    /// List a mint, or change its parameters (the wallet must be the governance authority).
    Set {
        #[arg(long)]
        mint: Pubkey,
        /// Smallest claim deposit on covers of this mint, in tokens (e.g. 1.5).
        #[arg(long)]
        claim_min_deposit: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CapitalCommand {
    /// Deposit tokens for membership shares.
    Deposit {
        #[arg(long)]
        mint: Pubkey,
        /// Amount in tokens (e.g. 1000.5).
        #[arg(long)]
        amount: String,
    },
    /// With --amount, ask to leave with shares worth that much (paid after the exit delay at
    /// the lower of the two prices); without, execute the wallet's exits that are ready.
    Withdraw {
        #[arg(long)]
        mint: Pubkey,
        #[arg(long)]
        amount: Option<String>,
    },
    /// The capital pool's books and the wallet's shares.
    Show {
        #[arg(long)]
        mint: Pubkey,
    },
}

#[derive(Subcommand, Debug)]
pub enum PoolCommand {
    /// Open a pool on a mint; the wallet is its manager.
    Create {
        #[arg(long)]
        mint: Pubkey,
        #[arg(long, default_value_t = 1_000)]
        fee_bps: u16,
        /// Ceiling of the manager fee for the pool's whole life.
        #[arg(long, default_value_t = 2_000)]
        max_fee_bps: u16,
        /// Only the manager may stake.
        #[arg(long)]
        private: bool,
    },
    /// Offer a product from the pool (manager).
    SetProduct {
        pool: u64,
        #[arg(long)]
        product: u64,
        /// Share of the pool's capacity, 0–100.
        #[arg(long)]
        weight: u16,
        /// Target yearly price, bps.
        #[arg(long)]
        price_bps: u16,
    },
    Show {
        pool: u64,
    },
    List,
}

#[derive(Args, Debug)]
pub struct CoverTerms {
    #[arg(long)]
    pub product: u64,
    /// Cover amount in tokens.
    #[arg(long)]
    pub amount: String,
    #[arg(long)]
    pub days: u32,
    /// Only pools on this mint [default: the one mint offering the product].
    #[arg(long)]
    pub mint: Option<Pubkey>,
}

#[derive(Subcommand, Debug)]
pub enum CoverCommand {
    Buy {
        #[command(flatten)]
        terms: CoverTerms,
        /// Most premium to pay, in tokens [default: the quoted premium].
        #[arg(long)]
        max_premium: Option<String>,
        /// Who holds the cover [default: the wallet].
        #[arg(long)]
        owner: Option<Pubkey>,
        /// Cover PDA nonce [default: the first unused].
        #[arg(long)]
        nonce: Option<u64>,
    },
    Show {
        cover: Pubkey,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClaimCommand {
    File {
        #[arg(long)]
        cover: Pubkey,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        evidence_uri: String,
        /// SHA-256 of the evidence, 64 hex characters [default: zeros].
        #[arg(long)]
        evidence_hash: Option<String>,
    },
    Show {
        claim: Pubkey,
    },
}

#[derive(Subcommand, Debug)]
pub enum AssessorCommand {
    Stake {
        #[arg(long)]
        amount: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CrankCommand {
    /// Release an ended cover's capacity and return its rent.
    Expire {
        #[arg(long)]
        cover: Pubkey,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    CreateMint {
        #[arg(long, default_value_t = 6)]
        decimals: u8,
    },
    Mint {
        #[arg(long)]
        mint: Pubkey,
        #[arg(long)]
        to: Pubkey,
        #[arg(long)]
        amount: String,
    },
}

fn hash(text: Option<&str>) -> Result<[u8; 32]> {
    let Some(text) = text else {
        return Ok([0; 32]);
    };
    let bad = || CliError(format!("`{text}` is not 64 hex characters"));
    if text.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2).ok_or_else(bad)?, 16)
            .map_err(|_| bad())?;
    }
    Ok(out)
}

/// The signing wallet: `--keypair`, else the Solana CLI's default for a cluster, else (on the
/// embedded VM) a wallet kept next to the ledger, created on first use.
pub fn wallet(target: &Target) -> Result<Keypair> {
    let path = match (&target.keypair, &target.url) {
        (Some(path), _) => path.clone(),
        (None, Some(_)) => {
            let home = std::env::var_os("HOME").ok_or("HOME is not set; pass --keypair")?;
            Path::new(&home).join(".config/solana/id.json")
        }
        (None, None) => {
            let path = target
                .ledger
                .parent()
                .unwrap_or(Path::new("."))
                .join("wallet.json");
            if !path.exists() {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
                }
                write_keypair_file(&Keypair::new(), &path)
                    .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
            }
            path
        }
    };
    read_keypair_file(&path)
        .map_err(|e| CliError(format!("cannot read keypair {}: {e}", path.display())))
}

/// Runs one cluster subcommand against `target` and returns what it printed. The embedded VM's
/// ledger is saved after the command, whether it succeeded or not.
pub async fn execute(target: &Target, command: Command, sbf: bool) -> Result<String> {
    let wallet = wallet(target)?;
    let mut transport = match &target.url {
        Some(url) => Transport::rpc(url),
        None => Transport::embedded(target.ledger.clone(), &wallet, sbf).await?,
    };
    let mut session = Session::new(&mut transport, &wallet);
    let result = dispatch(&mut session, command).await;
    let out = std::mem::take(&mut session.out);
    transport.save().await?;
    result.map(|()| out)
}

async fn dispatch(s: &mut Session<'_>, command: Command) -> Result<()> {
    match command {
        Command::Demo { .. } | Command::Simulate { .. } => {
            return Err("demo and simulate run on their own VM".into())
        }
        Command::Init {
            assessment_mint,
            treasury,
            authority,
        } => s.init(assessment_mint, treasury, authority).await?,
        Command::Product(ProductCommand::Create {
            grace_days,
            min_price_bps,
            initial_price_bps,
            max_period_days,
            fixed_price,
            wording_uri,
            wording_hash,
        }) => {
            let day = 86_400u32;
            let days = |n: u32| n.checked_mul(day).ok_or(CliError("too many days".into()));
            s.product_create(ProductTerms {
                grace_period: days(grace_days)?,
                min_price_bps,
                initial_price_bps: initial_price_bps.unwrap_or(min_price_bps),
                max_cover_period: days(max_period_days)?,
                fixed_price,
                deprecated: false,
                wording_hash: hash(wording_hash.as_deref())?,
                wording_uri,
            })
            .await?;
        }
        Command::Product(ProductCommand::List) => s.product_list().await?,
        Command::Mint(MintCommand::Set {
            mint,
            claim_min_deposit,
        }) => s.mint_set(mint, &claim_min_deposit).await?,
        Command::Capital(CapitalCommand::Deposit { mint, amount }) => {
            s.capital_deposit(mint, &amount).await?
        }
        Command::Capital(CapitalCommand::Withdraw { mint, amount }) => {
            s.capital_withdraw(mint, amount.as_deref()).await?
        }
        Command::Capital(CapitalCommand::Show { mint }) => s.capital_show(mint).await?,
        Command::Pool(PoolCommand::Create {
            mint,
            fee_bps,
            max_fee_bps,
            private,
        }) => {
            s.pool_create(
                mint,
                CreatePoolArgs {
                    manager_fee_bps: fee_bps,
                    max_manager_fee_bps: max_fee_bps,
                    private,
                },
            )
            .await?;
        }
        Command::Pool(PoolCommand::SetProduct {
            pool,
            product,
            weight,
            price_bps,
        }) => {
            s.pool_set_product(
                pool,
                SetPoolProductArgs {
                    product_id: product,
                    target_weight: weight,
                    target_price_bps: price_bps,
                },
            )
            .await?
        }
        Command::Pool(PoolCommand::Show { pool }) => s.pool_show(pool).await?,
        Command::Pool(PoolCommand::List) => s.pool_list().await?,
        Command::Stake {
            pool,
            amount,
            tranches_ahead,
            position,
        } => {
            s.stake(pool, &amount, tranches_ahead, position).await?;
        }
        Command::Positions => s.positions().await?,
        Command::Rewards { pool, position } => {
            s.rewards(pool, position).await?;
        }
        Command::Unstake { pool, position } => {
            s.unstake(pool, position).await?;
        }
        Command::Quote(terms) => {
            s.quote(terms.product, terms.mint, &terms.amount, terms.days)
                .await?;
        }
        Command::Cover(CoverCommand::Buy {
            terms,
            max_premium,
            owner,
            nonce,
        }) => {
            s.cover_buy(
                terms.product,
                terms.mint,
                &terms.amount,
                terms.days,
                max_premium.as_deref(),
                owner,
                nonce,
            )
            .await?;
        }
        Command::Cover(CoverCommand::Show { cover }) => s.cover_show(&cover).await?,
        Command::Claim(ClaimCommand::File {
            cover,
            amount,
            evidence_uri,
            evidence_hash,
        }) => {
            let evidence_hash = hash(evidence_hash.as_deref())?;
            s.claim_file(&cover, &amount, evidence_uri, evidence_hash)
                .await?;
        }
        Command::Claim(ClaimCommand::Show { claim }) => s.claim_show(&claim).await?,
        Command::Assessor(AssessorCommand::Stake { amount }) => s.assessor_stake(&amount).await?,
        Command::Vote { claim, deny, .. } => s.vote(&claim, !deny).await?,
        Command::Redeem { claim } => s.redeem(&claim).await?,
        Command::Crank(CrankCommand::Expire { cover }) => s.crank_expire(&cover).await?,
        Command::Token(TokenCommand::CreateMint { decimals }) => {
            s.token_create_mint(decimals).await?;
        }
        Command::Token(TokenCommand::Mint { mint, to, amount }) => {
            s.token_mint(&mint, &to, &amount).await?
        }
        Command::Warp { days } => s.warp(days).await?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(args: &[&str]) -> Target {
        Cli::try_parse_from(args).expect("valid arguments").target
    }

    #[test]
    fn demo_and_simulate_refuse_cluster_options() {
        assert_eq!(target(&["bulwark", "demo"]).embedded_only("demo"), Ok(()));
        assert_eq!(
            target(&["bulwark", "--url", "devnet", "demo"]).embedded_only("demo"),
            Err(CliError(
                "`demo` runs on a fresh embedded VM of its own; --url cannot apply to it".into()
            ))
        );
        assert_eq!(
            target(&["bulwark", "simulate", "s.toml", "-u", "l", "-k", "id.json"])
                .embedded_only("simulate"),
            Err(CliError(
                "`simulate` runs on a fresh embedded VM of its own; --url and --keypair cannot \
                 apply to it"
                    .into()
            ))
        );
    }
}
