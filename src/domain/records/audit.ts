// The append-only audit log. Written inside the same transaction as the change it records.
import { and, desc, eq, gte, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { auditLog } from "../../db/schema";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { boundedDate } from "./bounded-date";

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  incidentId?: string | null;
  accountId?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(tx: DbOrTx, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at,
    actorId: actor.id || null,
    actorName: actor.name,
    actorSubject: actor.subject ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    incidentId: entry.incidentId ?? null,
    accountId: entry.accountId ?? null,
    before: entry.before === undefined ? null : stripSecrets(entry.before),
    after: entry.after === undefined ? null : stripSecrets(entry.after),
  });
}

/** The audit log keeps what changed, never a credential or a password hash. */
function stripSecrets(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stripSecrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (/credential|passwordHash|tokenHash|csrf/i.test(k)) continue;
    out[k] = stripSecrets(v);
  }
  return out;
}

export const AuditQuery = z.object({
  actorId: z.string().uuid().optional(),
  incidentId: z.string().uuid().optional(),
  accountId: z.string().uuid().optional(),
  action: z.string().optional(),
  from: boundedDate().optional(),
  to: boundedDate().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export async function listAudit(db: DbOrTx, actor: Actor, raw: unknown) {
  requireCan(actor, "audit.read");
  const q = AuditQuery.parse(raw);
  const where: SQL[] = [];
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.incidentId) where.push(eq(auditLog.incidentId, q.incidentId));
  if (q.accountId) where.push(eq(auditLog.accountId, q.accountId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
