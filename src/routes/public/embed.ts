// The crisis banner's three addresses (see render/crisis-banner.ts): /embed.js for sites that
// take a script, /embed for an <iframe>, /embed.json for both and for anyone's own rendering.
// All are cached like the public pages (ETag, 304); /embed.json may be read from any origin and
// /embed alone may be framed by another site.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { loadCrisisBanner } from "../../domain/publishing/crisis-banner";
import { EMBED_SCRIPT, renderEmbedPage } from "../../render/crisis-banner";
import { serveCached } from "./serve-cached";

function loadBanner(c: Context<AppEnv>) {
  const { deps } = c.env;
  return loadCrisisBanner(deps.db, deps.now(), deps.config.publicUrl);
}

/** Hono's headers on a Response already made by serveCached: copied, so the cached one is untouched. */
function withHeaders(res: Response, headers: Record<string, string>): Response {
  const copy = new Response(res.body, res);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

export const publicEmbed = new Hono<AppEnv>();

publicEmbed.get("/embed.json", async (c) => {
  const res = await serveCached(c, "application/json; charset=utf-8", async () => ({
    status: 200,
    body: JSON.stringify(await loadBanner(c)),
  }));
  return withHeaders(res, { "access-control-allow-origin": "*" });
});

publicEmbed.get("/embed", async (c) => {
  const res = await serveCached(c, "text/html; charset=utf-8", async () => ({
    status: 200,
    body: renderEmbedPage(await loadBanner(c)),
  }));
  // The one public page another site may frame; every other page keeps frame-ancestors 'none'.
  const policy = res.headers.get("content-security-policy");
  return policy
    ? withHeaders(res, { "content-security-policy": policy.replace("frame-ancestors 'none'", "frame-ancestors *") })
    : res;
});

publicEmbed.get("/embed.js", (c) =>
  serveCached(c, "text/javascript; charset=utf-8", async () => ({ status: 200, body: EMBED_SCRIPT })),
);
