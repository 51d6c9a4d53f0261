// The compliance report: the municipal policies checked against the account registry. Each
// rule is a small pure function citing the policy it comes from, so a new rule (the records
// issue's snapshot_stale) is one more entry in RULES and, if it needs a new fact, one more field
// in AccountFacts.
import { and, asc, eq, inArray, max } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries, snapshots } from "../../db/schema";
import type { Deps } from "../../deps";
import type { Actor } from "../people/actor";

type Account = typeof accounts.$inferSelect;

export type RuleCode =
  | "no_credential"
  | "rights_failing"
  | "too_few_editors"
  | "no_deputy"
  | "no_purpose"
  | "inactive"
  | "rights_check_stale"
  | "snapshot_stale";

export interface Finding {
  rule: RuleCode;
  /** What is wrong and what to do, in Swedish for the people who fix it. */
  message: string;
  /** The policy the rule comes from (/work/shared/seeds). */
  policy: string;
}

/** What the rules may look at: the registry row and facts derived from other tables. */
export interface AccountFacts {
  account: Account;
  /** When Kriskanal last published through the account; null if never. */
  lastPostedAt: Date | null;
  /** When the newest snapshot was taken; null if never, undefined when not loaded. */
  lastSnapshotAt?: Date | null;
}

export type ComplianceRule = (facts: AccountFacts, now: Date) => Finding[];

const MOTALA = "Motala kommun, gemensamma anvisningar för sociala medier";
const TYRESO = "Tyresö kommun, riktlinjer för användning av sociala medier";
const UMEA = "Umeå kommun, riktlinjer för användning av sociala medier för extern kommunikation";
const ARVIKA = "Arvika kommun, policy för sociala medier";

export const POLICY: Record<RuleCode, string> = {
  no_credential: `${MOTALA} §4 och bilaga 1.2; ${TYRESO} §1.2`,
  rights_failing: `${MOTALA} §4 och bilaga 1.2; ${TYRESO} §1.2`,
  too_few_editors: `${MOTALA} §4; ${ARVIKA} (Inför medverkan); ${UMEA} (Kontoansvariga)`,
  no_deputy: `${MOTALA} bilaga 1.1; ${TYRESO} §1.2 och §3.3`,
  no_purpose: `${MOTALA} §1 och §3; ${TYRESO} §3.1; ${UMEA} (Umeå kommuns konton i sociala medier)`,
  inactive: `${MOTALA} §10; ${TYRESO} §6; ${UMEA} (Umeå kommuns konton i sociala medier)`,
  rights_check_stale: `${MOTALA} §4, §6 och bilaga 1.2`,
  snapshot_stale: `${TYRESO} §3.4; ${MOTALA} §9`,
};

export const INACTIVE_AFTER_MONTHS = 6;
export const RIGHTS_CHECK_STALE_DAYS = 7;
const DAY_MS = 86_400_000;

const dateFormat = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "long" });
const day = (at: Date) => dateFormat.format(at);
const finding = (rule: RuleCode, message: string): Finding[] => [{ rule, message, policy: POLICY[rule] }];

export const noCredential: ComplianceRule = ({ account }) =>
  account.credentialCiphertext
    ? []
    : finding(
        "no_credential",
        "Kriskanal har inga inloggningsuppgifter för kontot, så kommunikationsenheten kan inte publicera där i en kris. Lägg in en inloggning med administratörs- eller publiceringsrätt.",
      );

export const rightsFailing: ComplianceRule = ({ account }) =>
  account.credentialCiphertext && account.rightsStatus === "failing"
    ? finding(
        "rights_failing",
        `Behörighetskontrollen misslyckades${account.rightsCheckedAt ? ` ${day(account.rightsCheckedAt)}` : ""}: ${account.rightsDetail ?? "okänt fel"}. Förnya inloggningen eller ge kommunikationsenheten administratörsrätt igen.`,
      )
    : [];

export const tooFewEditors: ComplianceRule = ({ account }) => {
  // The same person listed twice is still one person.
  const people = new Set(account.editors.map((e) => e.email.trim().toLowerCase()));
  return people.size >= 2
    ? []
    : finding(
        "too_few_editors",
        `Kontot har ${people.size === 0 ? "inga namngivna redaktörer" : "bara en namngiven redaktör"}; det ska ha minst två (en av dem får vara ersättare).`,
      );
};

export const noDeputy: ComplianceRule = ({ account }) =>
  account.editors.some((e) => e.role === "deputy")
    ? []
    : finding("no_deputy", "Kontot saknar en ersättare som tar över vid frånvaro. Utse en redaktör som ersättare.");

export const noPurpose: ComplianceRule = ({ account }) =>
  account.purpose?.trim()
    ? []
    : finding(
        "no_purpose",
        "Kontot saknar syftesbeskrivning. Beskriv vad kontot är till för; texten visas i kommunens lista över officiella kanaler.",
      );

export const inactive: ComplianceRule = ({ account, lastPostedAt }, now) => {
  const cutoff = monthsBefore(now, INACTIVE_AFTER_MONTHS);
  // A newly registered account has had no chance to post yet.
  const since = lastPostedAt ?? account.createdAt;
  if (since >= cutoff) return [];
  const what = lastPostedAt
    ? `Senaste inlägget via Kriskanal gjordes ${day(lastPostedAt)}`
    : `Inget inlägg har gjorts via Kriskanal sedan kontot registrerades ${day(account.createdAt)}`;
  return finding(
    "inactive",
    `${what}, för mer än ${INACTIVE_AFTER_MONTHS} månader sedan. Inaktiva konton ska stängas: ta en sista ögonblicksbild, publicera ett avslutande inlägg och stäng kontot.`,
  );
};

export const rightsCheckStale: ComplianceRule = ({ account }, now) => {
  // Without a credential there is nothing to check; no_credential already says so.
  if (!account.credentialCiphertext) return [];
  const checkedAt = account.rightsCheckedAt;
  if (!checkedAt) {
    return finding("rights_check_stale", "Behörigheten har aldrig kontrollerats mot plattformen. Kör en kontroll.");
  }
  if (account.rightsStatus === "unknown") {
    return finding(
      "rights_check_stale",
      `Den senaste kontrollen ${day(checkedAt)} nådde inte plattformen (${account.rightsDetail ?? "inget svar"}), så det är okänt om behörigheten fungerar. Kör en ny kontroll.`,
    );
  }
  const ageMs = now.getTime() - checkedAt.getTime();
  if (ageMs <= RIGHTS_CHECK_STALE_DAYS * DAY_MS) return [];
  return finding(
    "rights_check_stale",
    `Behörigheten kontrollerades senast ${day(checkedAt)}, för ${Math.floor(ageMs / DAY_MS)} dagar sedan (högst ${RIGHTS_CHECK_STALE_DAYS} dagar). Den dagliga kontrollen verkar inte köras; kör en kontroll.`,
  );
};

export const SNAPSHOT_STALE_AFTER_MONTHS = 6;

export const snapshotStale: ComplianceRule = ({ account, lastSnapshotAt }, now) => {
  if (lastSnapshotAt === undefined) return [];
  // Documented twice a year: an account registered less than half a year ago is not late yet.
  const since = lastSnapshotAt ?? account.createdAt;
  if (since >= monthsBefore(now, SNAPSHOT_STALE_AFTER_MONTHS)) return [];
  return finding(
    "snapshot_stale",
    lastSnapshotAt
      ? `Den senaste ögonblicksbilden av kontot togs ${day(lastSnapshotAt)}, för mer än ${SNAPSHOT_STALE_AFTER_MONTHS} månader sedan. Kontot ska dokumenteras varje halvår: ta en ny ögonblicksbild.`
      : `Kontot har aldrig dokumenterats med en ögonblicksbild, fast det registrerades ${day(account.createdAt)}. Kontot ska dokumenteras varje halvår: ta en ögonblicksbild.`,
  );
};

/** In the order the report lists them: can we publish at all, who runs it, is it alive. */
export const RULES: readonly ComplianceRule[] = [
  noCredential,
  rightsFailing,
  rightsCheckStale,
  tooFewEditors,
  noDeputy,
  noPurpose,
  inactive,
  snapshotStale,
];

export function findingsFor(facts: AccountFacts, now: Date, rules: readonly ComplianceRule[] = RULES): Finding[] {
  return rules.flatMap((rule) => rule(facts, now));
}

/** Every active account with its facts; closed accounts are no longer the municipality's voice. */
export async function loadAccountFacts(db: DbOrTx): Promise<AccountFacts[]> {
  const rows = await db
    .select()
    .from(accounts)
    .where(eq(accounts.status, "active"))
    .orderBy(asc(accounts.platform), asc(accounts.handle));
  if (!rows.length) return [];
  const posted = await db
    .select({ accountId: deliveries.accountId, at: max(deliveries.publishedAt) })
    .from(deliveries)
    .where(
      and(
        inArray(
          deliveries.accountId,
          rows.map((r) => r.id),
        ),
        eq(deliveries.status, "published"),
      ),
    )
    .groupBy(deliveries.accountId);
  const last = new Map(posted.map((p) => [p.accountId, p.at ? new Date(p.at) : null]));
  const snapshotted = await db
    .select({ accountId: snapshots.accountId, at: max(snapshots.createdAt) })
    .from(snapshots)
    .where(
      inArray(
        snapshots.accountId,
        rows.map((r) => r.id),
      ),
    )
    .groupBy(snapshots.accountId);
  const lastSnapshot = new Map(snapshotted.map((s) => [s.accountId, s.at ? new Date(s.at) : null]));
  return rows.map((account) => ({
    account,
    lastPostedAt: last.get(account.id) ?? null,
    lastSnapshotAt: lastSnapshot.get(account.id) ?? null,
  }));
}

/** Everyone signed in may read the report: editors need to see what to fix on their accounts. */
export async function buildComplianceReport(deps: Pick<Deps, "db" | "now">, _actor: Actor) {
  const now = deps.now();
  const facts = await loadAccountFacts(deps.db);
  const reported = facts.map(({ account, lastPostedAt, lastSnapshotAt }) => ({
    accountId: account.id,
    platform: account.platform,
    handle: account.handle,
    departmentId: account.departmentId,
    lastPostedAt,
    rightsCheckedAt: account.rightsCheckedAt,
    findings: findingsFor({ account, lastPostedAt, lastSnapshotAt }, now),
  }));
  const byRule: Partial<Record<RuleCode, number>> = {};
  for (const f of reported.flatMap((a) => a.findings)) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    generatedAt: now,
    summary: {
      accounts: reported.length,
      compliant: reported.filter((a) => a.findings.length === 0).length,
      findingsByRule: byRule,
    },
    accounts: reported,
  };
}

function monthsBefore(at: Date, months: number): Date {
  const out = new Date(at.getTime());
  out.setUTCMonth(out.getUTCMonth() - months);
  return out;
}
