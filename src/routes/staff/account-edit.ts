// Registering an official account and changing its settings (admins): first the platform, then
// a form with exactly the ids and login fields that platform's adapter needs.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { type Account, editAccount, registerAccount, requireAccount } from "../../domain/accounts/accounts";
import { listDepartments } from "../../domain/accounts/departments";
import { requireCan } from "../../domain/people/access";
import { describeLanguage } from "../../domain/publishing/languages";
import { readOfferedLanguages } from "../../domain/publishing/organisation-languages";
import type { FieldError } from "../../errors";
import { PLATFORMS, type Platform } from "../../platforms/types";
import {
  type AccountValues,
  accountMessages,
  accountValuesOf,
  editorRows,
  emptyAccountValues,
  type PlatformForm,
  platformForm,
  readAccountForm,
  toEditInput,
  toRegisterInput,
} from "./account-form";
import { errorStatus, readForm, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

function isPlatform(value: string | undefined): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value ?? "");
}

async function formPage(
  c: Context<AppEnv>,
  platform: PlatformForm | null,
  values: AccountValues,
  extra: { account?: Account; errors?: FieldError[] } = {},
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  requireCan(c.get("actor"), "account.manage");
  const departments = await listDepartments(deps.db, { includeRetired: "true" });
  const offered = await readOfferedLanguages(deps.db);
  // An account keeps showing its language even after the organisation stopped offering it.
  const languages = [...offered, ...(offered.includes(values.language) ? [] : [values.language])].map(describeLanguage);
  const account = extra.account;
  const title = account
    ? `Ändra ${platform?.label} ${account.handle}`
    : platform
      ? `Registrera ett konto på ${platform.label}`
      : "Registrera ett konto";
  return renderPage(
    c,
    "staff/account-form",
    {
      title,
      section: "accounts",
      platform,
      platforms: PLATFORMS.map((p) => platformForm(deps.platforms[p])),
      // A retired department is offered only to the account that still belongs to it.
      departments: departments.filter((d) => !d.retiredAt || d.id === values.departmentId),
      account: account
        ? { id: account.id, handle: account.handle, hasCredential: !!account.credentialCiphertext }
        : null,
      values: { ...values, editors: editorRows(values.editors) },
      errors: extra.errors ?? [],
      languages,
    },
    status,
  );
}

export const accountEditPages = new Hono<AppEnv>()
  .get("/accounts/new", (c) => {
    const chosen = c.req.query("platform");
    const platform = isPlatform(chosen) ? platformForm(c.env.deps.platforms[chosen]) : null;
    return formPage(c, platform, emptyAccountValues());
  })
  .post("/accounts", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const chosen = typeof form.platform === "string" ? form.platform : undefined;
    if (!isPlatform(chosen)) return c.redirect("/staff/accounts/new", 303);
    const platform = platformForm(deps.platforms[chosen]);
    const { values, credential } = readAccountForm(form, platform);
    try {
      const account = await registerAccount(deps, c.get("actor"), toRegisterInput(chosen, values, credential));
      return c.redirect(`/staff/accounts/${account.id}?klart=registrerat`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, accountMessages(platform), "handle");
      if (!errors) throw error;
      return formPage(c, platform, values, { errors }, errorStatus(error));
    }
  })
  .get("/accounts/:id/edit", async (c) => {
    const { deps } = c.env;
    const account = await requireAccount(deps.db, c.req.param("id"));
    const platform = platformForm(deps.platforms[account.platform]);
    return formPage(c, platform, accountValuesOf(account), { account });
  })
  .post("/accounts/:id/edit", async (c) => {
    const { deps } = c.env;
    const account = await requireAccount(deps.db, c.req.param("id"));
    const platform = platformForm(deps.platforms[account.platform]);
    const { values, credential } = readAccountForm(await readForm(c.req), platform);
    try {
      await editAccount(deps, c.get("actor"), account.id, toEditInput(account, platform, values, credential));
      return c.redirect(`/staff/accounts/${account.id}?klart=${credential ? "inloggning" : "sparat"}`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, accountMessages(platform), "handle");
      if (!errors) throw error;
      return formPage(c, platform, values, { account, errors }, errorStatus(error));
    }
  });
