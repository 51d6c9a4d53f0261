// The hub's VAPID keys (RFC 8292): from KRISKANAL_VAPID_PUBLIC_KEY / _PRIVATE_KEY when set (every
// process and the Worker then sign alike), otherwise made once and kept in the database with the
// private half sealed. Browsers subscribe with the public key; changing it orphans every
// subscription, so a generated pair is never replaced.
import { eq } from "drizzle-orm";
import { generateVapidKeys, type VapidKeyPair } from "../../channels/web-push-crypto";
import { webPushKeys } from "../../db/schema";
import type { Deps } from "../../deps";
import { openJson, sealJson } from "../accounts/secrets";

const ROW_ID = "vapid";

export type VapidDeps = Pick<Deps, "db" | "now" | "config" | "secretKey">;

export async function getVapidKeys(deps: VapidDeps): Promise<VapidKeyPair> {
  const configured = deps.config.vapid;
  if (configured) return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  const stored = await readStored(deps);
  if (stored) return stored;
  const made = await generateVapidKeys();
  // Two processes may make a pair at once: the first row wins and both use it.
  await deps.db
    .insert(webPushKeys)
    .values({
      id: ROW_ID,
      publicKey: made.publicKey,
      privateSealed: await sealJson(deps.secretKey, { d: made.privateKey }),
      createdAt: deps.now(),
    })
    .onConflictDoNothing();
  const kept = await readStored(deps);
  if (!kept) throw new Error("the VAPID keys could not be stored");
  return kept;
}

async function readStored(deps: VapidDeps): Promise<VapidKeyPair | null> {
  const [row] = await deps.db.select().from(webPushKeys).where(eq(webPushKeys.id, ROW_ID));
  if (!row) return null;
  const { d } = await openJson<{ d: string }>(deps.secretKey, row.privateSealed);
  return { publicKey: row.publicKey, privateKey: d };
}

/** RFC 8292 sub: KRISKANAL_VAPID_SUBJECT, or the hub's own address. */
export function vapidSubject(deps: Pick<Deps, "config">): string {
  return deps.config.vapidSubject ?? deps.config.publicUrl;
}
