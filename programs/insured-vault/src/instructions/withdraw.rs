use crate::constants::*;
use crate::error::VaultError;
use crate::events::Withdrawn;
use crate::state::{Deposit, Vault};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub user: Signer<'info>,
    #[account(
        mut,
        seeds = [VAULT_SEED, mint.key().as_ref()],
        bump = vault.bump,
        has_one = mint,
        has_one = deposits,
    )]
    pub vault: Box<Account<'info, Vault>>,
    #[account(seeds = [SPONSOR_SEED, vault.key().as_ref()], bump = vault.sponsor_bump)]
    pub sponsor: SystemAccount<'info>,
    #[account(
        mut,
        seeds = [DEPOSIT_SEED, vault.key().as_ref(), user.key().as_ref()],
        bump = deposit.bump,
    )]
    pub deposit: Box<Account<'info, Deposit>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub deposits: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        token::mint = mint,
        token::authority = user,
        token::token_program = token_program,
    )]
    pub user_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl Withdraw<'_> {
    /// Returns `amount` of the depositor's savings once no sponsored cover on them is running.
    /// Their cover stays theirs.
    pub fn withdraw(ctx: Context<Withdraw>, amount: u64) -> Result<()> {
        require!(amount > 0, VaultError::ZeroAmount);
        require!(
            Clock::get()?.unix_timestamp >= ctx.accounts.deposit.locked_until,
            VaultError::DepositLocked
        );
        let accounts = ctx.accounts;
        accounts.deposit.amount = accounts
            .deposit
            .amount
            .checked_sub(amount)
            .ok_or(VaultError::InsufficientDeposit)?;
        accounts.vault.total_deposits = accounts
            .vault
            .total_deposits
            .checked_sub(amount)
            .ok_or(VaultError::MathOverflow)?;
        let vault_key = accounts.vault.key();
        let sponsor_seeds: &[&[u8]] = &[
            SPONSOR_SEED,
            vault_key.as_ref(),
            &[accounts.vault.sponsor_bump],
        ];
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                accounts.token_program.key(),
                TransferChecked {
                    from: accounts.deposits.to_account_info(),
                    mint: accounts.mint.to_account_info(),
                    to: accounts.user_token.to_account_info(),
                    authority: accounts.sponsor.to_account_info(),
                },
                &[sponsor_seeds],
            ),
            amount,
            accounts.mint.decimals,
        )?;
        emit!(Withdrawn {
            vault: vault_key,
            owner: accounts.user.key(),
            amount,
            owner_balance: accounts.deposit.amount,
            total_deposits: accounts.vault.total_deposits,
        });
        Ok(())
    }
}
