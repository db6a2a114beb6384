use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ProposalCreated;
use crate::math::OrOverflow;
use crate::state::{Config, GovernanceChange, Proposal};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateProposalArgs {
    /// The fields to change, each with the value it holds now and the value to set.
    pub changes: Vec<GovernanceChange>,
    /// Hash of the document explaining the proposal.
    pub description_hash: [u8; 32],
    /// Where that document can be read.
    pub description_uri: String,
}

#[derive(Accounts)]
pub struct CreateProposal<'info> {
    /// Governance; pays the proposal's rent (back when it is executed or cancelled).
    #[account(mut)]
    pub authority: Signer<'info>,
    /// Writable: its proposal counter gives the proposal its id.
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(
        init,
        payer = authority,
        space = Proposal::SPACE,
        seeds = [PROPOSAL_SEED, &config.proposal_count.to_le_bytes()],
        bump,
    )]
    pub proposal: Box<Account<'info, Proposal>>,
    pub system_program: Program<'info, System>,
}

impl CreateProposal<'_> {
    /// Checks the proposal's shape, and that its parameter and treasury changes hold against
    /// today's config (they are checked again, against the config of the time, at execution).
    fn validate(&self, args: &CreateProposalArgs) -> Result<()> {
        Proposal::check_changes(&args.changes)?;
        require!(
            args.description_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        for change in &args.changes {
            if let GovernanceChange::McrBps { new, .. } = change {
                require!(
                    (MIN_MCR_BPS..=MAX_MCR_BPS).contains(new),
                    BulwarkError::InvalidCapitalRequirement
                );
            }
        }
        let (mut params, mut treasury) = (self.config.params, self.config.treasury);
        Proposal::apply_to_config(&args.changes, &mut params, &mut treasury)
    }

    /// Governance proposes changes to parameters, the treasury or a capital pool's minimum
    /// capital requirement. They become executable after the timelock delay and stay so for
    /// `PROPOSAL_EXECUTION_WINDOW`.
    pub fn create_proposal(ctx: Context<CreateProposal>, args: CreateProposalArgs) -> Result<()> {
        ctx.accounts.validate(&args)?;
        let now = Clock::get()?.unix_timestamp;
        let config = &mut ctx.accounts.config;
        let id = config.proposal_count;
        config.proposal_count = id.checked_add(1).or_overflow()?;
        let executable_at = now
            .checked_add(i64::from(config.params.timelock_delay))
            .or_overflow()?;
        let expires_at = executable_at
            .checked_add(PROPOSAL_EXECUTION_WINDOW)
            .or_overflow()?;
        let proposal = &mut ctx.accounts.proposal;
        proposal.set_inner(Proposal {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.proposal,
            id,
            proposer: ctx.accounts.authority.key(),
            proposed_at: now,
            executable_at,
            expires_at,
            description_hash: args.description_hash,
            description_uri: args.description_uri,
            changes: args.changes,
            reserved: [0; 32],
        });
        proposal.invariant()?;
        emit!(ProposalCreated {
            proposal: proposal.key(),
            id,
            proposer: proposal.proposer,
            changes: proposal.changes.clone(),
            executable_at,
            expires_at,
            description_hash: proposal.description_hash,
            description_uri: proposal.description_uri.clone(),
        });
        Ok(())
    }
}
