// Staff passwords: argon2id (memory-hard) with a fresh random salt per password, stored in the
// standard encoded form so parameters can be raised later without a migration. hash-wasm (fast
// WebAssembly) computes it where the runtime allows; @noble/hashes (pure JavaScript, same
// algorithm, same output) where it does not.
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { argon2id } from "hash-wasm";
import { z } from "zod";
import { fromBase64, toBase64 } from "../accounts/secrets";

/**
 * OWASP's first argon2id choice (19 MiB, 2 passes, 1 lane): about 100 ms here, small enough for
 * a Workers isolate's memory, and still memory-hard. Raise both together and rehash on sign-in.
 */
export const ARGON2_PARAMS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;
const SALT_BYTES = 16;
// A stored hash is trusted input only up to a point: refuse parameters that would stall a sign-in.
const MAX_MEMORY_KIB = 262_144;
const MAX_ITERATIONS = 10;

export const NewPassword = z
  .string()
  .min(12, "Lösenordet ska ha minst 12 tecken.")
  .max(256, "Lösenordet får ha högst 256 tecken.");

// Swedish letters can arrive composed (å) or decomposed (a + ring) depending on the keyboard
// and operating system; both must give the same hash.
const normalise = (password: string) => password.normalize("NFC");

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const { memorySize, iterations, parallelism } = ARGON2_PARAMS;
  const hash = await computeArgon2id(password, { ...ARGON2_PARAMS, salt });
  return `$argon2id$v=19$m=${memorySize},t=${iterations},p=${parallelism}$${unpad(toBase64(salt))}$${unpad(toBase64(hash))}`;
}

const unpad = (b64: string) => b64.replace(/=+$/, "");

let wasmRefused = false;

/**
 * hash-wasm compiles its WebAssembly from bytes at first use, which Cloudflare Workers forbid
 * ("Wasm code generation disallowed by embedder", workerd#3593); there the pure-JavaScript
 * implementation takes over.
 */
async function computeArgon2id(
  password: string,
  p: { salt: Uint8Array; memorySize: number; iterations: number; parallelism: number; hashLength: number },
): Promise<Uint8Array> {
  if (!wasmRefused) {
    try {
      return await argon2id({ password: normalise(password), ...p, outputType: "binary" });
    } catch (error) {
      if (!/disallowed by embedder|WebAssembly/i.test(String(error))) throw error;
      wasmRefused = true;
    }
  }
  return argon2idAsync(new TextEncoder().encode(normalise(password)), p.salt, {
    t: p.iterations,
    m: p.memorySize,
    p: p.parallelism,
    dkLen: p.hashLength,
  });
}

interface Encoded {
  memorySize: number;
  iterations: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

const ENCODED = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function unpadded(b64: string): Uint8Array {
  return fromBase64(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
}

function parseEncoded(encoded: string): Encoded | null {
  const m = ENCODED.exec(encoded);
  if (!m) return null;
  const [memorySize, iterations, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (memorySize > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > 16) return null;
  return { memorySize, iterations, parallelism, salt: unpadded(m[4]), hash: unpadded(m[5]) };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Recomputes and compares in constant time (hash-wasm's own argon2Verify compares with ===). */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const stored = encoded ? parseEncoded(encoded) : null;
  // Without a stored hash, still spend the same work, so timing does not tell which emails exist.
  const target = stored ?? (await dummyHash());
  const computed = await computeArgon2id(password, {
    salt: target.salt,
    memorySize: target.memorySize,
    iterations: target.iterations,
    parallelism: target.parallelism,
    hashLength: target.hash.length,
  });
  return stored !== null && equalBytes(computed, target.hash);
}

/** True when the stored hash was made with weaker parameters than today's. */
export function needsRehash(encoded: string): boolean {
  const stored = parseEncoded(encoded);
  return (
    !stored ||
    stored.memorySize < ARGON2_PARAMS.memorySize ||
    stored.iterations < ARGON2_PARAMS.iterations ||
    stored.hash.length !== ARGON2_PARAMS.hashLength
  );
}

let dummy: Encoded | null = null;
async function dummyHash(): Promise<Encoded> {
  if (dummy) return dummy;
  const parsed = parseEncoded(await hashPassword(toBase64(crypto.getRandomValues(new Uint8Array(16)))));
  if (!parsed) throw new Error("hashPassword made a hash that parseEncoded cannot read");
  dummy = parsed;
  return parsed;
}
