// The archive keeps every published image as it was served, and the updates register keeps its
// alt text next to the update.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { makeJpeg } from "../helpers/images";
import { checkBag } from "./bagit-check";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test("an incident export holds the uploaded image and its alt text", async () => {
  const admin = api(hub, hub.token);
  const incident = (await admin.post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
  const upload = await hub.app.request(
    "/api/v1/media",
    {
      method: "POST",
      headers: { authorization: `Bearer ${hub.token}`, "content-type": "image/jpeg" },
      body: await makeJpeg(32, 24),
    },
    { deps: hub.deps },
  );
  const { id } = await upload.json();
  const served = new Uint8Array(await (await hub.app.request(`/media/${id}`, {}, { deps: hub.deps })).arrayBuffer());
  const alt = "Ett träd över Storgatan";
  const posted = await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: "Träd över vägen.",
    image: { mediaId: id, alt },
  });
  expect(posted.status, posted.text).toBe(201);

  const res = await hub.app.request(
    `/api/v1/incidents/${incident.id}/export`,
    { headers: { authorization: `Bearer ${hub.token}` } },
    { deps: hub.deps },
  );
  expect(res.status).toBe(200);
  const bag = checkBag(Buffer.from(await res.arrayBuffer()));
  expect(bag.problems).toEqual([]);
  const image = [...bag.files.entries()].find(([path]) => path.endsWith(`representations/media/data/${id}.jpg`));
  expect(image, [...bag.files.keys()].join("\n")).toBeTruthy();
  expect(new Uint8Array(image?.[1] as Buffer)).toEqual(served);
  const csv = bag.files.get("data/representations/csv/data/updates.csv") as Buffer;
  const [row] = parse(csv.toString("utf8").replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
  expect(JSON.parse(row.image)).toMatchObject({ mediaId: id, alt });
});
