// The program address as a setting: under another id every PDA helper derives that id's PDAs,
// and every flow builds for that deployment alone — its program, its config, its PDAs, and its
// id as the `None` of an absent optional account. The program in litesvm runs only under the id
// it declares (the canonical one), so the flows for another id are checked on the instructions
// they build, reading a canonical market's accounts (those read by PDA moved to the other id's
// PDAs, and missing at the canonical ones). The program's second build, which declares a test
// id, runs a purchase, a claim, a vote and the payout under that id for real.

import assert from "node:assert/strict";
import test from "node:test";
import {
  address,
  assertIsInstructionWithData,
  getAddressEncoder,
  getProgramDerivedAddress,
  getU32Encoder,
  getU64Encoder,
  getUtf8Encoder,
  isSolanaError,
  SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND,
  type AccountMeta,
  type Address,
  type Instruction,
  type ReadonlyUint8Array,
} from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BULWARK_PROGRAM_ADDRESS,
  UPGRADEABLE_LOADER_ADDRESS,
  archivePda,
  assessmentVaultPda,
  assessorPda,
  associatedTokenAddress,
  ballotPda,
  buyCover,
  cancelProposal,
  capitalExitPda,
  capitalPoolPda,
  capitalSharesPda,
  capitalVaultPda,
  claimPda,
  claimRewards,
  closeClaim,
  commitVote,
  configPda,
  contributeCapital,
  coverPda,
  createCapitalPool,
  createPool,
  createProduct,
  createProposal,
  decodeClaim,
  decodeCover,
  decodeStakePosition,
  depositCapital,
  deployProtocol,
  executeCapitalExit,
  executeProposal,
  extendStake,
  fileClaim,
  findAssessorPda,
  findBallotPda,
  findConfigPda,
  findVaultPda,
  grantLeverage,
  initializeConfig,
  listMint,
  mintParamsPda,
  panelMemberPda,
  parseBulwarkInstruction,
  poolPda,
  poolProductPda,
  positionPda,
  productPda,
  programDataAddress,
  proposalPda,
  quoteCover,
  quoteCoverInstruction,
  redeem,
  refreshPoolProduct,
  requestCapitalExit,
  revealVote,
  setMintParams,
  setPoolProduct,
  settleBallot,
  stake,
  stakeAssessor,
  vaultPda,
  vote,
  withdraw,
  type AccountFetcher,
} from "../src";
import {
  CLAIM_MIN_DEPOSIT,
  UNIT,
  defaultTerms,
  deploy,
  fundedAssessor,
  kitParams,
  openPool,
  skipWithoutTestBuild,
  stakeFar,
  TEST_BUILD_ID,
  testBuild,
} from "./fixtures";
import { Harness, programPath, skipWithoutProgram, startMarket } from "../src/testing";

/** A deployment's own id (a devnet build with its own `declare_id!`): not the canonical one. */
const OTHER = address("2iXtA8oeZqUU5pofxK971TCEvFGfems2AcDRaZHKD2pQ");
const TOKEN_2022 = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
/** Anchor's `DeclaredProgramIdMismatch`: a build refuses to run under an id it does not declare. */
const DECLARED_PROGRAM_ID_MISMATCH = 4100;

const A = address("6Lq4DP5ySowZkEkD8pMeGMcxSbW8L51djnNkXLhB63SM");
const B = address("SysvarC1ock11111111111111111111111111111111");
const utf8 = (text: string) => getUtf8Encoder().encode(text);
const u64 = (value: bigint) => getU64Encoder().encode(value);
const u32 = (value: number) => getU32Encoder().encode(value);
const key = (value: Address) => getAddressEncoder().encode(value);

/** Each PDA helper, called with a program id (or none), and the seeds the program uses. */
const PDAS: [string, (programAddress?: Address) => Promise<Address>, ReadonlyUint8Array[]][] = [
  ["config", (p) => configPda(p), [utf8("config")]],
  ["assessment vault", (p) => assessmentVaultPda(p), [utf8("assessment_vault")]],
  ["product", (p) => productPda(3n, p), [utf8("product"), u64(3n)]],
  ["mint params", (p) => mintParamsPda(A, p), [utf8("mint_params"), key(A)]],
  ["pool", (p) => poolPda(2n, p), [utf8("pool"), u64(2n)]],
  ["vault", (p) => vaultPda(A, p), [utf8("vault"), key(A)]],
  ["pool product", (p) => poolProductPda(A, 3n, p), [utf8("pool_product"), key(A), u64(3n)]],
  ["position", (p) => positionPda(A, B, 5n, p), [utf8("position"), key(A), key(B), u64(5n)]],
  ["archive", (p) => archivePda(A, 20_500n, p), [utf8("tranche"), key(A), u64(20_500n)]],
  ["cover", (p) => coverPda(B, 7n, p), [utf8("cover"), key(B), u64(7n)]],
  ["claim", (p) => claimPda(A, 1, p), [utf8("claim"), key(A), u32(1)]],
  ["ballot", (p) => ballotPda(A, B, p), [utf8("ballot"), key(A), key(B)]],
  ["assessor", (p) => assessorPda(B, p), [utf8("assessor"), key(B)]],
  ["capital pool", (p) => capitalPoolPda(A, p), [utf8("capital_pool"), key(A)]],
  ["capital vault", (p) => capitalVaultPda(A, p), [utf8("capital_vault"), key(A)]],
  ["capital shares", (p) => capitalSharesPda(A, p), [utf8("capital_shares"), key(A)]],
  [
    "capital exit",
    (p) => capitalExitPda(A, B, 4n, p),
    [utf8("capital_exit"), key(A), key(B), u64(4n)],
  ],
  ["panel member", (p) => panelMemberPda(3n, B, p), [utf8("panel_member"), u64(3n), key(B)]],
  ["proposal", (p) => proposalPda(9n, p), [utf8("proposal"), u64(9n)]],
];

const derived = async (programAddress: Address, seeds: ReadonlyUint8Array[]) =>
  (await getProgramDerivedAddress({ programAddress, seeds }))[0];

test("every PDA helper derives under the program address it is given", async () => {
  for (const [name, pda, seeds] of PDAS) {
    assert.equal(await pda(OTHER), await derived(OTHER, seeds), name);
    assert.equal(await pda(), await derived(BULWARK_PROGRAM_ADDRESS, seeds), name);
    assert.notEqual(await pda(OTHER), await pda(), name);
  }
  // ProgramData: the upgradeable loader's PDA of the program id.
  assert.equal(
    await programDataAddress(OTHER),
    await derived(UPGRADEABLE_LOADER_ADDRESS, [key(OTHER)]),
  );
  assert.notEqual(await programDataAddress(OTHER), await programDataAddress());
});

test("the PDA helpers agree with Codama's finders under another id", async () => {
  const config = { programAddress: OTHER };
  const pairs: [Promise<Address>, Promise<readonly [Address, number]>][] = [
    [configPda(OTHER), findConfigPda(config)],
    [vaultPda(A, OTHER), findVaultPda({ pool: A }, config)],
    [assessorPda(B, OTHER), findAssessorPda({ owner: B }, config)],
    [ballotPda(A, B, OTHER), findBallotPda({ claim: A, owner: B }, config)],
  ];
  for (const [ours, generated] of pairs) assert.equal(await ours, (await generated)[0]);
});

/**
 * The named accounts (as `parseBulwarkInstruction` names them) and the remaining accounts of a
 * Bulwark instruction, after the checks every instruction built for OTHER must pass: its program
 * is OTHER, its config (if it takes one) is OTHER's, and no account is the canonical program (an
 * absent optional account under the canonical id) or the canonical config.
 */
async function accountsOf(instruction: Instruction) {
  assert.equal(instruction.programAddress, OTHER);
  const metas = instruction.accounts ?? [];
  const canonical = [BULWARK_PROGRAM_ADDRESS, await configPda()];
  for (const meta of metas) assert.ok(!canonical.includes(meta.address), meta.address);
  assertIsInstructionWithData(instruction);
  const parsed = parseBulwarkInstruction(instruction);
  const entries = Object.entries(parsed.accounts as Record<string, AccountMeta | undefined>);
  const named = Object.fromEntries(entries.map(([name, meta]) => [name, meta?.address]));
  if ("config" in named) assert.equal(named.config, await configPda(OTHER));
  return { named, remaining: metas.slice(entries.length).map((meta) => meta.address) };
}

/** Checks `instruction` with {@link accountsOf} and that it has `expected` and `remaining`. */
async function expectAccounts(
  instruction: Instruction,
  expected: Record<string, Address>,
  remaining: Address[] = [],
) {
  const accounts = await accountsOf(instruction);
  const actual = Object.fromEntries(
    Object.keys(expected).map((name) => [name, accounts.named[name]]),
  );
  assert.deepEqual(actual, expected);
  assert.deepEqual(accounts.remaining, remaining);
}

/**
 * `h`'s accounts as a deployment under OTHER would hold them: the account of each `[canonical,
 * other]` pair at `other` and missing at `canonical`; any other address as the VM holds it.
 */
function relocated(h: Harness, pairs: [Address, Address][]): AccountFetcher {
  const moved = new Map(pairs.map(([canonical, other]) => [other, canonical]));
  const hidden = new Set(pairs.map(([canonical]) => canonical));
  return (account) =>
    hidden.has(account)
      ? { address: account, exists: false }
      : h.fetch(moved.get(account) ?? account);
}

test("every flow builds for the deployment it is given", skipWithoutProgram(), async (t) => {
  // A canonical market with a cover, its claim and a ballot on it.
  const h = await Harness.start();
  const { authority, assessmentMint, treasury } = await deploy(h, 1);
  const mint = await h.createMint(6);
  const productId = 0n;
  const { keys: pool, manager } = await openPool(h, authority, 0n, mint, [[productId, 100, 250]]);
  const staker = await stakeFar(h, pool, mint, 1_000_000n * UNIT);
  const buyer = await h.fundedUser(mint, 10_000n * UNIT);
  const period = 365 * 86_400;
  const quoteInput = { productId, pools: [pool.pool], mint, amount: 100_000n * UNIT, period };
  const bought = await buyCover({
    payer: buyer.signer,
    payerToken: buyer.token,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    productId,
    period,
    coverNonce: 0n,
    quote: await quoteCover(h.fetch, quoteInput),
  });
  await h.send(bought.instructions);
  const cover = bought.cover;
  const filed = await fileClaim(h.fetch, {
    owner: buyer.signer,
    cover,
    ownerToken: buyer.token,
    amount: 50_000n * UNIT,
    incidentTime: h.now(),
    evidenceHash: new Uint8Array(32),
    evidenceUri: "",
  });
  await h.send(filed.instructions);
  const claim = filed.claim;
  const assessor = await fundedAssessor(h, assessmentMint, 3n * UNIT);
  const voter = assessor.signer;
  await h.send((await vote(h.fetch, { owner: voter, claim, accept: true })).instructions);

  const programAddress = OTHER;
  const config = await configPda(OTHER);
  const product = await productPda(productId, OTHER);
  const poolProduct = await poolProductPda(pool.pool, productId, OTHER);
  const capitalPool = await capitalPoolPda(mint, OTHER);
  const capitalVault = await capitalVaultPda(mint, OTHER);
  const shareMint = await capitalSharesPda(mint, OTHER);
  /** `[pool, pool_product, vault]` of the market's pool under OTHER: a cover's remaining accounts. */
  const triple = [pool.pool, poolProduct, await vaultPda(pool.pool, OTHER)];

  await t.test("staker", async () => {
    const owner = staker.signer;
    const common = { owner, pool, ownerToken: staker.token, programAddress };
    const newPosition = await positionPda(pool.pool, owner.address, 1n, OTHER);
    const staked = await stake({ ...common, positionId: 1n, trancheId: 0n, amount: UNIT });
    assert.equal(staked.position, newPosition);
    await expectAccounts(staked.instructions[0], {
      owner: owner.address,
      pool: pool.pool,
      vault: pool.vault,
      position: newPosition,
    });

    const canonicalPosition = await positionPda(pool.pool, owner.address, 0n);
    const position = await positionPda(pool.pool, owner.address, 0n, OTHER);
    const extended = await extendStake({ ...common, positionId: 0n, newTrancheId: 0n });
    await expectAccounts(extended.instructions[0], { position });
    const claimed = await claimRewards({ ...common, positionId: 0n });
    await expectAccounts(claimed.instructions[0], { position });

    // The position is read at its PDA under OTHER; its tranche has no archive there yet.
    const { trancheId } = h.account(canonicalPosition, decodeStakePosition);
    const archive = await archivePda(pool.pool, trancheId, OTHER);
    const withdrawn = await withdraw(relocated(h, [[canonicalPosition, position]]), {
      caller: owner,
      pool,
      positionId: 0n,
      programAddress,
    });
    assert.deepEqual([withdrawn.position, withdrawn.archive], [position, archive]);
    assert.equal(withdrawn.instructions.length, 2);
    await expectAccounts(withdrawn.instructions[0], { pool: pool.pool, archive });
    await expectAccounts(withdrawn.instructions[1], {
      position,
      archive,
      rentPayer: owner.address,
      ownerToken: staker.token,
    });

    const refreshed = await refreshPoolProduct({ pool: pool.pool, productId, programAddress });
    assert.equal(refreshed.poolProduct, poolProduct);
    await expectAccounts(refreshed.instructions[0], { pool: pool.pool, poolProduct });
  });

  await t.test("buyer", async () => {
    // The quote reads config, product, pool product and capital pool at their PDAs under OTHER:
    // moved there, it is the canonical quote; in the canonical VM as it is, config and product
    // are missing.
    const moved = relocated(h, [
      [await configPda(), config],
      [await productPda(productId), product],
      [await poolProductPda(pool.pool, productId), poolProduct],
      [await capitalPoolPda(mint), capitalPool],
    ]);
    const quote = await quoteCover(h.fetch, quoteInput);
    assert.deepEqual(await quoteCover(moved, { ...quoteInput, programAddress }), quote);
    await assert.rejects(
      quoteCover(h.fetch, { ...quoteInput, programAddress }),
      (error) =>
        isSolanaError(error, SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND) &&
        [config, product].some((pda) => pda === error.context.address),
    );

    const quoted = await quoteCoverInstruction({ ...quoteInput, programAddress });
    await expectAccounts(quoted, { product, mint, capitalPool }, [pool.pool, poolProduct]);

    // A route with a crank of the pool's leverage line, and no commission destination.
    const route = { ...quote, cranks: [pool.pool] };
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId,
      period,
      coverNonce: 1n,
      quote: route,
      programAddress,
    });
    const newCover = await coverPda(buyer.signer.address, 1n, OTHER);
    assert.equal(purchase.cover, newCover);
    assert.equal(purchase.instructions.length, 2);
    await expectAccounts(purchase.instructions[0], { capitalPool, pool: pool.pool });
    await expectAccounts(
      purchase.instructions[1],
      { product, cover: newCover, mint, commissionDestination: OTHER },
      triple,
    );

    // The cover's next claim (its second) and the mint's listing, under OTHER.
    const nextClaim = await claimPda(cover, 1, OTHER);
    const second = await fileClaim(h.fetch, {
      owner: buyer.signer,
      cover,
      ownerToken: buyer.token,
      amount: UNIT,
      incidentTime: h.now(),
      evidenceHash: new Uint8Array(32),
      evidenceUri: "",
      programAddress,
    });
    assert.equal(second.claim, nextClaim);
    await expectAccounts(second.instructions[0], {
      cover,
      claim: nextClaim,
      depositPool: pool.pool,
      mintParams: await mintParamsPda(mint, OTHER),
      vault: pool.vault,
    });

    const redeemed = await redeem(h.fetch, { caller: buyer.signer, claim, programAddress });
    await expectAccounts(
      redeemed.instructions[0],
      { claim, cover, capitalPool, capitalVault, ownerToken: buyer.token },
      triple,
    );
    const closed = await closeClaim(h.fetch, { caller: buyer.signer, claim, programAddress });
    await expectAccounts(closed.instructions[0], { claim, cover, depositPool: pool.pool });
  });

  await t.test("assessor", async () => {
    const assessorAccount = await assessorPda(voter.address, OTHER);
    const ballot = await ballotPda(claim, voter.address, OTHER);
    const staked = await stakeAssessor({
      owner: voter,
      assessmentMint,
      ownerToken: assessor.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      amount: UNIT,
      programAddress,
    });
    assert.equal(staked.assessor, assessorAccount);
    await expectAccounts(staked.instructions[0], {
      assessor: assessorAccount,
      assessmentVault: await assessmentVaultPda(OTHER),
    });

    // No panel decides the claim: the panel seat is absent, OTHER's `None`.
    const open = await vote(h.fetch, { owner: voter, claim, accept: true, programAddress });
    assert.equal(open.ballot, ballot);
    const seatless = { assessor: assessorAccount, claim, ballot, panelMember: OTHER };
    await expectAccounts(open.instructions[0], seatless);
    const salt = new Uint8Array(32).fill(5);
    const input = { claim, accept: true, salt, programAddress };
    const committed = await commitVote(h.fetch, { owner: voter, ...input });
    assert.equal(committed.ballot, ballot);
    await expectAccounts(committed.instructions[0], seatless);
    const revealed = await revealVote({ voter, ...input });
    await expectAccounts(revealed.instructions[0], { claim, ballot });

    // The ballot is read at its PDA under OTHER.
    const settled = await settleBallot(
      relocated(h, [[await ballotPda(claim, voter.address), ballot]]),
      { caller: voter, claim, voter: voter.address, programAddress },
    );
    assert.equal(settled.slashed, false);
    await expectAccounts(settled.instructions[0], {
      claim,
      ballot,
      voter: voter.address,
      assessor: assessorAccount,
    });
  });

  await t.test("capital pool", async () => {
    const member = buyer.signer;
    const capital = { mint, tokenProgram: TOKEN_PROGRAM_ADDRESS, programAddress };
    const granted = await grantLeverage({ caller: member, pool: pool.pool, mint, programAddress });
    await expectAccounts(granted.instructions[0], { capitalPool, pool: pool.pool });

    const memberShares = await associatedTokenAddress(member.address, shareMint, TOKEN_2022);
    const deposited = await depositCapital({ member, amount: UNIT, ...capital });
    assert.equal(deposited.instructions.length, 2);
    // The member's share account, created first, is on OTHER's share mint.
    const create = deposited.instructions[0].accounts?.map((meta) => meta.address);
    assert.deepEqual(create?.slice(1, 4), [memberShares, member.address, shareMint]);
    await expectAccounts(deposited.instructions[1], {
      capitalPool,
      capitalVault,
      shareMint,
      memberShares,
    });

    const contributed = await contributeCapital({
      contributor: member,
      amount: UNIT,
      contributorToken: buyer.token,
      ...capital,
    });
    await expectAccounts(contributed.instructions[0], { capitalPool, capitalVault });

    const exit = await capitalExitPda(capitalPool, member.address, 0n, OTHER);
    const requested = await requestCapitalExit({
      member,
      mint,
      exitId: 0n,
      shares: UNIT,
      programAddress,
    });
    assert.equal(requested.exit, exit);
    await expectAccounts(requested.instructions[0], { capitalPool, shareMint, memberShares, exit });
    const executed = await executeCapitalExit({ member, exitId: 0n, ...capital });
    await expectAccounts(executed.instructions[0], { capitalPool, capitalVault, exit });
  });

  await t.test("governance", async () => {
    const init = await initializeConfig({
      deployer: h.deployer,
      authority: authority.address,
      treasury,
      assessmentMint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      params: kitParams(),
      programAddress,
    });
    assert.equal(init.config, config);
    await expectAccounts(init.instructions[0], {
      config,
      assessmentVault: await assessmentVaultPda(OTHER),
      programData: await programDataAddress(OTHER),
    });

    const nextProduct = await productPda(1n, OTHER);
    const created = await createProduct({
      authority,
      productId: 1n,
      terms: defaultTerms(),
      programAddress,
    });
    assert.equal(created.product, nextProduct);
    await expectAccounts(created.instructions[0], { product: nextProduct });

    const other = await h.createMint(6);
    const listing = { authority, mint: other, tokenProgram: TOKEN_PROGRAM_ADDRESS, programAddress };
    const mintParams = await mintParamsPda(other, OTHER);
    const capital = {
      mintParams,
      capitalPool: await capitalPoolPda(other, OTHER),
      capitalVault: await capitalVaultPda(other, OTHER),
      shareMint: await capitalSharesPda(other, OTHER),
    };
    const params = await setMintParams({ ...listing, claimMinDeposit: UNIT });
    assert.equal(params.mintParams, mintParams);
    await expectAccounts(params.instructions[0], { mint: other, mintParams });
    const metadata = { name: "capital", symbol: "CAP", uri: "" };
    const opened = await createCapitalPool({ ...listing, ...metadata });
    assert.equal(opened.capitalPool, capital.capitalPool);
    await expectAccounts(opened.instructions[0], capital);
    const listed = await listMint({ ...listing, claimMinDeposit: UNIT });
    assert.deepEqual([listed.mintParams, listed.capitalPool], [mintParams, capital.capitalPool]);
    await expectAccounts(listed.instructions[0], { mint: other, mintParams });
    await expectAccounts(listed.instructions[1], capital);

    const nextPool = await poolPda(1n, OTHER);
    const nextVault = await vaultPda(nextPool, OTHER);
    const opening = await createPool({
      manager,
      poolId: 1n,
      mint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      managerFeeBps: 1_000,
      maxManagerFeeBps: 2_000,
      programAddress,
    });
    assert.deepEqual(opening.pool, {
      pool: nextPool,
      mint,
      vault: nextVault,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
    });
    await expectAccounts(opening.instructions[0], {
      pool: nextPool,
      vault: nextVault,
      capitalPool,
    });
    const weighted = await setPoolProduct({
      manager,
      pool: nextPool,
      productId,
      targetWeight: 50,
      targetPriceBps: 300,
      programAddress,
    });
    const nextPoolProduct = await poolProductPda(nextPool, productId, OTHER);
    assert.equal(weighted.poolProduct, nextPoolProduct);
    await expectAccounts(weighted.instructions[0], {
      pool: nextPool,
      product,
      poolProduct: nextPoolProduct,
    });

    // A change that writes no capital pool: `execute_proposal` gets OTHER's `None` for it.
    const proposal = await proposalPda(0n, OTHER);
    const changes = [{ __kind: "Treasury" as const, old: treasury, new: authority.address }];
    const id = { id: 0n, proposer: authority.address, programAddress };
    const proposed = await createProposal({ authority, id: 0n, changes, programAddress });
    assert.equal(proposed.proposal, proposal);
    await expectAccounts(proposed.instructions[0], { proposal });
    const executed = await executeProposal({ caller: authority, changes, ...id });
    await expectAccounts(executed.instructions[0], { proposal, capitalPool: OTHER });
    const cancelled = await cancelProposal({ authority, ...id });
    await expectAccounts(cancelled.instructions[0], { proposal });
  });

  await t.test("deployment", async () => {
    // The market moved to OTHER but for its pool's listing of product 0: the deployment finds
    // every other step done there and lists the product on OTHER's pool 0.
    const pool0 = await poolPda(0n, OTHER);
    const fetch = relocated(h, [
      [BULWARK_PROGRAM_ADDRESS, OTHER],
      [await configPda(), config],
      [await productPda(productId), product],
      [await mintParamsPda(mint), await mintParamsPda(mint, OTHER)],
      [await capitalPoolPda(mint), capitalPool],
      [pool.pool, pool0],
    ]);
    const sent: Instruction[][] = [];
    const send = async (instructions: Instruction[]) => {
      sent.push(instructions);
      return "signature";
    };
    const log: string[] = [];
    await deployProtocol(
      { fetch, send, wallet: manager },
      { poolMint: mint, programAddress },
      (line) => log.push(line),
    );
    assert.deepEqual(log, [
      `config exists: ${config}`,
      "products exist: 1",
      `mint ${mint} listed: claim deposit at least ${CLAIM_MIN_DEPOSIT}; capital pool open`,
      `pool 0 exists: ${pool0}`,
      "product 0 listed: weight 100, 250 bps/year (signature)",
    ]);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].length, 1);
    await expectAccounts(sent[0][0], {
      manager: manager.address,
      pool: pool0,
      product,
      poolProduct: await poolProductPda(pool0, productId, OTHER),
    });
  });
});

test("the harness loads a build under the id it is given", skipWithoutProgram(), async () => {
  const h = await Harness.start(programPath(), OTHER);
  assert.equal(h.programAddress, OTHER);
  const program = h.svm.getAccount(OTHER);
  assert.ok(program.exists && program.executable);
  assert.equal(h.svm.getAccount(BULWARK_PROGRAM_ADDRESS).exists, false);
  assert.equal(h.svm.getAccount(await programDataAddress(OTHER)).exists, true);
  // The canonical build, reached at OTHER, refuses to run under an id it does not declare.
  const assessmentMint = await h.createMint(6);
  const init = await initializeConfig({
    deployer: h.deployer,
    authority: h.deployer.address,
    treasury: h.deployer.address,
    assessmentMint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    params: kitParams(),
    programAddress: h.programAddress,
  });
  assert.equal((await h.refuse(init.instructions)).code, DECLARED_PROGRAM_ID_MISMATCH);
});

test(
  "a build under its own id runs the lifecycle through the client given that id",
  skipWithoutTestBuild(),
  async () => {
    const programAddress = TEST_BUILD_ID;
    const market = await startMarket({ program: testBuild(), programAddress });
    const { h, deployment, mint, productId, pool } = market;
    const ownerOf = (account: Address) => {
      const found = h.svm.getAccount(account);
      assert.ok(found.exists, `${account} exists`);
      return found.programAddress;
    };
    // The market is the test id's alone: its config at its PDA, owned by it.
    assert.equal(ownerOf(await configPda(programAddress)), programAddress);
    assert.equal(h.svm.getAccount(await configPda()).exists, false);
    assert.equal(ownerOf(pool.pool), programAddress);

    const buyer = await h.fundedUser(mint, 10_000n * UNIT);
    const period = 365 * 86_400;
    const amount = 100_000n * UNIT;
    const quote = await quoteCover(h.fetch, {
      productId,
      pools: [pool.pool],
      mint,
      amount,
      period,
      programAddress,
    });
    const bought = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId,
      period,
      coverNonce: 0n,
      quote,
      programAddress,
    });
    const beforeBuy = h.balance(buyer.token);
    await h.send(bought.instructions);
    assert.equal(beforeBuy - h.balance(buyer.token), quote.cost);
    assert.equal(bought.cover, await coverPda(buyer.signer.address, 0n, programAddress));
    const cover = h.account(bought.cover, decodeCover);
    assert.equal(cover.amount, amount);
    assert.equal(ownerOf(bought.cover), programAddress);

    const claimed = 40_000n * UNIT;
    const filed = await fileClaim(h.fetch, {
      owner: buyer.signer,
      cover: bought.cover,
      ownerToken: buyer.token,
      amount: claimed,
      incidentTime: cover.start,
      evidenceHash: new Uint8Array(32).fill(3),
      evidenceUri: "https://example.org/incident/own-id",
      programAddress,
    });
    const beforeClaim = h.balance(buyer.token);
    await h.send(filed.instructions);
    const deposit = beforeClaim - h.balance(buyer.token);
    assert.equal(deposit, h.account(filed.claim, decodeClaim).deposit);
    const assessor = await fundedAssessor(h, deployment.assessmentMint, UNIT);
    const ballot = await vote(h.fetch, {
      owner: assessor.signer,
      claim: filed.claim,
      accept: true,
      programAddress,
    });
    await h.send(ballot.instructions);
    h.warpDays(4);
    const beforePayout = h.balance(buyer.token);
    const payout = await redeem(h.fetch, { caller: h.payer, claim: filed.claim, programAddress });
    await h.send(payout.instructions);
    // Paid in full from the stake (the pool backs it alone), the deposit back to the claimant.
    assert.equal(h.balance(buyer.token) - beforePayout, claimed + deposit);
    const paid = h.account(filed.claim, decodeClaim);
    assert.deepEqual([paid.stakerPaid + paid.capitalPaid, paid.owed], [claimed, 0n]);
  },
);
