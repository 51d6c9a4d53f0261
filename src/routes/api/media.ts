// Image uploads: the body is the image itself (Content-Type image/jpeg, image/png or image/webp),
// up to KRISKANAL_MAX_UPLOAD_BYTES (routes/body-limit.ts lets this route read that far).
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { uploadImage } from "../../domain/publishing/media";

export const mediaRoutes = new Hono<AppEnv>().post("/media", async (c) => {
  const { deps } = c.env;
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const uploaded = await uploadImage(deps, c.get("actor"), { contentType: c.req.header("content-type"), bytes });
  return c.json(uploaded, 201);
});
