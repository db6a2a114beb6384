use crate::constants::*;
use crate::error::BulwarkError;
use crate::math::shares::{assets_for_shares, shares_for_deposit};
use crate::math::{add, sub};
use anchor_lang::prelude::*;

/// The mutual's capital on one mint (Nexus Mutual's capital pool): members deposit the mint
/// and hold fungible membership shares (a Token-2022 mint with metadata,
/// `["capital_shares", mint]`, whose mint authority is this account). It is the collateral
/// behind leverage and the payer of last resort of every accepted claim on the mint.
///
/// The share price is `(capital − owed) ÷ shares`, from these books (never the vault balance),
/// with a virtual share and unit of capital against a first depositor setting the price;
/// conversions round down, against the member.
#[account]
#[derive(InitSpace, Debug)]
pub struct CapitalPool {
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    pub share_mint_bump: u8,
    pub mint: Pubkey,
    /// Token account of `mint` owned by this account: `["capital_vault", mint]`.
    pub vault: Pubkey,
    pub share_mint: Pubkey,
    /// SPL Token or Token-2022: the owner of `mint` (the share mint is always Token-2022).
    pub token_program: Pubkey,
    /// Tokens the pool's books hold for its members (the vault holds at least this).
    pub capital: u64,
    /// Accepted claims on the mint not yet paid: a debt of the capital, ahead of members.
    pub owed: u64,
    /// Shares outstanding, those of pending exits included (they are burnt at the request but
    /// still share in the capital until the exit executes).
    pub shares: u64,
    /// Shares of exits requested and not yet executed.
    pub exiting_shares: u64,
    /// Minimum capital requirement's floor: an exit may not take capital below it.
    pub min_capital: u64,
    pub reserved: [u8; 128],
}

impl CapitalPool {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// What the members own: capital less what is owed to claimants.
    pub fn net_capital(&self) -> u64 {
        self.capital.saturating_sub(self.owed)
    }

    /// Shares minted for a deposit of `amount` at the current price, rounded down.
    pub fn shares_for(&self, amount: u64) -> Result<u64> {
        let shares = shares_for_deposit(amount, self.net_capital(), u128::from(self.shares))?;
        u64::try_from(shares).map_err(|_| error!(BulwarkError::MathOverflow))
    }

    /// What `shares` are worth at the current price, rounded down.
    pub fn value_of(&self, shares: u64) -> Result<u64> {
        assets_for_shares(
            u128::from(shares),
            self.net_capital(),
            u128::from(self.shares),
        )
    }

    /// The least capital the pool must keep: its floor (the leveraged exposure it backs
    /// joins it with the leverage lines).
    pub fn minimum_capital(&self) -> u64 {
        self.min_capital
    }

    /// Books a deposit of `amount` for `shares`.
    pub fn book_deposit(&mut self, amount: u64, shares: u64) -> Result<()> {
        self.capital = add(self.capital, amount)?;
        self.shares = add(self.shares, shares)?;
        Ok(())
    }

    /// Books an exit of `shares` paid `value`, refusing one that would take the capital below
    /// the minimum requirement.
    pub fn book_exit(&mut self, shares: u64, value: u64) -> Result<()> {
        let left = self
            .capital
            .checked_sub(value)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        require!(
            left >= self.minimum_capital(),
            BulwarkError::BelowMinimumCapital
        );
        self.capital = left;
        self.shares = sub(self.shares, shares)?;
        self.exiting_shares = sub(self.exiting_shares, shares)?;
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION && self.exiting_shares <= self.shares,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }
}

/// A member's request to leave: its shares were burnt at the request; it is paid, once
/// `ready_at` has come, the lower of their value then and at the request — so a member who
/// sees a loss coming cannot leave ahead of it, nor one who sees a premium sweep coming buy in
/// and out around it. `["capital_exit", capital_pool, member, exit_id]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct CapitalExit {
    pub version: u8,
    pub bump: u8,
    pub capital_pool: Pubkey,
    pub member: Pubkey,
    pub exit_id: u64,
    pub shares: u64,
    /// The shares' value at the request's price.
    pub value_at_request: u64,
    pub requested_at: i64,
    pub ready_at: i64,
    pub reserved: [u8; 32],
}

impl CapitalExit {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(capital: u64, owed: u64, shares: u64) -> CapitalPool {
        CapitalPool {
            version: ACCOUNT_VERSION,
            bump: 0,
            vault_bump: 0,
            share_mint_bump: 0,
            mint: Pubkey::default(),
            vault: Pubkey::default(),
            share_mint: Pubkey::default(),
            token_program: Pubkey::default(),
            capital,
            owed,
            shares,
            exiting_shares: 0,
            min_capital: 0,
            reserved: [0; 128],
        }
    }

    #[test]
    fn the_share_price_is_capital_less_what_is_owed() {
        let first = pool(0, 0, 0);
        assert_eq!(first.shares_for(1_000).unwrap(), 1_000);
        // 1,000 shares over 1,500 of capital of which 500 is owed: 1 share is worth 1.
        let owing = pool(1_500, 500, 1_000);
        assert_eq!(owing.value_of(100).unwrap(), 100);
        assert_eq!(owing.shares_for(100).unwrap(), 100);
        // Rounded down both ways: 3 shares over 2 units.
        let thin = pool(2, 0, 3);
        assert_eq!(thin.value_of(1).unwrap(), 0);
        assert_eq!(thin.shares_for(1).unwrap(), 1);
    }

    #[test]
    fn an_exit_may_not_take_capital_below_the_minimum() {
        let mut p = pool(1_000, 0, 1_000);
        p.min_capital = 600;
        p.exiting_shares = 500;
        assert_eq!(
            p.book_exit(500, 500).unwrap_err(),
            error!(BulwarkError::BelowMinimumCapital)
        );
        p.book_exit(400, 400).unwrap();
        assert_eq!((p.capital, p.shares, p.exiting_shares), (600, 600, 100));
    }
}
