// PDA helpers against the program's fixed config address and Codama's independent derivations.

import assert from "node:assert/strict";
import test from "node:test";
import { address } from "@solana/kit";
import {
  archivePda,
  assessmentVaultPda,
  assessorPda,
  ballotPda,
  configPda,
  findArchivePda,
  findAssessmentVaultPda,
  findAssessorPda,
  findBallotPda,
  findConfigPda,
  findMintParamsPda,
  findVaultPda,
  mintParamsPda,
  vaultPda,
} from "../src";

const A = address("Bwx1nGbLA6vksHSKQQY7J6iWzGgatttZ731CbexYG3aW");
const B = address("6Lq4DP5ySowZkEkD8pMeGMcxSbW8L51djnNkXLhB63SM");

test("config PDA is the program's CONFIG_ADDRESS", async () => {
  assert.equal(await configPda(), "6Lq4DP5ySowZkEkD8pMeGMcxSbW8L51djnNkXLhB63SM");
});

test("PDA helpers agree with the generated finders", async () => {
  const pairs: [Promise<string>, Promise<readonly [string, number]>][] = [
    [configPda(), findConfigPda()],
    [assessmentVaultPda(), findAssessmentVaultPda()],
    [vaultPda(A), findVaultPda({ pool: A })],
    [mintParamsPda(B), findMintParamsPda({ mint: B })],
    [archivePda(A, 20_500n), findArchivePda({ pool: A, trancheId: 20_500n })],
    [assessorPda(A), findAssessorPda({ owner: A })],
    [ballotPda(A, B), findBallotPda({ claim: A, owner: B })],
  ];
  for (const [ours, generated] of pairs) {
    assert.equal(await ours, (await generated)[0]);
  }
});
