// The Bluesky side of the shared inbox: app.bsky.notification.listNotifications (the PDS passes it
// to the AppView) gives replies, mentions and quotes newest first. The cursor kept between
// collections is the newest indexedAt read; pages are read back until one reaches it.
import { z } from "zod";
import { checkShape } from "./http";
import { atHandle } from "./reply-text";
import type { CollectedKind, CollectedReply, FailureResult } from "./types";

const PAGE_SIZE = 50;
const MAX_PAGES = 5;
const WANTED = new Set<string>(["reply", "mention", "quote"]);

const NOTIFICATIONS = z.object({
  cursor: z.string().nullish(),
  notifications: z.array(
    z.object({
      uri: z.string(),
      reason: z.string(),
      reasonSubject: z.string().nullish(),
      author: z.object({ handle: z.string() }),
      indexedAt: z.string(),
      record: z
        .object({
          text: z.string().nullish(),
          createdAt: z.string().nullish(),
          reply: z.object({ parent: z.object({ uri: z.string() }) }).nullish(),
          embed: z.object({ record: z.object({ uri: z.string().nullish() }).nullish() }).nullish(),
        })
        .passthrough(),
    }),
  ),
});

type Read = (path: string) => Promise<{ ok: true; data: unknown } | FailureResult>;

export async function readNotifications(
  read: Read,
  since: string | undefined,
): Promise<{ ok: true; data: { items: CollectedReply[]; cursor?: string } } | FailureResult> {
  const items: CollectedReply[] = [];
  let newest = since;
  let page: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (page) params.set("cursor", page);
    const res = checkShape(await read(`app.bsky.notification.listNotifications?${params}`), NOTIFICATIONS);
    if (!res.ok) return res;
    let reachedKnown = false;
    for (const note of res.data.notifications) {
      if (since && note.indexedAt < since) {
        reachedKnown = true;
        continue;
      }
      if (!newest || note.indexedAt > newest) newest = note.indexedAt;
      if (!WANTED.has(note.reason)) continue;
      items.push({
        remoteId: note.uri,
        inReplyTo: note.record.reply?.parent.uri ?? note.record.embed?.record?.uri ?? note.reasonSubject ?? undefined,
        kind: note.reason as CollectedKind,
        authorHandle: atHandle(note.author.handle),
        text: note.record.text ?? "",
        postedAt: note.record.createdAt ?? note.indexedAt,
        url: `https://bsky.app/profile/${note.author.handle}/post/${note.uri.split("/").pop()}`,
      });
    }
    page = res.data.cursor ?? undefined;
    if (reachedKnown || !page) break;
  }
  return { ok: true, data: { items, cursor: newest } };
}
