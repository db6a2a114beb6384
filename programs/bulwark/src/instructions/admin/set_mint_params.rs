use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::MintParamsSet;
use crate::state::{Config, MintParams};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::Mint;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetMintParamsArgs {
    /// Smallest claim deposit on covers of this mint, in its base units; more than zero.
    pub claim_min_deposit: u64,
}

#[derive(Accounts)]
pub struct SetMintParams<'info> {
    /// Governance; pays the account's rent the first time a mint is listed.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init_if_needed,
        payer = authority,
        space = MintParams::SPACE,
        seeds = [MINT_PARAMS_SEED, mint.key().as_ref()],
        bump,
    )]
    pub mint_params: Box<Account<'info, MintParams>>,
    pub system_program: Program<'info, System>,
}

impl SetMintParams<'_> {
    /// Lists a mint (first call) or changes its parameters. A claim already filed keeps the
    /// deposit it paid.
    pub fn set_mint_params(ctx: Context<SetMintParams>, args: SetMintParamsArgs) -> Result<()> {
        require!(
            args.claim_min_deposit > 0,
            BulwarkError::InvalidClaimDeposit
        );
        let mint = ctx.accounts.mint.key();
        let params = &mut ctx.accounts.mint_params;
        let old_claim_min_deposit = params.claim_min_deposit;
        params.version = ACCOUNT_VERSION;
        params.bump = ctx.bumps.mint_params;
        params.mint = mint;
        params.claim_min_deposit = args.claim_min_deposit;
        params.invariant()?;
        emit!(MintParamsSet {
            mint,
            old_claim_min_deposit,
            new_claim_min_deposit: args.claim_min_deposit,
        });
        Ok(())
    }
}
