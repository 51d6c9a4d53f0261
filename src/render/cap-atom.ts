// The Atom index alerting aggregators (e.g. Google Public Alerts) poll: one entry per current
// CAP message, each linking to the full message. Titles only, so ~100 entries stay small.
import { escapeXml, stockholmTime } from "../archive/xml";
import type { CapIndexEntry } from "../domain/publishing/public-cap";
import { KIND_LABEL } from "./view-helpers";

export interface CapIndexScope {
  publicUrl: string;
  orgName: string;
  entries: CapIndexEntry[];
  /** The feed's updated time when there are no entries. */
  fallback: Date;
}

function entryTitle(e: CapIndexEntry): string {
  const what = `${e.incident.title} – uppdatering ${e.update.number}`;
  if (e.current.kind === "cancel") return `Återkallad: ${what}`;
  if (e.current.kind === "closed") return `Avslutad: ${e.incident.title}`;
  return e.update.kind === "update" ? what : `${KIND_LABEL[e.update.kind]}: ${what}`;
}

export function renderCapAtom(scope: CapIndexScope): string {
  const self = `${scope.publicUrl}/cap.atom`;
  const updated = scope.entries.reduce(
    (latest, e) => (e.current.sentAt > latest ? e.current.sentAt : latest),
    scope.fallback,
  );
  const text = (name: string, value: string, depth: number) =>
    `${"  ".repeat(depth)}<${name}>${escapeXml(value)}</${name}>`;
  const link = (rel: string, type: string, href: string, depth: number) =>
    `${"  ".repeat(depth)}<link rel="${rel}" type="${type}" href="${escapeXml(href)}"/>`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">`,
    text("id", self, 1),
    text("title", `${scope.orgName}: CAP-meddelanden`, 1),
    text("subtitle", `Varningsmeddelanden (CAP 1.2) från ${scope.orgName} för varningssystem och aggregatorer.`, 1),
    text("updated", stockholmTime(updated), 1),
    link("self", "application/atom+xml", self, 1),
    link("alternate", "text/html", `${scope.publicUrl}/`, 1),
    `  <author>\n${text("name", scope.orgName, 2)}\n${text("uri", `${scope.publicUrl}/`, 2)}\n  </author>`,
    text("generator", "Kriskanal", 1),
  ];
  for (const e of scope.entries) {
    lines.push(
      "  <entry>",
      text("id", e.current.identifier, 2),
      text("title", entryTitle(e), 2),
      text("updated", stockholmTime(e.current.sentAt), 2),
      link("alternate", "application/cap+xml", e.url, 2),
      link("related", "text/html", e.web, 2),
      "  </entry>",
    );
  }
  lines.push("</feed>");
  return `${lines.join("\n")}\n`;
}
