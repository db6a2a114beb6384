//! Example Bulwark integration: a savings vault whose every deposit is covered.
//!
//! Shows the CPI surface another protocol uses: `buy_cover` with the payer being either the
//! user (their signature passes through) or this program's PDA (signed with its seeds), the
//! owner always the user, and the new cover's address read from Bulwark's return data;
//! `file_claim` signed by the program's PDA for a cover the program owns itself.

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod state;

use anchor_lang::prelude::*;
use bulwark::instructions::FileClaimArgs;
use instructions::*;
use state::SponsorPolicy;

declare_id!("VtTRkzojH53qCbAdJ9yeYnfk1EPFNne9JBJoDbpTzpw");

#[program]
pub mod insured_vault {
    use super::*;

    /// Upgrade authority: creates a vault on a mint, covered on one Bulwark product, and
    /// becomes its admin.
    pub fn initialize_vault(
        ctx: Context<InitializeVault>,
        product_id: u64,
        sponsor_policy: SponsorPolicy,
    ) -> Result<()> {
        InitializeVault::initialize_vault(ctx, product_id, sponsor_policy)
    }

    /// Admin: replaces what the vault sponsors (premium cap, smallest deposit, pools).
    pub fn set_sponsor_policy(ctx: Context<SetSponsorPolicy>, policy: SponsorPolicy) -> Result<()> {
        SetSponsorPolicy::set_sponsor_policy(ctx, policy)
    }

    /// Deposits and buys cover for the deposit, owned by the depositor. Returns the cover.
    pub fn deposit<'info>(
        ctx: Context<'info, DepositInsured<'info>>,
        args: DepositArgs,
    ) -> Result<Pubkey> {
        DepositInsured::deposit(ctx, args)
    }

    /// Withdraws savings (after any sponsored cover on them ends); the depositor keeps their
    /// cover.
    pub fn withdraw(ctx: Context<Withdraw>, amount: u64) -> Result<()> {
        Withdraw::withdraw(ctx, amount)
    }

    /// Admin: buys cover owned by the vault itself. Returns the cover.
    pub fn insure_treasury<'info>(
        ctx: Context<'info, InsureTreasury<'info>>,
        args: InsureTreasuryArgs,
    ) -> Result<Pubkey> {
        InsureTreasury::insure_treasury(ctx, args)
    }

    /// Admin: files a claim on a cover the vault owns.
    pub fn file_treasury_claim(ctx: Context<FileTreasuryClaim>, args: FileClaimArgs) -> Result<()> {
        FileTreasuryClaim::file_treasury_claim(ctx, args)
    }
}
