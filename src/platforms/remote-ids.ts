// The shapes of the ids platforms hand out for posts and comments. An id goes into a request URL
// (a path segment, or a query parameter), so one that carries "/", "?", "&" or "#" could turn a
// hide-this-comment call into a post on the page: every id is checked here before it is used,
// and still percent-encoded where it goes into a path.
import { failure } from "./http";
import { type FailureResult, PLATFORMS, type Platform } from "./types";

// Meta: a bare object id, or page-or-user id and object id joined by "_".
const GRAPH_ID = /^\d{1,30}(?:_\d{1,30})?$/;
// Mastodon's ids are numeric strings; Pleroma, Akkoma and GoToSocial use base62 or ULIDs.
const MASTODON_ID = /^[A-Za-z0-9]{1,64}$/;
// urn:li:share:123, urn:li:ugcPost:123, urn:li:comment:(urn:li:activity:123,456).
const LINKEDIN_URN = /^urn:li:[A-Za-z]{1,40}:[A-Za-z0-9_(),:-]{1,200}$/;
const X_ID = /^\d{1,20}$/;
// A channel post's number, or "<chat id>_<message id>" for a message in the discussion group.
const TELEGRAM_MESSAGE_ID = /^(?:-\d{1,16}_)?\d{1,12}$/;
// An at-uri at://<did>/<collection>/<rkey>, or a bare record key.
const BLUESKY_RKEY = /^(?!\.{1,2}$)[A-Za-z0-9._~:-]{1,512}$/;
const BLUESKY_AT_URI =
  /^at:\/\/did:[a-z]{1,32}:[A-Za-z0-9._:%-]{1,2048}\/[A-Za-z0-9.-]{1,317}\/(?!\.{1,2}$)[A-Za-z0-9._~:-]{1,512}$/;

const FORMATS: Record<Platform, { test(id: string): boolean; shape: string }> = {
  facebook: { test: (id) => GRAPH_ID.test(id), shape: "siffror eller siffror_siffror" },
  instagram: { test: (id) => GRAPH_ID.test(id), shape: "siffror eller siffror_siffror" },
  threads: { test: (id) => GRAPH_ID.test(id), shape: "siffror eller siffror_siffror" },
  mastodon: { test: (id) => MASTODON_ID.test(id), shape: "bokstäver och siffror" },
  linkedin: { test: (id) => LINKEDIN_URN.test(id), shape: "en urn:li:…" },
  x: { test: (id) => X_ID.test(id), shape: "siffror" },
  telegram: {
    test: (id) => TELEGRAM_MESSAGE_ID.test(id),
    shape: "ett meddelandenummer, eller chatt_meddelande i diskussionsgruppen",
  },
  bluesky: { test: (id) => BLUESKY_AT_URI.test(id) || BLUESKY_RKEY.test(id), shape: "en at://-adress eller rkey" },
};

export function isPlatform(name: string): name is Platform {
  return (PLATFORMS as readonly string[]).includes(name);
}

export function isRemoteId(platform: Platform, id: string): boolean {
  return typeof id === "string" && FORMATS[platform].test(id);
}

/** What a well-formed id looks like on the platform, for error messages. */
export function remoteIdShape(platform: Platform): string {
  return FORMATS[platform].shape;
}

/** An `invalid` failure for an id that is not the platform's, or null when it is. */
export function checkRemoteId(platform: Platform, id: string, what = "id"): FailureResult | null {
  if (isRemoteId(platform, id)) return null;
  return failure("invalid", `Ogiltigt ${what} för ${platform} (väntade ${remoteIdShape(platform)}).`);
}

/**
 * Characters any platform's id may contain: a first check where the platform is not yet known
 * (the API's schema), before the platform's own format is checked.
 */
export const ANY_REMOTE_ID = /^[A-Za-z0-9_.~:(),%/-]+$/;
