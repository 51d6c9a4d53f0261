// Organisation settings for admins: the four-eyes rule (a second person approves every update
// before it is published, urgent ones excepted and logged).
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { setApprovalRule } from "../../domain/publishing/approvals";
import { getOrganisation, getOrganisationProfile } from "../../domain/publishing/organisation";
import { setOrganisationLogo, updateOrganisationProfile } from "../../domain/publishing/organisation-profile";
import type { FieldError } from "../../errors";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const NOTICES: Record<string, string> = {
  pa: "Fyra ögon gäller nu: varje uppdatering väntar tills en kollega har godkänt den.",
  av: "Fyra ögon gäller inte längre: uppdateringar publiceras direkt.",
  profil: "Profilen är sparad. Webbplatsen, flödena och personalsidorna visar den nu.",
  logotyp: "Logotypen är sparad. Favikon och ikoner tas fram ur den.",
};

const PROFILE_MESSAGES: Record<string, string> = {
  name: "Skriv organisationens namn (högst 120 tecken).",
  shortName: "Kortnamnet får vara högst 40 tecken.",
  primaryColour: "Skriv huvudfärgen som #rrggbb, till exempel #0b2f52.",
  textColour: "Skriv textfärgen som #rrggbb, till exempel #ffffff.",
  contactLines: "Högst sex kontaktrader, var och en högst 200 tecken.",
  guidance: "Högst sex rader med råd. En länk skrivs efter ett lodstreck: text | https://… eller tel:…",
};

/** One line of text per entry; "text | link" gives the line a link. */
function guidanceLines(raw: string) {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.map((line) => {
    const [text, url] = line.split("|").map((part) => part.trim());
    return url ? { text, url } : { text };
  });
}

async function settingsPage(c: Context<AppEnv>, errors: FieldError[] = [], status: PageStatus = 200) {
  requireCan(c.get("actor"), "settings.manage");
  const org = await getOrganisation(c.env.deps.db);
  return renderPage(
    c,
    "staff/settings",
    {
      title: "Inställningar",
      section: "settings",
      requireApproval: org.requireApproval,
      profile: await getOrganisationProfile(c.env.deps.db),
      notice: NOTICES[c.req.query("klart") ?? ""],
      errors,
    },
    status,
  );
}

export const settingsPages = new Hono<AppEnv>()
  .get("/settings", (c) => settingsPage(c))
  .post("/settings/profile", async (c) => {
    const form = await readForm(c.req);
    try {
      await updateOrganisationProfile(c.env.deps, c.get("actor"), {
        name: text(form, "name"),
        shortName: text(form, "shortName") || null,
        primaryColour: text(form, "primaryColour"),
        textColour: text(form, "textColour"),
        contactLines: text(form, "contactLines")
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean),
        guidance: text(form, "guidance") ? guidanceLines(text(form, "guidance")) : null,
      });
      return c.redirect("/staff/settings?klart=profil", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, PROFILE_MESSAGES, "name");
      if (!errors) throw error;
      return settingsPage(c, errors, errorStatus(error));
    }
  })
  .post("/settings/logo", async (c) => {
    const body = await c.req.parseBody();
    const file = body.logo;
    try {
      const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
      await setOrganisationLogo(c.env.deps, c.get("actor"), { type: file instanceof File ? file.type : "", bytes });
      return c.redirect("/staff/settings?klart=logotyp", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, { logo: "Välj en SVG- eller PNG-fil." }, "logo");
      if (!errors) throw error;
      return settingsPage(c, errors, errorStatus(error));
    }
  })
  .post("/settings/approval", async (c) => {
    const choice = text(await readForm(c.req), "requireApproval");
    try {
      // Anything but the two choices is left to the domain to refuse.
      const requireApproval = choice === "on" ? true : choice === "off" ? false : choice;
      const org = await setApprovalRule(c.env.deps, c.get("actor"), { requireApproval });
      return c.redirect(`/staff/settings?klart=${org.requireApproval ? "pa" : "av"}`, 303);
    } catch (error) {
      const errors = toSwedishErrors(
        error,
        { requireApproval: "Välj om uppdateringar ska godkännas av en kollega." },
        "requireApproval",
      );
      if (!errors) throw error;
      return settingsPage(c, errors, errorStatus(error));
    }
  });
