use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::PoolProductSet;
use crate::math::buckets::bucket_at;
use crate::math::tranche::tranche_at;
use crate::math::OrOverflow;
use crate::state::{Config, Pool, PoolProduct, Product};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetPoolProductArgs {
    pub product_id: u64,
    /// Share of the pool's capacity for this product, 0..=100; 0 stops new cover from the pool.
    pub target_weight: u16,
    /// Annual price asked, bps; at least the product's minimum price.
    pub target_price_bps: u16,
}

#[derive(Accounts)]
#[instruction(args: SetPoolProductArgs)]
pub struct SetPoolProduct<'info> {
    #[account(mut)]
    pub manager: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = manager @ BulwarkError::NotPoolManager,
    )]
    pub pool: AccountLoader<'info, Pool>,
    #[account(
        seeds = [PRODUCT_SEED, &args.product_id.to_le_bytes()],
        bump = product.bump,
    )]
    pub product: Box<Account<'info, Product>>,
    #[account(
        init_if_needed,
        payer = manager,
        space = PoolProduct::SPACE,
        seeds = [POOL_PRODUCT_SEED, pool.key().as_ref(), &args.product_id.to_le_bytes()],
        bump,
    )]
    pub pool_product: AccountLoader<'info, PoolProduct>,
    pub system_program: Program<'info, System>,
}

impl SetPoolProduct<'_> {
    fn validate(&self, args: &SetPoolProductArgs, current_weight: u16) -> Result<()> {
        require!(
            args.target_weight <= MAX_PRODUCT_WEIGHT,
            BulwarkError::InvalidWeight
        );
        require!(
            args.target_price_bps >= self.product.terms.min_price_bps
                && args.target_price_bps <= MAX_PRICE_BPS,
            BulwarkError::InvalidTargetPrice
        );
        // A deprecated product may only lose weight in a pool, never gain it.
        require!(
            !self.product.terms.deprecated || args.target_weight <= current_weight,
            BulwarkError::ProductDeprecated
        );
        Ok(())
    }

    /// Sets the weight and target price of one product in the manager's pool, creating the
    /// pool-product account on first use. Batch several in one transaction for many products.
    /// The pool's sum of effective weights may not rise above `max_total_weight`: a product
    /// keeps the weight its sold cover uses whatever its new target (Nexus Mutual's effective
    /// weight), so moving weight between products cannot resell the same stake.
    pub fn set_pool_product(ctx: Context<SetPoolProduct>, args: SetPoolProductArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let loader = &ctx.accounts.pool_product;
        // `init_if_needed` leaves a new zero-copy account without its discriminator.
        let is_new = loader.as_ref().try_borrow_data()?[..8]
            .iter()
            .all(|b| *b == 0);
        let mut pool_product = if is_new {
            loader.load_init()?
        } else {
            loader.load_mut()?
        };
        ctx.accounts.validate(&args, pool_product.target_weight)?;
        let pool_key = ctx.accounts.pool.key();
        let mut pool = ctx.accounts.pool.load_mut()?;
        let terms = &ctx.accounts.product.terms;
        if is_new {
            pool_product.version = ACCOUNT_VERSION;
            pool_product.bump = ctx.bumps.pool_product;
            pool_product.pool = pool_key;
            pool_product.product_id = args.product_id;
            pool_product.last_bucket = bucket_at(now)?;
        }
        // Nexus Mutual's guards, on the price the next purchase's base decays from: a listing
        // that starts selling (new, or back from weight 0) starts at least at the product's
        // initial price (a target above it applies at once); a changed target rebases on the
        // price reached, so a lowered one is reached by the daily decay, never at once. Anything
        // else leaves the price and its decay clock alone. (A new account is zeroed: weight 0,
        // and a price reached of the product's minimum.)
        let starts_selling = pool_product.target_weight == 0 && args.target_weight > 0;
        if starts_selling || args.target_price_bps != pool_product.target_price_bps {
            let reached = pool_product.price(terms, &ctx.accounts.config.params, now)?;
            let floor = if starts_selling {
                u64::from(terms.initial_price_bps)
            } else {
                0
            };
            pool_product.bumped_price_bps = u16::try_from(reached.max(floor)).or_overflow()?;
            pool_product.bumped_price_updated_at = now;
        }
        pool.roll_forward(now)?;
        pool_product.roll_forward(now)?;
        let old_weight = pool_product.target_weight;
        let old_target_price_bps = pool_product.target_price_bps;
        // Bring this product's stored weight up to date under its old target first, so the
        // comparison below sees only what this change does.
        let books = pool_product.books(&pool, tranche_at(now)?);
        let old_effective_weight =
            pool_product.set_effective_weight(&mut pool, books.effective_weight(old_weight))?;
        let old_total = pool.total_effective_weight;
        pool_product.target_weight = args.target_weight;
        pool_product.target_price_bps = args.target_price_bps;
        pool_product.set_effective_weight(&mut pool, books.effective_weight(args.target_weight))?;
        // Lowering is always allowed, even above a bound governance has since tightened.
        require!(
            pool.total_effective_weight <= u32::from(ctx.accounts.config.params.max_total_weight)
                || pool.total_effective_weight <= old_total,
            BulwarkError::TotalWeightExceeded
        );
        pool_product.invariant()?;
        pool.invariant()?;
        emit!(PoolProductSet {
            pool: pool_key,
            product_id: args.product_id,
            old_weight,
            new_weight: args.target_weight,
            old_target_price_bps,
            new_target_price_bps: args.target_price_bps,
            old_effective_weight,
            new_effective_weight: pool_product.effective_weight,
            pool_total_effective_weight: pool.total_effective_weight,
            bumped_price_bps: pool_product.bumped_price_bps,
        });
        Ok(())
    }
}
