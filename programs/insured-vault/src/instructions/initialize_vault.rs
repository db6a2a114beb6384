use crate::constants::*;
use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::state::{SponsorPolicy, Vault};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct InitializeVault<'info> {
    /// The program's upgrade authority, so nobody can front-run the deployment and take a
    /// vault (and its reserve) for themselves; becomes the vault admin and pays the rent.
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
    /// Funds sponsored premiums and receives treasury payouts: the sponsor's associated token
    /// account, the one Bulwark lets anyone crank a payout into. Anyone can create an associated
    /// token account, so one made ahead of the vault is adopted (Anchor checks its mint, owner
    /// and address) rather than letting it block the vault.
    #[account(
        init_if_needed,
        payer = admin,
        associated_token::mint = mint,
        associated_token::authority = sponsor,
        associated_token::token_program = token_program,
    )]
    pub reserve: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(admin.key())
            @ VaultError::NotUpgradeAuthority,
    )]
    pub program_data: Account<'info, ProgramData>,
    pub token_program: Interface<'info, TokenInterface>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

impl InitializeVault<'_> {
    /// Creates a vault on `mint` whose deposits are covered on Bulwark product `product_id`.
    pub fn initialize_vault(
        ctx: Context<InitializeVault>,
        product_id: u64,
        sponsor_policy: SponsorPolicy,
    ) -> Result<()> {
        sponsor_policy.validate()?;
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
            sponsor_policy: sponsor_policy.clone(),
            covers_bought: 0,
            total_deposits: 0,
            reserved: [0; 32],
        });
        emit!(VaultInitialized {
            vault: accounts.vault.key(),
            admin: accounts.admin.key(),
            mint: accounts.mint.key(),
            product_id,
            sponsor_policy,
        });
        Ok(())
    }
}
