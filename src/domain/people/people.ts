// People: who they are (name, title, department for the signature), their role, and which
// departments' accounts they edit. Never deleted: a person who leaves is disabled.
import { and, asc, count, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { departments, people, ROLES } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../errors";
import { recordAudit } from "../records/audit";
import { can, mayReadPerson, mayWrite, requireCan } from "./access";
import type { Actor } from "./actor";
import { hashPassword, NewPassword } from "./passwords";
import { revokeSessionsOf } from "./sessions";
import { revokeTokensOf } from "./tokens";

export type Person = typeof people.$inferSelect;

export function toActor(person: Person, departmentName: string | null, via: Actor["via"]): Actor {
  return {
    id: person.id,
    name: person.name,
    role: person.role,
    title: person.title,
    email: person.email,
    departmentName,
    departmentIds: person.departmentIds,
    via,
    ...(person.oidcSubject ? { subject: person.oidcSubject } : {}),
  };
}

/** The person as an Actor, e.g. the poster of an update that a second person approves later. */
export async function loadActor(db: DbOrTx, personId: string, via: Actor["via"]): Promise<Actor | null> {
  const [row] = await db
    .select({ person: people, departmentName: departments.name })
    .from(people)
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(eq(people.id, personId));
  return row ? toActor(row.person, row.departmentName, via) : null;
}

/** The API's view of a person: never the password hash. */
export function toPersonView(p: Person) {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    title: p.title,
    role: p.role,
    departmentId: p.departmentId,
    departmentIds: p.departmentIds,
    hasPassword: p.passwordHash !== null,
    oidcIssuer: p.oidcIssuer,
    oidcSubject: p.oidcSubject,
    rolePinned: p.rolePinned,
    disabledAt: p.disabledAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Not an email address." }))
  .pipe(z.string().max(320));
const DepartmentIds = z.array(z.string().uuid()).max(100);

export const CreatePersonInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: Email,
  title: z.string().trim().max(200).optional(),
  role: z.enum(ROLES),
  /** The department the person belongs to; defaults to the first of departmentIds. */
  departmentId: z.string().uuid().optional(),
  departmentIds: DepartmentIds.default([]),
  password: NewPassword.optional(),
});

export async function createPerson(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown) {
  requireCan(actor, "people.manage");
  const input = CreatePersonInput.parse(raw);
  requireEditorDepartments(input.role, input.departmentIds);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    await requireDepartments(tx, [...input.departmentIds, ...(input.departmentId ? [input.departmentId] : [])]);
    await refuseTakenEmail(tx, input.email);
    const [person] = await tx
      .insert(people)
      .values({
        name: input.name,
        email: input.email,
        title: input.title ?? null,
        role: input.role,
        departmentId: input.departmentId ?? input.departmentIds[0] ?? null,
        departmentIds: input.departmentIds,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "person.created",
      entityType: "person",
      entityId: person.id,
      after: toPersonView(person),
    });
    return person;
  });
}

export const UpdatePersonInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: Email.optional(),
    title: z.string().trim().max(200).nullable().optional(),
    role: z.enum(ROLES).optional(),
    departmentId: z.string().uuid().nullable().optional(),
    departmentIds: DepartmentIds.optional(),
    password: NewPassword.optional(),
    disabled: z.boolean().optional(),
    /** Keeps role and departments as set here when the person signs in with the identity provider. */
    rolePinned: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to change.", params: { code: "nothing_to_change" } });

/** What a person may change about themselves; everything else is for admins. */
const SELF_FIELDS = new Set(["name", "title"]);

export async function updatePerson(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string, raw: unknown) {
  const input = UpdatePersonInput.parse(raw);
  if (!can(actor, "people.manage")) {
    const others = Object.keys(input).filter((k) => !SELF_FIELDS.has(k));
    if (actor.id !== id || others.length) {
      requireCan(actor, "people.manage");
    }
    if (!mayWrite(actor)) throw new ForbiddenError("token_read_only", "This token may only read.");
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await requirePerson(tx, id);
    const role = input.role ?? before.role;
    const departmentIds = input.departmentIds ?? before.departmentIds;
    requireEditorDepartments(role, departmentIds);
    await requireDepartments(tx, [...departmentIds, ...(input.departmentId ? [input.departmentId] : [])]);
    if (input.email && input.email !== before.email.toLowerCase()) await refuseTakenEmail(tx, input.email, id);
    const disabling = input.disabled === true && !before.disabledAt;
    if (before.role === "admin" && !before.disabledAt && (role !== "admin" || disabling)) {
      await refuseLastAdmin(tx, id);
    }
    const { password: _password, disabled, ...fields } = input;
    const [after] = await tx
      .update(people)
      .set({
        ...fields,
        ...(passwordHash ? { passwordHash } : {}),
        ...(disabled === undefined ? {} : { disabledAt: disabled ? (before.disabledAt ?? now) : null }),
        updatedAt: now,
      })
      .where(eq(people.id, id))
      .returning();
    // A new password or a disabled person ends every open session and API token at once; an admin
    // setting their own password keeps the token they are using.
    let tokensRevoked = 0;
    if (passwordHash || disabling) {
      await revokeSessionsOf(tx, id, now);
      tokensRevoked = await revokeTokensOf(tx, id, now, actor.id === id ? actor.tokenId : undefined);
    }
    await recordAudit(tx, actor, now, {
      action: disabling ? "person.disabled" : passwordHash ? "person.password_set" : "person.updated",
      entityType: "person",
      entityId: id,
      before: toPersonView(before),
      after: { ...toPersonView(after), ...(tokensRevoked ? { tokensRevoked } : {}) },
    });
    return after;
  });
}

export async function requirePerson(db: DbOrTx, id: string): Promise<Person> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("person");
  const [row] = await db.select().from(people).where(eq(people.id, id));
  if (!row) throw new NotFoundError("person");
  return row;
}

export async function getPerson(db: DbOrTx, actor: Actor, id: string): Promise<Person> {
  if (!mayReadPerson(actor, id)) requireCan(actor, "people.read");
  return requirePerson(db, id);
}

export const ListPeopleQuery = z.object({
  role: z.enum(ROLES).optional(),
  departmentId: z.string().uuid().optional(),
  includeDisabled: z.enum(["true", "false"]).default("false"),
});

export async function listPeople(db: DbOrTx, actor: Actor, raw: unknown) {
  requireCan(actor, "people.read");
  const q = ListPeopleQuery.parse(raw);
  const rows = await db
    .select()
    .from(people)
    .where(
      and(
        q.role ? eq(people.role, q.role) : undefined,
        q.includeDisabled === "true" ? undefined : isNull(people.disabledAt),
      ),
    )
    .orderBy(asc(people.name));
  const { departmentId } = q;
  return departmentId
    ? rows.filter((p) => p.departmentId === departmentId || p.departmentIds.includes(departmentId))
    : rows;
}

/** People, by lower-cased email, who edit a department's accounts (notified when it is borrowed). */
export async function editorsOfDepartment(db: DbOrTx, departmentId: string): Promise<Person[]> {
  return db
    .select()
    .from(people)
    .where(
      and(
        eq(people.role, "editor"),
        isNull(people.disabledAt),
        sql`${people.departmentIds} @> ${JSON.stringify([departmentId])}::jsonb`,
      ),
    );
}

function requireEditorDepartments(role: Person["role"], departmentIds: string[]) {
  if (role === "editor" && departmentIds.length === 0) {
    throw new InvalidInputError(
      "editor_department_required",
      "An editor edits the accounts of at least one department.",
      {
        fields: [
          {
            field: "departmentIds",
            code: "editor_department_required",
            message: "Give at least one department for an editor.",
          },
        ],
      },
    );
  }
}

async function requireDepartments(db: DbOrTx, ids: string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const found = await db
    .select({ id: departments.id })
    .from(departments)
    .where(and(inArray(departments.id, unique), isNull(departments.retiredAt)));
  const known = new Set(found.map((d) => d.id));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) {
    throw new InvalidInputError("department_unknown", "Unknown or retired departments.", {
      fields: missing.map((id) => ({
        field: "departmentIds",
        code: "department_unknown",
        message: `Unknown department ${id}.`,
        params: { departmentId: id },
      })),
    });
  }
}

async function refuseTakenEmail(db: DbOrTx, email: string, exceptId?: string) {
  const [taken] = await db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(sql`lower(${people.email})`, email), exceptId ? ne(people.id, exceptId) : undefined));
  if (taken) {
    throw new ConflictError("email_taken", "A person with this email already exists.", {
      fields: [{ field: "email", code: "email_taken", message: "Already in use." }],
    });
  }
}

async function refuseLastAdmin(db: DbOrTx, id: string) {
  const [{ n }] = await db
    .select({ n: count() })
    .from(people)
    .where(and(eq(people.role, "admin"), isNull(people.disabledAt), ne(people.id, id)));
  if (Number(n) === 0)
    throw new ConflictError("last_admin", "This is the last active admin; appoint another admin first.");
}
