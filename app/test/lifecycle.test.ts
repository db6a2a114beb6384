// The whole protocol story of `bulwark demo` (cli/scenarios/demo.toml), on the SBF program in litesvm,
// through the client: config, products, pool, stakers, buyers routed by the quote, claims,
// assessors' votes, time warps and the payout, then the denied claim closed and the other
// product's effective weight refreshed — with exact balances, state and error codes.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BULWARK_ERROR__CLAIM_DENIED,
  assessorPda,
  buyCover,
  createProduct,
  BULWARK_ERROR__FIRST_VOTE_MUST_ACCEPT,
  BULWARK_ERROR__NOT_UPGRADE_AUTHORITY,
  BULWARK_ERROR__OUTCOME_NOT_FINAL,
  BULWARK_ERROR__RECIPIENT_NOT_ASSOCIATED,
  closeClaim,
  decodeAssessor,
  decodeClaim,
  decodeCover,
  decodePool,
  decodePoolProduct,
  decodeStakePosition,
  defaultProtocolParams,
  fileClaim,
  getBulwarkErrorMessage,
  initializeConfig,
  loadConfig,
  quoteCover,
  redeem,
  refreshPoolProduct,
  settleBallot,
  stake,
  trancheAt,
  vote,
} from "../src";
import { DAY, UNIT, defaultTerms, fundedAssessor, openPool } from "./fixtures";
import { Harness, skipWithoutProgram, updateParams, type Wallet } from "../src/testing";

test(
  "lifecycle on the SBF program: stake, buy, claim, vote, redeem",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const authority = await h.user();
    const treasury = (await h.user()).address;
    const assessmentMint = await h.createMint(6);
    // No timelock delay, so this story's governance change executes at once.
    const params = { ...defaultProtocolParams(), timelockDelay: 0 };
    const initArgs = { authority: authority.address, treasury, assessmentMint, params };

    // Only the program's upgrade authority may initialize the config.
    const intruder = await h.user();
    const early = await initializeConfig({
      deployer: intruder,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      ...initArgs,
    });
    const refused = await h.refuse(early.instructions);
    assert.equal(refused.index, 0);
    assert.equal(refused.code, BULWARK_ERROR__NOT_UPGRADE_AUTHORITY);
    assert.equal(refused.code, 6018);
    assert.equal(getBulwarkErrorMessage(6018), "Signer is not the program's upgrade authority");
    assert.ok(
      refused.logs.some((line) =>
        line.endsWith(
          "Error Code: NotUpgradeAuthority. Error Number: 6018. " +
            "Error Message: Signer is not the program's upgrade authority.",
        ),
      ),
      refused.logs.join("\n"),
    );

    const init = await initializeConfig({
      deployer: h.deployer,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      ...initArgs,
    });
    await h.send(init.instructions);
    let config = await loadConfig(h.fetch);
    assert.equal(config.authority, authority.address);
    assert.equal(config.treasury, treasury);
    assert.equal(config.assessmentMint, assessmentMint);
    assert.equal(config.productCount, 0n);

    // Governance lists a lending and a DEX product and lowers the assessor reward to 0.20%.
    const [lending, dex] = [0n, 1n];
    for (const productId of [lending, dex]) {
      await h.send(
        (await createProduct({ authority, productId, terms: defaultTerms() })).instructions,
      );
    }
    await updateParams(h, authority, { ...params, assessorRewardBps: 20 });
    config = await loadConfig(h.fetch);
    assert.equal(config.productCount, 2n);
    assert.equal(config.params.assessorRewardBps, 20);

    // A manager opens a USDC-like pool ten days into the next tranche.
    h.warpToTranche(trancheAt(h.now()) + 1n, 10n * DAY);
    const mint = await h.createMint(6);
    const { keys } = await openPool(h, authority, 0n, mint, [
      [lending, 60, 250],
      [dex, 40, 300],
    ]);

    // Stakers join different tranches.
    const current = trancheAt(h.now());
    const stakers: [bigint, bigint][] = [
      [500_000n * UNIT, current + 7n],
      [300_000n * UNIT, current + 5n],
      [200_000n * UNIT, current + 1n],
    ];
    for (const [amount, trancheId] of stakers) {
      const staker = await h.fundedUser(mint, amount);
      const deposit = await stake({
        owner: staker.signer,
        pool: keys,
        ownerToken: staker.token,
        positionId: 0n,
        trancheId,
        amount,
      });
      await h.send(deposit.instructions);
      assert.equal(h.balance(staker.token), 0n);
      const position = h.account(deposit.position, decodeStakePosition);
      assert.equal(position.owner, staker.signer.address);
      assert.equal(position.trancheId, trancheId);
      // The first deposit of each tranche: one share per unit, rewards counted from zero.
      assert.deepEqual(
        [position.shares, position.rewardCheckpoint, position.rewardsOwed],
        [amount, 0n, 0n],
      );
    }
    assert.equal(h.account(keys.pool, decodePool).totalStake, 1_000_000n * UNIT);
    assert.equal(h.balance(keys.vault), 1_000_000n * UNIT);

    // Buyers, routed by the quote. Premium = amount × price × days / 365 / 10,000, rounded up:
    // 400,000 × 2.5% × 180/365 = 4,931.506850 (…849.3 up) and 150,000 × 3% × 90/365 = 1,109.589042.
    const buyers: {
      name: string;
      productId: bigint;
      amount: bigint;
      days: number;
      premium: bigint;
      price: bigint;
    }[] = [
      {
        name: "Dana",
        productId: lending,
        amount: 400_000n * UNIT,
        days: 180,
        premium: 4_931_506_850n,
        price: 250n,
      },
      {
        name: "Eli",
        productId: dex,
        amount: 150_000n * UNIT,
        days: 90,
        premium: 1_109_589_042n,
        price: 300n,
      },
    ];
    const covers: { wallet: Wallet; cover: Address }[] = [];
    for (const [nonce, buyer] of buyers.entries()) {
      const wallet = await h.fundedUser(mint, 50_000n * UNIT);
      const period = buyer.days * 86_400;
      const route = await quoteCover(h.fetch, {
        productId: buyer.productId,
        pools: [keys.pool],
        mint,
        amount: buyer.amount,
        period,
      });
      assert.deepEqual(route.parts, [
        { pool: keys.pool, amount: buyer.amount, priceBps: buyer.price, premium: buyer.premium },
      ]);
      assert.equal(route.cost, buyer.premium);
      const purchase = await buyCover({
        payer: wallet.signer,
        payerToken: wallet.token,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
        productId: buyer.productId,
        period,
        coverNonce: BigInt(nonce),
        quote: route,
      });
      await h.send(purchase.instructions);
      assert.equal(h.balance(wallet.token), 50_000n * UNIT - buyer.premium);
      const cover = h.account(purchase.cover, decodeCover);
      assert.equal(cover.owner, wallet.signer.address);
      assert.equal(cover.amount, buyer.amount);
      assert.equal(cover.remaining, buyer.amount);
      assert.equal(cover.premium, buyer.premium);
      assert.equal(cover.period, period);
      assert.equal(cover.start, h.now());
      assert.equal(cover.poolCount, 1);
      assert.equal(cover.allocations[0].pool, keys.pool);
      assert.equal(cover.allocations[0].premium, buyer.premium);
      covers.push({ wallet, cover: purchase.cover });
    }
    const premiums = 4_931_506_850n + 1_109_589_042n;
    assert.equal(h.balance(keys.vault), 1_000_000n * UNIT + premiums);

    // Assessors stake (Fay 3, Gus 1): their stake counts as voting weight 7 days later.
    const assessors = [];
    for (const amount of [3n * UNIT, 1n * UNIT]) {
      assessors.push((await fundedAssessor(h, assessmentMint, amount)).signer);
    }
    const [fay, gus] = assessors;
    assert.equal(h.account(await assessorPda(fay.address), decodeAssessor).pending, 3n * UNIT);

    // A month later the lending protocol is exploited; both buyers claim.
    h.warpDays(30);
    const claims: Address[] = [];
    for (const [i, requested] of [250_000n * UNIT, 100_000n * UNIT].entries()) {
      const { signer, token } = covers[i].wallet;
      const before = h.balance(token);
      const filed = await fileClaim(h.fetch, {
        owner: signer,
        cover: covers[i].cover,
        ownerToken: token,
        amount: requested,
        incidentTime: h.account(covers[i].cover, decodeCover).start,
        evidenceHash: new Uint8Array(32).fill(1),
        evidenceUri: `https://example.org/incident/${buyers[i].name}`,
      });
      await h.send(filed.instructions);
      const claim = h.account(filed.claim, decodeClaim);
      // Deposit: max(1 USDC, 0.5% of the claim).
      const deposit = (requested * 50n) / 10_000n;
      assert.equal(claim.deposit, deposit);
      assert.equal(before - h.balance(token), deposit);
      assert.equal(claim.requestedAmount, requested);
      assert.equal(claim.claimant, signer.address);
      assert.equal(claim.filedAt, h.now());
      assert.equal(claim.votingEnd, h.now() + 3n * DAY);
      claims.push(filed.claim);
    }
    const deposits = 1_250n * UNIT + 500n * UNIT;
    assert.equal(h.balance(keys.vault), 1_000_000n * UNIT + premiums + deposits);

    // The assessors' stake, of voting age since the month began, votes: both accept Dana's
    // claim; on Eli's, Gus accepts and Fay denies. Nobody may open a claim's vote with a denial.
    const denyFirst = await h.refuse(
      (await vote(h.fetch, { owner: fay, claim: claims[1], accept: false })).instructions,
    );
    assert.equal(denyFirst.code, BULWARK_ERROR__FIRST_VOTE_MUST_ACCEPT);
    assert.equal(denyFirst.code, 6075);
    for (const [claim, owner, accept] of [
      [claims[0], fay, true],
      [claims[0], gus, true],
      [claims[1], gus, true],
      [claims[1], fay, false],
    ] as const) {
      await h.send((await vote(h.fetch, { owner, claim, accept })).instructions);
    }
    const [danaClaim, eliClaim] = claims.map((claim) => h.account(claim, decodeClaim));
    assert.deepEqual(
      [danaClaim.acceptWeight, danaClaim.denyWeight, danaClaim.voters],
      [4n * UNIT, 0n, 2],
    );
    assert.deepEqual(
      [eliClaim.acceptWeight, eliClaim.denyWeight, eliClaim.voters],
      [1n * UNIT, 3n * UNIT, 2],
    );

    // Before voting and cooldown are over nothing is paid.
    const dana = covers[0].wallet;
    const tooEarly = await h.refuse(
      (await redeem(h.fetch, { caller: h.payer, claim: claims[0], ownerToken: dana.token }))
        .instructions,
    );
    assert.equal(tooEarly.code, BULWARK_ERROR__OUTCOME_NOT_FINAL);

    // Four days later: Dana's accepted claim is paid with her deposit back; Eli's is denied.
    // A third party cranking it pays into her associated token account (the default), never
    // into another account of hers it picks.
    h.warpDays(4);
    const stray = await h.createTokenAccount(dana.signer.address, mint);
    const strayPayout = await h.refuse(
      (await redeem(h.fetch, { caller: h.payer, claim: claims[0], ownerToken: stray }))
        .instructions,
    );
    assert.equal(strayPayout.code, BULWARK_ERROR__RECIPIENT_NOT_ASSOCIATED);
    const before = h.balance(dana.token);
    await h.send((await redeem(h.fetch, { caller: h.payer, claim: claims[0] })).instructions);
    assert.equal(h.balance(dana.token) - before, 250_000n * UNIT + 1_250n * UNIT);
    const paid = h.account(claims[0], decodeClaim);
    assert.equal(paid.paid, true);
    assert.equal(paid.paidAmount, 250_000n * UNIT);
    const cover = h.account(covers[0].cover, decodeCover);
    assert.equal(cover.remaining, 150_000n * UNIT);
    assert.equal(cover.openClaim, false);
    const eli = covers[1].wallet;
    const denied = await h.refuse(
      (await redeem(h.fetch, { caller: h.payer, claim: claims[1], ownerToken: eli.token }))
        .instructions,
    );
    assert.equal(denied.code, BULWARK_ERROR__CLAIM_DENIED);

    // The payout burned backing stake (250,000 sold at 2x: 125,000; the capital pool paid the
    // rest); the vault holds exactly what the pool still owes.
    const pool = h.account(keys.pool, decodePool);
    assert.equal(pool.totalStake, 875_000n * UNIT);
    assert.equal(pool.claimDeposits, 500n * UNIT);
    assert.equal(h.balance(keys.vault), 875_000n * UNIT + premiums + 500n * UNIT);

    // Anyone closes Eli's denied claim: his deposit stays in the vault as the assessors' share,
    // and his cover may be claimed on again.
    await h.send((await closeClaim(h.fetch, { caller: h.payer, claim: claims[1] })).instructions);
    const closed = h.account(keys.pool, decodePool);
    assert.equal(closed.claimDeposits, 0n);
    assert.equal(closed.assessmentAccrued - pool.assessmentAccrued, 500n * UNIT);
    assert.equal(h.account(claims[1], decodeClaim).closed, true);
    assert.equal(h.account(covers[1].cover, decodeCover).openClaim, false);
    assert.equal(h.balance(keys.vault), 875_000n * UNIT + premiums + 500n * UNIT);

    // Each voter settles its ballots (a third party would pay its associated account): the
    // side the outcome took shares the reward each claim reserved at filing (Dana's 3:1
    // between Fay and Gus; Eli's, denied, all to Fay); Gus's accept on Eli's claim earns
    // nothing. Rewards leave the vault, each ballot closes.
    const wallets = [];
    for (const who of [fay, gus]) {
      wallets.push({ who, token: await h.createTokenAccount(who.address, mint) });
    }
    const [danaReward, eliReward] = claims.map(
      (claim) => h.account(claim, decodeClaim).assessorReward,
    );
    assert.ok(danaReward > 0n && eliReward > 0n);
    for (const claim of claims) {
      for (const { who, token } of wallets) {
        const settled = await settleBallot(h.fetch, {
          caller: who,
          claim,
          voter: who.address,
          voterToken: token,
        });
        assert.equal(settled.slashed, false);
        await h.send(settled.instructions);
      }
    }
    assert.equal(h.balance(wallets[0].token), (danaReward * 3n) / 4n + eliReward);
    assert.equal(h.balance(wallets[1].token), danaReward / 4n);
    assert.equal(h.account(await assessorPda(fay.address), decodeAssessor).openBallots, 0);
    const rewarded = h.balance(wallets[0].token) + h.balance(wallets[1].token);
    assert.equal(h.account(keys.pool, decodePool).assessorRewards, 0n);
    assert.equal(h.balance(keys.vault), 875_000n * UNIT + premiums + 500n * UNIT - rewarded);

    // The payout burnt stake under the DEX cover too; anyone may refresh that product's
    // effective weight. Eli's 150,000 at 2x occupy 75,000 of stake, and from tranche 3 on the
    // pool holds 550,000 (800,000 in tranches 6 and 8 before the 250,000 loss): ⌈13.6⌉ = 14%,
    // below the 40% target, which it keeps; the pool's sum stays 60 + 40.
    const refreshed = await refreshPoolProduct({ pool: keys.pool, productId: dex });
    await h.send(refreshed.instructions);
    const dexListing = h.account(refreshed.poolProduct, decodePoolProduct);
    assert.deepEqual([dexListing.targetWeight, dexListing.effectiveWeight], [40, 40]);
    assert.equal(h.account(keys.pool, decodePool).totalEffectiveWeight, 100);
  },
);
