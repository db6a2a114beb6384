use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use crate::state::{CapitalPool, Param, ProtocolParams, PARAM_BOUNDS, PARAM_RULES};
use anchor_lang::prelude::*;

/// One field a governance proposal changes, with the value it was proposed against (`old`)
/// and the value it sets (`new`). A proposal stores only the fields it changes, and executes
/// only while each still holds its `old` value: a stale proposal fails with `ProposalStale`
/// instead of reverting a change made after it was proposed.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GovernanceChange {
    /// One protocol parameter (`ProtocolParams`), the timelock delay included.
    Param { param: Param, old: u64, new: u64 },
    /// The owner of the treasury's token accounts.
    Treasury { old: Pubkey, new: Pubkey },
    /// A capital pool's floor of the minimum capital requirement (mint base units).
    MinCapital {
        capital_pool: Pubkey,
        old: u64,
        new: u64,
    },
    /// A capital pool's share of its leverage lines the capital must cover, bps.
    McrBps {
        capital_pool: Pubkey,
        old: u16,
        new: u16,
    },
}

/// What a change writes: two changes of one proposal never write the same field.
#[derive(PartialEq, Eq)]
enum Field {
    Param(Param),
    Treasury,
    MinCapital,
    McrBps,
}

impl GovernanceChange {
    fn field(&self) -> Field {
        match self {
            GovernanceChange::Param { param, .. } => Field::Param(*param),
            GovernanceChange::Treasury { .. } => Field::Treasury,
            GovernanceChange::MinCapital { .. } => Field::MinCapital,
            GovernanceChange::McrBps { .. } => Field::McrBps,
        }
    }

    /// The capital pool the change writes, if it writes one.
    pub fn capital_pool(&self) -> Option<Pubkey> {
        match self {
            GovernanceChange::MinCapital { capital_pool, .. }
            | GovernanceChange::McrBps { capital_pool, .. } => Some(*capital_pool),
            GovernanceChange::Param { .. } | GovernanceChange::Treasury { .. } => None,
        }
    }

    fn changes_value(&self) -> bool {
        match self {
            GovernanceChange::Param { old, new, .. }
            | GovernanceChange::MinCapital { old, new, .. } => old != new,
            GovernanceChange::Treasury { old, new } => old != new,
            GovernanceChange::McrBps { old, new, .. } => old != new,
        }
    }
}

/// The error a value of `param` out of its range fails with: its bound's, else that of the
/// first rule it takes part in (every parameter has one or the other).
fn out_of_range(param: Param) -> BulwarkError {
    PARAM_BOUNDS
        .iter()
        .find(|bound| bound.param == param)
        .map(|bound| bound.error)
        .or_else(|| {
            PARAM_RULES
                .iter()
                .find(|rule| rule.lhs.contains(&param) || rule.rhs.contains(&param))
                .map(|rule| rule.error)
        })
        .unwrap_or(BulwarkError::InvariantViolated)
}

/// Changes to the protocol's parameters and treasury, proposed by governance, executable by
/// anyone once the timelock has elapsed and until its execution window closes; governance may
/// cancel it before. Closed (rent to its proposer) when executed or cancelled; its events stay.
#[account]
#[derive(InitSpace, Debug)]
pub struct Proposal {
    pub version: u8,
    pub bump: u8,
    /// Its id: the config's proposal counter when it was created.
    pub id: u64,
    /// Paid its rent and gets it back.
    pub proposer: Pubkey,
    pub proposed_at: i64,
    /// Earliest execution: `proposed_at` + the timelock delay of that time (and never before
    /// `proposed_at` + the current delay, should the delay have been raised since).
    pub executable_at: i64,
    /// Execution fails from this time on (`PROPOSAL_EXECUTION_WINDOW` after `executable_at`).
    pub expires_at: i64,
    /// Hash of the document explaining the proposal.
    pub description_hash: [u8; 32],
    /// Where that document can be read.
    #[max_len(MAX_URI_LEN)]
    pub description_uri: String,
    #[max_len(MAX_PROPOSAL_CHANGES)]
    pub changes: Vec<GovernanceChange>,
    pub reserved: [u8; 32],
}

impl Proposal {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Checks a proposal's shape: one to `MAX_PROPOSAL_CHANGES` changes, each setting a new
    /// value, no field twice, at most one capital pool; returns that capital pool.
    pub fn check_changes(changes: &[GovernanceChange]) -> Result<Option<Pubkey>> {
        require!(
            (1..=MAX_PROPOSAL_CHANGES).contains(&changes.len()),
            BulwarkError::InvalidProposalSize
        );
        let mut target = None;
        for (index, change) in changes.iter().enumerate() {
            require!(change.changes_value(), BulwarkError::NoOpChange);
            require!(
                changes[..index]
                    .iter()
                    .all(|earlier| earlier.field() != change.field()),
                BulwarkError::DuplicateChange
            );
            if let Some(pool) = change.capital_pool() {
                require!(
                    target.is_none_or(|named| named == pool),
                    BulwarkError::WrongProposalTarget
                );
                target = Some(pool);
            }
        }
        Ok(target)
    }

    /// The capital pool the proposal changes, if any.
    pub fn capital_pool(&self) -> Option<Pubkey> {
        self.changes.iter().find_map(GovernanceChange::capital_pool)
    }

    /// Applies the parameter and treasury changes to `params` and `treasury`, each only if it
    /// still holds the proposed-against value (`ProposalStale` otherwise), then validates the
    /// result. Capital pool changes are left to [`Proposal::apply_to_capital_pool`].
    pub fn apply_to_config(
        changes: &[GovernanceChange],
        params: &mut ProtocolParams,
        treasury: &mut Pubkey,
    ) -> Result<()> {
        for change in changes {
            match *change {
                GovernanceChange::Param { param, old, new } => {
                    require!(params.get(param) == old, BulwarkError::ProposalStale);
                    *params = params.with(param, new).ok_or(out_of_range(param))?;
                }
                GovernanceChange::Treasury { old, new } => {
                    require_keys_eq!(*treasury, old, BulwarkError::ProposalStale);
                    require_keys_neq!(new, Pubkey::default(), BulwarkError::InvalidTreasury);
                    *treasury = new;
                }
                GovernanceChange::MinCapital { .. } | GovernanceChange::McrBps { .. } => {}
            }
        }
        params.validate()
    }

    /// Applies the capital pool changes to `pool`, each only if it still holds the
    /// proposed-against value; the minimum capital share must stay within its bounds.
    pub fn apply_to_capital_pool(
        changes: &[GovernanceChange],
        pool: &mut CapitalPool,
    ) -> Result<()> {
        for change in changes {
            match *change {
                GovernanceChange::MinCapital { old, new, .. } => {
                    require!(pool.min_capital == old, BulwarkError::ProposalStale);
                    pool.min_capital = new;
                }
                GovernanceChange::McrBps { old, new, .. } => {
                    require!(pool.mcr_bps == old, BulwarkError::ProposalStale);
                    pool.mcr_bps = new;
                }
                GovernanceChange::Param { .. } | GovernanceChange::Treasury { .. } => {}
            }
        }
        require!(
            (MIN_MCR_BPS..=MAX_MCR_BPS).contains(&pool.mcr_bps),
            BulwarkError::InvalidCapitalRequirement
        );
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.proposed_at <= self.executable_at
                && self.executable_at < self.expires_at
                && self.description_uri.len() <= MAX_URI_LEN
                && (1..=MAX_PROPOSAL_CHANGES).contains(&self.changes.len()),
            "a proposal has the current version, is executable after it was proposed and before it expires, with a short URI and one to eight changes"
        );
        Ok(())
    }
}
