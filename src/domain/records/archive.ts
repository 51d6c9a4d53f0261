// The post-crisis archive export: the whole record of an incident (or of every incident in a
// period) as a BagIt bag whose payload is an E-ARK-shaped tree. The producers below yield one
// payload file at a time and read rows in pages, so memory stays flat however large the record.
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { PayloadFile, WrittenFile } from "../../archive/bag";
import { canonicalJson } from "../../archive/canonical-json";
import { canonicalRecordWriter } from "../../archive/canonical-record";
import {
  capMessageOf,
  capSender,
  capTranslationOf,
  rememberMessage,
  renderCapAlert,
  startCapChain,
} from "../../archive/cap";
import { csvLines, csvRow } from "../../archive/csv";
import { type PageContext, renderUpdatePage, streamIncidentPage } from "../../archive/html-pages";
import { encodeEach, joinLines } from "../../archive/join-lines";
import { renderMets } from "../../archive/mets";
import { renderPremis } from "../../archive/premis";
import { CAP12_XSD } from "../../archive/schemas/cap12";
import { media, snapshots, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { InvalidInputError } from "../../errors";
import { toBrandView } from "../../render/brand";
import { summariseIncident } from "../../render/public-page-data";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { type Incident, requireIncident } from "../publishing/incidents";
import { incidentUrl, updateUrl } from "../publishing/links";
import { getOrganisation, getOrganisationProfile } from "../publishing/organisation";
import { loadTranslations, withSocialCopies } from "../publishing/public-view";
import { stockholmDay } from "../publishing/slug";
import {
  type ExportScope,
  incidentsInPeriod,
  keysetPages,
  PAGE_SIZE,
  REGISTERS,
  type Register,
  readAhead,
  snapshotPages,
  updatePages,
} from "./archive-registers";
import { recordAudit } from "./audit";
import { boundedDate } from "./bounded-date";
import { csvLineSql, jsonRecordSql } from "./register-sql";
import { streamIncidentReport } from "./report-stream";

type ExportDeps = Pick<Deps, "db" | "now" | "config" | "render">;

export interface ArchiveExport {
  /** The bag's name; the download is `${name}.zip`. */
  name: string;
  sourceOrganization: string;
  externalIdentifier: string;
  externalDescription: string;
  extra: [string, string][];
  createdAt: Date;
  payload(written: readonly WrittenFile[]): AsyncIterable<PayloadFile>;
}

export async function exportIncident(deps: ExportDeps, actor: Actor, incidentId: string): Promise<ArchiveExport> {
  requireCan(actor, "records.export");
  const incident = await requireIncident(deps.db, incidentId);
  const org = await getOrganisation(deps.db);
  const now = deps.now();
  await noteExport(deps, actor, now, { incidentId: incident.id });
  const scope: ExportScope = { incidents: [incident], publicUrl: deps.config.publicUrl };
  // An exercise's package says so in its name, its bag-info and its description, not only inside.
  const what = incident.exercise ? "övningen (ÖVNING, inte en verklig händelse)" : "händelsen";
  return {
    name: `kriskanal-${incident.exercise ? "ovning-" : ""}${incident.slug}-${stockholmDay(now).replace(/-/g, "")}`,
    sourceOrganization: org.name,
    externalIdentifier: incident.registrationNumber ?? `urn:uuid:${incident.id}`,
    externalDescription: `Kriskanal: hela akten för ${what} "${incident.title}" – uppdateringar, ändringar, publiceringar i kanalerna, borttaget innehåll, lånade konton och granskningslogg.`,
    extra: [
      ["Kriskanal-Incident", incident.id],
      ...(incident.exercise ? [["Kriskanal-Ovning", "true"] as [string, string]] : []),
      ...(incident.registrationNumber
        ? [["Kriskanal-Diarienummer", incident.registrationNumber] as [string, string]]
        : []),
    ],
    createdAt: now,
    payload: (written) => producePayload(deps, scope, org.name, actor, now, written),
  };
}

export const PeriodExportInput = z
  .object({ from: boundedDate(), to: boundedDate() })
  .refine((p) => p.from.getTime() <= p.to.getTime(), { path: ["from"], message: "from is after to." });

export async function exportPeriod(deps: ExportDeps, actor: Actor, raw: unknown): Promise<ArchiveExport> {
  requireCan(actor, "records.export");
  const period = PeriodExportInput.parse(raw);
  const now = deps.now();
  if (period.from.getTime() > now.getTime()) {
    throw new InvalidInputError("period_starts_in_future", "The period starts in the future.", {
      fields: [{ field: "from", code: "period_starts_in_future", message: "In the future." }],
    });
  }
  const org = await getOrganisation(deps.db);
  await noteExport(deps, actor, now, { period });
  const scope: ExportScope = {
    incidents: await incidentsInPeriod(deps.db, period.from, period.to),
    period,
    publicUrl: deps.config.publicUrl,
  };
  const days = `${stockholmDay(period.from)}--${stockholmDay(period.to)}`;
  return {
    name: `kriskanal-${days}`,
    sourceOrganization: org.name,
    externalIdentifier: `kriskanal:${period.from.toISOString()}/${period.to.toISOString()}`,
    externalDescription: `Kriskanal: allt som publicerades, ändrades och togs bort ${stockholmDay(period.from)} – ${stockholmDay(period.to)} (${scope.incidents.length} händelser).`,
    extra: [
      ["Kriskanal-Period-From", period.from.toISOString()],
      ["Kriskanal-Period-To", period.to.toISOString()],
    ],
    createdAt: now,
    payload: (written) => producePayload(deps, scope, org.name, actor, now, written),
  };
}

/** Who took a copy of the record, and when: itself part of the record. */
async function noteExport(
  deps: ExportDeps,
  actor: Actor,
  now: Date,
  what: { incidentId?: string; period?: { from: Date; to: Date } },
) {
  await deps.db.transaction((tx) =>
    recordAudit(tx, actor, now, {
      action: "records.exported",
      entityType: what.incidentId ? "incident" : "organisation",
      entityId: what.incidentId ?? null,
      incidentId: what.incidentId ?? null,
      after: what,
    }),
  );
}

async function* producePayload(
  deps: ExportDeps,
  scope: ExportScope,
  orgName: string,
  actor: Actor,
  now: Date,
  written: readonly WrittenFile[],
): AsyncGenerator<PayloadFile> {
  yield {
    path: "metadata/descriptive/record.json",
    content: canonicalJson({
      organisation: { name: orgName, publicUrl: scope.publicUrl },
      scope: scope.period
        ? { kind: "period", ...scope.period }
        : { kind: "incident", incidentId: scope.incidents[0]?.id },
      incidents: scope.incidents.map((i) => ({
        id: i.id,
        registrationNumber: i.registrationNumber,
        slug: i.slug,
        title: i.title,
        severity: i.severity,
        status: i.status,
        areas: i.areas,
        openedAt: i.openedAt,
        closedAt: i.closedAt,
        exercise: i.exercise,
        resetAt: i.resetAt,
        url: incidentUrl(scope.publicUrl, i.slug, i.exercise),
      })),
      exportedAt: now,
      exportedBy: { id: actor.id || null, name: actor.name, role: actor.role },
    }),
  };
  yield { path: "documentation/om-paketet.txt", content: PACKAGE_README };
  // E-ARK keeps the schemas the package's XML follows inside the package, so it can be read
  // without the network decades from now.
  yield { path: "schemas/cap12.xsd", content: CAP12_XSD };
  for (const register of REGISTERS) {
    yield { path: `representations/json/data/${register.name}.json`, content: jsonArray(deps, register, scope) };
  }
  for (const register of REGISTERS) {
    yield {
      path: `representations/csv/data/${register.name}.csv`,
      content: register.inDatabase
        ? csvFromDatabase(deps, register, scope)
        : csvLines(register.columns, register.rows(deps.db, scope)),
    };
  }
  if (scope.period) {
    for await (const page of snapshotPages(deps.db, scope.period)) {
      for (const ids of batchesOf(
        page.map((s) => s.id),
        BLOB_BATCH,
      )) {
        const rows = await deps.db
          .select({ id: snapshots.id, data: snapshots.data })
          .from(snapshots)
          .where(inArray(snapshots.id, ids));
        const data = new Map(rows.map((r) => [r.id, r.data]));
        for (const id of ids) {
          // The same canonical bytes whose SHA-256 the snapshot register lists.
          yield { path: `representations/json/data/snapshots/${id}.json`, content: canonicalJson(data.get(id)) };
        }
      }
    }
  }
  const sender = capSender(scope.publicUrl);
  for (const incident of scope.incidents) {
    const earlier = startCapChain();
    for await (const page of updatePages(deps.db, incident, PUBLISHED)) {
      const translations = await loadTranslations(
        deps.db,
        page.map((u) => u.id),
      );
      for (const update of page) {
        const translated = (translations.get(update.id) ?? []).map((t) => capTranslationOf(incident, update, t));
        yield {
          path: `representations/cap/data/${incident.slug}/update-${String(update.number).padStart(4, "0")}.xml`,
          content: renderCapAlert(incident, { ...update, translations: translated }, earlier, {
            sender,
            senderName: orgName,
            web: updateUrl(scope.publicUrl, incident.slug, update.number, incident.exercise),
          }),
        };
        rememberMessage(earlier, capMessageOf(update, sender));
      }
    }
  }
  // Every published image as it was served; its alt text is in the updates register (column image).
  const images = new Set<string>();
  for (const incident of scope.incidents) {
    for await (const page of imagePages(deps, incident)) {
      // As findMedia does: an id that is no uuid names no stored image.
      const fresh = [...new Set(page.map((u) => u.mediaId))].filter(
        (id) => !images.has(id) && z.string().uuid().safeParse(id).success,
      );
      for (const id of fresh) images.add(id);
      for (const ids of batchesOf(fresh, BLOB_BATCH)) {
        const rows = new Map(
          (await deps.db.select().from(media).where(inArray(media.id, ids))).map((row) => [row.id, row] as const),
        );
        for (const id of ids) {
          const row = rows.get(id);
          if (row)
            yield { path: `representations/media/data/${row.id}${MEDIA_EXTENSION[row.type]}`, content: row.bytes };
        }
      }
    }
  }
  const brand = toBrandView(await getOrganisationProfile(deps.db), scope.publicUrl);
  const pages: PageContext = { render: deps.render, orgName, publicUrl: scope.publicUrl, brand };
  for (const incident of scope.incidents) {
    // "Läget just nu" comes before the list, so it is worked out in a first pass, a page at a time.
    let summary = summariseIncident(incident, []);
    // The summary needs no social copies: "Läget just nu" links to the update, not to its copies.
    for await (const updates of updatePages(deps.db, incident, PUBLISHED)) {
      const page = updates.map((u) => ({ ...u, copies: [] }));
      const next = summariseIncident(incident, summary.now ? [summary.now, ...page] : page);
      summary = {
        now: next.now,
        lastChanged: next.lastChanged > summary.lastChanged ? next.lastChanged : summary.lastChanged,
      };
    }
    yield {
      path: `representations/html/data/${incident.slug}/index.html`,
      content: streamIncidentPage(pages, incident, publicUpdatePages(deps, incident), summary),
    };
    for await (const page of publicUpdatePages(deps, incident)) {
      for (const update of page) {
        yield {
          path: `representations/html/data/${incident.slug}/updates/${update.number}.html`,
          content: renderUpdatePage(pages, incident, update),
        };
      }
    }
  }
  // The after-action report of each incident, as it reads on the day of the export: the API's and
  // the staff page's bytes, written a page of rows at a time.
  const reportDeps = { ...deps, now: () => now };
  for (const incident of scope.incidents) {
    const report = await streamIncidentReport(reportDeps, incident);
    yield { path: `representations/json/data/reports/${incident.slug}.json`, content: report.json() };
    yield {
      path: `representations/html/data/${incident.slug}/rapport.html`,
      content: report.html(deps.render, orgName),
    };
  }
  yield {
    path: "metadata/preservation/premis.xml",
    content: renderPremis(
      {
        createdAt: now,
        organisationName: orgName,
        exportedBy: { id: actor.id, name: actor.name, role: actor.role },
        description: scope.period
          ? `Export ur Kriskanal av allt som publicerades ${stockholmDay(scope.period.from)} – ${stockholmDay(scope.period.to)} (${scope.incidents.length} händelser).`
          : `Export ur Kriskanal av hela akten för händelsen "${scope.incidents[0].title}"${scope.incidents[0].registrationNumber ? ` (${scope.incidents[0].registrationNumber})` : ""}.`,
      },
      written,
    ),
  };
  yield {
    path: "METS.xml",
    content: renderMets(
      {
        objectId: scope.period
          ? `kriskanal-${stockholmDay(scope.period.from)}--${stockholmDay(scope.period.to)}`
          : (scope.incidents[0].registrationNumber ?? `urn:uuid:${scope.incidents[0].id}`),
        label: scope.period ? `Kriskanal ${orgName}` : scope.incidents[0].title,
        createdAt: now,
        creatorName: orgName,
      },
      written,
    ),
  };
}

/** Only what the public saw: never updates awaiting approval or rejected. */
const PUBLISHED = eq(updates.state, "published");
const MEDIA_EXTENSION: Record<string, string> = { "image/jpeg": ".jpg", "image/png": ".png" };

async function* publicUpdatePages(deps: ExportDeps, incident: Incident) {
  yield* readAhead(updatePages(deps.db, incident, PUBLISHED), (page) => withSocialCopies(deps.db, page));
}

/** Images and snapshots are fetched a few at a time: each may be megabytes. */
const BLOB_BATCH = 16;

function* batchesOf<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The uploaded images of an incident's published updates, in update order, a page at a time. */
function imagePages(deps: ExportDeps, incident: Incident) {
  return keysetPages<{ number: number; mediaId: string }>(PAGE_SIZE, (last) =>
    deps.db
      .select({ number: updates.number, mediaId: sql<string>`${updates.image}->>'mediaId'` })
      .from(updates)
      .where(
        and(
          eq(updates.incidentId, incident.id),
          PUBLISHED,
          sql`${updates.image}->>'mediaId' is not null`,
          last ? gt(updates.number, last.number) : undefined,
        ),
      )
      .orderBy(asc(updates.number))
      .limit(PAGE_SIZE),
  );
}

/** A JSON array of canonical records, streamed; the whole file is itself canonical JSON. */
async function* jsonArray(deps: ExportDeps, register: Register, scope: ExportScope): AsyncGenerator<string> {
  const inDatabase = register.inDatabase;
  if (inDatabase) {
    yield* joinLines(
      inDatabase.batches(deps.db, scope, (slug) => jsonRecordSql(inDatabase.columns(slug))),
      "[",
      ",",
      "]",
    );
    return;
  }
  yield* joinLines(encodeEach(register.rows(deps.db, scope), canonicalRecordWriter(register.columns)), "[", ",", "]");
}

/** The CSV register written by the database: the header row as csvLines writes it, then each batch. */
function csvFromDatabase(deps: ExportDeps, register: Register, scope: ExportScope): AsyncGenerator<string> {
  const inDatabase = register.inDatabase as NonNullable<Register["inDatabase"]>;
  const header = csvRow(register.columns.map((c) => c.header));
  return joinLines(
    inDatabase.batches(deps.db, scope, (slug) => csvLineSql(inDatabase.columns(slug))),
    header,
    "",
    "",
  );
}

const PACKAGE_README = `Om paketet

Det här är en export ur Kriskanal: den allmänna handlingen om hur kommunen informerade under en
kris. Paketet är en BagIt-påse (RFC 8493) vars innehåll i data/ följer E-ARK CSIP
(FGS Paketstruktur 2.0).

- METS.xml: förteckning över alla filer med SHA-256-kontrollsummor.
- metadata/descriptive/record.json: händelse(r), diarienummer, organisation, vem som exporterade och när.
- metadata/preservation/premis.xml: bevarandemetadata (PREMIS 3): varje fil med SHA-256, storlek
  och format, och händelserna som skapade paketet (exporten, med Kriskanal och den som exporterade).
- schemas/: XML-scheman som paketets filer följer (cap12.xsd: OASIS CAP 1.2).
- representations/json/data/: varje register som kanonisk JSON (nycklar sorterade, inga mellanslag).
- representations/csv/data/: samma register som CSV (RFC 4180, UTF-8, CRLF):
  incidents (händelser), updates (uppdateringar), revisions (ändringar av text), deliveries
  (publiceringar i sociala kanaler med plattformens id, adress och tid), withdrawals (tillbakadragna
  uppdateringar), removals (borttaget innehåll från allmänheten, med innehållet sparat), borrowings
  (lånade konton), audit-log (granskningslogg), accounts (kontoregistret utan inloggningsuppgifter),
  snapshots (ögonblicksbilder av konton, vid export av en period).
- representations/cap/data/: ett CAP 1.2-meddelande per publicerad uppdatering. Fältet references
  listar det första och de 99 senaste tidigare meddelandena; har händelsen fler står det i
  meddelandets note, och hela kedjan finns i registret updates.
- representations/html/data/: webbsidorna så som allmänheten ser dem, och för varje händelse
  rapport.html: efterhandsrapporten (tidslinje, tid till varje kanal, misslyckanden, språk) att skriva ut.
- representations/json/data/reports/: efterhandsrapporten för varje händelse som JSON.

Kontrollera paketet med valfritt BagIt-verktyg, t.ex. "bagit.py --validate" efter uppackning.
`;
