use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::StakeExtended;
use crate::instructions::pool_vault::{pool_tokens, PoolTokens};
use crate::math::tranche::{is_depositable, tranche_at};
use crate::math::OrOverflow;
use crate::state::{Config, Pool, StakePosition};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ExtendStakeArgs {
    /// A later tranche than the position's, at most seven after the current one.
    pub new_tranche_id: u64,
    /// Extra stake to add while moving; may be zero.
    pub top_up_amount: u64,
}

#[derive(Accounts)]
pub struct ExtendStake<'info> {
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
        mut,
        has_one = owner @ BulwarkError::NotPositionOwner,
        constraint = position.pool == pool.key() @ BulwarkError::WrongPool,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

pool_tokens!(ExtendStake);

impl ExtendStake<'_> {
    fn validate(&self, args: &ExtendStakeArgs, now: i64) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_STAKE, BulwarkError::StakingPaused)?;
        let current = tranche_at(now)?;
        require!(
            self.position.tranche_id >= current,
            BulwarkError::TrancheEnded
        );
        require!(
            args.new_tranche_id > self.position.tranche_id,
            BulwarkError::ExtendToEarlierTranche
        );
        require!(
            is_depositable(args.new_tranche_id, current),
            BulwarkError::InvalidTranche
        );
        let pool = self.pool.load()?;
        require!(
            args.top_up_amount == 0 || !pool.is_private() || self.owner.key() == pool.manager,
            BulwarkError::PrivatePool
        );
        Ok(())
    }

    /// Moves a position's stake to a later tranche (locking it longer), optionally topping up.
    pub fn extend_stake(ctx: Context<ExtendStake>, args: ExtendStakeArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(&args, now)?;

        let accounts = ctx.accounts;
        let before = accounts.snapshot()?;
        let old_tranche_id = accounts.position.tranche_id;
        let shares_burned = accounts.position.shares;
        let (moved_amount, shares_minted) = {
            let mut pool = accounts.pool.load_mut()?;
            pool.roll_forward(now)?;
            let reward_per_share = pool.reward_per_share(old_tranche_id)?;
            accounts.position.settle(reward_per_share)?;
            let moved_amount = pool.take_from_tranche(old_tranche_id, shares_burned)?;
            let total = moved_amount.checked_add(args.top_up_amount).or_overflow()?;
            let shares_minted = pool.deposit(args.new_tranche_id, total)?;
            accounts.position.tranche_id = args.new_tranche_id;
            accounts.position.shares = shares_minted;
            accounts.position.reward_checkpoint = pool.reward_per_share(args.new_tranche_id)?;
            (moved_amount, shares_minted)
        };

        if args.top_up_amount > 0 {
            accounts.collect(&accounts.owner_token, &accounts.owner, args.top_up_amount)?;
        }

        accounts.settle(&before)?;
        accounts.position.invariant()?;
        emit!(StakeExtended {
            pool: accounts.pool.key(),
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            old_tranche_id,
            new_tranche_id: args.new_tranche_id,
            moved_amount,
            top_up_amount: args.top_up_amount,
            shares_burned,
            shares_minted,
            pool_total_stake: accounts.pool.load()?.total_stake,
        });
        Ok(())
    }
}
