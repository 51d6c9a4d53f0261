// People, departments and accounts for tests of who may do what. Departments and accounts are
// written straight into the database (their own APIs are tested elsewhere); people go through
// the people API, so every test that uses them also exercises it.
import type { Editor } from "../../src/db/schema";
import { accounts, departments } from "../../src/db/schema";
import type { Platform } from "../../src/platforms/types";
import { api, type TestHub } from "./hub";

export async function addDepartment(hub: TestHub, name: string): Promise<string> {
  const [d] = await hub.deps.db.insert(departments).values({ name, createdAt: hub.clock.now() }).returning();
  return d.id;
}

let handles = 0;
export async function addAccount(
  hub: TestHub,
  options: { departmentId: string | null; platform?: Platform; editors?: Editor[]; baseUrl?: string },
) {
  const now = hub.clock.now();
  const [a] = await hub.deps.db
    .insert(accounts)
    .values({
      platform: options.platform ?? "mastodon",
      handle: `konto${++handles}-${crypto.randomUUID().slice(0, 6)}`,
      departmentId: options.departmentId,
      baseUrl: options.baseUrl ?? "http://127.0.0.1:9",
      editors: options.editors ?? [],
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return a;
}

export interface TestPerson {
  id: string;
  email: string;
  token: string;
}

let people = 0;
/** A person created by the admin through the API, with an API token of their own. */
export async function addPerson(
  hub: TestHub,
  input: { role: string; departmentIds?: string[]; name?: string; email?: string; password?: string },
): Promise<TestPerson> {
  const admin = api(hub, hub.token);
  const n = ++people;
  const email = input.email ?? `person${n}-${crypto.randomUUID().slice(0, 8)}@exempelkommun.se`;
  const created = await admin.post("/api/v1/people", {
    name: input.name ?? `Person ${n}`,
    email,
    role: input.role,
    departmentIds: input.departmentIds ?? [],
    ...(input.password ? { password: input.password } : {}),
  });
  if (created.status !== 201) throw new Error(`addPerson: ${created.status} ${created.text}`);
  const issued = await admin.post(`/api/v1/people/${created.json.id}/tokens`, { name: "test" });
  if (issued.status !== 201) throw new Error(`addPerson token: ${issued.status} ${issued.text}`);
  return { id: created.json.id, email, token: issued.json.token };
}
