use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ConfigInitialized;
use crate::state::{Config, ProtocolParams};
use crate::token::check_mint_extensions;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeConfigArgs {
    /// Governance authority of the new deployment (may differ from the deployer).
    pub authority: Pubkey,
    /// Owner of the treasury token accounts.
    pub treasury: Pubkey,
    pub params: ProtocolParams,
}

#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    /// The program's upgrade authority: only the deployer can initialize, so nobody can
    /// front-run the deployment and install themselves as governance.
    #[account(mut)]
    pub deployer: Signer<'info>,
    #[account(init, payer = deployer, space = Config::SPACE, seeds = [CONFIG_SEED], bump)]
    pub config: Box<Account<'info, Config>>,
    #[account(mint::token_program = token_program)]
    pub assessment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = deployer,
        seeds = [ASSESSMENT_VAULT_SEED],
        bump,
        token::mint = assessment_mint,
        token::authority = config,
        token::token_program = token_program,
    )]
    pub assessment_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()],
        bump,
        seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(deployer.key())
            @ BulwarkError::NotUpgradeAuthority,
    )]
    pub program_data: Account<'info, ProgramData>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl InitializeConfig<'_> {
    fn validate(&self, args: &InitializeConfigArgs) -> Result<()> {
        require_keys_neq!(
            args.authority,
            Pubkey::default(),
            BulwarkError::InvalidAuthority
        );
        require_keys_neq!(
            args.treasury,
            Pubkey::default(),
            BulwarkError::InvalidTreasury
        );
        args.params.validate()?;
        check_mint_extensions(&self.assessment_mint)
    }

    /// Creates the protocol config and the assessment stake vault.
    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        ctx.accounts.validate(&args)?;
        let config = &mut ctx.accounts.config;
        config.set_inner(Config {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.config,
            assessment_vault_bump: ctx.bumps.assessment_vault,
            pause_flags: 0,
            authority: args.authority,
            pending_authority: Pubkey::default(),
            treasury: args.treasury,
            assessment_mint: ctx.accounts.assessment_mint.key(),
            assessment_vault: ctx.accounts.assessment_vault.key(),
            params: args.params,
            product_count: 0,
            pool_count: 0,
            total_assessor_stake: 0,
            pause_clocks: Default::default(),
            proposal_count: 0,
            reserved: [0; 12],
        });
        config.invariant()?;
        emit!(ConfigInitialized {
            authority: config.authority,
            treasury: config.treasury,
            assessment_mint: config.assessment_mint,
            assessment_vault: config.assessment_vault,
            params: config.params,
        });
        Ok(())
    }
}
