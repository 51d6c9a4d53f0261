// /prenumerera: feeds explained, and sign-up by email or SMS with double opt-in. The page itself
// is cached like every public page; the forms post to routes that answer with no-store pages.
// A public form has no session to tie a CSRF token to, so state-changing posts are refused when
// the browser says they come from another site (Origin, Sec-Fetch-Site); the double opt-in is what
// keeps a forged sign-up from ever reaching anyone with more than a confirmation.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { SWEDISH } from "../../domain/publishing/languages";
import { confirmByCode, confirmByLink } from "../../domain/subscribers/confirmation";
import { signUpSubscriber } from "../../domain/subscribers/sign-up";
import { unsubscribeByToken } from "../../domain/subscribers/unsubscribe";
import { AppError } from "../../errors";
import { publicContentSecurityPolicy } from "../../render/content-security-policy";
import { limitRequestRate } from "../rate-limit";
import { publicSite, requestedLanguage } from "./language";
import { notFound, pageData } from "./pages";
import { serveCached } from "./serve-cached";
import { type SubscribeForm, subscribePageData } from "./subscribe-page";

const HTML = "text/html; charset=utf-8";

export const publicSubscribe = new Hono<AppEnv>();

publicSubscribe.get("/prenumerera", (c) =>
  serveCached(c, HTML, async () => {
    const { deps } = c.env;
    const language = requestedLanguage(c);
    if (language === SWEDISH) {
      return { status: 200, body: deps.render.render("public/subscribe", await subscribePageData(deps)) };
    }
    // In the other languages: the feeds, explained in that language. Sign-up by email, SMS and
    // notifications is in Swedish (/prenumerera), which the page links to.
    const base = await publicSite(deps, language, "/prenumerera");
    if (!base) return notFound(deps, (t) => t.addressMissing);
    return {
      status: 200,
      body: deps.render.render("public/feeds-explained", {
        ...base,
        title: base.t.subscribeTitle,
        description: base.t.subscribeDescription(base.orgName),
        canonical: `${base.site}/prenumerera`,
      }),
    };
  }),
);

publicSubscribe.get("/incidents/:slug/prenumerera", (c) =>
  serveCached(c, HTML, async () => {
    const { deps } = c.env;
    const data = await subscribePageData(deps, { incidentSlug: c.req.param("slug") });
    if (!data.incident) return notFound(deps, "Händelsen finns inte eller är avslutad.");
    return { status: 200, body: deps.render.render("public/subscribe", data) };
  }),
);

const signUpRate = limitRequestRate((config) => config.subscribeRateLimit, "text");

for (const [path, channel] of [
  ["/prenumerera/e-post", "email"],
  ["/prenumerera/sms", "sms"],
] as const) {
  publicSubscribe.post(path, signUpRate, async (c) => {
    const refused = refuseCrossSite(c);
    if (refused) return refused;
    const { deps } = c.env;
    const form = await readForm(c);
    const filled: SubscribeForm = {
      channel,
      email: form.email ?? "",
      phone: form.phone ?? "",
      incident: form.incident ?? "",
      language: form.language ?? "sv",
    };
    try {
      const answer = await signUpSubscriber(deps, {
        channel,
        address: (channel === "email" ? form.email : form.phone) ?? "",
        incident: filled.incident,
        language: filled.language,
      });
      if (channel === "email") {
        return step(c, 200, "Bekräfta i din e-post", [
          "Om adressen kan ta emot e-post har vi skickat ett meddelande med en länk. Öppna länken för att bekräfta att du vill ha uppdateringarna.",
          "Du får inga uppdateringar förrän du har bekräftat. Länken gäller i 24 timmar. Hittar du inte meddelandet, titta i skräpposten.",
        ]);
      }
      return step(
        c,
        200,
        "Skriv in koden från SMS:et",
        ["Om numret kan ta emot SMS har vi skickat en kod med sex siffror. Skriv in den här för att bekräfta."],
        { codeForm: { action: `${deps.config.publicUrl}/prenumerera/sms/kod`, ticket: answer.ticket, error: "" } },
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      const fieldErrors = (error.fields ?? []).map((f) =>
        f.field === "address" ? (channel === "email" ? "email" : "phone") : f.field,
      );
      const data = await subscribePageData(deps, { filled, fieldErrors });
      return page(
        c,
        400,
        deps.render.render("public/subscribe", { ...data, title: `Fel i formuläret: ${data.title}` }),
      );
    }
  });
}

publicSubscribe.post("/prenumerera/sms/kod", signUpRate, async (c) => {
  const refused = refuseCrossSite(c);
  if (refused) return refused;
  const { deps } = c.env;
  const form = await readForm(c);
  const retry = (error: string) =>
    step(c, 400, "Skriv in koden från SMS:et", [], {
      codeForm: { action: `${deps.config.publicUrl}/prenumerera/sms/kod`, ticket: form.ticket ?? "", error },
    });
  try {
    const outcome = await confirmByCode(deps, form);
    if (outcome === "confirmed") return confirmed(c);
    if (outcome === "unknown") return expired(c);
    return retry("Koden stämmer inte. Kontrollera siffrorna, eller börja om om koden är äldre än ett dygn.");
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return retry("Skriv de sex siffrorna från SMS:et.");
    throw error;
  }
});

// A mail program or a virus scanner may open the link by itself: the GET only shows a button.
publicSubscribe.get("/prenumerera/bekrafta/:token", (c) =>
  step(c, 200, "Bekräfta prenumerationen", ["Tryck på knappen för att börja få krisinformation via e-post."], {
    button: { action: `${c.env.deps.config.publicUrl}${c.req.path}`, label: "Bekräfta prenumerationen" },
  }),
);

publicSubscribe.post("/prenumerera/bekrafta/:token", signUpRate, async (c) => {
  const refused = refuseCrossSite(c);
  if (refused) return refused;
  const outcome = await confirmByLink(c.env.deps, c.req.param("token"));
  return outcome === "confirmed" ? confirmed(c) : expired(c);
});

publicSubscribe.get("/avsluta/:token", (c) =>
  step(
    c,
    200,
    "Avsluta prenumerationen",
    ["Tryck på knappen så får du inga fler meddelanden, och din adress eller ditt nummer raderas."],
    {
      button: { action: `${c.env.deps.config.publicUrl}${c.req.path}`, label: "Avsluta prenumerationen" },
    },
  ),
);

// RFC 8058: the mail program POSTs List-Unsubscribe=One-Click to the List-Unsubscribe URL, from its
// own servers and without cookies; the token in the path is the whole authority, so no origin check.
publicSubscribe.post("/avsluta/:token", async (c) => {
  await unsubscribeByToken(c.env.deps, c.req.param("token"));
  return step(c, 200, "Prenumerationen är avslutad", [
    "Du får inga fler meddelanden från oss, och din adress eller ditt nummer är raderat.",
    "Du kan alltid följa krisinformationen på webbplatsen eller prenumerera igen.",
  ]);
});

function confirmed(c: Context<AppEnv>) {
  return step(c, 200, "Klart! Du prenumererar nu", [
    "Du får ett meddelande varje gång vi publicerar en uppdatering. Varje meddelande har en länk för att avsluta.",
  ]);
}

function expired(c: Context<AppEnv>) {
  return step(c, 410, "Länken eller koden gäller inte längre", [
    "Den kan ha gått ut (den gäller i 24 timmar), redan ha använts, eller ha ersatts av en nyare anmälan. Anmäl dig igen på sidan Prenumerera.",
  ]);
}

interface StepExtras {
  codeForm?: { action: string; ticket: string; error: string };
  button?: { action: string; label: string };
}

async function step(
  c: Context<AppEnv>,
  status: 200 | 400 | 410,
  heading: string,
  paragraphs: string[],
  extras: StepExtras = {},
) {
  const { deps } = c.env;
  const body = deps.render.render("public/subscription-step", {
    ...(await pageData(deps)),
    title: heading,
    heading,
    paragraphs,
    ...extras,
  });
  return page(c, status, body);
}

async function page(c: Context<AppEnv>, status: 200 | 400 | 410, body: string) {
  return c.html(body, status, {
    "cache-control": "no-store",
    "content-security-policy": await publicContentSecurityPolicy(body),
    // Tokens in these paths never leave in a Referer to another site; "no-referrer" would also make
    // the browser send "Origin: null" on the next form post, which the cross-site check refuses.
    "referrer-policy": "same-origin",
  });
}

async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return {};
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await c.req.text())) form[name] = value;
  return form;
}

/** A form posted from another site (a forged sign-up or confirmation) is refused with 403. */
function refuseCrossSite(c: Context<AppEnv>): Response | null {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const ours = new URL(c.env.deps.config.publicUrl).origin;
  const crossSite = (site && site !== "same-origin" && site !== "none") || (origin && origin !== ours);
  if (!crossSite) return null;
  return c.text("Formuläret måste skickas från den här webbplatsen.", 403, { "cache-control": "no-store" });
}
