// Exactly what each target account would receive if this update were posted now, and whether it
// fits: the same preparation as postUpdate (prepareUpdate), the same composition and thread as the
// real send, with nothing written and nothing sent (the only call out, through the gateway, reads
// an instance's limits where the defaults cut text).
import type { Deps } from "../../deps";
import { composeFor, contentFor } from "../../dispatcher/compose";
import { loadThreadRoots } from "../../dispatcher/jobs";
import { callAdapter } from "../accounts/gateway";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { updateUrl } from "./links";
import { prepareUpdate } from "./update-draft";
import { PostUpdateInput } from "./updates";

type PreviewDeps = Pick<Deps, "db" | "platforms" | "secretKey" | "fetch" | "config" | "now">;

export async function previewUpdate(deps: PreviewDeps, actor: Actor, raw: unknown) {
  requireCan(actor, "update.post");
  const input = PostUpdateInput.parse(raw);
  const { incident, targets, leftOut, draft } = await prepareUpdate(deps.db, actor, input, deps.config.publicUrl);
  const roots = await loadThreadRoots(
    deps.db,
    targets.map((t) => t.account.id),
    [incident.id],
  );
  const previews = await Promise.all(
    targets.map(async ({ account, borrowed }) => {
      const adapter = deps.platforms[account.platform];
      const content = contentFor(draft, incident, account.platform, deps.config.publicUrl);
      const withLimits = await callAdapter(deps, account, (platform, ctx) => composeFor(platform, content, ctx), {
        timeoutMs: 5_000,
        exercise: incident.exercise,
      });
      // Without a working credential the platform's default limits are the best guess.
      const composed = withLimits.ok ? withLimits.value : await composeFor(adapter, content);
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
        // Whether the image goes along, and its alt text where the platform takes one.
        image: composed.image
          ? { url: composed.image.url, alt: composed.image.altSent ? composed.image.alt : null }
          : null,
        payload: composed.payload,
      };
    }),
  );
  return {
    number: draft.number,
    url: updateUrl(deps.config.publicUrl, incident.slug, draft.number, incident.exercise),
    exercise: incident.exercise,
    previews,
    // The accounts it will not go to, each with a code saying why (exercise_account_required).
    leftOut,
  };
}
