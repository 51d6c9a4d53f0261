// Adding or changing one translation of an update after it was posted: a new revision, audited
// in the same transaction, guarded against personnummer like the Swedish text. The public pages
// change with it, and accounts of that language get it (delivery-languages.ts).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { updateTranslationRevisions, updateTranslations } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError } from "../../errors";
import { requireCan, requireChangeUpdate } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { deliverTranslation } from "./delivery-languages";
import { requireIncident } from "./incidents";
import { bumpPublicRevision } from "./organisation";
import { readOfferedLanguages } from "./organisation-languages";
import { refusePersonalIdentityNumbers } from "./personnummer";
import { refuseUnfilledPlaceholders } from "./placeholders";
import { changedPublicPaths } from "./public-paths";
import { findTranslation, requireTranslationLanguage, TranslationBody } from "./translations";
import { requireUpdate } from "./updates";

export const SaveTranslationInput = z
  .object({
    body: TranslationBody,
    /** Why it changed; kept with the revision. */
    reason: z.string().trim().min(3).max(500).optional(),
  })
  .strict();

export async function saveTranslation(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  updateId: string,
  language: string,
  raw: unknown,
) {
  // Who may ask comes before what was asked: a viewer learns nothing from a 400.
  requireCan(actor, "update.edit");
  const input = SaveTranslationInput.parse(raw);
  refusePersonalIdentityNumbers({ body: input.body });
  refuseUnfilledPlaceholders([{ field: "body", text: input.body }]);
  const now = deps.now();
  const saved = await deps.db.transaction(async (tx) => {
    const update = await requireUpdate(tx, updateId);
    requireChangeUpdate(actor, "update.edit", update);
    const tag = requireTranslationLanguage(await readOfferedLanguages(tx), language);
    if (update.withdrawnAt) throw new ConflictError("update_withdrawn", "A withdrawn update cannot be translated.");
    const before = await findTranslation(tx, update.id, tag);
    if (before?.body === input.body) throw new ConflictError("text_unchanged", "The translation is unchanged.");
    const revision = (before?.revision ?? 0) + 1;
    const [after] = before
      ? await tx
          .update(updateTranslations)
          .set({ body: input.body, revision, editedAt: now, editReason: input.reason ?? null })
          .where(eq(updateTranslations.id, before.id))
          .returning()
      : await tx
          .insert(updateTranslations)
          .values({ updateId: update.id, language: tag, body: input.body, createdBy: actor.id || null, createdAt: now })
          .returning();
    await tx.insert(updateTranslationRevisions).values({
      translationId: after.id,
      revision,
      body: input.body,
      reason: input.reason ?? null,
      createdBy: actor.id || null,
      createdAt: now,
    });
    // An update waiting for approval has no deliveries yet: approving it sends the translation.
    const published = update.state === "published";
    const queued = published ? await deliverTranslation(tx, update.id, tag, now) : [];
    await recordAudit(tx, actor, now, {
      action: before ? "update.translation_edited" : "update.translation_added",
      entityType: "update",
      entityId: update.id,
      incidentId: update.incidentId,
      before: before ?? undefined,
      after,
    });
    if (published) await bumpPublicRevision(tx);
    const incident = await requireIncident(tx, update.incidentId);
    return { update, incident, translation: after, created: !before, deliveries: queued, published };
  });
  signalCommittedChange(deps, {
    deliveries: saved.deliveries,
    publicPaths: saved.published ? changedPublicPaths(saved.incident.slug, [saved.update.number]) : [],
  });
  return saved;
}
