// People management for admins: who may sign in, their role, and which departments' accounts
// they edit. People are disabled, never deleted.
import { type Context, Hono } from "hono";
import { ROLES, type Role } from "../../db/schema";
import type { AppEnv } from "../../deps";
import { listDepartments } from "../../domain/accounts/departments";
import { requireCan, roleLabel } from "../../domain/people/access";
import { awaitsOidcLink, setOidcLink } from "../../domain/people/oidc-link";
import { createPerson, listPeople, requirePerson, updatePerson } from "../../domain/people/people";
import { listPersonAudit } from "../../domain/records/person-audit";
import type { FieldError } from "../../errors";
import { errorStatus, type Form, list, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const PERSON_MESSAGES: Record<string, string> = {
  name: "Skriv personens namn.",
  email: "Skriv en e-postadress som ingen annan har, till exempel anna.andersson@kommun.se.",
  title: "Titeln får vara högst 200 tecken.",
  role: "Välj en roll.",
  departmentIds: "En redaktör ska ha minst en verksamhet. Välj bland verksamheterna i listan.",
  departmentId: "Välj en verksamhet i listan.",
  password: "Lösenordet ska ha minst 12 tecken.",
};

const ROLE_HINT: Record<Role, string> = {
  admin: "allt, även personer och konton",
  communicator: "öppnar händelser, publicerar i alla konton (lånar verksamheternas)",
  editor: "publicerar i sin verksamhets konton",
  registrar: "läser och exporterar arkivet",
  viewer: "läser",
};

const NOTICES: Record<string, string> = { sparad: "Ändringarna är sparade.", skapad: "Personen är tillagd." };
const LINK_NOTICES: Record<string, string> = {
  kopplas: "Personen kopplas till inloggningen vid nästa inloggning med sin e-postadress.",
  ångrad: "Kopplingen är ångrad.",
};

function readPerson(form: Form) {
  return {
    name: text(form, "name"),
    email: text(form, "email"),
    title: text(form, "title"),
    role: text(form, "role"),
    departmentIds: list(form, "departmentIds"),
    password: text(form, "password"),
    disabled: text(form, "disabled") === "on",
    // Only on the form of a person who signs in with the identity provider.
    rolePinned: text(form, "rolePinnedShown") ? text(form, "rolePinned") === "on" : undefined,
  };
}

async function peoplePage(
  c: Context<AppEnv>,
  values: Record<string, unknown>,
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const actor = c.get("actor");
  requireCan(actor, "people.manage");
  const [people, departments] = await Promise.all([
    listPeople(deps.db, actor, { includeDisabled: "true" }),
    listDepartments(deps.db),
  ]);
  const names = new Map(departments.map((d) => [d.id, d.name]));
  return renderPage(
    c,
    "staff/people",
    {
      title: "Personer",
      section: "people",
      people: people.map((p) => ({
        id: p.id,
        name: p.name,
        email: p.email,
        title: p.title,
        role: roleLabel(p.role),
        departments: p.departmentIds.map((id) => names.get(id) ?? "").filter(Boolean),
        disabled: Boolean(p.disabledAt),
      })),
      departments,
      roles: ROLES.map((r) => ({ value: r, label: roleLabel(r), hint: ROLE_HINT[r] })),
      values,
      errors,
      notice: NOTICES[c.req.query("klart") ?? ""],
    },
    status,
  );
}

async function personPage(
  c: Context<AppEnv>,
  id: string,
  values: Record<string, unknown> | null,
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const actor = c.get("actor");
  requireCan(actor, "people.manage");
  const person = await requirePerson(deps.db, id);
  const [departments, audit] = await Promise.all([listDepartments(deps.db), listPersonAudit(deps.db, actor, id)]);
  const oidc = deps.config.oidc;
  return renderPage(
    c,
    "staff/person",
    {
      title: `Ändra ${person.name}`,
      section: "people",
      person: { id: person.id, name: person.name, email: person.email, oidcSubject: person.oidcSubject },
      // Offered only for a person the provider does not sign in yet (a password account).
      oidcLink:
        oidc && !person.oidcSubject
          ? {
              name: oidc.name,
              pending: awaitsOidcLink(person, oidc.issuer, deps.now()),
              until: person.oidcLinkUntil,
              disabled: Boolean(person.disabledAt),
            }
          : null,
      audit,
      linkNotice: LINK_NOTICES[c.req.query("koppling") ?? ""],
      departments,
      roles: ROLES.map((r) => ({ value: r, label: roleLabel(r), hint: ROLE_HINT[r] })),
      values: values ?? {
        name: person.name,
        email: person.email,
        title: person.title ?? "",
        role: person.role,
        departmentIds: person.departmentIds,
        disabled: Boolean(person.disabledAt),
        rolePinned: person.rolePinned,
      },
      errors,
    },
    status,
  );
}

export const peoplePages = new Hono<AppEnv>()
  .get("/people", (c) => peoplePage(c, { role: "communicator", departmentIds: [] }))
  .post("/people", async (c) => {
    const values = readPerson(await readForm(c.req));
    try {
      await createPerson(c.env.deps, c.get("actor"), {
        name: values.name,
        email: values.email,
        role: values.role || undefined,
        departmentIds: values.departmentIds,
        ...(values.title ? { title: values.title } : {}),
        ...(values.password ? { password: values.password } : {}),
      });
      return c.redirect("/staff/people?klart=skapad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, PERSON_MESSAGES, "name");
      if (!errors) throw error;
      return peoplePage(c, { ...values, password: "" }, errors, errorStatus(error));
    }
  })
  .get("/people/:id", (c) => personPage(c, c.req.param("id"), null))
  .post("/people/:id", async (c) => {
    const values = readPerson(await readForm(c.req));
    try {
      await updatePerson(c.env.deps, c.get("actor"), c.req.param("id"), {
        name: values.name,
        email: values.email,
        title: values.title || null,
        role: values.role || undefined,
        departmentIds: values.departmentIds,
        disabled: values.disabled,
        ...(values.rolePinned === undefined ? {} : { rolePinned: values.rolePinned }),
        ...(values.password ? { password: values.password } : {}),
      });
      return c.redirect("/staff/people?klart=sparad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, PERSON_MESSAGES, "name");
      if (!errors) throw error;
      return personPage(c, c.req.param("id"), { ...values, password: "" }, errors, errorStatus(error));
    }
  })
  .post("/people/:id/oidc-link", async (c) => {
    const form = await readForm(c.req);
    const link = text(form, "link") === "1";
    const id = c.req.param("id");
    try {
      await setOidcLink(c.env.deps, c.get("actor"), id, { link });
      return c.redirect(`/staff/people/${id}?koppling=${encodeURIComponent(link ? "kopplas" : "ångrad")}`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, {}, "link");
      if (!errors) throw error;
      return personPage(c, id, null, errors, errorStatus(error));
    }
  });
