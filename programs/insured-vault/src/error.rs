use anchor_lang::prelude::*;

#[error_code]
pub enum VaultError {
    #[msg("Deposit amount must be positive")]
    ZeroAmount,
    #[msg("Sponsored premium cap must be between 1 and 1,000 bps of the deposit")]
    InvalidPremiumCap,
    #[msg("Withdrawal exceeds the depositor's balance")]
    InsufficientDeposit,
    #[msg("Bulwark did not return the address of the cover it was asked to create")]
    MissingCoverAddress,
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("Only the vault admin may do this")]
    NotAdmin,
    #[msg("A deposit the vault bought cover for stays until that cover ends")]
    DepositLocked,
    #[msg("Only the program's upgrade authority may create a vault")]
    NotUpgradeAuthority,
    #[msg("The smallest sponsored deposit must be positive")]
    InvalidMinDeposit,
    #[msg("Sponsored pools must be 1 to 4 distinct pools")]
    InvalidSponsoredPools,
    #[msg("The vault does not sponsor deposits this small")]
    DepositBelowSponsorMinimum,
    #[msg("The vault does not sponsor cover from this pool")]
    PoolNotSponsored,
}
