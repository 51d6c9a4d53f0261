// CAP 1.2 messages checked against the OASIS schema with xmllint (libxml2-utils), as a consumer
// such as a national alert aggregator would check them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

export const CAP_SCHEMA = new URL("../archive/cap12.xsd", import.meta.url).pathname;
/** CI installs xmllint; elsewhere the schema tests are skipped when it is missing. */
export const HAVE_XMLLINT = spawnSync("which", ["xmllint"]).status === 0 || Boolean(process.env.CI);

/** Each document (named by where it came from) must validate; the failure names it and says why. */
export async function expectValidCap(documents: { name: string; xml: () => Promise<string> }[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kk-cap-"));
  try {
    for (const [i, document] of documents.entries()) {
      const file = join(dir, `${i}.xml`);
      writeFileSync(file, await document.xml());
      const run = spawnSync("xmllint", ["--noout", "--schema", CAP_SCHEMA, file], { encoding: "utf8" });
      expect(run.status, `${document.name}: ${run.stderr}`).toBe(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
