// The organisation's graphic profile (MISSION R13): name, colours, contact lines, the guidance
// every public page shows, and the logo. Admins change it; every public page, feed, staff page
// and crisis card reads it through getOrganisationProfile (organisation.ts).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { organisations } from "../../db/schema";
import type { Deps } from "../../deps";
import { type ErrorCode, InvalidInputError } from "../../errors";
import { sha256Hex } from "../accounts/secrets";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { signalCommittedChange } from "./after-commit";
import { AA_NORMAL_TEXT, contrastRatio, normaliseHexColour } from "./contrast";
import {
  checkPngLogo,
  checkSvgLogo,
  InvalidPngError,
  LOGO_MAX_BYTES,
  type LogoType,
  UnsafeSvgError,
} from "./logo-check";
import { bumpPublicRevision, type GuidanceLine, getOrganisation } from "./organisation";
import { SITE_WIDE_PATHS } from "./public-paths";

const colour = z.string().transform((raw, ctx) => {
  const hex = normaliseHexColour(raw);
  if (!hex) ctx.addIssue({ code: "custom", message: "A colour is written #rrggbb or #rgb." });
  return hex ?? raw;
});

const link = z
  .string()
  .trim()
  .max(500)
  .refine((url) => /^(https:\/\/[^\s]+|tel:\+?[0-9 -]+|mailto:[^\s@]+@[^\s@]+)$/.test(url), {
    message: "A link is an https:, tel: or mailto: address.",
  });

export const OrganisationProfileInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    shortName: z.string().trim().min(1).max(40).nullable(),
    primaryColour: colour,
    textColour: colour,
    contactLines: z.array(z.string().trim().min(1).max(200)).max(6),
    /** null puts back the default guidance (112, 113 13, krisinformation.se). */
    guidance: z
      .array(z.object({ text: z.string().trim().min(1).max(200), url: link.optional() }).strict())
      .min(1)
      .max(6)
      .nullable(),
  })
  .partial()
  .strict();
export type OrganisationProfileInput = z.infer<typeof OrganisationProfileInput>;

/** The profile fields of a body that may carry other organisation settings too. */
export function pickProfileFields(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== "object") return {};
  const keys = Object.keys(OrganisationProfileInput.shape);
  return Object.fromEntries(Object.entries(raw).filter(([key]) => keys.includes(key)));
}

function refuseLowContrast(text: string, background: string) {
  const ratio = contrastRatio(text, background);
  if (ratio >= AA_NORMAL_TEXT) return;
  const shown = ratio.toFixed(2);
  const params = { foreground: text, background, ratio: shown, required: AA_NORMAL_TEXT };
  throw new InvalidInputError(
    "colour_contrast_too_low",
    `Text colour ${text} on primary colour ${background} has a contrast of ${shown}:1; WCAG 2.1 AA needs ${AA_NORMAL_TEXT}:1.`,
    {
      params,
      fields: [
        { field: "textColour", code: "colour_contrast_too_low", message: "Too little contrast.", params },
        { field: "primaryColour", code: "colour_contrast_too_low", message: "Too little contrast.", params },
      ],
    },
  );
}

export async function updateOrganisationProfile(
  deps: Pick<Deps, "db" | "now" | "signalDeliveries" | "onPublicChange">,
  actor: Actor,
  raw: unknown,
) {
  requireCan(actor, "settings.manage");
  const input = OrganisationProfileInput.parse(raw);
  if (!Object.keys(input).length) {
    throw new InvalidInputError("nothing_to_change", "Give at least one field of the profile to change.");
  }
  const now = deps.now();
  const after = await deps.db.transaction(async (tx) => {
    const before = await getOrganisation(tx);
    const next = { ...pickProfile(before), ...input };
    refuseLowContrast(next.textColour, next.primaryColour);
    const [row] = await tx.update(organisations).set(input).where(eq(organisations.id, before.id)).returning();
    await bumpPublicRevision(tx);
    await recordAudit(tx, actor, now, {
      action: "organisation.profile_changed",
      entityType: "organisation",
      entityId: before.id,
      before: pickProfile(before),
      after: pickProfile(row),
    });
    return row;
  });
  signalCommittedChange(deps, { publicPaths: SITE_WIDE_PATHS });
  return after;
}

function pickProfile(org: {
  name: string;
  shortName: string | null;
  primaryColour: string;
  textColour: string;
  contactLines: string[];
  guidance: GuidanceLine[] | null;
}) {
  const { name, shortName, primaryColour, textColour, contactLines, guidance } = org;
  return { name, shortName, primaryColour, textColour, contactLines, guidance };
}

function refuseLogo(code: ErrorCode & ("logo_unsafe" | "logo_type_unsupported" | "logo_invalid"), message: string) {
  return new InvalidInputError(code, message, {
    params: { reason: message },
    fields: [{ field: "logo", code, message, params: { reason: message } }],
  });
}

/** Checks and stores a new logo; the favicon and touch icon are derived from it when served. */
export async function setOrganisationLogo(
  deps: Pick<Deps, "db" | "now" | "signalDeliveries" | "onPublicChange">,
  actor: Actor,
  input: { type: string; bytes: Uint8Array },
) {
  requireCan(actor, "settings.manage");
  const type = input.type.split(";")[0].trim().toLowerCase();
  if (type !== "image/svg+xml" && type !== "image/png") {
    throw refuseLogo("logo_type_unsupported", `A logo is image/svg+xml or image/png, not ${type || "nothing"}.`);
  }
  if (input.bytes.byteLength > LOGO_MAX_BYTES) {
    throw new InvalidInputError("logo_too_large", `A logo is at most ${LOGO_MAX_BYTES} bytes.`, {
      params: { maxBytes: LOGO_MAX_BYTES },
      fields: [{ field: "logo", code: "logo_too_large", message: "Too large.", params: { maxBytes: LOGO_MAX_BYTES } }],
    });
  }
  try {
    if (type === "image/svg+xml") checkSvgLogo(new TextDecoder("utf-8", { fatal: true }).decode(input.bytes));
    else checkPngLogo(input.bytes);
  } catch (error) {
    if (error instanceof UnsafeSvgError) throw refuseLogo("logo_unsafe", `The SVG logo was refused: ${error.reason}.`);
    if (error instanceof InvalidPngError)
      throw refuseLogo("logo_invalid", `The PNG logo was refused: ${error.message}.`);
    if (error instanceof TypeError) throw refuseLogo("logo_invalid", "The SVG logo is not UTF-8 text.");
    throw error;
  }
  const now = deps.now();
  const sha256 = await sha256Hex(input.bytes);
  const logo = { type: type as LogoType, bytes: input.bytes.byteLength, sha256 };
  await deps.db.transaction(async (tx) => {
    const before = await getOrganisation(tx);
    await tx
      .update(organisations)
      .set({ logoType: logo.type, logoBytes: input.bytes, logoUpdatedAt: now })
      .where(eq(organisations.id, before.id));
    await bumpPublicRevision(tx);
    await recordAudit(tx, actor, now, {
      action: "organisation.logo_changed",
      entityType: "organisation",
      entityId: before.id,
      before: before.logoType ? { type: before.logoType, bytes: before.logoBytes?.byteLength ?? 0 } : null,
      after: logo,
    });
  });
  signalCommittedChange(deps, { publicPaths: SITE_WIDE_PATHS });
  return { ...logo, updatedAt: now };
}
