// The bench's API client for a hub that may be dead at any moment. Reads are simply repeated
// until they are answered. A publish that got no answer may still have committed, so before it
// is sent again the incident's updates are read: the bench never publishes one update twice.

export interface PublishedUpdate {
  id: string;
  incidentId: string;
  number: number;
  body: string;
  url: string;
  publishedAt: string;
}

export interface DeliveryView {
  id: string;
  updateId: string | null;
  accountId: string;
  platform: string;
  kind: string;
  status: string;
  attempts: number;
  remoteId: string | null;
  failureClass: string | null;
  message: string | null;
  updatedAt: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const PAUSE_MS = 200;

export function createChaosClient(hubUrl: string, token: string) {
  /** Counts publishes that got no answer and were checked before being sent again. */
  const stats = { unanswered: 0, foundCommitted: 0 };

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${hubUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** A read (or an idempotent setup call) repeated until the hub answers it with 2xx; T is the answer's shape. */
  async function read<T>(path: string): Promise<T> {
    for (;;) {
      try {
        const res = await call("GET", path);
        if (res.status >= 200 && res.status < 300) return res.json as T;
        if (res.status < 500) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.json)}`);
      } catch (error) {
        if (!isTransient(error)) throw error;
      }
      await pause();
    }
  }

  async function create<T>(path: string, body: unknown): Promise<T> {
    const res = await call("POST", path, body);
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as T;
  }

  async function findCommitted(incidentId: string, body: string): Promise<PublishedUpdate | undefined> {
    const { updates } = await read<{ updates: PublishedUpdate[] }>(`/api/v1/incidents/${incidentId}/updates`);
    return updates.find((u) => u.body === body);
  }

  /** Publishes once, however often the hub dies on the way. */
  async function publish(incidentId: string, input: { body: string; targets: string[] }): Promise<PublishedUpdate> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const committed = await findCommitted(incidentId, input.body);
        if (committed) {
          stats.foundCommitted++;
          return committed;
        }
      }
      try {
        const res = await call("POST", `/api/v1/incidents/${incidentId}/updates`, input);
        if (res.status === 201) return res.json as PublishedUpdate;
        if (res.status < 500) throw new Error(`publish: ${res.status} ${JSON.stringify(res.json)}`);
      } catch (error) {
        if (!isTransient(error)) throw error;
      }
      stats.unanswered++;
      await pause();
    }
  }

  return { read, create, publish, stats };
}

function isTransient(error: unknown): boolean {
  // fetch's network failures are TypeErrors; a timeout is an AbortError / TimeoutError.
  return error instanceof TypeError || (error instanceof DOMException && /Abort|Timeout/.test(error.name));
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
}
