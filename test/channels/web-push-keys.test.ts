// The VAPID key pair: from the environment when set (and then nothing is stored), checked at start.
import { createECDH, createPublicKey, verify } from "node:crypto";
import { expect, test } from "vitest";
import { vapidAuthorization } from "../../src/channels/web-push-crypto";
import { parseConfig } from "../../src/config";
import { webPushKeys } from "../../src/db/schema";
import { getVapidKeys } from "../../src/domain/publishing/web-push-keys";
import { startTestHub } from "../helpers/hub";

test("a configured pair is served and signs; nothing is generated or stored", async () => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const publicKey = ecdh.getPublicKey("base64url");
  const privateKey = ecdh.getPrivateKey().toString("base64url").padStart(43, "A");
  const hub = await startTestHub({
    env: { KRISKANAL_VAPID_PUBLIC_KEY: publicKey, KRISKANAL_VAPID_PRIVATE_KEY: privateKey },
  });
  try {
    const res = await hub.app.request("/push/key", {}, { deps: hub.deps });
    expect(await res.json()).toEqual({ publicKey });
    expect(await getVapidKeys(hub.deps)).toEqual({ publicKey, privateKey });
    expect(await hub.deps.db.select().from(webPushKeys)).toEqual([]);
    const header = await vapidAuthorization(
      "https://push.example.net/x",
      { publicKey, privateKey },
      "mailto:a@b.se",
      hub.clock.now(),
    );
    const [, token, key] = /^vapid t=(\S+), k=(\S+)$/.exec(header) ?? [];
    expect(key).toBe(publicKey);
    const [head, claims, signature] = token.split(".");
    const jwk = {
      kty: "EC",
      crv: "P-256",
      x: ecdh.getPublicKey().subarray(1, 33).toString("base64url"),
      y: ecdh.getPublicKey().subarray(33).toString("base64url"),
    };
    const signed = verify(
      "sha256",
      Buffer.from(`${head}.${claims}`),
      { key: createPublicKey({ key: jwk, format: "jwk" }), dsaEncoding: "ieee-p1363" },
      Buffer.from(signature, "base64url"),
    );
    expect(signed).toBe(true);
    expect(JSON.parse(Buffer.from(claims, "base64url").toString())).toEqual({
      aud: "https://push.example.net",
      exp: Math.floor(hub.clock.now().getTime() / 1000) + 12 * 3600,
      sub: "mailto:a@b.se",
    });
  } finally {
    await hub.close();
  }
}, 120_000);

test("half a pair, or a malformed key, stops the start with the variable named", () => {
  expect(() => parseConfig({ KRISKANAL_VAPID_PUBLIC_KEY: `B${"A".repeat(86)}` })).toThrow(
    /KRISKANAL_VAPID_PUBLIC_KEY and KRISKANAL_VAPID_PRIVATE_KEY/,
  );
  expect(() => parseConfig({ KRISKANAL_VAPID_PRIVATE_KEY: "kort", KRISKANAL_VAPID_PUBLIC_KEY: "kort" })).toThrow(
    /KRISKANAL_VAPID_PRIVATE_KEY/,
  );
  expect(() => parseConfig({ KRISKANAL_VAPID_SUBJECT: "http://kommun.se" })).toThrow(/KRISKANAL_VAPID_SUBJECT/);
});
