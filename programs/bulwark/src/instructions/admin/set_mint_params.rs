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
    /// deposit it paid. Listing also records the bump of the mint's reward pot, which its
    /// capital pool and claims copy.
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
        if params.reward_pot_bump == 0 {
            params.reward_pot_bump = reward_pot_bump(&mint, ctx.program_id);
        }
        params.invariant()?;
        emit!(MintParamsSet {
            mint,
            old_claim_min_deposit,
            new_claim_min_deposit: args.claim_min_deposit,
        });
        Ok(())
    }
}

/// The canonical bump of `mint`'s reward pot: the one search for it, when the mint is listed
/// (or, for parameters stored before the bump was, at their next update); it is never 0.
fn reward_pot_bump(mint: &Pubkey, program_id: &Pubkey) -> u8 {
    Pubkey::find_program_address(&[REWARD_POT_SEED, mint.as_ref()], program_id).1
}
