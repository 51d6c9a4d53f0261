// The archive export end to end: a real incident record (updates, an edit, a withdrawal, a
// borrowing, a removal, an all-clear, deliveries with platform ids) exported over the API and
// checked with tools that share nothing with the exporter: the RFC 8493 checker in
// bagit-check.ts, csv-parse, fast-xml-parser for PREMIS and METS, xmllint against the OASIS CAP
// 1.2 schema, and `unzip -t`.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, deliveries, people as peopleTable } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { checkBag, checkBagEntries, parseBagInfo, readZip } from "./bagit-check";
import { addAccount, addDepartment, addPerson, markPublished, PLANTED_SECRET } from "./records-fixtures";

const CAP_SCHEMA = new URL("./cap12.xsd", import.meta.url).pathname;
const hasTool = (name: string) => spawnSync("which", [name]).status === 0;
// CI installs libxml2-utils and unzip; on a laptop without them those checks are skipped, loudly.
const XMLLINT = hasTool("xmllint") || Boolean(process.env.CI);
const UNZIP = hasTool("unzip") || Boolean(process.env.CI);

let hub: TestHub;
let incident: { id: string; slug: string };
let people: Record<"communicator" | "registrar" | "viewer", { token: string; id: string }>;
let ciphertexts: string[];
const HOUR = 3_600_000;

beforeAll(async () => {
  hub = await startTestHub();
  const va = await addDepartment(hub, "VA-avdelningen");
  const central = await addAccount(hub, { platform: "mastodon", handle: "exempelkommun" });
  const vaFacebook = await addAccount(hub, { platform: "facebook", handle: "VA Exempelkommun", departmentId: va.id });
  const x = await addAccount(hub, { platform: "x", handle: "exempelkommun" });
  ciphertexts = [central, vaFacebook, x].map((a) => a.credentialCiphertext as string);
  people = {
    communicator: await addPerson(hub, "communicator"),
    registrar: await addPerson(hub, "registrar"),
    viewer: await addPerson(hub, "viewer"),
  };
  const admin = api(hub, hub.token);
  incident = (
    await admin.post("/api/v1/incidents", {
      title: "Vattenläcka i centrum",
      severity: "major",
      areas: ["Centrum", "Norra staden"],
      registrationNumber: "KS 2026/0421",
    })
  ).json;
  const first = await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: 'Vattnet är avstängt på Storgatan, Kungsgatan och "Torget".\n\nTankbil finns vid <skolan> & biblioteket.',
  });
  expect(first.status, first.text).toBe(201);
  for (const [i, d] of first.json.deliveries.entries()) await markPublished(hub, d.id, `first-${i}`);
  hub.clock.advance(HOUR);
  const borrowed = await api(hub, people.communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
    body: "Reparationen pågår. Räkna med avstängt vatten till kvällen.",
    borrowingReason: "VA-avdelningens redaktörer är på plats vid läckan.",
  });
  expect(borrowed.status, borrowed.text).toBe(201);
  await markPublished(hub, borrowed.json.deliveries[0].id, "second-0");
  hub.clock.advance(HOUR);
  expect(
    (
      await admin.patch(`/api/v1/updates/${first.json.id}`, {
        body: "Vattnet är avstängt på Storgatan.",
        reason: "Kungsgatan berördes inte",
      })
    ).status,
  ).toBe(200);
  const wrong = (await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Felaktig uppgift om skolan." }))
    .json;
  hub.clock.advance(HOUR);
  expect((await admin.post(`/api/v1/updates/${wrong.id}/withdraw`, { reason: "Uppgiften stämde inte" })).status).toBe(
    200,
  );
  const removal = await admin.post("/api/v1/removals", {
    platform: "facebook",
    accountId: vaFacebook.id,
    incidentId: incident.id,
    link: "https://www.facebook.com/123_456?comment_id=789",
    author: "Arg Granne",
    content: 'Kommunens VA-chef bor på Ekvägen 3, "ring honom", tel 070-123 45 67.\nSkandal!',
    reason: "personal_data",
  });
  expect(removal.status, removal.text).toBe(201);
  hub.clock.advance(HOUR);
  expect(
    (
      await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
        body: "Vattnet är tillbaka. Faran är över.",
        kind: "all_clear",
      })
    ).status,
  ).toBe(201);
  hub.clock.advance(HOUR);
});
afterAll(() => hub.close());

async function download(path: string, token: string) {
  const res = await hub.app.request(path, { headers: { authorization: `Bearer ${token}` } }, { deps: hub.deps });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

const text = (files: Map<string, Buffer>, path: string) => {
  const file = files.get(path);
  if (!file) throw new Error(`${path} is missing from the bag`);
  return file.toString("utf8");
};

const PREMIS = "data/metadata/preservation/premis.xml";
/** An element the XML parser gives as one object, or as an array when it repeats. */
type OneOrMany<T> = T | T[] | undefined;
const asArray = <T>(v: OneOrMany<T>): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The parts of the PREMIS document the tests read, as fast-xml-parser gives them. */
type XmlText = { "#text": string };
interface PremisObject {
  objectIdentifier: { objectIdentifierValue: string };
  objectCharacteristics: {
    fixity: { messageDigest: string };
    size: string;
    format: { formatRegistry: { formatRegistryKey: string } };
  };
  linkingEventIdentifier?: OneOrMany<{ linkingEventIdentifierValue: string }>;
}
interface PremisEvent {
  eventType: XmlText;
  eventDateTime: string;
  eventDetailInformation: { eventDetail: string };
  eventIdentifier: { eventIdentifierValue: string };
  linkingAgentIdentifier?: OneOrMany<{ linkingAgentIdentifierValue: string; linkingAgentRole: XmlText }>;
}
interface PremisAgent {
  agentIdentifier: { agentIdentifierValue: string };
  agentName: string;
  agentType: XmlText;
}
interface Premis {
  "@_version": string;
  object?: OneOrMany<PremisObject>;
  event?: OneOrMany<PremisEvent>;
  agent?: OneOrMany<PremisAgent>;
}

/**
 * PREMIS and METS against the BagIt manifest: PREMIS is well-formed and describes every payload
 * file but itself and METS.xml (written after it) with the manifest's SHA-256 and the real size;
 * METS points at it from amdSec and lists the schemas. Returns the parsed PREMIS.
 */
function checkPreservationMetadata(files: Map<string, Buffer>): Premis {
  const premisXml = text(files, PREMIS);
  expect(XMLValidator.validate(premisXml)).toBe(true);
  const premis: Premis = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false }).parse(
    premisXml,
  ).premis;
  expect(premis["@_version"]).toBe("3.0");
  const described = new Map<string, { digest: string; size: string; mime: string }>(
    asArray(premis.object).map((o) => [
      o.objectIdentifier.objectIdentifierValue,
      {
        digest: o.objectCharacteristics.fixity.messageDigest,
        size: o.objectCharacteristics.size,
        mime: o.objectCharacteristics.format.formatRegistry.formatRegistryKey,
      },
    ]),
  );
  const expected = text(files, "manifest-sha256.txt")
    .trim()
    .split("\n")
    .map((line) => line.split(/\s+/) as [string, string])
    .filter(([, path]) => path !== "data/METS.xml" && path !== PREMIS);
  expect(described.size).toBe(expected.length);
  for (const [digest, path] of expected) {
    const inner = path.slice("data/".length);
    expect(described.get(inner), inner).toMatchObject({ digest, size: String(files.get(path)?.length) });
  }
  expect(described.get("representations/csv/data/updates.csv")?.mime).toBe("text/csv");

  const mets = text(files, "data/METS.xml");
  expect(XMLValidator.validate(mets)).toBe(true);
  const premisDigest = createHash("sha256").update(premisXml).digest("hex");
  expect(mets).toMatch(
    new RegExp(
      `<amdSec ID="amd-1">\\s*<digiprovMD ID="digiprov-premis-1"[^>]*>\\s*<mdRef [^>]*MDTYPE="PREMIS"[^>]*xlink:href="metadata/preservation/premis.xml"[^>]*CHECKSUM="${premisDigest}"`,
    ),
  );
  expect(mets).toContain('ADMID="digiprov-premis-1"');
  expect(mets).toMatch(
    /<fileGrp ID="grp-schemas" USE="Schemas">\s*<file [^>]*><FLocat [^>]*xlink:href="schemas\/cap12.xsd"/,
  );
  return premis;
}

describe("the incident export", () => {
  test("only registrars and admins may export", async () => {
    for (const who of ["communicator", "viewer"] as const) {
      const { res, body } = await download(`/api/v1/incidents/${incident.id}/export`, people[who].token);
      expect(res.status, who).toBe(403);
      expect(JSON.parse(body.toString()).error.code).toBe("role_forbidden");
    }
    const missing = await download("/api/v1/incidents/6f1c1e9e-0000-4000-8000-000000000000/export", hub.token);
    expect(missing.res.status).toBe(404);
  });

  test("is a valid BagIt bag with an E-ARK tree, CSV registers, CAP messages and the public pages", async () => {
    const { res, body } = await download(`/api/v1/incidents/${incident.id}/export`, people.registrar.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="kriskanal-.+\.zip"$/);

    const bag = checkBag(body);
    expect(bag.problems).toEqual([]);
    const { files } = bag;
    for (const path of [
      "bagit.txt",
      "bag-info.txt",
      "manifest-sha256.txt",
      "tagmanifest-sha256.txt",
      "data/METS.xml",
      "data/metadata/descriptive/record.json",
      "data/representations/json/data/updates.json",
      "data/representations/csv/data/updates.csv",
      "data/representations/csv/data/revisions.csv",
      "data/representations/csv/data/deliveries.csv",
      "data/representations/csv/data/withdrawals.csv",
      "data/representations/csv/data/removals.csv",
      "data/representations/csv/data/borrowings.csv",
      "data/representations/csv/data/audit-log.csv",
      `data/representations/cap/data/${incident.slug}/update-0001.xml`,
      `data/representations/html/data/${incident.slug}/index.html`,
      `data/representations/html/data/${incident.slug}/updates/1.html`,
    ]) {
      expect(files.has(path), path).toBe(true);
    }
    const info = parseBagInfo(text(files, "bag-info.txt"));
    expect(info.get("External-Identifier")).toEqual(["KS 2026/0421"]);
    expect(info.get("Source-Organization")).toEqual(["Exempelkommun"]);
    const record = JSON.parse(text(files, "data/metadata/descriptive/record.json"));
    expect(record.incidents[0]).toMatchObject({ registrationNumber: "KS 2026/0421", title: "Vattenläcka i centrum" });
    expect(record.organisation.name).toBe("Exempelkommun");

    // METS lists every other payload file with the same checksum as the manifest.
    const mets = text(files, "data/METS.xml");
    for (const line of text(files, "manifest-sha256.txt").trim().split("\n")) {
      const [digest, path] = line.split(/\s+/);
      if (path === "data/METS.xml") continue;
      expect(mets, path).toContain(`CHECKSUM="${digest}"`);
    }
  });

  test("carries PREMIS preservation metadata and the CAP schema, as E-ARK asks", async () => {
    const { body } = await download(`/api/v1/incidents/${incident.id}/export`, people.registrar.token);
    const { files } = checkBag(body);
    // The schema the CAP messages were validated against, byte for byte.
    expect(files.get("data/schemas/cap12.xsd")?.equals(readFileSync(CAP_SCHEMA))).toBe(true);
    const premis = checkPreservationMetadata(files);
    const [registrar] = await hub.deps.db.select().from(peopleTable).where(eq(peopleTable.id, people.registrar.id));

    const events = asArray(premis.event);
    const creation = must(
      events.find((e) => e.eventType["#text"] === "creation"),
      "a creation event",
    );
    expect(creation.eventDateTime).toBe(
      hub.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
    );
    expect(creation.eventDetailInformation.eventDetail).toContain("Vattenläcka i centrum");
    expect(events.map((e) => e.eventType["#text"])).toContain("message digest calculation");
    const agents = new Map(asArray(premis.agent).map((a) => [a.agentIdentifier.agentIdentifierValue, a] as const));
    const roles = asArray(creation.linkingAgentIdentifier).map((l) => ({
      agent: must(agents.get(l.linkingAgentIdentifierValue), `agent ${l.linkingAgentIdentifierValue}`),
      role: l.linkingAgentRole["#text"],
    }));
    expect(roles.map((r) => [r.agent.agentName, r.agent.agentType["#text"], r.role])).toEqual([
      ["Kriskanal", "software", "executing program"],
      [registrar.name, "person", "implementer"],
    ]);
    // Every object points at the events that made it.
    for (const o of asArray(premis.object)) {
      expect(asArray(o.linkingEventIdentifier).map((l) => l.linkingEventIdentifierValue)).toContain(
        creation.eventIdentifier.eventIdentifierValue,
      );
    }
  });

  test("the CSV registers parse with a standard parser and hold the record", async () => {
    const { files } = checkBag((await download(`/api/v1/incidents/${incident.id}/export`, hub.token)).body);
    const csv = (name: string) =>
      parse(text(files, `data/representations/csv/data/${name}.csv`), {
        columns: true,
        strict: true,
      } as never) as Record<string, string>[];
    const updates = csv("updates");
    expect(updates.map((u) => u.number)).toEqual(["1", "2", "3", "4"]);
    expect(updates[0].body).toBe("Vattnet är avstängt på Storgatan.");
    expect(updates[0].url).toBe(`https://kris.exempel.se/incidents/${incident.slug}/updates/1`);
    expect(updates[3].kind).toBe("all_clear");
    const revisions = csv("revisions");
    expect(revisions.filter((r) => r.update_number === "1").map((r) => r.body)).toEqual([
      'Vattnet är avstängt på Storgatan, Kungsgatan och "Torget".\n\nTankbil finns vid <skolan> & biblioteket.',
      "Vattnet är avstängt på Storgatan.",
    ]);
    const sent = csv("deliveries").filter((d) => d.status === "published");
    expect(sent.length).toBe(4);
    expect(sent[0]).toMatchObject({ remote_id: "first-0", remote_url: "https://social.example/posts/first-0" });
    expect(sent.every((d) => d.platform && d.handle && d.published_at)).toBe(true);
    expect(csv("withdrawals")).toMatchObject([{ number: "3", withdrawn_reason: "Uppgiften stämde inte" }]);
    expect(csv("removals")).toMatchObject([
      {
        author: "Arg Granne",
        content: 'Kommunens VA-chef bor på Ekvägen 3, "ring honom", tel 070-123 45 67.\nSkandal!',
        reason: "personal_data",
        platform: "facebook",
      },
    ]);
    expect(csv("borrowings")).toMatchObject([
      {
        platform: "facebook",
        handle: "VA Exempelkommun",
        reason: "VA-avdelningens redaktörer är på plats vid läckan.",
      },
    ]);
    const actions = csv("audit-log").map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "incident.opened",
        "update.posted",
        "update.edited",
        "update.withdrawn",
        "removal.registered",
      ]),
    );
    const json = JSON.parse(text(files, "data/representations/json/data/updates.json"));
    expect(json.map((u: { number: number }) => u.number)).toEqual([1, 2, 3, 4]);
  });

  test.skipIf(!XMLLINT)(
    "every CAP message validates against the CAP 1.2 schema and chains to the earlier ones",
    async () => {
      const { files } = checkBag((await download(`/api/v1/incidents/${incident.id}/export`, hub.token)).body);
      const caps = [...files.keys()].filter((p) => p.startsWith("data/representations/cap/")).sort();
      expect(caps.length).toBe(4);
      const dir = mkdtempSync(join(tmpdir(), "kk-cap-"));
      try {
        const paths = caps.map((p, i) => {
          const path = join(dir, `${i}.xml`);
          writeFileSync(path, files.get(p) as Buffer);
          return path;
        });
        const run = spawnSync("xmllint", ["--noout", "--schema", CAP_SCHEMA, ...paths], { encoding: "utf8" });
        expect(run.stderr).not.toMatch(/fails to validate|error/);
        expect(run.status, run.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const [first, second, , allClear] = caps.map((p) => text(files, p));
      expect(first).toContain("<msgType>Alert</msgType>");
      expect(first).not.toContain("<references>");
      expect(first).toMatch(/<sent>2026-11-21T14:05:00\+01:00<\/sent>/);
      expect(first).toContain("<language>sv-SE</language>");
      expect(first).toContain("<areaDesc>Norra staden</areaDesc>");
      expect(first).toContain(`<web>https://kris.exempel.se/incidents/${incident.slug}/updates/1</web>`);
      const firstId = /<identifier>([^<]+)<\/identifier>/.exec(first)?.[1];
      expect(second).toContain("<msgType>Update</msgType>");
      expect(second).toContain(`<references>kris.exempel.se,${firstId},2026-11-21T14:05:00+01:00</references>`);
      expect(allClear).toContain("<responseType>AllClear</responseType>");
      expect(allClear.match(/kris\.exempel\.se,urn:uuid:/g)?.length).toBe(3);
    },
  );

  test("the HTML pages are the pages the public sees, withdrawn updates as their notice", async () => {
    const { files } = checkBag((await download(`/api/v1/incidents/${incident.id}/export`, hub.token)).body);
    const live = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();
    const base = `data/representations/html/data/${incident.slug}`;
    // The record reads in the order things were said: the page as the public reads it oldest first.
    expect(text(files, `${base}/index.html`)).toBe(await live(`/incidents/${incident.slug}?ordning=aldst`));
    for (const n of [1, 2, 3, 4]) {
      expect(text(files, `${base}/updates/${n}.html`), `update ${n}`).toBe(
        await live(`/incidents/${incident.slug}/updates/${n}`),
      );
    }
    expect(text(files, `${base}/updates/3.html`)).toContain("har dragits tillbaka");
    expect(text(files, `${base}/updates/3.html`)).not.toContain("Felaktig uppgift om skolan.");
    expect(text(files, `${base}/index.html`)).toContain("https://social.example/posts/first-0");
  });

  test("carries the after-action report as JSON and as a printable page, in the manifest and PREMIS", async () => {
    const { body } = await download(`/api/v1/incidents/${incident.id}/export`, people.registrar.token);
    const bag = checkBag(body);
    expect(bag.problems).toEqual([]);
    const jsonPath = `data/representations/json/data/reports/${incident.slug}.json`;
    const htmlPath = `data/representations/html/data/${incident.slug}/rapport.html`;
    const manifest = text(bag.files, "manifest-sha256.txt");
    for (const path of [jsonPath, htmlPath]) {
      const digest = createHash("sha256")
        .update(bag.files.get(path) ?? "")
        .digest("hex");
      expect(manifest, path).toContain(`${digest}  ${path}`);
    }
    checkPreservationMetadata(bag.files);
    // The report as the API gives it at the moment of the export, in canonical JSON.
    const report = JSON.parse(text(bag.files, jsonPath));
    const live = await api(hub, hub.token).get(`/api/v1/incidents/${incident.id}/report`);
    expect(report).toEqual(live.json);
    expect(report.generatedAt).toBe(hub.clock.now().toISOString());
    expect(report.summary.updates).toMatchObject({ total: 4, withdrawn: 1, edited: 1 });
    expect(report.borrowings).toHaveLength(1);
    const html = text(bag.files, htmlPath);
    expect(html).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(html).toContain("<style>");
    expect(html).toContain('<svg class="chart" id="diagram-tid-till-kanal"');
    expect(html).not.toMatch(/<script|\/staff\/assets/);
  });

  test("no credential appears anywhere in the export", async () => {
    const { body } = await download(`/api/v1/incidents/${incident.id}/export`, hub.token);
    // The zip stores files uncompressed, so the raw bytes are searchable as well as each file.
    for (const secret of [PLANTED_SECRET, ...ciphertexts, ...ciphertexts.map((c) => c.slice(3, 40))]) {
      expect(body.includes(Buffer.from(secret)), secret).toBe(false);
      for (const entry of readZip(body)) expect(entry.data.includes(Buffer.from(secret)), entry.name).toBe(false);
    }
  });

  test.skipIf(!UNZIP)("standard unzip accepts the archive", async () => {
    const { body } = await download(`/api/v1/incidents/${incident.id}/export`, hub.token);
    const dir = mkdtempSync(join(tmpdir(), "kk-zip-"));
    try {
      writeFileSync(join(dir, "export.zip"), body);
      const out = execFileSync("unzip", ["-t", join(dir, "export.zip")], { encoding: "utf8" });
      expect(out).toContain("No errors detected");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the organisation export for a period", () => {
  test("rejects a period that is not one", async () => {
    const bad = await api(hub, hub.token).get("/api/v1/export?from=igår&to=2026-11-22");
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.map((f: { field: string }) => f.field)).toEqual(["from"]);
    const reversed = await api(hub, hub.token).get("/api/v1/export?from=2026-11-22&to=2026-11-01");
    expect(reversed.status).toBe(400);
    expect((await api(hub, people.communicator.token).get("/api/v1/export?from=2026-11-01&to=2026-11-30")).status).toBe(
      403,
    );
  });

  test("holds every incident of the period, snapshots with their checksums, and farewells", async () => {
    const [mastodon] = await hub.deps.db.select().from(accounts).where(eq(accounts.platform, "mastodon"));
    const snapshot = await api(hub, hub.token).post(`/api/v1/accounts/${mastodon.id}/snapshots`, {});
    expect(snapshot.status, snapshot.text).toBe(201);
    const closed = await api(hub, hub.token).post(`/api/v1/accounts/${mastodon.id}/close`, {
      reason: "Kontot ersätts av kommunens nya kanal",
    });
    expect(closed.status, closed.text).toBe(200);
    hub.clock.advance(HOUR);

    const quiet = (
      await api(hub, hub.token).post("/api/v1/incidents", { title: "Ingen ny information", severity: "info" })
    ).json;
    const { res, body } = await download(
      "/api/v1/export?from=2026-11-01T00:00:00Z&to=2026-11-30T23:00:00Z",
      people.registrar.token,
    );
    expect(res.status).toBe(200);
    const bag = checkBag(body);
    expect(bag.problems).toEqual([]);
    const premis = checkPreservationMetadata(bag.files);
    expect(asArray(premis.object).some((o) => o.objectIdentifier.objectIdentifierValue.includes("/snapshots/"))).toBe(
      true,
    );
    const csv = (name: string) =>
      parse(text(bag.files, `data/representations/csv/data/${name}.csv`), { columns: true } as never) as Record<
        string,
        string
      >[];
    expect(csv("incidents").map((i) => i.registration_number)).toEqual(["KS 2026/0421", ""]);
    const quietPage = (await hub.app.request(`/incidents/${quiet.slug}?ordning=aldst`, {}, { deps: hub.deps })).text();
    expect(text(bag.files, `data/representations/html/data/${quiet.slug}/index.html`)).toBe(await quietPage);
    const farewells = csv("deliveries").filter((d) => d.kind === "farewell");
    expect(farewells).toMatchObject([{ platform: "mastodon", update_id: "", status: "pending" }]);
    expect(farewells[0].sent_text).toContain("Kontot ersätts av kommunens nya kanal");
    const [listed] = csv("snapshots");
    expect(listed.snapshot_id).toBe(snapshot.json.id);
    const file = bag.files.get(`data/representations/json/data/${listed.file}`) as Buffer;
    expect(createHash("sha256").update(file).digest("hex")).toBe(listed.sha256);
    expect(csv("accounts").find((a) => a.account_id === mastodon.id)?.status).toBe("closed");
    for (const secret of [PLANTED_SECRET, ...ciphertexts.map((c) => c.slice(3, 40))]) {
      expect(body.includes(Buffer.from(secret)), secret).toBe(false);
    }
    const [farewellRow] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.kind, "farewell"));
    expect(farewellRow.accountId).toBe(mastodon.id);
  });
});

describe("the BagIt checker itself", () => {
  test("catches a changed file, an unlisted file, a missing file, a wrong Payload-Oxum and a broken zip", async () => {
    const { body } = await download(`/api/v1/incidents/${incident.id}/export`, hub.token);
    const entries = readZip(body);
    const base = entries[0].name.split("/")[0];
    const edit = (name: string, change: (s: string) => string) =>
      entries.map((e) =>
        e.name === `${base}/${name}` ? { ...e, data: Buffer.from(change(e.data.toString("utf8"))) } : e,
      );

    const changed = edit("data/METS.xml", (s) => s.replace("<mets", "<mets "));
    expect(checkBagEntries(changed).problems).toContain("manifest-sha256.txt: checksum mismatch for data/METS.xml");
    const extra = [...entries, { name: `${base}/data/extra.txt`, data: Buffer.from("x") }];
    expect(checkBagEntries(extra).problems).toContain("manifest-sha256.txt: payload file data/extra.txt is not listed");
    const missing = entries.filter((e) => e.name !== `${base}/data/METS.xml`);
    expect(checkBagEntries(missing).problems).toContain("manifest-sha256.txt: data/METS.xml is listed but missing");
    const oxum = edit("bag-info.txt", (s) =>
      s.replace(/Payload-Oxum: (\d+)/, (_m, n) => `Payload-Oxum: ${Number(n) + 1}`),
    );
    expect(checkBagEntries(oxum).problems.join("\n")).toMatch(
      /Payload-Oxum|tagmanifest-sha256.txt: checksum mismatch for bag-info.txt/,
    );
    expect(checkBagEntries(oxum).problems.some((p) => p.startsWith("bag-info.txt: Payload-Oxum"))).toBe(true);

    const corrupt = Buffer.from(body);
    const at = corrupt.indexOf(Buffer.from("BagIt-Version"));
    corrupt[at] = "b".charCodeAt(0);
    expect(() => readZip(corrupt)).toThrow(/CRC-32/);
  });
});
