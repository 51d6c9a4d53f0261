// Archive downloads: the bag streams out as it is written, so the response starts at once and
// memory stays flat. Authorisation and input errors are raised before the first byte.
import { Hono } from "hono";
import { streamBag } from "../../archive/bag";
import type { AppEnv, Deps } from "../../deps";
import { type ArchiveExport, exportIncident, exportPeriod } from "../../domain/records/archive";

export function zipResponse(archive: ArchiveExport, deps: Pick<Deps, "hasher" | "crc32">): Response {
  const body = streamBag(
    {
      name: archive.name,
      sourceOrganization: archive.sourceOrganization,
      externalIdentifier: archive.externalIdentifier,
      externalDescription: archive.externalDescription,
      extra: archive.extra,
    },
    archive.createdAt,
    archive.payload,
    deps.hasher,
    deps.crc32,
  );
  return new Response(body, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="${archive.name}.zip"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

export const exportRoutes = new Hono<AppEnv>()
  .get("/incidents/:id/export", async (c) =>
    zipResponse(await exportIncident(c.env.deps, c.get("actor"), c.req.param("id")), c.env.deps),
  )
  .get("/export", async (c) => zipResponse(await exportPeriod(c.env.deps, c.get("actor"), c.req.query()), c.env.deps));
