use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ProductUpdated;
use crate::state::{Config, Product, ProductTerms};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct UpdateProduct<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Account<'info, Config>,
    #[account(mut)]
    pub product: Account<'info, Product>,
}

impl UpdateProduct<'_> {
    /// Replaces a product's terms (deprecation included). Existing covers keep the terms they
    /// were bought under; only new purchases see the change.
    pub fn update_product(ctx: Context<UpdateProduct>, terms: ProductTerms) -> Result<()> {
        terms.validate()?;
        let product = &mut ctx.accounts.product;
        require!(product.terms != terms, BulwarkError::EmptyUpdate);
        let old_terms = std::mem::replace(&mut product.terms, terms);
        product.invariant()?;
        emit!(ProductUpdated {
            product: product.key(),
            product_id: product.id,
            old_terms,
            new_terms: product.terms.clone(),
        });
        Ok(())
    }
}
