// Languages and translations written straight to the database, as the languages API and the
// translations API (another branch) write them: the organisation's offered languages, and a
// translation with its first revision. Each bumps the public revision, as a verb would.
import { organisations, updateTranslationRevisions, updateTranslations } from "../../src/db/schema";
import type { Deps } from "../../src/deps";
import { bumpPublicRevision } from "../../src/domain/publishing/organisation";

/** A test hub or the e2e hub: anything with the app's Deps. */
type WithDeps = { deps: Pick<Deps, "db" | "now" | "onPublicChange"> };

export async function writeTranslation(hub: WithDeps, updateId: string, language: string, body: string): Promise<void> {
  const now = hub.deps.now();
  const [row] = await hub.deps.db
    .insert(updateTranslations)
    .values({ updateId, language, body, createdAt: now })
    .returning();
  await hub.deps.db
    .insert(updateTranslationRevisions)
    .values({ translationId: row.id, revision: 1, body, createdAt: now });
  await bumpPublicRevision(hub.deps.db);
  hub.deps.onPublicChange([]);
}

export async function offerLanguages(hub: WithDeps, languages: string[]): Promise<void> {
  await hub.deps.db.update(organisations).set({ languages });
  await bumpPublicRevision(hub.deps.db);
  hub.deps.onPublicChange([]);
}
