// Uploaded images. Nothing is stored as it arrived: the file is decoded and encoded again, which
// leaves EXIF (GPS positions are personal data), XMP and comments behind, and a photo larger than
// a post needs is scaled down. The stored row is what /media/:id serves and the archive keeps.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { media, type UpdateImage } from "../../db/schema";
import type { Deps } from "../../deps";
import { InvalidInputError, NotFoundError, UnsupportedMediaTypeError } from "../../errors";
import { IMAGE_TYPES, type ImageType, UndecodableImageError } from "../../render/imaging";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";

/** Longer sides are scaled down: every platform we post to shows less than this. */
export const MAX_IMAGE_SIDE = 2048;

export type Media = typeof media.$inferSelect;

export interface UploadedImage {
  id: string;
  url: string;
  width: number;
  height: number;
  type: string;
}

export function mediaPath(id: string): string {
  return `/media/${encodeURIComponent(id)}`;
}

export function mediaUrl(publicUrl: string, id: string): string {
  return publicUrl + mediaPath(id);
}

/** An update's image: one uploaded here (mediaId) or, as before uploads existed, any public URL. */
export const UpdateImageInput = z.union([
  z.object({ mediaId: z.string().uuid(), alt: z.string().trim().min(1).max(1000) }).strict(),
  z.object({ url: z.string().url(), alt: z.string().trim().min(1).max(1000) }).strict(),
]);
export type UpdateImageInput = z.output<typeof UpdateImageInput>;

export function parseImageType(contentType: string | undefined): ImageType {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if ((IMAGE_TYPES as readonly string[]).includes(type)) return type as ImageType;
  throw new UnsupportedMediaTypeError(
    "image_type_unsupported",
    `Upload a JPEG, PNG or WebP image (Content-Type image/jpeg, image/png or image/webp), not "${type || "nothing"}".`,
    { params: { type: type || "" } },
  );
}

export async function uploadImage(
  deps: Pick<Deps, "db" | "now" | "imaging" | "config">,
  actor: Actor,
  upload: { contentType: string | undefined; bytes: Uint8Array },
): Promise<UploadedImage> {
  requireCan(actor, "update.post");
  const type = parseImageType(upload.contentType);
  const clean = await deps.imaging.cleanImage(upload.bytes, type, MAX_IMAGE_SIDE).catch((error) => {
    if (error instanceof UndecodableImageError)
      throw new InvalidInputError("image_undecodable", `The file is not a readable ${type} image.`, {
        fields: [{ field: "(body)", code: "image_undecodable", message: "not a readable image" }],
      });
    throw error;
  });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", clean.bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const now = deps.now();
  const row = await deps.db.transaction(async (tx) => {
    const [stored] = await tx
      .insert(media)
      .values({ ...clean, sha256, uploadedBy: actor.id || null, createdAt: now })
      .returning({ id: media.id });
    await recordAudit(tx, actor, now, {
      action: "media.uploaded",
      entityType: "media",
      entityId: stored.id,
      after: { type: clean.type, width: clean.width, height: clean.height, sha256 },
    });
    return stored;
  });
  return { id: row.id, url: mediaUrl(deps.config.publicUrl, row.id), ...pick(clean) };
}

function pick(c: { width: number; height: number; type: string }) {
  return { width: c.width, height: c.height, type: c.type };
}

export async function findMedia(db: DbOrTx, id: string): Promise<Media | null> {
  if (!z.string().uuid().safeParse(id).success) return null;
  const [row] = await db.select().from(media).where(eq(media.id, id));
  return row ?? null;
}

export async function requireMedia(db: DbOrTx, id: string): Promise<Media> {
  const row = await findMedia(db, id);
  if (!row) throw new NotFoundError("media", id);
  return row;
}

/** What an update stores: an uploaded image keeps its id, so its URL follows the hub's public URL. */
export async function resolveUpdateImage(
  db: DbOrTx,
  publicUrl: string,
  image: UpdateImageInput | undefined,
): Promise<UpdateImage | null> {
  if (!image) return null;
  if ("url" in image) return { url: image.url, alt: image.alt };
  const [row] = await db.select({ id: media.id }).from(media).where(eq(media.id, image.mediaId));
  if (!row)
    throw new InvalidInputError("media_unknown", `No uploaded image ${image.mediaId}.`, {
      fields: [{ field: "image.mediaId", code: "media_unknown", message: "no such uploaded image" }],
    });
  return { url: mediaUrl(publicUrl, row.id), alt: image.alt, mediaId: row.id };
}

/** The image URL to send: an uploaded one is always served from this hub. */
export function imageUrlOf(image: UpdateImage, publicUrl: string): string {
  return image.mediaId ? mediaUrl(publicUrl, image.mediaId) : image.url;
}
