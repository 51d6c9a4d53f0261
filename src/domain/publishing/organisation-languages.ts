// The languages the organisation offers the public. Swedish is always first; translations,
// accounts and public pages may use only these. Dropping a language keeps its translations
// (nothing published is deleted); they simply are no longer offered.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { organisations } from "../../db/schema";
import type { Deps } from "../../deps";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { OfferedLanguages } from "./languages";
import { bumpPublicRevision, getOrganisation } from "./organisation";
import { SITE_WIDE_PATHS } from "./public-paths";

export const OfferedLanguagesInput = z.object({ languages: OfferedLanguages });

export async function setOfferedLanguages(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  raw: unknown,
): Promise<string[]> {
  requireCan(actor, "settings.manage");
  const input = OfferedLanguagesInput.parse(raw);
  const now = deps.now();
  const changed = await deps.db.transaction(async (tx) => {
    const before = await getOrganisation(tx);
    if (JSON.stringify(before.languages) === JSON.stringify(input.languages)) return null;
    await tx.update(organisations).set({ languages: input.languages }).where(eq(organisations.id, before.id));
    await recordAudit(tx, actor, now, {
      action: "organisation.languages_changed",
      entityType: "organisation",
      entityId: before.id,
      before: { languages: before.languages },
      after: { languages: input.languages },
    });
    // Every public page names the languages it is offered in (the language switcher).
    await bumpPublicRevision(tx);
    return input.languages;
  });
  if (changed) signalCommittedChange(deps, { publicPaths: SITE_WIDE_PATHS });
  return input.languages;
}

/** The offered languages, Swedish first; an organisation row from before languages reads as Swedish only. */
export function offeredLanguagesOf(org: { languages: string[] | null }): string[] {
  return org.languages?.length ? org.languages : ["sv"];
}

export async function readOfferedLanguages(db: DbOrTx): Promise<string[]> {
  return offeredLanguagesOf(await getOrganisation(db));
}
