import { argon2idAsync } from "@noble/hashes/argon2.js";
import { argon2id } from "hash-wasm";
import { describe, expect, test } from "vitest";
import { fromBase64 } from "../../src/domain/accounts/secrets";
import { ARGON2_PARAMS, hashPassword, needsRehash, verifyPassword } from "../../src/domain/people/passwords";

const b64 = (s: string) => fromBase64(s + "=".repeat((4 - (s.length % 4)) % 4));

describe("passwords", () => {
  test("a stored hash is standard argon2id that verifies the right password only", async () => {
    const stored = await hashPassword("ett långt lösenord");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword("ett långt lösenord", stored)).toBe(true);
    // Decomposed å (a + combining ring) is the same password.
    expect(await verifyPassword("ett la\u030angt lo\u0308senord", stored)).toBe(true);
    expect(await verifyPassword("ett långt lösenorD", stored)).toBe(false);
    expect(await verifyPassword("ett långt lösenord", null)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  test("the WebAssembly and the pure-JavaScript argon2id (used on Workers) give the same hash", async () => {
    const stored = await hashPassword("krisledning-2026");
    const [, , , , salt, hash] = stored.split("$");
    const js = await argon2idAsync(new TextEncoder().encode("krisledning-2026"), b64(salt), {
      t: ARGON2_PARAMS.iterations,
      m: ARGON2_PARAMS.memorySize,
      p: ARGON2_PARAMS.parallelism,
      dkLen: ARGON2_PARAMS.hashLength,
    });
    expect(Buffer.from(js).toString("base64").replace(/=+$/, "")).toBe(hash);
    const wasm = await argon2id({
      password: "krisledning-2026",
      salt: b64(salt),
      memorySize: ARGON2_PARAMS.memorySize,
      iterations: ARGON2_PARAMS.iterations,
      parallelism: ARGON2_PARAMS.parallelism,
      hashLength: ARGON2_PARAMS.hashLength,
      outputType: "binary",
    });
    expect(Buffer.from(wasm)).toEqual(Buffer.from(js));
  });
});
