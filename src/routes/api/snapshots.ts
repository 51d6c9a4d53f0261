import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { getSnapshot, listSnapshots, type Snapshot, takeSnapshot } from "../../domain/records/snapshots";
import { readJson } from "./auth";

function toSnapshotSummary(s: Omit<Snapshot, "data">) {
  return {
    id: s.id,
    accountId: s.accountId,
    periodFrom: s.periodFrom,
    periodTo: s.periodTo,
    sha256: s.sha256,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
  };
}

export const snapshotRoutes = new Hono<AppEnv>()
  .post("/accounts/:id/snapshots", async (c) => {
    const { deps } = c.env;
    const snapshot = await takeSnapshot(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json({ ...toSnapshotSummary(snapshot), data: snapshot.data }, 201);
  })
  .get("/accounts/:id/snapshots", async (c) => {
    const rows = await listSnapshots(c.env.deps.db, c.get("actor"), c.req.param("id"));
    return c.json({ snapshots: rows.map(toSnapshotSummary) });
  })
  .get("/accounts/:id/snapshots/:snapshotId", async (c) => {
    const { snapshot, intact } = await getSnapshot(
      c.env.deps.db,
      c.get("actor"),
      c.req.param("id"),
      c.req.param("snapshotId"),
    );
    return c.json({ ...toSnapshotSummary(snapshot), intact, data: snapshot.data });
  });
