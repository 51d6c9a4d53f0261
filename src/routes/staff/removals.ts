// The moderation log: registering content removed from our channels (kept as a public record,
// with a reason from the policies' fixed list), the notice to copy and send its author, and the
// log itself with filters.
import { type Context, Hono } from "hono";
import { REMOVAL_REASONS } from "../../db/schema";
import type { AppEnv } from "../../deps";
import { type Account, listAccounts } from "../../domain/accounts/accounts";
import { publishRight, requireCan } from "../../domain/people/access";
import {
  getRemoval,
  listRemovals,
  markAuthorNotified,
  REMOVAL_REASON_TEXT,
  type RemovalReason,
  registerRemoval,
  requireReadRemovals,
} from "../../domain/records/removals";
import { ConflictError, type FieldError } from "../../errors";
import { PLATFORMS } from "../../platforms/types";
import { PLATFORM_LABEL } from "../../render/view-helpers";
import { errorStatus, type Form, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";
import { isDay, stockholmDayEnd, stockholmDayStart } from "./stockholm-days";

const REMOVAL_MESSAGES: Record<string, string> = {
  platform: "Välj plattformen där innehållet fanns.",
  accountId: "Välj ett av kommunens konton i listan, eller Inget registrerat konto.",
  link: "Länken ska vara en fullständig adress som börjar med https://, eller lämnas tom.",
  author: "Skriv vem som skrev innehållet, till exempel namnet eller användarnamnet (högst 300 tecken).",
  content: "Klistra in det borttagna innehållet exakt som det var skrivet.",
  reason: "Välj skälet till att innehållet togs bort.",
  removedAt: "Ange när innehållet togs bort.",
};

const NOTICES: Record<string, string> = {
  registrerad: "Det borttagna innehållet är registrerat. Kopiera meddelandet nedan och skicka det till skribenten.",
  meddelad: "Det är antecknat att skribenten har fått veta.",
};

/** The reasons in the order of the list, capitalised as a choice. */
const REASONS = REMOVAL_REASONS.map((value) => {
  const words = REMOVAL_REASON_TEXT[value];
  return { value, label: words[0].toUpperCase() + words.slice(1) };
});

const accountLabel = (a: Pick<Account, "platform" | "handle">) =>
  `${PLATFORM_LABEL[a.platform] ?? a.platform} ${a.handle}`;

type RemovalValues = {
  platform: string;
  accountId: string;
  link: string;
  author: string;
  content: string;
  reason: string;
  authorNotified: boolean;
};

function readRemovalForm(form: Form): RemovalValues {
  const raw = form.content;
  return {
    platform: text(form, "platform"),
    accountId: text(form, "accountId"),
    link: text(form, "link"),
    author: text(form, "author"),
    // Kept exactly as written, like the domain keeps it: it is the record of what was removed.
    content: Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? ""),
    reason: text(form, "reason"),
    authorNotified: text(form, "authorNotified") === "on",
  };
}

async function newRemovalPage(
  c: Context<AppEnv>,
  values: RemovalValues,
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  const actor = c.get("actor");
  requireCan(actor, "removal.register");
  const accounts = await listAccounts(c.env.deps.db);
  // Editors register removals on their own department's accounts only; the domain checks it.
  const choices = accounts.filter((a) => actor.role !== "editor" || publishRight(actor, a) === "own");
  return renderPage(
    c,
    "staff/removal-new",
    {
      title: "Registrera borttaget innehåll",
      section: "removals",
      platforms: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABEL[p] })),
      accounts: choices.map((a) => ({ id: a.id, label: accountLabel(a), closed: a.status !== "active" })),
      mayChooseNone: actor.role !== "editor",
      reasons: REASONS,
      values,
      errors,
    },
    status,
  );
}

function emptyValues(): RemovalValues {
  return { platform: "", accountId: "", link: "", author: "", content: "", reason: "", authorNotified: false };
}

/** The log's filters from the address; dates are Stockholm days. */
function readFilters(query: Record<string, string>) {
  const filters = {
    platform: (PLATFORMS as readonly string[]).includes(query.platform ?? "") ? query.platform : "",
    accountId: /^[0-9a-f-]{36}$/i.test(query.accountId ?? "") ? query.accountId : "",
    reason: (REMOVAL_REASONS as readonly string[]).includes(query.reason ?? "") ? query.reason : "",
    from: isDay(query.from ?? "") ? query.from : "",
    to: isDay(query.to ?? "") ? query.to : "",
  };
  const domain = {
    ...(filters.platform ? { platform: filters.platform } : {}),
    ...(filters.accountId ? { accountId: filters.accountId } : {}),
    ...(filters.reason ? { reason: filters.reason } : {}),
    ...(filters.from ? { from: stockholmDayStart(filters.from).toISOString() } : {}),
    ...(filters.to ? { to: stockholmDayEnd(filters.to).toISOString() } : {}),
  };
  return { filters, domain };
}

export const removalPages = new Hono<AppEnv>()
  .get("/removals", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    requireReadRemovals(actor);
    const { filters, domain } = readFilters(c.req.query());
    const [rows, accounts] = await Promise.all([listRemovals(deps.db, actor, domain), listAccounts(deps.db)]);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    return renderPage(c, "staff/removals", {
      title: "Moderering",
      section: "removals",
      filters,
      filtered: Object.keys(domain).length > 0,
      platforms: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABEL[p] })),
      accounts: accounts.map((a) => ({ id: a.id, label: accountLabel(a) })),
      reasons: REASONS,
      removals: rows.map((r) => {
        const account = r.accountId ? byId.get(r.accountId) : undefined;
        return {
          ...r,
          where: account ? accountLabel(account) : (PLATFORM_LABEL[r.platform] ?? r.platform),
          reasonText: REMOVAL_REASON_TEXT[r.reason as RemovalReason] ?? r.reason,
        };
      }),
    });
  })
  .get("/removals/new", (c) => newRemovalPage(c, emptyValues()))
  .post("/removals", async (c) => {
    const { deps } = c.env;
    const values = readRemovalForm(await readForm(c.req));
    const accounts = values.accountId && !values.platform ? await listAccounts(deps.db) : [];
    // Choosing one of our accounts says which platform it was on.
    const platform = values.platform || accounts.find((a) => a.id === values.accountId)?.platform || "";
    try {
      const { removal } = await registerRemoval(deps, c.get("actor"), {
        platform,
        ...(values.accountId ? { accountId: values.accountId } : {}),
        ...(values.link ? { link: values.link } : {}),
        author: values.author,
        content: values.content,
        reason: values.reason || undefined,
        authorNotified: values.authorNotified,
      });
      return c.redirect(`/staff/removals/${removal.id}?klart=registrerad`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, REMOVAL_MESSAGES, "accountId");
      if (!errors) throw error;
      return newRemovalPage(c, values, errors, errorStatus(error));
    }
  })
  .get("/removals/:id", async (c) => {
    const { deps } = c.env;
    const { removal } = await getRemoval(deps.db, c.get("actor"), c.req.param("id"));
    const accounts = removal.accountId ? await listAccounts(deps.db) : [];
    const account = accounts.find((a) => a.id === removal.accountId);
    return renderPage(c, "staff/removal", {
      title: `Borttaget innehåll från ${removal.author}`,
      section: "removals",
      removal: {
        ...removal,
        where: account ? accountLabel(account) : (PLATFORM_LABEL[removal.platform] ?? removal.platform),
        reasonText: REMOVAL_REASON_TEXT[removal.reason as RemovalReason] ?? removal.reason,
        safeLink: removal.link && /^https?:\/\//i.test(removal.link) ? removal.link : null,
      },
      notice: NOTICES[c.req.query("klart") ?? ""],
    });
  })
  .post("/removals/:id/author-notified", async (c) => {
    try {
      await markAuthorNotified(c.env.deps, c.get("actor"), c.req.param("id"));
    } catch (error) {
      // Two people marking it at once: the second finds it done, which is what they wanted.
      if (!(error instanceof ConflictError)) throw error;
    }
    return c.redirect(`/staff/removals/${c.req.param("id")}?klart=meddelad`, 303);
  });
