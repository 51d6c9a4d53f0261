// What the crisis banner on the municipality's own website shows: the active incidents, each
// with its title, the time of its latest update and its address, in the organisation's colours.
// Nothing active means an empty list, and the banner shows nothing at all.
import type { DbOrTx } from "../../db/client";
import { incidentUrl } from "./links";
import { getOrganisationProfile } from "./organisation";
import { loadHomePage } from "./public-view";

export interface CrisisBanner {
  organisation: string;
  primaryColour: string;
  textColour: string;
  incidents: { title: string; url: string; severity: string; updatedAt: string }[];
}

export async function loadCrisisBanner(db: DbOrTx, now: Date, publicUrl: string): Promise<CrisisBanner> {
  const [profile, home] = await Promise.all([getOrganisationProfile(db), loadHomePage(db, now)]);
  return {
    organisation: profile.name,
    primaryColour: profile.primaryColour,
    textColour: profile.textColour,
    incidents: home.active.map(({ incident, latest }) => ({
      title: incident.title,
      url: incidentUrl(publicUrl, incident.slug),
      severity: incident.severity,
      updatedAt: (latest?.editedAt ?? latest?.publishedAt ?? incident.updatedAt).toISOString(),
    })),
  };
}
