//! Instruction builders and PDA derivations, one per program instruction.

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use bulwark::constants::*;
use bulwark::instructions::*;
use bulwark::state::{CapitalPool, Config, GovernanceChange, Param, ProductTerms, ProtocolParams};

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: bulwark::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Address of the program's ProgramData account under the upgradeable loader; its upgrade
/// authority must sign `initialize_config`.
pub fn program_data_address() -> Pubkey {
    Pubkey::find_program_address(
        &[bulwark::ID.as_ref()],
        &anchor_lang::solana_program::bpf_loader_upgradeable::ID,
    )
    .0
}

pub fn config_pda() -> Pubkey {
    Pubkey::find_program_address(&[CONFIG_SEED], &bulwark::ID).0
}

pub fn assessment_vault_pda() -> Pubkey {
    Pubkey::find_program_address(&[ASSESSMENT_VAULT_SEED], &bulwark::ID).0
}

pub fn product_pda(id: u64) -> Pubkey {
    Pubkey::find_program_address(&[PRODUCT_SEED, &id.to_le_bytes()], &bulwark::ID).0
}

pub fn mint_params_pda(mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[MINT_PARAMS_SEED, mint.as_ref()], &bulwark::ID).0
}

pub fn pool_pda(id: u64) -> Pubkey {
    Pubkey::find_program_address(&[POOL_SEED, &id.to_le_bytes()], &bulwark::ID).0
}

pub fn vault_pda(pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[VAULT_SEED, pool.as_ref()], &bulwark::ID).0
}

pub fn pool_product_pda(pool: &Pubkey, product_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[POOL_PRODUCT_SEED, pool.as_ref(), &product_id.to_le_bytes()],
        &bulwark::ID,
    )
    .0
}

pub fn position_pda(pool: &Pubkey, owner: &Pubkey, position_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[
            POSITION_SEED,
            pool.as_ref(),
            owner.as_ref(),
            &position_id.to_le_bytes(),
        ],
        &bulwark::ID,
    )
    .0
}

pub fn archive_pda(pool: &Pubkey, tranche_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[
            TRANCHE_ARCHIVE_SEED,
            pool.as_ref(),
            &tranche_id.to_le_bytes(),
        ],
        &bulwark::ID,
    )
    .0
}

pub fn initialize_config(
    deployer: &Pubkey,
    authority: &Pubkey,
    treasury: &Pubkey,
    assessment_mint: &Pubkey,
    token_program: &Pubkey,
    params: ProtocolParams,
) -> Instruction {
    ix(
        bulwark::accounts::InitializeConfig {
            deployer: *deployer,
            config: config_pda(),
            assessment_mint: *assessment_mint,
            assessment_vault: assessment_vault_pda(),
            program_data: program_data_address(),
            token_program: *token_program,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::InitializeConfig {
            args: InitializeConfigArgs {
                authority: *authority,
                treasury: *treasury,
                params,
            },
        },
    )
}

pub fn proposal_pda(id: u64) -> Pubkey {
    Pubkey::find_program_address(&[PROPOSAL_SEED, &id.to_le_bytes()], &bulwark::ID).0
}

/// Proposes `changes` as proposal `id` (the config's `proposal_count`).
pub fn create_proposal(
    authority: &Pubkey,
    id: u64,
    changes: Vec<GovernanceChange>,
    description_hash: [u8; 32],
    description_uri: String,
) -> Instruction {
    ix(
        bulwark::accounts::CreateProposal {
            authority: *authority,
            config: config_pda(),
            proposal: proposal_pda(id),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::CreateProposal {
            args: CreateProposalArgs {
                changes,
                description_hash,
                description_uri,
            },
        },
    )
}

/// Executes proposal `id`, proposed by `proposer`; `capital_pool` is the capital pool it
/// changes, if any.
pub fn execute_proposal(
    caller: &Pubkey,
    id: u64,
    proposer: &Pubkey,
    capital_pool: Option<Pubkey>,
) -> Instruction {
    ix(
        bulwark::accounts::ExecuteProposal {
            caller: *caller,
            config: config_pda(),
            proposal: proposal_pda(id),
            proposer: *proposer,
            capital_pool,
        },
        bulwark::instruction::ExecuteProposal { id },
    )
}

/// Cancels proposal `id` (its rent goes back to `proposer`).
pub fn cancel_proposal(authority: &Pubkey, id: u64, proposer: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::CancelProposal {
            authority: *authority,
            config: config_pda(),
            proposal: proposal_pda(id),
            proposer: *proposer,
        },
        bulwark::instruction::CancelProposal { id },
    )
}

/// The changes that turn `old` into `new`, one per differing parameter, in field order.
pub fn param_changes(old: &ProtocolParams, new: &ProtocolParams) -> Vec<GovernanceChange> {
    Param::ALL
        .into_iter()
        .filter(|param| old.get(*param) != new.get(*param))
        .map(|param| GovernanceChange::Param {
            param,
            old: old.get(param),
            new: new.get(param),
        })
        .collect()
}

/// The changes that turn `config`'s parameters and treasury into `params` and `treasury`.
pub fn config_changes(
    config: &Config,
    params: &ProtocolParams,
    treasury: &Pubkey,
) -> Vec<GovernanceChange> {
    let mut changes = param_changes(&config.params, params);
    if config.treasury != *treasury {
        changes.push(GovernanceChange::Treasury {
            old: config.treasury,
            new: *treasury,
        });
    }
    changes
}

/// The changes that set `capital_pool`'s minimum capital requirement to `min_capital` and
/// `mcr_bps`.
pub fn capital_requirement_changes(
    capital_pool_address: &Pubkey,
    capital_pool: &CapitalPool,
    min_capital: u64,
    mcr_bps: u16,
) -> Vec<GovernanceChange> {
    let mut changes = Vec::new();
    if capital_pool.min_capital != min_capital {
        changes.push(GovernanceChange::MinCapital {
            capital_pool: *capital_pool_address,
            old: capital_pool.min_capital,
            new: min_capital,
        });
    }
    if capital_pool.mcr_bps != mcr_bps {
        changes.push(GovernanceChange::McrBps {
            capital_pool: *capital_pool_address,
            old: capital_pool.mcr_bps,
            new: mcr_bps,
        });
    }
    changes
}

pub fn set_pause(authority: &Pubkey, flags: u8) -> Instruction {
    ix(
        bulwark::accounts::SetPause {
            authority: *authority,
            config: config_pda(),
        },
        bulwark::instruction::SetPause { flags },
    )
}

pub fn propose_authority(authority: &Pubkey, new_authority: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::ProposeAuthority {
            authority: *authority,
            config: config_pda(),
        },
        bulwark::instruction::ProposeAuthority {
            new_authority: *new_authority,
        },
    )
}

pub fn accept_authority(pending_authority: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::AcceptAuthority {
            pending_authority: *pending_authority,
            config: config_pda(),
        },
        bulwark::instruction::AcceptAuthority {},
    )
}

pub fn create_product(authority: &Pubkey, product_id: u64, args: CreateProductArgs) -> Instruction {
    ix(
        bulwark::accounts::CreateProduct {
            authority: *authority,
            config: config_pda(),
            product: product_pda(product_id),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::CreateProduct { args },
    )
}

pub fn update_product(authority: &Pubkey, product_id: u64, terms: ProductTerms) -> Instruction {
    ix(
        bulwark::accounts::UpdateProduct {
            authority: *authority,
            config: config_pda(),
            product: product_pda(product_id),
        },
        bulwark::instruction::UpdateProduct { terms },
    )
}

/// Governance lists `mint` (or changes its parameters).
pub fn set_mint_params(authority: &Pubkey, mint: &Pubkey, args: SetMintParamsArgs) -> Instruction {
    ix(
        bulwark::accounts::SetMintParams {
            authority: *authority,
            config: config_pda(),
            mint: *mint,
            mint_params: mint_params_pda(mint),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::SetMintParams { args },
    )
}

pub fn create_pool(
    manager: &Pubkey,
    pool_id: u64,
    mint: &Pubkey,
    token_program: &Pubkey,
    args: CreatePoolArgs,
) -> Instruction {
    let pool = pool_pda(pool_id);
    ix(
        bulwark::accounts::CreatePool {
            manager: *manager,
            config: config_pda(),
            pool,
            mint: *mint,
            capital_pool: capital_pool_pda(mint),
            vault: vault_pda(&pool),
            token_program: *token_program,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::CreatePool { args },
    )
}

pub fn set_pool_product(manager: &Pubkey, pool: &Pubkey, args: SetPoolProductArgs) -> Instruction {
    ix(
        bulwark::accounts::SetPoolProduct {
            manager: *manager,
            config: config_pda(),
            pool: *pool,
            product: product_pda(args.product_id),
            pool_product: pool_product_pda(pool, args.product_id),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::SetPoolProduct { args },
    )
}

/// Anyone: recomputes the effective weight of `product_id` in `pool`.
pub fn refresh_pool_product(pool: &Pubkey, product_id: u64) -> Instruction {
    ix(
        bulwark::accounts::RefreshPoolProduct {
            pool: *pool,
            pool_product: pool_product_pda(pool, product_id),
        },
        bulwark::instruction::RefreshPoolProduct {},
    )
}

pub fn set_manager_fee(manager: &Pubkey, pool: &Pubkey, fee_bps: u16) -> Instruction {
    ix(
        bulwark::accounts::SetManagerFee {
            manager: *manager,
            pool: *pool,
        },
        bulwark::instruction::SetManagerFee { fee_bps },
    )
}

/// Accounts a staking instruction needs about its pool.
#[derive(Clone, Copy, Debug)]
pub struct PoolKeys {
    pub pool: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
}

impl PoolKeys {
    pub fn new(pool_id: u64, mint: Pubkey, token_program: Pubkey) -> Self {
        let pool = pool_pda(pool_id);
        Self {
            pool,
            mint,
            vault: vault_pda(&pool),
            token_program,
        }
    }

    /// The keys of `pool`, as the account records them.
    pub fn of(pool: &bulwark::state::Pool) -> Self {
        Self::new(pool.id, pool.mint, pool.token_program)
    }
}

pub fn deposit_stake(
    owner: &Pubkey,
    keys: &PoolKeys,
    owner_token: &Pubkey,
    args: DepositStakeArgs,
) -> Instruction {
    ix(
        bulwark::accounts::DepositStake {
            owner: *owner,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            token_program: keys.token_program,
            position: position_pda(&keys.pool, owner, args.position_id),
            owner_token: *owner_token,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::DepositStake { args },
    )
}

pub fn extend_stake(
    owner: &Pubkey,
    keys: &PoolKeys,
    position_id: u64,
    owner_token: &Pubkey,
    args: ExtendStakeArgs,
) -> Instruction {
    ix(
        bulwark::accounts::ExtendStake {
            owner: *owner,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            token_program: keys.token_program,
            position: position_pda(&keys.pool, owner, position_id),
            owner_token: *owner_token,
        },
        bulwark::instruction::ExtendStake { args },
    )
}

pub fn archive_tranche(payer: &Pubkey, pool: &Pubkey, tranche_id: u64) -> Instruction {
    ix(
        bulwark::accounts::ArchiveTranche {
            payer: *payer,
            pool: *pool,
            archive: archive_pda(pool, tranche_id),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::ArchiveTranche { tranche_id },
    )
}

/// The owner withdraws its own position.
pub fn withdraw_stake(
    owner: &Pubkey,
    keys: &PoolKeys,
    position_id: u64,
    tranche_id: u64,
    archive_rent_payer: &Pubkey,
    owner_token: &Pubkey,
) -> Instruction {
    withdraw_stake_for(
        owner,
        owner,
        keys,
        position_id,
        tranche_id,
        archive_rent_payer,
        owner_token,
    )
}

/// `caller` withdraws `owner`'s position to `owner_token` — anyone may, once the tranche has
/// been over for `ABANDONED_POSITION_DELAY`, to the owner's associated token account.
pub fn withdraw_stake_for(
    caller: &Pubkey,
    owner: &Pubkey,
    keys: &PoolKeys,
    position_id: u64,
    tranche_id: u64,
    archive_rent_payer: &Pubkey,
    owner_token: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::WithdrawStake {
            caller: *caller,
            owner: *owner,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            token_program: keys.token_program,
            position: position_pda(&keys.pool, owner, position_id),
            archive: archive_pda(&keys.pool, tranche_id),
            rent_payer: *archive_rent_payer,
            owner_token: *owner_token,
        },
        bulwark::instruction::WithdrawStake {},
    )
}

pub fn claim_rewards(
    owner: &Pubkey,
    keys: &PoolKeys,
    position_id: u64,
    owner_token: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::ClaimRewards {
            owner: *owner,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            token_program: keys.token_program,
            position: position_pda(&keys.pool, owner, position_id),
            owner_token: *owner_token,
        },
        bulwark::instruction::ClaimRewards {},
    )
}

pub fn claim_manager_fees(
    manager: &Pubkey,
    keys: &PoolKeys,
    manager_token: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::ClaimManagerFees {
            manager: *manager,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            token_program: keys.token_program,
            manager_token: *manager_token,
        },
        bulwark::instruction::ClaimManagerFees {},
    )
}

pub fn sweep_fees(caller: &Pubkey, keys: &PoolKeys, treasury_token: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::SweepFees {
            caller: *caller,
            config: config_pda(),
            pool: keys.pool,
            mint: keys.mint,
            vault: keys.vault,
            treasury_token: *treasury_token,
            capital_pool: capital_pool_pda(&keys.mint),
            capital_vault: capital_vault_pda(&keys.mint),
            token_program: keys.token_program,
        },
        bulwark::instruction::SweepFees {},
    )
}

pub fn cover_pda(payer: &Pubkey, nonce: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[COVER_SEED, payer.as_ref(), &nonce.to_le_bytes()],
        &bulwark::ID,
    )
    .0
}

/// `buy_cover` with one `[pool, pool_product, vault]` triple per pool of `pools`, in the
/// order of `args.allocations`.
pub fn buy_cover(
    payer: &Pubkey,
    payer_token: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    pools: &[Pubkey],
    commission_destination: Option<Pubkey>,
    args: BuyCoverArgs,
) -> Instruction {
    let mut ix = ix(
        bulwark::accounts::BuyCover {
            payer: *payer,
            config: config_pda(),
            product: product_pda(args.product_id),
            cover: cover_pda(payer, args.cover_nonce),
            mint: *mint,
            payer_token: *payer_token,
            commission_destination,
            token_program: *token_program,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::BuyCover { args: args.clone() },
    );
    ix.accounts
        .extend(cover_pool_accounts(pools, args.product_id));
    ix
}

/// `quote_cover` over `pools` (read-only `[pool, pool_product]` pairs, at most
/// `MAX_QUOTE_POOLS`): simulate it (any fee payer, no signature needed) and decode the return
/// data with [`decode_cover_quote`].
pub fn quote_cover(mint: &Pubkey, pools: &[Pubkey], args: QuoteCoverArgs) -> Instruction {
    let mut ix = ix(
        bulwark::accounts::QuoteCover {
            config: config_pda(),
            product: product_pda(args.product_id),
            mint: *mint,
            capital_pool: capital_pool_pda(mint),
        },
        bulwark::instruction::QuoteCover { args: args.clone() },
    );
    ix.accounts.extend(pools.iter().flat_map(|pool| {
        [
            AccountMeta::new_readonly(*pool, false),
            AccountMeta::new_readonly(pool_product_pda(pool, args.product_id), false),
        ]
    }));
    ix
}

/// The `CoverQuote` a simulated `quote_cover` returned (its return data).
pub fn decode_cover_quote(return_data: &[u8]) -> Option<CoverQuote> {
    CoverQuote::try_from_slice(return_data).ok()
}

/// The remaining accounts of `buy_cover` (and of a program that calls it through CPI): one
/// writable `[pool, pool_product, vault]` triple per pool, in allocation order.
pub fn cover_pool_accounts(pools: &[Pubkey], product_id: u64) -> Vec<AccountMeta> {
    pools
        .iter()
        .flat_map(|pool| {
            [
                AccountMeta::new(*pool, false),
                AccountMeta::new(pool_product_pda(pool, product_id), false),
                AccountMeta::new(vault_pda(pool), false),
            ]
        })
        .collect()
}

pub fn transfer_cover(owner: &Pubkey, cover: &Pubkey, new_owner: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::TransferCover {
            owner: *owner,
            cover: *cover,
        },
        bulwark::instruction::TransferCover {
            new_owner: *new_owner,
        },
    )
}

/// `expire_cover` with the cover's pool-product accounts (`pools` in the cover's order).
pub fn expire_cover(
    cover: &Pubkey,
    rent_payer: &Pubkey,
    product_id: u64,
    pools: &[Pubkey],
) -> Instruction {
    let mut ix = ix(
        bulwark::accounts::ExpireCover {
            config: config_pda(),
            cover: *cover,
            rent_payer: *rent_payer,
        },
        bulwark::instruction::ExpireCover {},
    );
    for pool in pools {
        ix.accounts.extend([
            AccountMeta::new(*pool, false),
            AccountMeta::new(pool_product_pda(pool, product_id), false),
        ]);
    }
    ix
}

pub fn assessor_pda(owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[ASSESSOR_SEED, owner.as_ref()], &bulwark::ID).0
}

pub fn claim_pda(cover: &Pubkey, index: u32) -> Pubkey {
    Pubkey::find_program_address(
        &[CLAIM_SEED, cover.as_ref(), &index.to_le_bytes()],
        &bulwark::ID,
    )
    .0
}

pub fn ballot_pda(claim: &Pubkey, assessor_owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[BALLOT_SEED, claim.as_ref(), assessor_owner.as_ref()],
        &bulwark::ID,
    )
    .0
}

pub fn stake_assessor(
    owner: &Pubkey,
    assessment_mint: &Pubkey,
    owner_token: &Pubkey,
    token_program: &Pubkey,
    amount: u64,
) -> Instruction {
    ix(
        bulwark::accounts::StakeAssessor {
            owner: *owner,
            config: config_pda(),
            assessor: assessor_pda(owner),
            assessment_mint: *assessment_mint,
            assessment_vault: assessment_vault_pda(),
            owner_token: *owner_token,
            token_program: *token_program,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::StakeAssessor { amount },
    )
}

pub fn unstake_assessor(
    owner: &Pubkey,
    assessment_mint: &Pubkey,
    owner_token: &Pubkey,
    token_program: &Pubkey,
    amount: u64,
) -> Instruction {
    ix(
        bulwark::accounts::UnstakeAssessor {
            owner: *owner,
            config: config_pda(),
            assessor: assessor_pda(owner),
            assessment_mint: *assessment_mint,
            assessment_vault: assessment_vault_pda(),
            owner_token: *owner_token,
            token_program: *token_program,
        },
        bulwark::instruction::UnstakeAssessor { amount },
    )
}

/// What the claim instructions need to know about a cover.
#[derive(Clone, Debug)]
pub struct CoverKeys {
    pub cover: Pubkey,
    pub product_id: u64,
    pub mint: Pubkey,
    pub token_program: Pubkey,
    /// The cover's pools, in its order (the first escrows claim deposits).
    pub pools: Vec<Pubkey>,
}

impl CoverKeys {
    /// The keys of `cover`, the account at `address`; `token_program` is its mint's owner.
    pub fn from_cover(
        address: Pubkey,
        cover: &bulwark::state::Cover,
        token_program: Pubkey,
    ) -> Self {
        Self {
            cover: address,
            product_id: cover.product_id,
            mint: cover.mint,
            token_program,
            pools: cover.used_allocations().iter().map(|a| a.pool).collect(),
        }
    }
}

pub fn file_claim(
    owner: &Pubkey,
    keys: &CoverKeys,
    claim_index: u32,
    owner_token: &Pubkey,
    args: FileClaimArgs,
) -> Instruction {
    let deposit_pool = keys.pools[0];
    ix(
        bulwark::accounts::FileClaim {
            owner: *owner,
            config: config_pda(),
            cover: keys.cover,
            claim: claim_pda(&keys.cover, claim_index),
            deposit_pool,
            mint: keys.mint,
            mint_params: mint_params_pda(&keys.mint),
            vault: vault_pda(&deposit_pool),
            owner_token: *owner_token,
            token_program: keys.token_program,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::FileClaim { args },
    )
}

pub fn vote(owner: &Pubkey, claim: &Pubkey, accept: bool) -> Instruction {
    vote_with(
        owner,
        claim,
        VoteArgs {
            accept,
            reason_hash: [0; 32],
            reason_uri: String::new(),
        },
        None,
    )
}

/// `owner`'s open vote on `claim` with `args` (its reasoning); `panel_product` is the claim's
/// product id when a panel decides it (the voter's seat is passed).
pub fn vote_with(
    owner: &Pubkey,
    claim: &Pubkey,
    args: VoteArgs,
    panel_product: Option<u64>,
) -> Instruction {
    ix(
        bulwark::accounts::Vote {
            owner: *owner,
            config: config_pda(),
            assessor: assessor_pda(owner),
            claim: *claim,
            ballot: ballot_pda(claim, owner),
            panel_member: panel_product.map(|id| panel_member_pda(id, owner)),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::Vote { args },
    )
}

/// `owner`'s blind ballot on `claim`: the commitment of its choice and salt
/// (`Ballot::commitment_of`); `panel_product` as for [`vote_with`].
pub fn commit_vote(
    owner: &Pubkey,
    claim: &Pubkey,
    commitment: [u8; 32],
    panel_product: Option<u64>,
) -> Instruction {
    ix(
        bulwark::accounts::CommitVote {
            owner: *owner,
            config: config_pda(),
            assessor: assessor_pda(owner),
            claim: *claim,
            ballot: ballot_pda(claim, owner),
            panel_member: panel_product.map(|id| panel_member_pda(id, owner)),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::CommitVote { commitment },
    )
}

/// `voter` reveals its blind ballot on `claim`.
pub fn reveal_vote(voter: &Pubkey, claim: &Pubkey, args: RevealVoteArgs) -> Instruction {
    ix(
        bulwark::accounts::RevealVote {
            voter: *voter,
            config: config_pda(),
            claim: *claim,
            ballot: ballot_pda(claim, voter),
        },
        bulwark::instruction::RevealVote { args },
    )
}

pub fn panel_member_pda(product_id: u64, member: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[
            PANEL_MEMBER_SEED,
            &product_id.to_le_bytes(),
            member.as_ref(),
        ],
        &bulwark::ID,
    )
    .0
}

/// Governance seats `member` on product `product_id`'s panel.
pub fn add_panel_member(authority: &Pubkey, product_id: u64, member: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::AddPanelMember {
            authority: *authority,
            config: config_pda(),
            product: product_pda(product_id),
            panel_member: panel_member_pda(product_id, member),
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::AddPanelMember {
            product_id,
            member: *member,
        },
    )
}

/// Governance removes `member` from product `product_id`'s panel.
pub fn remove_panel_member(authority: &Pubkey, product_id: u64, member: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::RemovePanelMember {
            authority: *authority,
            config: config_pda(),
            panel_member: panel_member_pda(product_id, member),
        },
        bulwark::instruction::RemovePanelMember {
            product_id,
            member: *member,
        },
    )
}

/// Governance overturns `claim` (whose deposit pool is `deposit_pool`), giving its reason.
pub fn overturn_claim(
    authority: &Pubkey,
    claim: &Pubkey,
    deposit_pool: &Pubkey,
    reason_uri: &str,
) -> Instruction {
    ix(
        bulwark::accounts::OverturnClaim {
            authority: *authority,
            config: config_pda(),
            claim: *claim,
            deposit_pool: *deposit_pool,
        },
        bulwark::instruction::OverturnClaim {
            args: bulwark::instructions::OverturnClaimArgs {
                reason_uri: reason_uri.to_string(),
            },
        },
    )
}

pub fn redeem_payout(
    caller: &Pubkey,
    keys: &CoverKeys,
    claim: &Pubkey,
    owner_token: &Pubkey,
    claimant_token: &Pubkey,
) -> Instruction {
    let mut ix = ix(
        bulwark::accounts::RedeemPayout {
            caller: *caller,
            config: config_pda(),
            claim: *claim,
            cover: keys.cover,
            mint: keys.mint,
            capital_pool: capital_pool_pda(&keys.mint),
            capital_vault: capital_vault_pda(&keys.mint),
            owner_token: *owner_token,
            claimant_token: *claimant_token,
            token_program: keys.token_program,
        },
        bulwark::instruction::RedeemPayout {},
    );
    for pool in &keys.pools {
        ix.accounts.extend([
            AccountMeta::new(*pool, false),
            AccountMeta::new(pool_product_pda(pool, keys.product_id), false),
            AccountMeta::new(vault_pda(pool), false),
        ]);
    }
    ix
}

/// Closes a denied claim (its deposit goes to the deposit pool's assessment share).
pub fn close_claim(caller: &Pubkey, keys: &CoverKeys, claim: &Pubkey) -> Instruction {
    ix(
        bulwark::accounts::CloseClaim {
            caller: *caller,
            config: config_pda(),
            claim: *claim,
            cover: keys.cover,
            deposit_pool: keys.pools[0],
        },
        bulwark::instruction::CloseClaim {},
    )
}

/// Settles `voter`'s ballot on `claim` (reward or nothing), paying any reward from the vault of
/// `deposit_pool` (the claim's) to `voter_token`; the ballot's rent goes back to `voter`.
pub fn settle_ballot(
    caller: &Pubkey,
    claim: &Pubkey,
    deposit_pool: &Pubkey,
    mint: &Pubkey,
    voter: &Pubkey,
    voter_token: &Pubkey,
    token_program: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::SettleBallot {
            caller: *caller,
            config: config_pda(),
            claim: *claim,
            ballot: ballot_pda(claim, voter),
            voter: *voter,
            assessor: assessor_pda(voter),
            deposit_pool: *deposit_pool,
            vault: vault_pda(deposit_pool),
            mint: *mint,
            voter_token: *voter_token,
            token_program: *token_program,
        },
        bulwark::instruction::SettleBallot {},
    )
}

/// Slashes `voter`'s ballot on the overturned `claim` into the treasury's assessment-mint
/// account `treasury_token`; the ballot's rent goes back to `voter`.
pub fn slash_ballot(
    caller: &Pubkey,
    claim: &Pubkey,
    voter: &Pubkey,
    assessment_mint: &Pubkey,
    treasury_token: &Pubkey,
    token_program: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::SlashBallot {
            caller: *caller,
            config: config_pda(),
            claim: *claim,
            ballot: ballot_pda(claim, voter),
            voter: *voter,
            assessor: assessor_pda(voter),
            assessment_mint: *assessment_mint,
            assessment_vault: assessment_vault_pda(),
            treasury_token: *treasury_token,
            token_program: *token_program,
        },
        bulwark::instruction::SlashBallot {},
    )
}

// ---- capital pool ----

pub fn capital_pool_pda(mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[CAPITAL_POOL_SEED, mint.as_ref()], &bulwark::ID).0
}

pub fn capital_vault_pda(mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[CAPITAL_VAULT_SEED, mint.as_ref()], &bulwark::ID).0
}

pub fn capital_shares_pda(mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[CAPITAL_SHARES_SEED, mint.as_ref()], &bulwark::ID).0
}

pub fn capital_exit_pda(capital_pool: &Pubkey, member: &Pubkey, exit_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[
            CAPITAL_EXIT_SEED,
            capital_pool.as_ref(),
            member.as_ref(),
            &exit_id.to_le_bytes(),
        ],
        &bulwark::ID,
    )
    .0
}

/// A member's share account: its associated token account of the share mint (Token-2022).
pub fn capital_shares_account(member: &Pubkey, mint: &Pubkey) -> Pubkey {
    anchor_spl::associated_token::get_associated_token_address_with_program_id(
        member,
        &capital_shares_pda(mint),
        &anchor_spl::token_2022::ID,
    )
}

/// Capital pool terms for a newly listed mint: no floor, the default requirement (all the
/// leverage promised held as capital), generic share metadata.
pub fn default_capital_pool_args() -> CreateCapitalPoolArgs {
    CreateCapitalPoolArgs {
        min_capital: 0,
        mcr_bps: bulwark::constants::DEFAULT_MCR_BPS,
        name: "Bulwark capital".to_string(),
        symbol: "BWCAP".to_string(),
        uri: String::new(),
    }
}

/// Lists `mint` (a mint of `token_program`) and opens its capital pool with `capital`: what
/// governance does before any staking pool can open on a mint.
pub fn list_mint(
    authority: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    mint_params: SetMintParamsArgs,
    capital: CreateCapitalPoolArgs,
) -> [Instruction; 2] {
    [
        set_mint_params(authority, mint, mint_params),
        create_capital_pool(authority, mint, token_program, capital),
    ]
}

pub fn create_capital_pool(
    authority: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    args: CreateCapitalPoolArgs,
) -> Instruction {
    ix(
        bulwark::accounts::CreateCapitalPool {
            authority: *authority,
            config: config_pda(),
            mint_params: mint_params_pda(mint),
            mint: *mint,
            capital_pool: capital_pool_pda(mint),
            capital_vault: capital_vault_pda(mint),
            share_mint: capital_shares_pda(mint),
            token_program: *token_program,
            share_token_program: anchor_spl::token_2022::ID,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::CreateCapitalPool { args },
    )
}

/// The leverage line crank for `pool` (on `mint`): returns what the line no longer holds and
/// grants up to `max_amount` more.
pub fn grant_leverage(
    caller: &Pubkey,
    pool: &Pubkey,
    mint: &Pubkey,
    max_amount: u64,
) -> Instruction {
    ix(
        bulwark::accounts::GrantLeverage {
            caller: *caller,
            config: config_pda(),
            capital_pool: capital_pool_pda(mint),
            pool: *pool,
        },
        bulwark::instruction::GrantLeverage { max_amount },
    )
}

/// Pays what the capital pool can of what it owes on a redeemed claim to the cover owner's
/// `owner_token`.
pub fn redeem_owed(
    caller: &Pubkey,
    keys: &CoverKeys,
    claim: &Pubkey,
    owner_token: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::RedeemOwed {
            caller: *caller,
            config: config_pda(),
            claim: *claim,
            cover: keys.cover,
            capital_pool: capital_pool_pda(&keys.mint),
            mint: keys.mint,
            capital_vault: capital_vault_pda(&keys.mint),
            token_program: keys.token_program,
            owner_token: *owner_token,
        },
        bulwark::instruction::RedeemOwed {},
    )
}

/// Creates `member`'s associated share account of `mint`'s capital pool (Token-2022) if it does
/// not exist yet, `payer` paying the rent: what a first `deposit_capital` needs.
pub fn create_share_account(payer: &Pubkey, member: &Pubkey, mint: &Pubkey) -> Instruction {
    anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent(
        payer,
        member,
        &capital_shares_pda(mint),
        &anchor_spl::token_2022::ID,
    )
}

/// Deposits `amount` from `member_token` for shares (at least `min_shares`) into the member's
/// associated share account, which must exist ([`create_share_account`]).
pub fn deposit_capital(
    member: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    member_token: &Pubkey,
    amount: u64,
    min_shares: u64,
) -> Instruction {
    ix(
        bulwark::accounts::DepositCapital {
            member: *member,
            config: config_pda(),
            capital_pool: capital_pool_pda(mint),
            mint: *mint,
            capital_vault: capital_vault_pda(mint),
            token_program: *token_program,
            share_mint: capital_shares_pda(mint),
            member_token: *member_token,
            member_shares: capital_shares_account(member, mint),
            share_token_program: anchor_spl::token_2022::ID,
        },
        bulwark::instruction::DepositCapital { amount, min_shares },
    )
}

/// Adds `amount` from `contributor_token` to the capital pool of `mint`, for no shares.
pub fn contribute_capital(
    contributor: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    contributor_token: &Pubkey,
    amount: u64,
) -> Instruction {
    ix(
        bulwark::accounts::ContributeCapital {
            contributor: *contributor,
            config: config_pda(),
            capital_pool: capital_pool_pda(mint),
            mint: *mint,
            capital_vault: capital_vault_pda(mint),
            token_program: *token_program,
            contributor_token: *contributor_token,
        },
        bulwark::instruction::ContributeCapital { amount },
    )
}

pub fn request_capital_exit(
    member: &Pubkey,
    mint: &Pubkey,
    exit_id: u64,
    shares: u64,
) -> Instruction {
    let capital_pool = capital_pool_pda(mint);
    ix(
        bulwark::accounts::RequestCapitalExit {
            member: *member,
            config: config_pda(),
            capital_pool,
            share_mint: capital_shares_pda(mint),
            member_shares: capital_shares_account(member, mint),
            exit: capital_exit_pda(&capital_pool, member, exit_id),
            share_token_program: anchor_spl::token_2022::ID,
            system_program: anchor_lang::system_program::ID,
        },
        bulwark::instruction::RequestCapitalExit { exit_id, shares },
    )
}

pub fn execute_capital_exit(
    member: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
    exit_id: u64,
    member_token: &Pubkey,
) -> Instruction {
    ix(
        bulwark::accounts::ExecuteCapitalExit {
            member: *member,
            config: config_pda(),
            capital_pool: capital_pool_pda(mint),
            mint: *mint,
            capital_vault: capital_vault_pda(mint),
            token_program: *token_program,
            exit: capital_exit_pda(&capital_pool_pda(mint), member, exit_id),
            member_token: *member_token,
        },
        bulwark::instruction::ExecuteCapitalExit {},
    )
}
