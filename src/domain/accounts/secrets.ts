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
 * Platform error texts can echo a request URL (Telegram puts the bot token in the path; Meta's
 * APIs take it as a query parameter) or a request body: every value of the credential is
 * blanked, in every form it can take on the way, before such a text is stored, logged or exported.
 */
export function hideCredentialIn(text: string, credential: Record<string, unknown>): string {
  return credentialHider(credential)(text);
}

/**
 * hideCredentialIn for one credential and many texts (everything an adapter call gave back): the
 * forms are worked out once, and a text holding none of them is returned after one regex test.
 */
export function credentialHider(credential: Record<string, unknown>): (text: string) => string {
  const values = Object.values(credential).filter((v): v is string => typeof v === "string" && v.length >= 6);
  const forms = new Set<string>();
  for (const value of values) for (const form of encodingsOf(value)) forms.add(form);
  // Basic auth sends user:pass in base64.
  const user = credential.username ?? credential.identifier ?? credential.clientId ?? credential.apiKey;
  const pass = credential.password ?? credential.clientSecret ?? credential.apiSecret;
  if (typeof user === "string" && typeof pass === "string") {
    for (const form of base64Forms(`${user}:${pass}`)) forms.add(form);
  }
  // Longest first, so a form is not half-blanked by a shorter one it contains.
  const ordered = [...forms].filter((form) => form.length >= 6).sort((a, b) => b.length - a.length);
  if (!ordered.length) return (text) => text;
  // Most texts hold no "%", and then no percent-encoded form can be in them: a substring search
  // per plain form decides. The regex over every form (escapes in either hex case) is compiled
  // only for a text with a "%" in it; a gateway call hides dozens of texts, rarely one of those.
  const plain = ordered.filter((form) => !form.includes("%"));
  let any: RegExp | null = null;
  const holdsAForm = (text: string) => {
    if (!text.includes("%")) return plain.some((form) => text.includes(form));
    any ??= new RegExp(ordered.map(patternOf).join("|"));
    return any.test(text);
  };
  return (text) => {
    if (text.length < 6 || !holdsAForm(text)) return text;
    let out = text;
    for (const form of ordered) out = replaceAllCaseOfHex(out, form);
    return out;
  };
}

/** The value raw, percent-encoded (both forms, either hex case), form-encoded, JSON-escaped, base64. */
function encodingsOf(value: string): string[] {
  const component = encodeURIComponent(value);
  const uri = encodeURI(value);
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    component,
    uri,
    component.replace(/%20/g, "+"),
    new URLSearchParams({ v: value }).toString().slice(2),
    json,
    json.replace(/\//g, "\\/"),
    ...base64Forms(value),
  ];
}

function base64Forms(value: string): string[] {
  const b64 = toBase64(encoder.encode(value));
  const url = b64.replace(/\+/g, "-").replace(/\//g, "_");
  return [b64, b64.replace(/=+$/, ""), url, url.replace(/=+$/, "")];
}

/** Replaces `form` wherever it occurs; its %XX escapes match in either hex case. */
function replaceAllCaseOfHex(text: string, form: string): string {
  if (!form.includes("%")) return text.split(form).join("[dold]");
  return text.replace(new RegExp(patternOf(form), "g"), "[dold]");
}

/** A regex source matching `form` literally, its %XX escapes in either hex case. */
function patternOf(form: string): string {
  return form
    .split(/(%[0-9A-Fa-f]{2})/)
    .map((part) =>
      /^%[0-9A-Fa-f]{2}$/.test(part) ? `%${[...part.slice(1)].map(eitherCase).join("")}` : escapeRegExp(part),
    )
    .join("");
}

function eitherCase(hexDigit: string): string {
  return /[A-Fa-f]/.test(hexDigit) ? `[${hexDigit.toUpperCase()}${hexDigit.toLowerCase()}]` : hexDigit;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
