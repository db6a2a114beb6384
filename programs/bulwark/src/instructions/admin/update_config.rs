use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ConfigUpdated;
use crate::state::{Config, ProtocolParams};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateConfigArgs {
    /// The complete new parameter set; each field is bounded by `ProtocolParams::validate`.
    pub params: ProtocolParams,
    pub treasury: Pubkey,
}

#[derive(Accounts)]
pub struct UpdateConfig<'info> {
    pub authority: Signer<'info>,
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Account<'info, Config>,
}

impl UpdateConfig<'_> {
    fn validate(&self, args: &UpdateConfigArgs) -> Result<()> {
        require_keys_neq!(
            args.treasury,
            Pubkey::default(),
            BulwarkError::InvalidTreasury
        );
        require!(
            args.params != self.config.params || args.treasury != self.config.treasury,
            BulwarkError::EmptyUpdate
        );
        args.params.validate()
    }

    /// Replaces the protocol parameters and treasury; emits every old and new value.
    pub fn update_config(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
        ctx.accounts.validate(&args)?;
        let config = &mut ctx.accounts.config;
        let event = ConfigUpdated {
            old_params: config.params,
            new_params: args.params,
            old_treasury: config.treasury,
            new_treasury: args.treasury,
        };
        config.params = args.params;
        config.treasury = args.treasury;
        config.invariant()?;
        emit!(event);
        Ok(())
    }
}
