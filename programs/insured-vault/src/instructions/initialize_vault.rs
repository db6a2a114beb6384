use crate::constants::*;
use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::state::Vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct InitializeVault<'info> {
    /// Becomes the vault admin; pays the rent.
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(
        init,
        payer = admin,
        space = 8 + Vault::INIT_SPACE,
        seeds = [VAULT_SEED, mint.key().as_ref()],
        bump,
    )]
    pub vault: Box<Account<'info, Vault>>,
    #[account(seeds = [SPONSOR_SEED, vault.key().as_ref()], bump)]
    pub sponsor: SystemAccount<'info>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = admin,
        seeds = [DEPOSITS_SEED, vault.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = sponsor,
        token::token_program = token_program,
    )]
    pub deposits: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = admin,
        seeds = [RESERVE_SEED, vault.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = sponsor,
        token::token_program = token_program,
    )]
    pub reserve: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl InitializeVault<'_> {
    /// Creates a vault on `mint` whose deposits are covered on Bulwark product `product_id`.
    pub fn initialize_vault(
        ctx: Context<InitializeVault>,
        product_id: u64,
        max_sponsor_premium_bps: u16,
    ) -> Result<()> {
        require!(
            (1..=MAX_SPONSOR_PREMIUM_BPS).contains(&max_sponsor_premium_bps),
            VaultError::InvalidPremiumCap
        );
        let accounts = ctx.accounts;
        accounts.vault.set_inner(Vault {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.vault,
            sponsor_bump: ctx.bumps.sponsor,
            admin: accounts.admin.key(),
            mint: accounts.mint.key(),
            deposits: accounts.deposits.key(),
            reserve: accounts.reserve.key(),
            product_id,
            max_sponsor_premium_bps,
            covers_bought: 0,
            total_deposits: 0,
            reserved: [0; 32],
        });
        emit!(VaultInitialized {
            vault: accounts.vault.key(),
            admin: accounts.admin.key(),
            mint: accounts.mint.key(),
            product_id,
            max_sponsor_premium_bps,
        });
        Ok(())
    }
}
