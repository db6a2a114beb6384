//! Instruction builders and PDA derivations, one per program instruction.
//!
//! Each is a method of [`Program`], the deployment it addresses: a build of the program under
//! its own id (a devnet deployment, a local cluster, a test's second copy) has its own PDAs and
//! takes its own instructions. The free function of the same name is the method of the canonical
//! deployment, [`Program::CANONICAL`] (`bulwark::ID`).

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use bulwark::constants::*;
use bulwark::instructions::*;
use bulwark::state::{CapitalPool, Config, GovernanceChange, Param, ProductTerms, ProtocolParams};

/// A deployment of the Bulwark program: the id its PDAs derive from and its instructions go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Program {
    pub id: Pubkey,
}

impl Default for Program {
    fn default() -> Self {
        Self::CANONICAL
    }
}

impl Program {
    /// The program under the id it declares, `bulwark::ID`.
    pub const CANONICAL: Program = Program { id: bulwark::ID };

    /// The program deployed under `id` (a build that declares `id`).
    pub const fn new(id: Pubkey) -> Self {
        Self { id }
    }

    /// An instruction to this deployment. Anchor's account structs stand the declared id
    /// (`bulwark::ID`) in for an absent optional account; the program reads its own id as absent,
    /// so under another id the stand-in is that id.
    fn ix(&self, accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
        let accounts = accounts
            .to_account_metas(None)
            .into_iter()
            .map(|mut meta| {
                if meta.pubkey == bulwark::ID {
                    meta.pubkey = self.id;
                }
                meta
            })
            .collect();
        Instruction {
            program_id: self.id,
            accounts,
            data: data.data(),
        }
    }

    /// The keys of pool `pool_id` on `mint` (a mint of `token_program`).
    pub fn pool_keys(&self, pool_id: u64, mint: Pubkey, token_program: Pubkey) -> PoolKeys {
        let pool = self.pool_pda(pool_id);
        PoolKeys {
            pool,
            mint,
            vault: self.vault_pda(&pool),
            token_program,
        }
    }

    /// The keys of `pool`, as the account records them.
    pub fn pool_keys_of(&self, pool: &bulwark::state::Pool) -> PoolKeys {
        self.pool_keys(pool.id, pool.mint, pool.token_program)
    }

    /// Address of the program's ProgramData account under the upgradeable loader; its upgrade
    /// authority must sign `initialize_config`.
    pub fn program_data_address(&self) -> Pubkey {
        Pubkey::find_program_address(
            &[self.id.as_ref()],
            &anchor_lang::solana_program::bpf_loader_upgradeable::ID,
        )
        .0
    }

    pub fn config_pda(&self) -> Pubkey {
        Pubkey::find_program_address(&[CONFIG_SEED], &self.id).0
    }

    pub fn assessment_vault_pda(&self) -> Pubkey {
        Pubkey::find_program_address(&[ASSESSMENT_VAULT_SEED], &self.id).0
    }

    pub fn product_pda(&self, id: u64) -> Pubkey {
        Pubkey::find_program_address(&[PRODUCT_SEED, &id.to_le_bytes()], &self.id).0
    }

    pub fn mint_params_pda(&self, mint: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[MINT_PARAMS_SEED, mint.as_ref()], &self.id).0
    }

    pub fn pool_pda(&self, id: u64) -> Pubkey {
        Pubkey::find_program_address(&[POOL_SEED, &id.to_le_bytes()], &self.id).0
    }

    pub fn vault_pda(&self, pool: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[VAULT_SEED, pool.as_ref()], &self.id).0
    }

    pub fn pool_product_pda(&self, pool: &Pubkey, product_id: u64) -> Pubkey {
        Pubkey::find_program_address(
            &[POOL_PRODUCT_SEED, pool.as_ref(), &product_id.to_le_bytes()],
            &self.id,
        )
        .0
    }

    pub fn position_pda(&self, pool: &Pubkey, owner: &Pubkey, position_id: u64) -> Pubkey {
        Pubkey::find_program_address(
            &[
                POSITION_SEED,
                pool.as_ref(),
                owner.as_ref(),
                &position_id.to_le_bytes(),
            ],
            &self.id,
        )
        .0
    }

    pub fn archive_pda(&self, pool: &Pubkey, tranche_id: u64) -> Pubkey {
        Pubkey::find_program_address(
            &[
                TRANCHE_ARCHIVE_SEED,
                pool.as_ref(),
                &tranche_id.to_le_bytes(),
            ],
            &self.id,
        )
        .0
    }

    pub fn initialize_config(
        &self,
        deployer: &Pubkey,
        authority: &Pubkey,
        treasury: &Pubkey,
        assessment_mint: &Pubkey,
        token_program: &Pubkey,
        params: ProtocolParams,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::InitializeConfig {
                deployer: *deployer,
                config: self.config_pda(),
                assessment_mint: *assessment_mint,
                assessment_vault: self.assessment_vault_pda(),
                program_data: self.program_data_address(),
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

    pub fn proposal_pda(&self, id: u64) -> Pubkey {
        Pubkey::find_program_address(&[PROPOSAL_SEED, &id.to_le_bytes()], &self.id).0
    }

    /// Proposes `changes` as proposal `id` (the config's `proposal_count`).
    pub fn create_proposal(
        &self,
        authority: &Pubkey,
        id: u64,
        changes: Vec<GovernanceChange>,
        description_hash: [u8; 32],
        description_uri: String,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::CreateProposal {
                authority: *authority,
                config: self.config_pda(),
                proposal: self.proposal_pda(id),
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
        &self,
        caller: &Pubkey,
        id: u64,
        proposer: &Pubkey,
        capital_pool: Option<Pubkey>,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ExecuteProposal {
                caller: *caller,
                config: self.config_pda(),
                proposal: self.proposal_pda(id),
                proposer: *proposer,
                capital_pool,
            },
            bulwark::instruction::ExecuteProposal { id },
        )
    }

    /// Cancels proposal `id` (its rent goes back to `proposer`).
    pub fn cancel_proposal(&self, authority: &Pubkey, id: u64, proposer: &Pubkey) -> Instruction {
        self.ix(
            bulwark::accounts::CancelProposal {
                authority: *authority,
                config: self.config_pda(),
                proposal: self.proposal_pda(id),
                proposer: *proposer,
            },
            bulwark::instruction::CancelProposal { id },
        )
    }

    pub fn set_pause(&self, authority: &Pubkey, flags: u8) -> Instruction {
        self.ix(
            bulwark::accounts::SetPause {
                authority: *authority,
                config: self.config_pda(),
            },
            bulwark::instruction::SetPause { flags },
        )
    }

    pub fn propose_authority(&self, authority: &Pubkey, new_authority: &Pubkey) -> Instruction {
        self.ix(
            bulwark::accounts::ProposeAuthority {
                authority: *authority,
                config: self.config_pda(),
            },
            bulwark::instruction::ProposeAuthority {
                new_authority: *new_authority,
            },
        )
    }

    pub fn accept_authority(&self, pending_authority: &Pubkey) -> Instruction {
        self.ix(
            bulwark::accounts::AcceptAuthority {
                pending_authority: *pending_authority,
                config: self.config_pda(),
            },
            bulwark::instruction::AcceptAuthority {},
        )
    }

    pub fn create_product(
        &self,
        authority: &Pubkey,
        product_id: u64,
        args: CreateProductArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::CreateProduct {
                authority: *authority,
                config: self.config_pda(),
                product: self.product_pda(product_id),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::CreateProduct { args },
        )
    }

    pub fn update_product(
        &self,
        authority: &Pubkey,
        product_id: u64,
        terms: ProductTerms,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::UpdateProduct {
                authority: *authority,
                config: self.config_pda(),
                product: self.product_pda(product_id),
            },
            bulwark::instruction::UpdateProduct { terms },
        )
    }

    /// Governance lists `mint` (or changes its parameters).
    pub fn set_mint_params(
        &self,
        authority: &Pubkey,
        mint: &Pubkey,
        args: SetMintParamsArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::SetMintParams {
                authority: *authority,
                config: self.config_pda(),
                mint: *mint,
                mint_params: self.mint_params_pda(mint),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::SetMintParams { args },
        )
    }

    pub fn create_pool(
        &self,
        manager: &Pubkey,
        pool_id: u64,
        mint: &Pubkey,
        token_program: &Pubkey,
        args: CreatePoolArgs,
    ) -> Instruction {
        let pool = self.pool_pda(pool_id);
        self.ix(
            bulwark::accounts::CreatePool {
                manager: *manager,
                config: self.config_pda(),
                pool,
                mint: *mint,
                capital_pool: self.capital_pool_pda(mint),
                vault: self.vault_pda(&pool),
                token_program: *token_program,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::CreatePool { args },
        )
    }

    pub fn set_pool_product(
        &self,
        manager: &Pubkey,
        pool: &Pubkey,
        args: SetPoolProductArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::SetPoolProduct {
                manager: *manager,
                config: self.config_pda(),
                pool: *pool,
                product: self.product_pda(args.product_id),
                pool_product: self.pool_product_pda(pool, args.product_id),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::SetPoolProduct { args },
        )
    }

    /// Anyone: recomputes the effective weight of `product_id` in `pool`.
    pub fn refresh_pool_product(&self, pool: &Pubkey, product_id: u64) -> Instruction {
        self.ix(
            bulwark::accounts::RefreshPoolProduct {
                pool: *pool,
                pool_product: self.pool_product_pda(pool, product_id),
            },
            bulwark::instruction::RefreshPoolProduct {},
        )
    }

    pub fn set_manager_fee(&self, manager: &Pubkey, pool: &Pubkey, fee_bps: u16) -> Instruction {
        self.ix(
            bulwark::accounts::SetManagerFee {
                manager: *manager,
                pool: *pool,
            },
            bulwark::instruction::SetManagerFee { fee_bps },
        )
    }

    pub fn deposit_stake(
        &self,
        owner: &Pubkey,
        keys: &PoolKeys,
        owner_token: &Pubkey,
        args: DepositStakeArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::DepositStake {
                owner: *owner,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                token_program: keys.token_program,
                position: self.position_pda(&keys.pool, owner, args.position_id),
                owner_token: *owner_token,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::DepositStake { args },
        )
    }

    pub fn extend_stake(
        &self,
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        owner_token: &Pubkey,
        args: ExtendStakeArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ExtendStake {
                owner: *owner,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                token_program: keys.token_program,
                position: self.position_pda(&keys.pool, owner, position_id),
                owner_token: *owner_token,
            },
            bulwark::instruction::ExtendStake { args },
        )
    }

    pub fn archive_tranche(&self, payer: &Pubkey, pool: &Pubkey, tranche_id: u64) -> Instruction {
        self.ix(
            bulwark::accounts::ArchiveTranche {
                payer: *payer,
                pool: *pool,
                archive: self.archive_pda(pool, tranche_id),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::ArchiveTranche { tranche_id },
        )
    }

    /// The owner withdraws its own position.
    pub fn withdraw_stake(
        &self,
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        tranche_id: u64,
        archive_rent_payer: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction {
        self.withdraw_stake_for(
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
    #[allow(clippy::too_many_arguments)]
    pub fn withdraw_stake_for(
        &self,
        caller: &Pubkey,
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        tranche_id: u64,
        archive_rent_payer: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::WithdrawStake {
                caller: *caller,
                owner: *owner,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                token_program: keys.token_program,
                position: self.position_pda(&keys.pool, owner, position_id),
                archive: self.archive_pda(&keys.pool, tranche_id),
                rent_payer: *archive_rent_payer,
                owner_token: *owner_token,
            },
            bulwark::instruction::WithdrawStake {},
        )
    }

    pub fn claim_rewards(
        &self,
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        owner_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ClaimRewards {
                owner: *owner,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                token_program: keys.token_program,
                position: self.position_pda(&keys.pool, owner, position_id),
                owner_token: *owner_token,
            },
            bulwark::instruction::ClaimRewards {},
        )
    }

    pub fn claim_manager_fees(
        &self,
        manager: &Pubkey,
        keys: &PoolKeys,
        manager_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ClaimManagerFees {
                manager: *manager,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                token_program: keys.token_program,
                manager_token: *manager_token,
            },
            bulwark::instruction::ClaimManagerFees {},
        )
    }

    pub fn sweep_fees(
        &self,
        caller: &Pubkey,
        keys: &PoolKeys,
        treasury_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::SweepFees {
                caller: *caller,
                config: self.config_pda(),
                pool: keys.pool,
                mint: keys.mint,
                vault: keys.vault,
                treasury_token: *treasury_token,
                capital_pool: self.capital_pool_pda(&keys.mint),
                capital_vault: self.capital_vault_pda(&keys.mint),
                token_program: keys.token_program,
            },
            bulwark::instruction::SweepFees {},
        )
    }

    pub fn cover_pda(&self, payer: &Pubkey, nonce: u64) -> Pubkey {
        Pubkey::find_program_address(
            &[COVER_SEED, payer.as_ref(), &nonce.to_le_bytes()],
            &self.id,
        )
        .0
    }

    /// `buy_cover` with one `[pool, pool_product, vault]` triple per pool of `pools`, in the
    /// order of `args.allocations`.
    #[allow(clippy::too_many_arguments)]
    pub fn buy_cover(
        &self,
        payer: &Pubkey,
        payer_token: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        pools: &[Pubkey],
        commission_destination: Option<Pubkey>,
        args: BuyCoverArgs,
    ) -> Instruction {
        let mut ix = self.ix(
            bulwark::accounts::BuyCover {
                payer: *payer,
                config: self.config_pda(),
                product: self.product_pda(args.product_id),
                cover: self.cover_pda(payer, args.cover_nonce),
                mint: *mint,
                payer_token: *payer_token,
                commission_destination,
                token_program: *token_program,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::BuyCover { args: args.clone() },
        );
        ix.accounts
            .extend(self.cover_pool_accounts(pools, args.product_id));
        ix
    }

    /// `quote_cover` over `pools` (read-only `[pool, pool_product]` pairs, at most
    /// `MAX_QUOTE_POOLS`): simulate it (any fee payer, no signature needed) and decode the return
    /// data with [`decode_cover_quote`].
    pub fn quote_cover(
        &self,
        mint: &Pubkey,
        pools: &[Pubkey],
        args: QuoteCoverArgs,
    ) -> Instruction {
        let mut ix = self.ix(
            bulwark::accounts::QuoteCover {
                config: self.config_pda(),
                product: self.product_pda(args.product_id),
                mint: *mint,
                capital_pool: self.capital_pool_pda(mint),
            },
            bulwark::instruction::QuoteCover { args: args.clone() },
        );
        ix.accounts.extend(pools.iter().flat_map(|pool| {
            [
                AccountMeta::new_readonly(*pool, false),
                AccountMeta::new_readonly(self.pool_product_pda(pool, args.product_id), false),
            ]
        }));
        ix
    }

    /// The remaining accounts of `buy_cover` (and of a program that calls it through CPI): one
    /// writable `[pool, pool_product, vault]` triple per pool, in allocation order.
    pub fn cover_pool_accounts(&self, pools: &[Pubkey], product_id: u64) -> Vec<AccountMeta> {
        pools
            .iter()
            .flat_map(|pool| {
                [
                    AccountMeta::new(*pool, false),
                    AccountMeta::new(self.pool_product_pda(pool, product_id), false),
                    AccountMeta::new(self.vault_pda(pool), false),
                ]
            })
            .collect()
    }

    pub fn transfer_cover(
        &self,
        owner: &Pubkey,
        cover: &Pubkey,
        new_owner: &Pubkey,
    ) -> Instruction {
        self.ix(
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
        &self,
        cover: &Pubkey,
        rent_payer: &Pubkey,
        product_id: u64,
        pools: &[Pubkey],
    ) -> Instruction {
        let mut ix = self.ix(
            bulwark::accounts::ExpireCover {
                config: self.config_pda(),
                cover: *cover,
                rent_payer: *rent_payer,
            },
            bulwark::instruction::ExpireCover {},
        );
        for pool in pools {
            ix.accounts.extend([
                AccountMeta::new(*pool, false),
                AccountMeta::new(self.pool_product_pda(pool, product_id), false),
            ]);
        }
        ix
    }

    pub fn assessor_pda(&self, owner: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[ASSESSOR_SEED, owner.as_ref()], &self.id).0
    }

    pub fn claim_pda(&self, cover: &Pubkey, index: u32) -> Pubkey {
        Pubkey::find_program_address(
            &[CLAIM_SEED, cover.as_ref(), &index.to_le_bytes()],
            &self.id,
        )
        .0
    }

    pub fn ballot_pda(&self, claim: &Pubkey, assessor_owner: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(
            &[BALLOT_SEED, claim.as_ref(), assessor_owner.as_ref()],
            &self.id,
        )
        .0
    }

    pub fn stake_assessor(
        &self,
        owner: &Pubkey,
        assessment_mint: &Pubkey,
        owner_token: &Pubkey,
        token_program: &Pubkey,
        amount: u64,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::StakeAssessor {
                owner: *owner,
                config: self.config_pda(),
                assessor: self.assessor_pda(owner),
                assessment_mint: *assessment_mint,
                assessment_vault: self.assessment_vault_pda(),
                owner_token: *owner_token,
                token_program: *token_program,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::StakeAssessor { amount },
        )
    }

    pub fn unstake_assessor(
        &self,
        owner: &Pubkey,
        assessment_mint: &Pubkey,
        owner_token: &Pubkey,
        token_program: &Pubkey,
        amount: u64,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::UnstakeAssessor {
                owner: *owner,
                config: self.config_pda(),
                assessor: self.assessor_pda(owner),
                assessment_mint: *assessment_mint,
                assessment_vault: self.assessment_vault_pda(),
                owner_token: *owner_token,
                token_program: *token_program,
            },
            bulwark::instruction::UnstakeAssessor { amount },
        )
    }

    pub fn file_claim(
        &self,
        owner: &Pubkey,
        keys: &CoverKeys,
        claim_index: u32,
        owner_token: &Pubkey,
        args: FileClaimArgs,
    ) -> Instruction {
        let deposit_pool = keys.pools[0];
        self.ix(
            bulwark::accounts::FileClaim {
                owner: *owner,
                config: self.config_pda(),
                cover: keys.cover,
                claim: self.claim_pda(&keys.cover, claim_index),
                deposit_pool,
                mint: keys.mint,
                mint_params: self.mint_params_pda(&keys.mint),
                vault: self.vault_pda(&deposit_pool),
                owner_token: *owner_token,
                token_program: keys.token_program,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::FileClaim { args },
        )
    }

    pub fn vote(&self, owner: &Pubkey, claim: &Pubkey, accept: bool) -> Instruction {
        self.vote_with(
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
        &self,
        owner: &Pubkey,
        claim: &Pubkey,
        args: VoteArgs,
        panel_product: Option<u64>,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::Vote {
                owner: *owner,
                config: self.config_pda(),
                assessor: self.assessor_pda(owner),
                claim: *claim,
                ballot: self.ballot_pda(claim, owner),
                panel_member: panel_product.map(|id| self.panel_member_pda(id, owner)),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::Vote { args },
        )
    }

    /// `owner`'s blind ballot on `claim`: the commitment of its choice and salt
    /// (`Ballot::commitment_of`); `panel_product` as for [`vote_with`].
    pub fn commit_vote(
        &self,
        owner: &Pubkey,
        claim: &Pubkey,
        commitment: [u8; 32],
        panel_product: Option<u64>,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::CommitVote {
                owner: *owner,
                config: self.config_pda(),
                assessor: self.assessor_pda(owner),
                claim: *claim,
                ballot: self.ballot_pda(claim, owner),
                panel_member: panel_product.map(|id| self.panel_member_pda(id, owner)),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::CommitVote { commitment },
        )
    }

    /// `voter` reveals its blind ballot on `claim`.
    pub fn reveal_vote(&self, voter: &Pubkey, claim: &Pubkey, args: RevealVoteArgs) -> Instruction {
        self.ix(
            bulwark::accounts::RevealVote {
                voter: *voter,
                config: self.config_pda(),
                claim: *claim,
                ballot: self.ballot_pda(claim, voter),
            },
            bulwark::instruction::RevealVote { args },
        )
    }

    pub fn panel_member_pda(&self, product_id: u64, member: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(
            &[
                PANEL_MEMBER_SEED,
                &product_id.to_le_bytes(),
                member.as_ref(),
            ],
            &self.id,
        )
        .0
    }

    /// Governance seats `member` on product `product_id`'s panel.
    pub fn add_panel_member(
        &self,
        authority: &Pubkey,
        product_id: u64,
        member: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::AddPanelMember {
                authority: *authority,
                config: self.config_pda(),
                product: self.product_pda(product_id),
                panel_member: self.panel_member_pda(product_id, member),
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::AddPanelMember {
                product_id,
                member: *member,
            },
        )
    }

    /// Governance removes `member` from product `product_id`'s panel.
    pub fn remove_panel_member(
        &self,
        authority: &Pubkey,
        product_id: u64,
        member: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::RemovePanelMember {
                authority: *authority,
                config: self.config_pda(),
                panel_member: self.panel_member_pda(product_id, member),
            },
            bulwark::instruction::RemovePanelMember {
                product_id,
                member: *member,
            },
        )
    }

    /// Governance overturns `claim` (whose deposit pool is `deposit_pool`), giving its reason.
    pub fn overturn_claim(
        &self,
        authority: &Pubkey,
        claim: &Pubkey,
        deposit_pool: &Pubkey,
        reason_uri: &str,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::OverturnClaim {
                authority: *authority,
                config: self.config_pda(),
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
        &self,
        caller: &Pubkey,
        keys: &CoverKeys,
        claim: &Pubkey,
        owner_token: &Pubkey,
        claimant_token: &Pubkey,
    ) -> Instruction {
        let mut ix = self.ix(
            bulwark::accounts::RedeemPayout {
                caller: *caller,
                config: self.config_pda(),
                claim: *claim,
                cover: keys.cover,
                mint: keys.mint,
                capital_pool: self.capital_pool_pda(&keys.mint),
                capital_vault: self.capital_vault_pda(&keys.mint),
                owner_token: *owner_token,
                claimant_token: *claimant_token,
                token_program: keys.token_program,
            },
            bulwark::instruction::RedeemPayout {},
        );
        for pool in &keys.pools {
            ix.accounts.extend([
                AccountMeta::new(*pool, false),
                AccountMeta::new(self.pool_product_pda(pool, keys.product_id), false),
                AccountMeta::new(self.vault_pda(pool), false),
            ]);
        }
        ix
    }

    /// Closes a denied claim (its deposit goes to the deposit pool's assessment share).
    pub fn close_claim(&self, caller: &Pubkey, keys: &CoverKeys, claim: &Pubkey) -> Instruction {
        self.ix(
            bulwark::accounts::CloseClaim {
                caller: *caller,
                config: self.config_pda(),
                claim: *claim,
                cover: keys.cover,
                deposit_pool: keys.pools[0],
            },
            bulwark::instruction::CloseClaim {},
        )
    }

    /// Settles `voter`'s ballot on `claim` (reward or nothing), paying any reward from the vault of
    /// `deposit_pool` (the claim's) to `voter_token`; the ballot's rent goes back to `voter`.
    #[allow(clippy::too_many_arguments)]
    pub fn settle_ballot(
        &self,
        caller: &Pubkey,
        claim: &Pubkey,
        deposit_pool: &Pubkey,
        mint: &Pubkey,
        voter: &Pubkey,
        voter_token: &Pubkey,
        token_program: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::SettleBallot {
                caller: *caller,
                config: self.config_pda(),
                claim: *claim,
                ballot: self.ballot_pda(claim, voter),
                voter: *voter,
                assessor: self.assessor_pda(voter),
                deposit_pool: *deposit_pool,
                vault: self.vault_pda(deposit_pool),
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
        &self,
        caller: &Pubkey,
        claim: &Pubkey,
        voter: &Pubkey,
        assessment_mint: &Pubkey,
        treasury_token: &Pubkey,
        token_program: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::SlashBallot {
                caller: *caller,
                config: self.config_pda(),
                claim: *claim,
                ballot: self.ballot_pda(claim, voter),
                voter: *voter,
                assessor: self.assessor_pda(voter),
                assessment_mint: *assessment_mint,
                assessment_vault: self.assessment_vault_pda(),
                treasury_token: *treasury_token,
                token_program: *token_program,
            },
            bulwark::instruction::SlashBallot {},
        )
    }

    // ---- capital pool ----

    pub fn capital_pool_pda(&self, mint: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[CAPITAL_POOL_SEED, mint.as_ref()], &self.id).0
    }

    pub fn capital_vault_pda(&self, mint: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[CAPITAL_VAULT_SEED, mint.as_ref()], &self.id).0
    }

    pub fn capital_shares_pda(&self, mint: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(&[CAPITAL_SHARES_SEED, mint.as_ref()], &self.id).0
    }

    pub fn capital_exit_pda(&self, capital_pool: &Pubkey, member: &Pubkey, exit_id: u64) -> Pubkey {
        Pubkey::find_program_address(
            &[
                CAPITAL_EXIT_SEED,
                capital_pool.as_ref(),
                member.as_ref(),
                &exit_id.to_le_bytes(),
            ],
            &self.id,
        )
        .0
    }

    /// A member's share account: its associated token account of the share mint (Token-2022).
    pub fn capital_shares_account(&self, member: &Pubkey, mint: &Pubkey) -> Pubkey {
        anchor_spl::associated_token::get_associated_token_address_with_program_id(
            member,
            &self.capital_shares_pda(mint),
            &anchor_spl::token_2022::ID,
        )
    }

    /// Lists `mint` (a mint of `token_program`) and opens its capital pool with `capital`: what
    /// governance does before any staking pool can open on a mint.
    pub fn list_mint(
        &self,
        authority: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        mint_params: SetMintParamsArgs,
        capital: CreateCapitalPoolArgs,
    ) -> [Instruction; 2] {
        [
            self.set_mint_params(authority, mint, mint_params),
            self.create_capital_pool(authority, mint, token_program, capital),
        ]
    }

    pub fn create_capital_pool(
        &self,
        authority: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        args: CreateCapitalPoolArgs,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::CreateCapitalPool {
                authority: *authority,
                config: self.config_pda(),
                mint_params: self.mint_params_pda(mint),
                mint: *mint,
                capital_pool: self.capital_pool_pda(mint),
                capital_vault: self.capital_vault_pda(mint),
                share_mint: self.capital_shares_pda(mint),
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
        &self,
        caller: &Pubkey,
        pool: &Pubkey,
        mint: &Pubkey,
        max_amount: u64,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::GrantLeverage {
                caller: *caller,
                config: self.config_pda(),
                capital_pool: self.capital_pool_pda(mint),
                pool: *pool,
            },
            bulwark::instruction::GrantLeverage { max_amount },
        )
    }

    /// Pays what the capital pool can of what it owes on a redeemed claim to the cover owner's
    /// `owner_token`.
    pub fn redeem_owed(
        &self,
        caller: &Pubkey,
        keys: &CoverKeys,
        claim: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::RedeemOwed {
                caller: *caller,
                config: self.config_pda(),
                claim: *claim,
                cover: keys.cover,
                capital_pool: self.capital_pool_pda(&keys.mint),
                mint: keys.mint,
                capital_vault: self.capital_vault_pda(&keys.mint),
                token_program: keys.token_program,
                owner_token: *owner_token,
            },
            bulwark::instruction::RedeemOwed {},
        )
    }

    /// Creates `member`'s associated share account of `mint`'s capital pool (Token-2022) if it does
    /// not exist yet, `payer` paying the rent: what a first `deposit_capital` needs.
    pub fn create_share_account(
        &self,
        payer: &Pubkey,
        member: &Pubkey,
        mint: &Pubkey,
    ) -> Instruction {
        anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent(
            payer,
            member,
            &self.capital_shares_pda(mint),
            &anchor_spl::token_2022::ID,
        )
    }

    /// Deposits `amount` from `member_token` for shares (at least `min_shares`) into the member's
    /// associated share account, which must exist ([`create_share_account`]).
    pub fn deposit_capital(
        &self,
        member: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        member_token: &Pubkey,
        amount: u64,
        min_shares: u64,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::DepositCapital {
                member: *member,
                config: self.config_pda(),
                capital_pool: self.capital_pool_pda(mint),
                mint: *mint,
                capital_vault: self.capital_vault_pda(mint),
                token_program: *token_program,
                share_mint: self.capital_shares_pda(mint),
                member_token: *member_token,
                member_shares: self.capital_shares_account(member, mint),
                share_token_program: anchor_spl::token_2022::ID,
            },
            bulwark::instruction::DepositCapital { amount, min_shares },
        )
    }

    /// Adds `amount` from `contributor_token` to the capital pool of `mint`, for no shares.
    pub fn contribute_capital(
        &self,
        contributor: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        contributor_token: &Pubkey,
        amount: u64,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ContributeCapital {
                contributor: *contributor,
                config: self.config_pda(),
                capital_pool: self.capital_pool_pda(mint),
                mint: *mint,
                capital_vault: self.capital_vault_pda(mint),
                token_program: *token_program,
                contributor_token: *contributor_token,
            },
            bulwark::instruction::ContributeCapital { amount },
        )
    }

    pub fn request_capital_exit(
        &self,
        member: &Pubkey,
        mint: &Pubkey,
        exit_id: u64,
        shares: u64,
    ) -> Instruction {
        let capital_pool = self.capital_pool_pda(mint);
        self.ix(
            bulwark::accounts::RequestCapitalExit {
                member: *member,
                config: self.config_pda(),
                capital_pool,
                share_mint: self.capital_shares_pda(mint),
                member_shares: self.capital_shares_account(member, mint),
                exit: self.capital_exit_pda(&capital_pool, member, exit_id),
                share_token_program: anchor_spl::token_2022::ID,
                system_program: anchor_lang::system_program::ID,
            },
            bulwark::instruction::RequestCapitalExit { exit_id, shares },
        )
    }

    pub fn execute_capital_exit(
        &self,
        member: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        exit_id: u64,
        member_token: &Pubkey,
    ) -> Instruction {
        self.ix(
            bulwark::accounts::ExecuteCapitalExit {
                member: *member,
                config: self.config_pda(),
                capital_pool: self.capital_pool_pda(mint),
                mint: *mint,
                capital_vault: self.capital_vault_pda(mint),
                token_program: *token_program,
                exit: self.capital_exit_pda(&self.capital_pool_pda(mint), member, exit_id),
                member_token: *member_token,
            },
            bulwark::instruction::ExecuteCapitalExit {},
        )
    }
}

/// The canonical deployment's builders as free functions: `name(args)` is
/// `Program::CANONICAL.name(args)`.
macro_rules! canonical {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {$(
        #[doc = concat!("[`Program::", stringify!($name), "`] of [`Program::CANONICAL`].")]
        pub fn $name($($arg: $ty),*) -> $ret {
            Program::CANONICAL.$name($($arg),*)
        }
    )*};
}

canonical! {
    program_data_address() -> Pubkey;
    config_pda() -> Pubkey;
    assessment_vault_pda() -> Pubkey;
    product_pda(id: u64) -> Pubkey;
    mint_params_pda(mint: &Pubkey) -> Pubkey;
    pool_pda(id: u64) -> Pubkey;
    vault_pda(pool: &Pubkey) -> Pubkey;
    pool_product_pda(pool: &Pubkey, product_id: u64) -> Pubkey;
    position_pda(pool: &Pubkey, owner: &Pubkey, position_id: u64) -> Pubkey;
    archive_pda(pool: &Pubkey, tranche_id: u64) -> Pubkey;
    initialize_config(
        deployer: &Pubkey,
        authority: &Pubkey,
        treasury: &Pubkey,
        assessment_mint: &Pubkey,
        token_program: &Pubkey,
        params: ProtocolParams,
    ) -> Instruction;
    proposal_pda(id: u64) -> Pubkey;
    create_proposal(
        authority: &Pubkey,
        id: u64,
        changes: Vec<GovernanceChange>,
        description_hash: [u8; 32],
        description_uri: String,
    ) -> Instruction;
    execute_proposal(
        caller: &Pubkey,
        id: u64,
        proposer: &Pubkey,
        capital_pool: Option<Pubkey>,
    ) -> Instruction;
    cancel_proposal(authority: &Pubkey, id: u64, proposer: &Pubkey) -> Instruction;
    set_pause(authority: &Pubkey, flags: u8) -> Instruction;
    propose_authority(authority: &Pubkey, new_authority: &Pubkey) -> Instruction;
    accept_authority(pending_authority: &Pubkey) -> Instruction;
    create_product(authority: &Pubkey, product_id: u64, args: CreateProductArgs) -> Instruction;
    update_product(authority: &Pubkey, product_id: u64, terms: ProductTerms) -> Instruction;
    set_mint_params(authority: &Pubkey, mint: &Pubkey, args: SetMintParamsArgs) -> Instruction;
    create_pool(
        manager: &Pubkey,
        pool_id: u64,
        mint: &Pubkey,
        token_program: &Pubkey,
        args: CreatePoolArgs,
    ) -> Instruction;
    set_pool_product(manager: &Pubkey, pool: &Pubkey, args: SetPoolProductArgs) -> Instruction;
    refresh_pool_product(pool: &Pubkey, product_id: u64) -> Instruction;
    set_manager_fee(manager: &Pubkey, pool: &Pubkey, fee_bps: u16) -> Instruction;
    deposit_stake(
        owner: &Pubkey,
        keys: &PoolKeys,
        owner_token: &Pubkey,
        args: DepositStakeArgs,
    ) -> Instruction;
    extend_stake(
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        owner_token: &Pubkey,
        args: ExtendStakeArgs,
    ) -> Instruction;
    archive_tranche(payer: &Pubkey, pool: &Pubkey, tranche_id: u64) -> Instruction;
    withdraw_stake(
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        tranche_id: u64,
        archive_rent_payer: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction;
    withdraw_stake_for(
        caller: &Pubkey,
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        tranche_id: u64,
        archive_rent_payer: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction;
    claim_rewards(
        owner: &Pubkey,
        keys: &PoolKeys,
        position_id: u64,
        owner_token: &Pubkey,
    ) -> Instruction;
    claim_manager_fees(manager: &Pubkey, keys: &PoolKeys, manager_token: &Pubkey) -> Instruction;
    sweep_fees(caller: &Pubkey, keys: &PoolKeys, treasury_token: &Pubkey) -> Instruction;
    cover_pda(payer: &Pubkey, nonce: u64) -> Pubkey;
    buy_cover(
        payer: &Pubkey,
        payer_token: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        pools: &[Pubkey],
        commission_destination: Option<Pubkey>,
        args: BuyCoverArgs,
    ) -> Instruction;
    quote_cover(mint: &Pubkey, pools: &[Pubkey], args: QuoteCoverArgs) -> Instruction;
    cover_pool_accounts(pools: &[Pubkey], product_id: u64) -> Vec<AccountMeta>;
    transfer_cover(owner: &Pubkey, cover: &Pubkey, new_owner: &Pubkey) -> Instruction;
    expire_cover(
        cover: &Pubkey,
        rent_payer: &Pubkey,
        product_id: u64,
        pools: &[Pubkey],
    ) -> Instruction;
    assessor_pda(owner: &Pubkey) -> Pubkey;
    claim_pda(cover: &Pubkey, index: u32) -> Pubkey;
    ballot_pda(claim: &Pubkey, assessor_owner: &Pubkey) -> Pubkey;
    stake_assessor(
        owner: &Pubkey,
        assessment_mint: &Pubkey,
        owner_token: &Pubkey,
        token_program: &Pubkey,
        amount: u64,
    ) -> Instruction;
    unstake_assessor(
        owner: &Pubkey,
        assessment_mint: &Pubkey,
        owner_token: &Pubkey,
        token_program: &Pubkey,
        amount: u64,
    ) -> Instruction;
    file_claim(
        owner: &Pubkey,
        keys: &CoverKeys,
        claim_index: u32,
        owner_token: &Pubkey,
        args: FileClaimArgs,
    ) -> Instruction;
    vote(owner: &Pubkey, claim: &Pubkey, accept: bool) -> Instruction;
    vote_with(
        owner: &Pubkey,
        claim: &Pubkey,
        args: VoteArgs,
        panel_product: Option<u64>,
    ) -> Instruction;
    commit_vote(
        owner: &Pubkey,
        claim: &Pubkey,
        commitment: [u8; 32],
        panel_product: Option<u64>,
    ) -> Instruction;
    reveal_vote(voter: &Pubkey, claim: &Pubkey, args: RevealVoteArgs) -> Instruction;
    panel_member_pda(product_id: u64, member: &Pubkey) -> Pubkey;
    add_panel_member(authority: &Pubkey, product_id: u64, member: &Pubkey) -> Instruction;
    remove_panel_member(authority: &Pubkey, product_id: u64, member: &Pubkey) -> Instruction;
    overturn_claim(
        authority: &Pubkey,
        claim: &Pubkey,
        deposit_pool: &Pubkey,
        reason_uri: &str,
    ) -> Instruction;
    redeem_payout(
        caller: &Pubkey,
        keys: &CoverKeys,
        claim: &Pubkey,
        owner_token: &Pubkey,
        claimant_token: &Pubkey,
    ) -> Instruction;
    close_claim(caller: &Pubkey, keys: &CoverKeys, claim: &Pubkey) -> Instruction;
    settle_ballot(
        caller: &Pubkey,
        claim: &Pubkey,
        deposit_pool: &Pubkey,
        mint: &Pubkey,
        voter: &Pubkey,
        voter_token: &Pubkey,
        token_program: &Pubkey,
    ) -> Instruction;
    slash_ballot(
        caller: &Pubkey,
        claim: &Pubkey,
        voter: &Pubkey,
        assessment_mint: &Pubkey,
        treasury_token: &Pubkey,
        token_program: &Pubkey,
    ) -> Instruction;
    capital_pool_pda(mint: &Pubkey) -> Pubkey;
    capital_vault_pda(mint: &Pubkey) -> Pubkey;
    capital_shares_pda(mint: &Pubkey) -> Pubkey;
    capital_exit_pda(capital_pool: &Pubkey, member: &Pubkey, exit_id: u64) -> Pubkey;
    capital_shares_account(member: &Pubkey, mint: &Pubkey) -> Pubkey;
    list_mint(
        authority: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        mint_params: SetMintParamsArgs,
        capital: CreateCapitalPoolArgs,
    ) -> [Instruction; 2];
    create_capital_pool(
        authority: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        args: CreateCapitalPoolArgs,
    ) -> Instruction;
    grant_leverage(caller: &Pubkey, pool: &Pubkey, mint: &Pubkey, max_amount: u64) -> Instruction;
    redeem_owed(
        caller: &Pubkey,
        keys: &CoverKeys,
        claim: &Pubkey,
        owner_token: &Pubkey,
    ) -> Instruction;
    create_share_account(payer: &Pubkey, member: &Pubkey, mint: &Pubkey) -> Instruction;
    deposit_capital(
        member: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        member_token: &Pubkey,
        amount: u64,
        min_shares: u64,
    ) -> Instruction;
    contribute_capital(
        contributor: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        contributor_token: &Pubkey,
        amount: u64,
    ) -> Instruction;
    request_capital_exit(member: &Pubkey, mint: &Pubkey, exit_id: u64, shares: u64) -> Instruction;
    execute_capital_exit(
        member: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        exit_id: u64,
        member_token: &Pubkey,
    ) -> Instruction;
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

/// Accounts a staking instruction needs about its pool.
#[derive(Clone, Copy, Debug)]
pub struct PoolKeys {
    pub pool: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
}

impl PoolKeys {
    /// [`Program::pool_keys`] of [`Program::CANONICAL`].
    pub fn new(pool_id: u64, mint: Pubkey, token_program: Pubkey) -> Self {
        Program::CANONICAL.pool_keys(pool_id, mint, token_program)
    }

    /// [`Program::pool_keys_of`] of [`Program::CANONICAL`].
    pub fn of(pool: &bulwark::state::Pool) -> Self {
        Program::CANONICAL.pool_keys_of(pool)
    }
}

/// The `CoverQuote` a simulated `quote_cover` returned (its return data).
pub fn decode_cover_quote(return_data: &[u8]) -> Option<CoverQuote> {
    CoverQuote::try_from_slice(return_data).ok()
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
