// One function per user flow. Each returns the instructions to send (and the addresses it
// creates); the ones that need chain state read it through an `AccountFetcher`, so they work
// against an RPC and against an in-process VM alike. Each takes the program's id as
// `programAddress` (default: the canonical `BULWARK_PROGRAM_ADDRESS`) and builds for that
// deployment only: its program, its config and its PDAs, read and derived under that id.

import {
  AccountRole,
  address,
  getAddressEncoder,
  type AccountMeta,
  type Address,
  type Instruction,
  type ReadonlyUint8Array,
  type TransactionSigner,
} from "@solana/kit";
import {
  clusterTime,
  loadClaim,
  loadConfig,
  loadCover,
  loadPool,
  loadPoolStates,
  loadPosition,
  loadProduct,
  type AccountFetcher,
} from "./accounts";
import {
  BULWARK_PROGRAM_ADDRESS,
  decodeBallot,
  decodeTrancheArchive,
  getArchiveTrancheInstruction,
  getBuyCoverInstruction,
  getClaimRewardsInstruction,
  getCloseClaimInstruction,
  getDepositStakeInstruction,
  getExtendStakeInstruction,
  getContributeCapitalInstruction,
  getDepositCapitalInstruction,
  getExecuteCapitalExitInstruction,
  getFileClaimInstruction,
  getGrantLeverageInstruction,
  getRedeemOwedInstruction,
  getRedeemPayoutInstruction,
  getRequestCapitalExitInstruction,
  getSettleBallotInstruction,
  getSlashBallotInstruction,
  getRefreshPoolProductInstruction,
  getStakeAssessorInstruction,
  getVoteInstruction,
  getCommitVoteInstruction,
  getRevealVoteInstruction,
  type Claim,
  getWithdrawStakeInstruction,
  getCoverQuoteDecoder,
  getQuoteCoverInstruction,
  decodeCapitalPool,
  type Cover,
  type CoverQuote,
} from "./generated";
import {
  archivePda,
  assessmentVaultPda,
  associatedTokenAddress,
  assessorPda,
  ballotPda,
  capitalExitPda,
  capitalPoolPda,
  capitalSharesPda,
  capitalVaultPda,
  claimPda,
  configPda,
  coverPda,
  mintParamsPda,
  panelMemberPda,
  poolProductPda,
  positionPda,
  productPda,
  vaultPda,
} from "./pdas";
import { getCreateAssociatedTokenIdempotentInstruction } from "@solana-program/token";
import { quote, type Quote } from "./quote";

/** The Token-2022 program: the capital pool's share mint always uses it. */
const TOKEN_2022 = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

/** Accounts a staking instruction needs about its pool. */
export interface PoolKeys {
  pool: Address;
  mint: Address;
  vault: Address;
  tokenProgram: Address;
}

/** The pool's mint, vault and token program, as the pool account records them. */
export async function loadPoolKeys(fetch: AccountFetcher, pool: Address): Promise<PoolKeys> {
  const state = await loadPool(fetch, pool);
  return { pool, mint: state.mint, vault: state.vault, tokenProgram: state.tokenProgram };
}

/** `[pool, pool_product, vault]` for each pool, writable: the remaining accounts of a cover. */
async function poolTriples(
  pools: Address[],
  productId: bigint,
  programAddress: Address,
): Promise<AccountMeta[]> {
  const triples = await Promise.all(
    pools.map(async (pool) => [
      pool,
      await poolProductPda(pool, productId, programAddress),
      await vaultPda(pool, programAddress),
    ]),
  );
  return triples.flat().map((account) => ({ address: account, role: AccountRole.WRITABLE }));
}

function withRemaining(instruction: Instruction, remaining: AccountMeta[]): Instruction {
  return { ...instruction, accounts: [...(instruction.accounts ?? []), ...remaining] };
}

/** Pools of a cover, in its order (the first escrows claim deposits). */
const coverPools = (cover: Cover) =>
  cover.allocations.slice(0, cover.poolCount).map((allocation) => allocation.pool);

// ---- staker ----

/** Deposits `amount` into tranche `trancheId` as position `positionId` of `owner`. */
export async function stake(input: {
  owner: TransactionSigner;
  pool: PoolKeys;
  ownerToken: Address;
  positionId: bigint;
  trancheId: bigint;
  amount: bigint;
  programAddress?: Address;
}) {
  const { owner, pool, programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const position = await positionPda(pool.pool, owner.address, input.positionId, programAddress);
  const instruction = getDepositStakeInstruction(
    {
      owner,
      config: await configPda(programAddress),
      pool: pool.pool,
      mint: pool.mint,
      vault: pool.vault,
      tokenProgram: pool.tokenProgram,
      position,
      ownerToken: input.ownerToken,
      positionId: input.positionId,
      trancheId: input.trancheId,
      amount: input.amount,
    },
    { programAddress },
  );
  return { position, instructions: [instruction] };
}

/**
 * Moves position `positionId` of `owner` to the later tranche `newTrancheId` (at most seven
 * after the current one), locking its stake longer, with `topUpAmount` (default 0) added from
 * `ownerToken`. Cover sold against the old tranche stays there: the pools carry what it needs
 * beyond the stake left into the later tranches.
 */
export async function extendStake(input: {
  owner: TransactionSigner;
  pool: PoolKeys;
  ownerToken: Address;
  positionId: bigint;
  newTrancheId: bigint;
  topUpAmount?: bigint;
  programAddress?: Address;
}) {
  const { owner, pool, programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const position = await positionPda(pool.pool, owner.address, input.positionId, programAddress);
  const instruction = getExtendStakeInstruction(
    {
      owner,
      config: await configPda(programAddress),
      pool: pool.pool,
      mint: pool.mint,
      vault: pool.vault,
      tokenProgram: pool.tokenProgram,
      position,
      ownerToken: input.ownerToken,
      newTrancheId: input.newTrancheId,
      topUpAmount: input.topUpAmount ?? 0n,
    },
    { programAddress },
  );
  return { position, instructions: [instruction] };
}

/**
 * Pays position `positionId` of `owner` the rewards streamed to it so far, while its tranche
 * runs (after the tranche ends, `withdraw` pays them with the stake).
 */
export async function claimRewards(input: {
  owner: TransactionSigner;
  pool: PoolKeys;
  ownerToken: Address;
  positionId: bigint;
  programAddress?: Address;
}) {
  const { owner, pool, programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const position = await positionPda(pool.pool, owner.address, input.positionId, programAddress);
  const instruction = getClaimRewardsInstruction(
    {
      owner,
      config: await configPda(programAddress),
      pool: pool.pool,
      mint: pool.mint,
      vault: pool.vault,
      tokenProgram: pool.tokenProgram,
      position,
      ownerToken: input.ownerToken,
    },
    { programAddress },
  );
  return { position, instructions: [instruction] };
}

/**
 * Withdraws position `positionId` of `owner` once its tranche has ended: its stake after any
 * losses plus its rewards, closing the position (its rent goes to the owner). The caller is the
 * owner, or anyone once the tranche has been over for `ABANDONED_POSITION_DELAY`; the stake
 * then goes to the owner's associated token account (the default `ownerToken`), the only one a
 * caller other than the owner may name. The tranche must be archived first; if nobody has,
 * `archive_tranche` goes first with the caller paying the archive's rent (refunded with the
 * tranche's last withdrawal), else the archive's recorded rent payer is passed on.
 */
export async function withdraw(
  fetch: AccountFetcher,
  input: {
    caller: TransactionSigner;
    /** The position's owner; defaults to the caller. */
    owner?: Address;
    pool: PoolKeys;
    ownerToken?: Address;
    positionId: bigint;
    programAddress?: Address;
  },
) {
  const { caller, pool, programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const owner = input.owner ?? caller.address;
  const position = await positionPda(pool.pool, owner, input.positionId, programAddress);
  const { trancheId } = await loadPosition(fetch, position);
  const archive = await archivePda(pool.pool, trancheId, programAddress);
  const existing = decodeTrancheArchive(await fetch(archive));
  const instructions: Instruction[] = existing.exists
    ? []
    : [
        getArchiveTrancheInstruction(
          { payer: caller, pool: pool.pool, archive, trancheId },
          { programAddress },
        ),
      ];
  const withdrawal = getWithdrawStakeInstruction(
    {
      caller,
      owner,
      config: await configPda(programAddress),
      pool: pool.pool,
      mint: pool.mint,
      vault: pool.vault,
      tokenProgram: pool.tokenProgram,
      position,
      archive,
      rentPayer: existing.exists ? existing.data.rentPayer : caller.address,
      ownerToken:
        input.ownerToken ?? (await associatedTokenAddress(owner, pool.mint, pool.tokenProgram)),
    },
    { programAddress },
  );
  return { position, archive, instructions: [...instructions, withdrawal] };
}

/**
 * Recomputes the effective weight of `productId` in `pool` (anyone may): a payout on another
 * product of the pool burns stake under this one and can leave its stored weight low.
 */
export async function refreshPoolProduct(input: {
  pool: Address;
  productId: bigint;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const poolProduct = await poolProductPda(input.pool, input.productId, programAddress);
  const instruction = getRefreshPoolProductInstruction(
    { pool: input.pool, poolProduct },
    { programAddress },
  );
  return { poolProduct, instructions: [instruction] };
}

// ---- cover buyer ----

/**
 * Quotes `amount` of cover on `productId` for `period` seconds over `pools` at the cluster's
 * current time (or `now`), reading config, product, pools, pool-products and the mint's capital
 * pool: the leverage lines are those the `grant_leverage` cranks `buyCover` sends first would
 * leave (`quote.cranks`).
 */
export async function quoteCover(
  fetch: AccountFetcher,
  input: {
    productId: bigint;
    /** Candidate pools; only those on `mint` that list the product are routed over. */
    pools: Address[];
    /** The mint the buyer pays in. */
    mint: Address;
    amount: bigint;
    period: number;
    commissionBps?: number;
    now?: bigint;
    programAddress?: Address;
  },
): Promise<Quote> {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const [config, product, states, now, capital] = await Promise.all([
    loadConfig(fetch, programAddress),
    loadProduct(fetch, input.productId, programAddress),
    loadPoolStates(fetch, input.productId, input.pools, programAddress),
    input.now ?? clusterTime(fetch),
    capitalPoolPda(input.mint, programAddress).then(fetch),
  ]);
  const commissionBps = input.commissionBps ?? 0;
  return quote(
    config,
    product,
    states,
    input.mint,
    input.amount,
    input.period,
    commissionBps,
    now,
    capital.exists ? decodeCapitalPool(capital).data : undefined,
  );
}

/**
 * The program's own quote (`quote_cover`) of `amount` × `period` over `pools` (each must list
 * the product; at most `MAX_QUOTE_POOLS`), after their leverage line cranks: simulate the
 * instruction with any funded fee payer (no signature needed) and decode the return data with
 * {@link decodeCoverQuote}. What a client in any language gets without porting the math.
 */
export async function quoteCoverInstruction(input: {
  productId: bigint;
  mint: Address;
  pools: Address[];
  amount: bigint;
  period: number;
  commissionBps?: number;
  programAddress?: Address;
}): Promise<Instruction> {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getQuoteCoverInstruction(
    {
      config: await configPda(programAddress),
      product: await productPda(input.productId, programAddress),
      mint: input.mint,
      capitalPool: await capitalPoolPda(input.mint, programAddress),
      productId: input.productId,
      amount: input.amount,
      period: input.period,
      commissionBps: input.commissionBps ?? 0,
    },
    { programAddress },
  );
  const pairs = await Promise.all(
    input.pools.map(async (pool) => [
      pool,
      await poolProductPda(pool, input.productId, programAddress),
    ]),
  );
  return withRemaining(
    instruction,
    pairs.flat().map((account) => ({ address: account, role: AccountRole.READONLY })),
  );
}

/** The `CoverQuote` a simulated `quote_cover` returned (its return data). */
export function decodeCoverQuote(returnData: ReadonlyUint8Array): CoverQuote {
  return getCoverQuoteDecoder().decode(returnData);
}

/**
 * Buys the cover a quote routes: `quote.parts` become the allocations and pool accounts, the
 * quote's mint and commission are the purchase's, and `maxPremium` (default: the quoted cost)
 * guards against the price moving before it lands.
 */
export async function buyCover(input: {
  payer: TransactionSigner;
  /** The payer's token account on `quote.mint`. */
  payerToken: Address;
  tokenProgram: Address;
  productId: bigint;
  period: number;
  coverNonce: bigint;
  quote: Quote;
  /** Who holds the cover; defaults to the payer. */
  owner?: Address;
  /** Receives the commission; required when the quote has one. */
  commissionDestination?: Address;
  maxPremium?: bigint;
  programAddress?: Address;
}) {
  const { payer, quote: route, programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const config = await configPda(programAddress);
  const cover = await coverPda(payer.address, input.coverNonce, programAddress);
  // The leverage line cranks the quote counted on, first (they write the capital pool).
  const capitalPool = await capitalPoolPda(route.mint, programAddress);
  const cranks = route.cranks.map((pool) =>
    getGrantLeverageInstruction(
      { caller: payer, config, capitalPool, pool, maxAmount: 0xffff_ffff_ffff_ffffn },
      { programAddress },
    ),
  );
  const instruction = getBuyCoverInstruction(
    {
      payer,
      config,
      product: await productPda(input.productId, programAddress),
      cover,
      mint: route.mint,
      payerToken: input.payerToken,
      commissionDestination: input.commissionDestination,
      tokenProgram: input.tokenProgram,
      coverNonce: input.coverNonce,
      owner: input.owner ?? payer.address,
      productId: input.productId,
      amount: route.parts.reduce((sum, part) => sum + part.amount, 0n),
      period: input.period,
      maxPremium: input.maxPremium ?? route.cost,
      allocations: route.parts.map((part) => part.amount),
      commissionBps: route.commissionBps,
    },
    { programAddress },
  );
  const pools = route.parts.map((part) => part.pool);
  return {
    cover,
    instructions: [
      ...cranks,
      withRemaining(instruction, await poolTriples(pools, input.productId, programAddress)),
    ],
  };
}

/**
 * Files the cover's next claim for `amount` for a loss at `incidentTime` (unix seconds: inside
 * the cover's period, at least its cooling-off after the purchase, not in the future),
 * escrowing the deposit in its first pool: the larger of the config's share of `amount` and
 * the smallest deposit listed for the cover's mint.
 */
export async function fileClaim(
  fetch: AccountFetcher,
  input: {
    owner: TransactionSigner;
    cover: Address;
    ownerToken: Address;
    amount: bigint;
    incidentTime: bigint;
    evidenceHash: ReadonlyUint8Array;
    evidenceUri: string;
    programAddress?: Address;
  },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const cover = await loadCover(fetch, input.cover);
  const depositPool = coverPools(cover)[0];
  const pool = await loadPool(fetch, depositPool);
  const claim = await claimPda(input.cover, cover.claimCount, programAddress);
  const instruction = getFileClaimInstruction(
    {
      owner: input.owner,
      config: await configPda(programAddress),
      cover: input.cover,
      claim,
      depositPool,
      mint: cover.mint,
      mintParams: await mintParamsPda(cover.mint, programAddress),
      vault: pool.vault,
      ownerToken: input.ownerToken,
      tokenProgram: pool.tokenProgram,
      amount: input.amount,
      incidentTime: input.incidentTime,
      evidenceHash: input.evidenceHash,
      evidenceUri: input.evidenceUri,
    },
    { programAddress },
  );
  return { claim, instructions: [instruction] };
}

/**
 * Pays an accepted claim after its cooldown: anyone may send it. The payout goes to the cover
 * owner's token account, the deposit back to the claimant's; both default to their associated
 * token accounts, the only ones a caller other than the owner (claimant) may name.
 */
export async function redeem(
  fetch: AccountFetcher,
  input: {
    caller: TransactionSigner;
    claim: Address;
    ownerToken?: Address;
    claimantToken?: Address;
    programAddress?: Address;
  },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const claim = await loadClaim(fetch, input.claim);
  const cover = await loadCover(fetch, claim.cover);
  const pools = coverPools(cover);
  const { tokenProgram } = await loadPool(fetch, pools[0]);
  const ownerToken =
    input.ownerToken ?? (await associatedTokenAddress(cover.owner, cover.mint, tokenProgram));
  const capital = await capitalAccounts(cover.mint, tokenProgram, programAddress);
  // Redeemed already, with an amount still owed: the capital pool pays what it can of it.
  if (claim.paid) {
    const instruction = getRedeemOwedInstruction(
      { caller: input.caller, claim: input.claim, cover: claim.cover, ...capital, ownerToken },
      { programAddress },
    );
    return { instructions: [instruction] };
  }
  const claimantToken =
    input.claimantToken ??
    (claim.claimant === cover.owner
      ? ownerToken
      : await associatedTokenAddress(claim.claimant, cover.mint, tokenProgram));
  const instruction = getRedeemPayoutInstruction(
    {
      caller: input.caller,
      claim: input.claim,
      cover: claim.cover,
      ...capital,
      ownerToken,
      claimantToken,
    },
    { programAddress },
  );
  const remaining = await poolTriples(pools, cover.productId, programAddress);
  return { instructions: [withRemaining(instruction, remaining)] };
}

/**
 * Settles `voter`'s ballot on `claim` once its outcome is final (anyone may send it): a ballot
 * that voted for an outcome governance overturned is slashed (`slash_ballot`: the claim's
 * slash share of its weight to the treasury's assessment-mint account, `treasuryStake`,
 * default its associated account); any other is settled (`settle_ballot`: its share of the
 * claim's reserved reward, if it voted for the rewarded outcome, to `voterToken`, default the
 * voter's associated account of the claim's mint). The accounts must exist.
 */
export async function settleBallot(
  fetch: AccountFetcher,
  input: {
    caller: TransactionSigner;
    claim: Address;
    voter: Address;
    voterToken?: Address;
    treasuryStake?: Address;
    programAddress?: Address;
  },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const claim = await loadClaim(fetch, input.claim);
  const ballotAddress = await ballotPda(input.claim, input.voter, programAddress);
  const encoded = await fetch(ballotAddress);
  if (!encoded.exists) throw new Error(`no open ballot of ${input.voter} on ${input.claim}`);
  const ballot = decodeBallot(encoded).data;
  const total = claim.acceptWeight + claim.denyWeight;
  const votedAccept = claim.acceptWeight > claim.denyWeight && total >= claim.quorum;
  const common = {
    caller: input.caller,
    config: await configPda(programAddress),
    claim: input.claim,
    ballot: ballotAddress,
    voter: input.voter,
    assessor: await assessorPda(input.voter, programAddress),
  };
  if (claim.overturned && ballot.accept === votedAccept) {
    const config = await loadConfig(fetch, programAddress);
    const mint = await fetch(config.assessmentMint);
    if (!mint.exists) throw new Error(`assessment mint ${config.assessmentMint} does not exist`);
    const tokenProgram = mint.programAddress;
    const treasuryStake =
      input.treasuryStake ??
      (await associatedTokenAddress(config.treasury, config.assessmentMint, tokenProgram));
    const instruction = getSlashBallotInstruction(
      {
        ...common,
        assessmentMint: config.assessmentMint,
        assessmentVault: config.assessmentVault,
        treasuryToken: treasuryStake,
        tokenProgram,
      },
      { programAddress },
    );
    return { slashed: true, instructions: [instruction] };
  }
  const pool = await loadPool(fetch, claim.depositPool);
  const voterToken =
    input.voterToken ?? (await associatedTokenAddress(input.voter, claim.mint, pool.tokenProgram));
  const instruction = getSettleBallotInstruction(
    {
      ...common,
      depositPool: claim.depositPool,
      vault: pool.vault,
      mint: claim.mint,
      voterToken,
      tokenProgram: pool.tokenProgram,
    },
    { programAddress },
  );
  return { slashed: false, instructions: [instruction] };
}

/**
 * Closes a denied claim, freeing its cover for a new claim (anyone may, once the outcome is
 * final): its deposit goes to the assessors' reward share. An accepted claim is never closed
 * unpaid: `redeem` pays it, or records what the capital pool owes.
 */
export async function closeClaim(
  fetch: AccountFetcher,
  input: { caller: TransactionSigner; claim: Address; programAddress?: Address },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const claim = await loadClaim(fetch, input.claim);
  const instruction = getCloseClaimInstruction(
    {
      caller: input.caller,
      config: await configPda(programAddress),
      claim: input.claim,
      cover: claim.cover,
      depositPool: claim.depositPool,
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}

// ---- capital pool ----

/**
 * The config, the capital pool of `mint` and its token accounts, as the capital pool's
 * instructions take them.
 */
async function capitalAccounts(mint: Address, tokenProgram: Address, programAddress: Address) {
  return {
    config: await configPda(programAddress),
    capitalPool: await capitalPoolPda(mint, programAddress),
    mint,
    capitalVault: await capitalVaultPda(mint, programAddress),
    tokenProgram,
  };
}

/**
 * The leverage line crank of `pool` (anyone): returns what the line no longer holds to the
 * capital pool and grants up to `maxAmount` more (default: as much as it can). Send it before
 * quoting a purchase above 1x the pool's stake.
 */
export async function grantLeverage(input: {
  caller: TransactionSigner;
  pool: Address;
  mint: Address;
  maxAmount?: bigint;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getGrantLeverageInstruction(
    {
      caller: input.caller,
      config: await configPda(programAddress),
      capitalPool: await capitalPoolPda(input.mint, programAddress),
      pool: input.pool,
      maxAmount: input.maxAmount ?? 0xffff_ffff_ffff_ffffn,
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}

/**
 * `deposit_capital`: `amount` of `mint` from the member's token account (its associated
 * account by default) for membership shares, at least `minShares`, after an idempotent
 * creation of the member's associated share account (Token-2022).
 */
export async function depositCapital(input: {
  member: TransactionSigner;
  mint: Address;
  tokenProgram: Address;
  amount: bigint;
  minShares?: bigint;
  memberToken?: Address;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const shareMint = await capitalSharesPda(input.mint, programAddress);
  const memberShares = await associatedTokenAddress(input.member.address, shareMint, TOKEN_2022);
  // The member's share account, created if it does not exist yet (idempotent).
  const create = getCreateAssociatedTokenIdempotentInstruction({
    payer: input.member,
    ata: memberShares,
    owner: input.member.address,
    mint: shareMint,
    tokenProgram: TOKEN_2022,
  });
  const instruction = getDepositCapitalInstruction(
    {
      member: input.member,
      ...(await capitalAccounts(input.mint, input.tokenProgram, programAddress)),
      shareMint,
      memberToken:
        input.memberToken ??
        (await associatedTokenAddress(input.member.address, input.mint, input.tokenProgram)),
      memberShares,
      amount: input.amount,
      minShares: input.minShares ?? 0n,
    },
    { programAddress },
  );
  return { instructions: [create, instruction] };
}

/** `contribute_capital`: adds `amount` to the capital pool for no shares (a recapitalisation). */
export async function contributeCapital(input: {
  contributor: TransactionSigner;
  mint: Address;
  tokenProgram: Address;
  amount: bigint;
  contributorToken: Address;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getContributeCapitalInstruction(
    {
      contributor: input.contributor,
      ...(await capitalAccounts(input.mint, input.tokenProgram, programAddress)),
      contributorToken: input.contributorToken,
      amount: input.amount,
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}

/**
 * Step one of leaving: burns `shares` now; `executeCapitalExit` pays the lower of their value
 * now and then, once the exit delay has passed.
 */
export async function requestCapitalExit(input: {
  member: TransactionSigner;
  mint: Address;
  exitId: bigint;
  shares: bigint;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const capitalPool = await capitalPoolPda(input.mint, programAddress);
  const shareMint = await capitalSharesPda(input.mint, programAddress);
  const exit = await capitalExitPda(
    capitalPool,
    input.member.address,
    input.exitId,
    programAddress,
  );
  const instruction = getRequestCapitalExitInstruction(
    {
      member: input.member,
      config: await configPda(programAddress),
      capitalPool,
      shareMint,
      memberShares: await associatedTokenAddress(input.member.address, shareMint, TOKEN_2022),
      exit,
      exitId: input.exitId,
      shares: input.shares,
    },
    { programAddress },
  );
  return { exit, instructions: [instruction] };
}

/** Step two: pays a ready exit into the member's token account (associated by default). */
export async function executeCapitalExit(input: {
  member: TransactionSigner;
  mint: Address;
  tokenProgram: Address;
  exitId: bigint;
  memberToken?: Address;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const capital = await capitalAccounts(input.mint, input.tokenProgram, programAddress);
  const exit = await capitalExitPda(
    capital.capitalPool,
    input.member.address,
    input.exitId,
    programAddress,
  );
  const instruction = getExecuteCapitalExitInstruction(
    {
      member: input.member,
      ...capital,
      exit,
      memberToken:
        input.memberToken ??
        (await associatedTokenAddress(input.member.address, input.mint, input.tokenProgram)),
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}

// ---- assessor ----

/** Stakes `amount` of the assessment mint, creating the assessor account on first use. */
export async function stakeAssessor(input: {
  owner: TransactionSigner;
  assessmentMint: Address;
  ownerToken: Address;
  tokenProgram: Address;
  amount: bigint;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const assessor = await assessorPda(input.owner.address, programAddress);
  const instruction = getStakeAssessorInstruction(
    {
      owner: input.owner,
      config: await configPda(programAddress),
      assessor,
      assessmentMint: input.assessmentMint,
      assessmentVault: await assessmentVaultPda(programAddress),
      ownerToken: input.ownerToken,
      tokenProgram: input.tokenProgram,
      amount: input.amount,
    },
    { programAddress },
  );
  return { assessor, instructions: [instruction] };
}

/** The voter's seat on the panel deciding `claim`, if a panel decides it. */
async function panelSeat(
  claim: Claim,
  voter: Address,
  programAddress: Address,
): Promise<Address | undefined> {
  return claim.panel ? panelMemberPda(claim.productId, voter, programAddress) : undefined;
}

/**
 * `owner`'s open vote on `claim`, with its reasoning (hash and URI) if given; its panel seat is
 * passed when a panel decides the claim. A blind claim takes `commitVote`.
 */
export async function vote(
  fetch: AccountFetcher,
  input: {
    owner: TransactionSigner;
    claim: Address;
    accept: boolean;
    reasonHash?: Uint8Array;
    reasonUri?: string;
    programAddress?: Address;
  },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const claim = await loadClaim(fetch, input.claim);
  const ballot = await ballotPda(input.claim, input.owner.address, programAddress);
  const instruction = getVoteInstruction(
    {
      owner: input.owner,
      config: await configPda(programAddress),
      assessor: await assessorPda(input.owner.address, programAddress),
      claim: input.claim,
      ballot,
      panelMember: await panelSeat(claim, input.owner.address, programAddress),
      accept: input.accept,
      reasonHash: input.reasonHash ?? new Uint8Array(32),
      reasonUri: input.reasonUri ?? "",
    },
    { programAddress },
  );
  return { ballot, instructions: [instruction] };
}

/** `sha256(claim ‖ assessor ‖ [accept] ‖ salt)`: a blind ballot's commitment (`Ballot::commitment_of`). */
export async function ballotCommitment(
  claim: Address,
  assessor: Address,
  accept: boolean,
  salt: Uint8Array,
): Promise<Uint8Array> {
  const encoder = getAddressEncoder();
  const data = new Uint8Array([
    ...encoder.encode(claim),
    ...encoder.encode(assessor),
    accept ? 1 : 0,
    ...salt,
  ]);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

/**
 * `owner`'s blind ballot on `claim` for `accept`. Returns the salt it drew: store it, because
 * revealing needs it, and a ballot never revealed counts for nothing and earns nothing.
 */
export async function commitVote(
  fetch: AccountFetcher,
  input: {
    owner: TransactionSigner;
    claim: Address;
    accept: boolean;
    salt?: Uint8Array;
    programAddress?: Address;
  },
) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const claim = await loadClaim(fetch, input.claim);
  const salt = input.salt ?? crypto.getRandomValues(new Uint8Array(32));
  const ballot = await ballotPda(input.claim, input.owner.address, programAddress);
  const instruction = getCommitVoteInstruction(
    {
      owner: input.owner,
      config: await configPda(programAddress),
      assessor: await assessorPda(input.owner.address, programAddress),
      claim: input.claim,
      ballot,
      panelMember: await panelSeat(claim, input.owner.address, programAddress),
      commitment: await ballotCommitment(input.claim, input.owner.address, input.accept, salt),
    },
    { programAddress },
  );
  return { ballot, salt, instructions: [instruction] };
}

/** `voter` reveals its blind ballot on `claim` in its reveal window, with its reasoning. */
export async function revealVote(input: {
  voter: TransactionSigner;
  claim: Address;
  accept: boolean;
  salt: Uint8Array;
  reasonHash?: Uint8Array;
  reasonUri?: string;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getRevealVoteInstruction(
    {
      voter: input.voter,
      config: await configPda(programAddress),
      claim: input.claim,
      ballot: await ballotPda(input.claim, input.voter.address, programAddress),
      accept: input.accept,
      salt: input.salt,
      reasonHash: input.reasonHash ?? new Uint8Array(32),
      reasonUri: input.reasonUri ?? "",
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}
