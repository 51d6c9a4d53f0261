// The schemas the archive package carries in data/schemas/ are the real ones, byte for byte:
// the embedded CAP 1.2 schema is the copy xmllint validates the package's CAP messages against.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { CAP12_XSD } from "../../src/archive/schemas/cap12";

test("the embedded CAP 1.2 schema matches cap12.xsd byte for byte", () => {
  const file = readFileSync(new URL("./cap12.xsd", import.meta.url));
  expect(Buffer.from(CAP12_XSD, "utf8").equals(file)).toBe(true);
});
