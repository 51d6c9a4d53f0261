// The demo organisation seeded on first start (KRISKANAL_DEMO=0 turns it off): Exempelkommun
// with a few departments and a communicator, so a newcomer sees the hub work at once.
import { count, eq } from "drizzle-orm";
import type { Db } from "./db/client";
import { departments, organisations, people, subscribers } from "./db/schema";
import type { Deps } from "./deps";
import { SYSTEM_ACTOR } from "./domain/people/actor";
import { hashPassword } from "./domain/people/passwords";
import { loadActor } from "./domain/people/people";
import { closeIncident, openIncident } from "./domain/publishing/incidents";
import { type PostUpdateDeps, postUpdate } from "./domain/publishing/updates";
import { recordAudit } from "./domain/records/audit";
import { digestToken, hashAddress, sealAddress } from "./domain/subscribers/addresses";
import { tallySubscriber } from "./domain/subscribers/erasure";
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
export function withDemoEditors<T extends { platform: string }>(
  definitions: T[],
): (T & { editors: DemoEditor[]; language?: string })[] {
  return definitions.map((definition) => ({
    ...definition,
    editors: definition.platform === "threads" ? DEMO_EDITORS.slice(0, 1) : DEMO_EDITORS,
    // One account in English shows the language rule: it gets the English text where there is one.
    ...(definition.platform === DEMO_ENGLISH_PLATFORM ? { language: "en" } : {}),
  }));
}

/** The demo offers Swedish, English, Arabic and easy-to-read Swedish. */
export const DEMO_LANGUAGES = ["sv", "en", "ar", "sv-x-lattlast"] as const;
const DEMO_ENGLISH_PLATFORM = "mastodon";

/**
 * On the first start, after the sandbox accounts exist: an information incident with one update
 * in Swedish, English and Arabic (easy-to-read Swedish left missing, so the staff page shows
 * what a missing language looks like). Posted through the verbs, so it is delivered like any other.
 */
export async function seedDemoTranslatedUpdate(deps: PostUpdateDeps) {
  const incident = await openIncident(deps, SYSTEM_ACTOR, {
    title: "Vattenavstängning på Storgatan",
    severity: "info",
  });
  return postUpdate(deps, SYSTEM_ACTOR, {
    incidentId: incident.id,
    body: "Vattnet stängs av på Storgatan 1–15 i dag kl. 13–16 för en reparation. Tappa upp vatten i förväg.",
    translations: {
      en: "The water will be shut off at Storgatan 1–15 today from 13:00 to 16:00 for a repair. Draw water in advance.",
      ar: "سيتم قطع المياه في شارع Storgatan 1–15 اليوم من الساعة 13 إلى 16 بسبب الإصلاح. احتفظوا بالماء مسبقًا.",
    },
    author: { name: "Anna Andersson", title: "Kommunikatör i beredskap" },
  });
}

/** Seeds once: does nothing when departments already exist. Returns the department ids by name. */
export async function seedDemo(db: Db, now: Date): Promise<Record<string, string> | null> {
  const [{ n }] = await db.select({ n: count() }).from(departments);
  if (Number(n) > 0) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    await tx.update(organisations).set({
      ...DEMO_PROFILE,
      languages: [...DEMO_LANGUAGES],
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

/** The demo's finished exercise: a storm drill run last week, three updates and an all-clear, closed. */
export const DEMO_EXERCISE = {
  title: "Övning: storm och strömavbrott i Norra staden",
  summary: "Krisledningens höstövning: en storm fäller träd över ledningar och Norra staden blir utan ström.",
  updates: [
    {
      kind: "update" as const,
      minutes: 0,
      body: "Stormen har fällt träd över elledningar. Norra staden är utan ström. Elnätsbolaget felsöker. Ring inte 112 om det inte är en nödsituation.",
    },
    {
      kind: "update" as const,
      minutes: 45,
      body: "Värmestuga öppnar kl. 18 i Norra skolans matsal. Där finns värme, laddning av telefoner och varm dryck.",
    },
    {
      kind: "update" as const,
      minutes: 120,
      body: "Strömmen är tillbaka i större delen av Norra staden. Cirka 200 hushåll väntar fortfarande. Värmestugan har öppet till kl. 22.",
    },
    {
      kind: "all_clear" as const,
      minutes: 240,
      body: "Alla hushåll har ström igen. Värmestugan stänger. Tack för att ni följde informationen.",
    },
  ],
  closedAfterMinutes: 260,
};

/**
 * Runs the demo's exercise through the real verbs, as Anna, a week back: it posts to the
 * sandbox stand-ins (exercise accounts), lives under /ovning and is closed. Once, when the demo
 * was seeded at this start (its accounts must exist first, so node.ts calls it after them).
 */
export async function seedDemoExercise(deps: Deps, now: Date): Promise<string | null> {
  const [annaRow] = await deps.db.select({ id: people.id }).from(people).where(eq(people.email, DEMO_EMAIL));
  const anna = annaRow ? await loadActor(deps.db, annaRow.id, "session") : null;
  if (!anna) return null;
  const start = now.getTime() - 7 * 86_400_000;
  const at = (minutes: number) => ({ ...deps, now: () => new Date(start + minutes * 60_000) });
  const incident = await openIncident(at(0), anna, {
    exercise: true,
    title: DEMO_EXERCISE.title,
    summary: DEMO_EXERCISE.summary,
    severity: "major",
    areas: ["Norra staden"],
  });
  for (const update of DEMO_EXERCISE.updates) {
    await postUpdate(at(update.minutes), anna, {
      incidentId: incident.id,
      kind: update.kind,
      body: update.body,
    });
  }
  await closeIncident(at(DEMO_EXERCISE.closedAfterMinutes), anna, incident.id);
  return incident.id;
}

/**
 * A number PTS keeps for fiction (070-174 06 05), subscribed by SMS to every incident, so the demo's
 * updates go out to a subscriber too (to the sandbox's 46elks stand-in) and the reach counts one.
 */
export const DEMO_SMS_SUBSCRIBER = "+46701740605";

export async function seedDemoSubscriber(deps: Pick<Deps, "db" | "secretKey" | "config">, now: Date): Promise<void> {
  if (!deps.config.sms) return;
  const sealed = await sealAddress(deps.secretKey, DEMO_SMS_SUBSCRIBER);
  const addressHash = await hashAddress(deps.secretKey, "sms", DEMO_SMS_SUBSCRIBER);
  await deps.db.transaction(async (tx) => {
    await tx.insert(subscribers).values({
      channel: "sms",
      addressSealed: sealed.sealed,
      addressHash,
      incidentId: null,
      language: "sv",
      status: "confirmed",
      confirmedAt: now,
      unsubscribeHash: await digestToken(sealed.token),
      createdAt: now,
    });
    await tallySubscriber(tx, "sms:confirmed");
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
