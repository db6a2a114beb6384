//! Seeds and limits of the example vault.

pub const VAULT_SEED: &[u8] = b"vault";
/// System-owned PDA that signs Bulwark purchases and claims for the vault: it pays premiums
/// from the reserve and the cover accounts' rent from its own lamports.
pub const SPONSOR_SEED: &[u8] = b"sponsor";
/// Token account holding the depositors' savings (authority: the sponsor).
pub const DEPOSITS_SEED: &[u8] = b"deposits";
pub const DEPOSIT_SEED: &[u8] = b"deposit";

pub const BPS: u64 = 10_000;
/// A vault never spends more than this share of a deposit on its cover.
pub const MAX_SPONSOR_PREMIUM_BPS: u16 = 1_000;
/// Most Bulwark pools a vault's sponsored premiums may go to.
pub const MAX_SPONSORED_POOLS: usize = 4;
pub const ACCOUNT_VERSION: u8 = 1;
