// A credential planted on a Facebook account whose "platform" is an echoing stand-in: every
// request is answered 400 with its URL, headers and body echoed back, as careless APIs do.
// After a publish, a rights check, a comment removal, an inbox collection and an answer (Telegram's
// token in the path, too), the credential must appear in no
// encoding in any API response, log line, audit row, table or the records export.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rowsOf } from "../../src/db/client";
import { inboxItems } from "../../src/db/schema";
import { dispatchDue } from "../../src/dispatcher/dispatch";
import { sendDueInboxAnswers } from "../../src/domain/inbox/answers";
import { collectDueInboxes } from "../../src/domain/inbox/collect";
import { sendDueWebPushes } from "../../src/domain/publishing/push-messages";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { unzip } from "../helpers/unzip";
import { TABLE_NAMES, trackDeferred } from "./route-table";

// Characters that every encoding writes differently: space, slash, plus, equals, quote, backslash, å.
const SECRET = 'kk sec/ret+key=å"\\&x';
const USER_SECRET = "kk-user+token/ä 2";
// Mastodon sends its token raw in an Authorization header, which the stand-in echoes.
const BEARER_SECRET = 'kk-bearer "tok\\en" ö';
// A browser's push endpoint is personal data: its path (the push service's token for that browser)
// and the browser's keys must show nowhere either. The echoing server plays the push service.
const ENDPOINT_TOKEN = "kk-endpoint-token-7f3a9c";
const BROWSER_KEYS = {
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};
// Telegram's token is a segment of every request's path.
const BOT_SECRET = "7000000009:kk-bot/tok+en=ä";

/** Every way a credential may be written down by a URL, a form, JSON or a Basic header. */
function encodingsOf(secret: string, user = "user"): Record<string, string> {
  const utf8 = Buffer.from(secret, "utf8");
  return {
    raw: secret,
    encodeURIComponent: encodeURIComponent(secret),
    encodeURI: encodeURI(secret),
    lowerHexPercent: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    formEncoded: new URLSearchParams({ s: secret }).toString().slice(2),
    jsonEscaped: JSON.stringify(secret).slice(1, -1),
    base64: utf8.toString("base64"),
    base64url: utf8.toString("base64url"),
    basicBase64: Buffer.from(`${user}:${secret}`).toString("base64"),
  };
}

let hub: TestHub;
let echo: Server;
const seen: { what: string; text: string }[] = [];

beforeAll(async () => {
  echo = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `${req.headers.authorization ?? ""} ${req.url} ${body} ${JSON.stringify(req.headers)}` },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
  await new Promise((resolve) => echo?.close(resolve));
});

/**
 * Issue 12, being fixed on another branch: hideCredentialIn hides only the raw credential, so
 * the percent- and form-encoded copies a platform echoes leak. Remove once merged.
 */

beforeAll(async () => {
  const admin = api(hub, hub.token);
  const record = (what: string, res: { text: string }) => seen.push({ what, text: res.text });
  const baseUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const account = await admin.post("/api/v1/accounts", {
    platform: "facebook",
    handle: "Ekokommun",
    baseUrl,
    options: { pageId: "1234" },
    credential: { pageAccessToken: SECRET, userAccessToken: USER_SECRET },
  });
  record("register", account);
  if (account.status !== 201) throw new Error(account.text);
  const id = account.json.id;

  const mastodon = await admin.post("/api/v1/accounts", {
    platform: "mastodon",
    handle: "ekokommun",
    baseUrl,
    credential: { accessToken: BEARER_SECRET },
  });
  record("register mastodon", mastodon);
  const incident = await admin.post("/api/v1/incidents", { title: "Läcka", severity: "minor" });
  hub.deps.config.pushAllowPrivate = true;
  const deferred = trackDeferred();
  hub.deps.defer = deferred.defer;
  const endpoint = `${baseUrl}/push/${ENDPOINT_TOKEN}`;
  const pushSubscribe = await hub.app.request(
    "/push/subscriptions",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint, keys: BROWSER_KEYS, incident: incident.json.id }),
    },
    { deps: hub.deps },
  );
  record("push subscribe", { text: await pushSubscribe.text() });
  if (pushSubscribe.status !== 201) throw new Error("push subscribe refused");
  const update = await admin.post(`/api/v1/incidents/${incident.json.id}/updates`, {
    body: "Text",
    targets: [id, mastodon.json.id],
  });
  record("publish", update);
  await dispatchDue(hub.deps, { owner: "adversarial" });
  // The echoing push service answers 400 with the URL it was sent to: the hub keeps only the status.
  await deferred.settle();
  await sendDueWebPushes(hub.deps, "adversarial");
  record("verify", await admin.post(`/api/v1/accounts/${id}/verify`));
  record("verify mastodon", await admin.post(`/api/v1/accounts/${mastodon.json.id}/verify`));
  const removal = await admin.post("/api/v1/removals", {
    platform: "facebook",
    accountId: id,
    author: "Någon",
    content: "Olämpligt",
    reason: "offensive",
    commentId: "c1",
    removeRemote: true,
  });
  record("removal", removal);
  record("remove-remote", await admin.post(`/api/v1/removals/${removal.json.id}/remove-remote`, { commentId: "c2" }));

  // The inbox: collection (Telegram's getChat, Mastodon's notifications) and an answer to a
  // Facebook comment, each answered by the echo, whose errors are kept on the cursor and answer.
  const telegram = await admin.post("/api/v1/accounts", {
    platform: "telegram",
    handle: "ekokommun",
    baseUrl,
    options: { chatId: "@ekokommun" },
    credential: { botToken: BOT_SECRET },
  });
  record("register telegram", telegram);
  await collectDueInboxes(hub.deps);
  const now = hub.deps.now();
  const [comment] = await hub.deps.db
    .insert(inboxItems)
    .values({
      accountId: id,
      platform: "facebook",
      remoteId: "1234_5678",
      kind: "comment",
      authorHandle: "Någon",
      text: "Gäller det Norrby?",
      postedAt: now,
      deadlineAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  record("answer", await admin.post(`/api/v1/inbox/${comment.id}/answers`, { text: "Ja." }));
  await sendDueInboxAnswers(hub.deps, "adversarial");
  record("/api/v1/inbox", await admin.get("/api/v1/inbox"));
  for (const path of [
    "/api/v1/accounts",
    `/api/v1/accounts/${id}`,
    "/api/v1/deliveries",
    `/api/v1/removals/${removal.json.id}`,
    "/api/v1/audit",
    "/api/v1/compliance",
    // The after-action report quotes every attempt's message, the echoed ones included.
    `/api/v1/incidents/${incident.json.id}/report`,
    "/api/v1/reach",
    `/api/v1/reach?incident=${incident.json.id}`,
  ]) {
    record(path, await admin.get(path));
  }
  const report = seen.find((s) => s.what.endsWith("/report"))?.text ?? "";
  expect(report, "the report quotes the echoing platform's error").toMatch(/"attemptLog":\[\{[^\]]*HTTP 400/);
  const deliveries = await admin.get("/api/v1/deliveries");
  expect(JSON.stringify(deliveries.json), "the echoing platform's error reached the hub").toMatch(
    /HTTP|400|Bad request|invalid/i,
  );

  const zip = await hub.app.request(
    "/api/v1/export?from=2026-01-01&to=2027-01-01",
    { headers: { authorization: `Bearer ${hub.token}` } },
    { deps: hub.deps },
  );
  if (zip.status !== 200) throw new Error(`export: ${zip.status}`);
  for (const [name, text] of Object.entries(unzip(Buffer.from(await zip.arrayBuffer()))))
    seen.push({ what: `export ${name}`, text });
  for (const line of hub.logLines) seen.push({ what: "log", text: line });
  for (const table of TABLE_NAMES) {
    const rows = rowsOf(await hub.deps.db.execute(sql.raw(`select row_to_json(t)::text as j from "${table}" t`)));
    for (const row of rows as { j: string }[]) seen.push({ what: `table ${table}`, text: row.j });
  }
});

function leaksIn(encodings: (name: string) => boolean): string {
  const leaks: string[] = [];
  for (const secret of [
    SECRET,
    USER_SECRET,
    BEARER_SECRET,
    BOT_SECRET,
    ENDPOINT_TOKEN,
    BROWSER_KEYS.p256dh,
    BROWSER_KEYS.auth,
  ]) {
    for (const [encoding, written] of Object.entries(encodingsOf(secret))) {
      if (!encodings(encoding)) continue;
      for (const { what, text } of seen) {
        const at = text.indexOf(written);
        if (at >= 0) leaks.push(`${encoding} in ${what}: …${text.slice(Math.max(0, at - 60), at + 60)}…`);
      }
    }
  }
  return leaks.join("\n");
}

it("the echoing platform was reached and its errors were kept", () => {
  expect(seen.find((s) => s.what === "/api/v1/deliveries")?.text).toMatch(/400|Bad request/);
  // The inbox's calls reached it too: the cursors and the answer keep what it said.
  const cursors = seen.filter((s) => s.what === "table inbox_cursors").map((s) => s.text);
  expect(cursors.join("\n")).toMatch(/getChat/);
  expect(cursors.join("\n")).toMatch(/notifications|verify_credentials/);
  expect(seen.find((s) => s.what === "table inbox_answers")?.text).toMatch(/comments/);
});

it("the push service stand-in was reached, and the push row kept a message without the endpoint", () => {
  const row = seen.find((s) => s.what === "table push_messages");
  expect(row?.text).toContain("the push service answered HTTP 400");
});

it("no credential leaks in any encoding: raw, percent- or form-encoded, JSON-escaped, base64", () => {
  expect(leaksIn(() => true)).toBe("");
});
