// The zip writer: CRC-32 alike from zlib and from JavaScript however the bytes are split, and an
// archive an independent reader (bagit-check.ts) and `unzip -t` accept, ZIP64 records included.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, test } from "vitest";
import { javascriptCrc32 } from "../../src/archive/crc32";
import { createNodeCrc32 } from "../../src/archive/crc32-node";
import { type ZipFile, zipPieces } from "../../src/archive/zip";
import { readZip } from "./bagit-check";

const hasUnzip = (() => {
  try {
    execFileSync("unzip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return Boolean(process.env.CI);
  }
})();

const encoder = new TextEncoder();

async function* bytes(...pieces: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield typeof piece === "string" ? encoder.encode(piece) : piece;
}

async function zipOf(files: ZipFile[]): Promise<Buffer> {
  async function* all() {
    yield* files;
  }
  const chunks: Uint8Array[] = [];
  for await (const piece of zipPieces(all(), createNodeCrc32())) chunks.push(piece);
  return Buffer.concat(chunks);
}

function unzipTest(zip: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "kk-zip-"));
  try {
    writeFileSync(join(dir, "a.zip"), zip);
    return execFileSync("unzip", ["-t", join(dir, "a.zip")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("CRC-32", () => {
  test("JavaScript and zlib agree, however the bytes are split", () => {
    const data = new Uint8Array(100_003).map((_, i) => (i * 31 + (i >> 7)) & 0xff);
    const expected = zlibCrc32(data);
    for (const crc of [javascriptCrc32, createNodeCrc32()]) {
      for (const step of [1, 7, 4096, data.length]) {
        let value = 0;
        for (let at = 0; at < data.length; at += step) value = crc(data.subarray(at, at + step), value);
        expect(value).toBe(expected);
      }
    }
    expect(javascriptCrc32(encoder.encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("the zip writer", () => {
  const at = new Date(2026, 10, 21, 14, 5, 30);

  test("writes names in UTF-8, empty and chunked files, each with its CRC", async () => {
    const zip = await zipOf([
      { name: "påse/data/åäö 🚰.txt", input: bytes("Vattnet är avstängt.\r\n"), lastModified: at },
      { name: "påse/tom.txt", input: bytes(), lastModified: at },
      { name: "påse/delar.csv", input: bytes("a,b\r\n", "1,2\r\n", new Uint8Array(70_000).fill(65)), lastModified: at },
    ]);
    const entries = readZip(zip); // checks every CRC
    expect(entries.map((e) => e.name)).toEqual(["påse/data/åäö 🚰.txt", "påse/tom.txt", "påse/delar.csv"]);
    expect(entries[0].data.toString("utf8")).toBe("Vattnet är avstängt.\r\n");
    expect(entries[1].data.length).toBe(0);
    expect(entries[2].data.length).toBe(10 + 70_000);
    if (hasUnzip) expect(unzipTest(zip)).toContain("No errors detected");
  });

  test("more entries than the classic end record counts: ZIP64 end records", async () => {
    const files: ZipFile[] = [];
    for (let i = 0; i < 65_600; i++) files.push({ name: `f/${i}`, input: bytes(String(i)), lastModified: at });
    const zip = await zipOf(files);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const entries = readZip(zip);
    expect(entries).toHaveLength(65_600);
    expect(entries[65_599].data.toString()).toBe("65599");
    if (hasUnzip) expect(unzipTest(zip)).toContain("No errors detected");
  }, 120_000);
});
