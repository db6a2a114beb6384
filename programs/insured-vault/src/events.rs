use crate::state::SponsorPolicy;
use anchor_lang::prelude::*;

#[event]
pub struct VaultInitialized {
    pub vault: Pubkey,
    pub admin: Pubkey,
    pub mint: Pubkey,
    pub product_id: u64,
    pub sponsor_policy: SponsorPolicy,
}

#[event]
pub struct SponsorPolicySet {
    pub vault: Pubkey,
    pub sponsor_policy: SponsorPolicy,
}

#[event]
pub struct DepositCovered {
    pub vault: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub cover: Pubkey,
    /// Whether the vault (rather than the depositor) paid the premium.
    pub sponsored: bool,
    pub owner_balance: u64,
    pub total_deposits: u64,
}

#[event]
pub struct Withdrawn {
    pub vault: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub owner_balance: u64,
    pub total_deposits: u64,
}

#[event]
pub struct TreasuryInsured {
    pub vault: Pubkey,
    pub cover: Pubkey,
    pub amount: u64,
}
