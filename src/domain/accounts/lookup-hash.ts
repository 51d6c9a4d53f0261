// A keyed hash for finding personal data (a push endpoint, an address) without storing it in
// clear: HMAC-SHA-256 under a key derived from KRISKANAL_SECRET_KEY. A plain SHA-256 of an
// endpoint or address could be reversed by hashing candidates; this cannot without the key.
// Deps carries the secret key as a non-extractable AES-GCM key, so the HMAC key is derived by
// encrypting one fixed label under it (AES as a pseudo-random function): the same key always
// gives the same lookup key, on every runtime, and the raw secret never leaves WebCrypto.
import { toBase64 } from "./secrets";

const LABEL = new TextEncoder().encode("kriskanal lookup-hash v1");
/** Used for this label only; sealJson draws fresh random IVs, so the two never meet. */
const FIXED_IV = new Uint8Array(12);

const derived = new WeakMap<CryptoKey, Promise<CryptoKey>>();

function lookupKeyOf(secretKey: CryptoKey): Promise<CryptoKey> {
  let key = derived.get(secretKey);
  if (!key) {
    key = crypto.subtle
      .encrypt({ name: "AES-GCM", iv: FIXED_IV }, secretKey, LABEL)
      .then((raw) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
    derived.set(secretKey, key);
  }
  return key;
}

/** The lookup hash of `value` (base64), the same for the same value under the same secret key. */
export async function lookupHash(secretKey: CryptoKey, value: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await lookupKeyOf(secretKey), new TextEncoder().encode(value));
  return toBase64(new Uint8Array(mac));
}
