use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::math::OrOverflow;
use anchor_lang::prelude::*;

/// Protocol-wide settings. Written by governance paths (`set_pause`, the timelocked
/// `execute_proposal`, the proposal counter of `create_proposal`, the product/pool counters on
/// `create_product` / `create_pool`) and by `stake_assessor`, `unstake_assessor` and
/// `slash_ballot` (the assessor stake total): those write-lock it against every transaction
/// that reads it (buying, filing, voting), so assessor stake changes are serialized with them;
/// no cover, staking or claim instruction writes it.
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
    /// Assessor stake in the assessment vault, all assessors together (written by
    /// `stake_assessor` and `unstake_assessor`, which write that vault already): the base of
    /// a claim's quorum.
    pub total_assessor_stake: u64,
    /// Time spent paused, per action family (indexed by the bit of its `PAUSE_*` flag).
    pub pause_clocks: [PauseClock; PAUSE_FAMILIES],
    /// Number of proposals created; the next proposal's id.
    pub proposal_count: u64,
    pub reserved: [u8; 12],
}

/// How long one action family has been paused: seconds of pauses that ended, and when the
/// current one began.
#[derive(
    AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq,
)]
pub struct PauseClock {
    /// Seconds of the family's past pauses, all together.
    pub paused_seconds: u64,
    /// Start of the current pause; 0 while the family is not paused.
    pub paused_since: i64,
}

impl Config {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn is_paused(&self, family: u8) -> bool {
        self.pause_flags & family != 0
    }

    /// The quorum of a claim filed now: the `quorum` floor or `quorum_bps` of the total
    /// assessor stake (rounded up), whichever is larger.
    pub fn claim_quorum(&self) -> Result<u64> {
        let share = crate::math::bps::Bps::of_valid(self.params.quorum_bps)?
            .ceil_of(self.total_assessor_stake)?;
        Ok(share.max(self.params.quorum))
    }

    /// Books `amount` of assessor stake entering the assessment vault.
    pub fn add_assessor_stake(&mut self, amount: u64) -> Result<()> {
        self.total_assessor_stake = self
            .total_assessor_stake
            .checked_add(amount)
            .or_overflow()?;
        Ok(())
    }

    /// Books `amount` of assessor stake leaving the assessment vault (unstaked or slashed).
    pub fn remove_assessor_stake(&mut self, amount: u64) -> Result<()> {
        self.total_assessor_stake = self
            .total_assessor_stake
            .checked_sub(amount)
            .ok_or_else(|| broken!("the total assessor stake includes each assessor's"))?;
        Ok(())
    }

    /// Sets the paused families to `flags` at `now`, starting the pause clock of each family
    /// that becomes paused and adding the elapsed pause to each that resumes.
    pub fn set_pause_flags(&mut self, flags: u8, now: i64) -> Result<()> {
        for (bit, clock) in self.pause_clocks.iter_mut().enumerate() {
            let family = 1u8 << bit;
            match (self.pause_flags & family != 0, flags & family != 0) {
                (false, true) => clock.paused_since = now,
                (true, false) => {
                    let elapsed = now.checked_sub(clock.paused_since).or_overflow()?;
                    clock.paused_seconds = clock
                        .paused_seconds
                        .checked_add(u64::try_from(elapsed).or_overflow()?)
                        .or_overflow()?;
                    clock.paused_since = 0;
                }
                _ => {}
            }
        }
        self.pause_flags = flags;
        Ok(())
    }

    /// Seconds `family` (one `PAUSE_*` bit) has been paused in all, up to `now`: what a
    /// deadline snapshotting it moves by.
    pub fn paused_seconds(&self, family: u8, now: i64) -> Result<u64> {
        let clock = &self.pause_clocks[family.trailing_zeros() as usize % PAUSE_FAMILIES];
        let current = if self.is_paused(family) {
            u64::try_from(now.saturating_sub(clock.paused_since).max(0)).or_overflow()?
        } else {
            0
        };
        clock.paused_seconds.checked_add(current).or_overflow()
    }

    /// A clock that stops while `family` is paused: `now` less the seconds the family has
    /// been paused since `snapshot` (its `paused_seconds` when the clock started).
    pub fn clock_since(&self, family: u8, snapshot: u64, now: i64) -> Result<i64> {
        let paused = self
            .paused_seconds(family, now)?
            .checked_sub(snapshot)
            .ok_or_else(|| broken!("a family's paused seconds never decrease"))?;
        now.checked_sub(i64::try_from(paused).or_overflow()?)
            .or_overflow()
    }

    /// Fails with `error` when `family` is paused.
    pub fn require_not_paused(&self, family: u8, error: BulwarkError) -> Result<()> {
        if self.is_paused(family) {
            return Err(error.into());
        }
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.pause_flags & !PAUSE_ALL == 0
                && self.authority != Pubkey::default()
                && self
                    .pause_clocks
                    .iter()
                    .enumerate()
                    .all(|(bit, clock)| self.is_paused(1 << bit) == (clock.paused_since != 0)),
            "the config has the current version, known pause flags, an authority, and a running pause clock exactly for each paused family"
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
    /// A vote in the last `silent_ending` seconds that flips the outcome extends the window
    /// to `silent_ending` after it.
    pub silent_ending: u32,
    /// Most that silent-ending extensions (and the first accepting vote's full window) may add
    /// to a claim's voting in all; covers copy it at purchase and their backing lasts for it.
    pub silent_ending_cap: u32,
    /// Reveal window after the voting of a claim whose votes are blind (commit–reveal): a
    /// fixed length, never extended. Covers of blind-vote products copy it at purchase (and
    /// have no silent ending).
    pub reveal_period: u32,
    /// Time after voting during which governance may overturn the outcome.
    pub cooldown: u32,
    /// Time after the cooldown during which an accepted claim can be redeemed.
    pub redemption_window: u32,
    /// Extra time an assessor's stake stays locked after a vote can no longer matter.
    pub assessor_lock: u32,
    /// Least total vote weight a claim needs to be accepted (the floor of its quorum).
    pub quorum: u64,
    /// Share of the total assessor stake at filing a claim's votes must reach, if above
    /// `quorum`.
    pub quorum_bps: u16,
    /// Age assessor stake must reach before it counts as voting weight, seconds; a top-up
    /// restarts it for the added stake only.
    pub assessor_stake_age: u32,
    /// Reward to assessors per claim, as a share of the requested amount (at most the
    /// cover's assessment share of premium for that amount).
    pub assessor_reward_bps: u16,
    /// Share of a ballot's weight slashed from an assessor that voted for an outcome
    /// governance overturned (snapshotted on the claim at filing).
    pub slash_bps: u16,
    /// Time between a capital exit's request and its execution, seconds: at least voting,
    /// the silent-ending cap and the cooldown (of today's parameters; covers keep the timings
    /// they were bought with).
    pub capital_exit_delay: u32,
    /// Time between a governance proposal and its execution, seconds. Every parameter change
    /// waits it, lowering it included; pauses do not.
    pub timelock_delay: u32,
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
            silent_ending_cap: DEFAULT_SILENT_ENDING_CAP,
            reveal_period: DEFAULT_REVEAL_PERIOD,
            cooldown: DEFAULT_COOLDOWN,
            redemption_window: DEFAULT_REDEMPTION_WINDOW,
            assessor_lock: DEFAULT_ASSESSOR_LOCK,
            quorum: DEFAULT_QUORUM,
            quorum_bps: DEFAULT_QUORUM_BPS,
            assessor_stake_age: DEFAULT_ASSESSOR_STAKE_AGE,
            assessor_reward_bps: DEFAULT_ASSESSOR_REWARD_BPS,
            slash_bps: DEFAULT_SLASH_BPS,
            capital_exit_delay: DEFAULT_CAPITAL_EXIT_DELAY,
            timelock_delay: DEFAULT_TIMELOCK_DELAY,
        }
    }
}

impl ProtocolParams {
    /// Checks every parameter against its bound (`PARAM_BOUNDS`) and the rules between them
    /// (`PARAM_RULES`), each with its own error, in a fixed order: when several are broken,
    /// the first of this order names the failure.
    pub fn validate(&self) -> Result<()> {
        PREMIUM_SPLIT.check(self)?;
        CAPACITY_RATIO.check(self)?;
        MAX_TOTAL_WEIGHT.check(self)?;
        PRICE_BUMP.check(self)?;
        PRICE_DECAY.check(self)?;
        CLAIM_DEPOSIT.check(self)?;
        VOTING_PERIOD.check(self)?;
        COOLDOWN.check(self)?;
        REDEMPTION_WINDOW.check(self)?;
        ASSESSOR_LOCK.check(self)?;
        SILENT_ENDING_WITHIN_VOTING.check(self)?;
        SILENT_ENDING_CAP.check(self)?;
        SILENT_ENDING_WITHIN_CAP.check(self)?;
        REVEAL_PERIOD.check(self)?;
        QUORUM.check(self)?;
        QUORUM_SHARE.check(self)?;
        ASSESSOR_STAKE_AGE.check(self)?;
        ASSESSOR_REWARD.check(self)?;
        SLASH_SHARE.check(self)?;
        EXIT_AFTER_CLAIMS_DECIDED.check(self)?;
        EXIT_AFTER_BLIND_CLAIMS_DECIDED.check(self)?;
        CAPITAL_EXIT_DELAY.check(self)?;
        TIMELOCK_DELAY.check(self)
    }

    /// The value of `param`, widened to u64.
    #[inline(always)]
    pub fn get(&self, param: Param) -> u64 {
        match param {
            Param::StakerShareBps => self.staker_share_bps.into(),
            Param::AssessmentShareBps => self.assessment_share_bps.into(),
            Param::ProtocolFeeBps => self.protocol_fee_bps.into(),
            Param::CapacityRatioBps => self.capacity_ratio_bps.into(),
            Param::MaxTotalWeight => self.max_total_weight.into(),
            Param::PriceBumpBps => self.price_bump_bps.into(),
            Param::PriceDecayBpsPerDay => self.price_decay_bps_per_day.into(),
            Param::ClaimDepositBps => self.claim_deposit_bps.into(),
            Param::VotingPeriod => self.voting_period.into(),
            Param::SilentEnding => self.silent_ending.into(),
            Param::SilentEndingCap => self.silent_ending_cap.into(),
            Param::RevealPeriod => self.reveal_period.into(),
            Param::Cooldown => self.cooldown.into(),
            Param::RedemptionWindow => self.redemption_window.into(),
            Param::AssessorLock => self.assessor_lock.into(),
            Param::Quorum => self.quorum,
            Param::QuorumBps => self.quorum_bps.into(),
            Param::AssessorStakeAge => self.assessor_stake_age.into(),
            Param::AssessorRewardBps => self.assessor_reward_bps.into(),
            Param::SlashBps => self.slash_bps.into(),
            Param::CapitalExitDelay => self.capital_exit_delay.into(),
            Param::TimelockDelay => self.timelock_delay.into(),
        }
    }

    /// These parameters with `param` set to `value`; `None` when `value` does not fit the
    /// parameter's integer type.
    pub fn with(mut self, param: Param, value: u64) -> Option<Self> {
        let narrow16 = || u16::try_from(value).ok();
        let narrow32 = || u32::try_from(value).ok();
        match param {
            Param::StakerShareBps => self.staker_share_bps = narrow16()?,
            Param::AssessmentShareBps => self.assessment_share_bps = narrow16()?,
            Param::ProtocolFeeBps => self.protocol_fee_bps = narrow16()?,
            Param::CapacityRatioBps => self.capacity_ratio_bps = narrow32()?,
            Param::MaxTotalWeight => self.max_total_weight = narrow16()?,
            Param::PriceBumpBps => self.price_bump_bps = narrow16()?,
            Param::PriceDecayBpsPerDay => self.price_decay_bps_per_day = narrow16()?,
            Param::ClaimDepositBps => self.claim_deposit_bps = narrow16()?,
            Param::VotingPeriod => self.voting_period = narrow32()?,
            Param::SilentEnding => self.silent_ending = narrow32()?,
            Param::SilentEndingCap => self.silent_ending_cap = narrow32()?,
            Param::RevealPeriod => self.reveal_period = narrow32()?,
            Param::Cooldown => self.cooldown = narrow32()?,
            Param::RedemptionWindow => self.redemption_window = narrow32()?,
            Param::AssessorLock => self.assessor_lock = narrow32()?,
            Param::Quorum => self.quorum = value,
            Param::QuorumBps => self.quorum_bps = narrow16()?,
            Param::AssessorStakeAge => self.assessor_stake_age = narrow32()?,
            Param::AssessorRewardBps => self.assessor_reward_bps = narrow16()?,
            Param::SlashBps => self.slash_bps = narrow16()?,
            Param::CapitalExitDelay => self.capital_exit_delay = narrow32()?,
            Param::TimelockDelay => self.timelock_delay = narrow32()?,
        }
        Some(self)
    }
}

/// One field of [`ProtocolParams`], by name: what the bounds and rules below refer to, and
/// what a governance proposal changes.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    StakerShareBps,
    AssessmentShareBps,
    ProtocolFeeBps,
    CapacityRatioBps,
    MaxTotalWeight,
    PriceBumpBps,
    PriceDecayBpsPerDay,
    ClaimDepositBps,
    VotingPeriod,
    SilentEnding,
    SilentEndingCap,
    RevealPeriod,
    Cooldown,
    RedemptionWindow,
    AssessorLock,
    Quorum,
    QuorumBps,
    AssessorStakeAge,
    AssessorRewardBps,
    SlashBps,
    CapitalExitDelay,
    TimelockDelay,
}

impl Param {
    /// Every parameter, in the order of the fields of [`ProtocolParams`].
    pub const ALL: [Param; 22] = [
        Param::StakerShareBps,
        Param::AssessmentShareBps,
        Param::ProtocolFeeBps,
        Param::CapacityRatioBps,
        Param::MaxTotalWeight,
        Param::PriceBumpBps,
        Param::PriceDecayBpsPerDay,
        Param::ClaimDepositBps,
        Param::VotingPeriod,
        Param::SilentEnding,
        Param::SilentEndingCap,
        Param::RevealPeriod,
        Param::Cooldown,
        Param::RedemptionWindow,
        Param::AssessorLock,
        Param::Quorum,
        Param::QuorumBps,
        Param::AssessorStakeAge,
        Param::AssessorRewardBps,
        Param::SlashBps,
        Param::CapitalExitDelay,
        Param::TimelockDelay,
    ];

    /// The field's name in [`ProtocolParams`] (and in the IDL).
    pub const fn name(self) -> &'static str {
        match self {
            Param::StakerShareBps => "staker_share_bps",
            Param::AssessmentShareBps => "assessment_share_bps",
            Param::ProtocolFeeBps => "protocol_fee_bps",
            Param::CapacityRatioBps => "capacity_ratio_bps",
            Param::MaxTotalWeight => "max_total_weight",
            Param::PriceBumpBps => "price_bump_bps",
            Param::PriceDecayBpsPerDay => "price_decay_bps_per_day",
            Param::ClaimDepositBps => "claim_deposit_bps",
            Param::VotingPeriod => "voting_period",
            Param::SilentEnding => "silent_ending",
            Param::SilentEndingCap => "silent_ending_cap",
            Param::RevealPeriod => "reveal_period",
            Param::Cooldown => "cooldown",
            Param::RedemptionWindow => "redemption_window",
            Param::AssessorLock => "assessor_lock",
            Param::Quorum => "quorum",
            Param::QuorumBps => "quorum_bps",
            Param::AssessorStakeAge => "assessor_stake_age",
            Param::AssessorRewardBps => "assessor_reward_bps",
            Param::SlashBps => "slash_bps",
            Param::CapitalExitDelay => "capital_exit_delay",
            Param::TimelockDelay => "timelock_delay",
        }
    }

    /// What the parameter counts.
    pub const fn unit(self) -> Unit {
        match self {
            Param::MaxTotalWeight => Unit::Weight,
            Param::PriceDecayBpsPerDay => Unit::BpsPerDay,
            Param::VotingPeriod
            | Param::SilentEnding
            | Param::SilentEndingCap
            | Param::RevealPeriod
            | Param::Cooldown
            | Param::RedemptionWindow
            | Param::AssessorLock
            | Param::AssessorStakeAge
            | Param::CapitalExitDelay
            | Param::TimelockDelay => Unit::Seconds,
            Param::Quorum => Unit::VoteWeight,
            Param::StakerShareBps
            | Param::AssessmentShareBps
            | Param::ProtocolFeeBps
            | Param::CapacityRatioBps
            | Param::ClaimDepositBps
            | Param::PriceBumpBps
            | Param::QuorumBps
            | Param::AssessorRewardBps
            | Param::SlashBps => Unit::Bps,
        }
    }
}

/// The unit of a protocol parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Basis points, 1/10,000 ([`BPS`]).
    Bps,
    /// Basis points per day.
    BpsPerDay,
    /// Points of product weight (each product's weight in a pool is 0..=100).
    Weight,
    /// Seconds.
    Seconds,
    /// Vote weight: base units of the assessment mint staked.
    VoteWeight,
}

/// A parameter's own range: `min..=max`, else `error`. A bound at the limit of the
/// parameter's type (0, or `u64::MAX` for a u64) bounds nothing on that side.
#[derive(Clone, Copy, Debug)]
pub struct ParamBound {
    pub param: Param,
    pub min: u64,
    pub max: u64,
    pub error: BulwarkError,
}

impl ParamBound {
    #[inline(always)]
    fn check(&self, params: &ProtocolParams) -> Result<()> {
        let value = params.get(self.param);
        require!(value >= self.min && value <= self.max, self.error);
        Ok(())
    }
}

/// A rule between parameters: the sum of `lhs` must not exceed the sum of `rhs` plus
/// `constant`, else `error`. A sum that overflows a u64 breaks the rule (no rule sums a u64
/// parameter: three u32s cannot overflow it).
#[derive(Clone, Copy, Debug)]
pub struct ParamRule {
    pub lhs: &'static [Param],
    pub rhs: &'static [Param],
    pub constant: u64,
    pub error: BulwarkError,
}

impl ParamRule {
    #[inline(always)]
    fn check(&self, params: &ProtocolParams) -> Result<()> {
        let sum = |side: &[Param], start: u64| {
            side.iter()
                .try_fold(start, |total, param| total.checked_add(params.get(*param)))
        };
        let holds = match (sum(self.lhs, 0), sum(self.rhs, self.constant)) {
            (Some(lhs), Some(rhs)) => lhs <= rhs,
            _ => false,
        };
        require!(holds, self.error);
        Ok(())
    }
}

const CAPACITY_RATIO: ParamBound = ParamBound {
    param: Param::CapacityRatioBps,
    min: MIN_CAPACITY_RATIO_BPS as u64,
    max: MAX_CAPACITY_RATIO_BPS as u64,
    error: BulwarkError::InvalidCapacityRatio,
};
const MAX_TOTAL_WEIGHT: ParamBound = ParamBound {
    param: Param::MaxTotalWeight,
    min: MAX_PRODUCT_WEIGHT as u64,
    max: MAX_TOTAL_WEIGHT_LIMIT as u64,
    error: BulwarkError::InvalidMaxTotalWeight,
};
const PRICE_BUMP: ParamBound = ParamBound {
    param: Param::PriceBumpBps,
    min: 0,
    max: BPS,
    error: BulwarkError::InvalidPricingParameter,
};
const PRICE_DECAY: ParamBound = ParamBound {
    param: Param::PriceDecayBpsPerDay,
    min: 0,
    max: BPS,
    error: BulwarkError::InvalidPricingParameter,
};
const CLAIM_DEPOSIT: ParamBound = ParamBound {
    param: Param::ClaimDepositBps,
    min: 0,
    max: MAX_CLAIM_DEPOSIT_BPS as u64,
    error: BulwarkError::InvalidClaimDeposit,
};
const fn claim_timing(param: Param) -> ParamBound {
    ParamBound {
        param,
        min: MIN_CLAIM_TIMING as u64,
        max: MAX_CLAIM_TIMING as u64,
        error: BulwarkError::InvalidClaimTiming,
    }
}
const VOTING_PERIOD: ParamBound = claim_timing(Param::VotingPeriod);
const COOLDOWN: ParamBound = claim_timing(Param::Cooldown);
const REDEMPTION_WINDOW: ParamBound = claim_timing(Param::RedemptionWindow);
const ASSESSOR_LOCK: ParamBound = claim_timing(Param::AssessorLock);
const SILENT_ENDING_CAP: ParamBound = claim_timing(Param::SilentEndingCap);
const REVEAL_PERIOD: ParamBound = claim_timing(Param::RevealPeriod);
const QUORUM: ParamBound = ParamBound {
    param: Param::Quorum,
    min: 1,
    max: u64::MAX,
    error: BulwarkError::InvalidQuorum,
};
const QUORUM_SHARE: ParamBound = ParamBound {
    param: Param::QuorumBps,
    min: 0,
    max: MAX_QUORUM_BPS as u64,
    error: BulwarkError::InvalidQuorum,
};
const ASSESSOR_STAKE_AGE: ParamBound = ParamBound {
    param: Param::AssessorStakeAge,
    min: 0,
    max: MAX_CLAIM_TIMING as u64,
    error: BulwarkError::InvalidStakeAge,
};
const ASSESSOR_REWARD: ParamBound = ParamBound {
    param: Param::AssessorRewardBps,
    min: 0,
    max: BPS,
    error: BulwarkError::InvalidAssessorReward,
};
const SLASH_SHARE: ParamBound = ParamBound {
    param: Param::SlashBps,
    min: 0,
    max: BPS,
    error: BulwarkError::InvalidSlashShare,
};
const CAPITAL_EXIT_DELAY: ParamBound = ParamBound {
    param: Param::CapitalExitDelay,
    min: 0,
    max: MAX_CAPITAL_EXIT_DELAY as u64,
    error: BulwarkError::InvalidCapitalExitDelay,
};
const TIMELOCK_DELAY: ParamBound = ParamBound {
    param: Param::TimelockDelay,
    min: 0,
    max: MAX_TIMELOCK_DELAY as u64,
    error: BulwarkError::InvalidTimelockDelay,
};

/// Stakers, assessors and the treasury cannot be promised more than the whole premium.
const PREMIUM_SPLIT: ParamRule = ParamRule {
    lhs: &[
        Param::StakerShareBps,
        Param::AssessmentShareBps,
        Param::ProtocolFeeBps,
    ],
    rhs: &[],
    constant: BPS,
    error: BulwarkError::InvalidPremiumSplit,
};
/// The silent-ending extension happens inside the voting window it extends.
const SILENT_ENDING_WITHIN_VOTING: ParamRule = ParamRule {
    lhs: &[Param::SilentEnding],
    rhs: &[Param::VotingPeriod],
    constant: 0,
    error: BulwarkError::InvalidClaimTiming,
};
/// One silent-ending extension fits under the cap of them all.
const SILENT_ENDING_WITHIN_CAP: ParamRule = ParamRule {
    lhs: &[Param::SilentEnding],
    rhs: &[Param::SilentEndingCap],
    constant: 0,
    error: BulwarkError::InvalidClaimTiming,
};
/// A member cannot leave the capital pool ahead of a claim it sees being voted on.
const EXIT_AFTER_CLAIMS_DECIDED: ParamRule = ParamRule {
    lhs: &[Param::VotingPeriod, Param::SilentEndingCap, Param::Cooldown],
    rhs: &[Param::CapitalExitDelay],
    constant: 0,
    error: BulwarkError::InvalidCapitalExitDelay,
};

/// Nor ahead of a blind claim being revealed.
const EXIT_AFTER_BLIND_CLAIMS_DECIDED: ParamRule = ParamRule {
    lhs: &[Param::VotingPeriod, Param::RevealPeriod, Param::Cooldown],
    rhs: &[Param::CapitalExitDelay],
    constant: 0,
    error: BulwarkError::InvalidCapitalExitDelay,
};

/// The range of each bounded parameter, as `ProtocolParams::validate` checks it. The three
/// premium shares and `silent_ending` have no range of their own, only the rules below.
pub const PARAM_BOUNDS: [ParamBound; 18] = [
    CAPACITY_RATIO,
    MAX_TOTAL_WEIGHT,
    PRICE_BUMP,
    PRICE_DECAY,
    CLAIM_DEPOSIT,
    VOTING_PERIOD,
    COOLDOWN,
    REDEMPTION_WINDOW,
    ASSESSOR_LOCK,
    SILENT_ENDING_CAP,
    REVEAL_PERIOD,
    QUORUM,
    QUORUM_SHARE,
    ASSESSOR_STAKE_AGE,
    ASSESSOR_REWARD,
    SLASH_SHARE,
    CAPITAL_EXIT_DELAY,
    TIMELOCK_DELAY,
];

/// The rules between parameters, as `ProtocolParams::validate` checks them.
pub const PARAM_RULES: [ParamRule; 5] = [
    PREMIUM_SPLIT,
    SILENT_ENDING_WITHIN_VOTING,
    SILENT_ENDING_WITHIN_CAP,
    EXIT_AFTER_CLAIMS_DECIDED,
    EXIT_AFTER_BLIND_CLAIMS_DECIDED,
];
