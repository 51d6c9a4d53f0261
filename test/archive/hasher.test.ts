// The bag's two SHA-256 implementations (node:crypto on Node, @noble/hashes on Workers) must
// write the same manifests, and the zip must stay a pull stream after its chunks are joined.
import { describe, expect, test } from "vitest";
import { type PayloadFile, streamBag, type WrittenFile } from "../../src/archive/bag";
import { CHUNK_BYTES } from "../../src/archive/coalesce";
import { type Hasher, nobleHasher } from "../../src/archive/hasher";
import { createNodeHasher } from "../../src/archive/hasher-node";
import { checkBag } from "./bagit-check";

const INFO = {
  name: "kriskanal-test",
  sourceOrganization: "Exempelkommun",
  externalIdentifier: "KS 2026/1",
  externalDescription: "Test",
};
const NOW = new Date("2026-03-01T10:00:00Z");

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function* payload(_written: readonly WrittenFile[]): AsyncGenerator<PayloadFile> {
  yield { path: "empty.txt", content: "" };
  yield { path: "text/åäö.txt", content: "Vattnet är avstängt på Storgatan. 🚰\r\n" };
  yield { path: "chunks.csv", content: ["a,b\r\n", new TextEncoder().encode("1,2\r\n"), "ö".repeat(70_000)] };
  yield {
    path: "big.bin",
    content: (async function* () {
      for (let i = 0; i < 5; i++) yield bytesOf(100_000 + i, i + 1);
    })(),
  };
  for (let i = 0; i < 300; i++) yield { path: `small/${i}.txt`, content: `fil ${i}\n` };
}

async function zipWith(hasher: Hasher): Promise<Buffer> {
  return Buffer.from(await new Response(streamBag(INFO, NOW, payload, hasher)).arrayBuffer());
}

describe("the bag's SHA-256", () => {
  test("node:crypto and @noble/hashes digest the same bytes alike, however they are split", () => {
    const node = createNodeHasher();
    const data = bytesOf(300_001, 7);
    const digests = [nobleHasher, node].flatMap((hasher) =>
      [1, 64, 4096, data.length].map((step) => {
        const hash = hasher();
        for (let at = 0; at < data.length; at += step) hash.update(data.subarray(at, at + step));
        return hash.hex();
      }),
    );
    expect(new Set(digests).size).toBe(1);
    const abc = [nobleHasher, node].map((hasher) => {
      const hash = hasher();
      hash.update(new TextEncoder().encode("abc"));
      return hash.hex();
    });
    expect(abc).toEqual([
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ]);
  });

  test("a bag hashed with node:crypto has the same manifests as one hashed with @noble/hashes", async () => {
    const [node, noble] = [await zipWith(createNodeHasher()), await zipWith(nobleHasher)];
    const [nodeBag, nobleBag] = [checkBag(node), checkBag(noble)];
    expect(nodeBag.problems).toEqual([]);
    expect(nobleBag.problems).toEqual([]);
    for (const name of ["manifest-sha256.txt", "tagmanifest-sha256.txt", "bag-info.txt"]) {
      expect(nodeBag.files.get(name)?.toString("utf8"), name).toBe(nobleBag.files.get(name)?.toString("utf8"));
    }
    expect(nodeBag.files.get("manifest-sha256.txt")?.toString("utf8").split("\n").filter(Boolean)).toHaveLength(304);
    expect(node.equals(noble)).toBe(true);
  });
});

describe("the zip stream", () => {
  test("comes in chunks of at least CHUNK_BYTES, the last excepted, and reads the payload only as asked", async () => {
    let produced = 0;
    async function* counted(written: readonly WrittenFile[]): AsyncGenerator<PayloadFile> {
      for await (const file of payload(written)) {
        produced++;
        yield file;
      }
    }
    const reader = streamBag(INFO, NOW, counted, createNodeHasher()).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThanOrEqual(CHUNK_BYTES);
    // A reader that stops asking stops the payload: the 300 small files are not produced ahead.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(produced).toBeLessThan(10);
    const sizes = [first.value?.byteLength ?? 0];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.byteLength);
    }
    expect(produced).toBe(304);
    expect(sizes.slice(0, -1).every((size) => size >= CHUNK_BYTES)).toBe(true);
    expect(sizes.length).toBeLessThan(20);
  });
});
