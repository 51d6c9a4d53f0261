// The file formats of the archive package, by extension: the MIME type METS records and the
// format name and media type PREMIS records.
export interface FileFormat {
  mime: string;
  name: string;
}

const FORMATS: Record<string, FileFormat> = {
  json: { mime: "application/json", name: "JSON" },
  csv: { mime: "text/csv", name: "CSV" },
  xml: { mime: "application/xml", name: "XML" },
  xsd: { mime: "application/xml", name: "XML Schema" },
  html: { mime: "text/html", name: "HTML" },
  txt: { mime: "text/plain", name: "Plain text" },
};

const UNKNOWN: FileFormat = { mime: "application/octet-stream", name: "Unknown" };

export function formatOf(path: string): FileFormat {
  return FORMATS[path.slice(path.lastIndexOf(".") + 1)] ?? UNKNOWN;
}
