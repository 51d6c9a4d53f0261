// The demo organisation seeded on first start (KRISKANAL_DEMO=0 turns it off): Exempelkommun
// with a few departments and a communicator, so a newcomer sees the hub work at once.
import { count } from "drizzle-orm";
import type { Db } from "./db/client";
import { departments, organisations, people } from "./db/schema";
import { SYSTEM_ACTOR } from "./domain/people/actor";
import { hashPassword } from "./domain/people/passwords";
import { recordAudit } from "./domain/records/audit";
import { PLATFORMS } from "./platforms/types";
import type { RunningSandbox } from "./sandbox/index";

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

/** Exempelkommun's logo: a shield with a wave, drawn for the demo (it passes the logo allow-list). */
export const DEMO_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<title>Exempelkommun</title>
<path d="M32 3 L58 12 V30 C58 46 46 56 32 61 C18 56 6 46 6 30 V12 Z" fill="#ffffff"/>
<path d="M32 8 L53 15.5 V30 C53 43 43.5 51.5 32 55.8 C20.5 51.5 11 43 11 30 V15.5 Z" fill="#00594c"/>
<path d="M14 36 C20 31 26 41 32 36 C38 31 44 41 50 36 V40 C44 45 38 35 32 40 C26 45 20 35 14 40 Z" fill="#ffffff"/>
<circle cx="32" cy="22" r="6" fill="#f2c200"/>
</svg>
`;

/** The demo's graphic profile: a dark green with white text (contrast 8.3:1). */
export const DEMO_PROFILE = {
  shortName: "Exempelkommun",
  primaryColour: "#00594c",
  textColour: "#ffffff",
  contactLines: ["Kontaktcenter 0123-45 67 00 (vardagar 8–17)", "www.exempelkommun.se"],
};

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
    await tx.update(organisations).set({
      ...DEMO_PROFILE,
      logoType: "image/svg+xml",
      logoBytes: new TextEncoder().encode(DEMO_LOGO_SVG),
      logoUpdatedAt: now,
    });
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

/** What the demo's public writes under each new crisis post: a question, a rumour check, thanks. */
export const DEMO_PUBLIC_REPLIES = [
  { author: "anna.lind", text: "Gäller det här Norrby också?" },
  { author: "bertil_s", text: "När räknar ni med att det är klart? Jag har hört att det tar en vecka." },
  { author: "maj.k", text: "Tack för att ni informerar!" },
];

/**
 * Plays the public on the demo's stand-ins: each new post of ours (not a thread reply or an
 * answer) gets a few public replies, so a newcomer who publishes an update sees the inbox fill
 * within a minute. Returns how many replies were added; posts already answered are remembered.
 */
export function createDemoPublic(sandbox: Pick<RunningSandbox, "state" | "reply">) {
  const seen = new Set<string>();
  return function replyToNewPosts(): number {
    let added = 0;
    for (const platform of PLATFORMS) {
      for (const post of sandbox.state(platform).posts) {
        const key = `${platform}:${post.id}`;
        if (post.deleted || post.replyTo || seen.has(key)) continue;
        seen.add(key);
        for (const reply of DEMO_PUBLIC_REPLIES) {
          try {
            sandbox.reply(platform, { ...reply, postId: post.id });
            added++;
          } catch {
            // A stand-in that cannot thread under this post (gone since) simply gets no replies.
          }
        }
      }
    }
    return added;
  };
}
