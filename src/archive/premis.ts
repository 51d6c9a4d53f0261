// PREMIS 3 preservation metadata for the archive package (E-ARK CSIP puts it in
// metadata/preservation/ and METS points at it from amdSec/digiprovMD): one object per payload
// file with the SHA-256 the bag writer computed while the file streamed out, its size and
// format, and the events that made the package with the agents behind them. Written near the
// end from the bag's list of written files, one object at a time, so memory follows the number
// of files only. It cannot describe itself, nor METS.xml written after it: the BagIt manifest
// holds their checksums.
import type { WrittenFile } from "./bag";
import { formatOf } from "./formats";
import { escapeXml } from "./xml";

export interface PremisHeader {
  createdAt: Date;
  organisationName: string;
  exportedBy: { id: string; name: string; role: string };
  /** What was exported, for the creation event's detail. */
  description: string;
}

const VOCABULARY = "http://id.loc.gov/vocabulary/preservation";
const CREATION = "event-creation";
const DIGEST = "event-message-digest-calculation";
const SOFTWARE = "agent-kriskanal";
const PERSON = "agent-exported-by";

export async function* renderPremis(header: PremisHeader, files: readonly WrittenFile[]): AsyncGenerator<string> {
  const at = header.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  yield `<?xml version="1.0" encoding="UTF-8"?>
<premis:premis xmlns:premis="http://www.loc.gov/premis/v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/v3/premis.xsd" version="3.0">
`;
  let chunk = "";
  for (const file of files) {
    chunk += fileObject(file);
    // A few dozen objects per chunk: fewer, larger writes without holding the whole document.
    if (chunk.length > 32_000) {
      yield chunk;
      chunk = "";
    }
  }
  yield chunk;
  yield event(CREATION, "creation", "cre", at, header.description, [
    [SOFTWARE, "executing program", "exe"],
    [PERSON, "implementer", "imp"],
  ]);
  yield event(
    DIGEST,
    "message digest calculation",
    "mes",
    at,
    "SHA-256 för varje fil beräknad av Kriskanal medan filen skrevs till paketet; samma värden står i METS.xml och i BagIt-manifestet manifest-sha256.txt.",
    [[SOFTWARE, "executing program", "exe"]],
  );
  yield agent(
    SOFTWARE,
    "Kriskanal",
    "software",
    "Kriskanal, tjänsten för kriskommunikation som förde akten och gjorde exporten.",
  );
  const personId = header.exportedBy.id ? `urn:uuid:${header.exportedBy.id}` : PERSON;
  yield agent(
    PERSON,
    header.exportedBy.name,
    "person",
    `Exporterade akten för ${header.organisationName} (roll i Kriskanal: ${header.exportedBy.role}; id ${personId}).`,
  );
  yield "</premis:premis>\n";
}

function fileObject(f: WrittenFile): string {
  const format = formatOf(f.path);
  return `  <premis:object xsi:type="premis:file">
    <premis:objectIdentifier><premis:objectIdentifierType>local</premis:objectIdentifierType><premis:objectIdentifierValue>${escapeXml(f.path)}</premis:objectIdentifierValue></premis:objectIdentifier>
    <premis:objectCharacteristics>
      <premis:compositionLevel>0</premis:compositionLevel>
      <premis:fixity><premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm><premis:messageDigest>${f.sha256}</premis:messageDigest><premis:messageDigestOriginator>Kriskanal</premis:messageDigestOriginator></premis:fixity>
      <premis:size>${f.size}</premis:size>
      <premis:format><premis:formatDesignation><premis:formatName>${format.name}</premis:formatName></premis:formatDesignation><premis:formatRegistry><premis:formatRegistryName>IANA Media Types</premis:formatRegistryName><premis:formatRegistryKey>${format.mime}</premis:formatRegistryKey></premis:formatRegistry></premis:format>
    </premis:objectCharacteristics>
    ${linkingEvent(CREATION)}
    ${linkingEvent(DIGEST)}
  </premis:object>
`;
}

function linkingEvent(id: string): string {
  return `<premis:linkingEventIdentifier><premis:linkingEventIdentifierType>local</premis:linkingEventIdentifierType><premis:linkingEventIdentifierValue>${id}</premis:linkingEventIdentifierValue></premis:linkingEventIdentifier>`;
}

function event(
  id: string,
  type: string,
  code: string,
  at: string,
  detail: string,
  agents: [id: string, role: string, code: string][],
): string {
  const linked = agents
    .map(
      ([agentId, role, roleCode]) =>
        `    <premis:linkingAgentIdentifier><premis:linkingAgentIdentifierType>local</premis:linkingAgentIdentifierType><premis:linkingAgentIdentifierValue>${agentId}</premis:linkingAgentIdentifierValue><premis:linkingAgentRole authority="eventRelatedAgentRole" authorityURI="${VOCABULARY}/eventRelatedAgentRole" valueURI="${VOCABULARY}/eventRelatedAgentRole/${roleCode}">${role}</premis:linkingAgentRole></premis:linkingAgentIdentifier>\n`,
    )
    .join("");
  return `  <premis:event>
    <premis:eventIdentifier><premis:eventIdentifierType>local</premis:eventIdentifierType><premis:eventIdentifierValue>${id}</premis:eventIdentifierValue></premis:eventIdentifier>
    <premis:eventType authority="eventType" authorityURI="${VOCABULARY}/eventType" valueURI="${VOCABULARY}/eventType/${code}">${type}</premis:eventType>
    <premis:eventDateTime>${at}</premis:eventDateTime>
    <premis:eventDetailInformation><premis:eventDetail>${escapeXml(detail)}</premis:eventDetail></premis:eventDetailInformation>
    <premis:eventOutcomeInformation><premis:eventOutcome>success</premis:eventOutcome></premis:eventOutcomeInformation>
${linked}  </premis:event>
`;
}

function agent(id: string, name: string, type: string, note: string): string {
  return `  <premis:agent>
    <premis:agentIdentifier><premis:agentIdentifierType>local</premis:agentIdentifierType><premis:agentIdentifierValue>${id}</premis:agentIdentifierValue></premis:agentIdentifier>
    <premis:agentName>${escapeXml(name)}</premis:agentName>
    <premis:agentType authority="agentType" authorityURI="${VOCABULARY}/agentType" valueURI="${VOCABULARY}/agentType/${type === "person" ? "per" : "sof"}">${type}</premis:agentType>
    <premis:agentNote>${escapeXml(note)}</premis:agentNote>
  </premis:agent>
`;
}
