// AT Protocol record keys of the "tid" kind, chosen by the hub rather than the PDS: a post's key
// is fixed before it is first sent, so sending it again can never make a second post (the
// repository refuses a key it already holds) and asking for that one key settles whether it landed.
const ALPHABET = "234567abcdefghijklmnopqrstuvwxyz";

/**
 * A TID (13 characters, base32-sortable: 53 bits of microseconds, then a 10-bit clock id) for the
 * delivery made at `at` with `key`. The sub-millisecond part and the clock id come from the key,
 * so two deliveries made in the same millisecond still get different keys.
 */
export function tidFor(key: string, at: Date): string {
  const hash = fnv1a(key);
  const micros = BigInt(at.getTime()) * 1000n + BigInt(hash % 1000);
  const clockId = BigInt((hash >>> 10) & 0x3ff);
  let value = (micros << 10n) | clockId;
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

export function isTid(value: string): boolean {
  return TID.test(value);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
