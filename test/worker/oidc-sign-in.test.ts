// Sign-in with the identity provider when the hub runs in workerd: oidc-provider in this (Node)
// process on a loopback port, the worker reaching it with its own outbound fetch (discovery, token,
// JWKS), the browser's part played here over real HTTP. What the in-process suite
// (test/routes/oidc-sign-in.test.ts) cannot show: openid-client, WebCrypto and the sealed flow
// cookie all work in the Workers runtime.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { auditLog, people } from "../../src/db/schema";
import { must } from "../helpers/must";
import {
  signInAtProvider,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestProvider,
} from "../helpers/oidc-provider";
import { PUBLIC_URL, startWorkerHarness, type WorkerHarness } from "./harness";

let provider: TestProvider;
let h: WorkerHarness;

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${PUBLIC_URL}/staff/oidc/callback`,
    postLogoutRedirectUri: `${PUBLIC_URL}/staff/login`,
    accounts: {
      "sub-wilma": { name: "Wilma Worker", email: "wilma@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
    },
  });
  try {
    h = await startWorkerHarness({
      vars: {
        KRISKANAL_OIDC_ISSUER: provider.issuer,
        KRISKANAL_OIDC_CLIENT_ID: TEST_CLIENT_ID,
        KRISKANAL_OIDC_NAME: "Kommunens konto",
        KRISKANAL_OIDC_ROLE_MAP: JSON.stringify({ "kriskanal-kommunikator": { role: "communicator" } }),
      },
      secrets: { KRISKANAL_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET },
    });
  } catch (error) {
    await provider.close();
    throw error;
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
  await provider?.close();
});

/** The cookies a browser would keep for the hub (one host, expiry ignored). */
function keep(cookies: Map<string, string>, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(";")[0];
    const name = pair.slice(0, pair.indexOf("="));
    const value = pair.slice(pair.indexOf("=") + 1);
    if (!value || /max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
  }
}

function send(path: string, cookies: Map<string, string>) {
  return fetch(h.worker.url + path, {
    redirect: "manual",
    headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
  });
}

test("the code flow completes in workerd and the session opens /staff", async () => {
  const cookies = new Map<string, string>();
  const start = await send("/staff/oidc/start?next=%2Fstaff%2Fincidents", cookies);
  const startBody = await start.text();
  // A 503 here means workerd could not fetch the provider's discovery document.
  expect(start.status, startBody.slice(0, 500)).toBe(303);
  keep(cookies, start);
  expect([...cookies.keys()]).toEqual(["__Host-kk_oidc"]);
  const authorization = new URL(must(start.headers.get("location"), "the provider's address"));
  expect(authorization.origin).toBe(provider.issuer);
  expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");

  const back = await signInAtProvider(authorization.href, "sub-wilma");
  expect(back.origin + back.pathname).toBe(`${PUBLIC_URL}/staff/oidc/callback`);
  // The browser follows the provider's redirect to the hub; the test reaches the same path locally.
  const callback = await send(back.pathname + back.search, cookies);
  const callbackBody = await callback.text();
  expect(callback.status, callbackBody.slice(0, 500)).toBe(303);
  expect(callback.headers.get("location")).toBe("/staff/incidents");
  keep(cookies, callback);
  expect(cookies.has("__Host-kk_oidc")).toBe(false);
  expect(cookies.has("__Host-kk_session")).toBe(true);

  const home = await send("/staff", cookies);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain("Wilma Worker");

  const db = h.database.db;
  const [wilma] = await db
    .select()
    .from(people)
    .where(and(eq(people.oidcIssuer, provider.issuer), eq(people.oidcSubject, "sub-wilma")));
  expect(wilma).toMatchObject({ name: "Wilma Worker", email: "wilma@exempelkommun.se", role: "communicator" });
  const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, wilma.id)).orderBy(auditLog.id);
  expect(audit.map((a) => [a.action, a.actorSubject])).toEqual([
    ["person.created", "sub-wilma"],
    ["session.signed_in", "sub-wilma"],
  ]);

  // The same callback again finds no flow: it is refused, and no second session opens.
  const replay = await fetch(h.worker.url + back.pathname + back.search, { redirect: "manual" });
  expect(replay.status).toBe(401);
  await replay.text();
});
