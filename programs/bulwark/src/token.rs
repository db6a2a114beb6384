//! Token movements and mint vetting shared by the instructions that touch a vault.

use crate::constants::{CAPITAL_POOL_SEED, POOL_SEED};
use crate::error::BulwarkError;
use crate::state::{CapitalPool, Pool};
use anchor_lang::prelude::*;
use anchor_spl::associated_token::get_associated_token_address_with_program_id;
use anchor_spl::token_2022::spl_token_2022::extension::{
    default_account_state::DefaultAccountState, BaseStateWithExtensions, ExtensionType,
    StateWithExtensions,
};
use anchor_spl::token_2022::spl_token_2022::state::{AccountState, Mint as MintState};
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

/// Token-2022 mint extensions a vault can live with: they change how a balance is shown or
/// describe the mint, never how much a transfer moves or who may move it. Every other extension
/// (transfer fee, transfer hook, permanent delegate, confidential transfers, non-transferable,
/// pausable, close authority that would let the mint be re-created differently, and any
/// extension added later) is refused.
const ALLOWED_MINT_EXTENSIONS: [ExtensionType; 8] = [
    ExtensionType::MetadataPointer,
    ExtensionType::TokenMetadata,
    ExtensionType::GroupPointer,
    ExtensionType::TokenGroup,
    ExtensionType::GroupMemberPointer,
    ExtensionType::TokenGroupMember,
    ExtensionType::InterestBearingConfig,
    ExtensionType::ScaledUiAmount,
];

/// Refuses a mint whose extensions would break the program's accounting. Legacy SPL Token
/// mints have no extensions and always pass.
pub fn check_mint_extensions(mint: &InterfaceAccount<Mint>) -> Result<()> {
    let info = mint.to_account_info();
    if *info.owner == anchor_spl::token::ID {
        return Ok(());
    }
    let data = info.try_borrow_data()?;
    let state = StateWithExtensions::<MintState>::unpack(&data)
        .map_err(|_| error!(BulwarkError::UnsupportedMintExtension))?;
    let extensions = state
        .get_extension_types()
        .map_err(|_| error!(BulwarkError::UnsupportedMintExtension))?;
    for extension in extensions {
        if extension == ExtensionType::DefaultAccountState {
            let default_state = state
                .get_extension::<DefaultAccountState>()
                .map_err(|_| error!(BulwarkError::UnsupportedMintExtension))?;
            require!(
                default_state.state != AccountState::Frozen as u8,
                BulwarkError::UnsupportedMintExtension
            );
        } else {
            require!(
                ALLOWED_MINT_EXTENSIONS.contains(&extension),
                BulwarkError::UnsupportedMintExtension
            );
        }
    }
    Ok(())
}

// The transfer helpers are `#[inline(always)]`: they take more arguments than SBF passes in
// registers, and the registry-only toolchain cannot spill the rest to the stack.

/// `transfer_checked` of `amount` from `from` to `to`, signed by `authority` (a wallet that
/// signed the transaction, or a PDA when `signer_seeds` is given).
#[inline(always)]
pub fn transfer<'info>(
    token_program: &Interface<'info, TokenInterface>,
    from: AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    authority: AccountInfo<'info>,
    signer_seeds: Option<&[&[u8]]>,
    amount: u64,
) -> Result<()> {
    let accounts = TransferChecked {
        from,
        mint: mint.to_account_info(),
        to,
        authority,
    };
    let seeds;
    let ctx = match signer_seeds {
        Some(signer_seeds) => {
            seeds = [signer_seeds];
            CpiContext::new_with_signer(token_program.key(), accounts, &seeds)
        }
        None => {
            // A wallet's own transfer: a low balance is the caller's mistake, said as such
            // rather than as the token program's error.
            require!(
                token_amount(&accounts.from)? >= amount,
                BulwarkError::InsufficientBalance
            );
            CpiContext::new(token_program.key(), accounts)
        }
    };
    token_interface::transfer_checked(ctx, amount, mint.decimals)
}

/// Moves `amount` from a user's token account, signed by the user, into a program vault.
#[inline(always)]
pub fn transfer_in<'info>(
    token_program: &Interface<'info, TokenInterface>,
    from: &InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    authority: &Signer<'info>,
    amount: u64,
) -> Result<()> {
    transfer(
        token_program,
        from.to_account_info(),
        mint,
        to,
        authority.to_account_info(),
        None,
        amount,
    )
}

/// Moves `amount` out of a pool's vault, signed by the pool PDA. The pool account must not be
/// borrowed while this runs: the CPI re-borrows it.
#[inline(always)]
pub fn transfer_from_pool<'info>(
    token_program: &Interface<'info, TokenInterface>,
    pool: &AccountLoader<'info, Pool>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    let (pool_id, bump) = {
        let pool = pool.load()?;
        (pool.id.to_le_bytes(), [pool.bump])
    };
    transfer_out(
        token_program,
        vault,
        mint,
        to,
        pool.to_account_info(),
        &[POOL_SEED, &pool_id, &bump],
        amount,
    )
}

/// Moves `amount` out of a capital pool's vault, signed by the capital pool PDA.
#[inline(always)]
pub fn transfer_from_capital<'info>(
    token_program: &Interface<'info, TokenInterface>,
    capital_pool: &Account<'info, CapitalPool>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    let mint_key = mint.key();
    transfer_out(
        token_program,
        vault,
        mint,
        to,
        capital_pool.to_account_info(),
        &[CAPITAL_POOL_SEED, mint_key.as_ref(), &[capital_pool.bump]],
        amount,
    )
}

/// Moves `amount` out of a program vault whose token authority is the PDA `authority`,
/// signed with that PDA's seeds.
#[inline(always)]
pub fn transfer_out<'info>(
    token_program: &Interface<'info, TokenInterface>,
    from: &InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    authority: AccountInfo<'info>,
    signer_seeds: &[&[u8]],
    amount: u64,
) -> Result<()> {
    transfer(
        token_program,
        from.to_account_info(),
        mint,
        to,
        authority,
        Some(signer_seeds),
        amount,
    )
}

/// Balance of a token account the caller has already matched to a program vault (a vault is
/// only ever created by this program as a token account): the `amount` field of the SPL Token
/// and Token-2022 layout (bytes 64..72), read without deserializing the whole account.
pub fn token_amount(account: &AccountInfo) -> Result<u64> {
    let data = account.try_borrow_data()?;
    let bytes: [u8; 8] = data
        .get(64..72)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| error!(BulwarkError::WrongVault))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Payouts and refunds are cranked by anyone, but only the recipient chooses where its tokens
/// go: a third party must pay into the recipient's associated token account. Otherwise it could
/// pay a program's PDA into a token account that program has no instruction to move.
pub fn check_recipient_account(
    recipient_token: &Pubkey,
    recipient: &Pubkey,
    caller: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
) -> Result<()> {
    if caller == recipient {
        return Ok(());
    }
    require_keys_eq!(
        *recipient_token,
        get_associated_token_address_with_program_id(recipient, mint, token_program),
        BulwarkError::RecipientNotAssociated
    );
    Ok(())
}
