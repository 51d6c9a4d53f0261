// The organisation's profile as templates use it: its name, colours as CSS custom properties,
// the logo's address, contact lines and the guidance every public page shows.
import { DEFAULT_GUIDANCE, type GuidanceLine, type OrganisationProfile } from "../domain/publishing/organisation";

export interface BrandView {
  name: string;
  shortName: string;
  primaryColour: string;
  textColour: string;
  /** Absolute address of the logo, or null when none was uploaded. */
  logoUrl: string | null;
  /** /favicon.svg exists: an SVG logo, or the default icon. */
  svgIcon: boolean;
  contactLines: string[];
  guidance: GuidanceLine[];
}

export function logoPath(logo: OrganisationProfile["logo"]): string | null {
  if (!logo) return null;
  return logo.type === "image/svg+xml" ? "/logo.svg" : "/logo.png";
}

export function toBrandView(profile: OrganisationProfile, publicUrl: string): BrandView {
  const path = logoPath(profile.logo);
  return {
    name: profile.name,
    shortName: profile.shortName,
    primaryColour: profile.primaryColour,
    textColour: profile.textColour,
    logoUrl: path ? publicUrl + path : null,
    svgIcon: !profile.logo || profile.logo.type === "image/svg+xml",
    contactLines: profile.contactLines,
    guidance: profile.guidance,
  };
}

/** What a page shows when the database cannot be asked (the error pages): the hub's defaults. */
export function fallbackBrandView(name: string): BrandView {
  return {
    name,
    shortName: name,
    primaryColour: "#0b2f52",
    textColour: "#ffffff",
    logoUrl: null,
    svgIcon: true,
    contactLines: [],
    guidance: [...DEFAULT_GUIDANCE],
  };
}
