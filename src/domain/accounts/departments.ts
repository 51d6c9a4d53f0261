// Departments (verksamheter): who owns an account. Created, renamed and retired, never deleted,
// because accounts, people and the audit log keep pointing at them.
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { accounts, departments } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, NotFoundError } from "../../errors";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { type CommitSignalDeps, signalCommittedChange } from "../publishing/after-commit";
import { bumpPublicRevision } from "../publishing/organisation";
import { CHANNEL_PATHS } from "../publishing/public-paths";
import { recordAudit } from "../records/audit";

export type Department = typeof departments.$inferSelect;

export const DepartmentInput = z.object({
  name: z.string().trim().min(2, "Ange verksamhetens namn (minst 2 tecken).").max(200),
});

export const DepartmentQuery = z.object({
  includeRetired: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

export async function listDepartments(db: DbOrTx, raw: unknown = {}): Promise<Department[]> {
  const q = DepartmentQuery.parse(raw);
  return db
    .select()
    .from(departments)
    .where(q.includeRetired ? undefined : isNull(departments.retiredAt))
    .orderBy(asc(departments.name));
}

export async function requireDepartment(db: DbOrTx, id: string): Promise<Department> {
  const parsed = z.string().uuid().safeParse(id);
  const [row] = parsed.success ? await db.select().from(departments).where(eq(departments.id, parsed.data)) : [];
  if (!row) throw new NotFoundError("department", id);
  return row;
}

export async function createDepartment(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown) {
  requireCan(actor, "department.manage");
  const input = DepartmentInput.parse(raw);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    await refuseDuplicateName(tx, input.name);
    const [created] = await tx.insert(departments).values({ name: input.name, createdAt: now }).returning();
    await recordAudit(tx, actor, now, {
      action: "department.created",
      entityType: "department",
      entityId: created.id,
      after: created,
    });
    return created;
  });
}

export async function renameDepartment(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  id: string,
  raw: unknown,
) {
  requireCan(actor, "department.manage");
  const input = DepartmentInput.parse(raw);
  const now = deps.now();
  const renamed = await deps.db.transaction(async (tx) => {
    const before = await requireDepartment(tx, id);
    if (before.retiredAt)
      throw new ConflictError("department_not_renamable", "The department is retired and can no longer be renamed.");
    if (before.name === input.name) return before;
    await refuseDuplicateName(tx, input.name, before.id);
    const [after] = await tx
      .update(departments)
      .set({ name: input.name })
      .where(eq(departments.id, before.id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "department.renamed",
      entityType: "department",
      entityId: after.id,
      before,
      after,
    });
    // The public channel list groups accounts under their department's name.
    await bumpPublicRevision(tx);
    return after;
  });
  signalCommittedChange(deps, { publicPaths: CHANNEL_PATHS });
  return renamed;
}

/** A department with active accounts cannot be retired: they would be left without an owner. */
export async function retireDepartment(deps: Pick<Deps, "db" | "now"> & CommitSignalDeps, actor: Actor, id: string) {
  requireCan(actor, "department.manage");
  const now = deps.now();
  const retired = await deps.db.transaction(async (tx) => {
    const before = await requireDepartment(tx, id);
    if (before.retiredAt) throw new ConflictError("department_already_retired", "The department is already retired.");
    const owned = await tx
      .select({ id: accounts.id, platform: accounts.platform, handle: accounts.handle })
      .from(accounts)
      .where(and(eq(accounts.departmentId, before.id), eq(accounts.status, "active")));
    if (owned.length) {
      throw new ConflictError(
        "department_has_accounts",
        `The department still owns active accounts: ${owned.map((a) => `${a.platform} ${a.handle}`).join(", ")}. Move them to another department or close them first.`,
        {
          fields: owned.map((a) => ({
            field: "accounts",
            message: `Account ${a.id} is active.`,
            params: { accountId: a.id },
          })),
          params: { accounts: owned.map((a) => `${a.platform} ${a.handle}`).join(", ") },
        },
      );
    }
    const [after] = await tx
      .update(departments)
      .set({ retiredAt: now })
      .where(eq(departments.id, before.id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "department.retired",
      entityType: "department",
      entityId: after.id,
      before,
      after,
    });
    await bumpPublicRevision(tx);
    return after;
  });
  signalCommittedChange(deps, { publicPaths: CHANNEL_PATHS });
  return retired;
}

async function refuseDuplicateName(tx: DbOrTx, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: departments.id })
    .from(departments)
    .where(
      and(
        sql`lower(${departments.name}) = lower(${name})`,
        isNull(departments.retiredAt),
        exceptId ? ne(departments.id, exceptId) : undefined,
      ),
    );
  if (clash) {
    throw new ConflictError("department_name_taken", `A department named "${name}" already exists.`, {
      fields: [
        {
          field: "name",
          code: "department_name_taken",
          message: `Department ${clash.id} has this name.`,
          params: { name },
        },
      ],
      params: { name },
    });
  }
}

export function toDepartmentView(d: Department) {
  return { id: d.id, name: d.name, retired: d.retiredAt !== null, retiredAt: d.retiredAt, createdAt: d.createdAt };
}
