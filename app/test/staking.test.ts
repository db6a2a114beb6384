// The staker's side on the SBF program in litesvm, through the client's flows: rewards claimed
// while premium streams, a withdrawal refused before the tranche ends, and after it ends two
// withdrawals of one tranche — the first archives it, the second reuses the archive and
// refunds its rent to the first — paying the stake after a loss plus the rewards, exactly (the
// tranche earning on what the loss left of its stake), each amount computed here from the
// stream's definition and by the client's `pendingRewards`; and an abandoned position withdrawn
// for its owner by someone else.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  ABANDONED_POSITION_DELAY,
  BULWARK_ERROR__POSITION_NOT_ABANDONED,
  BULWARK_ERROR__RECIPIENT_NOT_ASSOCIATED,
  BULWARK_ERROR__TRANCHE_ENDED,
  BULWARK_ERROR__TRANCHE_NOT_ENDED,
  REWARD_SCALE,
  bucketAt,
  bucketStart,
  bucketSlot,
  buyCover,
  claimRewards,
  decodeCover,
  decodePool,
  decodeStakePosition,
  decodeTrancheArchive,
  decodeU128,
  fileClaim,
  getTrancheArchiveSize,
  pendingRewards,
  quoteCover,
  redeem,
  releaseBucket,
  ringSlot,
  stake,
  trancheAt,
  trancheEnd,
  trancheStreams,
  vote,
  withdraw,
} from "../src";
import { DAY, UNIT, deploy, fundedAssessor, openPool } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

/** Lamports of an account that must exist. */
function lamportsOf(h: Harness, account: Address): bigint {
  const found = h.svm.getAccount(account);
  assert.ok(found.exists, `${account} does not exist`);
  return BigInt(found.lamports);
}

test(
  "staker flows on the SBF program: claim rewards, withdraw after the tranche, archive rent",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const { authority, assessmentMint } = await deploy(h, 1);
    const productId = 0n;

    // A pool ten days into a tranche; Ann and Ben stake 600k and 400k in the next tranche.
    h.warpToTranche(trancheAt(h.now()) + 1n, 10n * DAY);
    const mint = await h.createMint(6);
    const { keys } = await openPool(h, authority, 0n, mint, [[productId, 100, 200]]);
    const tranche = trancheAt(h.now()) + 1n;
    const deposits = [600_000n * UNIT, 400_000n * UNIT];
    const totalDeposit = deposits[0] + deposits[1];
    const stakers = [];
    for (const amount of deposits) {
      const wallet = await h.fundedUser(mint, amount);
      const deposit = await stake({
        owner: wallet.signer,
        pool: keys,
        ownerToken: wallet.token,
        positionId: 0n,
        trancheId: tranche,
        amount,
      });
      await h.send(deposit.instructions);
      stakers.push({ ...wallet, position: deposit.position });
    }
    const [ann, ben] = stakers;
    // First deposit: one share per unit; the second at the same price (virtual share and asset).
    assert.equal(h.account(ann.position, decodeStakePosition).shares, deposits[0]);
    assert.equal(h.account(ben.position, decodeStakePosition).shares, deposits[1]);

    // A day into the next bucket a buyer covers 100k for 30 days.
    const t0 = bucketStart(bucketAt(h.now()) + 1n) + DAY;
    h.warpTo(t0);
    const buyer = await h.fundedUser(mint, 10_000n * UNIT);
    const period = 30 * 86_400;
    const route = await quoteCover(h.fetch, {
      productId,
      pools: [keys.pool],
      mint,
      amount: 100_000n * UNIT,
      period,
    });
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId,
      period,
      coverNonce: 0n,
      quote: route,
    });
    await h.send(purchase.instructions);
    // 100,000 × 2% × 30/365 = 164.383562 (…561.6 up).
    const premium = 164_383_562n;
    assert.equal(route.cost, premium);
    // Stakers get 50% less the manager's 10%, streamed until the bucket after the cover ends.
    const stakerShare = premium / 2n;
    const stakerRewards = stakerShare - stakerShare / 10n;
    assert.equal(stakerRewards, 73_972_603n); // 82,191,781 less 8,219,178
    // The cover's class is its first eligible tranche, the only one holding stake: all of the
    // stream goes to it.
    const streamUntil = releaseBucket(t0 + BigInt(period));
    const streamEnd = bucketStart(streamUntil);
    const rate = (stakerRewards * REWARD_SCALE) / (streamEnd - t0);
    let pool = h.account(keys.pool, decodePool);
    const stream = pool.streams[ringSlot(tranche)];
    assert.equal(stream.firstTranche, tranche);
    assert.equal(decodeU128(stream.rate), rate);
    assert.equal(decodeU128(stream.expiring[bucketSlot(streamUntil)]), rate);
    assert.equal(pool.rewardsReserved, stakerRewards);
    const slot = () => h.account(keys.pool, decodePool).tranches[ringSlot(tranche)];
    assert.deepEqual(
      [slot().trancheId, slot().stake, decodeU128(slot().shares)],
      [tranche, totalDeposit, totalDeposit],
    );
    assert.deepEqual(trancheStreams(pool, t0), [{ trancheId: tranche, stake: totalDeposit, rate }]);

    // Withdrawing before the tranche ends: archiving it (the flow's first instruction) is refused.
    const early = await withdraw(h.fetch, {
      caller: ann.signer,
      pool: keys,
      ownerToken: ann.token,
      positionId: 0n,
    });
    assert.equal(early.instructions.length, 2);
    const notEnded = await h.refuse(early.instructions);
    assert.equal(notEnded.index, 0);
    assert.equal(notEnded.code, BULWARK_ERROR__TRANCHE_NOT_ENDED);
    assert.equal(notEnded.code, 6041);
    assert.equal(h.svm.getAccount(early.archive).exists, false);

    // The tranche's reward per unit of stake grows by rate × elapsed / backing stake, rounded
    // down, at each point the program accrues: every instruction that rolls the pool forward
    // and every bucket boundary. What a division leaves over is carried into the next one
    // (`RewardStream.remainder`).
    let remainder = 0n;
    const accrue = (from: bigint, to: bigint, backing: bigint) => {
      const scaled = rate * (to - from) + remainder;
      remainder = scaled % backing;
      return scaled / backing;
    };

    // Ten days later (same bucket, no other accrual in between) Ann claims her rewards: shares
    // × reward per share / scale, rounded down; one share per unit of stake, so the reward per
    // share is the reward per stake.
    const t1 = t0 + 10n * DAY;
    const nextBucket = bucketStart(bucketAt(t0) + 1n);
    assert.ok(t1 < nextBucket);
    h.warpTo(t1);
    const acc = accrue(t0, t1, totalDeposit);
    const annClaimed = (deposits[0] * acc) / REWARD_SCALE;
    // The stream runs 55 days (to the start of the bucket after next): 60% × 10/55 of it.
    assert.equal(streamEnd - t0, 55n * DAY);
    assert.equal(annClaimed, 8_069_738n);
    const annPending = pendingRewards(
      h.account(keys.pool, decodePool),
      h.account(ann.position, decodeStakePosition),
      null,
      t1,
    );
    assert.equal(annPending, annClaimed);
    const annBefore = h.balance(ann.token);
    const claimed = await claimRewards({
      owner: ann.signer,
      pool: keys,
      ownerToken: ann.token,
      positionId: 0n,
    });
    assert.equal(claimed.position, ann.position);
    await h.send(claimed.instructions);
    assert.equal(h.balance(ann.token) - annBefore, annClaimed);
    pool = h.account(keys.pool, decodePool);
    assert.deepEqual(
      [slot().rewardPerStake, slot().settledPerStake, slot().rewardPerShare].map(decodeU128),
      [acc, acc, acc],
    );
    assert.equal(pool.streams[ringSlot(tranche)].remainder, remainder);
    assert.equal(pool.rewardsReserved, stakerRewards - annClaimed);
    const annPosition = h.account(ann.position, decodeStakePosition);
    assert.equal(annPosition.rewardCheckpoint, acc);
    assert.equal(annPosition.rewardsOwed, 0n);

    // The buyer's claim of 50k is accepted and paid: the tranche backing it loses 25k (the
    // cover was sold at 2x), the capital pool pays the other 25k.
    const filed = await fileClaim(h.fetch, {
      owner: buyer.signer,
      cover: purchase.cover,
      ownerToken: buyer.token,
      amount: 50_000n * UNIT,
      incidentTime: h.account(purchase.cover, decodeCover).start,
      evidenceHash: new Uint8Array(32).fill(2),
      evidenceUri: "https://example.org/incident/staking",
    });
    await h.send(filed.instructions);
    const assessor = await fundedAssessor(h, assessmentMint, UNIT);
    await h.send(
      (await vote(h.fetch, { owner: assessor.signer, claim: filed.claim, accept: true }))
        .instructions,
    );
    h.warpDays(4);
    const redeemedAt = h.now();
    await h.send(
      (await redeem(h.fetch, { caller: h.payer, claim: filed.claim, ownerToken: buyer.token }))
        .instructions,
    );
    // The 50,000 claim on cover sold at 2x burns 25,000 of stake; the capital pool pays 25,000.
    const loss = 25_000n * UNIT;
    assert.equal(h.account(keys.pool, decodePool).totalStake, totalDeposit - loss);
    // The burn settled the tranche at its old price first; from then on it earns on 975k of
    // stake over its 1M shares, and the stream is shared by what is left.
    const atPayout = acc + accrue(t1, redeemedAt, totalDeposit);
    assert.equal(decodeU128(slot().rewardPerShare), atPayout);
    assert.deepEqual(trancheStreams(h.account(keys.pool, decodePool), redeemedAt), [
      { trancheId: tranche, stake: totalDeposit - loss, rate },
    ]);

    // The tranche's final reward per share, settled when it ends (the whole stream ended
    // before): after the payout the pool accrued at the next bucket boundary and when the
    // stream ended, per unit of the stake left, paid per share at 975k ÷ 1M.
    assert.ok(redeemedAt < nextBucket && nextBucket < streamEnd && streamEnd < trancheEnd(tranche));
    const left = totalDeposit - loss;
    const afterPayout = accrue(redeemedAt, nextBucket, left) + accrue(nextBucket, streamEnd, left);
    const finalPerShare = atPayout + (afterPayout * left) / totalDeposit;

    // Past the tranche's end rewards are no longer claimed separately.
    h.warpTo(trancheEnd(tranche) + DAY);
    const ended = await h.refuse(
      (await claimRewards({ owner: ben.signer, pool: keys, ownerToken: ben.token, positionId: 0n }))
        .instructions,
    );
    assert.equal(ended.code, BULWARK_ERROR__TRANCHE_ENDED);
    assert.equal(ended.code, 6042);

    // What the client expects them to be paid, before the tranche is archived.
    const annRewards = (deposits[0] * (finalPerShare - acc)) / REWARD_SCALE;
    const benRewards = (deposits[1] * finalPerShare) / REWARD_SCALE;
    const owed = (position: Address) =>
      pendingRewards(
        h.account(keys.pool, decodePool),
        h.account(position, decodeStakePosition),
        null,
        h.now(),
      );
    assert.deepEqual([owed(ann.position), owed(ben.position)], [annRewards, benRewards]);

    // Ann withdraws first: the flow archives the tranche, Ann paying the archive's rent.
    const lamports = (account: Address) => lamportsOf(h, account);
    const annOut = await withdraw(h.fetch, {
      caller: ann.signer,
      pool: keys,
      ownerToken: ann.token,
      positionId: 0n,
    });
    assert.equal(annOut.instructions.length, 2);
    const annLamports = lamports(ann.signer.address);
    const annPositionRent = lamports(ann.position);
    const annTokens = h.balance(ann.token);
    await h.send(annOut.instructions);
    const archive = h.account(annOut.archive, decodeTrancheArchive);
    const archiveRent = lamports(annOut.archive);
    assert.equal(
      archiveRent,
      h.svm.minimumBalanceForRentExemption(BigInt(getTrancheArchiveSize())),
    );
    assert.equal(archive.rentPayer, ann.signer.address);
    assert.equal(archive.trancheId, tranche);
    assert.equal(archive.stakeAtEnd, totalDeposit - loss);
    assert.equal(archive.sharesAtEnd, totalDeposit);
    assert.equal(archive.rewardPerShare, finalPerShare);
    // Stake: shares × (stake + 1) / (supply + 1), down: 97.5% of each deposit.
    const annStake = (deposits[0] * (totalDeposit - loss + 1n)) / (totalDeposit + 1n);
    assert.equal(annStake, 585_000n * UNIT);
    assert.equal(h.balance(ann.token) - annTokens, annStake + annRewards);
    assert.equal(h.svm.getAccount(ann.position).exists, false);
    assert.equal(lamports(ann.signer.address) - annLamports, annPositionRent - archiveRent);
    assert.equal(archive.stakeRemaining, totalDeposit - loss - annStake);
    assert.equal(archive.sharesRemaining, deposits[1]);

    // Ben, last in the tranche, uses the existing archive; its rent goes back to Ann.
    const benOut = await withdraw(h.fetch, {
      caller: ben.signer,
      pool: keys,
      ownerToken: ben.token,
      positionId: 0n,
    });
    assert.equal(benOut.archive, annOut.archive);
    assert.equal(benOut.instructions.length, 1);
    const benLamports = lamports(ben.signer.address);
    const benPositionRent = lamports(ben.position);
    const annLamportsBefore = lamports(ann.signer.address);
    const benTokens = h.balance(ben.token);
    // With the tranche archived, its archive holds the final reward per share.
    const benPosition = h.account(ben.position, decodeStakePosition);
    const poolNow = h.account(keys.pool, decodePool);
    assert.equal(pendingRewards(poolNow, benPosition, archive, h.now()), benRewards);
    await h.send(benOut.instructions);
    const benStake = (deposits[1] * (totalDeposit - loss + 1n)) / (totalDeposit + 1n);
    assert.equal(benStake, 390_000n * UNIT);
    assert.equal(h.balance(ben.token) - benTokens, benStake + benRewards);
    assert.equal(h.svm.getAccount(ben.position).exists, false);
    assert.equal(h.svm.getAccount(annOut.archive).exists, false);
    assert.equal(lamports(ben.signer.address) - benLamports, benPositionRent);
    assert.equal(lamports(ann.signer.address) - annLamportsBefore, archiveRent);

    // Everything streamed was paid but rounding dust, which stays reserved; the stake is gone.
    const paid = annClaimed + annRewards + benRewards;
    pool = h.account(keys.pool, decodePool);
    assert.equal(pool.rewardsReserved, stakerRewards - paid);
    assert.equal(stakerRewards - paid, 3n);
    assert.equal(pool.totalStake, 0n);
  },
);

test(
  "an abandoned position: anyone may withdraw it for its owner 30 days after its tranche ended",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const { authority } = await deploy(h, 1);
    const mint = await h.createMint(6);
    const { keys } = await openPool(h, authority, 0n, mint, [[0n, 100, 200]]);
    const tranche = trancheAt(h.now()) + 1n;
    const amount = 10_000n * UNIT;
    const owner = await h.fundedUser(mint, amount);
    const deposit = await stake({
      owner: owner.signer,
      pool: keys,
      ownerToken: owner.token,
      positionId: 0n,
      trancheId: tranche,
      amount,
    });
    await h.send(deposit.instructions);
    const cranker = await h.user();
    const forOwner = (ownerToken?: Address) =>
      withdraw(h.fetch, {
        caller: cranker,
        owner: owner.signer.address,
        pool: keys,
        ownerToken,
        positionId: 0n,
      });

    // Until the delay is over only the owner may withdraw (the archive goes first and passes).
    h.warpTo(trancheEnd(tranche) + ABANDONED_POSITION_DELAY - 1n);
    const early = await h.refuse((await forOwner()).instructions);
    assert.deepEqual([early.index, early.code], [1, BULWARK_ERROR__POSITION_NOT_ABANDONED]);
    assert.equal(early.code, 6097);

    // From then on anyone may, into the owner's associated token account only (the default).
    h.warpTo(trancheEnd(tranche) + ABANDONED_POSITION_DELAY);
    const stray = await h.createTokenAccount(owner.signer.address, mint);
    const elsewhere = await h.refuse((await forOwner(stray)).instructions);
    assert.deepEqual(
      [elsewhere.index, elsewhere.code],
      [1, BULWARK_ERROR__RECIPIENT_NOT_ASSOCIATED],
    );
    const out = await forOwner();
    assert.equal(out.position, deposit.position);
    const [ownerLamports, positionRent] = [
      lamportsOf(h, owner.signer.address),
      lamportsOf(h, deposit.position),
    ];
    const crankerLamports = lamportsOf(h, cranker.address);
    await h.send(out.instructions);
    // The whole stake (no cover was sold, so no loss and no rewards) and the position's rent go
    // to the owner; the cranker paid the archive's rent and, taking the tranche's last share,
    // got it back in the same transaction (the fees are the harness payer's).
    assert.equal(h.balance(owner.token), amount);
    assert.equal(h.svm.getAccount(deposit.position).exists, false);
    assert.equal(lamportsOf(h, owner.signer.address) - ownerLamports, positionRent);
    assert.equal(h.svm.getAccount(out.archive).exists, false);
    assert.equal(lamportsOf(h, cranker.address), crankerLamports);
    assert.equal(h.account(keys.pool, decodePool).totalStake, 0n);
  },
);
