// Languages and translations written straight to the database, as the languages API and the
// translations API (another branch) write them: the organisation's offered languages, and a
// translation with its first revision. Each bumps the public revision, as a verb would.
import { organisations, updateTranslationRevisions, updateTranslations } from "../../src/db/schema";
import { bumpPublicRevision } from "../../src/domain/publishing/organisation";
import type { TestHub } from "./hub";

export async function writeTranslation(
  hub: Pick<TestHub, "deps" | "clock">,
  updateId: string,
  language: string,
  body: string,
): Promise<void> {
  const now = hub.clock.now();
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

export async function offerLanguages(hub: Pick<TestHub, "deps">, languages: string[]): Promise<void> {
  await hub.deps.db.update(organisations).set({ languages });
  await bumpPublicRevision(hub.deps.db);
  hub.deps.onPublicChange([]);
}
