// Images that go along with a post. Platforms that fetch an image themselves (Meta, Telegram) get
// its URL; the others need the file uploaded first, and its bytes come with the post (the
// dispatcher reads uploads from the media table) or, for an image elsewhere, from its URL.
import { failure } from "./http";
import type { AdapterContext, Composed, FailureResult, PostImage } from "./types";

export interface ImageFile {
  bytes: Uint8Array;
  type: string;
}

export type ImageRead = { ok: true; file: ImageFile } | FailureResult;

/**
 * The image's bytes. A fetch that fails says nothing about the post, which was never sent: a
 * server's trouble is tried again, an image that is not there (or is not an image) stops.
 */
export async function readImageFile(
  ctx: AdapterContext,
  image: Pick<PostImage, "url" | "bytes" | "type">,
): Promise<ImageRead> {
  if (image.bytes) return { ok: true, file: { bytes: image.bytes, type: image.type ?? sniffImageType(image.bytes) } };
  let res: Response;
  try {
    res = await ctx.send(image.url, { headers: { accept: "image/*" } });
  } catch (error) {
    return failure("retry", `Bilden kunde inte hämtas från ${image.url}: ${(error as Error).message}`);
  }
  if (res.status === 408 || res.status === 429 || res.status >= 500)
    return failure("retry", `Bilden kunde inte hämtas från ${image.url} (HTTP ${res.status})`);
  if (!res.ok) return failure("invalid", `Bilden kunde inte hämtas från ${image.url} (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const declared = (res.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const type = declared.startsWith("image/") ? declared : sniffImageType(bytes);
  if (!type.startsWith("image/")) return failure("invalid", `${image.url} är ingen bild (${declared || "okänd typ"})`);
  return { ok: true, file: { bytes, type } };
}

/**
 * An upload, or any request made only to prepare the post, that got no answer created no post:
 * it is tried again like any other failure ("retry"), never left for a person as "unconfirmed".
 */
export function asPreparatory<T extends { ok: boolean }>(res: T | FailureResult): T | FailureResult {
  if (!res.ok && (res as FailureResult).class === "unconfirmed") return { ...(res as FailureResult), class: "retry" };
  return res;
}

/** What the preview shows and publish sends: the image, and whether the platform takes its alt text. */
export function attachImage(composed: Composed, image: PostImage | undefined, altSent: boolean): Composed {
  if (image) composed.image = { ...image, altSent };
  return composed;
}

export function fileName(type: string): string {
  return `bild.${type.split("/")[1]?.replace("jpeg", "jpg") || "bin"}`;
}

/** The type from the file's first bytes, for an image whose type was not given. */
export function sniffImageType(bytes: Uint8Array): string {
  const starts = (...values: number[]) => values.every((v, i) => bytes[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.slice(8, 12)) === "WEBP") return "image/webp";
  return "application/octet-stream";
}
