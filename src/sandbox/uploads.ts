// Files as the stand-ins receive them: a multipart field (Mastodon, X) or a raw body (a Bluesky
// blob, a LinkedIn upload URL), read with Hono's own parsers as the real servers would read them.
import type { Context } from "hono";

export interface Upload {
  bytes: Uint8Array;
  type: string;
}

/** The file in a multipart field, with the other fields; undefined when the field holds no file. */
export async function readMultipartFile(
  c: Context,
  field: string,
): Promise<{ file?: Upload; fields: Record<string, string> }> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) return { fields: {} };
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, string | File>);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") fields[name] = value;
  const value = body[field];
  if (!(value instanceof File)) return { fields };
  return { file: { bytes: new Uint8Array(await value.arrayBuffer()), type: value.type }, fields };
}

export async function readRawUpload(c: Context): Promise<Upload> {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim();
  return { bytes: new Uint8Array(await c.req.arrayBuffer()), type };
}

export function isImage(upload: Upload): boolean {
  return upload.type.startsWith("image/") && upload.bytes.length > 0;
}
