// Everything one claimed delivery needs, loaded for a whole batch at once (a handful of queries
// for a hundred deliveries), so fan-out time is spent waiting on platforms, not on the database.
import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { accounts, deliveries, incidents, media, updates, updateTranslations } from "../db/schema";
import type { Account } from "../domain/accounts/accounts";
import type { Delivery } from "../domain/publishing/deliveries";
import type { Incident } from "../domain/publishing/incidents";
import type { Translation } from "../domain/publishing/translations";
import type { Update } from "../domain/publishing/updates";
import type { Claimed } from "./claim";
import type { ImageBytes } from "./compose";

/** The update a delivery carries, with its incident. */
export interface UpdatePost {
  update: Update;
  incident: Incident;
  /** The update in the organisation's other languages (dispatcher/language.ts picks one). */
  translations: Translation[];
  /** The uploaded image's file, so adapters that upload it need not fetch it from the hub. */
  imageFile?: ImageBytes;
}

export interface Job {
  delivery: Delivery;
  /** It may already be on the platform: settle that before sending anything again. */
  maybeSent: boolean;
  account: Account;
  /** Null for a farewell, which belongs to the closing account and carries its own text. */
  post: UpdatePost | null;
  /** Remote id of the first published post of this incident on this account: later updates reply to it. */
  threadRoot?: string;
  /**
   * No thread root yet, but an earlier update's first post on this account is in doubt (it may
   * have landed): a new post waits for it rather than start a second thread.
   */
  rootUnsettled?: { deliveryId: string; since: Date };
  /** Earlier deliveries of the same update to the same account, oldest first (for edits and retractions). */
  history: Delivery[];
}

/**
 * Rows the caller read or wrote in the very transaction that leased the deliveries (a publish
 * handing them over): not read again. Whatever they do not cover is loaded.
 */
export interface KnownRows {
  accounts?: Account[];
  update?: Update;
  incident?: Incident;
  /** All of `update`'s translations. */
  translations?: Translation[];
}

export async function loadJobs(db: DbOrTx, claimed: Claimed[], known: KnownRows = {}): Promise<Job[]> {
  if (!claimed.length) return [];
  const unique = <T>(values: T[]) => [...new Set(values)];
  const accountIds = unique(claimed.map((c) => c.delivery.accountId));
  const updateIds = unique(claimed.flatMap((c) => (c.delivery.updateId ? [c.delivery.updateId] : [])));
  const knownAccounts = (known.accounts ?? []).filter((a) => accountIds.includes(a.id));
  const unknownAccountIds = accountIds.filter((id) => !knownAccounts.some((a) => a.id === id));
  // The one update of a publish, with its incident and translations: nothing about it to read.
  const whole =
    known.update && known.incident && known.translations && updateIds.length === 1 && updateIds[0] === known.update.id
      ? { update: known.update, incident: known.incident, translations: known.translations }
      : null;
  const [loadedAccounts, updateRows] = await Promise.all([
    unknownAccountIds.length
      ? db.select().from(accounts).where(inArray(accounts.id, unknownAccountIds))
      : Promise.resolve([] as Account[]),
    whole
      ? [whole.update]
      : updateIds.length
        ? db.select().from(updates).where(inArray(updates.id, updateIds))
        : Promise.resolve([] as Update[]),
  ]);
  const accountRows = [...knownAccounts, ...loadedAccounts];
  const incidentIds = unique(updateRows.map((u) => u.incidentId));
  const followUpIds = unique(
    claimed.flatMap((c) =>
      (c.delivery.kind === "edit" || c.delivery.kind === "retract") && c.delivery.updateId ? [c.delivery.updateId] : [],
    ),
  );
  const mediaIds = unique(updateRows.flatMap((u) => (u.image?.mediaId ? [u.image.mediaId] : [])));
  const [incidentRows, roots, doubtful, earlier, files, translationRows] = await Promise.all([
    whole
      ? [whole.incident]
      : incidentIds.length
        ? db.select().from(incidents).where(inArray(incidents.id, incidentIds))
        : Promise.resolve([] as Incident[]),
    loadThreadRoots(db, accountIds, incidentIds),
    loadUnsettledRoots(db, accountIds, incidentIds),
    followUpIds.length
      ? db.select().from(deliveries).where(inArray(deliveries.updateId, followUpIds)).orderBy(asc(deliveries.seq))
      : Promise.resolve([] as Delivery[]),
    mediaIds.length
      ? db.select({ id: media.id, bytes: media.bytes, type: media.type }).from(media).where(inArray(media.id, mediaIds))
      : Promise.resolve([]),
    whole
      ? whole.translations
      : updateIds.length
        ? db.select().from(updateTranslations).where(inArray(updateTranslations.updateId, updateIds))
        : Promise.resolve([] as Translation[]),
  ]);
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const accountById = byId(accountRows);
  const updateById = byId(updateRows);
  const incidentById = byId(incidentRows);
  const fileById = byId(files);
  return claimed.map(({ delivery, leaseExpired }) => {
    const update = delivery.updateId ? updateById.get(delivery.updateId) : undefined;
    const incident = update ? incidentById.get(update.incidentId) : undefined;
    const root =
      update &&
      roots.find(
        (r) => r.accountId === delivery.accountId && r.incidentId === update.incidentId && r.updateId !== update.id,
      );
    const unsettled =
      update && !root && delivery.kind === "publish"
        ? doubtful.find(
            (d) =>
              d.accountId === delivery.accountId &&
              d.incidentId === update.incidentId &&
              d.updateId !== update.id &&
              d.seq < delivery.seq,
          )
        : undefined;
    return {
      delivery,
      // A person's confirmation still sends only after the lookup has been run once more.
      maybeSent:
        leaseExpired || delivery.failureClass === "unconfirmed" || Boolean(delivery.settlement?.confirmedAbsent),
      account: accountById.get(delivery.accountId) as Account,
      post:
        update && incident
          ? withImageFile(
              { update, incident, translations: translationRows.filter((t) => t.updateId === update.id) },
              fileById,
            )
          : null,
      threadRoot: root ? (root.remoteId ?? undefined) : undefined,
      rootUnsettled: unsettled ? { deliveryId: unsettled.id, since: unsettled.updatedAt } : undefined,
      history: earlier.filter(
        (d) => d.accountId === delivery.accountId && d.updateId === delivery.updateId && d.seq < delivery.seq,
      ),
    };
  });
}

function withImageFile(post: UpdatePost, files: Map<string, ImageBytes>): UpdatePost {
  const file = post.update.image?.mediaId ? files.get(post.update.image.mediaId) : undefined;
  return file ? { ...post, imageFile: { bytes: file.bytes, type: file.type } } : post;
}

/** The first published post per (account, incident); a withdrawn update is no thread to join. */
export async function loadThreadRoots(db: DbOrTx, accountIds: string[], incidentIds: string[]) {
  if (!accountIds.length || !incidentIds.length) return [];
  return db
    .selectDistinctOn([deliveries.accountId, updates.incidentId], {
      accountId: deliveries.accountId,
      incidentId: updates.incidentId,
      updateId: deliveries.updateId,
      remoteId: deliveries.remoteId,
    })
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(
      and(
        inArray(deliveries.accountId, accountIds),
        inArray(updates.incidentId, incidentIds),
        eq(deliveries.kind, "publish"),
        eq(deliveries.status, "published"),
        isNotNull(deliveries.remoteId),
        isNull(updates.withdrawnAt),
      ),
    )
    .orderBy(deliveries.accountId, updates.incidentId, asc(deliveries.seq));
}

/**
 * First posts that stopped for a person because it is unclear whether they landed. Such a post
 * may be the thread's root once a lookup or a person settles it.
 */
async function loadUnsettledRoots(db: DbOrTx, accountIds: string[], incidentIds: string[]) {
  if (!accountIds.length || !incidentIds.length) return [];
  return db
    .select({
      id: deliveries.id,
      seq: deliveries.seq,
      accountId: deliveries.accountId,
      incidentId: updates.incidentId,
      updateId: deliveries.updateId,
      updatedAt: deliveries.updatedAt,
    })
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(
      and(
        inArray(deliveries.accountId, accountIds),
        inArray(updates.incidentId, incidentIds),
        eq(deliveries.kind, "publish"),
        eq(deliveries.status, "failed"),
        eq(deliveries.failureClass, "unconfirmed"),
        isNull(updates.withdrawnAt),
      ),
    )
    .orderBy(asc(deliveries.seq));
}
