use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::{CapitalRequirementSet, ConfigUpdated, ProposalExecuted};
use crate::math::OrOverflow;
use crate::state::{CapitalPool, Config, Proposal};
use anchor_lang::prelude::*;

#[derive(Accounts)]
#[instruction(id: u64)]
pub struct ExecuteProposal<'info> {
    /// Anyone: the changes were decided when governance proposed them.
    pub caller: Signer<'info>,
    #[account(mut, address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    /// Closed once executed, its rent back to its proposer.
    #[account(
        mut,
        close = proposer,
        seeds = [PROPOSAL_SEED, &id.to_le_bytes()],
        bump = proposal.bump,
        has_one = proposer @ BulwarkError::WrongProposal,
    )]
    pub proposal: Box<Account<'info, Proposal>>,
    /// CHECK: only receives the proposal's rent; `has_one` above binds it.
    #[account(mut)]
    pub proposer: UncheckedAccount<'info>,
    /// The capital pool the proposal changes; required exactly when it changes one.
    #[account(mut)]
    pub capital_pool: Option<Box<Account<'info, CapitalPool>>>,
}

impl ExecuteProposal<'_> {
    fn validate(&self, now: i64) -> Result<()> {
        let proposal = &self.proposal;
        // The delay of the proposal's time, or today's if it was raised since.
        let current = proposal
            .proposed_at
            .checked_add(i64::from(self.config.params.timelock_delay))
            .or_overflow()?;
        require!(
            now >= proposal.executable_at && now >= current,
            BulwarkError::TimelockNotElapsed
        );
        require!(now < proposal.expires_at, BulwarkError::ProposalExpired);
        require!(
            proposal.capital_pool() == self.capital_pool.as_ref().map(|pool| pool.key()),
            BulwarkError::WrongProposalTarget
        );
        Ok(())
    }

    /// Applies a proposal whose timelock has elapsed, all of its changes or none: each field
    /// must still hold the value it was proposed against (`ProposalStale`), and the result
    /// must satisfy every bound and rule. Emits `ConfigUpdated` and `CapitalRequirementSet`
    /// for what it changed.
    pub fn execute_proposal(ctx: Context<ExecuteProposal>, _id: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(now)?;
        let accounts = ctx.accounts;
        let changes = &accounts.proposal.changes;
        let config = &mut accounts.config;
        let (old_params, old_treasury) = (config.params, config.treasury);
        let (mut params, mut treasury) = (old_params, old_treasury);
        Proposal::apply_to_config(changes, &mut params, &mut treasury)?;
        config.params = params;
        config.treasury = treasury;
        config.invariant()?;
        if config.params != old_params || config.treasury != old_treasury {
            emit!(ConfigUpdated {
                old_params,
                new_params: config.params,
                old_treasury,
                new_treasury: config.treasury,
            });
        }
        if let Some(pool) = accounts.capital_pool.as_mut() {
            let (old_min_capital, old_mcr_bps) = (pool.min_capital, pool.mcr_bps);
            Proposal::apply_to_capital_pool(changes, pool)?;
            pool.invariant()?;
            emit!(CapitalRequirementSet {
                capital_pool: pool.key(),
                old_min_capital,
                new_min_capital: pool.min_capital,
                old_mcr_bps,
                new_mcr_bps: pool.mcr_bps,
            });
        }
        emit!(ProposalExecuted {
            proposal: accounts.proposal.key(),
            id: accounts.proposal.id,
            executor: accounts.caller.key(),
            changes: accounts.proposal.changes.clone(),
        });
        Ok(())
    }
}
