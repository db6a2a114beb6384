//! One function per user flow, over any [`AccountSource`]: each reads the state it needs and
//! returns the instructions to send (and the addresses they create), for the deployment the
//! source reads ([`AccountSource::program`]). The TypeScript client's
//! `app/src/flows.ts` has the same shape.

use crate::builders::{CoverKeys, PoolKeys, Program};
use crate::client::{
    exists, load, load_optional, load_zero_copy, load_zero_copy_optional, mint_info, AccountSource,
    ClientError, MintInfo, Result,
};
use crate::quote::{keep_cranks_through_routed, quote, CoverRequest, PoolState, Quote};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::instructions::{BuyCoverArgs, FileClaimArgs, VoteArgs};
use bulwark::state::{
    Ballot, CapitalPool, Claim, Config, Cover, GovernanceChange, Pool, PoolProduct, Product,
    Proposal, StakePosition, TrancheArchive,
};

/// The pool with id `pool_id` and the keys its staking instructions take.
pub async fn pool_keys<S: AccountSource>(src: &mut S, pool_id: u64) -> Result<(Pool, PoolKeys)> {
    let program = src.program();
    let pool: Pool = load_zero_copy(src, &program.pool_pda(pool_id), "pool").await?;
    Ok((pool, program.pool_keys_of(&pool)))
}

/// Quotes `request` over the candidate `pools` (those on its mint that list its product are
/// routed over) at the cluster's time. The leverage lines priced are those the
/// `grant_leverage` cranks of the pools would leave, simulated in the order of `pools` with
/// the program's own crank on copies; the cranks that change a line, in that order up to the
/// last routed pool's, are the quote's `cranks`, which [`buy_cover_from_quote`] sends first
/// (each crank before a routed pool's counts: it may return capital that pool's line needs).
pub async fn quote_cover<S: AccountSource>(
    src: &mut S,
    request: &CoverRequest,
    pools: &[Pubkey],
) -> Result<Quote> {
    let program = src.program();
    let config: Config = load(src, &program.config_pda(), "config").await?;
    let product: Product = load(src, &program.product_pda(request.product_id), "product").await?;
    let now = src.unix_time().await?;
    let mut states: Vec<PoolState> = Vec::new();
    for address in pools {
        // A pool listed twice is one pool (and its crank runs once).
        if states.iter().any(|state| state.address == *address) {
            continue;
        }
        let pool: Pool = load_zero_copy(src, address, "pool").await?;
        let listing = program.pool_product_pda(address, request.product_id);
        let pool_product: Option<PoolProduct> =
            load_zero_copy_optional(src, &listing, "pool product").await?;
        if let Some(pool_product) = pool_product.filter(|_| pool.mint == request.mint) {
            states.push(PoolState {
                address: *address,
                pool,
                pool_product,
            });
        }
    }
    let capital = program.capital_pool_pda(&request.mint);
    let mut cranked = match load_optional::<CapitalPool, _>(src, &capital, "capital pool").await? {
        Some(mut capital) => crank_copies(
            states
                .iter_mut()
                .map(|state| (state.address, &mut state.pool)),
            &mut capital,
            config.params.capacity_ratio_bps,
            u64::MAX,
            now,
        )?,
        None => Vec::new(),
    };
    let mut quote = quote(&config, &product, &states, request, now).map_err(ClientError::Quote)?;
    keep_cranks_through_routed(&mut cranked, &quote.parts);
    quote.cranks = cranked;
    Ok(quote)
}

/// Runs the program's leverage line crank (granting at most `max_amount`) on each of `pools`
/// in order, against `capital`, as `grant_leverage` would at `now`; returns the pools whose
/// line it changed.
fn crank_copies<'a>(
    pools: impl Iterator<Item = (Pubkey, &'a mut Pool)>,
    capital: &mut CapitalPool,
    ratio_bps: u32,
    max_amount: u64,
    now: i64,
) -> Result<Vec<Pubkey>> {
    let mut changed = Vec::new();
    for (address, pool) in pools {
        if pool
            .crank_line(capital, ratio_bps, max_amount, now)?
            .changed()
        {
            changed.push(address);
        }
    }
    Ok(changed)
}

/// The `grant_leverage` cranks (sent by `caller`, granting at most `max_amount` each) that
/// would change the lines of `pools` on `mint`, found by running the program's crank on copies
/// in order: with `max_amount` 0, the cranks that return to the capital pool what lines no
/// longer hold, which its requirement counts until then (a capital exit needs them first).
pub async fn line_cranks<S: AccountSource>(
    src: &mut S,
    caller: &Pubkey,
    mint: &Pubkey,
    pools: &[Pubkey],
    max_amount: u64,
) -> Result<Vec<Instruction>> {
    let program = src.program();
    let config: Config = load(src, &program.config_pda(), "config").await?;
    let mut capital: CapitalPool =
        load(src, &program.capital_pool_pda(mint), "capital pool").await?;
    let now = src.unix_time().await?;
    let mut states = Vec::new();
    for address in pools {
        let pool: Pool = load_zero_copy(src, address, "pool").await?;
        if pool.mint == *mint {
            states.push((*address, pool));
        }
    }
    let changed = crank_copies(
        states.iter_mut().map(|(address, pool)| (*address, pool)),
        &mut capital,
        config.params.capacity_ratio_bps,
        max_amount,
        now,
    )?;
    Ok(changed
        .iter()
        .map(|pool| program.grant_leverage(caller, pool, mint, max_amount))
        .collect())
}

/// How a purchase of a quote is made, beyond the quote itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuyOptions {
    /// Cover PDA nonce of the payer.
    pub cover_nonce: u64,
    /// Who holds the cover [default: the payer].
    pub owner: Option<Pubkey>,
    /// Most premium (with commission) to pay [default: the quoted cost]: a guard against the
    /// price moving before the purchase lands.
    pub max_premium: Option<u64>,
    /// Receives the commission; required when the quote has one.
    pub commission_destination: Option<Pubkey>,
}

/// A purchase ready to send: the leverage line cranks the quote counted on, then `buy_cover`.
/// The cranks write the capital pool; send them first (with the purchase when they fit one
/// transaction, else before it).
#[derive(Clone, Debug)]
pub struct CoverPurchase {
    pub cover: Pubkey,
    pub cranks: Vec<Instruction>,
    pub buy: Instruction,
}

/// Buys the cover `quote` routes from `program` (the deployment quoted: the source's
/// [`AccountSource::program`]), paid by `payer` from `payer_token` on `mint` (the quote's): its
/// parts become the allocations and pool accounts, its product, period and commission the
/// purchase's.
pub fn buy_cover_from_quote(
    program: &Program,
    payer: &Pubkey,
    payer_token: &Pubkey,
    mint: &MintInfo,
    quote: &Quote,
    options: BuyOptions,
) -> Result<CoverPurchase> {
    let request = &quote.request;
    if mint.address != request.mint {
        return Err(ClientError::Program(format!(
            "the quote is in {}, not in {}",
            request.mint, mint.address
        )));
    }
    let cranks = quote
        .cranks
        .iter()
        .map(|pool| program.grant_leverage(payer, pool, &request.mint, u64::MAX))
        .collect();
    let buy = program.buy_cover(
        payer,
        payer_token,
        &request.mint,
        &mint.token_program,
        &quote.pools(),
        options.commission_destination,
        BuyCoverArgs {
            cover_nonce: options.cover_nonce,
            owner: options.owner.unwrap_or(*payer),
            product_id: request.product_id,
            amount: request.amount,
            period: request.period,
            max_premium: options.max_premium.unwrap_or_else(|| quote.cost()),
            allocations: quote.allocations(),
            commission_bps: request.commission_bps,
        },
    );
    Ok(CoverPurchase {
        cover: program.cover_pda(payer, options.cover_nonce),
        cranks,
        buy,
    })
}

/// A cover as its claim and crank instructions need it.
#[derive(Clone, Debug)]
pub struct CoverContext {
    pub cover: Cover,
    pub keys: CoverKeys,
    pub mint: MintInfo,
}

/// The cover at `address`, its keys and its mint.
pub async fn cover_context<S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
) -> Result<CoverContext> {
    let cover: Cover = load(src, address, "cover").await?;
    let mint = mint_info(src, &cover.mint).await?;
    Ok(CoverContext {
        keys: CoverKeys::from_cover(*address, &cover, mint.token_program),
        cover,
        mint,
    })
}

/// Files the next claim on the cover at `cover` for `args.amount`, the deposit paid from
/// `owner_token`. Returns the claim's address and the instruction.
pub async fn file_claim<S: AccountSource>(
    src: &mut S,
    owner: &Pubkey,
    cover: &Pubkey,
    owner_token: &Pubkey,
    args: FileClaimArgs,
) -> Result<(Pubkey, Instruction)> {
    let program = src.program();
    let context = cover_context(src, cover).await?;
    let index = context.cover.claim_count;
    let ix = program.file_claim(owner, &context.keys, index, owner_token, args);
    Ok((program.claim_pda(cover, index), ix))
}

/// Pays the claim at `claim` (anyone may send it): `redeem_payout` once its outcome is final,
/// or — once redeemed with an amount still owed — `redeem_owed`, the capital pool paying what it
/// can. The payout goes to `owner_token`, the deposit back to `claimant_token`; each defaults
/// to its holder's associated token account, created first (idempotently) at `caller`'s cost.
pub async fn redeem<S: AccountSource>(
    src: &mut S,
    caller: &Pubkey,
    claim: &Pubkey,
    owner_token: Option<Pubkey>,
    claimant_token: Option<Pubkey>,
) -> Result<Vec<Instruction>> {
    let program = src.program();
    let state: Claim = load(src, claim, "claim").await?;
    let context = cover_context(src, &state.cover).await?;
    let mut ixs = Vec::new();
    let mut token_of = |holder: &Pubkey, given: Option<Pubkey>| {
        given.unwrap_or_else(|| {
            let create = context.mint.create_associated_account(caller, holder);
            if !ixs.contains(&create) {
                ixs.push(create);
            }
            context.mint.associated_account(holder)
        })
    };
    let owner_token = token_of(&context.cover.owner, owner_token);
    if state.paid {
        ixs.push(program.redeem_owed(caller, &context.keys, claim, &owner_token));
        return Ok(ixs);
    }
    let claimant_token = token_of(&state.claimant, claimant_token);
    ixs.push(program.redeem_payout(caller, &context.keys, claim, &owner_token, &claimant_token));
    Ok(ixs)
}

/// Settles `voter`'s ballot on `claim` once the outcome is final (anyone may send it):
/// `slash_ballot` when it voted for an outcome governance overturned (the slash goes to the
/// treasury's associated account of the assessment mint), `settle_ballot` otherwise (its
/// reward, if any, to `voter_token`, default the voter's associated account of the claim's
/// mint). The associated accounts are created first (idempotently) at `caller`'s cost.
pub async fn settle_ballot<S: AccountSource>(
    src: &mut S,
    caller: &Pubkey,
    claim: &Pubkey,
    voter: &Pubkey,
    voter_token: Option<Pubkey>,
) -> Result<Vec<Instruction>> {
    let program = src.program();
    let state: Claim = load(src, claim, "claim").await?;
    let ballot: Ballot = load(src, &program.ballot_pda(claim, voter), "ballot").await?;
    if state.slashable(&ballot) {
        let config: Config = load(src, &program.config_pda(), "config").await?;
        let stake_mint = mint_info(src, &config.assessment_mint).await?;
        return Ok(vec![
            stake_mint.create_associated_account(caller, &config.treasury),
            program.slash_ballot(
                caller,
                claim,
                voter,
                &stake_mint.address,
                &stake_mint.associated_account(&config.treasury),
                &stake_mint.token_program,
            ),
        ]);
    }
    let mint = mint_info(src, &state.mint).await?;
    let mut ixs = Vec::new();
    let voter_token = voter_token.unwrap_or_else(|| {
        ixs.push(mint.create_associated_account(caller, voter));
        mint.associated_account(voter)
    });
    ixs.push(program.settle_ballot(
        caller,
        claim,
        &state.deposit_pool,
        &mint.address,
        voter,
        &voter_token,
        &mint.token_program,
    ));
    Ok(ixs)
}

/// The product id whose panel decides the claim, if a panel does.
fn panel_of(claim: &Claim) -> Option<u64> {
    claim.panel.then_some(claim.product_id)
}

/// `owner`'s open vote on the claim at `claim` with `args` (the voter's panel seat passed when
/// a panel decides it). A blind claim takes [`commit_vote`].
pub async fn vote<S: AccountSource>(
    src: &mut S,
    owner: &Pubkey,
    claim: &Pubkey,
    args: VoteArgs,
) -> Result<Instruction> {
    let program = src.program();
    let state: Claim = load(src, claim, "claim").await?;
    Ok(program.vote_with(owner, claim, args, panel_of(&state)))
}

/// `owner`'s blind ballot on the claim at `claim` for `accept`, hidden by `salt`. Keep the
/// salt: without it the ballot cannot be revealed, and an unrevealed ballot counts for nothing
/// and earns nothing.
pub async fn commit_vote<S: AccountSource>(
    src: &mut S,
    owner: &Pubkey,
    claim: &Pubkey,
    accept: bool,
    salt: &[u8; 32],
) -> Result<Instruction> {
    let program = src.program();
    let state: Claim = load(src, claim, "claim").await?;
    let commitment = Ballot::commitment_of(claim, owner, accept, salt);
    Ok(program.commit_vote(owner, claim, commitment, panel_of(&state)))
}

/// Proposes `changes` as the next proposal (the config's counter gives its id); returns the
/// instruction and the id. It is executable after the timelock delay.
pub async fn propose<S: AccountSource>(
    src: &mut S,
    authority: &Pubkey,
    changes: Vec<GovernanceChange>,
    description_hash: [u8; 32],
    description_uri: String,
) -> Result<(Instruction, u64)> {
    let program = src.program();
    let config: Config = load(src, &program.config_pda(), "config").await?;
    let id = config.proposal_count;
    let ix = program.create_proposal(authority, id, changes, description_hash, description_uri);
    Ok((ix, id))
}

/// Executes proposal `id` (anyone may, once its timelock has elapsed), passing the capital
/// pool it changes if it changes one.
pub async fn execute_proposal<S: AccountSource>(
    src: &mut S,
    caller: &Pubkey,
    id: u64,
) -> Result<Instruction> {
    let program = src.program();
    let proposal: Proposal = load(src, &program.proposal_pda(id), "proposal").await?;
    Ok(program.execute_proposal(caller, id, &proposal.proposer, proposal.capital_pool()))
}

/// Cancels proposal `id` (governance), its rent back to its proposer.
pub async fn cancel_proposal<S: AccountSource>(
    src: &mut S,
    authority: &Pubkey,
    id: u64,
) -> Result<Instruction> {
    let program = src.program();
    let proposal: Proposal = load(src, &program.proposal_pda(id), "proposal").await?;
    Ok(program.cancel_proposal(authority, id, &proposal.proposer))
}

/// Closes the denied claim at `claim` (anyone may, once its outcome is final): its deposit
/// goes to the deposit pool's assessment share.
pub async fn close_claim<S: AccountSource>(
    src: &mut S,
    caller: &Pubkey,
    claim: &Pubkey,
) -> Result<Instruction> {
    let program = src.program();
    let state: Claim = load(src, claim, "claim").await?;
    let context = cover_context(src, &state.cover).await?;
    Ok(program.close_claim(caller, &context.keys, claim))
}

/// Expires the ended cover at `cover` (anyone may): its capacity is released and its rent
/// returned to the payer who bought it.
pub async fn expire_cover<S: AccountSource>(src: &mut S, cover: &Pubkey) -> Result<Instruction> {
    let program = src.program();
    let context = cover_context(src, cover).await?;
    Ok(program.expire_cover(
        cover,
        &context.cover.rent_payer,
        context.cover.product_id,
        &context.keys.pools,
    ))
}

/// Withdraws position `position_id` of `owner` in `pool` once its tranche has ended, to
/// `owner_token`; `caller` is the owner (or anyone once the position is abandoned). The tranche
/// is archived first when nobody has, `archive_payer` paying the archive's rent (refunded with
/// the tranche's last withdrawal). Returns the position and the instructions.
pub async fn withdraw<S: AccountSource>(
    src: &mut S,
    archive_payer: &Pubkey,
    caller: &Pubkey,
    owner: &Pubkey,
    pool: &PoolKeys,
    position_id: u64,
    owner_token: &Pubkey,
) -> Result<(StakePosition, Vec<Instruction>)> {
    let program = src.program();
    let address = program.position_pda(&pool.pool, owner, position_id);
    let position: StakePosition = load(src, &address, "stake position").await?;
    let tranche_id = position.tranche_id;
    let archive = program.archive_pda(&pool.pool, tranche_id);
    let mut ixs = Vec::new();
    let archive_rent_payer =
        match load_optional::<TrancheArchive, _>(src, &archive, "tranche archive").await? {
            Some(state) => state.rent_payer,
            None => {
                ixs.push(program.archive_tranche(archive_payer, &pool.pool, tranche_id));
                *archive_payer
            }
        };
    ixs.push(program.withdraw_stake_for(
        caller,
        owner,
        pool,
        position_id,
        tranche_id,
        &archive_rent_payer,
        owner_token,
    ));
    Ok((position, ixs))
}

/// The first of `candidate(0..limit)` with no account yet: an unused nonce or id.
pub async fn first_unused<S: AccountSource>(
    src: &mut S,
    limit: u64,
    candidate: impl Fn(u64) -> Pubkey,
) -> Result<Option<u64>> {
    for n in 0..limit {
        if !exists(src, &candidate(n)).await? {
            return Ok(Some(n));
        }
    }
    Ok(None)
}
