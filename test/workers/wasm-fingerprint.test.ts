// On Workers the card's HarfBuzz is swapped for the hb.wasm wrangler compiles (src/workers/harfbuzz.ts),
// recognised by its fingerprint. When satori or harfbuzzjs is upgraded, these fail before the card
// quietly stops rendering on Workers.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { expect, test } from "vitest";
import { fingerprintWasm, HARFBUZZ_WASM, isWasm, viewBytes } from "../../src/workers/wasm-fingerprint";

const require = createRequire(import.meta.url);

test("the fingerprint is harfbuzzjs's hb.wasm, the file src/workers/harfbuzz.ts imports", async () => {
  const hb = new Uint8Array(await readFile(require.resolve("harfbuzzjs/hb.wasm")));
  expect(fingerprintWasm(hb)).toEqual(HARFBUZZ_WASM);
});

test("satori bundles those same bytes", async () => {
  const satori = await readFile(require.resolve("satori/standalone"), "utf8");
  const embedded = [...satori.matchAll(/"(AGFzbQ[A-Za-z0-9+/=]+)"/g)].map(
    (m) => new Uint8Array(Buffer.from(m[1], "base64")),
  );
  expect(embedded.filter((bytes) => isWasm(bytes, HARFBUZZ_WASM))).toHaveLength(1);
});

test("other bytes of the same length, or a view into a larger buffer, are told apart", async () => {
  const hb = new Uint8Array(await readFile(require.resolve("harfbuzzjs/hb.wasm")));
  const changed = hb.slice();
  changed[1000] ^= 1;
  expect(isWasm(changed, HARFBUZZ_WASM)).toBe(false);
  const padded = new Uint8Array(hb.length + 8);
  padded.set(hb, 8);
  const view = viewBytes(new DataView(padded.buffer, 8, hb.length));
  expect(view && isWasm(view, HARFBUZZ_WASM)).toBe(true);
  expect(viewBytes(padded.buffer)?.length).toBe(hb.length + 8);
  expect(viewBytes({ byteLength: 3 })).toBeNull();
});
