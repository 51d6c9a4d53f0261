import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { listDeliveriesOfUpdate, toDeliveryView } from "../../domain/publishing/deliveries";
import { requireIncident } from "../../domain/publishing/incidents";
import { readOfferedLanguages } from "../../domain/publishing/organisation-languages";
import { saveTranslation } from "../../domain/publishing/translation-edit";
import {
  findTranslation,
  listTranslationRevisions,
  listTranslations,
  missingLanguages,
  requireTranslationLanguage,
  toTranslationView,
} from "../../domain/publishing/translations";
import {
  editUpdate,
  listRevisions,
  listUpdatesOfIncident,
  postUpdate,
  requireUpdate,
  withdrawUpdate,
} from "../../domain/publishing/updates";
import { NotFoundError } from "../../errors";
import { readJson } from "./auth";

/** An update's translations and the offered languages it still lacks. */
async function translationsOf(deps: Pick<Deps, "db">, updateId: string) {
  const [rows, offered] = await Promise.all([listTranslations(deps.db, updateId), readOfferedLanguages(deps.db)]);
  return { translations: rows.map(toTranslationView), missingLanguages: missingLanguages(offered, rows) };
}

import { toUpdateView } from "./views";

export const updateRoutes = new Hono<AppEnv>()
  .post("/incidents/:id/updates", async (c) => {
    const { deps } = c.env;
    const body = await readJson(c);
    const result = await postUpdate(deps, c.get("actor"), { ...body, incidentId: c.req.param("id") });
    const accounts = new Map(result.accounts.map((a) => [a.id, a]));
    return c.json(
      {
        ...toUpdateView(result.update, result.incident, deps.config.publicUrl),
        translations: result.translations.map(toTranslationView),
        missingLanguages: missingLanguages(result.offeredLanguages, result.translations),
        deliveries: result.deliveries.map((delivery) => {
          const account = accounts.get(delivery.accountId);
          return toDeliveryView({ delivery, platform: account?.platform ?? "", handle: account?.handle });
        }),
        leftOut: result.leftOut,
      },
      201,
    );
  })
  .get("/incidents/:id/updates", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const rows = await listUpdatesOfIncident(deps.db, incident.id);
    return c.json({ updates: rows.map((u) => toUpdateView(u, incident, deps.config.publicUrl)) });
  })
  .get("/updates/:id", async (c) => {
    const { deps } = c.env;
    const update = await requireUpdate(deps.db, c.req.param("id"));
    const incident = await requireIncident(deps.db, update.incidentId);
    const deliveries = await listDeliveriesOfUpdate(deps.db, update.id);
    return c.json({
      ...toUpdateView(update, incident, deps.config.publicUrl),
      ...(await translationsOf(deps, update.id)),
      deliveries: deliveries.map(toDeliveryView),
    });
  })
  .patch("/updates/:id", async (c) => {
    const { deps } = c.env;
    const result = await editUpdate(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toUpdateView(result.update, result.incident, deps.config.publicUrl));
  })
  .post("/updates/:id/withdraw", async (c) => {
    const { deps } = c.env;
    const result = await withdrawUpdate(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toUpdateView(result.update, result.incident, deps.config.publicUrl));
  })
  .get("/updates/:id/revisions", async (c) => {
    const revisions = await listRevisions(c.env.deps.db, c.req.param("id"));
    return c.json({ revisions });
  })
  .get("/updates/:id/deliveries", async (c) => {
    const { deps } = c.env;
    await requireUpdate(deps.db, c.req.param("id"));
    const rows = await listDeliveriesOfUpdate(deps.db, c.req.param("id"));
    return c.json({ deliveries: rows.map(toDeliveryView) });
  })
  .get("/updates/:id/translations", async (c) => {
    const { deps } = c.env;
    const update = await requireUpdate(deps.db, c.req.param("id"));
    return c.json(await translationsOf(deps, update.id));
  })
  .get("/updates/:id/translations/:language", async (c) => {
    const { deps } = c.env;
    const update = await requireUpdate(deps.db, c.req.param("id"));
    const language = requireTranslationLanguage(await readOfferedLanguages(deps.db), c.req.param("language"));
    const translation = await findTranslation(deps.db, update.id, language);
    if (!translation) throw new NotFoundError("translation");
    const revisions = await listTranslationRevisions(deps.db, translation.id);
    return c.json({ ...toTranslationView(translation), revisions });
  })
  .put("/updates/:id/translations/:language", async (c) => {
    const { deps } = c.env;
    const saved = await saveTranslation(
      deps,
      c.get("actor"),
      c.req.param("id"),
      c.req.param("language"),
      await readJson(c),
    );
    const queued = new Set(saved.deliveries.map((d) => d.id));
    return c.json(
      {
        updateId: saved.update.id,
        ...toTranslationView(saved.translation),
        deliveries: (await listDeliveriesOfUpdate(deps.db, saved.update.id))
          .filter((r) => queued.has(r.delivery.id))
          .map(toDeliveryView),
      },
      saved.created ? 201 : 200,
    );
  });
