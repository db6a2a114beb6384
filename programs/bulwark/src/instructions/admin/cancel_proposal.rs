use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ProposalCancelled;
use crate::state::{Config, Proposal};
use anchor_lang::prelude::*;

#[derive(Accounts)]
#[instruction(id: u64)]
pub struct CancelProposal<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    /// Closed, its rent back to its proposer.
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
}

impl CancelProposal<'_> {
    /// Governance withdraws a proposal that has not been executed (expired ones included).
    pub fn cancel_proposal(ctx: Context<CancelProposal>, _id: u64) -> Result<()> {
        emit!(ProposalCancelled {
            proposal: ctx.accounts.proposal.key(),
            id: ctx.accounts.proposal.id,
            authority: ctx.accounts.authority.key(),
        });
        Ok(())
    }
}
