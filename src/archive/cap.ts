// CAP 1.2 messages, for the archive export (one per published update) and the public website
// (src/domain/publishing/public-cap.ts: one per publish, later edit and withdrawal). A published alert is
// never edited: later updates are msgType Update referencing earlier ones, the all-clear is an
// Update with responseType AllClear and a short expiry, and a withdrawal is a Cancel.
import type { CapChoices, Severity, UpdateKind } from "../db/schema";
import { findSwedishArea } from "../domain/publishing/swedish-areas";
import { publicTextsFor } from "../render/public-texts";
import { resolveCapValues } from "./cap-fields";
import { escapeXml, stockholmTime } from "./xml";

export const CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";

// CAP asks an Update to reference every earlier message of the incident, which is quadratic:
// 5,000 updates at ~90 bytes per reference would be ~1.1 GB of <references> alone. The original
// alert plus the 99 most recent keep the chain (~44 MB then); <incidents> groups them all, and a
// <note> in each capped message says how many there were and where the full chain is.
export const MAX_REFERENCES = 100;
const ALL_CLEAR_EXPIRES_MS = 6 * 3_600_000;
/** Without an expected end, a message expires this long after it was sent; each new one renews it. */
export const DEFAULT_CAP_EXPIRES_HOURS = 24;

/**
 * When a message stops being in force: the all-clear after a short while, otherwise the incident's
 * expected end while that is still ahead, else the default window from the message's own time.
 */
export function capExpiresAt(
  incident: Pick<CapIncident, "expectedEnd">,
  allClear: boolean,
  sentAt: Date,
  expiresHours = DEFAULT_CAP_EXPIRES_HOURS,
): Date {
  if (allClear) return new Date(sentAt.getTime() + ALL_CLEAR_EXPIRES_MS);
  if (incident.expectedEnd && incident.expectedEnd > sentAt) return incident.expectedEnd;
  return new Date(sentAt.getTime() + expiresHours * 3_600_000);
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
}

export interface CapUpdate {
  id: string;
  number: number;
  kind: UpdateKind;
  body: string;
  publishedAt: Date | null;
  createdAt: Date;
  revision: number;
  editedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
  /** Its texts in other languages, each its own <info> after the Swedish one. */
  translations?: CapTranslation[];
}

export interface CapIncident {
  id: string;
  title: string;
  severity: Severity;
  areas: string[];
  /** SCB codes (domain/publishing/swedish-areas.ts), each its own <area> with a <geocode>. */
  areaCodes?: string[];
  /** A closed ring of [lat, lon] pairs. */
  polygon?: [number, number][] | null;
  expectedEnd?: Date | null;
  cap?: CapChoices;
  /** An exercise (krisövning): every message says <status>Exercise</status>, so no alerting system acts on it. */
  exercise?: boolean;
}

export interface CapContext {
  /** The hub's public host, e.g. kris.exempel.se: CAP senders have no spaces or commas. */
  sender: string;
  senderName: string;
  /** The update permalink on the website. */
  web: string;
  /** Where the whole chain is, said in a message whose references are capped; the export's package by default. */
  fullChain?: string;
  /** The organisation's contact lines, for <contact>. */
  contact?: string;
  /** The default window of <expires> (KRISKANAL_CAP_EXPIRES_HOURS). */
  expiresHours?: number;
}

export function capSender(publicUrl: string): string {
  return new URL(publicUrl).host;
}

export function capMessageOf(update: CapUpdate, sender: string): CapMessage {
  return {
    identifier: `urn:uuid:${update.id}`,
    sender,
    sent: stockholmTime(update.publishedAt ?? update.createdAt),
  };
}

/** The incident's earlier messages as a later one references them (see MAX_REFERENCES). */
export interface CapChain {
  /** The original alert and the most recent messages, oldest first. */
  referenced: CapMessage[];
  /** Every earlier message, referenced or not. */
  count: number;
  /** `referenced` as <references> lists them, escaped once each rather than once per later message. */
  entries: string[];
}

export function startCapChain(): CapChain {
  return { referenced: [], count: 0, entries: [] };
}

/** An update's text in a language other than Swedish, with the words around it in that language. */
export interface CapTranslation {
  /** BCP 47 tag, as <language> carries it ("en", "ar", "sv-x-lattlast"). */
  language: string;
  body: string;
  /** The headline in that language; the Swedish headline's shape when absent. */
  headline?: string;
  /** The update's page in that language; the Swedish permalink when absent. */
  web?: string;
}

/** A stored translation as its <info> carries it, with the headline in its language when the hub has words for it. */
export function capTranslationOf(
  incident: Pick<CapIncident, "title">,
  update: Pick<CapUpdate, "number">,
  translation: { language: string; body: string },
  web?: string,
): CapTranslation {
  const { language: written, texts } = publicTextsFor(translation.language);
  return {
    language: translation.language,
    body: translation.body,
    // Without a table of its own, the language gets the Swedish headline rather than an English one.
    ...(written === translation.language ? { headline: `${incident.title} – ${texts.updateN(update.number)}` } : {}),
    ...(web ? { web } : {}),
  };
}

/** One message as issued: the export issues one per update, the website one per revision and withdrawal. */
export interface CapIssue {
  identifier: string;
  sentAt: Date;
  msgType: "Alert" | "Update" | "Cancel";
  /** Said in <note>, after the capped-references note when there is one. */
  notes: string[];
  /** The update the <info> describes; a Cancel has none and only points at what it cancels. */
  update:
    | (Pick<CapUpdate, "number" | "kind" | "body"> & {
        instruction?: string | null;
        cap?: CapChoices;
        /** Its texts in other languages, each its own <info> after the Swedish one. */
        translations?: CapTranslation[];
      })
    | null;
  /** Instead of "<title> – uppdatering <number>". */
  headline?: string;
}

/** The message of an update as the archive export records it: its latest text, with notes on edits. */
export function renderCapAlert(
  incident: CapIncident,
  update: CapUpdate,
  earlier: CapChain,
  context: CapContext,
): string {
  const notes = [
    update.revision > 1 && update.editedAt
      ? `Texten ändrades ${stockholmTime(update.editedAt)} (version ${update.revision}); här är den senaste versionen.`
      : null,
    update.withdrawnAt
      ? `Uppdateringen drogs tillbaka ${stockholmTime(update.withdrawnAt)}. Skäl: ${update.withdrawnReason ?? ""}`
      : null,
  ].filter((n): n is string => n !== null);
  const issue: CapIssue = {
    identifier: capMessageOf(update, context.sender).identifier,
    sentAt: update.publishedAt ?? update.createdAt,
    msgType: earlier.count ? "Update" : "Alert",
    notes,
    update,
  };
  return renderCapMessage(incident, issue, earlier, context);
}

/** `references` lists the earlier messages: the whole chain for an Update, what is cancelled for a Cancel. */
export function renderCapMessage(
  incident: CapIncident,
  issue: CapIssue,
  references: CapChain,
  context: CapContext,
): string {
  const update = issue.update;
  const notes = [
    references.count > references.referenced.length ? cappedReferencesNote(references, context) : null,
    ...issue.notes,
  ].filter(Boolean);
  const allClear = update?.kind === "all_clear";
  const values = resolveCapValues(incident.severity, incident.cap, update?.cap, allClear);
  const expires = capExpiresAt(incident, allClear, issue.sentAt, context.expiresHours);
  const areas = capAreas(incident, context);
  const infoIn = (
    language: string,
    headline: string,
    body: string,
    instruction: string | null | undefined,
    web: string,
  ) => [
    "  <info>",
    el("language", language, 2),
    el("category", values.category, 2),
    el("event", incident.title, 2),
    el("responseType", values.responseType, 2),
    el("urgency", values.urgency, 2),
    el("severity", values.severity, 2),
    el("certainty", values.certainty, 2),
    el("expires", stockholmTime(expires), 2),
    el("senderName", context.senderName, 2),
    el("headline", headline.slice(0, 160), 2),
    el("description", body, 2),
    instruction ? el("instruction", instruction, 2) : null,
    el("web", web, 2),
    context.contact ? el("contact", context.contact, 2) : null,
    ...areas,
    "  </info>",
  ];
  const swedishHeadline = issue.headline ?? `${incident.title} – uppdatering ${update?.number ?? 0}`;
  // One <info> per language, Swedish first (CAP §3.2.2: several blocks, each with its <language>).
  // The instruction is written in Swedish only, so it stays in the Swedish block.
  const info = update
    ? [
        ...infoIn("sv-SE", swedishHeadline, update.body, update.instruction, context.web),
        ...(update.translations ?? []).flatMap((t) =>
          infoIn(t.language, t.headline ?? swedishHeadline, t.body, null, t.web ?? context.web),
        ),
      ]
    : [];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<alert xmlns="${CAP_NAMESPACE}">`,
    el("identifier", issue.identifier),
    el("sender", context.sender),
    el("sent", stockholmTime(issue.sentAt)),
    el("status", incident.exercise ? "Exercise" : "Actual"),
    el("msgType", issue.msgType),
    el("scope", "Public"),
    notes.length ? el("note", notes.join(" ")) : null,
    references.referenced.length ? `  <references>${references.entries.join(" ")}</references>` : null,
    el("incidents", `urn:uuid:${incident.id}`),
    ...info,
    "</alert>",
  ];
  return `${lines.filter((l) => l !== null).join("\n")}\n`;
}

/** Keeps only what later messages reference: the original alert and the most recent ones. */
export function rememberMessage(chain: CapChain, message: CapMessage): void {
  chain.count++;
  chain.referenced.push(message);
  // Escaping a space-joined list is escaping each entry: spaces need none.
  chain.entries.push(escapeXml(`${message.sender},${message.identifier},${message.sent}`));
  if (chain.referenced.length > MAX_REFERENCES) {
    chain.referenced.splice(1, 1);
    chain.entries.splice(1, 1);
  }
}

const ARCHIVE_FULL_CHAIN =
  "Hela kedjan finns i paketets register över " +
  "uppdateringar (representations/csv/data/updates.csv och representations/json/data/updates.json: " +
  "identifier är urn:uuid: följt av update_id, sent är published_at) och som ett CAP-meddelande per " +
  "uppdatering i representations/cap/data/.";

function cappedReferencesNote(earlier: CapChain, context: CapContext): string {
  return (
    `Meddelandet föregås av ${earlier.count} tidigare meddelanden om händelsen. ` +
    `Fältet references listar bara det första och de ${earlier.referenced.length - 1} senaste, ` +
    `så att varje meddelande inte växer med händelsens längd. ${context.fullChain ?? ARCHIVE_FULL_CHAIN}`
  );
}

/** Place names as written, the picked counties and municipalities with their SCB codes, and the polygon. */
function capAreas(incident: CapIncident, context: CapContext): string[] {
  const area = (desc: string, inner: string[] = []) =>
    ["    <area>", el("areaDesc", desc, 3), ...inner, "    </area>"].join("\n");
  const named = (incident.areaCodes ?? []).flatMap((code) => {
    const known = findSwedishArea(code);
    if (!known) return [];
    const geocode = `      <geocode>\n${el("valueName", "SCB", 4)}\n${el("value", code, 4)}\n      </geocode>`;
    return [area(known.name, [geocode])];
  });
  const polygon = incident.polygon?.length
    ? [
        area(incident.areas.length ? incident.areas.join(", ") : incident.title, [
          el("polygon", incident.polygon.map(([lat, lon]) => `${degrees(lat)},${degrees(lon)}`).join(" "), 3),
        ]),
      ]
    : [];
  const written = polygon.length ? [] : incident.areas.map((a) => area(a));
  const all = [...written, ...polygon, ...named];
  return all.length ? all : [area(context.senderName)];
}

/** Decimal degrees as CAP writes them: never an exponent (1e-7), at most 6 decimals (~0.1 m). */
function degrees(value: number): string {
  return value.toFixed(6).replace(/\.?0+$/, "");
}

function el(name: string, text: string, depth = 1): string {
  return `${"  ".repeat(depth)}<${name}>${escapeXml(text)}</${name}>`;
}
