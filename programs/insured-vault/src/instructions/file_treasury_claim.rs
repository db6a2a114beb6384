use crate::constants::*;
use crate::error::VaultError;
use crate::state::Vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use bulwark::instructions::FileClaimArgs;
use bulwark::program::Bulwark;

#[derive(Accounts)]
pub struct FileTreasuryClaim<'info> {
    pub admin: Signer<'info>,
    #[account(
        seeds = [VAULT_SEED, mint.key().as_ref()],
        bump = vault.bump,
        has_one = admin @ VaultError::NotAdmin,
        has_one = mint,
        has_one = reserve,
    )]
    pub vault: Box<Account<'info, Vault>>,
    /// Signs as the cover owner; pays the claim's rent.
    #[account(mut, seeds = [SPONSOR_SEED, vault.key().as_ref()], bump = vault.sponsor_bump)]
    pub sponsor: SystemAccount<'info>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// Pays the claim deposit.
    #[account(mut)]
    pub reserve: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: Bulwark's config; Bulwark checks its address.
    pub bulwark_config: UncheckedAccount<'info>,
    /// CHECK: a Bulwark cover; Bulwark requires the sponsor to own it.
    #[account(mut)]
    pub cover: UncheckedAccount<'info>,
    /// CHECK: the new claim, created by Bulwark at its PDA.
    #[account(mut)]
    pub claim: UncheckedAccount<'info>,
    /// CHECK: the cover's first pool; Bulwark checks it.
    #[account(mut)]
    pub deposit_pool: UncheckedAccount<'info>,
    /// CHECK: that pool's vault; Bulwark checks it.
    #[account(mut)]
    pub pool_vault: UncheckedAccount<'info>,
    /// CHECK: Bulwark's parameters of the mint (the claim deposit); Bulwark checks it.
    pub bulwark_mint_params: UncheckedAccount<'info>,
    pub bulwark_program: Program<'info, Bulwark>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl FileTreasuryClaim<'_> {
    /// Files a claim on a treasury cover. Bulwark only accepts it when the sponsor owns the
    /// cover: the vault cannot claim on its depositors' covers, even those it paid for.
    pub fn file_treasury_claim(ctx: Context<FileTreasuryClaim>, args: FileClaimArgs) -> Result<()> {
        let accounts = ctx.accounts;
        let vault_key = accounts.vault.key();
        let sponsor_seeds: &[&[u8]] = &[
            SPONSOR_SEED,
            vault_key.as_ref(),
            &[accounts.vault.sponsor_bump],
        ];
        let claim_accounts = bulwark::cpi::accounts::FileClaim {
            owner: accounts.sponsor.to_account_info(),
            config: accounts.bulwark_config.to_account_info(),
            cover: accounts.cover.to_account_info(),
            claim: accounts.claim.to_account_info(),
            deposit_pool: accounts.deposit_pool.to_account_info(),
            mint: accounts.mint.to_account_info(),
            mint_params: accounts.bulwark_mint_params.to_account_info(),
            vault: accounts.pool_vault.to_account_info(),
            owner_token: accounts.reserve.to_account_info(),
            token_program: accounts.token_program.to_account_info(),
            system_program: accounts.system_program.to_account_info(),
        };
        bulwark::cpi::file_claim(
            CpiContext::new_with_signer(bulwark::ID, claim_accounts, &[sponsor_seeds]),
            args,
        )
    }
}
