// Rows the records tests need, written straight into the database: accounts with a sealed
// (planted) credential, people with roles and tokens, and deliveries marked as published the
// way the dispatcher records them.
import { eq } from "drizzle-orm";
import { accounts, deliveries, departments, people, type Role } from "../../src/db/schema";
import { sealJson } from "../../src/domain/accounts/secrets";
import { issueToken } from "../../src/domain/people/tokens";
import type { Platform } from "../../src/platforms/types";
import type { TestHub } from "../helpers/hub";

export const PLANTED_SECRET = "PLANTED-SECRET-123";

let serial = 0;

export async function addDepartment(hub: TestHub, name: string) {
  const [row] = await hub.deps.db.insert(departments).values({ name, createdAt: hub.clock.now() }).returning();
  return row;
}

export async function addAccount(
  hub: TestHub,
  values: {
    platform: Platform;
    handle: string;
    departmentId?: string | null;
    baseUrl?: string;
    options?: Record<string, string>;
    credential?: Record<string, string>;
  },
) {
  const now = hub.clock.now();
  const [row] = await hub.deps.db
    .insert(accounts)
    .values({
      platform: values.platform,
      handle: values.handle,
      departmentId: values.departmentId ?? null,
      baseUrl: values.baseUrl ?? `https://${values.platform}.example`,
      options: values.options ?? {},
      credentialCiphertext: await sealJson(
        hub.deps.secretKey,
        values.credential ?? { accessToken: `${PLANTED_SECRET}-${values.handle}` },
      ),
      publicUrl: `https://${values.platform}.example/${values.handle}`,
      purpose: "Krisinformation från kommunen.",
      editors: [
        { name: "Anna Andersson", email: "anna@exempel.se", role: "editor" },
        { name: "Bo Berg", email: "bo@exempel.se", role: "deputy" },
      ],
      status: "active",
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row;
}

export async function addPerson(hub: TestHub, role: Role, departmentIds: string[] = []) {
  const now = hub.clock.now();
  serial++;
  const [person] = await hub.deps.db
    .insert(people)
    .values({
      name: `${role} ${serial}`,
      email: `${role}${serial}@exempel.se`,
      title: role === "registrar" ? "Registrator" : "Kommunikatör",
      role,
      departmentIds,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const { token } = await issueToken(hub.deps.db, person.id, "test", now);
  return { ...person, token };
}

/** What the dispatcher records after a successful publish. */
export async function markPublished(hub: TestHub, deliveryId: string, remoteId: string) {
  const now = hub.clock.now();
  await hub.deps.db
    .update(deliveries)
    .set({
      status: "published",
      attempts: 1,
      remoteId,
      remoteUrl: `https://social.example/posts/${remoteId}`,
      sentText: `Skickad text ${remoteId}`,
      publishedAt: now,
      updatedAt: now,
    })
    .where(eq(deliveries.id, deliveryId));
}
