// Inkorgen: the public's replies to our crisis posts from every platform in one list, sorted by
// answer deadline, with the forms to assign, answer (or send a standard answer), mark as needing
// no answer, remove through the removals log, or turn the question into an update.

import { isNull } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { INBOX_STATES, people, REMOVAL_REASONS } from "../../db/schema";
import type { AppEnv } from "../../deps";
import { listAccounts } from "../../domain/accounts/accounts";
import { answerInboxItem, listStandardAnswers } from "../../domain/inbox/answers";
import { assignInboxItem, listInbox, markNoAnswerNeeded } from "../../domain/inbox/items";
import { removeInboxItem } from "../../domain/inbox/removal";
import { can, mayActOnAccount, requireCan } from "../../domain/people/access";
import { listIncidents } from "../../domain/publishing/incidents";
import { REMOVAL_REASON_TEXT } from "../../domain/records/removals";
import { AppError, isErrorCode } from "../../errors";
import { PLATFORM_LABEL } from "../../render/view-helpers";
import { errorText } from "./error-texts";
import { readForm, text } from "./form";
import { renderPage } from "./page";

const STATE_LABEL: Record<(typeof INBOX_STATES)[number], string> = {
  new: "Nytt",
  assigned: "Tilldelat",
  answered: "Besvarat",
  no_answer_needed: "Inget svar behövs",
  removed: "Borttaget",
};

const DONE: Record<string, string> = {
  svar: "Svaret är köat och skickas som svar i tråden på plattformen.",
  tilldelat: "Inlägget är tilldelat.",
  stangt: "Inlägget är markerat som att inget svar behövs.",
  borttaget: "Inlägget är borttaget och registrerat i modereringsloggen.",
};

function readFilters(query: Record<string, string>) {
  const uuid = (v?: string) => (/^[0-9a-f-]{36}$/i.test(v ?? "") ? (v as string) : "");
  return {
    incidentId: uuid(query.incidentId),
    accountId: uuid(query.accountId),
    state: (INBOX_STATES as readonly string[]).includes(query.state ?? "") ? query.state : "",
    needsAnswer: query.needsAnswer === "true" ? "true" : "",
  };
}

async function inboxPage(c: Context<AppEnv>) {
  const { deps } = c.env;
  const actor = c.get("actor");
  requireCan(actor, "inbox.read");
  const filters = readFilters(c.req.query());
  const domain = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const [entries, accounts, incidents, staff] = await Promise.all([
    listInbox(deps, actor, domain),
    listAccounts(deps.db),
    listIncidents(deps.db, {}),
    deps.db.select({ id: people.id, name: people.name }).from(people).where(isNull(people.disabledAt)),
  ]);
  const incidentIds = [...new Set(entries.map((e) => e.incidentId).filter((x): x is string => Boolean(x)))];
  const standard = new Map<string, string[]>();
  for (const id of incidentIds) {
    standard.set(
      id,
      (await listStandardAnswers(deps, actor, id)).map((s) => s.text),
    );
  }
  const fel = c.req.query("fel");
  return renderPage(c, "staff/inbox", {
    title: "Inkorgen",
    section: "inbox",
    filters,
    notice: DONE[c.req.query("klart") ?? ""],
    problem: fel && isErrorCode(fel) ? { item: c.req.query("post") ?? "", text: errorText(fel) } : null,
    states: INBOX_STATES.map((value) => ({ value, label: STATE_LABEL[value] })),
    accounts: accounts
      .filter((a) => mayActOnAccount(actor, a))
      .map((a) => ({ id: a.id, label: `${PLATFORM_LABEL[a.platform] ?? a.platform} ${a.handle}` })),
    incidents: incidents.map((i) => ({ id: i.id, title: i.title })),
    people: staff,
    reasons: REMOVAL_REASONS.map((value) => ({ value, label: REMOVAL_REASON_TEXT[value] })),
    mayAnswer: can(actor, "inbox.answer"),
    mayRemove: can(actor, "removal.register"),
    mayDraft: can(actor, "update.post"),
    items: entries.map((e) => ({
      ...e,
      platformLabel: PLATFORM_LABEL[e.platform] ?? e.platform,
      stateLabel: STATE_LABEL[e.state],
      open: e.state === "new" || e.state === "assigned",
      safeUrl: e.url && /^https?:\/\//i.test(e.url) ? e.url : null,
      standardAnswers: e.incidentId ? (standard.get(e.incidentId) ?? []) : [],
      answers: e.answers.map((a) => ({
        ...a,
        safeUrl: a.remoteUrl && /^https?:\/\//i.test(a.remoteUrl) ? a.remoteUrl : null,
      })),
    })),
  });
}

/** A form's outcome: back to the list, at the item, with what happened or what went wrong. */
async function act(c: Context<AppEnv>, done: string, work: () => Promise<unknown>) {
  const id = c.req.param("id");
  try {
    await work();
    return c.redirect(`/staff/inbox?klart=${done}#post-${id}`, 303);
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof Error && error.name === "ZodError")) throw error;
    const code = error instanceof AppError ? error.code : "invalid_input";
    if (["role_forbidden", "scope_forbidden", "account_not_permitted", "not_found"].includes(code)) throw error;
    return c.redirect(`/staff/inbox?fel=${code}&post=${id}#post-${id}`, 303);
  }
}

export const inboxPages = new Hono<AppEnv>()
  .get("/inbox", inboxPage)
  .post("/inbox/:id/answer", async (c) => {
    const form = await readForm(c.req);
    return act(c, "svar", () =>
      answerInboxItem(c.env.deps, c.get("actor"), c.req.param("id"), {
        text: text(form, "text"),
        saveAsStandard: text(form, "saveAsStandard") === "on",
      }),
    );
  })
  .post("/inbox/:id/assign", async (c) => {
    const form = await readForm(c.req);
    const chosen = text(form, "assigneeId");
    return act(c, "tilldelat", () =>
      assignInboxItem(c.env.deps, c.get("actor"), c.req.param("id"), { assigneeId: chosen || null }),
    );
  })
  .post("/inbox/:id/no-answer-needed", async (c) => {
    const form = await readForm(c.req);
    return act(c, "stangt", () =>
      markNoAnswerNeeded(c.env.deps, c.get("actor"), c.req.param("id"), { reason: text(form, "reason") }),
    );
  })
  .post("/inbox/:id/remove", async (c) => {
    const form = await readForm(c.req);
    return act(c, "borttaget", () =>
      removeInboxItem(c.env.deps, c.get("actor"), c.req.param("id"), {
        reason: text(form, "reason") || undefined,
        authorNotified: text(form, "authorNotified") === "on",
      }),
    );
  });
