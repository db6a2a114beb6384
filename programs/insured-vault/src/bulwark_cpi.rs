//! The two calls into Bulwark this program makes, with the return-data check a caller of
//! `buy_cover` must do itself.

use crate::error::VaultError;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::{get_return_data, invoke_signed};
use anchor_lang::InstructionData;
use bulwark::cpi::accounts::{BuyCover, FileClaim};
use bulwark::instructions::{BuyCoverArgs, FileClaimArgs};

/// Buys cover through CPI and returns the cover's address, read from Bulwark's return data
/// and checked against the cover account Bulwark was given (whose PDA it verified).
///
/// Built by hand rather than with `bulwark::cpi::buy_cover`: Anchor encodes the absent
/// `commission_destination` as Bulwark's program id, so Bulwark's program account must be among
/// the account infos, and a `CpiContext` cannot pass an account info without also appending it
/// to the instruction's remaining accounts (which Bulwark counts).
pub fn buy_cover<'info>(
    bulwark_program: &AccountInfo<'info>,
    accounts: BuyCover<'info>,
    pools: &[AccountInfo<'info>],
    args: BuyCoverArgs,
    signer_seeds: &[&[&[u8]]],
) -> Result<Pubkey> {
    let expected = accounts.cover.key();
    let mut metas = accounts.to_account_metas(None);
    metas.extend(pools.iter().map(|pool| AccountMeta {
        pubkey: pool.key(),
        is_signer: false,
        is_writable: pool.is_writable,
    }));
    let mut infos = accounts.to_account_infos();
    infos.extend_from_slice(pools);
    infos.push(bulwark_program.clone());
    let instruction = Instruction {
        program_id: bulwark::ID,
        accounts: metas,
        data: bulwark::instruction::BuyCover { args }.data(),
    };
    invoke_signed(&instruction, &infos, signer_seeds)?;
    // Read the raw return data (the typed `Return<Pubkey>` panics on a foreign program id).
    let (program_id, data) = get_return_data().ok_or(VaultError::MissingCoverAddress)?;
    require_keys_eq!(program_id, bulwark::ID, VaultError::MissingCoverAddress);
    let cover =
        Pubkey::try_from_slice(&data).map_err(|_| error!(VaultError::MissingCoverAddress))?;
    require_keys_eq!(cover, expected, VaultError::UnexpectedCoverAddress);
    Ok(cover)
}

pub fn file_claim<'info>(
    accounts: FileClaim<'info>,
    args: FileClaimArgs,
    signer_seeds: &[&[&[u8]]],
) -> Result<()> {
    bulwark::cpi::file_claim(
        CpiContext::new_with_signer(bulwark::ID, accounts, signer_seeds),
        args,
    )
}
