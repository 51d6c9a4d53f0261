// Crisis message templates: the standard messages a crisis team prepares before it needs them
// (a title pattern, the first update, standard phrases, the all-clear, per-platform variants).
// Communicators and admins manage them; editors read them to write from. Retired, never deleted.
import { asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { CRISIS_TYPES, messageTemplates, SEVERITIES } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, InvalidInputError, NotFoundError } from "../../errors";
import { PLATFORMS } from "../../platforms/types";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type PlaceholderField, refuseUnknownPlaceholders } from "./placeholders";

export type MessageTemplate = typeof messageTemplates.$inferSelect;

const TemplateFields = {
  name: z.string().trim().min(2).max(200),
  crisisType: z.enum(CRISIS_TYPES),
  titlePattern: z.string().trim().min(3).max(200),
  severity: z.enum(SEVERITIES),
  firstUpdate: z.string().trim().min(1).max(5000),
  phrases: z.array(z.string().trim().min(1).max(1000)).max(50),
  allClear: z.string().trim().max(5000),
  variants: z.partialRecord(z.enum(PLATFORMS), z.string().trim().min(1).max(5000)),
};

export const CreateTemplateInput = z.object({
  ...TemplateFields,
  phrases: TemplateFields.phrases.default([]),
  allClear: TemplateFields.allClear.default(""),
  variants: TemplateFields.variants.default({}),
});
export const ChangeTemplateInput = z.object(TemplateFields).partial();

const TemplateQuery = z.object({
  includeRetired: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

export async function listTemplates(deps: Pick<Deps, "db">, actor: Actor, raw: unknown = {}) {
  requireCan(actor, "template.read");
  const q = TemplateQuery.parse(raw);
  return deps.db
    .select()
    .from(messageTemplates)
    .where(q.includeRetired ? undefined : isNull(messageTemplates.retiredAt))
    .orderBy(asc(messageTemplates.name));
}

export async function readTemplate(deps: Pick<Deps, "db">, actor: Actor, id: string): Promise<MessageTemplate> {
  requireCan(actor, "template.read");
  return requireTemplate(deps.db, id);
}

async function requireTemplate(db: DbOrTx, id: string): Promise<MessageTemplate> {
  const parsed = z.string().uuid().safeParse(id);
  const [row] = parsed.success
    ? await db.select().from(messageTemplates).where(eq(messageTemplates.id, parsed.data))
    : [];
  if (!row) throw new NotFoundError("template", id);
  return row;
}

export async function createTemplate(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown) {
  requireCan(actor, "template.manage");
  const input = CreateTemplateInput.parse(raw);
  refuseUnknownPlaceholders(textFieldsOf(input));
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(messageTemplates)
      .values({ ...input, createdBy: actor.id || null, createdAt: now, updatedAt: now })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "template.created",
      entityType: "template",
      entityId: created.id,
      after: created,
    });
    return created;
  });
}

export async function changeTemplate(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "template.manage");
  const input = ChangeTemplateInput.parse(raw);
  if (!Object.values(input).some((v) => v !== undefined))
    throw new InvalidInputError("nothing_to_change", "The edit changes no field.");
  refuseUnknownPlaceholders(textFieldsOf(input));
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await requireTemplate(tx, id);
    if (before.retiredAt)
      throw new ConflictError("template_retired", "The template is retired and can no longer be changed.");
    const [after] = await tx
      .update(messageTemplates)
      .set({ ...input, updatedAt: now })
      .where(eq(messageTemplates.id, before.id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "template.changed",
      entityType: "template",
      entityId: after.id,
      before,
      after,
    });
    return after;
  });
}

export async function retireTemplate(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string) {
  requireCan(actor, "template.manage");
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await requireTemplate(tx, id);
    if (before.retiredAt) throw new ConflictError("template_already_retired", "The template is already retired.");
    const [after] = await tx
      .update(messageTemplates)
      .set({ retiredAt: now, updatedAt: now })
      .where(eq(messageTemplates.id, before.id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "template.retired",
      entityType: "template",
      entityId: after.id,
      before,
      after,
    });
    return after;
  });
}

function textFieldsOf(input: z.output<typeof ChangeTemplateInput>): PlaceholderField[] {
  const fields: PlaceholderField[] = [];
  for (const key of ["titlePattern", "firstUpdate", "allClear"] as const) {
    const text = input[key];
    if (text !== undefined) fields.push({ field: key, text });
  }
  for (const [i, text] of (input.phrases ?? []).entries()) fields.push({ field: `phrases.${i}`, text });
  for (const [platform, text] of Object.entries(input.variants ?? {})) {
    if (text !== undefined) fields.push({ field: `variants.${platform}`, text });
  }
  return fields;
}

export function toTemplateView(t: MessageTemplate) {
  return {
    id: t.id,
    name: t.name,
    crisisType: t.crisisType,
    titlePattern: t.titlePattern,
    severity: t.severity,
    firstUpdate: t.firstUpdate,
    phrases: t.phrases,
    allClear: t.allClear,
    variants: t.variants,
    retired: t.retiredAt !== null,
    retiredAt: t.retiredAt,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
