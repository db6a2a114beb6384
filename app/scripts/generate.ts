// Generates the typed client in src/generated from the committed IDL (../idl/bulwark.json) with
// Codama. `--check` renders into a temporary folder and fails if src/generated differs, so a
// stale client (IDL changed, generator not run) cannot be committed unnoticed.
//
// Both modes render the same way, into a fresh temporary folder with fixed Prettier options
// (no `packageFolder`: the renderer neither looks for a Prettier config nor edits package.json),
// then compare or copy.

import {
  bottomUpTransformerVisitor,
  createFromRoot,
  instructionAccountNode,
  type InstructionAccountNode,
} from "codama";
import { rootNodeFromAnchor, type AnchorIdl } from "@codama/nodes-from-anchor";
import { renderVisitor } from "@codama/renderers-js";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const appDir = resolve(__dirname, "..");
const idlPath = resolve(appDir, "../idl/bulwark.json");
const generatedDir = join(appDir, "src/generated");

function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files;
}

/// Files that differ between two trees: missing on either side or with other contents.
function differences(expected: string, actual: string): string[] {
  const want = listFiles(expected);
  let have: string[] = [];
  try {
    have = listFiles(actual);
  } catch {
    return ["src/generated is missing"];
  }
  const out: string[] = [];
  for (const file of new Set([...want, ...have])) {
    if (!want.includes(file)) out.push(`${file}: not produced by the generator`);
    else if (!have.includes(file)) out.push(`${file}: missing`);
    else if (!readFileSync(join(expected, file)).equals(readFileSync(join(actual, file)))) {
      out.push(`${file}: differs`);
    }
  }
  return out;
}

/// One correction to what Codama reads from the Anchor IDL: Codama defaults every
/// `token_program` account to SPL Token; the program takes SPL Token or Token-2022 (the mint's
/// owner), so the caller must name it.
const idlFixes = bottomUpTransformerVisitor([
  {
    select: "[instructionAccountNode]tokenProgram",
    transform: (node) =>
      instructionAccountNode({ ...(node as InstructionAccountNode), defaultValue: undefined }),
  },
]);

async function main() {
  const check = process.argv.includes("--check");
  const idl = JSON.parse(readFileSync(idlPath, "utf8")) as AnchorIdl;
  const codama = createFromRoot(rootNodeFromAnchor(idl));
  codama.update(idlFixes);
  const scratch = mkdtempSync(join(tmpdir(), "bulwark-codama-"));
  try {
    await codama.accept(
      renderVisitor(join(scratch, "generated"), {
        prettierOptions: { printWidth: 100, singleQuote: false, trailingComma: "all" },
      }),
    );
    const rendered = join(scratch, "generated");
    if (check) {
      const diff = differences(rendered, generatedDir);
      if (diff.length > 0) {
        console.error(
          `src/generated is stale against ../idl/bulwark.json (run \`npm run generate\`):\n  ${diff.join("\n  ")}`,
        );
        process.exit(1);
      }
      console.log(
        `src/generated matches ../idl/bulwark.json (${listFiles(rendered).length} files)`,
      );
    } else {
      rmSync(generatedDir, { recursive: true, force: true });
      cpSync(rendered, generatedDir, { recursive: true });
      console.log(`wrote ${listFiles(generatedDir).length} files to src/generated`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
