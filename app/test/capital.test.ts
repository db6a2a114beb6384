// The capital pool on the SBF program in litesvm, through the client's flows: the quote counts
// the leverage line the purchase's crank gives, the cover sells at 2x, its payout is paid half
// by the backing stake and half by the capital pool; a member deposits for shares and leaves
// in two steps at the lower of the two prices; a contribution adds capital without shares.
// (Owed claims and their queue order: tests/tests/integration/capital.rs.)

import assert from "node:assert/strict";
import test from "node:test";
import { address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BULWARK_ERROR__CAPITAL_EXIT_NOT_READY,
  buyCover,
  capitalExitPda,
  capitalPoolPda,
  capitalSharesPda,
  capitalVaultPda,
  contributeCapital,
  decodeCapitalExit,
  decodeCapitalPool,
  decodeClaim,
  decodeCover,
  decodePool,
  depositCapital,
  executeCapitalExit,
  fileClaim,
  quoteCover,
  redeem,
  requestCapitalExit,
  associatedTokenAddress,
  vote,
} from "../src";
import { MEMBER_CAPITAL, UNIT, deploy, fundedAssessor, openPool, stakeFar } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

const TOKEN_2022 = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

test(
  "capital pool on the SBF program: leverage, the payout's two parts, exits, contributions",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const { authority, assessmentMint } = await deploy(h, 1);
    const mint = await h.createMint(6);
    const { keys } = await openPool(h, authority, 0n, mint, [[0n, 100, 200]]);
    await stakeFar(h, keys, mint, 100_000n * UNIT);
    const capitalPool = await capitalPoolPda(mint);
    const capital = () => h.account(capitalPool, decodeCapitalPool);
    assert.equal(capital().capital, MEMBER_CAPITAL);

    // 200,000 of cover on 100,000 of stake: the quote counts the crank, which buyCover sends.
    const buyer = await h.fundedUser(mint, 10_000n * UNIT);
    const period = 365 * 86_400;
    const route = await quoteCover(h.fetch, {
      productId: 0n,
      pools: [keys.pool],
      mint,
      amount: 200_000n * UNIT,
      period,
    });
    assert.deepEqual(route.cranks, [keys.pool]);
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: 0n,
      period,
      coverNonce: 0n,
      quote: route,
    });
    assert.equal(purchase.instructions.length, 2);
    await h.send(purchase.instructions);
    const cover = h.account(purchase.cover, decodeCover);
    assert.equal(cover.allocations[0].ratioBps, 20_000);
    const line = h.account(keys.pool, decodePool).line;
    assert.deepEqual([line.used, line.available], [100_000n * UNIT, 0n]);

    // A member deposits, asks to leave; the exit waits out the delay.
    const member = await h.fundedUser(mint, 1_000n * UNIT);
    await h.send(
      (
        await depositCapital({
          member: member.signer,
          mint,
          tokenProgram: TOKEN_PROGRAM_ADDRESS,
          amount: 1_000n * UNIT,
        })
      ).instructions,
    );
    const shares = h.balance(
      await associatedTokenAddress(member.signer.address, await capitalSharesPda(mint), TOKEN_2022),
    );
    assert.ok(shares > 0n);
    const exit = await requestCapitalExit({ member: member.signer, mint, exitId: 7n, shares });
    await h.send(exit.instructions);
    assert.equal(exit.exit, await capitalExitPda(capitalPool, member.signer.address, 7n));
    const requested = h.account(exit.exit, decodeCapitalExit);
    const execute = await executeCapitalExit({
      member: member.signer,
      mint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      exitId: 7n,
    });
    assert.equal(
      (await h.refuse(execute.instructions)).code,
      BULWARK_ERROR__CAPITAL_EXIT_NOT_READY,
    );

    // A claim of the whole cover: the stake pays its 100,000, the capital pool the rest.
    h.warpDays(1);
    const claimOf = async (amount: bigint) => {
      const filed = await fileClaim(h.fetch, {
        owner: buyer.signer,
        cover: purchase.cover,
        ownerToken: buyer.token,
        amount,
        incidentTime: h.account(purchase.cover, decodeCover).start,
        evidenceHash: new Uint8Array(32).fill(3),
        evidenceUri: "https://example.org/incident/capital",
      });
      await h.send(filed.instructions);
      const assessor = await fundedAssessor(h, assessmentMint, UNIT);
      await h.send(
        (await vote(h.fetch, { owner: assessor.signer, claim: filed.claim, accept: true }))
          .instructions,
      );
      h.warpDays(4);
      await h.send((await redeem(h.fetch, { caller: h.payer, claim: filed.claim })).instructions);
      return filed.claim;
    };
    const before = h.balance(buyer.token);
    const vaultBefore = h.balance(await capitalVaultPda(mint));
    const paid = h.account(await claimOf(200_000n * UNIT), decodeClaim);
    assert.deepEqual(
      [paid.stakerPaid, paid.capitalPaid, paid.owed, paid.closed],
      [100_000n * UNIT, 100_000n * UNIT, 0n, true],
    );
    // The deposit went out with the claim and came back with the payout.
    assert.equal(h.balance(buyer.token) - before, 200_000n * UNIT);
    assert.equal(vaultBefore - h.balance(await capitalVaultPda(mint)), 100_000n * UNIT);
    assert.equal(h.account(keys.pool, decodePool).totalStake, 0n);

    // After the delay the member is paid the lower of the two prices (the loss was tiny
    // against the pool's capital, so the price at the request, rounded down, or lower).
    h.warpTo(requested.readyAt);
    const memberBefore = h.balance(member.token);
    await h.send(execute.instructions);
    const received = h.balance(member.token) - memberBefore;
    assert.ok(received <= requested.valueAtRequest && received > 999n * UNIT);
    assert.equal(h.svm.getAccount(exit.exit).exists, false);

    // A contribution adds capital without shares; the vault equals the books.
    const contributor = await h.fundedUser(mint, 5n * UNIT);
    const capitalBefore = capital().capital;
    await h.send(
      (
        await contributeCapital({
          contributor: contributor.signer,
          mint,
          tokenProgram: TOKEN_PROGRAM_ADDRESS,
          amount: 5n * UNIT,
          contributorToken: contributor.token,
        })
      ).instructions,
    );
    assert.equal(capital().capital - capitalBefore, 5n * UNIT);
    assert.equal(capital().capital, h.balance(await capitalVaultPda(mint)));
  },
);
