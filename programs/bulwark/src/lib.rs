//! Bulwark: a decentralized cover mutual on Solana.
//!
//! Stakers back cover with capital in 91-day tranches of staking pools, cover buyers pay
//! premiums, assessors vote on claims. An accepted claim is paid from the backing stake at
//! `paid ÷ ratio` and by the mint's capital pool (its members' shared fund) for the rest; what
//! neither can pay now stays owed and is paid, in order, as capital arrives.
//! See the repository README for the accounts, their seeds and the lifecycle.

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
#[cfg(feature = "cpi")]
pub mod integration;
pub mod math;
pub mod state;
pub mod token;

use anchor_lang::prelude::*;
use instructions::*;
use state::ProductTerms;

#[cfg(not(feature = "test-program-id"))]
declare_id!("Bwx1nGbLA6vksHSKQQY7J6iWzGgatttZ731CbexYG3aW");
// The clients' tests run a second build under this id, as a deployment under its own key would
// be (`[7; 32]`, whose config PDA has bump 255). Never deploy that build.
#[cfg(feature = "test-program-id")]
declare_id!("US517G5965aydkZ46HS38QLi7UQiSojurfbQfKCELFx");

#[program]
pub mod bulwark {
    use super::*;

    /// Creates the protocol config and assessment vault. Signed by the program's upgrade
    /// authority; names the governance authority.
    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        InitializeConfig::initialize_config(ctx, args)
    }

    /// Governance: proposes timelocked changes to parameters, the treasury or a capital
    /// pool's minimum capital requirement.
    pub fn create_proposal(ctx: Context<CreateProposal>, args: CreateProposalArgs) -> Result<()> {
        CreateProposal::create_proposal(ctx, args)
    }

    /// Anyone: applies a proposal once its timelock has elapsed.
    pub fn execute_proposal(ctx: Context<ExecuteProposal>, id: u64) -> Result<()> {
        ExecuteProposal::execute_proposal(ctx, id)
    }

    /// Governance: cancels a proposal before it is executed.
    pub fn cancel_proposal(ctx: Context<CancelProposal>, id: u64) -> Result<()> {
        CancelProposal::cancel_proposal(ctx, id)
    }

    /// Governance: designates `member` as an assessor of a product's panel.
    pub fn add_panel_member(
        ctx: Context<AddPanelMember>,
        product_id: u64,
        member: Pubkey,
    ) -> Result<()> {
        AddPanelMember::add_panel_member(ctx, product_id, member)
    }

    /// Governance: removes a designated assessor from a product's panel.
    pub fn remove_panel_member(
        ctx: Context<RemovePanelMember>,
        product_id: u64,
        member: Pubkey,
    ) -> Result<()> {
        RemovePanelMember::remove_panel_member(ctx, product_id, member)
    }

    /// Governance: pauses or resumes action families (`PAUSE_*` bits).
    pub fn set_pause(ctx: Context<SetPause>, flags: u8) -> Result<()> {
        SetPause::set_pause(ctx, flags)
    }

    /// Governance: proposes the next authority (step one of two).
    pub fn propose_authority(ctx: Context<ProposeAuthority>, new_authority: Pubkey) -> Result<()> {
        ProposeAuthority::propose_authority(ctx, new_authority)
    }

    /// The proposed authority accepts the hand-over (step two of two).
    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        AcceptAuthority::accept_authority(ctx)
    }

    /// Governance: lists a mint (pools may then be created on it) or changes its parameters.
    pub fn set_mint_params(ctx: Context<SetMintParams>, args: SetMintParamsArgs) -> Result<()> {
        SetMintParams::set_mint_params(ctx, args)
    }

    /// Governance: creates a product.
    pub fn create_product(ctx: Context<CreateProduct>, args: CreateProductArgs) -> Result<()> {
        CreateProduct::create_product(ctx, args)
    }

    /// Governance: changes a product's terms, including deprecation.
    pub fn update_product(ctx: Context<UpdateProduct>, terms: ProductTerms) -> Result<()> {
        UpdateProduct::update_product(ctx, terms)
    }

    /// Anyone: opens a staking pool on one mint and becomes its manager.
    pub fn create_pool(ctx: Context<CreatePool>, args: CreatePoolArgs) -> Result<()> {
        CreatePool::create_pool(ctx, args)
    }

    /// Pool manager: sets a product's weight and target price in the pool.
    pub fn set_pool_product(ctx: Context<SetPoolProduct>, args: SetPoolProductArgs) -> Result<()> {
        SetPoolProduct::set_pool_product(ctx, args)
    }

    /// Anyone: recomputes a pool-product's effective weight (after a payout elsewhere in the
    /// pool burnt stake under it).
    pub fn refresh_pool_product(ctx: Context<RefreshPoolProduct>) -> Result<()> {
        RefreshPoolProduct::refresh_pool_product(ctx)
    }

    /// Pool manager: changes the manager fee within the pool's maximum.
    pub fn set_manager_fee(ctx: Context<SetManagerFee>, fee_bps: u16) -> Result<()> {
        SetManagerFee::set_manager_fee(ctx, fee_bps)
    }

    /// Staker: deposits into a tranche, opening or topping up a position.
    pub fn deposit_stake(ctx: Context<DepositStake>, args: DepositStakeArgs) -> Result<()> {
        DepositStake::deposit_stake(ctx, args)
    }

    /// Staker: moves a position to a later tranche, optionally adding stake.
    pub fn extend_stake(ctx: Context<ExtendStake>, args: ExtendStakeArgs) -> Result<()> {
        ExtendStake::extend_stake(ctx, args)
    }

    /// Anyone: freezes an ended tranche into its archive account and frees its ring slot.
    pub fn archive_tranche(ctx: Context<ArchiveTranche>, tranche_id: u64) -> Result<()> {
        ArchiveTranche::archive_tranche(ctx, tranche_id)
    }

    /// Staker: withdraws a position of an ended tranche (stake and rewards) and closes it.
    pub fn withdraw_stake(ctx: Context<WithdrawStake>) -> Result<()> {
        WithdrawStake::withdraw_stake(ctx)
    }

    /// Staker: claims the premium rewards a position has earned so far.
    pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
        ClaimRewards::claim_rewards(ctx)
    }

    /// Pool manager: claims the manager fees of the pool.
    pub fn claim_manager_fees(ctx: Context<ClaimManagerFees>) -> Result<()> {
        ClaimManagerFees::claim_manager_fees(ctx)
    }

    /// Anyone: moves a pool's treasury and capital pool shares to the treasury and the capital pool.
    pub fn sweep_fees(ctx: Context<SweepFees>) -> Result<()> {
        SweepFees::sweep_fees(ctx)
    }

    /// Anyone, by simulation (read-only; any funded fee payer, no signature needed): the
    /// program's own quote of `amount` × `period` over the given pools, cheapest first (at
    /// most four, as `buy_cover` takes), after their leverage line cranks, returned as a
    /// `CoverQuote` (return data). The cranks run in the order the pools are given, each
    /// granting all it can, so list the pools cheapest first: a dear pool listed first may take
    /// capital a cheaper pool's line would have had. Every pool must be on the mint and list
    /// the product (the quote fails otherwise). Pools untouched for months roll many buckets
    /// forward: simulate with a compute-unit limit above the default for those.
    ///
    /// Remaining accounts: `[pool, pool_product]` per candidate pool, read-only, 1 to
    /// `MAX_QUOTE_POOLS` (12) pairs.
    pub fn quote_cover<'info>(
        ctx: Context<'info, QuoteCover<'info>>,
        args: QuoteCoverArgs,
    ) -> Result<CoverQuote> {
        QuoteCover::quote_cover(ctx, args)
    }

    /// Anyone (payer signs, may differ from the owner): buys cover sourced from up to four
    /// pools; returns the cover address.
    ///
    /// Remaining accounts: for each entry of `allocations`, in order, `[pool, pool_product,
    /// vault]` (the pool's vault), all writable.
    pub fn buy_cover<'info>(
        ctx: Context<'info, BuyCover<'info>>,
        args: BuyCoverArgs,
    ) -> Result<Pubkey> {
        BuyCover::buy_cover(ctx, args)
    }

    /// Cover owner: transfers the cover to a new owner.
    pub fn transfer_cover(ctx: Context<TransferCover>, new_owner: Pubkey) -> Result<()> {
        TransferCover::transfer_cover(ctx, new_owner)
    }

    /// Assessor: stakes the assessment mint (voting weight).
    pub fn stake_assessor(ctx: Context<StakeAssessor>, amount: u64) -> Result<()> {
        StakeAssessor::stake_assessor(ctx, amount)
    }

    /// Assessor: withdraws assessment stake once its votes can no longer matter.
    pub fn unstake_assessor(ctx: Context<UnstakeAssessor>, amount: u64) -> Result<()> {
        UnstakeAssessor::unstake_assessor(ctx, amount)
    }

    /// Cover owner: files a claim and escrows the deposit.
    pub fn file_claim(ctx: Context<FileClaim>, args: FileClaimArgs) -> Result<()> {
        FileClaim::file_claim(ctx, args)
    }

    /// Assessor: votes on a claim (once).
    pub fn vote(ctx: Context<Vote>, args: VoteArgs) -> Result<()> {
        Vote::vote(ctx, args)
    }

    /// Assessor: commits a blind ballot (`sha256(claim ‖ assessor ‖ [accept] ‖ salt)`) on a
    /// claim of a blind-vote product.
    pub fn commit_vote(ctx: Context<CommitVote>, commitment: [u8; 32]) -> Result<()> {
        CommitVote::commit_vote(ctx, commitment)
    }

    /// Assessor: reveals its blind ballot in the claim's reveal window.
    pub fn reveal_vote(ctx: Context<RevealVote>, args: RevealVoteArgs) -> Result<()> {
        RevealVote::reveal_vote(ctx, args)
    }

    /// Governance: reverses a claim's outcome during its cooldown (fraud), with its reason.
    pub fn overturn_claim(ctx: Context<OverturnClaim>, args: OverturnClaimArgs) -> Result<()> {
        OverturnClaim::overturn_claim(ctx, args)
    }

    /// Anyone: pays an accepted claim to the cover owner from the backing pools.
    ///
    /// Remaining accounts: for each pool of the cover (`cover.allocations[..pool_count]`), in
    /// the cover's order, `[pool, pool_product, vault]` (the pool's vault), all writable.
    pub fn redeem_payout<'info>(ctx: Context<'info, RedeemPayout<'info>>) -> Result<()> {
        RedeemPayout::redeem_payout(ctx)
    }

    /// Anyone: closes a denied or lapsed claim and settles its deposit.
    pub fn close_claim(ctx: Context<CloseClaim>) -> Result<()> {
        CloseClaim::close_claim(ctx)
    }

    /// Anyone, once the outcome is final: settles a ballot not on an overturned side, paying
    /// its share of the claim's reserved reward if it voted for the rewarded outcome (nothing
    /// otherwise), and closes it.
    pub fn settle_ballot(ctx: Context<SettleBallot>) -> Result<()> {
        SettleBallot::settle_ballot(ctx)
    }

    /// Anyone, once the outcome is final: slashes a ballot that voted for an outcome
    /// governance overturned (the claim's slash share of its weight, to the treasury), and
    /// closes it.
    pub fn slash_ballot(ctx: Context<SlashBallot>) -> Result<()> {
        SlashBallot::slash_ballot(ctx)
    }

    /// Anyone, after end + grace: releases a cover's allocations early and closes it.
    ///
    /// Remaining accounts: for each pool of the cover, in the cover's order, `[pool,
    /// pool_product]`, both writable.
    pub fn expire_cover<'info>(ctx: Context<'info, ExpireCover<'info>>) -> Result<()> {
        ExpireCover::expire_cover(ctx)
    }

    /// Governance: opens the capital pool of a listed mint, with its vault and its Token-2022
    /// membership share mint (metadata on the mint).
    pub fn create_capital_pool(
        ctx: Context<CreateCapitalPool>,
        args: CreateCapitalPoolArgs,
    ) -> Result<()> {
        CreateCapitalPool::create_capital_pool(ctx, args)
    }

    /// Member: deposits capital for membership shares (at least `min_shares`).
    pub fn deposit_capital(
        ctx: Context<DepositCapital>,
        amount: u64,
        min_shares: u64,
    ) -> Result<()> {
        DepositCapital::deposit_capital(ctx, amount, min_shares)
    }

    /// Anyone: adds capital without shares (a recapitalisation; pays what is owed first).
    pub fn contribute_capital(ctx: Context<ContributeCapital>, amount: u64) -> Result<()> {
        ContributeCapital::contribute_capital(ctx, amount)
    }

    /// Member: burns shares and requests their value (step one of leaving).
    pub fn request_capital_exit(
        ctx: Context<RequestCapitalExit>,
        exit_id: u64,
        shares: u64,
    ) -> Result<()> {
        RequestCapitalExit::request_capital_exit(ctx, exit_id, shares)
    }

    /// Member, after the exit delay: is paid the lower of the value at the request and now.
    pub fn execute_capital_exit(ctx: Context<ExecuteCapitalExit>) -> Result<()> {
        ExecuteCapitalExit::execute_capital_exit(ctx)
    }

    /// Anyone: returns what a staking pool's leverage line no longer holds to the capital
    /// pool and grants it up to `max_amount` more, within the capital above the requirement.
    pub fn grant_leverage(ctx: Context<GrantLeverage>, max_amount: u64) -> Result<()> {
        GrantLeverage::grant_leverage(ctx, max_amount)
    }

    /// Anyone: pays the cover owner what the capital pool can of what it owes on a redeemed
    /// claim, in debt-queue order.
    pub fn redeem_owed(ctx: Context<RedeemOwed>) -> Result<()> {
        RedeemOwed::redeem_owed(ctx)
    }
}
