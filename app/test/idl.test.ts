// The committed IDL as an outside integrator uses it: Anchor's own TypeScript client
// (`@anchor-lang/core`, pinned in package.json) loads idl/bulwark.json unchanged, with no
// generated code, and runs stake → quote → buy → claim → vote → redeem on the SBF program. Each
// call passes only signers, mints, token accounts, the program it pays through (the mint's
// token program, which no seed can name), instruction arguments, remaining accounts and the
// one account the user acts on (the pool staked in, the cover claimed on, the claim voted on
// or redeemed); every other account Anchor derives from the IDL's seeds and relations, and the
// test checks each one against the client's own derivation. Then the IDL's shape itself: no
// seed refers to the account it derives, every seed and relation names an account of its
// instruction, no account is nested.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import test from "node:test";
import { AnchorError, BN, Program, type Idl } from "@anchor-lang/core";
import { Keypair, PublicKey, SystemProgram, type AccountMeta } from "@solana/web3.js";
import { address, type Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BULWARK_ERROR__ALREADY_VOTED,
  SECONDS_PER_YEAR,
  assessmentVaultPda,
  assessorPda,
  ballotPda,
  capitalPoolPda,
  capitalVaultPda,
  claimPda,
  configPda,
  coverPda,
  decodeCover,
  mintParamsPda,
  positionPda,
  productPda,
  trancheAt,
  type Bulwark,
} from "../src";
import { LiteSvmProvider } from "./anchorProvider";
import { UNIT, deploy, openPool } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

const idlPath = resolve(__dirname, "../../idl/bulwark.json");
const idl = JSON.parse(readFileSync(idlPath, "utf8")) as Idl;
const PRODUCT = 0n;

const key = (a: Address) => new PublicKey(a);
const addr = (k: PublicKey) => address(k.toBase58());

/** Asserts Anchor resolved each of `expected` to that address (and passed nothing else). */
function derived(resolved: object, expected: Record<string, Address>) {
  const keys = resolved as Record<string, PublicKey | undefined>;
  for (const [name, want] of Object.entries(expected)) {
    assert.equal(keys[name]?.toBase58(), want, `${name} is derived`);
  }
}

function remaining(addresses: Address[], writable: boolean): AccountMeta[] {
  return addresses.map((a) => ({ pubkey: key(a), isSigner: false, isWritable: writable }));
}

/** A keypair of web3.js (Anchor's client signs with those), with an ATA holding `amount`. */
async function wallet(h: Harness, seed: number, mint: Address, amount: bigint) {
  const keypair = Keypair.fromSeed(new Uint8Array(32).fill(seed));
  const token = await h.createAssociatedTokenAccount(addr(keypair.publicKey), mint);
  if (amount > 0n) await h.mintTo(mint, token, amount);
  return { keypair, token };
}

test("Anchor's client runs a lifecycle from the IDL alone", skipWithoutProgram(), async () => {
  const h = await Harness.start();
  const { authority, assessmentMint } = await deploy(h, 1);
  const mint = await h.createMint(6);
  const { keys } = await openPool(h, authority, 0n, mint, [[PRODUCT, 100, 250]]);
  // Each user's own client, as in a wallet: the user's key is the provider's, pays and signs,
  // and Anchor fills it in for the instruction's signer. Typed by the IDL's own type
  // (src/idl.ts, what `anchor build` writes to target/types), so `.accounts()` accepts only the
  // accounts the IDL cannot derive: passing one it can is a compile error.
  const client = (user: Keypair) =>
    new Program<Bulwark>(idl as unknown as Bulwark, new LiteSvmProvider(h, user));
  const tokenProgram = key(TOKEN_PROGRAM_ADDRESS);
  const config = await configPda();

  // Stake: the pool's mint, vault and token program come from the pool (its relations), the
  // position from its seeds.
  const stake = 1_000_000n * UNIT;
  const staker = await wallet(h, 91, mint, stake);
  const far = trancheAt(h.now()) + 7n;
  const asStaker = client(staker.keypair);
  const deposit = asStaker.methods
    .depositStake({
      positionId: new BN(0),
      trancheId: new BN(far.toString()),
      amount: new BN(stake.toString()),
    })
    .accounts({ pool: key(keys.pool), ownerToken: key(staker.token) });
  derived(await deposit.pubkeys(), {
    config,
    mint,
    vault: keys.vault,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    position: await positionPda(keys.pool, addr(staker.keypair.publicKey), 0n),
    systemProgram: addr(SystemProgram.programId),
  });
  await deposit.rpc();
  assert.equal(h.balance(keys.vault), stake);

  // The program's own quote, by simulation (`.view()`): the price of the route to buy.
  const buyer = await wallet(h, 92, mint, 1_000_000n * UNIT);
  const amount = 200_000n * UNIT;
  const period = Number(SECONDS_PER_YEAR);
  const poolProduct = addr(
    PublicKey.findProgramAddressSync(
      [
        Buffer.from("pool_product"),
        key(keys.pool).toBuffer(),
        Buffer.from(new BN(0).toArray("le", 8)),
      ],
      asStaker.programId,
    )[0],
  );
  const asBuyer = client(buyer.keypair);
  const quoting = asBuyer.methods
    .quoteCover({
      productId: new BN(0),
      amount: new BN(amount.toString()),
      period,
      commissionBps: 0,
    })
    .accounts({ mint: key(mint) })
    .remainingAccounts(remaining([keys.pool, poolProduct], false));
  derived(await quoting.pubkeys(), {
    config,
    product: await productPda(PRODUCT),
    capitalPool: await capitalPoolPda(mint),
  });
  const quote = await quoting.view();
  assert.equal(quote.parts.length, 1);
  assert.equal(quote.parts[0].pool.toBase58(), keys.pool);
  assert.equal(quote.covered.toString(), amount.toString());
  // 2.5% a year on 200,000 for a year.
  const premium = (amount * 250n) / 10_000n;
  assert.equal(quote.premium.toString(), premium.toString());

  // Buy: the product and the cover from the arguments, the cover from the payer's nonce too.
  const buy = asBuyer.methods
    .buyCover({
      coverNonce: new BN(0),
      owner: buyer.keypair.publicKey,
      productId: new BN(0),
      amount: new BN(amount.toString()),
      period,
      maxPremium: quote.premium,
      allocations: quote.parts.map((p: { amount: BN }) => p.amount),
      commissionBps: 0,
    })
    .accounts({
      mint: key(mint),
      payerToken: key(buyer.token),
      // Optional accounts are passed explicitly, as null when unused.
      commissionDestination: null,
      tokenProgram,
    })
    .remainingAccounts(remaining([keys.pool, poolProduct, keys.vault], true));
  const cover = await coverPda(addr(buyer.keypair.publicKey), 0n);
  derived(await buy.pubkeys(), {
    config,
    product: await productPda(PRODUCT),
    cover,
  });
  await buy.rpc();
  const bought = await asBuyer.account.cover.fetch(key(cover));
  assert.equal(bought.premium.toString(), premium.toString());
  assert.equal(h.balance(buyer.token), 1_000_000n * UNIT - premium);

  // Claim: the mint, the deposit pool (the cover's), its vault and token program, the mint's
  // parameters and the claim (from the cover's claim count) are all derived.
  const claimed = 50_000n * UNIT;
  const filing = asBuyer.methods
    .fileClaim({
      amount: new BN(claimed.toString()),
      incidentTime: new BN(h.account(cover, decodeCover).start.toString()),
      evidenceHash: Array.from(new Uint8Array(32).fill(3)),
      evidenceUri: "https://example.org/incident/1",
    })
    .accounts({ cover: key(cover), ownerToken: key(buyer.token) });
  const claim = await claimPda(cover, 0);
  derived(await filing.pubkeys(), {
    config,
    mint,
    depositPool: keys.pool,
    vault: keys.vault,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    mintParams: await mintParamsPda(mint),
    claim,
  });
  await filing.rpc();
  const filed = await asBuyer.account.claim.fetch(key(claim));
  const depositPaid = BigInt(filed.deposit.toString());
  assert.equal(h.balance(buyer.token), 1_000_000n * UNIT - premium - depositPaid);

  // An assessor stakes (the assessment mint and vault come from the config) and votes.
  const voter = await wallet(h, 93, assessmentMint, 10n * UNIT);
  const asVoter = client(voter.keypair);
  const staking = asVoter.methods
    .stakeAssessor(new BN((10n * UNIT).toString()))
    .accounts({ ownerToken: key(voter.token), tokenProgram });
  derived(await staking.pubkeys(), {
    config,
    assessor: await assessorPda(addr(voter.keypair.publicKey)),
    assessmentMint,
    assessmentVault: await assessmentVaultPda(),
  });
  await staking.rpc();
  // `vote` proves the assessor by its owner and discriminator, not its address (no seeds in
  // the IDL): the client names it, and the optional panel seat (`null`: this product has no
  // panel); the ballot is derived from the claim and the voter.
  const voterAssessor = await assessorPda(addr(voter.keypair.publicKey));
  const voting = () =>
    asVoter.methods
      .vote({ accept: true, reasonHash: Array(32).fill(0), reasonUri: "" })
      .accounts({ claim: key(claim), assessor: key(voterAssessor), panelMember: null });
  derived(await voting().pubkeys(), {
    config,
    ballot: await ballotPda(claim, addr(voter.keypair.publicKey)),
  });
  await voting().rpc();
  // A second vote is a Bulwark error Anchor's client decodes, not the system program's.
  await assert.rejects(voting().rpc(), (e: unknown) => {
    assert.ok(e instanceof AnchorError, `an AnchorError, got ${e}`);
    assert.equal(e.error.errorCode.number, BULWARK_ERROR__ALREADY_VOTED);
    assert.equal(e.error.errorCode.code, "AlreadyVoted");
    return true;
  });

  // After voting and the cooldown, anyone redeems: the cover and mint come from the claim, the
  // capital pool and vault from the mint, the token program from the capital pool.
  // Anyone redeems: here a keeper with no stake in the claim.
  const asKeeper = client(Keypair.fromSeed(new Uint8Array(32).fill(94)));
  const state = await asKeeper.account.claim.fetch(key(claim));
  h.warpTo(BigInt(state.votingEnd.toString()) + BigInt(state.cooldown) + 1n);
  const redeem = asKeeper.methods
    .redeemPayout()
    .accounts({
      claim: key(claim),
      ownerToken: key(buyer.token),
      claimantToken: key(buyer.token),
    })
    .remainingAccounts(remaining([keys.pool, poolProduct, keys.vault], true));
  derived(await redeem.pubkeys(), {
    config,
    cover,
    mint,
    capitalPool: await capitalPoolPda(mint),
    capitalVault: await capitalVaultPda(mint),
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
  });
  await redeem.rpc();
  // Paid in full, the deposit refunded.
  assert.equal(h.balance(buyer.token), 1_000_000n * UNIT - premium + claimed);
  const paid = await asKeeper.account.claim.fetch(key(claim));
  assert.equal(paid.paid, true);
  assert.equal(paid.paidAmount.toString(), claimed.toString());
  assert.equal(paid.owed.toString(), "0");
});

interface IdlAccountNode {
  name: string;
  accounts?: IdlAccountNode[];
  relations?: string[];
  pda?: { seeds: { kind: string; path?: string; account?: string }[] };
}

test("no IDL seed refers to the account it derives; seeds and relations name siblings", () => {
  const accountTypes = new Set((idl.accounts ?? []).map((a) => a.name));
  const instructions = idl.instructions as unknown as {
    name: string;
    accounts: IdlAccountNode[];
  }[];
  let seeds = 0;
  for (const ix of instructions) {
    const names = new Set(ix.accounts.map((a) => a.name));
    for (const account of ix.accounts) {
      const at = `${ix.name}.${account.name}`;
      assert.equal(account.accounts, undefined, `${at} is not a nested accounts struct`);
      for (const relation of account.relations ?? []) {
        assert.ok(names.has(relation), `${at}: relation ${relation} is an account of ${ix.name}`);
      }
      for (const seed of account.pda?.seeds ?? []) {
        if (seed.kind !== "account") continue;
        seeds += 1;
        const [root, ...field] = (seed.path ?? "").split(".");
        assert.notEqual(root, account.name, `${at}: a seed reads the account it derives`);
        assert.ok(names.has(root), `${at}: seed ${seed.path} names an account of ${ix.name}`);
        if (field.length > 0) {
          assert.ok(
            seed.account !== undefined && accountTypes.has(seed.account),
            `${at}: seed ${seed.path} reads a field of a program account type`,
          );
        }
      }
    }
  }
  assert.ok(seeds > 30, `${seeds} account seeds checked`);
});
