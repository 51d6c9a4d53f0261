// The staff interface's stylesheet and its two small progressive enhancements, served as text so
// that the same bundle runs on Workers. Every page works without the scripts: the compose form
// has a Preview button and the delivery board a Refresh link.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { getOrganisationProfile } from "../../domain/publishing/organisation";
import { REPORT_CSS } from "../../render/report-css";
import { BOARD_JS } from "./assets/board-js";
import { PREVIEW_JS } from "./assets/preview-js";
import { STAFF_CSS } from "./assets/staff-css";

const ASSETS: Record<string, { type: string; body: string }> = {
  "staff.css": { type: "text/css; charset=utf-8", body: STAFF_CSS },
  "report.css": { type: "text/css; charset=utf-8", body: REPORT_CSS },
  "preview.js": { type: "text/javascript; charset=utf-8", body: PREVIEW_JS },
  "board.js": { type: "text/javascript; charset=utf-8", body: BOARD_JS },
};

export const staffAssets = new Hono<AppEnv>()
  // The organisation's colours: a stylesheet rather than inline styles, which the staff CSP forbids.
  .get("/organisation.css", async (c) => {
    const profile = await getOrganisationProfile(c.env.deps.db);
    return c.body(organisationCss(profile.primaryColour, profile.textColour), 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "private, no-cache",
      "x-content-type-options": "nosniff",
    });
  })
  .get("/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.text("Finns inte.", 404);
    return c.body(asset.body, 200, { "content-type": asset.type, "x-content-type-options": "nosniff" });
  });

/** Colours come from the profile, already checked as #rrggbb, so nothing else can enter the sheet. */
function organisationCss(primary: string, text: string): string {
  return [
    `:root{--brand:${primary};--brand-text:${text}}`,
    "header.staff{background:var(--brand);color:var(--brand-text)}",
    "header.staff a,header.staff button.link,header.staff .who{color:var(--brand-text)}",
    "header.staff .brand img{height:2rem;width:auto;max-width:8rem;vertical-align:middle}",
    ".logo-preview{max-height:6rem;max-width:16rem;border:1px solid var(--line);padding:.5rem;background:#fff}",
    "",
  ].join("\n");
}
