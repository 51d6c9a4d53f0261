// The package's METS document in the shape of E-ARK CSIP (FGS Paketstruktur 2.0): a header
// naming the creator, the descriptive metadata by reference, the PREMIS preservation metadata
// by reference (amdSec/digiprovMD), a file section with a SHA-256 checksum per file grouped by
// representation (schemas/ among them), and a physical structure map. It is the last payload
// file, so every file it lists is already written and hashed.
import type { WrittenFile } from "./bag";
import { formatOf } from "./formats";
import { escapeXml } from "./xml";

export interface MetsHeader {
  objectId: string;
  label: string;
  createdAt: Date;
  creatorName: string;
}

const DESCRIPTIVE = "metadata/descriptive/";
const PRESERVATION = "metadata/preservation/";

export async function* renderMets(header: MetsHeader, files: readonly WrittenFile[]): AsyncGenerator<string> {
  const created = header.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  yield `<?xml version="1.0" encoding="UTF-8"?>
<mets xmlns="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:csip="https://DILCIS.eu/XML/METS/CSIPExtensionMETS" OBJID="${escapeXml(header.objectId)}" LABEL="${escapeXml(header.label)}" TYPE="Other" csip:OTHERTYPE="Kriskanal incident record" csip:CONTENTINFORMATIONTYPE="OTHER" PROFILE="https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml">
  <metsHdr CREATEDATE="${created}" RECORDSTATUS="NEW" csip:OAISPACKAGETYPE="SIP">
    <agent ROLE="CREATOR" TYPE="ORGANIZATION">
      <name>${escapeXml(header.creatorName)}</name>
    </agent>
    <agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">
      <name>Kriskanal</name>
    </agent>
  </metsHdr>
`;
  const descriptive = files.filter((f) => f.path.startsWith(DESCRIPTIVE));
  yield `  <dmdSec ID="dmd-1" CREATED="${created}">\n`;
  for (const f of descriptive) yield `    ${mdRef(f, created, 'MDTYPE="OTHER" OTHERMDTYPE="JSON"')}\n`;
  yield "  </dmdSec>\n";
  const preservation = files.filter((f) => f.path.startsWith(PRESERVATION));
  const digiprovIds = preservation.map((_, i) => `digiprov-premis-${i + 1}`);
  if (preservation.length) {
    yield `  <amdSec ID="amd-1">\n`;
    for (const [i, f] of preservation.entries()) {
      yield `    <digiprovMD ID="${digiprovIds[i]}" CREATED="${created}">\n      ${mdRef(f, created, 'MDTYPE="PREMIS"')}\n    </digiprovMD>\n`;
    }
    yield "  </amdSec>\n";
  }

  const groups = new Map<string, number[]>();
  files.forEach((f, i) => {
    if (f.path.startsWith(DESCRIPTIVE) || f.path.startsWith(PRESERVATION)) return;
    const group = groupOf(f.path);
    const list = groups.get(group) ?? [];
    list.push(i);
    groups.set(group, list);
  });
  yield `  <fileSec ID="filesec-1">\n`;
  for (const [group, indexes] of groups) {
    yield `    <fileGrp ID="grp-${idOf(group)}" USE="${escapeXml(group)}">\n`;
    for (const i of indexes) yield `      ${fileElement(files[i], i, created)}\n`;
    yield "    </fileGrp>\n";
  }
  yield "  </fileSec>\n";

  yield `  <structMap ID="structmap-1" TYPE="PHYSICAL" LABEL="CSIP">\n    <div ID="div-root" LABEL="${escapeXml(header.objectId)}">\n      <div ID="div-metadata" LABEL="Metadata" DMDID="dmd-1"${digiprovIds.length ? ` ADMID="${digiprovIds.join(" ")}"` : ""}/>\n`;
  for (const [group, indexes] of groups) {
    yield `      <div ID="div-${idOf(group)}" LABEL="${escapeXml(group)}">\n`;
    for (const i of indexes) yield `        <fptr FILEID="file-${i + 1}"/>\n`;
    yield "      </div>\n";
  }
  yield "    </div>\n  </structMap>\n</mets>\n";
}

/** "representations/csv/data/updates.csv" -> "Representations/csv"; other folders by name. */
function groupOf(path: string): string {
  const [top, second] = path.split("/");
  if (top === "representations") return `Representations/${second}`;
  return top.charAt(0).toUpperCase() + top.slice(1);
}

function idOf(group: string): string {
  return group.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

function mimeOf(path: string): string {
  return formatOf(path).mime;
}

function fileElement(f: WrittenFile, index: number, created: string): string {
  return `<file ID="file-${index + 1}" MIMETYPE="${mimeOf(f.path)}" SIZE="${f.size}" CREATED="${created}" CHECKSUM="${f.sha256}" CHECKSUMTYPE="SHA-256"><FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="${escapeXml(encodeURI(f.path))}"/></file>`;
}

function mdRef(f: WrittenFile, created: string, type: string): string {
  return `<mdRef LOCTYPE="URL" ${type} xlink:type="simple" xlink:href="${escapeXml(encodeURI(f.path))}" MIMETYPE="${mimeOf(f.path)}" SIZE="${f.size}" CREATED="${created}" CHECKSUM="${f.sha256}" CHECKSUMTYPE="SHA-256"/>`;
}
