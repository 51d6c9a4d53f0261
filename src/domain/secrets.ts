// WebCrypto only, so the same code runs on Node and Workers. Credentials are sealed with
// AES-GCM (a fresh 96-bit IV each time); tokens are stored as SHA-256 digests.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A 32-byte key, base64 encoded (KRISKANAL_SECRET_KEY). */
export async function importSecretKey(base64: string): Promise<CryptoKey> {
  const raw = fromBase64(base64.trim());
  if (raw.length !== 32) throw new Error("KRISKANAL_SECRET_KEY must be 32 bytes, base64 encoded.");
  return crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export function generateSecretKeyBase64(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

export async function sealJson(key: CryptoKey, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, encoder.encode(JSON.stringify(value))),
  );
  const out = new Uint8Array(iv.length + data.length);
  out.set(iv);
  out.set(data, iv.length);
  return `v1:${toBase64(out)}`;
}

export async function openJson<T>(key: CryptoKey, sealed: string): Promise<T> {
  const bytes = fromBase64(sealed.replace(/^v1:/, ""));
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.slice(0, 12) },
    key,
    bytes.slice(12) as BufferSource,
  );
  return JSON.parse(decoder.decode(plain)) as T;
}

export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const data = typeof text === "string" ? encoder.encode(text) : text;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random URL-safe token with `bytes` of entropy, with a readable prefix. */
export function randomToken(prefix: string, bytes = 32): string {
  const raw = toBase64(crypto.getRandomValues(new Uint8Array(bytes)));
  return `${prefix}_${raw.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Platform error texts can echo a request URL, and Telegram puts the bot token in the path:
 * every value of the credential is blanked before such a text is stored, logged or exported.
 */
export function hideCredentialIn(text: string, credential: Record<string, unknown>): string {
  let out = text;
  for (const value of Object.values(credential)) {
    if (typeof value === "string" && value.length >= 6) out = out.split(value).join("[dold]");
  }
  return out;
}
