//! The pool and its token accounts, as every instruction that moves a pool's tokens needs them.

use crate::constants::*;
use crate::error::BulwarkError;
use crate::state::{Pool, VaultSnapshot};
use crate::token::{transfer_from_pool, transfer_in};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// A pool with its mint, vault and token program, checked against each other.
#[derive(Accounts)]
pub struct PoolVault<'info> {
    #[account(
        mut,
        seeds = [POOL_SEED, &pool.load()?.id.to_le_bytes()],
        bump = pool.load()?.bump,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> PoolVault<'info> {
    /// Moves `amount` from a user's token account (signed by the user) into the vault.
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
            self.vault.to_account_info(),
            authority,
            amount,
        )
    }

    /// Pays `amount` out of the vault, signed by the pool PDA. The pool must not be borrowed
    /// while this runs: the CPI re-borrows it.
    pub fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        transfer_from_pool(
            &self.token_program,
            &self.pool,
            &self.vault,
            &self.mint,
            to,
            amount,
        )
    }

    /// The vault and the books before the instruction changes either.
    pub fn snapshot(&self) -> Result<VaultSnapshot> {
        self.pool.load()?.snapshot(self.vault.amount)
    }

    /// Post-checks after the instruction's transfers: re-reads the vault, then the pool's
    /// structural invariant and conservation (the vault moved as the books did since `before`).
    pub fn settle(&mut self, before: &VaultSnapshot) -> Result<()> {
        self.vault.reload()?;
        let pool = self.pool.load()?;
        pool.invariant()?;
        pool.check_vault(before, self.vault.amount)
    }
}
