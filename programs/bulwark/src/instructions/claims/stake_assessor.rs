use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::AssessorStaked;
use crate::state::{Assessor, Config};
use crate::token::transfer_in;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct StakeAssessor<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    /// Writable: it keeps the total assessor stake.
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = assessment_mint @ BulwarkError::WrongAssessmentAccount,
        has_one = assessment_vault @ BulwarkError::WrongAssessmentAccount,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(
        init_if_needed,
        payer = owner,
        space = Assessor::SPACE,
        seeds = [ASSESSOR_SEED, owner.key().as_ref()],
        bump,
    )]
    pub assessor: Box<Account<'info, Assessor>>,
    #[account(mint::token_program = token_program)]
    pub assessment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub assessment_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = owner_token.mint == assessment_mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl StakeAssessor<'_> {
    /// Adds assessment-mint stake: the weight of the assessor's future votes once it is
    /// `assessor_stake_age` old (stake that matured before stays matured).
    pub fn stake_assessor(ctx: Context<StakeAssessor>, amount: u64) -> Result<()> {
        require!(amount > 0, BulwarkError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let age = accounts.config.params.assessor_stake_age;
        accounts.config.add_assessor_stake(amount)?;
        let assessor = &mut accounts.assessor;
        if assessor.version == 0 {
            assessor.version = ACCOUNT_VERSION;
            assessor.bump = ctx.bumps.assessor;
            assessor.owner = accounts.owner.key();
        }
        assessor.add_stake(amount, now, age)?;
        transfer_in(
            &accounts.token_program,
            &accounts.owner_token,
            &accounts.assessment_mint,
            accounts.assessment_vault.to_account_info(),
            &accounts.owner,
            amount,
        )?;
        accounts.assessor.invariant()?;
        emit!(AssessorStaked {
            assessor: accounts.assessor.key(),
            owner: accounts.owner.key(),
            amount,
            staked: accounts.assessor.staked,
            pending: accounts.assessor.pending,
            pending_matures_at: accounts.assessor.pending_matures_at,
            total_assessor_stake: accounts.config.total_assessor_stake,
        });
        Ok(())
    }
}
