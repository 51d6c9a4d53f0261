// The moderation log: third-party content removed from our channels, registered with the
// content kept (it is a public record; policies say save before deleting), a reason from the
// fixed list, who removed it, and a notice the staff can send the author. The content is
// never published anywhere.
import { and, desc, eq, gte, like, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { accounts, auditLog, incidents, REMOVAL_REASONS, removals } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../errors";
import { ANY_REMOTE_ID, isPlatform, isRemoteId } from "../../platforms/remote-ids";
import { PLATFORM_LABEL, viewHelpers } from "../../render/view-helpers";
import { can, requireActOnAccount, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { getOrganisation } from "../publishing/organisation";
import { recordAudit } from "./audit";
import { boundedDate } from "./bounded-date";

export type Removal = typeof removals.$inferSelect;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** The reasons in the words of the policies (Motala 002 §8, Arvika 001, Tyresö 000 §3.3). */
export const REMOVAL_REASON_TEXT: Record<RemovalReason, string> = {
  confidential: "sekretessbelagda uppgifter",
  offensive: "stötande eller rasistiska ord och uttryck",
  personal_attack: "personangrepp eller kränkningar",
  personal_data: "personuppgifter om någon som inte har gett sitt samtycke",
  criminal_or_copyright: "brottsligt material eller olovligt nyttjande av upphovsrättsligt skyddat material",
  advertising_off_topic: "reklam eller inlägg som inte handlar om kanalens syfte",
};

/** A platform's id of a comment; it goes into a request URL, so only id characters pass. */
export const CommentIdInput = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(ANY_REMOTE_ID, "Not a platform's comment id: letters, digits and _ : . ~ ( ) , - only.");

export const RegisterRemovalInput = z
  .object({
    platform: z.string().trim().min(1).max(50),
    accountId: z.string().uuid().optional(),
    incidentId: z.string().uuid().optional(),
    link: z.string().url().max(2000).optional(),
    author: z.string().trim().min(1).max(300),
    // Kept exactly as written: it is the record of what was removed.
    content: z
      .string()
      .max(50_000)
      .refine((s) => s.trim().length > 0, "The removed content is required."),
    reason: z.enum(REMOVAL_REASONS),
    removedAt: boundedDate().optional(),
    authorNotified: z.boolean().default(false),
    /** The platform's id of the comment, for hiding or deleting it through the adapter. */
    commentId: CommentIdInput.optional(),
    removeRemote: z.boolean().default(false),
  })
  .refine((v) => !v.removeRemote || (v.accountId && v.commentId), {
    path: ["removeRemote"],
    message: "removeRemote needs accountId and commentId.",
  })
  .refine((v) => !v.commentId || !isPlatform(v.platform) || isRemoteId(v.platform, v.commentId), {
    path: ["commentId"],
    message: "Not a comment id of this platform.",
  });

export async function registerRemoval(deps: Pick<Deps, "db" | "now" | "config">, actor: Actor, raw: unknown) {
  requireCan(actor, "removal.register");
  const input = RegisterRemovalInput.parse(raw);
  const now = deps.now();
  const removedAt = input.removedAt ?? now;
  if (removedAt.getTime() > now.getTime() + 60_000) {
    throw new InvalidInputError("removed_at_in_future", "removedAt is in the future.", {
      fields: [{ field: "removedAt", code: "removed_at_in_future", message: "In the future." }],
    });
  }
  return deps.db.transaction(async (tx) => {
    const account = input.accountId ? await accountOf(tx, input.accountId) : null;
    if (account && account.platform !== input.platform) {
      throw new InvalidInputError("account_platform_mismatch", "The account is on another platform.", {
        fields: [
          {
            field: "platform",
            code: "account_platform_mismatch",
            message: `Account ${account.handle} is on ${account.platform}.`,
            params: { handle: account.handle, platform: account.platform },
          },
        ],
      });
    }
    if (actor.role === "editor" && !(account?.departmentId && actor.departmentIds.includes(account.departmentId))) {
      throw new ForbiddenError(
        "removal_own_department_only",
        "An editor registers removals only on their own department's accounts.",
      );
    }
    if (input.incidentId) {
      const [incident] = await tx
        .select({ id: incidents.id })
        .from(incidents)
        .where(eq(incidents.id, input.incidentId));
      if (!incident) {
        throw new InvalidInputError("incident_unknown", "Unknown incident.", {
          fields: [{ field: "incidentId", code: "incident_unknown", message: "No such incident." }],
        });
      }
    }
    const org = await getOrganisation(tx);
    const notice = removalNotice({
      orgName: org.name,
      publicUrl: deps.config.publicUrl,
      platform: input.platform,
      handle: account?.handle ?? null,
      author: input.author,
      reason: input.reason,
      removedAt,
      signedBy: [actor.name, actor.title].filter(Boolean).join(", "),
    });
    const [removal] = await tx
      .insert(removals)
      .values({
        platform: input.platform,
        accountId: input.accountId ?? null,
        incidentId: input.incidentId ?? null,
        link: input.link ?? null,
        author: input.author,
        content: input.content,
        reason: input.reason,
        removedBy: actor.id || null,
        authorNotified: input.authorNotified,
        notice,
        removedAt,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "removal.registered",
      entityType: "removal",
      entityId: removal.id,
      incidentId: removal.incidentId,
      accountId: removal.accountId,
      after: { ...removal, commentId: input.commentId },
    });
    return { removal, removeRemote: input.removeRemote ? { commentId: input.commentId as string } : null };
  });
}

async function accountOf(db: DbOrTx, id: string) {
  const [account] = await db
    .select({
      id: accounts.id,
      platform: accounts.platform,
      handle: accounts.handle,
      departmentId: accounts.departmentId,
    })
    .from(accounts)
    .where(eq(accounts.id, id));
  if (!account) {
    throw new InvalidInputError("account_unknown", "Unknown account.", {
      fields: [{ field: "accountId", code: "account_unknown", message: "No such account." }],
    });
  }
  return account;
}

export interface NoticeFacts {
  orgName: string;
  publicUrl: string;
  platform: string;
  handle: string | null;
  author: string;
  reason: RemovalReason;
  removedAt: Date;
  signedBy: string;
}

/** The message to the author (Arvika 001: the visitor is told when their content is removed). */
export function removalNotice(f: NoticeFacts): string {
  const platform = PLATFORM_LABEL[f.platform] ?? f.platform;
  const where = f.handle ? `${platform}-kontot ${f.handle}` : `vår kanal på ${platform}`;
  return [
    `Hej ${f.author}!`,
    "",
    `Vi har tagit bort det du skrev på ${possessive(f.orgName)} ${where} (${viewHelpers.when(f.removedAt)}) eftersom det innehöll ${REMOVAL_REASON_TEXT[f.reason]}.`,
    `Enligt ${possessive(f.orgName)} riktlinjer för sociala medier tar vi bort sådant innehåll från kanaler som kommunen ansvarar för. Det borttagna innehållet har sparats och registrerats som allmän handling.`,
    `Du är välkommen att skriva igen inom ramen för riktlinjerna. Har du frågor kan du kontakta oss; våra officiella kanaler finns på ${f.publicUrl}/channels.`,
    "",
    "Med vänlig hälsning",
    `${f.signedBy}, ${f.orgName}`,
  ].join("\n");
}

function possessive(name: string): string {
  return /[sxz]$/i.test(name) ? name : `${name}s`;
}

export async function requireRemoval(db: DbOrTx, id: string): Promise<Removal> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("removal");
  const [row] = await db.select().from(removals).where(eq(removals.id, id));
  if (!row) throw new NotFoundError("removal");
  return row;
}

/** A removal is acted on under the rule of its account; one without an account is the organisation's. */
export async function requireActOnRemoval(db: DbOrTx, actor: Actor, removal: Removal): Promise<void> {
  const account = removal.accountId ? await accountOf(db, removal.accountId) : { departmentId: null };
  requireActOnAccount(actor, account);
}

export function requireReadRemovals(actor: Actor): void {
  if (!can(actor, "records.read") && !can(actor, "removal.register")) requireCan(actor, "records.read");
}

export const RemovalQuery = z.object({
  platform: z.string().trim().min(1).max(50).optional(),
  accountId: z.string().uuid().optional(),
  incidentId: z.string().uuid().optional(),
  reason: z.enum(REMOVAL_REASONS).optional(),
  from: boundedDate().optional(),
  to: boundedDate().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export async function listRemovals(db: DbOrTx, actor: Actor, raw: unknown): Promise<Removal[]> {
  requireReadRemovals(actor);
  const q = RemovalQuery.parse(raw);
  const where: SQL[] = [];
  if (q.platform) where.push(eq(removals.platform, q.platform));
  if (q.accountId) where.push(eq(removals.accountId, q.accountId));
  if (q.incidentId) where.push(eq(removals.incidentId, q.incidentId));
  if (q.reason) where.push(eq(removals.reason, q.reason));
  if (q.from) where.push(gte(removals.removedAt, q.from));
  if (q.to) where.push(lte(removals.removedAt, q.to));
  return db
    .select()
    .from(removals)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(removals.removedAt), desc(removals.id))
    .limit(q.limit);
}

export async function getRemoval(db: DbOrTx, actor: Actor, id: string) {
  requireReadRemovals(actor);
  const removal = await requireRemoval(db, id);
  const remote = await db
    .select({ at: auditLog.at, action: auditLog.action, actorName: auditLog.actorName, result: auditLog.after })
    .from(auditLog)
    .where(
      and(eq(auditLog.entityType, "removal"), eq(auditLog.entityId, id), like(auditLog.action, "removal.remote_%")),
    )
    .orderBy(desc(auditLog.id));
  return { removal, remoteAttempts: remote };
}

/** The author was told after the removal was registered. */
export async function markAuthorNotified(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string) {
  requireCan(actor, "removal.register");
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await requireRemoval(tx, id);
    await requireActOnRemoval(tx, actor, before);
    if (before.authorNotified)
      throw new ConflictError("author_already_told", "The author is already recorded as told.");
    const [after] = await tx.update(removals).set({ authorNotified: true }).where(eq(removals.id, id)).returning();
    await recordAudit(tx, actor, now, {
      action: "removal.author_notified",
      entityType: "removal",
      entityId: id,
      incidentId: after.incidentId,
      accountId: after.accountId,
      before: { authorNotified: false },
      after: { authorNotified: true },
    });
    return after;
  });
}
