//! The capital pool and its token accounts, as every instruction that moves its tokens needs
//! them.

use crate::constants::*;
use crate::error::BulwarkError;
use crate::state::{CapitalPool, VaultSnapshot};
use crate::token::{token_amount, transfer, transfer_in};
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
        let mint = self.mint.key();
        let bump = [self.capital_pool.bump];
        let seeds: [&[u8]; 3] = [CAPITAL_POOL_SEED, mint.as_ref(), &bump];
        transfer(
            &self.token_program,
            self.capital_vault.to_account_info(),
            &self.mint,
            to,
            self.capital_pool.to_account_info(),
            Some(&seeds),
            amount,
        )
    }

    /// The vault and the capital before the instruction changes either.
    pub fn snapshot(&self) -> Result<VaultSnapshot> {
        Ok(VaultSnapshot {
            balance: token_amount(&self.capital_vault.to_account_info())?,
            liabilities: self.capital_pool.capital,
        })
    }

    /// Conservation after the transfers ([`VaultSnapshot::conserved`]), then the pool's
    /// invariant.
    pub fn settle(&self, before: &VaultSnapshot) -> Result<()> {
        before.conserved(
            token_amount(&self.capital_vault.to_account_info())?,
            self.capital_pool.capital,
        )?;
        self.capital_pool.invariant()
    }
}
