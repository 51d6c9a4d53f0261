// The public pages of an incident as the public sees them now (withdrawn updates as their
// dated notice), rendered with the site's own templates and data shapes. The incident page of
// a long crisis is large, so it is streamed: the page is rendered once around a placeholder
// update, cut there, and the real updates are rendered into the gap a page of rows at a time.
import type { Incident } from "../domain/publishing/incidents";
import { incidentUrl, updateUrl } from "../domain/publishing/links";
import type { PublicUpdate } from "../domain/publishing/public-view";
import type { Renderer } from "../render/renderer";

export interface PageContext {
  render: Renderer;
  orgName: string;
  publicUrl: string;
}

function pageBase(ctx: PageContext, incident: Incident) {
  const incidentBase = incidentUrl(ctx.publicUrl, incident.slug);
  return {
    orgName: ctx.orgName,
    publicUrl: ctx.publicUrl,
    incidentBase,
    incidentFeed: { title: incident.title, href: `${incidentBase}/feed.atom` },
  };
}

export function renderUpdatePage(ctx: PageContext, incident: Incident, update: PublicUpdate): string {
  return ctx.render.render("public/update", {
    ...pageBase(ctx, incident),
    incident,
    update,
    title: `${incident.title}: uppdatering ${update.number}`,
    description: update.withdrawnAt ? null : update.body.slice(0, 200),
    canonical: updateUrl(ctx.publicUrl, incident.slug, update.number),
  });
}

/** The incident page; `pages` yields its published updates in order, a page at a time. */
export async function* streamIncidentPage(
  ctx: PageContext,
  incident: Incident,
  pages: AsyncIterable<PublicUpdate[]>,
): AsyncGenerator<string> {
  const base = pageBase(ctx, incident);
  const data = (updates: PublicUpdate[]) => ({
    ...base,
    incident,
    updates,
    // The record reads in the order things were said.
    oldestFirst: true,
    title: incident.title,
    description: incident.summary,
    canonical: base.incidentBase,
  });
  const item = (u: PublicUpdate) =>
    ctx.render.render("partials/update", { update: u, permalink: `${base.incidentBase}/updates/${u.number}` });
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
