// Departments (verksamheter) for admins: the list with how many active accounts each owns,
// creating one, renaming one, and retiring one that no longer owns an active account.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listAccounts } from "../../domain/accounts/accounts";
import {
  createDepartment,
  listDepartments,
  renameDepartment,
  retireDepartment,
} from "../../domain/accounts/departments";
import { requireCan } from "../../domain/people/access";
import type { FieldError } from "../../errors";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const NAME_MESSAGE = "Skriv verksamhetens namn (2–200 tecken), till exempel ”Barn- och utbildning”.";

const NOTICES: Record<string, string> = {
  skapad: "Verksamheten är tillagd.",
  bytt: "Verksamheten har bytt namn. Webbplatsens kanalsida visar det nya namnet.",
  avvecklad: "Verksamheten är avvecklad. Den finns kvar i arkivet men kan inte äga nya konton.",
};

async function departmentsPage(
  c: Context<AppEnv>,
  extra: { errors?: FieldError[]; values?: Record<string, string> } = {},
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  requireCan(c.get("actor"), "department.manage");
  const [departments, accounts] = await Promise.all([
    listDepartments(deps.db, { includeRetired: "true" }),
    listAccounts(deps.db, { status: "active" }),
  ]);
  return renderPage(
    c,
    "staff/departments",
    {
      title: "Verksamheter",
      section: "departments",
      departments: departments.map((d) => ({
        id: d.id,
        name: d.name,
        retiredAt: d.retiredAt,
        accounts: accounts.filter((a) => a.departmentId === d.id).length,
      })),
      values: extra.values ?? {},
      errors: extra.errors ?? [],
      notice: NOTICES[c.req.query("klart") ?? ""],
    },
    status,
  );
}

/** Each row has its own form: its errors point at that row's field. */
function inRow(errors: FieldError[], id: string, field: string): FieldError[] {
  return errors.map((e) => ({ ...e, field: `${field}-${id}` }));
}

export const departmentPages = new Hono<AppEnv>()
  .get("/departments", (c) => departmentsPage(c))
  .post("/departments", async (c) => {
    const name = text(await readForm(c.req), "name");
    try {
      await createDepartment(c.env.deps, c.get("actor"), { name });
      return c.redirect("/staff/departments?klart=skapad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, { name: NAME_MESSAGE }, "name");
      if (!errors) throw error;
      return departmentsPage(c, { errors, values: { name } }, errorStatus(error));
    }
  })
  .post("/departments/:id/rename", async (c) => {
    const { deps } = c.env;
    const id = c.req.param("id");
    const name = text(await readForm(c.req), "name");
    try {
      await renameDepartment(deps, c.get("actor"), id, { name });
      return c.redirect("/staff/departments?klart=bytt", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, { name: NAME_MESSAGE }, "name");
      if (!errors) throw error;
      return departmentsPage(
        c,
        { errors: inRow(errors, id, "name"), values: { [`name-${id}`]: name } },
        errorStatus(error),
      );
    }
  })
  .post("/departments/:id/retire", async (c) => {
    const { deps } = c.env;
    const id = c.req.param("id");
    try {
      await retireDepartment(deps, c.get("actor"), id);
      return c.redirect("/staff/departments?klart=avvecklad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, {}, "retire");
      if (!errors) throw error;
      return departmentsPage(c, { errors: inRow(errors, id, "retire") }, errorStatus(error));
    }
  });
