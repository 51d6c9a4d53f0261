// What the audit log says about one person: changes to them and what they did, newest first, for
// the admin's person page. The provider's subject rides along with the actor's name, so a row
// written through single sign-on names the identity that acted, not only a display name.
import { desc, eq, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { auditLog } from "../../db/schema";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";

export const PERSON_AUDIT_ROWS = 20;

export interface PersonAuditRow {
  at: Date;
  action: string;
  actorName: string;
  actorSubject: string | null;
}

export async function listPersonAudit(db: DbOrTx, actor: Actor, personId: string): Promise<PersonAuditRow[]> {
  requireCan(actor, "audit.read");
  return db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      actorName: auditLog.actorName,
      actorSubject: auditLog.actorSubject,
    })
    .from(auditLog)
    .where(or(eq(auditLog.entityId, personId), eq(auditLog.actorId, personId)))
    .orderBy(desc(auditLog.id))
    .limit(PERSON_AUDIT_ROWS);
}
