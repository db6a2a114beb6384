use anchor_lang::prelude::*;

/// Every way a Bulwark instruction can fail. Codes are stable: append, never reorder.
#[error_code]
pub enum BulwarkError {
    // ---- authority and config ----
    #[msg("Signer is not the governance authority")]
    NotAuthority,
    #[msg("No authority hand-over is pending")]
    NoPendingAuthority,
    #[msg("Signer is not the pending authority")]
    NotPendingAuthority,
    #[msg("Pause flags contain undefined bits")]
    InvalidPauseFlags,
    #[msg("Buying cover is paused")]
    BuyingPaused,
    #[msg("Staking deposits are paused")]
    StakingPaused,
    #[msg("Withdrawals are paused")]
    WithdrawalsPaused,
    #[msg("Staker share plus assessment share of premiums exceeds 100%")]
    InvalidPremiumSplit,
    #[msg("Capacity ratio is outside its bounds")]
    InvalidCapacityRatio,
    #[msg("Maximum total product weight is outside its bounds")]
    InvalidMaxTotalWeight,
    #[msg("Price bump or decay parameter is outside its bounds")]
    InvalidPricingParameter,
    #[msg("Claim deposit parameters are outside their bounds")]
    InvalidClaimDeposit,
    #[msg("A claim timing parameter is outside its bounds")]
    InvalidClaimTiming,
    #[msg("Quorum must be greater than zero")]
    InvalidQuorum,
    #[msg("Assessor reward rate is outside its bounds")]
    InvalidAssessorReward,
    #[msg("Treasury must not be the default public key")]
    InvalidTreasury,
    #[msg("Update changes nothing")]
    EmptyUpdate,
    #[msg("Account is not the protocol config")]
    WrongConfig,
    #[msg("Signer is not the program's upgrade authority")]
    NotUpgradeAuthority,
    #[msg("Authority must not be the default public key")]
    InvalidAuthority,

    // ---- products ----
    #[msg("Grace period exceeds the maximum")]
    InvalidGracePeriod,
    #[msg("Minimum price must be between 1 bps and 100% per year")]
    InvalidMinPrice,
    #[msg("Maximum cover period must be between 28 and 365 days")]
    InvalidMaxCoverPeriod,
    #[msg("URI is longer than the maximum length")]
    UriTooLong,
    #[msg("Product is deprecated")]
    ProductDeprecated,
    #[msg("Parametric products need incident resolution, which is not built yet")]
    ParametricNotSupported,

    // ---- pools ----
    #[msg("Manager fee exceeds the pool's maximum fee")]
    ManagerFeeAboveMax,
    #[msg("Maximum manager fee exceeds the protocol limit")]
    MaxManagerFeeTooHigh,
    #[msg("Mint uses a Token-2022 extension that would break pool accounting")]
    UnsupportedMintExtension,
    #[msg("Token account or mint does not match the pool's mint")]
    WrongMint,
    #[msg("Vault does not match the pool's vault")]
    WrongVault,
    #[msg("Token program does not match the pool's token program")]
    WrongTokenProgram,
    #[msg("Signer is not the pool manager")]
    NotPoolManager,
    #[msg("Product weight exceeds 100")]
    InvalidWeight,
    #[msg("Sum of product weights exceeds the protocol maximum")]
    TotalWeightExceeded,
    #[msg("Target price is below the product's minimum price or above 100% per year")]
    InvalidTargetPrice,
    #[msg("Pool account does not match")]
    WrongPool,
    #[msg("Token account is not owned by the signer")]
    WrongTokenOwner,
    #[msg("Rent receiver is not the account's rent payer")]
    WrongRentPayer,

    // ---- staking ----
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Tranche is not the current tranche or one of the next seven")]
    InvalidTranche,
    #[msg("Tranche has not ended yet")]
    TrancheNotEnded,
    #[msg("Tranche has already ended")]
    TrancheEnded,
    #[msg("Ring slot still holds an ended tranche with stake; archive it first")]
    TrancheSlotNotArchived,
    #[msg("Tranche is not held in the pool's ring")]
    TrancheNotInRing,
    #[msg("Tranche lost all its stake and accepts no new deposits")]
    TrancheWipedOut,
    #[msg("Pool is private: only its manager may deposit")]
    PrivatePool,
    #[msg("Existing position is in another tranche; use extend_stake")]
    PositionTrancheMismatch,
    #[msg("Signer does not own the stake position")]
    NotPositionOwner,
    #[msg("New tranche must be later than the current one of the position")]
    ExtendToEarlierTranche,
    #[msg("Amount is too small to mint a single share")]
    ZeroShares,

    // ---- cover ----
    #[msg("Not enough capacity in the pool's eligible tranches for this allocation")]
    InsufficientCapacity,
    #[msg("Cover period must be at least 28 days and at most the product's maximum")]
    InvalidCoverPeriod,
    #[msg("Commission exceeds 30% of the premium")]
    CommissionTooHigh,
    #[msg("A commission needs a commission destination token account")]
    MissingCommissionDestination,
    #[msg("Between one and four pool allocations are required, matching the pool accounts passed")]
    InvalidAllocations,
    #[msg("Pool allocations do not add up to the cover amount")]
    AllocationSumMismatch,
    #[msg("The same pool appears twice in one cover")]
    DuplicatePool,
    #[msg("Premium plus commission exceeds the buyer's maximum")]
    PremiumAboveMax,
    #[msg("Cover owner must not be the default public key")]
    InvalidCoverOwner,
    #[msg("Pool-product account does not belong to this pool and product")]
    WrongPoolProduct,
    #[msg("Cover has not reached the end of its grace period")]
    CoverNotExpired,
    #[msg("Signer is not the cover owner")]
    NotCoverOwner,
    #[msg("Remaining accounts do not match the cover's pools in number and order")]
    WrongRemainingAccounts,
    #[msg("The pool does not underwrite this product")]
    ProductNotInPool,
    #[msg("Nothing to claim")]
    NothingToClaim,
    #[msg("Treasury token account is not owned by the treasury")]
    WrongTreasuryAccount,

    // ---- claims ----
    #[msg("The cover has an open claim; close it first")]
    ClaimOpen,
    #[msg("Claims cannot be filed in the slot the cover was bought")]
    ClaimInPurchaseSlot,
    #[msg("The cover's claim window (end + grace period) has passed")]
    ClaimWindowClosed,
    #[msg("Claimed amount exceeds the cover's remaining amount")]
    ClaimAboveRemaining,
    #[msg("Claims on this product are not assessed by vote")]
    ProductNotAssessed,
    #[msg("Claims are paused")]
    ClaimsPaused,
    #[msg("Payouts are paused")]
    PayoutsPaused,
    #[msg("Voting on this claim has ended")]
    VotingClosed,
    #[msg("The first vote on a claim must accept it")]
    FirstVoteMustAccept,
    #[msg("The assessor has no stake to vote with")]
    NoAssessorStake,
    #[msg("The assessor's stake is locked by a recent vote")]
    AssessorLocked,
    #[msg("Unstake amount exceeds the assessor's stake")]
    UnstakeAboveStake,
    #[msg("The claim is not in its cooldown")]
    NotInCooldown,
    #[msg("The claim's outcome is not final yet")]
    OutcomeNotFinal,
    #[msg("The claim was denied")]
    ClaimDenied,
    /// Retired: an accepted claim is redeemable at any time (the capital pool alone pays after
    /// the window). Kept so every later code keeps its number.
    #[msg("Retired: the redemption window has passed")]
    RedemptionWindowClosed,
    /// Retired with [`BulwarkError::RedemptionWindowClosed`].
    #[msg("Retired: the redemption window is still open")]
    RedemptionWindowOpen,
    #[msg("The claim was already paid")]
    ClaimAlreadyPaid,
    #[msg("The claim is closed")]
    ClaimClosed,
    #[msg("Token account does not belong to the expected owner")]
    WrongRecipient,
    /// Retired with the per-mint reward pot: a claim's reward is reserved at filing. Kept so
    /// later codes keep their numbers.
    #[msg("Retired: assessor rewards are reserved when a claim is filed")]
    RewardPotShort,
    #[msg("Assessor mint or vault does not match the config")]
    WrongAssessmentAccount,

    // ---- safety ----
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("Account invariant violated")]
    InvariantViolated,
    #[msg("Vault balance is below the pool's accounted liabilities")]
    VaultBelowAccounting,
    #[msg("Clock returned a negative timestamp")]
    InvalidClock,

    // ---- appended after the first release: existing codes keep their numbers ----
    #[msg("A cover with claims stays on chain as their record and cannot be expired")]
    CoverHasClaims,
    #[msg("Only the recipient may name a token account other than its associated token account")]
    RecipientNotAssociated,
    #[msg(
        "From some live tranche on, the backing sold would exceed what the stake there can back"
    )]
    CumulativeCapacityExceeded,
    #[msg("The vault moved by a different amount than the pool's books")]
    VaultMovedOffBooks,
    #[msg("Only the owner may withdraw a position until 30 days after its tranche ended")]
    PositionNotAbandoned,
    #[msg("Initial price must be between the product's minimum price and 100% a year")]
    InvalidInitialPrice,
    #[msg("This would take the capital pool below its minimum capital requirement")]
    BelowMinimumCapital,
    #[msg("The capital exit's delay has not passed yet")]
    CapitalExitNotReady,
    #[msg("The deposit would mint fewer shares than the minimum asked")]
    SharesBelowMinimum,
    #[msg("Share metadata too long: name up to 32 bytes, symbol up to 10, URI up to 200")]
    ShareMetadataTooLong,
    #[msg("Capital exit delay must cover voting, its silent-ending cap and the cooldown")]
    InvalidCapitalExitDelay,
    #[msg("Share mint or share account does not belong to this capital pool")]
    WrongShareMint,
    #[msg("Only the member who requested the exit may execute it")]
    NotExitOwner,
    #[msg("Cover above 1x the pool's stake needs a leverage line: run grant_leverage first")]
    LeverageUnavailable,
    #[msg("Minimum capital requirement share must be between 10% and 100% of the lines")]
    InvalidCapitalRequirement,
    #[msg("Capital pool account is not the capital pool of this mint")]
    WrongCapitalPool,
    #[msg("An accepted claim is paid, never closed unpaid: redeem it")]
    ClaimAccepted,
    #[msg("Nothing is owed on this claim")]
    NothingOwed,
    #[msg("The capital pool cannot pay this claim's place in its debt queue yet")]
    DebtNotFunded,
    #[msg("The capital pool owes at least what it holds: it sells no shares until funded")]
    CapitalPoolInsolvent,
    #[msg("This assessor has already voted on this claim")]
    AlreadyVoted,
    #[msg("The token account holds less than the amount to transfer")]
    InsufficientBalance,
    #[msg("A quote takes one to MAX_QUOTE_POOLS (12) pool and pool-product pairs")]
    InvalidQuotePools,
    #[msg("Cover account is not the claim's cover")]
    WrongCover,
    #[msg("The claim was overturned already")]
    ClaimAlreadyOverturned,
    #[msg("Assessor account does not belong to the signer")]
    NotAssessorOwner,
    #[msg("The claimant cannot vote on its own claim")]
    ClaimantCannotVote,
    #[msg("Incident time must lie inside the cover's period")]
    IncidentOutsideCover,
    #[msg("Incident time falls in the product's cooling-off after the purchase")]
    IncidentInCoolingOff,
    #[msg("Incident time is in the future")]
    IncidentInFuture,
    #[msg("Cooling-off must be at most 14 days")]
    InvalidCoolingOff,
    #[msg("The assessor's stake has not reached the minimum age to vote")]
    StakeNotMatured,
    #[msg("Assessor stake age must be at most 90 days")]
    InvalidStakeAge,
    #[msg("The assessor has ballots not settled yet: settle them first")]
    AssessorHasOpenBallots,
    #[msg(
        "This ballot voted for an overturned outcome: it is slashed (slash_ballot), not settled"
    )]
    BallotSlashable,
    #[msg("Only a ballot that voted for an overturned outcome is slashed")]
    BallotNotSlashable,
    #[msg("Slashing share must be at most 100%")]
    InvalidSlashShare,
    #[msg("Ballot is not this claim's")]
    WrongBallot,
    #[msg("Assessor account is not the ballot's voter's")]
    WrongAssessor,
    // ---- timelock ----
    #[msg("Timelock delay is above the maximum")]
    InvalidTimelockDelay,
    #[msg("A proposal carries one to eight changes")]
    InvalidProposalSize,
    #[msg("A proposal changes each field at most once")]
    DuplicateChange,
    #[msg("A change must set a new value")]
    NoOpChange,
    #[msg("The proposal's timelock has not elapsed")]
    TimelockNotElapsed,
    #[msg("The proposal's execution window has passed")]
    ProposalExpired,
    #[msg("A field the proposal changes no longer holds the value it was proposed against")]
    ProposalStale,
    #[msg("Account is not the one the proposal changes")]
    WrongProposalTarget,
    #[msg("Proposal account does not match its id")]
    WrongProposal,
    // ---- blind ballots and panels ----
    #[msg("Votes on this claim are blind: commit, then reveal")]
    VoteMustBeCommitted,
    #[msg("Votes on this claim are open: there is nothing to commit")]
    ClaimNotBlind,
    #[msg("The claim is not in its reveal window")]
    NotInRevealWindow,
    #[msg("The ballot has been revealed already")]
    AlreadyRevealed,
    #[msg("The choice and salt do not match the ballot's commitment")]
    CommitmentMismatch,
    #[msg("The voter is not on the product's panel of assessors (or joined after the claim was filed)")]
    NotPanelMember,
    #[msg("A product's panel quorum is at most 100 members")]
    InvalidPanelQuorum,
    #[msg("The assessor already holds a seat on this panel")]
    PanelMemberSeated,
}

/// `InvariantViolated` naming the rule that broke: its message becomes "Account invariant
/// violated: <rule>" (Anchor logs it with the file and line), for the checks no input should
/// ever fail. The message is built only when the check fails: a check that holds costs nothing
/// more.
macro_rules! broken {
    ($rule:expr) => {
        $crate::error::with_rule(
            anchor_lang::error!($crate::error::BulwarkError::InvariantViolated),
            $rule,
        )
    };
}

/// Returns [`broken!`]`(rule)` unless `cond` holds.
macro_rules! require_invariant {
    ($cond:expr, $rule:expr) => {
        if !($cond) {
            return Err($crate::error::broken!($rule));
        }
    };
}

pub(crate) use {broken, require_invariant};

/// `error` with `rule` appended to its message.
#[cold]
pub fn with_rule(error: Error, rule: &str) -> Error {
    match error {
        Error::AnchorError(mut e) => {
            e.error_msg = format!("{}: {rule}", e.error_msg);
            Error::AnchorError(e)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_invariant_names_its_rule() {
        let error: Result<()> = (|| {
            require_invariant!(1 + 1 == 3, "arithmetic holds");
            Ok(())
        })();
        let error = error.unwrap_err();
        assert_eq!(error, error!(BulwarkError::InvariantViolated));
        assert!(
            error
                .to_string()
                .contains("Account invariant violated: arithmetic holds"),
            "{error}"
        );
    }
}
