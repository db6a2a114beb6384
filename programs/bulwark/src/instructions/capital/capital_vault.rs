//! The capital pool and its token accounts, as every instruction that moves its tokens needs
//! them.

use crate::constants::*;
use crate::error::BulwarkError;
use crate::state::{CapitalPool, VaultSnapshot};
use crate::token::{token_amount, transfer_from_capital, transfer_in};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// A capital pool with its mint, vault and token program, checked against each other.
#[derive(Accounts)]
pub struct CapitalVault<'info> {
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump = capital_pool.vault_bump,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> CapitalVault<'info> {
    /// Moves `amount` from a member's token account (signed by the member) into the vault.
    pub fn collect(
        &self,
        from: &InterfaceAccount<'info, TokenAccount>,
        authority: &Signer<'info>,
        amount: u64,
    ) -> Result<()> {
        transfer_in(
            &self.token_program,
            from,
            &self.mint,
            self.capital_vault.to_account_info(),
            authority,
            amount,
        )
    }

    /// Pays `amount` out of the vault, signed by the capital pool PDA.
    pub fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        transfer_from_capital(
            &self.token_program,
            &self.capital_pool,
            &self.capital_vault,
            &self.mint,
            to,
            amount,
        )
    }

    /// The vault and the capital before the instruction changes either.
    pub fn snapshot(&self) -> Result<VaultSnapshot> {
        capital_snapshot(&self.capital_pool, &self.capital_vault)
    }

    /// [`capital_settle`] after the transfers.
    pub fn settle(&self, before: &VaultSnapshot) -> Result<()> {
        capital_settle(&self.capital_pool, &self.capital_vault, before)
    }
}

/// A capital vault's balance and the capital it holds, before an instruction's transfers.
pub fn capital_snapshot(
    capital_pool: &CapitalPool,
    vault: &InterfaceAccount<TokenAccount>,
) -> Result<VaultSnapshot> {
    Ok(VaultSnapshot {
        balance: token_amount(&vault.to_account_info())?,
        liabilities: capital_pool.capital,
    })
}

/// Conservation after the transfers ([`VaultSnapshot::conserved`], the balance re-read),
/// then the capital pool's invariant.
pub fn capital_settle(
    capital_pool: &CapitalPool,
    vault: &InterfaceAccount<TokenAccount>,
    before: &VaultSnapshot,
) -> Result<()> {
    before.conserved(
        token_amount(&vault.to_account_info())?,
        capital_pool.capital,
    )?;
    capital_pool.invariant()
}
