// A stand-in for 46elks' SMS API (https://46elks.se/docs/send-sms): POST /a1/sms with from, to
// and message as a form and HTTP basic auth; 200 with the created message as JSON, or a plain-text
// reason with a 4xx. It counts parts as a network would (channels/sms-segments.ts) and keeps what
// it was sent, so tests and the demo can read it. Node only, like the other stand-ins.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { countSms } from "../channels/sms-segments";

export const ELKS_USERNAME = "u0123456789abcdef0123456789abcdef";
export const ELKS_PASSWORD = "sandbox-46elks-password-0123456789";

export interface ElksMessage {
  id: string;
  from: string;
  to: string;
  message: string;
  parts: number;
  encoding: "gsm7" | "ucs2";
  created: string;
}

export interface ElksStandIn {
  app: Hono;
  sent: ElksMessage[];
  /** Numbers the stand-in refuses as "Invalid to number", as 46elks does a number it cannot reach. */
  unreachable: Set<string>;
  /** The next `times` requests get `status` with `text` (503, 429...). */
  failNext(status: number, times?: number, text?: string): void;
  /** The next request is taken (and sent) but never answered: the client's timeout decides. */
  hangNext(): void;
  releaseHangs(): void;
  reset(): void;
}

export function createElksStandIn(options: { now?: () => number } = {}): ElksStandIn {
  const now = options.now ?? (() => Date.now());
  let failures: { status: number; text: string; times: number } | null = null;
  let hangs = 0;
  let waiting: (() => void)[] = [];
  const standIn: ElksStandIn = {
    app: new Hono(),
    sent: [],
    unreachable: new Set(),
    failNext(status, times = 1, text = "Service unavailable") {
      failures = { status, text, times };
    },
    hangNext() {
      hangs++;
    },
    releaseHangs() {
      for (const release of waiting) release();
      waiting = [];
    },
    reset() {
      standIn.sent.length = 0;
      standIn.unreachable.clear();
      failures = null;
      hangs = 0;
      standIn.releaseHangs();
    },
  };
  const expected = `Basic ${btoa(`${ELKS_USERNAME}:${ELKS_PASSWORD}`)}`;
  // GET /a1/sms lists what was sent, newest first, as 46elks' own history does.
  standIn.app.get("/a1/sms", (c) => {
    if (c.req.header("authorization") !== expected) return c.text("Unauthorized", 401);
    return c.json({ data: [...standIn.sent].reverse() });
  });
  standIn.app.post("/a1/sms", async (c) => {
    if (c.req.header("authorization") !== expected) return c.text("Unauthorized", 401);
    if (failures && failures.times > 0) {
      failures.times--;
      return c.text(failures.text, failures.status as 503);
    }
    const form = new URLSearchParams(await c.req.text());
    for (const key of ["from", "to", "message"]) {
      if (!form.get(key)) return c.text(`Missing key ${key}`, 403);
    }
    const from = form.get("from") ?? "";
    const to = form.get("to") ?? "";
    const message = form.get("message") ?? "";
    if (!/^([A-Za-z][A-Za-z0-9]{2,10}|\+[1-9]\d{6,14})$/.test(from)) return c.text("Invalid from", 403);
    if (!/^\+[1-9]\d{6,14}$/.test(to) || standIn.unreachable.has(to)) return c.text("Invalid to number", 403);
    const counted = countSms(message);
    const sms: ElksMessage = {
      id: `s${crypto.randomUUID().replace(/-/g, "")}`,
      from,
      to,
      message,
      parts: counted.segments,
      encoding: counted.encoding,
      created: new Date(now()).toISOString(),
    };
    standIn.sent.push(sms);
    if (hangs > 0) {
      hangs--;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    return c.json({
      status: "created",
      direction: "outbound",
      from,
      to,
      message,
      created: sms.created,
      parts: sms.parts,
      cost: 3500 * sms.parts,
      id: sms.id,
    });
  });
  return standIn;
}

export interface RunningElks extends ElksStandIn {
  url: string;
  close(): Promise<void>;
}

/** The stand-in on its own local port (tests); the demo sandbox also mounts it at /46elks. */
export async function startElksStandIn(options: { now?: () => number } = {}): Promise<RunningElks> {
  const standIn = createElksStandIn(options);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: standIn.app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
  });
  return Object.assign(standIn, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        standIn.releaseHangs();
        server.close((err) => (err ? reject(err) : resolve()));
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  });
}
