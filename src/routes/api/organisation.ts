// The organisation: its settings (the four-eyes rule) and its graphic profile (name, colours,
// contact lines, guidance, logo). A PATCH may change both; nothing is written unless all of it
// is valid.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { setApprovalRule } from "../../domain/publishing/approvals";
import { describeLanguage, OfferedLanguages } from "../../domain/publishing/languages";
import { getOrganisation, getOrganisationProfile } from "../../domain/publishing/organisation";
import { setOfferedLanguages } from "../../domain/publishing/organisation-languages";
import {
  OrganisationProfileInput,
  setOrganisationLogo,
  updateOrganisationProfile,
} from "../../domain/publishing/organisation-profile";
import { InvalidInputError } from "../../errors";
import { logoPath } from "../../render/brand";
import { readJson } from "./auth";

const OrganisationPatch = OrganisationProfileInput.extend({
  requireApproval: z.boolean().optional(),
  languages: OfferedLanguages.optional(),
}).strict();

async function toOrganisationView(c: { env: AppEnv["Bindings"] }) {
  const { deps } = c.env;
  const [org, profile] = await Promise.all([getOrganisation(deps.db), getOrganisationProfile(deps.db)]);
  const path = logoPath(profile.logo);
  return {
    id: org.id,
    name: profile.name,
    shortName: profile.shortName,
    primaryColour: profile.primaryColour,
    textColour: profile.textColour,
    contactLines: profile.contactLines,
    guidance: profile.guidance,
    logo:
      profile.logo && path
        ? {
            type: profile.logo.type,
            bytes: profile.logo.bytes.byteLength,
            url: deps.config.publicUrl + path,
            updatedAt: profile.logo.updatedAt,
          }
        : null,
    icons: {
      favicon: `${deps.config.publicUrl}/favicon.ico`,
      appleTouchIcon: `${deps.config.publicUrl}/apple-touch-icon.png`,
    },
    requireApproval: org.requireApproval,
    /** Swedish first; each with its name in itself and its writing direction. */
    languages: org.languages,
    languageNames: org.languages.map(describeLanguage),
    deliveriesPausedAt: org.deliveriesPausedAt,
  };
}

export const organisationRoutes = new Hono<AppEnv>()
  .get("/organisation", async (c) => c.json(await toOrganisationView(c)))
  .patch("/organisation", async (c) => {
    const { deps } = c.env;
    // Who may ask comes before what was asked: a viewer learns nothing from a 400.
    requireCan(c.get("actor"), "settings.manage");
    const body = await readJson(c);
    // Everything is checked before anything is written, so a bad field leaves all as it was.
    const { requireApproval, languages, ...profile } = OrganisationPatch.parse(body);
    if (requireApproval === undefined && languages === undefined && !Object.keys(profile).length) {
      throw new InvalidInputError("nothing_to_change", "Give at least one setting or profile field to change.");
    }
    if (Object.keys(profile).length) await updateOrganisationProfile(deps, c.get("actor"), profile);
    if (requireApproval !== undefined) await setApprovalRule(deps, c.get("actor"), { requireApproval });
    if (languages !== undefined) await setOfferedLanguages(deps, c.get("actor"), { languages });
    return c.json(await toOrganisationView(c));
  })
  .put("/organisation/logo", async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    await setOrganisationLogo(c.env.deps, c.get("actor"), { type: c.req.header("content-type") ?? "", bytes });
    return c.json(await toOrganisationView(c));
  });
