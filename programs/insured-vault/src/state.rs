use crate::constants::*;
use crate::error::VaultError;
use anchor_lang::prelude::*;

/// What the vault pays for when it sponsors a depositor's cover.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct SponsorPolicy {
    /// Most the vault pays for a depositor's cover, bps of the deposit.
    pub max_premium_bps: u16,
    /// Smallest deposit the vault sponsors: the sponsor pays each cover's rent (returned only
    /// when the cover expires), so dust deposits must not be able to drain its lamports.
    pub min_deposit: u64,
    /// The Bulwark pools sponsored premiums may go to. A depositor free to route the vault's
    /// money to a pool they stake in would collect the premium themselves.
    #[max_len(MAX_SPONSORED_POOLS)]
    pub pools: Vec<Pubkey>,
}

impl SponsorPolicy {
    pub fn validate(&self) -> Result<()> {
        require!(
            (1..=MAX_SPONSOR_PREMIUM_BPS).contains(&self.max_premium_bps),
            VaultError::InvalidPremiumCap
        );
        require!(self.min_deposit > 0, VaultError::InvalidMinDeposit);
        require!(
            (1..=MAX_SPONSORED_POOLS).contains(&self.pools.len()),
            VaultError::InvalidSponsoredPools
        );
        for (i, pool) in self.pools.iter().enumerate() {
            require!(
                !self.pools[..i].contains(pool),
                VaultError::InvalidSponsoredPools
            );
        }
        Ok(())
    }

    /// Checks a sponsored deposit of `amount` routed to `pools` (one key per allocation).
    pub fn check_sponsored(
        &self,
        amount: u64,
        mut pools: impl Iterator<Item = Pubkey>,
    ) -> Result<()> {
        require!(
            amount >= self.min_deposit,
            VaultError::DepositBelowSponsorMinimum
        );
        require!(
            pools.all(|pool| self.pools.contains(&pool)),
            VaultError::PoolNotSponsored
        );
        Ok(())
    }

    /// Most the vault pays for the cover of a sponsored deposit of `amount`.
    pub fn premium_cap(&self, amount: u64) -> Result<u64> {
        u128::from(amount)
            .checked_mul(u128::from(self.max_premium_bps))
            .map(|v| v / u128::from(BPS))
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| error!(VaultError::MathOverflow))
    }
}

/// One savings vault per mint. Every deposit into it is covered by Bulwark cover on
/// `product_id`, owned by the depositor.
#[account]
#[derive(InitSpace)]
pub struct Vault {
    pub version: u8,
    pub bump: u8,
    pub sponsor_bump: u8,
    /// May insure the treasury and file treasury claims.
    pub admin: Pubkey,
    pub mint: Pubkey,
    pub deposits: Pubkey,
    pub reserve: Pubkey,
    /// The Bulwark product every deposit is covered against.
    pub product_id: u64,
    pub sponsor_policy: SponsorPolicy,
    /// Nonce of the next cover the sponsor buys (the cover PDA is `["cover", sponsor, nonce]`).
    pub covers_bought: u64,
    /// Tokens held for depositors.
    pub total_deposits: u64,
    pub reserved: [u8; 32],
}

/// A depositor's balance and the cover protecting their latest deposit.
#[account]
#[derive(InitSpace)]
pub struct Deposit {
    pub version: u8,
    pub bump: u8,
    pub vault: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub last_cover: Pubkey,
    /// A deposit whose cover the vault paid for stays until that cover ends: otherwise anyone
    /// could deposit, take the sponsored cover and withdraw at once, draining the reserve.
    pub locked_until: i64,
    pub reserved: [u8; 24],
}
