// The delivery board of one update: every channel's status, attempts, the problem in plain
// Swedish with what to do, a link to the post, and retry. /staff/assets/board.js refreshes the
// table while deliveries are still under way; without it, the Refresh link does the same.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listAccounts } from "../../domain/accounts/accounts";
import { mayApprove, publishRight } from "../../domain/people/access";
import { listDeliveriesOfUpdate } from "../../domain/publishing/deliveries";
import { requireIncident } from "../../domain/publishing/incidents";
import { languageSwedishName } from "../../domain/publishing/languages";
import { updateUrl } from "../../domain/publishing/links";
import { retryDelivery } from "../../domain/publishing/retry-delivery";
import { CHECK_ANSWER_LABEL } from "../../domain/publishing/settlement";
import { requireUpdate } from "../../domain/publishing/updates";
import { ConflictError, type FieldError } from "../../errors";
import { PLATFORMS, type Platform } from "../../platforms/types";
import { adviceFor, DELIVERY_KIND_LABEL, DELIVERY_STATUS_LABEL } from "./delivery-advice";
import { readForm, text } from "./form";
import { type PageStatus, renderFragment, renderPage } from "./page";
import { csrfTokenOf } from "./session";
import { languageVersionsOf } from "./translations";

const NOTICES: Record<string, string> = {
  publicerad: "Uppdateringen är publicerad på webbplatsen. Nu skickas den till kanalerna nedan.",
  andrad: "Ändringen är sparad på webbplatsen. Publicerade inlägg rättas nedan.",
  tillbakadragen: "Uppdateringen är tillbakadragen på webbplatsen. Publicerade inlägg tas bort där det går.",
  nyttforsok: "Ett nytt försök är begärt. Statusen visas i tabellen.",
  godkand: "Uppdateringen är godkänd och publicerad på webbplatsen. Nu skickas den till kanalerna nedan.",
  avvisad: "Uppdateringen är avvisad. Den som skrev den har fått veta varför.",
  oversatt: "Översättningen är sparad. Konton på det språket får den i tabellen nedan.",
};

const UNDER_WAY = new Set(["pending", "sending"]);
/**
 * By channel, as the preview lists them (platform order, then handle), then oldest first: a row
 * stays where it is between refreshes, so a person's eye and focus do not lose it. What needs
 * them is found by the summary above and the colours, not by moving rows.
 */
function byChannel(a: BoardRow, b: BoardRow): number {
  return (
    PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform) ||
    a.handle.localeCompare(b.handle, "sv") ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.id.localeCompare(b.id)
  );
}

interface BoardRow {
  id: string;
  platform: Platform;
  handle: string;
  createdAt: Date;
}

async function loadBoard(c: Context<AppEnv>, updateId: string) {
  const { deps } = c.env;
  const actor = c.get("actor");
  const update = await requireUpdate(deps.db, updateId);
  const incident = await requireIncident(deps.db, update.incidentId);
  const [rows, accounts] = await Promise.all([listDeliveriesOfUpdate(deps.db, update.id), listAccounts(deps.db)]);
  const departmentOf = new Map(accounts.map((a) => [a.id, a.departmentId]));
  const deliveries = rows.map((row) => ({
    ...row.delivery,
    platform: row.platform,
    handle: row.handle,
    statusLabel: DELIVERY_STATUS_LABEL[row.delivery.status],
    kindLabel: DELIVERY_KIND_LABEL[row.delivery.kind],
    languageLabel: languageSwedishName(row.delivery.language),
    advice: adviceFor(row.delivery),
    checks: (row.delivery.settlement?.checks ?? []).map((check) => ({
      ...check,
      answerLabel: CHECK_ANSWER_LABEL[check.answer],
    })),
    mayRetry:
      row.delivery.status === "failed" &&
      publishRight(actor, { departmentId: departmentOf.get(row.delivery.accountId) ?? null }) !== "none",
  }));
  deliveries.sort(byChannel);
  const counts: Record<string, number> = {};
  for (const d of deliveries) counts[d.status] = (counts[d.status] ?? 0) + 1;
  return {
    update,
    incident,
    languageVersions: await languageVersionsOf(deps.db, update.id),
    deliveries,
    counts,
    total: deliveries.length,
    underWay: deliveries.some((d) => UNDER_WAY.has(d.status)),
    permalink: updateUrl(deps.config.publicUrl, incident.slug, update.number, incident.exercise),
  };
}

/** The board page; also shown again with errors when a rejection lacks its reason. */
export async function renderBoard(
  c: Context<AppEnv>,
  updateId: string,
  extra: { errors?: FieldError[]; values?: Record<string, string> } = {},
  status: PageStatus = 200,
) {
  const board = await loadBoard(c, updateId);
  return renderPage(
    c,
    "staff/board",
    {
      ...board,
      title: `Uppdatering ${board.update.number}: ${board.incident.title}`,
      section: "incidents",
      notice: NOTICES[c.req.query("klart") ?? ""],
      mayApprove: board.update.state === "pending_approval" && mayApprove(c.get("actor"), board.update),
      ...extra,
    },
    status,
  );
}

export const boardPages = new Hono<AppEnv>()
  .get("/updates/:id", (c) => renderBoard(c, c.req.param("id")))
  .get("/updates/:id/deliveries", async (c) => {
    const board = await loadBoard(c, c.req.param("id"));
    return renderFragment(c, "staff/board-table", { ...board, csrfToken: csrfTokenOf(c) });
  })
  .post("/deliveries/:id/retry", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    // The board the button was on, to return to even when the retry is refused.
    const from = /^[0-9a-f-]{36}$/i.test(text(form, "updateId")) ? text(form, "updateId") : null;
    try {
      const delivery = await retryDelivery(deps, c.get("actor"), c.req.param("id"));
      return c.redirect(`/staff/updates/${delivery.updateId}?klart=nyttforsok#leverans-${delivery.id}`, 303);
    } catch (error) {
      // Two people pressing Retry at once: the second finds it already under way; just show the board.
      if (!from || !(error instanceof ConflictError)) throw error;
      return c.redirect(`/staff/updates/${from}#leveranser`, 303);
    }
  });
