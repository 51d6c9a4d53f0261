// Uploaded images at /media/:id. A stored image never changes (an edit uploads a new one), so it
// is cached for a year everywhere and its ETag is the hash of its bytes.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { findMedia } from "../../domain/publishing/media";
import { notFound } from "./pages";

export const IMMUTABLE = "public, max-age=31536000, immutable";

export const publicMedia = new Hono<AppEnv>().get("/media/:id", async (c) => {
  const { deps } = c.env;
  const row = await findMedia(deps.db, c.req.param("id"));
  if (!row) {
    const page = await notFound(deps, "Bilden finns inte.");
    return c.html(page.body, 404, { "cache-control": "public, max-age=10" });
  }
  const etag = `"${row.sha256}"`;
  const headers = {
    "content-type": row.type,
    "cache-control": IMMUTABLE,
    etag,
    "x-content-type-options": "nosniff",
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(row.bytes.slice().buffer, 200, headers);
});
