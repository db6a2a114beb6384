use crate::constants::*;
use crate::error::VaultError;
use crate::events::DepositCovered;
use crate::state::{Deposit, Vault};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};
use bulwark::instructions::BuyCoverArgs;
use bulwark::program::Bulwark;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositArgs {
    /// Tokens deposited, and the cover amount bought for them.
    pub amount: u64,
    /// Cover period, seconds (Bulwark's limits apply).
    pub period: u32,
    /// Slippage guard on the premium. When the vault sponsors the cover it is further capped
    /// at the sponsor policy's `max_premium_bps` of the deposit.
    pub max_premium: u64,
    /// Cover amount per Bulwark pool, in the order of the remaining accounts; a sponsored
    /// deposit may only use the sponsor policy's pools.
    pub allocations: Vec<u64>,
    /// `true`: the vault pays premium and rent (the cover PDA is `["cover", sponsor,
    /// vault.covers_bought]`). `false`: the depositor pays (`["cover", user, cover_nonce]`).
    pub sponsored: bool,
    /// The depositor's cover nonce when not sponsored; ignored otherwise.
    pub cover_nonce: u64,
}

/// Remaining accounts: Bulwark's `[pool, pool_product, pool vault]` per allocation, writable.
#[derive(Accounts)]
pub struct DepositInsured<'info> {
    #[account(mut)]
    pub user: Signer<'info>,
    #[account(
        mut,
        seeds = [VAULT_SEED, mint.key().as_ref()],
        bump = vault.bump,
        has_one = mint,
        has_one = deposits,
        has_one = reserve,
    )]
    pub vault: Box<Account<'info, Vault>>,
    #[account(mut, seeds = [SPONSOR_SEED, vault.key().as_ref()], bump = vault.sponsor_bump)]
    pub sponsor: SystemAccount<'info>,
    #[account(
        init_if_needed,
        payer = user,
        space = 8 + Deposit::INIT_SPACE,
        seeds = [DEPOSIT_SEED, vault.key().as_ref(), user.key().as_ref()],
        bump,
    )]
    pub deposit: Box<Account<'info, Deposit>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        token::mint = mint,
        token::authority = user,
        token::token_program = token_program,
    )]
    pub user_token: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub deposits: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub reserve: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: Bulwark's config; Bulwark checks its address.
    pub bulwark_config: UncheckedAccount<'info>,
    /// CHECK: Bulwark product `vault.product_id`; Bulwark checks it against its seeds.
    pub product: UncheckedAccount<'info>,
    /// CHECK: the new cover; Bulwark creates it at its PDA and this program checks the address
    /// Bulwark returns against it.
    #[account(mut)]
    pub cover: UncheckedAccount<'info>,
    pub bulwark_program: Program<'info, Bulwark>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl<'info> DepositInsured<'info> {
    /// The premium the depositor lets Bulwark charge; for a sponsored deposit, also checks the
    /// deposit against the vault's sponsor policy (`pools` are the remaining accounts).
    fn premium_limit(&self, args: &DepositArgs, pools: &[AccountInfo]) -> Result<u64> {
        if !args.sponsored {
            return Ok(args.max_premium);
        }
        let policy = &self.vault.sponsor_policy;
        policy.check_sponsored(args.amount, pools.iter().step_by(3).map(|pool| pool.key()))?;
        Ok(args.max_premium.min(policy.premium_cap(args.amount)?))
    }

    /// Takes the deposit and buys cover for it, owned by the depositor, paid by the vault (the
    /// depositor's balance is then locked until that cover ends) or by the depositor. Returns
    /// the cover's address.
    pub fn deposit(
        ctx: Context<'info, DepositInsured<'info>>,
        args: DepositArgs,
    ) -> Result<Pubkey> {
        require!(args.amount > 0, VaultError::ZeroAmount);
        let max_premium = ctx.accounts.premium_limit(&args, ctx.remaining_accounts)?;
        let accounts = ctx.accounts;
        let vault_key = accounts.vault.key();

        let deposit = &mut accounts.deposit;
        if deposit.version == 0 {
            deposit.version = ACCOUNT_VERSION;
            deposit.bump = ctx.bumps.deposit;
            deposit.vault = vault_key;
            deposit.owner = accounts.user.key();
        }
        deposit.amount = deposit
            .amount
            .checked_add(args.amount)
            .ok_or(VaultError::MathOverflow)?;
        accounts.vault.total_deposits = accounts
            .vault
            .total_deposits
            .checked_add(args.amount)
            .ok_or(VaultError::MathOverflow)?;

        token_interface::transfer_checked(
            CpiContext::new(
                accounts.token_program.key(),
                TransferChecked {
                    from: accounts.user_token.to_account_info(),
                    mint: accounts.mint.to_account_info(),
                    to: accounts.deposits.to_account_info(),
                    authority: accounts.user.to_account_info(),
                },
            ),
            args.amount,
            accounts.mint.decimals,
        )?;

        let (payer, payer_token, cover_nonce) = if args.sponsored {
            let cover_end = Clock::get()?
                .unix_timestamp
                .checked_add(i64::from(args.period))
                .ok_or(VaultError::MathOverflow)?;
            accounts.deposit.locked_until = accounts.deposit.locked_until.max(cover_end);
            let nonce = accounts.vault.covers_bought;
            accounts.vault.covers_bought = nonce.checked_add(1).ok_or(VaultError::MathOverflow)?;
            (
                accounts.sponsor.to_account_info(),
                accounts.reserve.to_account_info(),
                nonce,
            )
        } else {
            (
                accounts.user.to_account_info(),
                accounts.user_token.to_account_info(),
                args.cover_nonce,
            )
        };
        let sponsor_seeds: &[&[u8]] = &[
            SPONSOR_SEED,
            vault_key.as_ref(),
            &[accounts.vault.sponsor_bump],
        ];
        let seeds = [sponsor_seeds];
        let signer: &[&[&[u8]]] = if args.sponsored { &seeds } else { &[] };
        let cover = bulwark::integration::buy_cover(
            &accounts.bulwark_program.to_account_info(),
            bulwark::cpi::accounts::BuyCover {
                payer,
                config: accounts.bulwark_config.to_account_info(),
                product: accounts.product.to_account_info(),
                cover: accounts.cover.to_account_info(),
                mint: accounts.mint.to_account_info(),
                payer_token,
                commission_destination: None,
                token_program: accounts.token_program.to_account_info(),
                system_program: accounts.system_program.to_account_info(),
            },
            ctx.remaining_accounts,
            BuyCoverArgs {
                cover_nonce,
                owner: accounts.user.key(),
                product_id: accounts.vault.product_id,
                amount: args.amount,
                period: args.period,
                max_premium,
                allocations: args.allocations,
                commission_bps: 0,
            },
            signer,
        )?
        .ok_or(VaultError::MissingCoverAddress)?;
        accounts.deposit.last_cover = cover;

        emit!(DepositCovered {
            vault: vault_key,
            owner: accounts.user.key(),
            amount: args.amount,
            cover,
            sponsored: args.sponsored,
            owner_balance: accounts.deposit.amount,
            total_deposits: accounts.vault.total_deposits,
        });
        Ok(cover)
    }
}
