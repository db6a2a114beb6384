use crate::constants::*;
use crate::error::VaultError;
use crate::events::TreasuryInsured;
use crate::state::Vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use bulwark::instructions::BuyCoverArgs;
use bulwark::program::Bulwark;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InsureTreasuryArgs {
    pub amount: u64,
    pub period: u32,
    pub max_premium: u64,
    pub allocations: Vec<u64>,
}

/// Remaining accounts: Bulwark's `[pool, pool_product, pool vault]` per allocation, writable.
#[derive(Accounts)]
pub struct InsureTreasury<'info> {
    pub admin: Signer<'info>,
    #[account(
        mut,
        seeds = [VAULT_SEED, mint.key().as_ref()],
        bump = vault.bump,
        has_one = admin @ VaultError::NotAdmin,
        has_one = mint,
        has_one = reserve,
    )]
    pub vault: Box<Account<'info, Vault>>,
    #[account(mut, seeds = [SPONSOR_SEED, vault.key().as_ref()], bump = vault.sponsor_bump)]
    pub sponsor: SystemAccount<'info>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub reserve: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: Bulwark's config; Bulwark checks its address.
    pub bulwark_config: UncheckedAccount<'info>,
    /// CHECK: Bulwark product `vault.product_id`; Bulwark checks it against its seeds.
    pub product: UncheckedAccount<'info>,
    /// CHECK: the new cover, created by Bulwark at `["cover", sponsor, vault.covers_bought]`.
    #[account(mut)]
    pub cover: UncheckedAccount<'info>,
    pub bulwark_program: Program<'info, Bulwark>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl<'info> InsureTreasury<'info> {
    /// The vault insures its own deposits: cover owned and paid by the sponsor PDA, paid out
    /// into the reserve.
    pub fn insure_treasury(
        ctx: Context<'info, InsureTreasury<'info>>,
        args: InsureTreasuryArgs,
    ) -> Result<Pubkey> {
        let accounts = ctx.accounts;
        let vault_key = accounts.vault.key();
        let nonce = accounts.vault.covers_bought;
        accounts.vault.covers_bought = nonce.checked_add(1).ok_or(VaultError::MathOverflow)?;
        let sponsor_seeds: &[&[u8]] = &[
            SPONSOR_SEED,
            vault_key.as_ref(),
            &[accounts.vault.sponsor_bump],
        ];
        let cover = bulwark::integration::buy_cover(
            &accounts.bulwark_program.to_account_info(),
            bulwark::cpi::accounts::BuyCover {
                payer: accounts.sponsor.to_account_info(),
                config: accounts.bulwark_config.to_account_info(),
                product: accounts.product.to_account_info(),
                cover: accounts.cover.to_account_info(),
                mint: accounts.mint.to_account_info(),
                payer_token: accounts.reserve.to_account_info(),
                commission_destination: None,
                token_program: accounts.token_program.to_account_info(),
                system_program: accounts.system_program.to_account_info(),
            },
            ctx.remaining_accounts,
            BuyCoverArgs {
                cover_nonce: nonce,
                owner: accounts.sponsor.key(),
                product_id: accounts.vault.product_id,
                amount: args.amount,
                period: args.period,
                max_premium: args.max_premium,
                allocations: args.allocations,
                commission_bps: 0,
            },
            &[sponsor_seeds],
        )?
        .ok_or(VaultError::MissingCoverAddress)?;
        emit!(TreasuryInsured {
            vault: vault_key,
            cover,
            amount: args.amount,
        });
        Ok(cover)
    }
}
