use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::StakeExtended;
use crate::instructions::pool_vault::*;
use crate::math::tranche::{is_depositable, tranche_at};
use crate::state::{Config, StakePosition};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

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
    pub pool_vault: PoolVault<'info>,
    #[account(
        mut,
        seeds = [
            POSITION_SEED,
            pool_vault.pool.key().as_ref(),
            owner.key().as_ref(),
            &position.position_id.to_le_bytes(),
        ],
        bump = position.bump,
        has_one = owner @ BulwarkError::NotPositionOwner,
        constraint = position.pool == pool_vault.pool.key() @ BulwarkError::WrongPool,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    #[account(
        mut,
        constraint = owner_token.mint == pool_vault.pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

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
        let pool = self.pool_vault.pool.load()?;
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
        let before = accounts.pool_vault.snapshot()?;
        let old_tranche_id = accounts.position.tranche_id;
        let shares_burned = accounts.position.shares;
        let (moved_amount, shares_minted) = {
            let mut pool = accounts.pool_vault.pool.load_mut()?;
            pool.roll_forward(now)?;
            let reward_per_share = pool.reward_per_share(old_tranche_id)?;
            accounts.position.settle(reward_per_share)?;
            let moved_amount = pool.take_from_tranche(old_tranche_id, shares_burned)?;
            let total = moved_amount
                .checked_add(args.top_up_amount)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            let shares_minted = pool.deposit(args.new_tranche_id, total)?;
            accounts.position.tranche_id = args.new_tranche_id;
            accounts.position.shares = shares_minted;
            accounts.position.reward_checkpoint = pool.reward_per_share(args.new_tranche_id)?;
            (moved_amount, shares_minted)
        };

        if args.top_up_amount > 0 {
            accounts.pool_vault.collect(
                &accounts.owner_token,
                &accounts.owner,
                args.top_up_amount,
            )?;
        }

        accounts.pool_vault.settle(&before)?;
        accounts.position.invariant()?;
        emit!(StakeExtended {
            pool: accounts.pool_vault.pool.key(),
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            old_tranche_id,
            new_tranche_id: args.new_tranche_id,
            moved_amount,
            top_up_amount: args.top_up_amount,
            shares_burned,
            shares_minted,
            pool_total_stake: accounts.pool_vault.pool.load()?.total_stake,
        });
        Ok(())
    }
}
