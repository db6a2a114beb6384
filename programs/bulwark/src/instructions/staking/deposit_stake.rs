use crate::constants::*;
use crate::error::{broken, BulwarkError};
use crate::events::StakeDeposited;
use crate::instructions::pool_vault::{pool_tokens, PoolTokens};
use crate::math::tranche::{is_depositable, tranche_at};
use crate::math::OrOverflow;
use crate::state::{Config, Pool, StakePosition};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositStakeArgs {
    /// Client-chosen id of the position; an existing position in the same tranche is topped up.
    pub position_id: u64,
    /// The current tranche or one of the next seven.
    pub tranche_id: u64,
    pub amount: u64,
}

#[derive(Accounts)]
#[instruction(args: DepositStakeArgs)]
pub struct DepositStake<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    #[account(
        init_if_needed,
        payer = owner,
        space = StakePosition::SPACE,
        seeds = [
            POSITION_SEED,
            pool.key().as_ref(),
            owner.key().as_ref(),
            &args.position_id.to_le_bytes(),
        ],
        bump,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub system_program: Program<'info, System>,
}

pool_tokens!(DepositStake);

impl DepositStake<'_> {
    fn validate(&self, args: &DepositStakeArgs, now: i64) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_STAKE, BulwarkError::StakingPaused)?;
        require!(args.amount > 0, BulwarkError::ZeroAmount);
        let pool = self.pool.load()?;
        require!(
            !pool.is_private() || self.owner.key() == pool.manager,
            BulwarkError::PrivatePool
        );
        require!(
            is_depositable(args.tranche_id, tranche_at(now)?),
            BulwarkError::InvalidTranche
        );
        require!(
            self.position.version == 0 || self.position.tranche_id == args.tranche_id,
            BulwarkError::PositionTrancheMismatch
        );
        Ok(())
    }

    /// Deposits stake into a tranche, opening the position or topping it up.
    pub fn deposit_stake(ctx: Context<DepositStake>, args: DepositStakeArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(&args, now)?;

        let accounts = ctx.accounts;
        let before = accounts.snapshot()?;
        let pool_key = accounts.pool.key();
        let shares = {
            let mut pool = accounts.pool.load_mut()?;
            pool.roll_forward(now)?;
            let shares = pool.deposit(args.tranche_id, args.amount)?;
            // `deposit` settled the tranche before minting: rewards up to now are earned by
            // the position's old shares only.
            let reward_per_share = pool.reward_per_share(args.tranche_id)?;
            let position = &mut accounts.position;
            if position.version == 0 {
                position.version = ACCOUNT_VERSION;
                position.bump = ctx.bumps.position;
                position.pool = pool_key;
                position.owner = accounts.owner.key();
                position.position_id = args.position_id;
                position.tranche_id = args.tranche_id;
                position.reward_checkpoint = reward_per_share;
                pool.open_positions = pool.open_positions.checked_add(1).or_overflow()?;
            }
            position.settle(reward_per_share)?;
            position.shares = position.shares.checked_add(shares).or_overflow()?;
            shares
        };

        accounts.collect(&accounts.owner_token, &accounts.owner, args.amount)?;

        accounts.settle(&before)?;
        accounts.position.invariant()?;
        let pool = accounts.pool.load()?;
        let slot = pool
            .slot(args.tranche_id)
            .ok_or_else(|| broken!("the tranche deposited into holds a ring slot"))?;
        emit!(StakeDeposited {
            pool: pool_key,
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            tranche_id: args.tranche_id,
            amount: args.amount,
            shares_minted: shares,
            position_shares: accounts.position.shares,
            tranche_stake: slot.stake,
            tranche_shares: slot.shares.get(),
            pool_total_stake: pool.total_stake,
        });
        Ok(())
    }
}
