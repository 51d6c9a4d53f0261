// Account snapshots (ögonblicksbilder): the account's registry data and everything Kriskanal
// published through it in a period, frozen as canonical JSON with its SHA-256. Policies ask
// for one twice a year and before an account is closed. Never updated, never deleted.
import { and, asc, desc, eq, gte, lte } from "drizzle-orm";
import { z } from "zod";
import { canonicalJson, toCanonical } from "../../archive/canonical-json";
import type { DbOrTx } from "../../db/client";
import { accounts, borrowings, deliveries, incidents, people, removals, snapshots, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { InvalidInputError, NotFoundError } from "../../errors";
import { sha256Hex } from "../accounts/secrets";
import { can, requireActOnAccount, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { updateUrl } from "../publishing/links";
import { getOrganisation } from "../publishing/organisation";
import { ACCOUNT_RECORD_COLUMNS, SNAPSHOT_SUMMARY_COLUMNS } from "./account-record";
import { recordAudit } from "./audit";
import { boundedDate } from "./bounded-date";

export type Snapshot = typeof snapshots.$inferSelect;

export const TakeSnapshotInput = z.object({
  from: boundedDate().optional(),
  to: boundedDate().optional(),
});

export async function takeSnapshot(
  deps: Pick<Deps, "db" | "now" | "config">,
  actor: Actor,
  accountId: string,
  raw: unknown,
): Promise<Snapshot> {
  requireCan(actor, "snapshot.take");
  const input = TakeSnapshotInput.parse(raw);
  const now = deps.now();
  const to = input.to ?? now;
  if (to.getTime() > now.getTime()) {
    throw new InvalidInputError("period_ends_in_future", "The period cannot end in the future.", {
      fields: [{ field: "to", code: "period_ends_in_future", message: "In the future." }],
    });
  }
  return deps.db.transaction(async (tx) => {
    const account = await requireAccountRecord(tx, accountId);
    requireActOnAccount(actor, account);
    const previous = await latestSnapshotOf(tx, account.id);
    const from = input.from ?? previous?.periodTo ?? account.createdAt;
    if (from.getTime() > to.getTime()) {
      throw new InvalidInputError("period_reversed", "The period starts after it ends.", {
        fields: [{ field: "from", code: "period_reversed", message: "After to." }],
      });
    }
    const org = await getOrganisation(tx);
    const data = toCanonical({
      kind: "kriskanal.account-snapshot",
      version: 1,
      organisation: org.name,
      takenAt: now,
      takenBy: { id: actor.id || null, name: actor.name },
      period: { from, to },
      account,
      deliveries: await deliveriesInPeriod(tx, account.id, from, to, deps.config.publicUrl),
      removals: await tx
        .select()
        .from(removals)
        .where(and(eq(removals.accountId, account.id), gte(removals.removedAt, from), lte(removals.removedAt, to)))
        .orderBy(asc(removals.removedAt)),
      borrowings: await tx
        .select({
          id: borrowings.id,
          createdAt: borrowings.createdAt,
          incidentId: borrowings.incidentId,
          updateId: borrowings.updateId,
          personId: borrowings.personId,
          personName: people.name,
          reason: borrowings.reason,
        })
        .from(borrowings)
        .leftJoin(people, eq(people.id, borrowings.personId))
        .where(
          and(eq(borrowings.accountId, account.id), gte(borrowings.createdAt, from), lte(borrowings.createdAt, to)),
        )
        .orderBy(asc(borrowings.createdAt)),
    });
    const [snapshot] = await tx
      .insert(snapshots)
      .values({
        accountId: account.id,
        periodFrom: from,
        periodTo: to,
        data,
        sha256: await sha256Hex(canonicalJson(data)),
        createdBy: actor.id || null,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "snapshot.taken",
      entityType: "snapshot",
      entityId: snapshot.id,
      accountId: account.id,
      after: { id: snapshot.id, periodFrom: from, periodTo: to, sha256: snapshot.sha256 },
    });
    return snapshot;
  });
}

async function deliveriesInPeriod(tx: DbOrTx, accountId: string, from: Date, to: Date, publicUrl: string) {
  const rows = await tx
    .select({ delivery: deliveries, update: updates, incident: incidents })
    .from(deliveries)
    .leftJoin(updates, eq(updates.id, deliveries.updateId))
    .leftJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(and(eq(deliveries.accountId, accountId), gte(deliveries.createdAt, from), lte(deliveries.createdAt, to)))
    .orderBy(asc(deliveries.seq));
  return rows.map(({ delivery: d, update: u, incident: i }) => ({
    id: d.id,
    seq: d.seq,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    borrowed: d.borrowed,
    remoteId: d.remoteId,
    remoteUrl: d.remoteUrl,
    sentText: d.sentText,
    failureClass: d.failureClass,
    message: d.message,
    createdAt: d.createdAt,
    publishedAt: d.publishedAt,
    update: u && {
      id: u.id,
      number: u.number,
      kind: u.kind,
      body: u.body,
      revision: u.revision,
      url: i ? updateUrl(publicUrl, i.slug, u.number, i.exercise) : null,
      publishedAt: u.publishedAt,
      withdrawnAt: u.withdrawnAt,
      withdrawnReason: u.withdrawnReason,
    },
    incident: i && { id: i.id, slug: i.slug, title: i.title, registrationNumber: i.registrationNumber },
  }));
}

export async function requireAccountRecord(db: DbOrTx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("account");
  const [account] = await db.select(ACCOUNT_RECORD_COLUMNS).from(accounts).where(eq(accounts.id, id));
  if (!account) throw new NotFoundError("account");
  return account;
}

export async function latestSnapshotOf(db: DbOrTx, accountId: string) {
  const [row] = await db
    .select({ id: snapshots.id, periodTo: snapshots.periodTo, createdAt: snapshots.createdAt })
    .from(snapshots)
    .where(eq(snapshots.accountId, accountId))
    .orderBy(desc(snapshots.createdAt))
    .limit(1);
  return row ?? null;
}

function requireReadSnapshots(actor: Actor): void {
  if (!can(actor, "snapshot.take")) requireCan(actor, "records.read");
}

export async function listSnapshots(db: DbOrTx, actor: Actor, accountId: string) {
  requireReadSnapshots(actor);
  await requireAccountRecord(db, accountId);
  return db
    .select(SNAPSHOT_SUMMARY_COLUMNS)
    .from(snapshots)
    .where(eq(snapshots.accountId, accountId))
    .orderBy(desc(snapshots.createdAt));
}

/** One snapshot with its data, and whether the data still matches the stored checksum. */
export async function getSnapshot(db: DbOrTx, actor: Actor, accountId: string, id: string) {
  requireReadSnapshots(actor);
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("snapshot");
  const [row] = await db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.id, id), eq(snapshots.accountId, accountId)));
  if (!row) throw new NotFoundError("snapshot");
  const intact = (await sha256Hex(canonicalJson(row.data))) === row.sha256;
  return { snapshot: row, intact };
}
