// The record of crisis borrowing (requirement 2): who published through which department's
// account, in which incident, why, and when. Written by startDelivering (updates.ts).
import { and, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { accounts, borrowings, incidents, people, updates } from "../../db/schema";
import { ForbiddenError } from "../../errors";
import { boundedDate } from "../records/bounded-date";
import { can } from "./access";
import type { Actor } from "./actor";

export const ListBorrowingsQuery = z.object({
  incidentId: z.string().uuid().optional(),
  accountId: z.string().uuid().optional(),
  personId: z.string().uuid().optional(),
  from: boundedDate().optional(),
  to: boundedDate().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/**
 * Everyone who reads records sees every borrowing; an editor sees the borrowings of their own
 * departments' accounts, since they are the ones who must know.
 */
export async function listBorrowings(db: DbOrTx, actor: Actor, raw: unknown = {}) {
  const q = ListBorrowingsQuery.parse(raw);
  const where: SQL[] = [];
  if (!can(actor, "records.read")) {
    if (actor.role !== "editor" || !actor.departmentIds.length) {
      throw new ForbiddenError("role_forbidden", `A ${actor.role} may not read the borrowing record.`, {
        params: { role: actor.role, action: "borrowing.read" },
      });
    }
    where.push(inArray(accounts.departmentId, actor.departmentIds));
  }
  if (q.incidentId) where.push(eq(borrowings.incidentId, q.incidentId));
  if (q.accountId) where.push(eq(borrowings.accountId, q.accountId));
  if (q.personId) where.push(eq(borrowings.personId, q.personId));
  if (q.from) where.push(gte(borrowings.createdAt, q.from));
  if (q.to) where.push(lte(borrowings.createdAt, q.to));
  const rows = await db
    .select({
      borrowing: borrowings,
      personName: people.name,
      platform: accounts.platform,
      handle: accounts.handle,
      departmentId: accounts.departmentId,
      incidentTitle: incidents.title,
      incidentSlug: incidents.slug,
      updateNumber: updates.number,
    })
    .from(borrowings)
    .innerJoin(people, eq(people.id, borrowings.personId))
    .innerJoin(accounts, eq(accounts.id, borrowings.accountId))
    .innerJoin(incidents, eq(incidents.id, borrowings.incidentId))
    .leftJoin(updates, eq(updates.id, borrowings.updateId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(borrowings.createdAt))
    .limit(q.limit);
  return rows.map((r) => ({
    id: r.borrowing.id,
    person: { id: r.borrowing.personId, name: r.personName },
    account: { id: r.borrowing.accountId, platform: r.platform, handle: r.handle, departmentId: r.departmentId },
    incident: { id: r.borrowing.incidentId, title: r.incidentTitle, slug: r.incidentSlug },
    updateId: r.borrowing.updateId,
    updateNumber: r.updateNumber,
    reason: r.borrowing.reason,
    at: r.borrowing.createdAt,
  }));
}
