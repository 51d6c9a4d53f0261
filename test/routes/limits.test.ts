// Request bodies have a ceiling (KRISKANAL_MAX_BODY_BYTES): 413 on the API in the JSON error
// shape and a Swedish page on staff routes, with no more of the body read than the limit.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config";
import { startTestHub, type TestHub } from "../helpers/hub";

const LIMIT = 64 * 1024;
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ env: { KRISKANAL_MAX_BODY_BYTES: String(LIMIT) } });
});
afterAll(() => hub.close());

/** A body sent in chunks with no Content-Length; counts how many bytes the app pulled. */
function streamedBody(totalBytes: number, chunkBytes = 16 * 1024) {
  const pulled = { bytes: 0 };
  const chunk = new TextEncoder().encode("a".repeat(chunkBytes));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= totalBytes) return controller.close();
      pulled.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled };
}

describe("body limit", () => {
  test("the defaults are 1 MB for bodies and 10 MB for uploads", () => {
    const config = parseConfig({});
    expect(config.maxBodyBytes).toBe(1024 * 1024);
    expect(config.maxUploadBytes).toBe(10 * 1024 * 1024);
  });

  test("an API body over the limit is 413 in the JSON error shape and nothing is written", async () => {
    const title = "x".repeat(LIMIT + 1);
    const res = await hub.app.request(
      "/api/v1/incidents",
      {
        method: "POST",
        headers: { authorization: `Bearer ${hub.token}`, "content-type": "application/json" },
        body: JSON.stringify({ title, severity: "info" }),
      },
      { deps: hub.deps },
    );
    expect(res.status).toBe(413);
    const body = await res.json();
    expect(body.error.code).toBe("payload_too_large");
    expect(body.error.message).toMatch(/larger than/);
    const list = await hub.app.request(
      "/api/v1/incidents",
      { headers: { authorization: `Bearer ${hub.token}` } },
      { deps: hub.deps },
    );
    expect(JSON.stringify(await list.json())).not.toContain("xxxxxxxxxx");
  });

  test("a sign-in form over the limit is 413 with a Swedish page, before sign-in", async () => {
    const body = `email=a%40b.se&password=${"p".repeat(LIMIT)}`;
    const res = await hub.app.request(
      "/staff/login",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
        body,
      },
      { deps: hub.deps },
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("större än 64 kB");
  });

  test("a streamed body without Content-Length is read no further than the limit", async () => {
    const { stream, pulled } = streamedBody(20 * LIMIT);
    const res = await hub.app.request(
      "/staff/login",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: stream,
        duplex: "half",
      } as RequestInit,
      { deps: hub.deps },
    );
    expect(res.status).toBe(413);
    expect(pulled.bytes).toBeLessThan(3 * LIMIT);
  });

  test("a body under the limit goes through", async () => {
    const res = await hub.app.request(
      "/api/v1/incidents",
      {
        method: "POST",
        headers: { authorization: `Bearer ${hub.token}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "Vattenläcka", severity: "info" }),
      },
      { deps: hub.deps },
    );
    expect(res.status).toBeLessThan(300);
  });
});
