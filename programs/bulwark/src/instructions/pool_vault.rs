//! The pool and its token accounts, as every instruction that moves a pool's tokens has them.
//!
//! They are fields of the instruction's own accounts (`pool`, `mint`, `vault`,
//! `token_program`), not a nested accounts struct, so the IDL can derive the accounts seeded
//! from the pool (a stake position, a tranche archive) and resolve the mint, vault and token
//! program from the pool's `has_one` relations. [`pool_tokens!`] gives such a struct the
//! [`PoolTokens`] helpers.

use crate::state::{Pool, VaultSnapshot};
use crate::token::{transfer_from_pool, transfer_in};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Transfers and post-checks of an instruction holding a pool with its mint, vault and token
/// program, checked against each other by the pool's `has_one` constraints.
pub trait PoolTokens<'info> {
    fn pool(&self) -> &AccountLoader<'info, Pool>;
    fn mint(&self) -> &InterfaceAccount<'info, Mint>;
    fn vault(&self) -> &InterfaceAccount<'info, TokenAccount>;
    fn vault_mut(&mut self) -> &mut InterfaceAccount<'info, TokenAccount>;
    fn token_program(&self) -> &Interface<'info, TokenInterface>;

    /// Moves `amount` from a user's token account (signed by the user) into the vault.
    fn collect(
        &self,
        from: &InterfaceAccount<'info, TokenAccount>,
        authority: &Signer<'info>,
        amount: u64,
    ) -> Result<()> {
        transfer_in(
            self.token_program(),
            from,
            self.mint(),
            self.vault().to_account_info(),
            authority,
            amount,
        )
    }

    /// Pays `amount` out of the vault, signed by the pool PDA. The pool must not be borrowed
    /// while this runs: the CPI re-borrows it.
    fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        transfer_from_pool(
            self.token_program(),
            self.pool(),
            self.vault(),
            self.mint(),
            to,
            amount,
        )
    }

    /// The vault and the books before the instruction changes either.
    fn snapshot(&self) -> Result<VaultSnapshot> {
        self.pool().load()?.snapshot(self.vault().amount)
    }

    /// Post-checks after the instruction's transfers: re-reads the vault, then the pool's
    /// structural invariant and conservation (the vault moved as the books did since `before`).
    fn settle(&mut self, before: &VaultSnapshot) -> Result<()> {
        self.vault_mut().reload()?;
        let pool = self.pool().load()?;
        pool.invariant()?;
        pool.check_vault(before, self.vault().amount)
    }
}

/// Implements [`PoolTokens`] for an accounts struct with the fields `pool`, `mint`, `vault`
/// and `token_program`.
macro_rules! pool_tokens {
    ($accounts:ident) => {
        impl<'info> $crate::instructions::pool_vault::PoolTokens<'info> for $accounts<'info> {
            fn pool(&self) -> &AccountLoader<'info, $crate::state::Pool> {
                &self.pool
            }
            fn mint(&self) -> &InterfaceAccount<'info, anchor_spl::token_interface::Mint> {
                &self.mint
            }
            fn vault(&self) -> &InterfaceAccount<'info, anchor_spl::token_interface::TokenAccount> {
                &self.vault
            }
            fn vault_mut(
                &mut self,
            ) -> &mut InterfaceAccount<'info, anchor_spl::token_interface::TokenAccount> {
                &mut self.vault
            }
            fn token_program(
                &self,
            ) -> &Interface<'info, anchor_spl::token_interface::TokenInterface> {
                &self.token_program
            }
        }
    };
}
pub(crate) use pool_tokens;
