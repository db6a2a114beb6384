use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::PoolCreated;
use crate::math::buckets::bucket_at;
use crate::math::OrOverflow;
use crate::state::{CapitalPool, Config, Pool};
use crate::token::check_mint_extensions;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreatePoolArgs {
    pub manager_fee_bps: u16,
    /// Ceiling of the manager fee for the pool's whole life.
    pub max_manager_fee_bps: u16,
    /// Private pools accept deposits from the manager only.
    pub private: bool,
}

#[derive(Accounts)]
pub struct CreatePool<'info> {
    /// Becomes the pool manager and pays the rent.
    #[account(mut)]
    pub manager: Signer<'info>,
    #[account(mut, address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        init,
        payer = manager,
        space = Pool::SPACE,
        seeds = [POOL_SEED, &config.pool_count.to_le_bytes()],
        bump,
    )]
    pub pool: AccountLoader<'info, Pool>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The mint's capital pool: pools exist only on mints governance listed and gave a
    /// capital pool, the payer of what stake does not pay.
    #[account(seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()], bump = capital_pool.bump)]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        init,
        payer = manager,
        seeds = [VAULT_SEED, pool.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = pool,
        token::token_program = token_program,
    )]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl CreatePool<'_> {
    fn validate(&self, args: &CreatePoolArgs) -> Result<()> {
        require!(
            args.max_manager_fee_bps <= MAX_MANAGER_FEE_BPS,
            BulwarkError::MaxManagerFeeTooHigh
        );
        require!(
            args.manager_fee_bps <= args.max_manager_fee_bps,
            BulwarkError::ManagerFeeAboveMax
        );
        check_mint_extensions(&self.mint)
    }

    /// Opens a staking pool on one mint with a PDA-owned vault (id = the config's pool counter).
    pub fn create_pool(ctx: Context<CreatePool>, args: CreatePoolArgs) -> Result<()> {
        ctx.accounts.validate(&args)?;
        let now = Clock::get()?.unix_timestamp;
        let config = &mut ctx.accounts.config;
        let id = config.pool_count;
        config.pool_count = id.checked_add(1).or_overflow()?;
        config.invariant()?;
        // Field by field on the zeroed account: a whole `Pool` value would not fit SBF's
        // 4 KiB stack frame. Streams and tranches start empty (all zero).
        let mut pool = ctx.accounts.pool.load_init()?;
        pool.manager = ctx.accounts.manager.key();
        pool.mint = ctx.accounts.mint.key();
        pool.vault = ctx.accounts.vault.key();
        pool.token_program = ctx.accounts.token_program.key();
        pool.id = id;
        pool.rewards_updated_at = now;
        pool.last_bucket = bucket_at(now)?;
        pool.manager_fee_bps = args.manager_fee_bps;
        pool.max_manager_fee_bps = args.max_manager_fee_bps;
        pool.version = ACCOUNT_VERSION;
        pool.bump = ctx.bumps.pool;
        pool.vault_bump = ctx.bumps.vault;
        pool.private = u8::from(args.private);
        pool.invariant()?;
        emit!(PoolCreated {
            pool: ctx.accounts.pool.key(),
            pool_id: id,
            manager: pool.manager,
            mint: pool.mint,
            vault: pool.vault,
            token_program: pool.token_program,
            manager_fee_bps: pool.manager_fee_bps,
            max_manager_fee_bps: pool.max_manager_fee_bps,
            private: args.private,
        });
        Ok(())
    }
}
