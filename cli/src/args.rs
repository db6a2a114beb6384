//! The command-line grammar of `bulwark`.

use crate::errors::{CliError, Result};
use anchor_lang::prelude::Pubkey;
use bulwark::constants::MAX_ACTIVE_TRANCHES;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// Designated assessors of products whose claims a panel decides (governance).
    #[command(subcommand)]
    Panel(PanelCommand),
    /// Listed mints (governance): pools can only be created on a listed mint.
    #[command(subcommand)]
    Mint(MintCommand),
    /// Timelocked changes of parameters, the treasury and capital requirements (governance
    /// proposes and cancels; anyone executes once the delay has passed).
    #[command(subcommand)]
    Governance(GovernanceCommand),
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
        /// On a blind-vote claim: commit the choice (its salt is derived from the wallet, so
        /// `--reveal` finds it again; print it with the output and keep it if you reveal from
        /// elsewhere: a ballot never revealed counts for nothing).
        #[arg(long, conflicts_with = "reveal")]
        commit: bool,
        /// Reveal the wallet's committed ballot in the reveal window (the choice is read off
        /// the commitment).
        #[arg(long)]
        reveal: bool,
        /// The salt to reveal with, 64 hex characters [default: the wallet's].
        #[arg(long, requires = "reveal")]
        salt: Option<String>,
        /// Where the vote's reasoning can be read.
        #[arg(long, default_value = "", conflicts_with = "commit")]
        reason_uri: String,
        /// SHA-256 of the reasoning, 64 hex characters.
        #[arg(long, conflicts_with = "commit")]
        reason_hash: Option<String>,
    },
    /// Settle a ballot once its claim is final (anyone may): its share of the claim's reward,
    /// nothing, or the slash of a vote for an overturned outcome.
    Settle {
        #[arg(long)]
        claim: Pubkey,
        /// Whose ballot [default: the wallet's].
        #[arg(long)]
        voter: Option<Pubkey>,
    },
    /// Pay an accepted claim to the cover's owner (anyone may).
    Redeem {
        #[arg(long)]
        claim: Pubkey,
    },
    /// Permissionless maintenance.
    #[command(subcommand)]
    Crank(CrankCommand),
    /// The wallet's address, its SOL and its balance of the market's mints (the assessment
    /// mint, listed mints, pool mints), with its capital pool shares.
    Wallet,
    /// Test tokens: create a mint the wallet controls and mint from it.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Move the clock forward: the embedded VM's, or a local cluster's (`bulwark localnet`).
    Warp {
        #[arg(long)]
        days: u32,
    },
    /// Start a local cluster on 127.0.0.1 (JSON-RPC and websocket) with Bulwark deployed and
    /// the demo's market seeded: runs the `bulwark-localnet` binary, built from localnet/ (a
    /// workspace of its own, so surfpool's crates stay out of this command's build).
    #[command(disable_help_flag = true)]
    Localnet {
        /// Its arguments: `bulwark localnet --help` lists them.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum GovernanceCommand {
    /// Propose changes; they execute after the config's timelock delay.
    Propose {
        /// A parameter and its new value, by its field name (`capacity_ratio_bps=25000`);
        /// repeat for several.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// New owner of the treasury's token accounts.
        #[arg(long)]
        treasury: Option<Pubkey>,
        /// Mint whose capital pool's minimum capital requirement changes (with --min-capital
        /// and/or --mcr-bps).
        #[arg(long)]
        capital_mint: Option<Pubkey>,
        /// New floor of the minimum capital requirement, in tokens.
        #[arg(long, requires = "capital_mint")]
        min_capital: Option<String>,
        /// New share of the leverage lines the capital must cover, bps.
        #[arg(long, requires = "capital_mint")]
        mcr_bps: Option<u16>,
        /// Where the proposal's explanation can be read.
        #[arg(long, default_value = "")]
        description_uri: String,
        /// SHA-256 of that explanation, 64 hex characters.
        #[arg(long)]
        description_hash: Option<String>,
    },
    /// Execute a proposal whose delay has passed (anyone may).
    Execute {
        #[arg(long)]
        id: u64,
    },
    /// Cancel a proposal (governance).
    Cancel {
        #[arg(long)]
        id: u64,
    },
    /// Pending proposals: their changes and when they can execute.
    List,
}

#[derive(Subcommand, Debug)]
pub enum PanelCommand {
    /// Seat an assessor on a product's panel (governance).
    Add {
        #[arg(long)]
        product: u64,
        #[arg(long)]
        member: Pubkey,
    },
    /// Remove an assessor from a product's panel (governance).
    Remove {
        #[arg(long)]
        product: u64,
        #[arg(long)]
        member: Pubkey,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProductCommand {
    /// Create an assessed product (the wallet must be the governance authority).
    Create {
        #[arg(long, default_value_t = 35)]
        grace_days: u32,
        /// Hours after a purchase during which an incident is not covered (at most 14 days).
        #[arg(long, default_value_t = 0)]
        cooling_off_hours: u32,
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
        /// Claims are voted blind: assessors commit, then reveal after voting.
        #[arg(long)]
        blind_votes: bool,
        /// Claims are decided by the product's designated assessors (`panel add`), at least this
        /// many votes, one each [default: open stake-weighted voting].
        #[arg(long, default_value_t = 0)]
        panel_quorum: u16,
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
        /// When the loss happened, unix seconds: inside the cover's period and after the
        /// product's cooling-off [default: now, on the ledger's clock].
        #[arg(long)]
        incident_time: Option<i64>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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
