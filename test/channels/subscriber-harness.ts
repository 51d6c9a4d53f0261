// A hub with subscriber channels wired to real local servers (SMTP, the 46elks stand-in), and the
// small steps the subscription tests share: posting the public forms, publishing, sending.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/client";
import { sendDueSubscriberMessages } from "../../src/domain/subscribers/outbox";
import { ELKS_PASSWORD, ELKS_USERNAME, type RunningElks, startElksStandIn } from "../../src/sandbox/elks";
import { createSmtpTransport } from "../../src/smtp-node";
import { trackDeferred } from "../adversarial/route-table";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

export interface SubscriberHub extends TestHub {
  smtp: TestSmtp;
  elks: RunningElks;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubscriberHub(env: Record<string, string> = {}): Promise<SubscriberHub> {
  const smtp = await startTestSmtp();
  const elks = await startElksStandIn();
  const deferred = trackDeferred();
  const hub = await startTestHub({
    env: {
      KRISKANAL_MAIL_FROM: "Exempelkommun <krisinfo@exempel.se>",
      KRISKANAL_SMS_URL: elks.url,
      KRISKANAL_SMS_USERNAME: ELKS_USERNAME,
      KRISKANAL_SMS_PASSWORD: ELKS_PASSWORD,
      KRISKANAL_SMS_FROM: "Exempel",
      KRISKANAL_SUBSCRIBE_RATE_LIMIT: "0",
      ...env,
    },
    deps: { mail: createSmtpTransport(smtp.url), defer: deferred.defer },
  });
  return Object.assign(hub, {
    smtp,
    elks,
    settle: deferred.settle,
    async stop() {
      await deferred.settle();
      hub.deps.mail?.close?.();
      await hub.close();
      await smtp.close();
      await elks.close();
    },
  });
}

/** A public form posted as a browser on the hub's own site would post it. */
export function postForm(
  hub: TestHub,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return hub.app.request(
    path,
    {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: hub.deps.config.publicUrl,
        "sec-fetch-site": "same-origin",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    },
    { deps: hub.deps },
  );
}

export async function openIncident(hub: TestHub, title = "Vattenläcka i centrum") {
  const res = await api(hub, hub.token).post("/api/v1/incidents", { title, severity: "major" });
  if (res.status !== 201) throw new Error(`incident: ${res.status} ${res.text}`);
  return res.json as { id: string; slug: string };
}

export async function publish(hub: SubscriberHub, incidentId: string, body: string) {
  const res = await api(hub, hub.token).post(`/api/v1/incidents/${incidentId}/updates`, { body });
  if (res.status !== 201) throw new Error(`update: ${res.status} ${res.text}`);
  await hub.settle();
  return res.json as { id: string; url: string };
}

export function sendDue(hub: TestHub) {
  return sendDueSubscriberMessages(hub.deps, "test");
}

export async function countOf(hub: TestHub, query: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await hub.deps.db.execute(sql.raw(`select count(*)::int as n from ${query}`)));
  return Number(row.n);
}

export async function tally(hub: TestHub, key: string): Promise<number> {
  const [row] = rowsOf<{ count: number }>(
    await hub.deps.db.execute(sql`select count from subscriber_tallies where key = ${key}`),
  );
  return Number(row?.count ?? 0);
}
