// The logo and the icons derived from it: /favicon.ico (one 32-pixel PNG inside an .ico),
// /favicon.png, /favicon.svg (only when the logo is SVG, or for the default icon), and
// /apple-touch-icon.png (180 pixels). Without a logo the icons are an "i" on the primary colour.
// Renderings are kept per process, keyed by what they were drawn from.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { sha256Hex } from "../../domain/accounts/secrets";
import { getOrganisationProfile, type OrganisationProfile } from "../../domain/publishing/organisation";
import { defaultIconSvg, pngToIco, rasteriseLogo, squareIconSvg } from "../../render/rasterise-logo";

/** Short enough that a new logo shows within minutes; long enough to spare the server. */
const ICON_CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=3600, stale-if-error=86400";
/** An SVG opened on its own is a document: it may not run or load anything. */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const FAVICON_SIZE = 32;
const TOUCH_ICON_SIZE = 180;
const MAX_KEPT = 32;

const kept = new Map<string, Uint8Array>();

function iconSource(profile: OrganisationProfile, size: number): string {
  if (!profile.logo) return defaultIconSvg(profile.primaryColour, profile.textColour);
  return squareIconSvg(profile.logo, size, profile.primaryColour);
}

async function drawIcon(profile: OrganisationProfile, size: number): Promise<Uint8Array> {
  const source = iconSource(profile, size);
  const key = `${size}:${await sha256Hex(source)}`;
  const hit = kept.get(key);
  if (hit) return hit;
  const png = await rasteriseLogo(source, size);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(key, png);
  return png;
}

async function sendImage(c: Context<AppEnv>, type: string, bytes: Uint8Array | string) {
  const etag = `"${(await sha256Hex(bytes)).slice(0, 32)}"`;
  const headers: Record<string, string> = {
    "content-type": type,
    etag,
    "cache-control": ICON_CACHE_CONTROL,
    "x-content-type-options": "nosniff",
  };
  if (type.startsWith("image/svg+xml")) headers["content-security-policy"] = SVG_POLICY;
  if (c.req.header("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === "HEAD" ? null : (bytes as BodyInit), { status: 200, headers });
}

function noImage(c: Context<AppEnv>) {
  return c.text("Ingen sådan bild.", 404, { "cache-control": "public, max-age=60" });
}

const profileOf = (c: Context<AppEnv>) => getOrganisationProfile(c.env.deps.db);

export const publicIcons = new Hono<AppEnv>()
  .get("/logo.svg", async (c) => {
    const { logo } = await profileOf(c);
    return logo?.type === "image/svg+xml" ? sendImage(c, logo.type, logo.bytes) : noImage(c);
  })
  .get("/logo.png", async (c) => {
    const { logo } = await profileOf(c);
    return logo?.type === "image/png" ? sendImage(c, logo.type, logo.bytes) : noImage(c);
  })
  .get("/favicon.svg", async (c) => {
    const profile = await profileOf(c);
    if (profile.logo?.type === "image/png") return noImage(c);
    const svg = profile.logo ? profile.logo.bytes : defaultIconSvg(profile.primaryColour, profile.textColour);
    return sendImage(c, "image/svg+xml", svg);
  })
  .get("/favicon.png", async (c) => sendImage(c, "image/png", await drawIcon(await profileOf(c), FAVICON_SIZE)))
  .get("/favicon.ico", async (c) =>
    sendImage(c, "image/x-icon", pngToIco(await drawIcon(await profileOf(c), FAVICON_SIZE), FAVICON_SIZE)),
  )
  .get("/apple-touch-icon.png", async (c) =>
    sendImage(c, "image/png", await drawIcon(await profileOf(c), TOUCH_ICON_SIZE)),
  );
