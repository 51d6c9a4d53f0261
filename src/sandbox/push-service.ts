// A push service stand-in (RFC 8030), a real local HTTP server: it hands out subscriptions as a
// browser's push service would (an endpoint, the browser's P-256 key and auth secret, the private
// half kept here), checks what the hub posts as a real push service does (the VAPID JWT's ES256
// signature, audience and expiry, RFC 8292; a TTL; aes128gcm), and decrypts the message with the
// browser's private key (RFC 8291) so tests can read what the resident would see. It is written
// with node:crypto, apart from the hub's WebCrypto code, so one mistake cannot hide in both.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted message: the hub sends JSON. */
  message: unknown;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapid: { aud: string; sub: string; exp: number; key: string };
}

export interface StandInSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushServiceStandIn {
  url: string;
  /** A new browser subscription; with the hub's applicationServerKey, pushes signed with another key are refused (403). */
  subscribe(applicationServerKey?: string): StandInSubscription;
  /** The next answers to pushes for this subscription (e.g. 500, 429), before it answers 201 again. */
  answerNext(subscriptionId: string, ...statuses: number[]): void;
  /** The browser unsubscribed: every later push gets 410 Gone. */
  expire(subscriptionId: string): void;
  received: ReceivedPush[];
  /** Pushes refused, with the reason, e.g. "bad VAPID signature". */
  refused: { subscriptionId: string; status: number; reason: string }[];
  close(): Promise<void>;
}

interface Held {
  ecdh: ReturnType<typeof createECDH>;
  publicKey: Buffer;
  auth: Buffer;
  serverKey?: string;
  next: number[];
  gone: boolean;
}

const b64url = (bytes: Buffer) => bytes.toString("base64url");

export async function startPushService(options: { now?: () => Date } = {}): Promise<PushServiceStandIn> {
  const now = options.now ?? (() => new Date());
  const held = new Map<string, Held>();
  const received: ReceivedPush[] = [];
  const refused: PushServiceStandIn["refused"] = [];
  let origin = "";

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const id = /^\/push\/([0-9a-f-]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const sub = held.get(id);
    const answer = (status: number, reason?: string) => {
      if (reason) refused.push({ subscriptionId: id, status, reason });
      res.writeHead(status, status === 201 ? { location: `${origin}/message/${randomUUID()}` } : {});
      res.end();
    };
    if (req.method !== "POST" || !sub) return answer(404, "no such subscription");
    if (sub.gone) return answer(410, "the subscription has expired");
    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return answer(400, "TTL is missing");
    if (req.headers["content-encoding"] !== "aes128gcm") return answer(415, "not aes128gcm");
    const vapid = checkVapid(req.headers.authorization ?? "", origin, now());
    if ("reason" in vapid) return answer(401, vapid.reason);
    if (sub.serverKey && vapid.key !== sub.serverKey)
      return answer(403, "signed with another key than the subscription's");
    let message: unknown;
    try {
      message = JSON.parse(decrypt(sub, body).toString("utf8"));
    } catch (error) {
      return answer(400, `undecryptable: ${String(error)}`);
    }
    const forced = sub.next.shift();
    if (forced) return answer(forced);
    received.push({
      subscriptionId: id,
      message,
      ttl,
      urgency: (req.headers.urgency as string | undefined) ?? null,
      topic: (req.headers.topic as string | undefined) ?? null,
      vapid,
    });
    answer(201);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    subscribe(applicationServerKey) {
      const id = randomUUID();
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      held.set(id, { ecdh, publicKey, auth, serverKey: applicationServerKey, next: [], gone: false });
      return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64url(publicKey), auth: b64url(auth) } };
    },
    answerNext(id, ...statuses) {
      held.get(id)?.next.push(...statuses);
    },
    expire(id) {
      const sub = held.get(id);
      if (sub) sub.gone = true;
    },
    received,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<key>`, the JWT signed ES256 by that key, for this origin, not expired. */
function checkVapid(header: string, origin: string, at: Date): ReceivedPush["vapid"] | { reason: string } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(header);
  if (!match) return { reason: "no VAPID authorization" };
  const [token, key] = [match[1], match[2]];
  const [head, claims, signature] = token.split(".");
  const point = Buffer.from(key, "base64url");
  if (point.length !== 65 || point[0] !== 4) return { reason: "the VAPID key is not a P-256 point" };
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
    format: "jwk",
  });
  const signed = verify(
    "sha256",
    Buffer.from(`${head}.${claims}`),
    { key: publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!signed) return { reason: "bad VAPID signature" };
  const header0 = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
  if (header0.alg !== "ES256") return { reason: "the JWT is not ES256" };
  const payload = JSON.parse(Buffer.from(claims, "base64url").toString("utf8"));
  const seconds = Math.floor(at.getTime() / 1000);
  if (payload.aud !== origin) return { reason: `the JWT is for ${payload.aud}, not ${origin}` };
  if (typeof payload.exp !== "number" || payload.exp <= seconds || payload.exp > seconds + 86_400) {
    return { reason: "the JWT has expired or lives longer than 24 hours" };
  }
  if (typeof payload.sub !== "string" || !/^(mailto:|https:)/.test(payload.sub)) return { reason: "no contact (sub)" };
  return { aud: payload.aud, sub: payload.sub, exp: payload.exp, key };
}

/** RFC 8291 §3.4 and RFC 8188 §2, as the browser does it. */
function decrypt(sub: Held, body: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const asPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (record.length > recordSize) throw new Error("more than one record");
  const secret = sub.ecdh.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), sub.publicKey, asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", secret, sub.auth, info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("the last record lacks its delimiter");
  return padded.subarray(0, end);
}
