// Subscribers' addresses are personal data: parsed and normalised here, sealed like credentials,
// and looked up by a keyed hash. The hash key is derived from the secret key (AES as a PRF over a
// fixed block), so a copy of the database alone cannot test a list of addresses against it, and
// no second key has to be configured. WebCrypto only: the same code runs on Node and Workers.
import { z } from "zod";
import type { SubscriberChannelKind } from "../../db/schema";
import { openJson, randomToken, sealJson, sha256Hex } from "../accounts/secrets";

const encoder = new TextEncoder();
const LOOKUP_LABEL = "kriskanal subscriber address lookup v1";
const lookupKeys = new WeakMap<CryptoKey, Promise<CryptoKey>>();

/** A plain, deliverable address: one @, no spaces or angle brackets, a dotted domain. */
export const EmailAddress = z
  .string({ message: "is required" })
  .trim()
  .min(3, "is required")
  .max(254, "is too long")
  .regex(/^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[A-Za-z]{2,}$/, "is not an email address")
  .transform((s) => {
    const at = s.lastIndexOf("@");
    return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
  });

/**
 * A mobile number as 46elks wants it (E.164, "+46701234567"). Swedish numbers may be written as
 * people write them: "070-123 45 67", "0046 70 123 45 67".
 */
export const PhoneNumber = z
  .string({ message: "is required" })
  .trim()
  .min(1, "is required")
  .max(30, "is too long")
  .transform((s) => s.replace(/[\s\-().]/g, ""))
  .transform((s) => (s.startsWith("00") ? `+${s.slice(2)}` : s.startsWith("0") ? `+46${s.slice(1)}` : s))
  .refine((s) => /^\+[1-9]\d{7,14}$/.test(s), "is not a mobile phone number");

export interface SealedAddress {
  address: string;
  unsubscribeToken: string;
}

export async function sealAddress(key: CryptoKey, address: string): Promise<{ sealed: string; token: string }> {
  const token = randomToken("av", 18);
  return { sealed: await sealJson(key, { address, unsubscribeToken: token } satisfies SealedAddress), token };
}

export function openAddress(key: CryptoKey, sealed: string): Promise<SealedAddress> {
  return openJson<SealedAddress>(key, sealed);
}

/** The keyed hash that finds a subscriber's rows without opening every address. */
export async function hashAddress(key: CryptoKey, channel: SubscriberChannelKind, address: string): Promise<string> {
  const hmac = await lookupKeyOf(key);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, encoder.encode(`${channel}:${address}`)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Tokens in links and tickets are stored only as digests, as API tokens are. */
export const digestToken = (token: string) => sha256Hex(token);

function lookupKeyOf(key: CryptoKey): Promise<CryptoKey> {
  let derived = lookupKeys.get(key);
  if (!derived) {
    derived = deriveLookupKey(key);
    lookupKeys.set(key, derived);
  }
  return derived;
}

async function deriveLookupKey(key: CryptoKey): Promise<CryptoKey> {
  // A fixed all-zero IV is safe here only because this one fixed label is ever encrypted with it:
  // the output is a pseudo-random function of the key, used as HMAC key material.
  const block = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, key, encoder.encode(LOOKUP_LABEL)),
  );
  return crypto.subtle.importKey("raw", block.slice(0, 32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * A mail server's refusal often quotes the recipient ("550 <anna@example.se>: no such user"), and
 * a gateway may echo the number: the address is blanked, in the forms it may take, before such a
 * text is stored or logged.
 */
export function hideAddressIn(text: string, address: string): string {
  const forms = new Set([address, address.toLowerCase(), encodeURIComponent(address)]);
  if (address.startsWith("+")) {
    forms.add(address.slice(1));
    forms.add(encodeURIComponent(address).replace("%2B", "%2b"));
    if (address.startsWith("+46")) forms.add(`0${address.slice(3)}`);
  } else {
    const local = address.slice(0, address.lastIndexOf("@"));
    if (local.length >= 3) forms.add(local);
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join("[adress]");
  }
  return out;
}
