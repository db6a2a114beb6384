use crate::constants::*;
use crate::error::BulwarkError;
use anchor_lang::prelude::*;

/// Protocol-wide settings. Written only by governance paths (and the product/pool counters on
/// `create_product` / `create_pool`); every user instruction reads it and never writes it, so
/// user transactions do not contend on it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    pub version: u8,
    pub bump: u8,
    pub assessment_vault_bump: u8,
    /// Bit set of `PAUSE_*` families currently paused.
    pub pause_flags: u8,
    /// Governance authority: initializes, creates products, sets parameters, pauses, overturns
    /// fraudulent claim outcomes. In production a multisig.
    pub authority: Pubkey,
    /// Proposed next authority; `Pubkey::default()` when no hand-over is pending.
    pub pending_authority: Pubkey,
    /// Owner of the token accounts that receive the protocol's share of premiums.
    pub treasury: Pubkey,
    /// Mint assessors stake to vote on claims.
    pub assessment_mint: Pubkey,
    /// PDA token account holding assessor stake.
    pub assessment_vault: Pubkey,
    pub params: ProtocolParams,
    /// Number of products created; the next product's id.
    pub product_count: u64,
    /// Number of pools created; the next pool's id.
    pub pool_count: u64,
    pub reserved: [u8; 128],
}

impl Config {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn is_paused(&self, family: u8) -> bool {
        self.pause_flags & family != 0
    }

    /// Fails with `error` when `family` is paused.
    pub fn require_not_paused(&self, family: u8, error: BulwarkError) -> Result<()> {
        if self.is_paused(family) {
            return Err(error.into());
        }
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION
                && self.pause_flags & !PAUSE_ALL == 0
                && self.authority != Pubkey::default(),
            BulwarkError::InvariantViolated
        );
        self.params.validate()
    }
}

/// Parameters governance may change with `update_config`. Each is bounded by `validate`.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolParams {
    /// Share of each premium streamed to the backing pool's stakers.
    pub staker_share_bps: u16,
    /// Share of each premium set aside for assessor rewards.
    pub assessment_share_bps: u16,
    /// Share of each premium the treasury keeps (the protocol fee); the rest of the premium,
    /// after stakers and assessors, goes to the mint's capital pool.
    pub protocol_fee_bps: u16,
    /// Cover a pool may sell per unit of eligible stake, in bps (20,000 = 2x).
    pub capacity_ratio_bps: u32,
    /// Ceiling of the sum of a pool's product weights (weights are 0..=100 each).
    pub max_total_weight: u16,
    /// Price increase per 100% of capacity bought in one purchase.
    pub price_bump_bps: u16,
    /// Daily decay of a bumped price back towards the target price.
    pub price_decay_bps_per_day: u16,
    /// Claim deposit as a share of the requested amount.
    pub claim_deposit_bps: u16,
    /// Length of a claim's voting window, seconds.
    pub voting_period: u32,
    /// A vote in the last `silent_ending` seconds extends the window by as much.
    pub silent_ending: u32,
    /// Time after voting during which governance may overturn the outcome.
    pub cooldown: u32,
    /// Time after the cooldown during which an accepted claim can be redeemed.
    pub redemption_window: u32,
    /// Extra time an assessor's stake stays locked after a vote can no longer matter.
    pub assessor_lock: u32,
    /// Total vote weight a claim needs to be accepted.
    pub quorum: u64,
    /// Reward to assessors per claim, as a share of the requested amount.
    pub assessor_reward_bps: u16,
    /// Time between a capital exit's request and its execution, seconds: at least voting,
    /// the silent-ending extension and the cooldown.
    pub capital_exit_delay: u32,
}

impl Default for ProtocolParams {
    fn default() -> Self {
        Self {
            staker_share_bps: DEFAULT_STAKER_SHARE_BPS,
            assessment_share_bps: DEFAULT_ASSESSMENT_SHARE_BPS,
            protocol_fee_bps: DEFAULT_PROTOCOL_FEE_BPS,
            capacity_ratio_bps: DEFAULT_CAPACITY_RATIO_BPS,
            max_total_weight: DEFAULT_MAX_TOTAL_WEIGHT,
            price_bump_bps: DEFAULT_PRICE_BUMP_BPS,
            price_decay_bps_per_day: DEFAULT_PRICE_DECAY_BPS_PER_DAY,
            claim_deposit_bps: DEFAULT_CLAIM_DEPOSIT_BPS,
            voting_period: DEFAULT_VOTING_PERIOD,
            silent_ending: DEFAULT_SILENT_ENDING,
            cooldown: DEFAULT_COOLDOWN,
            redemption_window: DEFAULT_REDEMPTION_WINDOW,
            assessor_lock: DEFAULT_ASSESSOR_LOCK,
            quorum: DEFAULT_QUORUM,
            assessor_reward_bps: DEFAULT_ASSESSOR_REWARD_BPS,
            capital_exit_delay: DEFAULT_CAPITAL_EXIT_DELAY,
        }
    }
}

impl ProtocolParams {
    /// Checks every parameter against its bound, each with its own error.
    pub fn validate(&self) -> Result<()> {
        require!(
            u64::from(self.staker_share_bps)
                + u64::from(self.assessment_share_bps)
                + u64::from(self.protocol_fee_bps)
                <= BPS,
            BulwarkError::InvalidPremiumSplit
        );
        require!(
            (MIN_CAPACITY_RATIO_BPS..=MAX_CAPACITY_RATIO_BPS).contains(&self.capacity_ratio_bps),
            BulwarkError::InvalidCapacityRatio
        );
        require!(
            (MAX_PRODUCT_WEIGHT..=MAX_TOTAL_WEIGHT_LIMIT).contains(&self.max_total_weight),
            BulwarkError::InvalidMaxTotalWeight
        );
        require!(
            u64::from(self.price_bump_bps) <= BPS && u64::from(self.price_decay_bps_per_day) <= BPS,
            BulwarkError::InvalidPricingParameter
        );
        require!(
            self.claim_deposit_bps <= MAX_CLAIM_DEPOSIT_BPS,
            BulwarkError::InvalidClaimDeposit
        );
        let timing_ok = |t: u32| (MIN_CLAIM_TIMING..=MAX_CLAIM_TIMING).contains(&t);
        require!(
            timing_ok(self.voting_period)
                && timing_ok(self.cooldown)
                && timing_ok(self.redemption_window)
                && timing_ok(self.assessor_lock)
                && self.silent_ending <= self.voting_period,
            BulwarkError::InvalidClaimTiming
        );
        require!(self.quorum > 0, BulwarkError::InvalidQuorum);
        require!(
            u64::from(self.assessor_reward_bps) <= BPS,
            BulwarkError::InvalidAssessorReward
        );
        let claim_decided = u64::from(self.voting_period)
            + u64::from(self.silent_ending)
            + u64::from(self.cooldown);
        require!(
            u64::from(self.capital_exit_delay) >= claim_decided
                && self.capital_exit_delay <= MAX_CAPITAL_EXIT_DELAY,
            BulwarkError::InvalidCapitalExitDelay
        );
        Ok(())
    }
}
