// The public pages of an incident as the public sees them now (withdrawn updates as their
// dated notice), rendered with the site's own templates and data shapes. The incident page of
// a long crisis is large, so it is streamed: the page is rendered once around a placeholder
// update, cut there, and the real updates are rendered into the gap a page of rows at a time.
import type { Incident } from "../domain/publishing/incidents";
import type { PublicUpdate } from "../domain/publishing/public-view";
import { type IncidentSummary, incidentPageData, type PageSite, updatePageData } from "../render/public-page-data";
import type { Renderer } from "../render/renderer";

export interface PageContext extends PageSite {
  render: Renderer;
}

const siteOf = ({ orgName, publicUrl, brand }: PageContext): PageSite => ({ orgName, publicUrl, brand });

export function renderUpdatePage(ctx: PageContext, incident: Incident, update: PublicUpdate): string {
  return ctx.render.render("public/update", updatePageData(siteOf(ctx), incident, update));
}

/**
 * The incident page as the public reads it in order (`?ordning=aldst`: the record reads in the
 * order things were said); `pages` yields its published updates in order, a page at a time, and
 * `summary` is what "Läget just nu" shows, worked out beforehand.
 */
export async function* streamIncidentPage(
  ctx: PageContext,
  incident: Incident,
  pages: AsyncIterable<PublicUpdate[]>,
  summary: IncidentSummary,
): AsyncGenerator<string> {
  const data = (updates: PublicUpdate[]) => incidentPageData(siteOf(ctx), incident, updates, summary, true);
  const incidentBase = data([]).incidentBase;
  const item = (u: PublicUpdate) =>
    ctx.render.render("partials/update", { update: u, permalink: `${incidentBase}/updates/${u.number}` });
  const placeholder = placeholderUpdate(incident);
  const whole = ctx.render.render("public/incident", data([placeholder]));
  const cut = `${item(placeholder)}\n`;
  const at = whole.indexOf(cut);
  const buffered: PublicUpdate[] = [];
  if (at < 0) {
    // The template no longer lists updates through the partial: render it whole instead.
    for await (const page of pages) buffered.push(...page);
    yield ctx.render.render("public/incident", data(buffered));
    return;
  }
  let any = false;
  for await (const page of pages) {
    if (!page.length) continue;
    if (!any) yield whole.slice(0, at);
    any = true;
    yield page.map((u) => `${item(u)}\n`).join("");
  }
  yield any ? whole.slice(at + cut.length) : ctx.render.render("public/incident", data([]));
}

function placeholderUpdate(incident: Incident): PublicUpdate {
  return {
    id: "00000000-0000-0000-0000-000000000000",
    incidentId: incident.id,
    number: -1,
    kind: "update",
    body: "\u0000kriskanal-placeholder\u0000",
    variants: {},
    author: { name: "\u0000" },
    signature: null,
    image: null,
    postedBy: null,
    state: "published",
    urgent: false,
    approvedBy: null,
    borrowingReason: null,
    targets: "all",
    instruction: null,
    cap: {},
    createdAt: incident.openedAt,
    publishedAt: incident.openedAt,
    revision: 1,
    editedAt: null,
    editReason: null,
    withdrawnAt: null,
    withdrawnReason: null,
    withdrawnBy: null,
    copies: [],
  };
}
