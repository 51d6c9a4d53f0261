// One CAP 1.2 message per published update, as an alerting system would have received it. A
// published alert is never edited: later updates are msgType Update referencing earlier ones,
// and the all-clear is an Update with responseType AllClear and a short expiry.
import type { Severity, UpdateKind } from "../db/schema";
import { escapeXml, stockholmTime } from "./xml";

export const CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";

// CAP asks an Update to reference every earlier message of the incident, which is quadratic:
// 5,000 updates at ~90 bytes per reference would be ~1.1 GB of <references> alone. The original
// alert plus the 99 most recent keep the chain (~44 MB then); <incidents> groups them all, and a
// <note> in each capped message says how many there were and where the full chain is.
export const MAX_REFERENCES = 100;
const ALL_CLEAR_EXPIRES_MS = 6 * 3_600_000;

const CAP_SEVERITY: Record<Severity, string> = {
  info: "Minor",
  minor: "Moderate",
  major: "Severe",
  critical: "Extreme",
};

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
}

export interface CapIncident {
  id: string;
  title: string;
  severity: Severity;
  areas: string[];
}

export interface CapContext {
  /** The hub's public host, e.g. kris.exempel.se: CAP senders have no spaces or commas. */
  sender: string;
  senderName: string;
  /** The update permalink on the website. */
  web: string;
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
}

export function startCapChain(): CapChain {
  return { referenced: [], count: 0 };
}

export function renderCapAlert(
  incident: CapIncident,
  update: CapUpdate,
  earlier: CapChain,
  context: CapContext,
): string {
  const self = capMessageOf(update, context.sender);
  const sentAt = update.publishedAt ?? update.createdAt;
  const references = earlier.referenced.map((m) => `${m.sender},${m.identifier},${m.sent}`);
  const notes = [
    earlier.count > earlier.referenced.length ? cappedReferencesNote(earlier) : null,
    update.revision > 1 && update.editedAt
      ? `Texten ändrades ${stockholmTime(update.editedAt)} (version ${update.revision}); här är den senaste versionen.`
      : null,
    update.withdrawnAt
      ? `Uppdateringen drogs tillbaka ${stockholmTime(update.withdrawnAt)}. Skäl: ${update.withdrawnReason ?? ""}`
      : null,
  ].filter(Boolean);
  const allClear = update.kind === "all_clear";
  const areas = incident.areas.length ? incident.areas : [context.senderName];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<alert xmlns="${CAP_NAMESPACE}">`,
    el("identifier", self.identifier),
    el("sender", self.sender),
    el("sent", self.sent),
    el("status", "Actual"),
    el("msgType", earlier.count ? "Update" : "Alert"),
    el("scope", "Public"),
    notes.length ? el("note", notes.join(" ")) : null,
    references.length ? el("references", references.join(" ")) : null,
    el("incidents", `urn:uuid:${incident.id}`),
    "  <info>",
    el("language", "sv-SE", 2),
    el("category", incident.severity === "critical" ? "Safety" : "Infra", 2),
    el("event", incident.title, 2),
    allClear ? el("responseType", "AllClear", 2) : null,
    el("urgency", allClear ? "Past" : incident.severity === "info" ? "Expected" : "Immediate", 2),
    el("severity", allClear ? "Minor" : CAP_SEVERITY[incident.severity], 2),
    el("certainty", "Observed", 2),
    allClear ? el("expires", stockholmTime(new Date(sentAt.getTime() + ALL_CLEAR_EXPIRES_MS)), 2) : null,
    el("senderName", context.senderName, 2),
    el("headline", `${incident.title} – uppdatering ${update.number}`.slice(0, 160), 2),
    el("description", update.body, 2),
    el("web", context.web, 2),
    ...areas.map((a) => `    <area>\n${el("areaDesc", a, 3)}\n    </area>`),
    "  </info>",
    "</alert>",
  ];
  return `${lines.filter((l) => l !== null).join("\n")}\n`;
}

/** Keeps only what later messages reference: the original alert and the most recent ones. */
export function rememberMessage(chain: CapChain, message: CapMessage): void {
  chain.count++;
  chain.referenced.push(message);
  if (chain.referenced.length > MAX_REFERENCES) chain.referenced.splice(1, 1);
}

function cappedReferencesNote(earlier: CapChain): string {
  return (
    `Meddelandet föregås av ${earlier.count} tidigare meddelanden om händelsen. ` +
    `Fältet references listar bara det första och de ${earlier.referenced.length - 1} senaste, ` +
    "så att varje meddelande inte växer med händelsens längd. Hela kedjan finns i paketets register över " +
    "uppdateringar (representations/csv/data/updates.csv och representations/json/data/updates.json: " +
    "identifier är urn:uuid: följt av update_id, sent är published_at) och som ett CAP-meddelande per " +
    "uppdatering i representations/cap/data/."
  );
}

function el(name: string, text: string, depth = 1): string {
  return `${"  ".repeat(depth)}<${name}>${escapeXml(text)}</${name}>`;
}
