// Exactly what each target account would receive if this update were posted now, and whether it
// fits: the same targets, composition and thread as the real send, with nothing written and
// nothing sent (the only call out is reading an instance's limits where the defaults cut text).
import { eq, sql } from "drizzle-orm";
import { updates } from "../db/schema";
import type { Deps } from "../deps";
import { requireCan } from "../domain/access";
import { toAccountTarget } from "../domain/accounts";
import type { Actor } from "../domain/actor";
import { requireIncident } from "../domain/incidents";
import { updateUrl } from "../domain/links";
import { refusePersonalIdentityNumbers } from "../domain/personnummer";
import { openJson } from "../domain/secrets";
import { resolveTargets } from "../domain/targets";
import { PostUpdateInput } from "../domain/updates";
import { ConflictError } from "../errors";
import { createSend } from "../platforms/http";
import type { Credential } from "../platforms/types";
import { composeFor, contentFor } from "./compose";
import { loadThreadRoots } from "./jobs";

type PreviewDeps = Pick<Deps, "db" | "platforms" | "secretKey" | "fetch" | "config" | "now">;

export async function previewUpdate(deps: PreviewDeps, actor: Actor, raw: unknown) {
  requireCan(actor, "update.post");
  const input = PostUpdateInput.parse(raw);
  refusePersonalIdentityNumbers({
    body: input.body,
    signature: input.signature,
    ...Object.fromEntries(Object.entries(input.variants).map(([p, t]) => [`variants.${p}`, t])),
  });
  const incident = await requireIncident(deps.db, input.incidentId);
  if (incident.status !== "active") throw new ConflictError("The incident is resolved; reopen it to post updates.");
  const targets = await resolveTargets(deps.db, actor, incident, input.targets, input.borrowingReason);
  const [{ next }] = await deps.db
    .select({ next: sql<number>`coalesce(max(${updates.number}), 0) + 1` })
    .from(updates)
    .where(eq(updates.incidentId, incident.id));
  const draft = {
    body: input.body,
    kind: input.kind,
    number: Number(next),
    variants: input.variants as Record<string, string>,
    revision: 1,
    signature: input.signature ?? null,
    image: input.image ?? null,
  };
  const roots = await loadThreadRoots(
    deps.db,
    targets.map((t) => t.account.id),
    [incident.id],
  );
  const previews = await Promise.all(
    targets.map(async ({ account, borrowed }) => {
      const adapter = deps.platforms[account.platform];
      const content = contentFor(draft, incident, account.platform, deps.config.publicUrl);
      const credential = account.credentialCiphertext
        ? await openJson<Credential>(deps.secretKey, account.credentialCiphertext).catch(() => null)
        : null;
      const ctx = credential
        ? { account: toAccountTarget(account), credential, send: createSend(deps.fetch, 5_000), now: deps.now }
        : undefined;
      const composed = await composeFor(adapter, content, ctx);
      return {
        accountId: account.id,
        platform: account.platform,
        handle: account.handle,
        borrowed,
        text: composed.text,
        length: composed.length,
        limit: composed.limit,
        fits: composed.fits && !composed.skipReason,
        shortened: composed.shortened,
        skipReason: composed.skipReason ?? null,
        replyTo: roots.find((r) => r.accountId === account.id)?.remoteId ?? null,
        payload: composed.payload,
      };
    }),
  );
  return { number: draft.number, url: updateUrl(deps.config.publicUrl, incident.slug, draft.number), previews };
}
