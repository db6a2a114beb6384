use anchor_lang::prelude::*;

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
    /// Most the vault pays for a depositor's cover, bps of the deposit.
    pub max_sponsor_premium_bps: u16,
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
