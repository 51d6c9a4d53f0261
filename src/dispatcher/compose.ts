// What an update says on one account, built the same way for the preview and for the real send:
// always from the update's current text, so a post that waited in the queue goes out corrected.

import { cardUrl } from "../domain/publishing/cards";
import type { Incident } from "../domain/publishing/incidents";
import { localisedUpdateUrl } from "../domain/publishing/links";
import { imageUrlOf } from "../domain/publishing/media";
import type { Update } from "../domain/publishing/updates";
import type { AdapterContext, Composed, PlatformAdapter, PostContent } from "../platforms/types";
import type { PostText } from "./language";

/** An uploaded image's file, read from the media table by the dispatcher (jobs.ts). */
export interface ImageBytes {
  bytes: Uint8Array;
  type: string;
}

/**
 * Starts every text an exercise posts, composed into the text itself so each adapter counts it
 * within its platform's limit (and shortens the body rather than drop the word).
 */
export const EXERCISE_PREFIX = "ÖVNING – ";

function exerciseText(text: string, exercise: boolean | undefined): string {
  return exercise ? `${EXERCISE_PREFIX}${text}` : text;
}

export function contentFor(
  update: Pick<Update, "body" | "kind" | "number" | "variants" | "revision" | "signature" | "image">,
  incident: Pick<Incident, "slug" | "title"> & { exercise?: boolean },
  platform: string,
  publicUrl: string,
  file?: ImageBytes,
  /** The text in the delivery's language; the Swedish body when absent. */
  text?: PostText,
): PostContent {
  const exercise = Boolean(incident.exercise);
  const language = text?.language ?? "sv";
  const body = exerciseText(text?.body ?? update.body, exercise);
  const content: PostContent = {
    body,
    link: localisedUpdateUrl(publicUrl, incident.slug, update.number, language, exercise),
    title: exerciseText(incident.title, exercise),
    kind: update.kind,
    language,
  };
  // A variant was written for the first Swedish wording; after an edit it would repeat what was
  // corrected, and in another language it would be the wrong language.
  const variant = update.revision === 1 && language === "sv" ? update.variants[platform] : undefined;
  if (variant) content.variant = exerciseText(variant, exercise);
  if (update.signature) content.signature = update.signature;
  if (update.image) {
    // Platforms that upload the file get its bytes here, so they never fetch them from the hub.
    content.image = { url: imageUrlOf(update.image, publicUrl), alt: update.image.alt, ...file };
    return content;
  }
  // Instagram takes no text-only posts: an update without its own image goes out as its crisis
  // card, whose alt text is the update's own text.
  if (platform === "instagram")
    content.image = { url: cardUrl(publicUrl, incident.slug, update.number, "card", exercise), alt: body };
  // Link previews show the crisis card; Bluesky's must be uploaded by the client.
  else content.linkCard = { url: cardUrl(publicUrl, incident.slug, update.number, "og", exercise) };
  return content;
}

/**
 * A farewell is stored as finished text (account-closing.ts). When it ends with a link to the
 * website, that link becomes the post's link, so link cards and facets point at it; otherwise
 * the list of channels is linked.
 */
export function farewellContent(text: string, publicUrl: string): PostContent {
  const trimmed = text.trim();
  const link = trimmed.match(/(https?:\/\/\S+)$/)?.[1];
  if (link?.startsWith(publicUrl)) {
    return { body: trimmed.slice(0, -link.length).trim(), link, title: "Kontot stängs", kind: "update" };
  }
  return { body: trimmed, link: `${publicUrl}/channels`, title: "Kontot stängs", kind: "update" };
}

/** The reply that carries a correction where the platform cannot edit a post. */
export function correctionContent(
  content: PostContent,
  update: Pick<Update, "number" | "editReason" | "body">,
  exercise = false,
): PostContent {
  const why = update.editReason ? ` (${update.editReason})` : "";
  const lead = (CORRECTION_LEAD[content.language ?? "sv"] ?? CORRECTION_LEAD_OTHER)(update.number);
  return {
    ...content,
    kind: "correction",
    variant: undefined,
    body: exerciseText(`${lead}${why}: ${update.body}`, exercise),
  };
}

/** "Correction of update 3" in the languages the hub has words for. */
const CORRECTION_LEAD: Record<string, (n: number) => string> = {
  sv: (n) => `Rättelse av uppdatering ${n}`,
  "sv-x-lattlast": (n) => `Rättelse av uppdatering ${n}`,
  en: (n) => `Correction to update ${n}`,
  fi: (n) => `Korjaus päivitykseen ${n}`,
};
/** Where the hub has no words, a sign readable in any language rather than Swedish in the wrong place. */
const CORRECTION_LEAD_OTHER = (n: number) => `✎ ${n}`;

/**
 * Composes with the platform's default limits, and reads the account's own limits (a Mastodon
 * instance's max_characters) only when the defaults forced a cut: almost every post fits as is,
 * and a fan-out should not cost an extra round trip per account.
 */
export async function composeFor(
  adapter: PlatformAdapter,
  content: PostContent,
  ctx?: AdapterContext,
): Promise<Composed> {
  const composed = adapter.compose(content);
  if ((composed.fits && !composed.shortened) || !adapter.fetchLimits || !ctx) return composed;
  const limits = await adapter.fetchLimits(ctx).catch(() => undefined);
  return limits ? adapter.compose(content, limits) : composed;
}
