// One account: its registry data, its snapshots (taken twice a year and before closing), and
// closing it with a reason and a farewell post. Closing refuses without a fresh snapshot; the
// page then says so in Swedish and offers the button that takes one.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { closeAccount, farewellText, SNAPSHOT_MAX_AGE_DAYS } from "../../domain/accounts/account-closing";
import { requireAccount, toAccountView } from "../../domain/accounts/accounts";
import { listDepartments } from "../../domain/accounts/departments";
import { can } from "../../domain/people/access";
import { getOrganisation } from "../../domain/publishing/organisation";
import { listSnapshots, takeSnapshot } from "../../domain/records/snapshots";
import { ConflictError, type FieldError } from "../../errors";
import { PLATFORM_LABEL } from "../../render/view-helpers";
import { optionLabel } from "./account-form";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const RIGHTS_LABEL: Record<string, string> = { ok: "Fungerar", failing: "Fungerar inte", unknown: "Inte kontrollerad" };

const NOTICES: Record<string, string> = {
  registrerat: "Kontot är registrerat. Kontrollera att Kriskanal kan publicera i det.",
  sparat: "Ändringarna är sparade.",
  inloggning: "Ändringarna och den nya inloggningen är sparade. Kontrollera att inloggningen fungerar.",
  kontrollerat: "Behörigheten är kontrollerad. Resultatet visas nedan.",
  bild: "Ögonblicksbilden är tagen och sparad.",
  stangt: "Kontot är stängt. Avskedsinlägget skickas och kontot tas bort från webbplatsens kanalsida.",
};

const CLOSE_MESSAGES: Record<string, string> = {
  reason: "Skriv varför kontot stängs (3–500 tecken). Skälet står i avskedsinlägget.",
  farewell: "Ett eget avskedsinlägg ska vara 10–2 000 tecken, eller lämnas tomt för standardtexten.",
};

/** The domain refuses to close an account whose latest snapshot is missing or too old. */
function needsSnapshot(error: unknown): boolean {
  return error instanceof ConflictError && error.code === "snapshot_required";
}

async function accountPage(
  c: Context<AppEnv>,
  id: string,
  extra: { errors?: FieldError[]; values?: Record<string, string>; needsSnapshot?: boolean } = {},
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const actor = c.get("actor");
  const account = await requireAccount(deps.db, id);
  const mayReadSnapshots = can(actor, "snapshot.take") || can(actor, "records.read");
  const [departments, snapshots, org] = await Promise.all([
    listDepartments(deps.db, { includeRetired: "true" }),
    mayReadSnapshots ? listSnapshots(deps.db, actor, account.id) : Promise.resolve([]),
    getOrganisation(deps.db),
  ]);
  const view = toAccountView(account);
  return renderPage(
    c,
    "staff/account",
    {
      title: `${PLATFORM_LABEL[account.platform] ?? account.platform} ${account.handle}`,
      section: "accounts",
      account: {
        ...view,
        department: account.departmentId
          ? (departments.find((d) => d.id === account.departmentId)?.name ?? "")
          : "Kommungemensamt",
        rightsLabel: RIGHTS_LABEL[account.rightsStatus] ?? account.rightsStatus,
        settings: Object.entries(account.options).map(([key, value]) => ({ label: optionLabel(key), value })),
      },
      mayReadSnapshots,
      snapshots,
      snapshotMaxAgeDays: SNAPSHOT_MAX_AGE_DAYS,
      standardFarewell: farewellText(undefined, "[skälet]", org.name, deps.config.publicUrl),
      notice: NOTICES[c.req.query("klart") ?? ""],
      values: extra.values ?? { reason: "", farewell: "" },
      errors: extra.errors ?? [],
      needsSnapshot: extra.needsSnapshot ?? false,
    },
    status,
  );
}

export const accountLifecyclePages = new Hono<AppEnv>()
  .get("/accounts/:id", (c) => accountPage(c, c.req.param("id")))
  .post("/accounts/:id/snapshots", async (c) => {
    const snapshot = await takeSnapshot(c.env.deps, c.get("actor"), c.req.param("id"), {});
    return c.redirect(`/staff/accounts/${snapshot.accountId}?klart=bild#ogonblicksbilder`, 303);
  })
  .post("/accounts/:id/close", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const values = { reason: text(form, "reason"), farewell: text(form, "farewell") };
    try {
      const { account } = await closeAccount(deps, c.get("actor"), c.req.param("id"), {
        reason: values.reason,
        ...(values.farewell ? { farewell: values.farewell } : {}),
      });
      return c.redirect(`/staff/accounts/${account.id}?klart=stangt`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, CLOSE_MESSAGES, "reason");
      if (!errors) throw error;
      if (needsSnapshot(error)) errors[0] = { ...errors[0], field: "ta-bild" };
      const extra = { errors, values, needsSnapshot: needsSnapshot(error) };
      return accountPage(c, c.req.param("id"), extra, errorStatus(error));
    }
  });
