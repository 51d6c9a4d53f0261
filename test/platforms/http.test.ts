import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { classifyGraphFailure } from "../../src/platforms/graph";
import { callApi, classifyHttpFailure, createSend, type HttpReply, readRetryAfter } from "../../src/platforms/http";

const NOW = Date.parse("2026-03-01T10:00:00.000Z");
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function reply(status: number, headers: Record<string, string> = {}, body?: unknown): HttpReply {
  return { status, headers: new Headers(headers), body, text: body ? JSON.stringify(body) : "" };
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("createSend and callApi", () => {
  test("a refused connection was never sent: retry", async () => {
    const probe = createServer();
    const port = await listen(probe);
    probe.close();
    const res = await callApi(createSend(fetch, 500), `http://127.0.0.1:${port}/x`, { method: "POST", json: {} });
    expect(res).toMatchObject({ ok: false, class: "retry" });
  });

  test("a connection reset after sending is unconfirmed", async () => {
    const port = await listen(createServer((socket) => socket.on("data", () => socket.destroy())));
    const res = await callApi(createSend(fetch, 2_000), `http://127.0.0.1:${port}/x`, {
      method: "POST",
      json: { a: 1 },
    });
    expect(res).toMatchObject({ ok: false, class: "unconfirmed" });
  });

  test("a timeout is unconfirmed for a write and retry for a read", async () => {
    const port = await listen(createHttpServer(() => {}));
    const send = createSend(fetch, 100);
    expect(await callApi(send, `http://127.0.0.1:${port}/x`, { method: "POST", form: { a: "1" } })).toMatchObject({
      ok: false,
      class: "unconfirmed",
    });
    expect(await callApi(send, `http://127.0.0.1:${port}/x`)).toMatchObject({ ok: false, class: "retry" });
  });

  test("json and form bodies are encoded with their content types, and only the injected fetch is used", async () => {
    const seen: string[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push(`${init.method} ${url} ${(init.headers as Record<string, string>)["content-type"]} ${init.body}`);
      return new Response(JSON.stringify({ ok: 1 }), { status: 201 });
    }) as typeof fetch;
    const send = createSend(fakeFetch);
    const json = await callApi(send, "http://a/j", { json: { text: "å" } });
    await callApi(send, "http://a/f", { form: { message: "a b&c" } });
    expect(json).toMatchObject({ ok: true, data: { ok: 1 } });
    expect(seen).toEqual([
      'POST http://a/j application/json {"text":"å"}',
      "POST http://a/f application/x-www-form-urlencoded message=a+b%26c",
    ]);
  });

  test("an empty 204 reads without error", async () => {
    const send = createSend((async () => new Response(null, { status: 204 })) as unknown as typeof fetch);
    expect(await callApi(send, "http://a/", { method: "DELETE" })).toMatchObject({ ok: true, data: undefined });
  });
});

describe("readRetryAfter", () => {
  test.each([
    ["Retry-After seconds", { "retry-after": "120" }, undefined, 120],
    ["Retry-After HTTP date", { "retry-after": new Date(NOW + 90_000).toUTCString() }, undefined, 90],
    ["X x-rate-limit-reset epoch seconds", { "x-rate-limit-reset": String(NOW / 1000 + 300) }, undefined, 300],
    [
      "Mastodon X-RateLimit-Reset ISO 8601",
      { "X-RateLimit-Reset": new Date(NOW + 45_500).toISOString() },
      undefined,
      46,
    ],
    ["Bluesky RateLimit-Reset epoch seconds", { "RateLimit-Reset": String(NOW / 1000 + 60) }, undefined, 60],
    ["Telegram parameters.retry_after", {}, { ok: false, error_code: 429, parameters: { retry_after: 35 } }, 35],
    ["nothing", {}, undefined, undefined],
  ])("%s", (_, headers, body, expected) => {
    expect(readRetryAfter(reply(429, headers, body), NOW)).toBe(expected);
  });
});

describe("classifyHttpFailure", () => {
  test.each([
    [500, "retry"],
    [503, "retry"],
    [429, "retry"],
    [401, "auth"],
    [403, "rights"],
    [400, "invalid"],
    [422, "invalid"],
  ])("HTTP %i is %s", (status, cls) => {
    expect(classifyHttpFailure(reply(status))).toMatchObject({ ok: false, class: cls });
  });
});

describe("classifyGraphFailure", () => {
  const graph = (status: number, code: number, extra: Record<string, unknown> = {}, headers = {}) =>
    classifyGraphFailure(reply(status, headers, { error: { message: "m", code, ...extra } }));

  test.each([
    [400, 190, "auth"],
    [400, 102, "auth"],
    [403, 10, "rights"],
    [400, 200, "rights"],
    [400, 283, "rights"],
    [403, 4, "retry"],
    [400, 17, "retry"],
    [400, 32, "retry"],
    [400, 613, "retry"],
    [400, 2, "retry"],
    [400, 506, "invalid"],
    [400, 100, "invalid"],
  ])("HTTP %i code %i is %s", (status, code, cls) => {
    expect(graph(status, code)).toMatchObject({ ok: false, class: cls });
  });

  test("Business Use Case limits give the wait in seconds", () => {
    const usage = JSON.stringify({ "1": [{ type: "pages", estimated_time_to_regain_access: 7 }] });
    expect(graph(400, 80001, {}, { "x-business-use-case-usage": usage })).toMatchObject({
      class: "retry",
      retryAfterSeconds: 420,
    });
  });

  test("a Retry-After in seconds wins over the usage header's whole minutes", () => {
    const usage = JSON.stringify({ "1": [{ type: "pages", estimated_time_to_regain_access: 1 }] });
    expect(graph(429, 4, {}, { "x-business-use-case-usage": usage, "retry-after": "2" })).toMatchObject({
      class: "retry",
      retryAfterSeconds: 2,
    });
    expect(graph(429, 4, {}, { "x-business-use-case-usage": usage })).toMatchObject({ retryAfterSeconds: 60 });
  });

  test("the flat Page usage header is read in minutes too; zero minutes is no signal", () => {
    const page = JSON.stringify({ call_count: 100, total_time: 20, estimated_time_to_regain_access: 3 });
    expect(graph(400, 32, {}, { "x-page-usage": page })).toMatchObject({ class: "retry", retryAfterSeconds: 180 });
    const none = JSON.stringify({ "1": [{ type: "pages", call_count: 90, estimated_time_to_regain_access: 0 }] });
    expect(graph(400, 4, {}, { "x-business-use-case-usage": none }).retryAfterSeconds).toBeUndefined();
    expect(graph(400, 4, {}, { "x-app-usage": "not json" }).retryAfterSeconds).toBeUndefined();
  });

  test("a transient error carries the Retry-After it came with", () => {
    expect(graph(503, 2, {}, { "retry-after": "3" })).toMatchObject({ class: "retry", retryAfterSeconds: 3 });
  });
});
