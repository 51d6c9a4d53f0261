// Numbered updates of an incident: posted (website first, outbox in the same transaction),
// edited into revisions, withdrawn with a reason. Never deleted.
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { CapChoicesInput } from "../../archive/cap-fields";
import type { DbOrTx } from "../../db/client";
import { accounts, borrowings, deliveries, incidents, UPDATE_KINDS, updateRevisions, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import type { Claimed } from "../../dispatcher/claim";
import { leaseForHandoff, withLeases } from "../../dispatcher/handoff";
import { ConflictError, NotFoundError } from "../../errors";
import { PLATFORMS } from "../../platforms/types";
import type { Account } from "../accounts/accounts";
import { requireCan, requireChangeUpdate } from "../people/access";
import type { Actor } from "../people/actor";
import { type NotifyDeps, notifyAccountBorrowed, scheduleNotifications } from "../people/notify";
import { recordAudit } from "../records/audit";
import { queueSubscriberMessages } from "../subscribers/outbox";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { type Delivery, enqueueDeliveries } from "./deliveries";
import { followUpTargets, planDeliveryLanguage } from "./delivery-languages";
import { type Incident, requireIncident } from "./incidents";
import { UpdateImageInput } from "./media";
import { bumpPublicRevision, getOrganisation } from "./organisation";
import { offeredLanguagesOf } from "./organisation-languages";
import { refusePersonalIdentityNumbers } from "./personnummer";
import { refuseUnfilledPlaceholders } from "./placeholders";
import { changedPublicPaths } from "./public-paths";
import type { LeftOutTarget, Target } from "./targets";
import {
  checkTranslations,
  insertTranslations,
  listTranslations,
  type Translation,
  TranslationsInput,
} from "./translations";
import { prepareUpdate, type UpdateDraft } from "./update-draft";
import { notifyUrgentPublished, requirePostUrgent } from "./urgent-review";

export type Update = typeof updates.$inferSelect;

const AuthorInput = z.object({
  name: z.string().trim().min(1).max(200),
  title: z.string().trim().max(200).optional(),
  department: z.string().trim().max(200).optional(),
});

export const PostUpdateInput = z.object({
  incidentId: z.string().uuid(),
  body: z.string().trim().min(1).max(5000),
  kind: z.enum(UPDATE_KINDS).default("update"),
  author: AuthorInput.optional(),
  targets: z.union([z.literal("all"), z.array(z.string().uuid()).max(500)]).default("all"),
  variants: z.partialRecord(z.enum(PLATFORMS), z.string().trim().min(1).max(5000)).default({}),
  signature: z.string().trim().max(300).optional(),
  /** { mediaId, alt } for an image uploaded to POST /api/v1/media; { url, alt } for one elsewhere. */
  image: UpdateImageInput.optional(),
  borrowingReason: z.string().trim().min(3).max(500).optional(),
  /** Skips the four-eyes wait; logged. */
  urgent: z.boolean().default(false),
  /** What the public should do (CAP <instruction>), e.g. "Stäng fönster och ventilation". */
  instruction: z.string().trim().min(1).max(1000).optional(),
  /** CAP values for this update over the incident's. */
  cap: CapChoicesInput.default({}),
  /** The same update in the organisation's other languages: { "en": "...", "ar": "..." }. */
  translations: TranslationsInput,
});
export type PostUpdateInput = z.input<typeof PostUpdateInput>;

export interface PostedUpdate {
  update: Update;
  incident: typeof incidents.$inferSelect;
  deliveries: Delivery[];
  /** Targets the update does not go to, and why (an exercise leaves out every real account). */
  leftOut: LeftOutTarget[];
  /** The accounts the deliveries go to, and the translations and offered languages, as committed. */
  accounts: Account[];
  translations: Translation[];
  offeredLanguages: string[];
}

/** What postUpdate needs, the after-commit work included: waking deliveries, purging pages, notifying. */
export type PostUpdateDeps = Pick<Deps, "db" | "now" | "config" | "deliveryHandoff"> & CommitSignalDeps & NotifyDeps;

export async function postUpdate(deps: PostUpdateDeps, actor: Actor, raw: unknown): Promise<PostedUpdate> {
  requireCan(actor, "update.post");
  const input = PostUpdateInput.parse(raw);
  refuseUnfilledPlaceholders([
    { field: "body", text: input.body },
    ...Object.entries(input.variants).map(([platform, text]) => ({ field: `variants.${platform}`, text: text ?? "" })),
    ...Object.entries(input.translations).map(([language, text]) => ({ field: `translations.${language}`, text })),
  ]);
  refusePersonalIdentityNumbers(
    Object.fromEntries(
      Object.entries(input.translations).map(([language, text]) => [`translations.${language}`, text]),
    ),
  );
  if (input.urgent) requirePostUrgent(actor);
  const now = deps.now();
  const handoff = deps.deliveryHandoff;
  const posted = await deps.db.transaction(async (tx) => {
    const { incident, targets, leftOut, draft } = await prepareUpdate(tx, actor, input, deps.config.publicUrl);
    const org = await getOrganisation(tx);
    const translations = checkTranslations(org.languages, input.translations);
    // Four eyes holds for everyone, admins included; urgent posts skip it and are logged as such.
    const waits = org.requireApproval && !input.urgent;
    const update = await insertUpdate(tx, actor, input, draft, now, waits);
    const translated = await insertTranslations(tx, update.id, translations, actor.id || null, now);
    let queued: Delivery[] = [];
    if (!waits)
      queued = await startDelivering(
        tx,
        actor,
        update,
        incident,
        targets,
        input.borrowingReason ?? incident.borrowingReason,
        now,
      );
    await recordAudit(tx, actor, now, {
      action: waits
        ? "update.awaiting_approval"
        : input.urgent && org.requireApproval
          ? "update.posted_urgent"
          : "update.posted",
      entityType: "update",
      entityId: update.id,
      incidentId: incident.id,
      after: update,
    });
    const urgent = input.urgent && org.requireApproval;
    if (urgent) await notifyUrgentPublished(tx, actor, update, incident.title, now);
    let leased: Claimed[] = [];
    if (!waits) {
      await tx.update(incidents).set({ updatedAt: now }).where(eq(incidents.id, incident.id));
      await bumpPublicRevision(tx);
      // Last, under the organisation's row lock the bump took (see leaseForHandoff).
      leased = await leaseForHandoff(tx, deps.now, handoff, queued);
    }
    const deliveries = withLeases(queued, leased);
    // What the handed-over jobs need and this transaction already holds: the loop reads it no more.
    const known = {
      accounts: targets.map((t) => t.account),
      update,
      incident: { ...incident, updatedAt: now },
      translations: translated,
    };
    const offeredLanguages = offeredLanguagesOf(org);
    return { update, incident, deliveries, leased, known, leftOut, published: !waits, urgent, offeredLanguages };
  });
  // A waiting update is not public yet: approving it signals instead.
  if (posted.published) {
    signalCommittedChange(deps, {
      deliveries: posted.deliveries,
      handedOver: handoff && { to: handoff, claimed: posted.leased, known: posted.known },
      publicPaths: changedPublicPaths(posted.incident.slug, [posted.update.number], posted.incident.exercise),
    });
  }
  if (posted.urgent || posted.deliveries.some((d) => d.borrowed)) scheduleNotifications(deps);
  // The answer is made from what the transaction wrote: reading it back would queue behind the
  // first sends the handoff has just started on the same connection.
  return {
    update: posted.update,
    incident: posted.incident,
    deliveries: [...posted.deliveries].sort((a, b) => a.seq - b.seq),
    leftOut: posted.leftOut,
    accounts: posted.known.accounts,
    translations: [...posted.known.translations].sort((a, b) => (a.language < b.language ? -1 : 1)),
    offeredLanguages: posted.offeredLanguages,
  };
}

async function insertUpdate(
  tx: DbOrTx,
  actor: Actor,
  input: z.output<typeof PostUpdateInput>,
  draft: UpdateDraft,
  now: Date,
  waits: boolean,
): Promise<Update> {
  const author = input.author ?? {
    name: actor.name,
    title: actor.title ?? undefined,
    department: actor.departmentName ?? undefined,
  };
  const [update] = await tx
    .insert(updates)
    .values({
      ...draft,
      incidentId: input.incidentId,
      author,
      postedBy: actor.id || null,
      state: waits ? "pending_approval" : "published",
      urgent: input.urgent,
      borrowingReason: input.borrowingReason ?? null,
      targets: input.targets,
      instruction: input.instruction ?? null,
      cap: input.cap,
      createdAt: now,
      publishedAt: waits ? null : now,
    })
    .returning();
  await tx
    .insert(updateRevisions)
    .values({ updateId: update.id, revision: 1, body: update.body, createdBy: actor.id || null, createdAt: now });
  return update;
}

/** Writes the outbox rows and records every borrowing, telling the account's editors. */
export async function startDelivering(
  tx: DbOrTx,
  actor: Actor,
  update: Update,
  incident: Pick<Incident, "id" | "title">,
  targets: Target[],
  borrowingReason: string | null,
  now: Date,
): Promise<Delivery[]> {
  const available = new Set((await listTranslations(tx, update.id)).map((t) => t.language));
  const queued = await enqueueDeliveries(
    tx,
    update.id,
    targets.map((t) => ({
      accountId: t.account.id,
      borrowed: t.borrowed,
      ...planDeliveryLanguage(t.account, available, now),
    })),
    "publish",
    now,
  );
  const incidentId = incident.id;
  // Email and SMS subscribers get it too, from the same transaction (domain/subscribers/outbox.ts).
  await queueSubscriberMessages(tx, update, incidentId, now);
  for (const t of targets.filter((x) => x.borrowed)) {
    const reason = borrowingReason ?? "";
    await tx
      .insert(borrowings)
      .values({ personId: actor.id, accountId: t.account.id, incidentId, updateId: update.id, reason, createdAt: now });
    await recordAudit(tx, actor, now, {
      action: "account.borrowed",
      entityType: "account",
      entityId: t.account.id,
      accountId: t.account.id,
      incidentId,
      after: { updateId: update.id, reason },
    });
    await notifyAccountBorrowed(
      tx,
      {
        actor,
        account: t.account,
        incidentId,
        incidentTitle: incident.title,
        updateId: update.id,
        updateNumber: update.number,
        reason,
      },
      now,
    );
  }
  return queued;
}

export async function requireUpdate(db: DbOrTx, id: string): Promise<Update> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("update");
  const [row] = await db.select().from(updates).where(eq(updates.id, id));
  if (!row) throw new NotFoundError("update");
  return row;
}

export const EditUpdateInput = z.object({
  body: z.string().trim().min(1).max(5000),
  reason: z.string().trim().min(3).max(500),
});

/** A new revision; the old text stays readable. Published copies are corrected by the dispatcher. */
export async function editUpdate(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  id: string,
  raw: unknown,
) {
  requireCan(actor, "update.edit");
  const input = EditUpdateInput.parse(raw);
  refusePersonalIdentityNumbers({ body: input.body });
  refuseUnfilledPlaceholders([{ field: "body", text: input.body }]);
  const now = deps.now();
  const edited = await deps.db.transaction(async (tx) => {
    const before = await requireUpdate(tx, id);
    requireChangeUpdate(actor, "update.edit", before);
    if (before.withdrawnAt) throw new ConflictError("update_withdrawn", "A withdrawn update cannot be edited.");
    if (before.body === input.body) throw new ConflictError("text_unchanged", "The text is unchanged.");
    const revision = before.revision + 1;
    await tx.insert(updateRevisions).values({
      updateId: id,
      revision,
      body: input.body,
      reason: input.reason,
      createdBy: actor.id || null,
      createdAt: now,
    });
    const [after] = await tx
      .update(updates)
      .set({ body: input.body, revision, editedAt: now, editReason: input.reason })
      .where(eq(updates.id, id))
      .returning();
    const edits = await followUpDeliveries(tx, id, "edit", now);
    await recordAudit(tx, actor, now, {
      action: "update.edited",
      entityType: "update",
      entityId: id,
      incidentId: after.incidentId,
      before,
      after,
    });
    await bumpPublicRevision(tx);
    return { update: after, incident: await requireIncident(tx, after.incidentId), deliveries: edits };
  });
  signalChangedUpdate(deps, edited);
  return edited;
}

export const WithdrawUpdateInput = z.object({ reason: z.string().trim().min(3).max(500) });

/** Leaves feeds and lists; the permalink says it was withdrawn, when and why. */
export async function withdrawUpdate(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  id: string,
  raw: unknown,
) {
  requireCan(actor, "update.withdraw");
  const input = WithdrawUpdateInput.parse(raw);
  const now = deps.now();
  const withdrawn = await deps.db.transaction(async (tx) => {
    const before = await requireUpdate(tx, id);
    requireChangeUpdate(actor, "update.withdraw", before);
    if (before.withdrawnAt) throw new ConflictError("update_already_withdrawn", "The update is already withdrawn.");
    const [after] = await tx
      .update(updates)
      .set({ withdrawnAt: now, withdrawnReason: input.reason, withdrawnBy: actor.id || null })
      .where(eq(updates.id, id))
      .returning();
    // Not yet sent: never send. Already sent (or possibly sent): retract where the platform can.
    await tx
      .update(deliveries)
      .set({ status: "cancelled", message: "Uppdateringen drogs tillbaka innan den skickades.", updatedAt: now })
      .where(and(eq(deliveries.updateId, id), eq(deliveries.status, "pending"), eq(deliveries.kind, "publish")));
    const retracts = await followUpDeliveries(tx, id, "retract", now);
    await recordAudit(tx, actor, now, {
      action: "update.withdrawn",
      entityType: "update",
      entityId: id,
      incidentId: after.incidentId,
      before,
      after,
    });
    await bumpPublicRevision(tx);
    return { update: after, incident: await requireIncident(tx, after.incidentId), deliveries: retracts };
  });
  signalChangedUpdate(deps, withdrawn);
  return withdrawn;
}

/** After an edit or withdrawal commits: its corrections go out, its pages are purged. */
function signalChangedUpdate(
  deps: CommitSignalDeps,
  changed: { update: Update; incident: Pick<Incident, "slug" | "exercise">; deliveries: Delivery[] },
) {
  signalCommittedChange(deps, {
    deliveries: changed.deliveries,
    publicPaths: changedPublicPaths(changed.incident.slug, [changed.update.number], changed.incident.exercise),
  });
}

/** One edit or retract delivery per account whose publish went out or may have (see followUpTargets). */
async function followUpDeliveries(tx: DbOrTx, updateId: string, kind: "edit" | "retract", now: Date) {
  const sent =
    kind === "retract"
      ? // A publish whose last attempt went unanswered may be on the platform although it never
        // reported back (now cancelled, or failed as unconfirmed): the retraction looks for it.
        (d: Delivery) => !["skipped", "cancelled", "pending"].includes(d.status) || d.failureClass === "unconfirmed"
      : (d: Delivery) => !["skipped", "cancelled"].includes(d.status);
  const targets = await followUpTargets(tx, updateId, kind, sent);
  return enqueueDeliveries(tx, updateId, await keepExerciseAccounts(tx, updateId, targets), kind, now);
}

/**
 * An account no longer marked as an exercise account gets nothing more of an exercise, not even
 * its corrections: an admin who unmarks it takes over what is left there.
 */
async function keepExerciseAccounts<T extends { accountId: string }>(
  tx: DbOrTx,
  updateId: string,
  targets: T[],
): Promise<T[]> {
  if (!targets.length) return targets;
  const [row] = await tx
    .select({ exercise: incidents.exercise })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(eq(updates.id, updateId));
  if (!row?.exercise) return targets;
  const allowed = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        inArray(
          accounts.id,
          targets.map((t) => t.accountId),
        ),
        eq(accounts.exercise, true),
      ),
    );
  const ids = new Set(allowed.map((a) => a.id));
  return targets.filter((t) => ids.has(t.accountId));
}

export async function listRevisions(db: DbOrTx, updateId: string) {
  await requireUpdate(db, updateId);
  return db
    .select()
    .from(updateRevisions)
    .where(eq(updateRevisions.updateId, updateId))
    .orderBy(asc(updateRevisions.revision));
}

export async function listUpdatesOfIncident(db: DbOrTx, incidentId: string) {
  return db.select().from(updates).where(eq(updates.incidentId, incidentId)).orderBy(asc(updates.number));
}
