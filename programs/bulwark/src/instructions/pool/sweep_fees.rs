use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::FeesSwept;
use crate::instructions::capital::{capital_settle, capital_snapshot};
use crate::state::{CapitalPool, Config, Pool};
use crate::token::token_account_space;
use crate::token::transfer_from_pool;
use anchor_lang::error::ErrorCode;
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct SweepFees<'info> {
    /// Anyone; pays the reward pot's rent the first time a pool on this mint is swept.
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = treasury_token.mint == pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = treasury_token.owner == config.treasury @ BulwarkError::WrongTreasuryAccount,
    )]
    pub treasury_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The assessment reward pot of this mint: a token account owned by the config PDA, at the
    /// bump the mint's capital pool stores (`init_if_needed` would search for it). The first
    /// sweep on the mint creates it.
    /// CHECK: `open_reward_pot` creates it or checks it is the config's account of the mint.
    #[account(
        mut,
        seeds = [REWARD_POT_SEED, mint.key().as_ref()],
        bump = capital_pool.reward_pot_bump,
    )]
    pub reward_pot: UncheckedAccount<'info>,
    /// The mint's capital pool: receives its premium share.
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        mut,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump = capital_pool.vault_bump,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl SweepFees<'_> {
    /// Creates the reward pot if it does not exist yet, as Anchor's `init_if_needed` would (an
    /// address someone already sent lamports to is topped up, allocated and assigned); an
    /// existing one must be a token account of the token program, of the mint, owned by the
    /// config.
    fn open_reward_pot(&self) -> Result<()> {
        let pot = self.reward_pot.to_account_info();
        if pot.owner != &system_program::ID {
            require_keys_eq!(
                *pot.owner,
                self.token_program.key(),
                ErrorCode::ConstraintTokenTokenProgram
            );
            let existing = TokenAccount::try_deserialize(&mut &pot.try_borrow_data()?[..])?;
            require_keys_eq!(
                existing.mint,
                self.mint.key(),
                ErrorCode::ConstraintTokenMint
            );
            require_keys_eq!(
                existing.owner,
                self.config.key(),
                ErrorCode::ConstraintTokenOwner
            );
            return Ok(());
        }
        let mint = self.mint.key();
        let bump = [self.capital_pool.reward_pot_bump];
        let seeds: [&[u8]; 3] = [REWARD_POT_SEED, mint.as_ref(), &bump];
        let signer = [&seeds[..]];
        let space = token_account_space(&self.mint)?;
        let rent = Rent::get()?.minimum_balance(space);
        let (from, to) = (self.payer.to_account_info(), pot.clone());
        let system = self.system_program.key();
        let owner = self.token_program.key();
        let held = pot.lamports();
        if held == 0 {
            system_program::create_account(
                CpiContext::new(system, system_program::CreateAccount { from, to })
                    .with_signer(&signer),
                rent,
                space as u64,
                &owner,
            )?;
        } else {
            require_keys_neq!(
                self.payer.key(),
                pot.key(),
                ErrorCode::TryingToInitPayerAsProgramAccount
            );
            system_program::create_account_allow_prefund(
                CpiContext::new(
                    system,
                    system_program::CreateAccountAllowPrefund { from, to },
                )
                .with_signer(&signer),
                rent.max(1).saturating_sub(held),
                space as u64,
                &owner,
            )?;
        }
        token_interface::initialize_account3(CpiContext::new(
            owner,
            token_interface::InitializeAccount3 {
                account: pot,
                mint: self.mint.to_account_info(),
                authority: self.config.to_account_info(),
            },
        ))
    }

    /// Moves a pool's accrued protocol fee to the treasury, its assessment share to the reward
    /// pot of its mint and its capital pool share to the mint's capital pool, whose members'
    /// capital grows by it. Purchases only add to the pool's own counters, so they never
    /// write a protocol-wide account; this permissionless sweep settles them. First it books
    /// what nobody can claim (the vault's surplus, and reward dust once the pool's rewards are
    /// idle: `Pool::book_unclaimable`) as treasury share, so no token stays stuck.
    pub fn sweep_fees(ctx: Context<SweepFees>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        accounts.open_reward_pot()?;
        let now = Clock::get()?.unix_timestamp;
        let (before, surplus, reward_dust, treasury_amount, assessment_amount, capital_amount) = {
            let mut pool = accounts.pool.load_mut()?;
            // Streams that ended stop here, so idle reward dust is seen as idle.
            pool.roll_forward(now)?;
            let (surplus, reward_dust) = pool.book_unclaimable(accounts.vault.amount)?;
            (
                pool.snapshot(accounts.vault.amount)?,
                surplus,
                reward_dust,
                std::mem::take(&mut pool.treasury_accrued),
                std::mem::take(&mut pool.assessment_accrued),
                std::mem::take(&mut pool.capital_accrued),
            )
        };
        require!(
            treasury_amount > 0 || assessment_amount > 0 || capital_amount > 0,
            BulwarkError::NothingToClaim
        );
        let capital_before = capital_snapshot(&accounts.capital_pool, &accounts.capital_vault)?;
        accounts.capital_pool.book_premium(capital_amount)?;
        for (amount, destination) in [
            (treasury_amount, accounts.treasury_token.to_account_info()),
            (assessment_amount, accounts.reward_pot.to_account_info()),
            (capital_amount, accounts.capital_vault.to_account_info()),
        ] {
            if amount > 0 {
                transfer_from_pool(
                    &accounts.token_program,
                    &accounts.pool,
                    &accounts.vault,
                    &accounts.mint,
                    destination,
                    amount,
                )?;
            }
        }
        accounts.vault.reload()?;
        let pool = accounts.pool.load()?;
        pool.invariant()?;
        pool.check_vault(&before, accounts.vault.amount)?;
        capital_settle(
            &accounts.capital_pool,
            &accounts.capital_vault,
            &capital_before,
        )?;
        emit!(FeesSwept {
            pool: accounts.pool.key(),
            treasury_amount,
            assessment_amount,
            capital_amount,
            capital_pool: accounts.capital_pool.key(),
            capital: accounts.capital_pool.capital,
            surplus,
            reward_dust,
            treasury_token: accounts.treasury_token.key(),
            reward_pot: accounts.reward_pot.key(),
        });
        Ok(())
    }
}
