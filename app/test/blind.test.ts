// Blind ballots through the TypeScript client: the commitment the client computes is the one
// the program checks, a vote stays hidden until its reveal, and the reveal counts it.

import assert from "node:assert/strict";
import test from "node:test";
import {
  BULWARK_ERROR__NOT_IN_REVEAL_WINDOW,
  BULWARK_ERROR__VOTE_MUST_BE_COMMITTED,
  ballotCommitment,
  buyCover,
  commitVote,
  createProduct,
  decodeBallot,
  decodeClaim,
  decodeCover,
  fileClaim,
  quoteCover,
  revealVote,
  vote,
} from "../src";
import { UNIT, defaultTerms, deploy, fundedAssessor, openPool, stakeFar } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

test(
  "a blind ballot stays hidden until it is revealed with its salt",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const { authority, assessmentMint } = await deploy(h, 0);
    const product = await createProduct({
      authority,
      productId: 0n,
      terms: { ...defaultTerms(), blindVotes: true },
    });
    await h.send(product.instructions);
    const mint = await h.createMint(6);
    const { keys } = await openPool(h, authority, 0n, mint, [[0n, 100, 250]]);
    await stakeFar(h, keys, mint, 1_000_000n * UNIT);
    const buyer = await h.fundedUser(mint, 10_000n * UNIT);
    const period = 365 * 86_400;
    const quote = await quoteCover(h.fetch, {
      productId: 0n,
      pools: [keys.pool],
      mint,
      amount: 100_000n * UNIT,
      period,
    });
    const bought = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: keys.tokenProgram,
      productId: 0n,
      period,
      quote,
      coverNonce: 0n,
    });
    await h.send(bought.instructions);
    const cover = h.account(bought.cover, decodeCover);
    assert.equal(cover.blindVotes, true);
    assert.equal(cover.timings.revealPeriod, 86_400);
    const filed = await fileClaim(h.fetch, {
      owner: buyer.signer,
      cover: bought.cover,
      ownerToken: buyer.token,
      amount: 40_000n * UNIT,
      incidentTime: cover.start,
      evidenceHash: new Uint8Array(32),
      evidenceUri: "https://example.org/incident",
    });
    await h.send(filed.instructions);
    const assessor = await fundedAssessor(h, assessmentMint, 2n * UNIT);

    const open = await h.refuse(
      (await vote(h.fetch, { owner: assessor.signer, claim: filed.claim, accept: true }))
        .instructions,
    );
    assert.equal(open.code, BULWARK_ERROR__VOTE_MUST_BE_COMMITTED);
    const committed = await commitVote(h.fetch, {
      owner: assessor.signer,
      claim: filed.claim,
      accept: true,
    });
    await h.send(committed.instructions);
    const ballot = h.account(committed.ballot, decodeBallot);
    assert.deepEqual(
      ballot.commitment,
      await ballotCommitment(filed.claim, assessor.signer.address, true, committed.salt),
    );
    assert.equal(ballot.counted, false);
    let claim = h.account(filed.claim, decodeClaim);
    assert.deepEqual([claim.acceptWeight, claim.denyWeight, claim.voters], [0n, 0n, 1]);

    const reveal = async () =>
      (
        await revealVote({
          voter: assessor.signer,
          claim: filed.claim,
          accept: true,
          salt: committed.salt,
          reasonUri: "https://example.org/reasoning",
        })
      ).instructions;
    assert.equal((await h.refuse(await reveal())).code, BULWARK_ERROR__NOT_IN_REVEAL_WINDOW);
    h.warpTo(claim.votingEnd);
    await h.send(await reveal());
    claim = h.account(filed.claim, decodeClaim);
    assert.deepEqual([claim.acceptWeight, claim.denyWeight], [2n * UNIT, 0n]);
    const revealed = h.account(committed.ballot, decodeBallot);
    assert.equal(revealed.counted, true);
    assert.equal(revealed.reasonUri, "https://example.org/reasoning");
  },
);
