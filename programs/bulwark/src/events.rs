//! One event per state change, carrying ids, amounts moved and the resulting totals.

use crate::constants::PAUSE_FAMILIES;
use crate::state::{GovernanceChange, PauseClock, ProductTerms, ProductType, ProtocolParams};
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    pub authority: Pubkey,
    pub treasury: Pubkey,
    pub assessment_mint: Pubkey,
    pub assessment_vault: Pubkey,
    pub params: ProtocolParams,
}

/// Every parameter before and after, so an indexer sees each changed field in one event.
#[event]
pub struct ConfigUpdated {
    pub old_params: ProtocolParams,
    pub new_params: ProtocolParams,
    pub old_treasury: Pubkey,
    pub new_treasury: Pubkey,
}

#[event]
pub struct PauseFlagsSet {
    pub old_flags: u8,
    pub new_flags: u8,
    /// Every family's pause clock after the change.
    pub pause_clocks: [PauseClock; PAUSE_FAMILIES],
}

#[event]
pub struct ProposalCreated {
    pub proposal: Pubkey,
    pub id: u64,
    pub proposer: Pubkey,
    pub changes: Vec<GovernanceChange>,
    pub executable_at: i64,
    pub expires_at: i64,
    pub description_hash: [u8; 32],
    pub description_uri: String,
}

#[event]
pub struct ProposalExecuted {
    pub proposal: Pubkey,
    pub id: u64,
    pub executor: Pubkey,
    pub changes: Vec<GovernanceChange>,
}

#[event]
pub struct ProposalCancelled {
    pub proposal: Pubkey,
    pub id: u64,
    pub authority: Pubkey,
}

#[event]
pub struct AuthorityProposed {
    pub authority: Pubkey,
    pub pending_authority: Pubkey,
}

#[event]
pub struct AuthorityAccepted {
    pub old_authority: Pubkey,
    pub new_authority: Pubkey,
}

#[event]
pub struct ProductCreated {
    pub product: Pubkey,
    pub product_id: u64,
    pub product_type: ProductType,
    pub terms: ProductTerms,
}

#[event]
pub struct ProductUpdated {
    pub product: Pubkey,
    pub product_id: u64,
    pub old_terms: ProductTerms,
    pub new_terms: ProductTerms,
}

#[event]
pub struct PoolCreated {
    pub pool: Pubkey,
    pub pool_id: u64,
    pub manager: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
    pub manager_fee_bps: u16,
    pub max_manager_fee_bps: u16,
    pub private: bool,
}

#[event]
pub struct PoolProductSet {
    pub pool: Pubkey,
    pub product_id: u64,
    pub old_weight: u16,
    pub new_weight: u16,
    pub old_target_price_bps: u16,
    pub new_target_price_bps: u16,
    /// The product's effective weight before and after (`PoolProduct::effective_weight`).
    pub old_effective_weight: u16,
    pub new_effective_weight: u16,
    pub pool_total_effective_weight: u32,
    /// The price the next purchase's base decays from, set now: the product's initial price
    /// for a new listing, the price reached so far otherwise.
    pub bumped_price_bps: u16,
}

#[event]
pub struct ManagerFeeSet {
    pub pool: Pubkey,
    pub old_fee_bps: u16,
    pub new_fee_bps: u16,
}

#[event]
pub struct StakeDeposited {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub tranche_id: u64,
    pub amount: u64,
    pub shares_minted: u128,
    pub position_shares: u128,
    pub tranche_stake: u64,
    pub tranche_shares: u128,
    pub pool_total_stake: u64,
}

#[event]
pub struct StakeExtended {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub old_tranche_id: u64,
    pub new_tranche_id: u64,
    pub moved_amount: u64,
    pub top_up_amount: u64,
    pub shares_burned: u128,
    pub shares_minted: u128,
    pub pool_total_stake: u64,
}

#[event]
pub struct TrancheArchived {
    pub pool: Pubkey,
    pub tranche_id: u64,
    pub stake: u64,
    pub shares: u128,
}

#[event]
pub struct StakeWithdrawn {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub tranche_id: u64,
    pub shares: u128,
    pub stake: u64,
    pub rewards: u64,
    pub tranche_stake_remaining: u64,
    pub pool_total_stake: u64,
}

#[event]
pub struct RewardsClaimed {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub tranche_id: u64,
    /// The tranche's reward per share the position is now settled at (scaled by 10^12).
    pub tranche_reward_per_share: u128,
    pub pool_rewards_reserved: u64,
}

#[event]
pub struct ManagerFeesClaimed {
    pub pool: Pubkey,
    pub manager: Pubkey,
    pub amount: u64,
}

#[event]
pub struct FeesSwept {
    pub pool: Pubkey,
    /// Moved to the treasury: the protocol fee, including the two below.
    pub treasury_amount: u64,
    /// Moved to the mint's capital pool: its premium share (and orphaned streams).
    pub capital_amount: u64,
    pub capital_pool: Pubkey,
    /// The capital pool's capital after the sweep.
    pub capital: u64,
    /// Tokens the vault held beyond the pool's books (donations), booked to the treasury.
    pub surplus: u64,
    /// Reward units nobody could claim any more, booked to the treasury.
    pub reward_dust: u64,
    pub treasury_token: Pubkey,
}

/// Per pool of a purchase: what it backs and what its premium became.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq)]
pub struct PoolPurchase {
    pub pool: Pubkey,
    pub amount: u64,
    pub price_bps: u64,
    pub premium: u64,
    pub staker_rewards: u64,
    pub manager_fee: u64,
    pub assessment_share: u64,
    /// The protocol fee, kept by the treasury.
    pub treasury_share: u64,
    /// To the mint's capital pool (swept by `sweep_fees`).
    pub capital_share: u64,
    /// Ratio this part was sold at (bps): 10,000 without leverage.
    pub ratio_bps: u32,
    /// Leverage line used: amount − the stake it occupies.
    pub leverage: u64,
    pub new_bumped_price_bps: u16,
}

#[event]
pub struct CoverBought {
    pub cover: Pubkey,
    pub product_id: u64,
    pub owner: Pubkey,
    pub payer: Pubkey,
    pub amount: u64,
    pub start: i64,
    pub period: u32,
    pub premium: u64,
    pub commission: u64,
    /// The cover's first eligible tranche: its stakers' premium streams (in each pool) to the
    /// tranches from this one on, the tranches a payout of it burns.
    pub first_tranche: u64,
    pub pools: Vec<PoolPurchase>,
}

#[event]
pub struct CoverExpired {
    pub cover: Pubkey,
    pub released: u64,
}

#[event]
pub struct CoverTransferred {
    pub cover: Pubkey,
    pub old_owner: Pubkey,
    pub new_owner: Pubkey,
}

#[event]
pub struct AssessorStaked {
    pub assessor: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub staked: u64,
    /// Of `staked`, what is not of voting age yet, and when it will be.
    pub pending: u64,
    pub pending_matures_at: i64,
    pub total_assessor_stake: u64,
}

#[event]
pub struct AssessorUnstaked {
    pub assessor: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub staked: u64,
    pub total_assessor_stake: u64,
}

#[event]
pub struct ClaimFiled {
    pub claim: Pubkey,
    pub cover: Pubkey,
    pub claimant: Pubkey,
    pub index: u32,
    pub amount: u64,
    pub deposit: u64,
    /// Reserved for the assessors on the final side, from the deposit pool.
    pub assessor_reward: u64,
    pub quorum: u64,
    pub incident_time: i64,
    pub voting_end: i64,
    pub evidence_hash: [u8; 32],
}

#[event]
pub struct VoteCast {
    pub claim: Pubkey,
    pub assessor: Pubkey,
    pub accept: bool,
    pub weight: u64,
    pub accept_weight: u64,
    pub deny_weight: u64,
    pub voting_end: i64,
    pub assessor_locked_until: i64,
    pub reason_hash: [u8; 32],
}

#[event]
pub struct VoteCommitted {
    pub claim: Pubkey,
    pub assessor: Pubkey,
    pub weight: u64,
    pub commitment: [u8; 32],
    /// Ballots on the claim so far (committed or revealed).
    pub voters: u32,
    /// On the claim's clock: the reveal window opens when voting ends.
    pub reveal_from: i64,
    pub assessor_locked_until: i64,
}

#[event]
pub struct VoteRevealed {
    pub claim: Pubkey,
    pub assessor: Pubkey,
    pub accept: bool,
    pub weight: u64,
    pub accept_weight: u64,
    pub deny_weight: u64,
    pub reason_hash: [u8; 32],
}

#[event]
pub struct PanelMemberAdded {
    pub product_id: u64,
    pub member: Pubkey,
    pub panel_member: Pubkey,
    pub added_at: i64,
}

#[event]
pub struct PanelMemberRemoved {
    pub product_id: u64,
    pub member: Pubkey,
    pub panel_member: Pubkey,
    pub removed_at: i64,
}

#[event]
pub struct ClaimOverturned {
    pub claim: Pubkey,
    pub authority: Pubkey,
    pub voters_accepted: bool,
    pub accepted: bool,
    /// The claim's reserved assessor reward, back in the deposit pool's assessment share.
    pub reward_released: u64,
    pub reason_uri: String,
}

#[event]
pub struct PayoutRedeemed {
    pub claim: Pubkey,
    pub cover: Pubkey,
    pub recipient: Pubkey,
    /// The accepted amount: `paid + owed`.
    pub requested: u64,
    pub paid: u64,
    /// Per backing pool, in the cover's order: the stake burned (and paid) from each.
    pub paid_per_pool: Vec<u64>,
    /// Paid from the backing tranches' stake (Σ `paid_per_pool`).
    pub staker_paid: u64,
    /// Paid by the capital pool.
    pub capital_paid: u64,
    /// Accepted and not yet paid: owed by the capital pool, in its debt queue from
    /// `debt_position`.
    pub owed: u64,
    pub debt_position: u64,
    pub deposit_refunded: u64,
    pub cover_remaining: u64,
}

/// The capital pool paid (part of) what it owed on a claim.
#[event]
pub struct ClaimDebtPaid {
    pub claim: Pubkey,
    pub cover: Pubkey,
    pub recipient: Pubkey,
    pub capital_pool: Pubkey,
    pub amount: u64,
    /// Still owed on the claim after this payment.
    pub owed: u64,
    pub debt_position: u64,
    /// The capital pool's capital and total owed after it.
    pub capital: u64,
    pub capital_owed: u64,
}

/// A leverage line crank: what the pool's line returned to the capital pool and what it was
/// granted.
#[event]
pub struct LeverageGranted {
    pub pool: Pubkey,
    pub capital_pool: Pubkey,
    pub returned: u64,
    /// Unused line taken back because the capital no longer carries it.
    pub clawed_back: u64,
    pub granted: u64,
    /// The pool's line after the crank.
    pub available: u64,
    pub used: u64,
    pub expires_at: i64,
    /// The capital pool's lines outstanding and minimum capital requirement after it.
    pub capital_lines: u64,
    pub minimum_capital: u64,
}

#[event]
pub struct ClaimClosed {
    pub claim: Pubkey,
    pub cover: Pubkey,
    /// The denied claim's deposit, forfeited to the assessment reward share.
    pub deposit: u64,
}

/// A ballot not on an overturned side was settled (rewarded or not) and closed.
#[event]
pub struct BallotSettled {
    pub claim: Pubkey,
    /// The ballot's voter (the assessor's owner).
    pub voter: Pubkey,
    pub accept: bool,
    pub weight: u64,
    /// Its share of the claim's reward (0 off the rewarded side).
    pub reward: u64,
    /// What the last ballot's settlement gave back to the deposit pool's assessment share.
    pub released: u64,
    pub ballots_settled: u32,
}

/// A ballot that voted for an overturned outcome was slashed and closed.
#[event]
pub struct BallotSlashed {
    pub claim: Pubkey,
    pub voter: Pubkey,
    pub weight: u64,
    /// Moved from the assessment vault to the treasury's assessment-mint account.
    pub slashed: u64,
    /// The assessor's stake after the slash.
    pub staked: u64,
    pub total_assessor_stake: u64,
    pub ballots_settled: u32,
}

/// Governance listed a mint or changed its parameters (`old_claim_min_deposit` is 0 when the
/// mint was listed by this call).
#[event]
pub struct MintParamsSet {
    pub mint: Pubkey,
    pub old_claim_min_deposit: u64,
    pub new_claim_min_deposit: u64,
}

/// A pool-product's effective weight recomputed by `refresh_pool_product`.
#[event]
pub struct EffectiveWeightRefreshed {
    pub pool: Pubkey,
    pub product_id: u64,
    pub old_effective_weight: u16,
    pub new_effective_weight: u16,
    pub pool_total_effective_weight: u32,
}

#[event]
pub struct CapitalPoolCreated {
    pub capital_pool: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub share_mint: Pubkey,
    pub min_capital: u64,
    pub mcr_bps: u16,
    pub name: String,
    pub symbol: String,
    pub uri: String,
}

#[event]
pub struct CapitalDeposited {
    pub capital_pool: Pubkey,
    pub member: Pubkey,
    pub amount: u64,
    pub shares: u64,
    /// The pool's capital and shares after the deposit.
    pub capital: u64,
    pub total_shares: u64,
}

/// Capital added without shares (`contribute_capital`).
#[event]
pub struct CapitalContributed {
    pub capital_pool: Pubkey,
    pub contributor: Pubkey,
    pub amount: u64,
    /// The pool's capital and what it owes after the contribution.
    pub capital: u64,
    pub owed: u64,
}

#[event]
pub struct CapitalExitRequested {
    pub capital_pool: Pubkey,
    pub member: Pubkey,
    pub exit: Pubkey,
    pub shares: u64,
    pub value_at_request: u64,
    pub ready_at: i64,
}

#[event]
pub struct CapitalExitExecuted {
    pub capital_pool: Pubkey,
    pub member: Pubkey,
    pub exit: Pubkey,
    pub shares: u64,
    pub value_at_request: u64,
    pub value_now: u64,
    /// The lower of the two.
    pub paid: u64,
    /// The pool's capital and shares after the exit.
    pub capital: u64,
    pub total_shares: u64,
}

#[event]
pub struct CapitalRequirementSet {
    pub capital_pool: Pubkey,
    pub old_min_capital: u64,
    pub new_min_capital: u64,
    pub old_mcr_bps: u16,
    pub new_mcr_bps: u16,
}
