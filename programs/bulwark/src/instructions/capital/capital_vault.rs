//! The capital pool and its token accounts, as every instruction that moves its tokens has
//! them.

use crate::state::{CapitalPool, VaultSnapshot};
use crate::token::{token_amount, transfer_from_capital, transfer_in};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Transfers and post-checks of an instruction holding a capital pool with its mint, vault and
/// token program as fields of its own accounts (`capital_pool`, `mint`, `capital_vault`,
/// `token_program`), so the IDL derives the pool and vault from the mint. [`capital_tokens!`]
/// implements it.
pub trait CapitalTokens<'info> {
    fn capital_pool(&self) -> &Account<'info, CapitalPool>;
    fn mint(&self) -> &InterfaceAccount<'info, Mint>;
    fn capital_vault(&self) -> &InterfaceAccount<'info, TokenAccount>;
    fn token_program(&self) -> &Interface<'info, TokenInterface>;

    /// Moves `amount` from a member's token account (signed by the member) into the vault.
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
            self.capital_vault().to_account_info(),
            authority,
            amount,
        )
    }

    /// Pays `amount` out of the vault, signed by the capital pool PDA.
    fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        transfer_from_capital(
            self.token_program(),
            self.capital_pool(),
            self.capital_vault(),
            self.mint(),
            to,
            amount,
        )
    }

    /// The vault and the capital before the instruction changes either.
    fn snapshot(&self) -> Result<VaultSnapshot> {
        capital_snapshot(self.capital_pool(), self.capital_vault())
    }

    /// [`capital_settle`] after the transfers.
    fn settle(&self, before: &VaultSnapshot) -> Result<()> {
        capital_settle(self.capital_pool(), self.capital_vault(), before)
    }
}

/// Implements [`CapitalTokens`] for an accounts struct with the fields `capital_pool`, `mint`,
/// `capital_vault` and `token_program`.
macro_rules! capital_tokens {
    ($accounts:ident) => {
        impl<'info> $crate::instructions::capital::capital_vault::CapitalTokens<'info>
            for $accounts<'info>
        {
            fn capital_pool(&self) -> &Account<'info, $crate::state::CapitalPool> {
                &self.capital_pool
            }
            fn mint(&self) -> &InterfaceAccount<'info, anchor_spl::token_interface::Mint> {
                &self.mint
            }
            fn capital_vault(
                &self,
            ) -> &InterfaceAccount<'info, anchor_spl::token_interface::TokenAccount> {
                &self.capital_vault
            }
            fn token_program(
                &self,
            ) -> &Interface<'info, anchor_spl::token_interface::TokenInterface> {
                &self.token_program
            }
        }
    };
}
pub(crate) use capital_tokens;

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
