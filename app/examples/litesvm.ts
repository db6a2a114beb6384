// A litesvm test of a protocol that insures itself with Bulwark: a market in a few lines, then a
// cover bought, claimed, accepted and paid. `@bulwark/client/testing` is app/src/testing.
import { buyCover, decodeCover, fileClaim, quoteCover, redeem, vote } from "@bulwark/client";
import { UNIT, fundedAssessor, startMarket } from "@bulwark/client/testing";

export async function insuredAndPaid() {
  const { h, deployment, mint, productId, pool } = await startMarket({ stake: 1_000_000n * UNIT });
  const buyer = await h.fundedUser(mint, 10_000n * UNIT);
  const period = 365 * 86_400;
  const quote = await quoteCover(h.fetch, {
    productId,
    pools: [pool.pool],
    mint,
    amount: 100_000n * UNIT,
    period,
  });
  const bought = await buyCover({
    payer: buyer.signer,
    payerToken: buyer.token,
    tokenProgram: pool.tokenProgram,
    productId,
    period,
    quote,
    coverNonce: 0n,
  });
  await h.send(bought.instructions);

  const filed = await fileClaim(h.fetch, {
    owner: buyer.signer,
    cover: bought.cover,
    ownerToken: buyer.token,
    amount: 40_000n * UNIT,
    incidentTime: h.account(bought.cover, decodeCover).start,
    evidenceHash: new Uint8Array(32),
    evidenceUri: "https://example.org/incident",
  });
  await h.send(filed.instructions);
  const assessor = await fundedAssessor(h, deployment.assessmentMint, UNIT);
  await h.send(
    (await vote(h.fetch, { owner: assessor.signer, claim: filed.claim, accept: true }))
      .instructions,
  );

  h.warpDays(10); // past voting (3 days) and the cooldown (1 day)
  await h.send((await redeem(h.fetch, { caller: h.payer, claim: filed.claim })).instructions);
  return { premium: quote.premium, balance: h.balance(buyer.token) };
}
