use crate::error::BulwarkError;
use anchor_lang::prelude::*;

/// A vault's balance and the books' liabilities against it, read before an instruction's
/// transfers (a staking pool's vault against everything the pool owes, the capital vault
/// against its capital).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultSnapshot {
    pub balance: u64,
    pub liabilities: u64,
}

impl VaultSnapshot {
    /// Conservation, read after the transfers: the vault moved by exactly what the books moved
    /// (so a donation cannot hide a short transfer), and it still covers every liability.
    /// Tokens sent straight to a vault are an untracked surplus, never spent.
    pub fn conserved(&self, balance: u64, liabilities: u64) -> Result<()> {
        require!(
            u128::from(balance) + u128::from(self.liabilities)
                == u128::from(self.balance) + u128::from(liabilities),
            BulwarkError::VaultMovedOffBooks
        );
        require!(balance >= liabilities, BulwarkError::VaultBelowAccounting);
        Ok(())
    }
}
