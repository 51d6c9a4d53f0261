// Every table of Kriskanal. Nothing is hard-deleted: rows are closed, withdrawn, retired or
// superseded, and the archive export is a projection of these tables.
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { Settlement } from "../domain/publishing/settlement";
import type { FailureClass, Platform } from "../platforms/types";

const id = () => uuid("id").primaryKey().defaultRandom();
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
/** Binary data kept in PostgreSQL itself (logos, images), so the archive and every runtime see the same bytes. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

export const organisations = pgTable("organisations", {
  id: id(),
  name: text("name").notNull(),
  /** Bumped by every change the public can see; the ETag and render cache key of public pages. */
  publicRevision: bigint("public_revision", { mode: "number" }).notNull().default(0),
  /** Four-eyes rule: updates wait for a second communicator unless marked urgent. */
  requireApproval: boolean("require_approval").notNull().default(false),
  /** Kill switch: social deliveries pause; the website keeps publishing. */
  deliveriesPausedAt: at("deliveries_paused_at"),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  /** The graphic profile (MISSION R13): every public page, feed, staff page and card wears it. */
  shortName: text("short_name"),
  primaryColour: text("primary_colour").notNull().default("#0b2f52"),
  textColour: text("text_colour").notNull().default("#ffffff"),
  contactLines: jsonb("contact_lines").$type<string[]>().notNull().default([]),
  guidance: jsonb("guidance").$type<{ text: string; url?: string }[] | null>(),
  logoType: text("logo_type").$type<"image/svg+xml" | "image/png">(),
  logoBytes: bytea("logo_bytes"),
  logoUpdatedAt: at("logo_updated_at"),
  /** BCP 47 tags of the languages the public is offered; Swedish ("sv") always first. */
  languages: jsonb("languages").$type<string[]>().notNull().default(["sv"]),
  createdAt: at("created_at").notNull(),
});

export const departments = pgTable("departments", {
  id: id(),
  name: text("name").notNull(),
  retiredAt: at("retired_at"),
  createdAt: at("created_at").notNull(),
});

export const ROLES = ["admin", "communicator", "editor", "registrar", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const people = pgTable(
  "people",
  {
    id: id(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    title: text("title"),
    departmentId: uuid("department_id").references(() => departments.id),
    role: text("role").$type<Role>().notNull(),
    /** Departments whose accounts an editor may publish to. */
    departmentIds: jsonb("department_ids").$type<string[]>().notNull().default([]),
    passwordHash: text("password_hash"),
    /** The identity provider's (issuer, subject) that signs this person in; never matched by email. */
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
    /** Set by an admin: the role and departments stay as set by hand, whatever the provider's claims say. */
    rolePinned: boolean("role_pinned").notNull().default(false),
    /**
     * Set by an admin on a person not yet linked: the next sign-in through this issuer whose
     * email is this person's links them (before oidc_link_until) instead of being refused.
     */
    oidcLinkIssuer: text("oidc_link_issuer"),
    oidcLinkUntil: at("oidc_link_until"),
    disabledAt: at("disabled_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("people_email_key").on(sql`lower(${t.email})`),
    uniqueIndex("people_oidc_subject_key").on(t.oidcIssuer, t.oidcSubject),
  ],
);

export const sessions = pgTable("sessions", {
  id: id(),
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  personId: uuid("person_id")
    .notNull()
    .references(() => people.id),
  csrfToken: text("csrf_token").notNull(),
  /** "password" or "oidc": a session from the identity provider offers signing out there too. */
  signedInWith: text("signed_in_with").$type<"password" | "oidc">().notNull().default("password"),
  createdAt: at("created_at").notNull(),
  expiresAt: at("expires_at").notNull(),
  revokedAt: at("revoked_at"),
});

export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: id(),
    email: text("email").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: at("at").notNull(),
  },
  (t) => [index("sign_in_attempts_email_at").on(t.email, t.at)],
);

/**
 * Failed sign-ins counted per key (a client address, an email, or both) in a fixed window. One
 * row per key, so counting is a single upsert that returns the new count: concurrent attempts
 * cannot all read the same old count. Counters, not records: expired rows may be deleted.
 */
export const signInThrottle = pgTable(
  "sign_in_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    windowStartedAt: at("window_started_at").notNull(),
  },
  (t) => [index("sign_in_throttle_window_started_at").on(t.windowStartedAt)],
);

export const apiTokens = pgTable("api_tokens", {
  id: id(),
  personId: uuid("person_id")
    .notNull()
    .references(() => people.id),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  scopes: jsonb("scopes").$type<string[]>().notNull().default([]),
  createdAt: at("created_at").notNull(),
  lastUsedAt: at("last_used_at"),
  revokedAt: at("revoked_at"),
});

export interface Editor {
  name: string;
  email: string;
  role: "editor" | "deputy";
}

export const accounts = pgTable(
  "accounts",
  {
    id: id(),
    platform: text("platform").$type<Platform>().notNull(),
    handle: text("handle").notNull(),
    departmentId: uuid("department_id").references(() => departments.id),
    baseUrl: text("base_url").notNull(),
    options: jsonb("options").$type<Record<string, string>>().notNull().default({}),
    /** AES-GCM ciphertext (iv + data, base64) of the credential JSON. Never leaves the server. */
    credentialCiphertext: text("credential_ciphertext"),
    publicUrl: text("public_url"),
    purpose: text("purpose"),
    editors: jsonb("editors").$type<Editor[]>().notNull().default([]),
    status: text("status").$type<"active" | "closed">().notNull().default("active"),
    closedAt: at("closed_at"),
    closedReason: text("closed_reason"),
    rightsStatus: text("rights_status").$type<"ok" | "failing" | "unknown">().notNull().default("unknown"),
    rightsClass: text("rights_class").$type<FailureClass>(),
    rightsDetail: text("rights_detail"),
    rightsCheckedAt: at("rights_checked_at"),
    /** True for accounts pointing at the built-in sandbox platforms (demo and tests). */
    sandbox: boolean("sandbox").notNull().default(false),
    /** The language this account posts in (BCP 47); it gets that translation when there is one. */
    language: text("language").notNull().default("sv"),
    /** Minutes to wait for this account's translation before posting the Swedish text; null: never wait. */
    translationWaitMinutes: integer("translation_wait_minutes"),
    /** An exercise account (a sandbox stand-in or a real test account): the only kind an exercise publishes to. */
    exercise: boolean("exercise").notNull().default(false),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("accounts_platform_handle_key").on(t.platform, sql`lower(${t.handle})`)],
);

/** CAP 1.2 <info> values a communicator may choose; unset ones follow the severity (archive/cap-fields.ts). */
export interface CapChoices {
  category?: string;
  urgency?: string;
  severity?: string;
  certainty?: string;
  responseType?: string;
}

export const SEVERITIES = ["info", "minor", "major", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const incidents = pgTable(
  "incidents",
  {
    id: id(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    summary: text("summary"),
    severity: text("severity").$type<Severity>().notNull(),
    status: text("status").$type<"active" | "resolved">().notNull().default("active"),
    areas: jsonb("areas").$type<string[]>().notNull().default([]),
    /** SCB codes of counties and municipalities (domain/publishing/swedish-areas.ts), for CAP <geocode>. */
    areaCodes: jsonb("area_codes").$type<string[]>().notNull().default([]),
    /** A closed ring of [lat, lon] pairs, for CAP <polygon>. */
    polygon: jsonb("polygon").$type<[number, number][] | null>(),
    /** When the incident is expected to be over: the CAP messages' <expires> while it is in the future. */
    expectedEnd: at("expected_end"),
    /** CAP category, urgency, severity, certainty and responseType chosen over the defaults by severity. */
    cap: jsonb("cap").$type<CapChoices>().notNull().default({}),
    registrationNumber: text("registration_number"),
    /** Standing reason for communicators borrowing department accounts during this incident. */
    borrowingReason: text("borrowing_reason"),
    /** An exercise (krisövning): set at opening, never changed; lives under /ovning and posts only to exercise accounts. */
    exercise: boolean("exercise").notNull().default(false),
    /** When an exercise was reset (closed, outstanding work cancelled) so a fresh run can start. */
    resetAt: at("reset_at"),
    resetBy: uuid("reset_by").references(() => people.id),
    openedBy: uuid("opened_by").references(() => people.id),
    openedAt: at("opened_at").notNull(),
    closedBy: uuid("closed_by").references(() => people.id),
    closedAt: at("closed_at"),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [index("incidents_status_opened").on(t.status, t.openedAt)],
);

export const UPDATE_KINDS = ["update", "correction", "all_clear"] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

export interface Author {
  name: string;
  title?: string;
  department?: string;
}

export const updates = pgTable(
  "updates",
  {
    id: id(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id),
    number: integer("number").notNull(),
    kind: text("kind").$type<UpdateKind>().notNull(),
    body: text("body").notNull(),
    variants: jsonb("variants").$type<Record<string, string>>().notNull().default({}),
    author: jsonb("author").$type<Author>().notNull(),
    signature: text("signature"),
    /** url is absolute; mediaId is set when the image was uploaded to the hub (media table). */
    image: jsonb("image").$type<UpdateImage | null>(),
    postedBy: uuid("posted_by").references(() => people.id),
    /** pending_approval under the four-eyes rule; published otherwise. */
    state: text("state").$type<"published" | "pending_approval" | "rejected">().notNull().default("published"),
    urgent: boolean("urgent").notNull().default(false),
    approvedBy: uuid("approved_by").references(() => people.id),
    borrowingReason: text("borrowing_reason"),
    /** Targets chosen at posting, kept so approval can enqueue them later. */
    targets: jsonb("targets").$type<"all" | string[]>().notNull().default(sql`'"all"'::jsonb`),
    createdAt: at("created_at").notNull(),
    publishedAt: at("published_at"),
    revision: integer("revision").notNull().default(1),
    editedAt: at("edited_at"),
    editReason: text("edit_reason"),
    withdrawnAt: at("withdrawn_at"),
    withdrawnReason: text("withdrawn_reason"),
    withdrawnBy: uuid("withdrawn_by").references(() => people.id),
    /** What the public should do, for CAP <instruction>. */
    instruction: text("instruction"),
    /** CAP choices for this update over the incident's. */
    cap: jsonb("cap").$type<CapChoices>().notNull().default({}),
  },
  (t) => [uniqueIndex("updates_incident_number_key").on(t.incidentId, t.number)],
);

export const updateRevisions = pgTable(
  "update_revisions",
  {
    id: id(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id),
    revision: integer("revision").notNull(),
    body: text("body").notNull(),
    reason: text("reason"),
    createdBy: uuid("created_by").references(() => people.id),
    createdAt: at("created_at").notNull(),
  },
  (t) => [uniqueIndex("update_revisions_update_revision_key").on(t.updateId, t.revision)],
);

/** One language version of an update other than Swedish; Swedish stays in updates.body. */
export const updateTranslations = pgTable(
  "update_translations",
  {
    id: id(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id),
    /** BCP 47 tag, one of the organisation's languages (e.g. "en", "ar", "sv-x-lattlast"). */
    language: text("language").notNull(),
    body: text("body").notNull(),
    revision: integer("revision").notNull().default(1),
    createdBy: uuid("created_by").references(() => people.id),
    createdAt: at("created_at").notNull(),
    editedAt: at("edited_at"),
    editReason: text("edit_reason"),
  },
  (t) => [uniqueIndex("update_translations_update_language_key").on(t.updateId, t.language)],
);

/** Every text a translation has had, as update_revisions keeps the Swedish text's. */
export const updateTranslationRevisions = pgTable(
  "update_translation_revisions",
  {
    id: id(),
    translationId: uuid("translation_id")
      .notNull()
      .references(() => updateTranslations.id),
    revision: integer("revision").notNull(),
    body: text("body").notNull(),
    reason: text("reason"),
    createdBy: uuid("created_by").references(() => people.id),
    createdAt: at("created_at").notNull(),
  },
  (t) => [uniqueIndex("update_translation_revisions_key").on(t.translationId, t.revision)],
);

export interface UpdateImage {
  url: string;
  alt: string;
  mediaId?: string;
}

/**
 * Uploaded images, already decoded and re-encoded (no EXIF, no GPS). Kept for the archive, as
 * updates are: an image that was published is never deleted.
 */
export const media = pgTable("media", {
  id: id(),
  type: text("type").$type<"image/jpeg" | "image/png">().notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  bytes: bytea("bytes").notNull(),
  sha256: text("sha256").notNull(),
  uploadedBy: uuid("uploaded_by").references(() => people.id),
  createdAt: at("created_at").notNull(),
});

export const DELIVERY_STATUSES = ["pending", "sending", "published", "failed", "skipped", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const deliveries = pgTable(
  "deliveries",
  {
    id: id(),
    /** Monotonic order of enqueueing: per account, deliveries go out in this order. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /** Null only for a farewell, which belongs to the closing account rather than to an update. */
    updateId: uuid("update_id").references(() => updates.id),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    kind: text("kind").$type<"publish" | "edit" | "retract" | "farewell">().notNull().default("publish"),
    /** The language of the text this delivery carries (BCP 47); "sv" unless a translation was sent. */
    language: text("language").notNull().default("sv"),
    status: text("status").$type<DeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /**
     * Failed sends that set the backoff: retryable failures the platform gave no time for. A
     * rate-limit wait, a lease that ran out and a lookup are attempts but not these, so they do
     * not lengthen the wait before the next send (backoff.ts).
     */
    backoffFailures: integer("backoff_failures").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
    /** Sent as Idempotency-Key where the platform supports one; stable across retries. */
    idempotencyKey: uuid("idempotency_key").notNull().defaultRandom(),
    remoteId: text("remote_id"),
    remoteUrl: text("remote_url"),
    failureClass: text("failure_class").$type<FailureClass>(),
    message: text("message"),
    /** The text actually sent (or to be sent), kept as the record of what went where. */
    sentText: text("sent_text"),
    /** What was checked while it was unclear whether an attempt landed (lookups, a person). */
    settlement: jsonb("settlement").$type<Settlement>(),
    borrowed: boolean("borrowed").notNull().default(false),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    publishedAt: at("published_at"),
  },
  (t) => [
    index("deliveries_due").on(t.status, t.nextAttemptAt),
    index("deliveries_account_seq").on(t.accountId, t.seq),
    index("deliveries_update").on(t.updateId),
  ],
);

export const borrowings = pgTable("borrowings", {
  id: id(),
  personId: uuid("person_id")
    .notNull()
    .references(() => people.id),
  accountId: uuid("account_id")
    .notNull()
    .references(() => accounts.id),
  incidentId: uuid("incident_id")
    .notNull()
    .references(() => incidents.id),
  updateId: uuid("update_id").references(() => updates.id),
  reason: text("reason").notNull(),
  createdAt: at("created_at").notNull(),
});

export const notifications = pgTable("notifications", {
  id: id(),
  personId: uuid("person_id").references(() => people.id),
  email: text("email"),
  kind: text("kind").notNull(),
  message: text("message").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: at("created_at").notNull(),
  sentAt: at("sent_at"),
  readAt: at("read_at"),
});

export const REMOVAL_REASONS = [
  "confidential",
  "offensive",
  "personal_attack",
  "personal_data",
  "criminal_or_copyright",
  "advertising_off_topic",
] as const;

export const removals = pgTable("removals", {
  id: id(),
  platform: text("platform").notNull(),
  accountId: uuid("account_id").references(() => accounts.id),
  incidentId: uuid("incident_id").references(() => incidents.id),
  link: text("link"),
  author: text("author").notNull(),
  content: text("content").notNull(),
  reason: text("reason").notNull(),
  removedBy: uuid("removed_by").references(() => people.id),
  authorNotified: boolean("author_notified").notNull().default(false),
  notice: text("notice"),
  removedAt: at("removed_at").notNull(),
  createdAt: at("created_at").notNull(),
});

export const snapshots = pgTable("snapshots", {
  id: id(),
  accountId: uuid("account_id")
    .notNull()
    .references(() => accounts.id),
  periodFrom: at("period_from").notNull(),
  periodTo: at("period_to").notNull(),
  data: jsonb("data").notNull(),
  sha256: text("sha256").notNull(),
  createdBy: uuid("created_by").references(() => people.id),
  createdAt: at("created_at").notNull(),
});

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: at("at").notNull(),
    actorId: uuid("actor_id"),
    actorName: text("actor_name").notNull(),
    /** The identity provider's subject of an actor signed in through it. */
    actorSubject: text("actor_subject"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    incidentId: uuid("incident_id"),
    accountId: uuid("account_id"),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_incident").on(t.incidentId),
    // The person page lists what concerns one person and what they did.
    index("audit_log_entity").on(t.entityId),
    index("audit_log_actor").on(t.actorId),
  ],
);

/**
 * WebSub subscribers (W3C WebSub): a callback that proved its intent for one of our feeds, until
 * its lease runs out. Not published content: unsubscribing or expiring removes the row.
 */
export const websubSubscriptions = pgTable(
  "websub_subscriptions",
  {
    id: id(),
    topic: text("topic").notNull(),
    callback: text("callback").notNull(),
    /** hub.secret, sealed like account credentials (domain/accounts/secrets.ts); null without one. */
    secretSealed: text("secret_sealed"),
    leaseSeconds: integer("lease_seconds").notNull(),
    expiresAt: at("expires_at").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("websub_subscriptions_topic_callback").on(t.topic, t.callback)],
);

/** Outbox of feed documents owed to subscribers: claimed with a lease and retried like deliveries. */
export const websubPushes = pgTable(
  "websub_pushes",
  {
    id: id(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => websubSubscriptions.id, { onDelete: "cascade" }),
    status: text("status").$type<"pending" | "sending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
    message: text("message"),
    /** The update whose publication, edit or withdrawal queued the push (for the reach counts); null otherwise. */
    updateId: uuid("update_id").references(() => updates.id),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [index("websub_pushes_due").on(t.status, t.nextAttemptAt)],
);

/**
 * The hub's VAPID key pair (RFC 8292), made once when none is configured: the private key sealed
 * like credentials. One row, id "vapid".
 */
export const webPushKeys = pgTable("web_push_keys", {
  id: text("id").primaryKey(),
  /** The uncompressed P-256 point, base64url: the applicationServerKey browsers subscribe with. */
  publicKey: text("public_key").notNull(),
  /** The private key as a JWK, sealed (domain/accounts/secrets.ts). */
  privateSealed: text("private_sealed").notNull(),
  createdAt: at("created_at").notNull(),
});

/**
 * Browsers that asked for notifications (Push API). The endpoint is personal data: it is sealed
 * with the browser's keys, and found again by a keyed hash. Unsubscribing, or the push service
 * saying the endpoint is gone (404/410), removes the row; nothing else about it is kept.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: id(),
    /** HMAC-SHA-256 of the endpoint under a key derived from KRISKANAL_SECRET_KEY (domain/accounts/lookup-hash.ts). */
    endpointHash: text("endpoint_hash").notNull(),
    /** { endpoint, p256dh, auth }, sealed. */
    sealed: text("sealed").notNull(),
    /** One incident, or null for every incident. */
    incidentId: uuid("incident_id").references(() => incidents.id),
    language: text("language").notNull().default("sv"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("push_subscriptions_endpoint_hash").on(t.endpointHash),
    index("push_subscriptions_incident").on(t.incidentId),
  ],
);

/**
 * Outbox of notifications owed to push subscriptions, one per subscription and update: claimed with
 * a lease and retried like deliveries. A subscription that goes away leaves its rows (no personal
 * data in them) so the reach counts stay right.
 */
export const pushMessages = pgTable(
  "push_messages",
  {
    id: id(),
    subscriptionId: uuid("subscription_id").references(() => pushSubscriptions.id, { onDelete: "set null" }),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id),
    status: text("status")
      .$type<"pending" | "sending" | "sent" | "failed" | "gone" | "cancelled">()
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
    message: text("message"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    index("push_messages_due").on(t.status, t.nextAttemptAt),
    index("push_messages_update").on(t.updateId),
    uniqueIndex("push_messages_subscription_update").on(t.subscriptionId, t.updateId),
  ],
);

export const CRISIS_TYPES = [
  "water",
  "power",
  "heat",
  "storm",
  "fire_smoke",
  "it_outage",
  "closure",
  "road_closure",
  "boil_water",
  "other",
] as const;
export type CrisisType = (typeof CRISIS_TYPES)[number];

/** Standard messages prepared before a crisis; retired, never deleted, because updates were written from them. */
export const messageTemplates = pgTable("message_templates", {
  id: id(),
  name: text("name").notNull(),
  crisisType: text("crisis_type").$type<CrisisType>().notNull(),
  titlePattern: text("title_pattern").notNull(),
  severity: text("severity").$type<Severity>().notNull(),
  firstUpdate: text("first_update").notNull(),
  /** Standard phrases to paste into later updates ("Koka vattnet innan du dricker det."). */
  phrases: jsonb("phrases").$type<string[]>().notNull().default([]),
  allClear: text("all_clear").notNull().default(""),
  variants: jsonb("variants").$type<Partial<Record<Platform, string>>>().notNull().default({}),
  createdBy: uuid("created_by").references(() => people.id),
  createdAt: at("created_at").notNull(),
  updatedAt: at("updated_at").notNull(),
  retiredAt: at("retired_at"),
});

export const INBOX_STATES = ["new", "assigned", "answered", "no_answer_needed", "removed"] as const;
export type InboxState = (typeof INBOX_STATES)[number];

/**
 * The shared crisis inbox (MISSION R11): the public's replies, comments and mentions collected
 * from our accounts. A public record like the removals log: never deleted; a removal changes its
 * state and points at the removal that keeps its content.
 */
export const inboxItems = pgTable(
  "inbox_items",
  {
    id: id(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    platform: text("platform").$type<Platform>().notNull(),
    remoteId: text("remote_id").notNull(),
    kind: text("kind").notNull(),
    /** The platform's id of what it answers (our post, or another reply in the thread). */
    inReplyTo: text("in_reply_to"),
    /** The delivery (our post) it answers, and through it the update and the incident. */
    deliveryId: uuid("delivery_id").references(() => deliveries.id),
    updateId: uuid("update_id").references(() => updates.id),
    incidentId: uuid("incident_id").references(() => incidents.id),
    authorHandle: text("author_handle").notNull(),
    text: text("text").notNull(),
    url: text("url"),
    postedAt: at("posted_at").notNull(),
    state: text("state").$type<InboxState>().notNull().default("new"),
    assigneeId: uuid("assignee_id").references(() => people.id),
    /** Why no answer is needed (state no_answer_needed). */
    reason: text("reason"),
    removalId: uuid("removal_id").references(() => removals.id),
    /** When the answer is due, by the organisation's rule when the item was collected. */
    deadlineAt: at("deadline_at").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("inbox_items_account_remote").on(t.accountId, t.remoteId),
    index("inbox_items_state_deadline").on(t.state, t.deadlineAt),
    index("inbox_items_incident").on(t.incidentId),
  ],
);

/** Where collection stopped per account, and when to ask again (a 429 pushes it back). */
export const inboxCursors = pgTable("inbox_cursors", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => accounts.id),
  cursor: text("cursor"),
  nextPollAt: at("next_poll_at").notNull(),
  lastPolledAt: at("last_polled_at"),
  failureClass: text("failure_class").$type<FailureClass>(),
  message: text("message"),
  updatedAt: at("updated_at").notNull(),
});

/** Answers to inbox items: an outbox like deliveries (lease, retries, idempotency key, never sent twice). */
export const inboxAnswers = pgTable(
  "inbox_answers",
  {
    id: id(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => inboxItems.id),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    text: text("text").notNull(),
    status: text("status").$type<"pending" | "sending" | "published" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
    idempotencyKey: uuid("idempotency_key").notNull().defaultRandom(),
    remoteId: text("remote_id"),
    remoteUrl: text("remote_url"),
    failureClass: text("failure_class").$type<FailureClass>(),
    message: text("message"),
    answeredBy: uuid("answered_by").references(() => people.id),
    answeredByName: text("answered_by_name").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    publishedAt: at("published_at"),
  },
  (t) => [index("inbox_answers_due").on(t.status, t.nextAttemptAt), index("inbox_answers_item").on(t.itemId)],
);

/** Saved answers of an incident ("Ja, Norrby omfattas. Läs mer: …"); retired, never deleted. */
export const standardAnswers = pgTable("standard_answers", {
  id: id(),
  incidentId: uuid("incident_id")
    .notNull()
    .references(() => incidents.id),
  text: text("text").notNull(),
  createdBy: uuid("created_by").references(() => people.id),
  createdAt: at("created_at").notNull(),
  retiredAt: at("retired_at"),
});

export const SUBSCRIBER_CHANNELS = ["email", "sms"] as const;
export type SubscriberChannelKind = (typeof SUBSCRIBER_CHANNELS)[number];

/**
 * People who asked for updates by email or SMS. The address is personal data: sealed like a
 * credential (domain/accounts/secrets.ts), found by a keyed hash, never exported or logged, and
 * the row is erased (not closed) on unsubscribe, after repeated refusals, or after a long quiet.
 */
export const subscribers = pgTable(
  "subscribers",
  {
    id: id(),
    channel: text("channel").$type<SubscriberChannelKind>().notNull(),
    /** { address, unsubscribeToken }, sealed with the hub's secret key. */
    addressSealed: text("address_sealed").notNull(),
    /** HMAC-SHA256 of the normalised address under a key derived from the secret key: lookups, throttling. */
    addressHash: text("address_hash").notNull(),
    /** Null: every incident. */
    incidentId: uuid("incident_id").references(() => incidents.id),
    language: text("language").notNull().default("sv"),
    status: text("status").$type<"pending" | "confirmed">().notNull().default("pending"),
    /** SHA-256 of the confirmation link's token (email) or of the code page's ticket (SMS). */
    confirmHash: text("confirm_hash"),
    /** SMS only: SHA-256 of ticket and code together. */
    confirmCodeHash: text("confirm_code_hash"),
    confirmAttempts: integer("confirm_attempts").notNull().default(0),
    confirmExpiresAt: at("confirm_expires_at"),
    /** SHA-256 of the token in every message's unsubscribe link. */
    unsubscribeHash: text("unsubscribe_hash").notNull(),
    /** Refusals in a row (a bounce, an unknown number); enough of them end the subscription. */
    hardFailures: integer("hard_failures").notNull().default(0),
    createdAt: at("created_at").notNull(),
    confirmedAt: at("confirmed_at"),
    lastSentAt: at("last_sent_at"),
  },
  (t) => [
    index("subscribers_address_hash").on(t.addressHash),
    uniqueIndex("subscribers_unsubscribe_hash").on(t.unsubscribeHash),
    index("subscribers_confirm_hash").on(t.confirmHash),
  ],
);

/**
 * Outbox of updates owed to subscribers, one row per confirmed subscriber and update, claimed with
 * a lease and retried like deliveries. It holds no address: when the subscriber is erased the row
 * stays (subscriber_id null) so that the reach of an update can still be counted.
 */
export const subscriberMessages = pgTable(
  "subscriber_messages",
  {
    id: id(),
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    channel: text("channel").$type<SubscriberChannelKind>().notNull(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id),
    status: text("status")
      .$type<"pending" | "sending" | "sent" | "failed" | "refused" | "unconfirmed" | "cancelled">()
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: at("lease_until"),
    failureClass: text("failure_class"),
    message: text("message"),
    sentAt: at("sent_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    index("subscriber_messages_due").on(t.status, t.nextAttemptAt),
    index("subscriber_messages_update").on(t.updateId),
    index("subscriber_messages_sent").on(t.channel, t.sentAt),
  ],
);

/** What is left of erased subscribers: a count per channel and reason, nothing else. */
export const subscriberTallies = pgTable("subscriber_tallies", {
  key: text("key").primaryKey(),
  count: integer("count").notNull().default(0),
});

/** Sign-ups per address hash and per client, counted in windows (domain/subscribers/sign-up-throttle.ts). */
export const subscriptionThrottle = pgTable("subscription_throttle", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStartedAt: at("window_started_at").notNull(),
});
