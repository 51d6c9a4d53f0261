// The demo organisation seeded on first start (KRISKANAL_DEMO=0 turns it off): Exempelkommun
// with a few departments and a communicator, so a newcomer sees the hub work at once.
import { count } from "drizzle-orm";
import type { Db } from "./db/client";
import { departments, people } from "./db/schema";
import { SYSTEM_ACTOR } from "./domain/people/actor";
import { hashPassword } from "./domain/people/passwords";
import { recordAudit } from "./domain/records/audit";

export const DEMO_DEPARTMENTS = [
  "Kommunikationsenheten",
  "Räddningstjänsten",
  "VA-avdelningen",
  "Barn- och utbildning",
];

/**
 * Anna Andersson's password in the demo only (seedDemo runs only with KRISKANAL_DEMO on): it is
 * printed in the README, so it must never protect real data.
 */
export const DEMO_PASSWORD = "demo-losenord-2026";
export const DEMO_EMAIL = "anna.andersson@exempelkommun.se";

interface DemoEditor {
  name: string;
  email: string;
  role: "editor" | "deputy";
}

const DEMO_EDITORS: DemoEditor[] = [
  { name: "Anna Andersson", email: DEMO_EMAIL, role: "editor" },
  { name: "Bengt Berg", email: "bengt.berg@exempelkommun.se", role: "deputy" },
];

/**
 * The demo's stand-in accounts with their editors named, as the policies ask, so the compliance
 * report has something to teach rather than a wall: all but Threads meet the policies; Threads
 * has one editor and no deputy, two findings a newcomer can fix on the account's page.
 */
export function withDemoEditors<T extends { platform: string }>(definitions: T[]): (T & { editors: DemoEditor[] })[] {
  return definitions.map((definition) => ({
    ...definition,
    editors: definition.platform === "threads" ? DEMO_EDITORS.slice(0, 1) : DEMO_EDITORS,
  }));
}

/** Seeds once: does nothing when departments already exist. Returns the department ids by name. */
export async function seedDemo(db: Db, now: Date): Promise<Record<string, string> | null> {
  const [{ n }] = await db.select({ n: count() }).from(departments);
  if (Number(n) > 0) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const ids: Record<string, string> = {};
    for (const name of DEMO_DEPARTMENTS) {
      const [d] = await tx.insert(departments).values({ name, createdAt: now }).returning();
      ids[name] = d.id;
    }
    const [anna] = await tx
      .insert(people)
      .values({
        name: "Anna Andersson",
        email: DEMO_EMAIL,
        title: "Kommunikatör i beredskap",
        role: "communicator",
        departmentId: ids.Kommunikationsenheten,
        departmentIds: [ids.Kommunikationsenheten],
        passwordHash,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, SYSTEM_ACTOR, now, {
      action: "demo.seeded",
      entityType: "organisation",
      after: { departments: ids, people: [anna.id] },
    });
    return ids;
  });
}
