use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalPoolCreated;
use crate::math::OrOverflow;
use crate::state::{CapitalPool, Config, MintParams};
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_interface::{
    token_metadata_initialize, Mint, TokenAccount, TokenInterface, TokenMetadataInitialize,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateCapitalPoolArgs {
    /// Minimum capital requirement's floor, in the mint's base units.
    pub min_capital: u64,
    /// Minimum capital requirement as a share of the leverage lines outstanding, bps
    /// (1,000..=10,000; 10,000 holds all the leverage promised).
    pub mcr_bps: u16,
    /// The share token's metadata, as wallets and explorers show it.
    pub name: String,
    pub symbol: String,
    pub uri: String,
}

#[derive(Accounts)]
pub struct CreateCapitalPool<'info> {
    /// Governance; pays the rent of the pool, its vault and its share mint.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    /// The mint must be listed.
    #[account(
        seeds = [MINT_PARAMS_SEED, mint.key().as_ref()],
        bump = mint_params.bump,
    )]
    pub mint_params: Box<Account<'info, MintParams>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = authority,
        space = CapitalPool::SPACE,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        init,
        payer = authority,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = capital_pool,
        token::token_program = token_program,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Membership shares: Token-2022, the mint's decimals, the capital pool as mint authority,
    /// no freeze authority, its metadata on itself.
    #[account(
        init,
        payer = authority,
        seeds = [CAPITAL_SHARES_SEED, mint.key().as_ref()],
        bump,
        mint::decimals = mint.decimals,
        mint::authority = capital_pool,
        mint::token_program = share_token_program,
        extensions::metadata_pointer::authority = capital_pool,
        extensions::metadata_pointer::metadata_address = share_mint,
    )]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub share_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

impl CreateCapitalPool<'_> {
    fn validate(&self, args: &CreateCapitalPoolArgs) -> Result<()> {
        require!(
            args.name.len() <= MAX_SHARE_NAME_LEN
                && args.symbol.len() <= MAX_SHARE_SYMBOL_LEN
                && args.uri.len() <= MAX_URI_LEN,
            BulwarkError::ShareMetadataTooLong
        );
        require!(
            (MIN_MCR_BPS..=MAX_MCR_BPS).contains(&args.mcr_bps),
            BulwarkError::InvalidCapitalRequirement
        );
        crate::token::check_mint_extensions(&self.mint)
    }

    /// Governance: opens the capital pool of a listed mint, with its vault and its share mint.
    pub fn create_capital_pool(
        ctx: Context<CreateCapitalPool>,
        args: CreateCapitalPoolArgs,
    ) -> Result<()> {
        ctx.accounts.validate(&args)?;
        let accounts = ctx.accounts;
        let mint = accounts.mint.key();
        let pool_key = accounts.capital_pool.key();
        accounts.capital_pool.set_inner(CapitalPool {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.capital_pool,
            vault_bump: ctx.bumps.capital_vault,
            share_mint_bump: ctx.bumps.share_mint,
            mint,
            vault: accounts.capital_vault.key(),
            share_mint: accounts.share_mint.key(),
            token_program: accounts.token_program.key(),
            mcr_bps: args.mcr_bps,
            capital: 0,
            debt_issued: 0,
            debt_paid: 0,
            shares: 0,
            exiting_shares: 0,
            min_capital: args.min_capital,
            lines: 0,
            premiums_received: 0,
            claims_paid: 0,
            reserved: [0; 96],
        });
        accounts.capital_pool.invariant()?;

        // The metadata is written into the share mint, which grows by its TLV entry: fund the
        // rent of the larger account first.
        let share_mint = accounts.share_mint.to_account_info();
        let grown = share_mint
            .data_len()
            .checked_add(metadata_len(&args))
            .or_overflow()?;
        let rent = Rent::get()?.minimum_balance(grown);
        let top_up = rent.saturating_sub(share_mint.lamports());
        if top_up > 0 {
            system_program::transfer(
                CpiContext::new(
                    accounts.system_program.key(),
                    system_program::Transfer {
                        from: accounts.authority.to_account_info(),
                        to: share_mint.clone(),
                    },
                ),
                top_up,
            )?;
        }
        let bump = [ctx.bumps.capital_pool];
        let seeds: [&[u8]; 3] = [CAPITAL_POOL_SEED, mint.as_ref(), &bump];
        let signer = [&seeds[..]];
        token_metadata_initialize(
            CpiContext::new_with_signer(
                accounts.share_token_program.key(),
                TokenMetadataInitialize {
                    program_id: accounts.share_token_program.to_account_info(),
                    metadata: share_mint.clone(),
                    update_authority: accounts.capital_pool.to_account_info(),
                    mint_authority: accounts.capital_pool.to_account_info(),
                    mint: share_mint,
                },
                &signer,
            ),
            args.name.clone(),
            args.symbol.clone(),
            args.uri.clone(),
        )?;
        emit!(CapitalPoolCreated {
            capital_pool: pool_key,
            mint,
            vault: accounts.capital_vault.key(),
            share_mint: accounts.share_mint.key(),
            min_capital: args.min_capital,
            mcr_bps: args.mcr_bps,
            name: args.name,
            symbol: args.symbol,
            uri: args.uri,
        });
        Ok(())
    }
}

/// Bytes the token-metadata entry adds to the share mint: its type and length (2 + 2), the
/// update authority and mint (32 + 32), name, symbol and URI with their u32 lengths, and an
/// empty additional-metadata list (4).
fn metadata_len(args: &CreateCapitalPoolArgs) -> usize {
    4 + 32 + 32 + (4 + args.name.len()) + (4 + args.symbol.len()) + (4 + args.uri.len()) + 4
}
