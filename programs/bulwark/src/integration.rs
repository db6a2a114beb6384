//! For programs that call Bulwark (feature `cpi`).
//!
//! Anchor's generated `cpi::file_claim`, `cpi::transfer_cover` and the like work as they are.
//! `buy_cover` needs this helper: Anchor encodes an absent optional account (no
//! `commission_destination`) as Bulwark's program id, so Bulwark's program account must be
//! among the invoke's account infos, and a `CpiContext` cannot hand over an account info
//! without also appending it to the instruction's accounts, where Bulwark counts the pools.

use crate::cpi::accounts::BuyCover;
use crate::instructions::BuyCoverArgs;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::{get_return_data, invoke_signed};
use anchor_lang::InstructionData;

/// Buys cover through CPI: `pools` are the `[pool, pool_product, vault]` triples of the
/// allocations, in order; `signer_seeds` sign for a PDA payer (empty when the payer's own
/// signature passes through). Returns the new cover's address, read from Bulwark's return data
/// and checked against `accounts.cover` (whose PDA Bulwark verified), or `None` if Bulwark did
/// not return it: map that to your program's own error.
pub fn buy_cover<'info>(
    bulwark_program: &AccountInfo<'info>,
    accounts: BuyCover<'info>,
    pools: &[AccountInfo<'info>],
    args: BuyCoverArgs,
    signer_seeds: &[&[&[u8]]],
) -> Result<Option<Pubkey>> {
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
        program_id: crate::ID,
        accounts: metas,
        data: crate::instruction::BuyCover { args }.data(),
    };
    invoke_signed(&instruction, &infos, signer_seeds)?;
    // The raw return data: the typed `Return<Pubkey>` panics when another program set it.
    Ok(get_return_data()
        .filter(|(program_id, _)| *program_id == crate::ID)
        .and_then(|(_, data)| Pubkey::try_from_slice(&data).ok())
        .filter(|cover| *cover == expected))
}
