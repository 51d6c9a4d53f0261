// Incidents: opened, edited, closed; never deleted.
import { and, asc, desc, eq, like, or } from "drizzle-orm";
import { z } from "zod";
import { CapChoicesInput } from "../../archive/cap-fields";
import type { DbOrTx } from "../../db/client";
import { incidents, SEVERITIES, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, InvalidInputError, NotFoundError } from "../../errors";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { AreaCodesInput, PolygonInput } from "./cap-area-input";
import { bumpPublicRevision } from "./organisation";
import { refusePersonalIdentityNumbers } from "./personnummer";
import { refuseUnfilledPlaceholders } from "./placeholders";
import { changedPublicPaths } from "./public-paths";
import { slugify, stockholmDay } from "./slug";

export type Incident = typeof incidents.$inferSelect;

export const OpenIncidentInput = z.object({
  title: z.string().trim().min(3).max(200),
  summary: z.string().trim().max(2000).optional(),
  severity: z.enum(SEVERITIES),
  areas: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  areaCodes: AreaCodesInput.default([]),
  polygon: PolygonInput.nullable().optional(),
  expectedEnd: z.coerce.date().nullable().optional(),
  cap: CapChoicesInput.default({}),
  registrationNumber: z.string().trim().min(1).max(100).optional(),
  borrowingReason: z.string().trim().min(3).max(500).optional(),
  /** An exercise (krisövning): set here, at opening, and never changed (see exercises.ts). */
  exercise: z.boolean().default(false),
});

type IncidentDeps = Pick<Deps, "db" | "now"> & CommitSignalDeps;

export async function openIncident(deps: IncidentDeps, actor: Actor, raw: unknown): Promise<Incident> {
  requireCan(actor, "incident.open");
  const input = OpenIncidentInput.parse(raw);
  refusePersonalIdentityNumbers({ title: input.title, summary: input.summary });
  // The incident page is public the moment it opens: a title from a template must be filled in.
  refuseUnfilledPlaceholders([
    { field: "title", text: input.title ?? "" },
    { field: "summary", text: input.summary ?? "" },
  ]);
  const now = deps.now();
  const opened = await deps.db.transaction(async (tx) => {
    const slug = await freeSlug(tx, slugify(input.title, stockholmDay(now)));
    const [incident] = await tx
      .insert(incidents)
      .values({ ...input, slug, openedBy: actor.id || null, openedAt: now, updatedAt: now })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "incident.opened",
      entityType: "incident",
      entityId: incident.id,
      incidentId: incident.id,
      after: incident,
    });
    await bumpPublicRevision(tx);
    return incident;
  });
  signalCommittedChange(deps, { publicPaths: changedPublicPaths(opened.slug, [], opened.exercise) });
  return opened;
}

/** Title, status and summary show on every update permalink of the incident too. */
async function incidentPublicPaths(tx: DbOrTx, incident: Incident): Promise<string[]> {
  const rows = await tx
    .select({ number: updates.number })
    .from(updates)
    .where(eq(updates.incidentId, incident.id))
    .orderBy(asc(updates.number));
  return changedPublicPaths(
    incident.slug,
    rows.map((r) => r.number),
    incident.exercise,
  );
}

async function freeSlug(tx: DbOrTx, base: string): Promise<string> {
  const taken = await tx
    .select({ slug: incidents.slug })
    .from(incidents)
    .where(or(eq(incidents.slug, base), like(incidents.slug, `${base}-%`)));
  const set = new Set(taken.map((t) => t.slug));
  if (!set.has(base)) return base;
  for (let n = 2; ; n++) if (!set.has(`${base}-${n}`)) return `${base}-${n}`;
}

export const EditIncidentInput = z
  .object({
    title: z.string().trim().min(3).max(200).optional(),
    summary: z.string().trim().max(2000).nullable().optional(),
    severity: z.enum(SEVERITIES).optional(),
    areas: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    areaCodes: AreaCodesInput.optional(),
    polygon: PolygonInput.nullable().optional(),
    expectedEnd: z.coerce.date().nullable().optional(),
    cap: CapChoicesInput.optional(),
    registrationNumber: z.string().trim().min(1).max(100).nullable().optional(),
    borrowingReason: z.string().trim().min(3).max(500).nullable().optional(),
    /** Accepted only as it already is: an exercise never becomes real, nor a real incident an exercise. */
    exercise: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to change.", params: { code: "nothing_to_change" } });

export async function editIncident(deps: IncidentDeps, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "incident.edit");
  const input = EditIncidentInput.parse(raw);
  refusePersonalIdentityNumbers({ title: input.title, summary: input.summary });
  // The incident page is public the moment it opens: a title from a template must be filled in.
  refuseUnfilledPlaceholders([
    { field: "title", text: input.title ?? "" },
    { field: "summary", text: input.summary ?? "" },
  ]);
  const now = deps.now();
  const { exercise, ...changes } = input;
  const edited = await deps.db.transaction(async (tx) => {
    const before = await requireIncident(tx, id);
    refuseExerciseChange(before, exercise);
    if (!Object.keys(changes).length) throw new InvalidInputError("nothing_to_change", "The edit changes no field.");
    const [after] = await tx
      .update(incidents)
      .set({ ...changes, updatedAt: now })
      .where(eq(incidents.id, id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "incident.edited",
      entityType: "incident",
      entityId: id,
      incidentId: id,
      before,
      after,
    });
    await bumpPublicRevision(tx);
    return { incident: after, publicPaths: await incidentPublicPaths(tx, after) };
  });
  signalCommittedChange(deps, { publicPaths: edited.publicPaths });
  return edited.incident;
}

/** Whether an incident is an exercise is fixed at opening: a real alert must never turn out a drill, nor the reverse. */
export function refuseExerciseChange(incident: Pick<Incident, "exercise">, wanted: boolean | undefined): void {
  if (wanted === undefined || wanted === incident.exercise) return;
  throw new ConflictError(
    "exercise_fixed",
    incident.exercise
      ? "An exercise cannot become a real incident; open a new incident instead."
      : "A real incident cannot become an exercise; open an exercise instead.",
    { params: { exercise: String(incident.exercise) } },
  );
}

export async function requireIncident(db: DbOrTx, id: string): Promise<Incident> {
  const parsed = z.string().uuid().safeParse(id);
  if (!parsed.success) throw new NotFoundError("incident");
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw new NotFoundError("incident");
  return row;
}

export async function findIncidentBySlug(db: DbOrTx, slug: string): Promise<Incident | null> {
  const [row] = await db.select().from(incidents).where(eq(incidents.slug, slug));
  return row ?? null;
}

export const ListIncidentsQuery = z.object({
  status: z.enum(["active", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listIncidents(db: DbOrTx, raw: unknown = {}) {
  const q = ListIncidentsQuery.parse(raw);
  return db
    .select()
    .from(incidents)
    .where(q.status ? eq(incidents.status, q.status) : undefined)
    .orderBy(desc(incidents.openedAt))
    .limit(q.limit);
}

/** Closes an incident. Says whether an all-clear was posted, since the public needs one. */
export async function closeIncident(deps: IncidentDeps, actor: Actor, id: string) {
  requireCan(actor, "incident.close");
  const now = deps.now();
  const closed = await deps.db.transaction(async (tx) => {
    const before = await requireIncident(tx, id);
    if (before.status === "resolved")
      throw new ConflictError("incident_already_resolved", "The incident is already resolved.");
    const [after] = await tx
      .update(incidents)
      .set({ status: "resolved", closedAt: now, closedBy: actor.id || null, updatedAt: now })
      .where(eq(incidents.id, id))
      .returning();
    const [allClear] = await tx
      .select({ id: updates.id })
      .from(updates)
      .where(and(eq(updates.incidentId, id), eq(updates.kind, "all_clear"), eq(updates.state, "published")))
      .limit(1);
    await recordAudit(tx, actor, now, {
      action: "incident.closed",
      entityType: "incident",
      entityId: id,
      incidentId: id,
      before,
      after,
    });
    await bumpPublicRevision(tx);
    return { incident: after, allClearPosted: Boolean(allClear), publicPaths: await incidentPublicPaths(tx, after) };
  });
  signalCommittedChange(deps, { publicPaths: closed.publicPaths });
  return { incident: closed.incident, allClearPosted: closed.allClearPosted };
}
