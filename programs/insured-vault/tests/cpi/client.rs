//! The vault's client, as its tests use it: its PDAs and one builder per instruction (Bulwark's
//! side comes from `bulwark_testing::builders`).

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use bulwark::instructions::FileClaimArgs;
use bulwark_testing::builders::{self as bulwark_builders, CoverKeys};
use insured_vault::constants::*;
use insured_vault::instructions::{DepositArgs, InsureTreasuryArgs};
use insured_vault::state::SponsorPolicy;

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: insured_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &insured_vault::ID).0
}

/// Addresses of one vault, derived from its mint.
#[derive(Clone, Copy, Debug)]
pub struct VaultKeys {
    pub vault: Pubkey,
    pub sponsor: Pubkey,
    pub deposits: Pubkey,
    pub reserve: Pubkey,
    pub mint: Pubkey,
    pub token_program: Pubkey,
}

impl VaultKeys {
    pub fn new(mint: Pubkey, token_program: Pubkey) -> Self {
        let vault = pda(&[VAULT_SEED, mint.as_ref()]);
        let sponsor = pda(&[SPONSOR_SEED, vault.as_ref()]);
        Self {
            vault,
            sponsor,
            deposits: pda(&[DEPOSITS_SEED, vault.as_ref()]),
            reserve: anchor_spl::associated_token::get_associated_token_address_with_program_id(
                &sponsor,
                &mint,
                &token_program,
            ),
            mint,
            token_program,
        }
    }

    pub fn deposit_record(&self, owner: &Pubkey) -> Pubkey {
        pda(&[DEPOSIT_SEED, self.vault.as_ref(), owner.as_ref()])
    }
}

/// The example program's ProgramData account (its upgrade authority creates vaults).
pub fn program_data_address() -> Pubkey {
    Pubkey::find_program_address(
        &[insured_vault::ID.as_ref()],
        &anchor_lang::solana_program::bpf_loader_upgradeable::ID,
    )
    .0
}

pub fn initialize_vault(
    admin: &Pubkey,
    keys: &VaultKeys,
    product_id: u64,
    sponsor_policy: SponsorPolicy,
) -> Instruction {
    ix(
        insured_vault::accounts::InitializeVault {
            admin: *admin,
            vault: keys.vault,
            sponsor: keys.sponsor,
            mint: keys.mint,
            deposits: keys.deposits,
            reserve: keys.reserve,
            program_data: program_data_address(),
            token_program: keys.token_program,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        insured_vault::instruction::InitializeVault {
            product_id,
            sponsor_policy,
        },
    )
}

pub fn set_sponsor_policy(admin: &Pubkey, keys: &VaultKeys, policy: SponsorPolicy) -> Instruction {
    ix(
        insured_vault::accounts::SetSponsorPolicy {
            admin: *admin,
            vault: keys.vault,
        },
        insured_vault::instruction::SetSponsorPolicy { policy },
    )
}

/// `deposit` buying cover on `product_id` from `pools`; `cover` is the cover PDA Bulwark will
/// create (payer = the sponsor or the user, see [`DepositArgs::sponsored`]).
pub fn deposit(
    user: &Pubkey,
    user_token: &Pubkey,
    keys: &VaultKeys,
    product_id: u64,
    cover: &Pubkey,
    pools: &[Pubkey],
    args: DepositArgs,
) -> Instruction {
    let mut ix = ix(
        insured_vault::accounts::DepositInsured {
            user: *user,
            vault: keys.vault,
            sponsor: keys.sponsor,
            deposit: keys.deposit_record(user),
            mint: keys.mint,
            user_token: *user_token,
            deposits: keys.deposits,
            reserve: keys.reserve,
            bulwark_config: bulwark_builders::config_pda(),
            product: bulwark_builders::product_pda(product_id),
            cover: *cover,
            bulwark_program: bulwark::ID,
            token_program: keys.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        insured_vault::instruction::Deposit { args },
    );
    ix.accounts
        .extend(bulwark_builders::cover_pool_accounts(pools, product_id));
    ix
}

pub fn withdraw(user: &Pubkey, user_token: &Pubkey, keys: &VaultKeys, amount: u64) -> Instruction {
    ix(
        insured_vault::accounts::Withdraw {
            user: *user,
            vault: keys.vault,
            sponsor: keys.sponsor,
            deposit: keys.deposit_record(user),
            mint: keys.mint,
            deposits: keys.deposits,
            user_token: *user_token,
            token_program: keys.token_program,
        },
        insured_vault::instruction::Withdraw { amount },
    )
}

pub fn insure_treasury(
    admin: &Pubkey,
    keys: &VaultKeys,
    product_id: u64,
    cover: &Pubkey,
    pools: &[Pubkey],
    args: InsureTreasuryArgs,
) -> Instruction {
    let mut ix = ix(
        insured_vault::accounts::InsureTreasury {
            admin: *admin,
            vault: keys.vault,
            sponsor: keys.sponsor,
            mint: keys.mint,
            reserve: keys.reserve,
            bulwark_config: bulwark_builders::config_pda(),
            product: bulwark_builders::product_pda(product_id),
            cover: *cover,
            bulwark_program: bulwark::ID,
            token_program: keys.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        insured_vault::instruction::InsureTreasury { args },
    );
    ix.accounts
        .extend(bulwark_builders::cover_pool_accounts(pools, product_id));
    ix
}

pub fn file_treasury_claim(
    admin: &Pubkey,
    keys: &VaultKeys,
    cover: &CoverKeys,
    claim_index: u32,
    args: FileClaimArgs,
) -> Instruction {
    let deposit_pool = cover.pools[0];
    ix(
        insured_vault::accounts::FileTreasuryClaim {
            admin: *admin,
            vault: keys.vault,
            sponsor: keys.sponsor,
            mint: keys.mint,
            reserve: keys.reserve,
            bulwark_config: bulwark_builders::config_pda(),
            cover: cover.cover,
            claim: bulwark_builders::claim_pda(&cover.cover, claim_index),
            deposit_pool,
            pool_vault: bulwark_builders::vault_pda(&deposit_pool),
            bulwark_mint_params: bulwark_builders::mint_params_pda(&cover.mint),
            bulwark_program: bulwark::ID,
            token_program: keys.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        insured_vault::instruction::FileTreasuryClaim { args },
    )
}
