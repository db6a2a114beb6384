use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ProductCreated;
use crate::math::OrOverflow;
use crate::state::{Config, Product, ProductTerms, ProductType};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateProductArgs {
    pub product_type: ProductType,
    pub terms: ProductTerms,
}

#[derive(Accounts)]
pub struct CreateProduct<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Account<'info, Config>,
    #[account(
        init,
        payer = authority,
        space = Product::SPACE,
        seeds = [PRODUCT_SEED, &config.product_count.to_le_bytes()],
        bump,
    )]
    pub product: Account<'info, Product>,
    pub system_program: Program<'info, System>,
}

impl CreateProduct<'_> {
    /// Creates the next product (id = the config's product counter).
    pub fn create_product(ctx: Context<CreateProduct>, args: CreateProductArgs) -> Result<()> {
        // Cover on a parametric product could be bought but never claimed until incident
        // resolution (SPEC §4.6) exists, so such products cannot be created yet.
        require!(
            args.product_type == ProductType::Assessed,
            BulwarkError::ParametricNotSupported
        );
        args.terms.validate()?;
        let config = &mut ctx.accounts.config;
        let id = config.product_count;
        config.product_count = id.checked_add(1).or_overflow()?;
        let product = &mut ctx.accounts.product;
        product.set_inner(Product {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.product,
            product_type: args.product_type,
            id,
            terms: args.terms,
            reserved: [0; 57],
        });
        product.invariant()?;
        config.invariant()?;
        emit!(ProductCreated {
            product: product.key(),
            product_id: id,
            product_type: product.product_type,
            terms: product.terms.clone(),
        });
        Ok(())
    }
}
