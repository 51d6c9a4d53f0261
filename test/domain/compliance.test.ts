import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, deliveries, type Editor, people } from "../../src/db/schema";
import {
  type AccountFacts,
  findingsFor,
  inactive,
  noCredential,
  noDeputy,
  noPurpose,
  POLICY,
  RULES,
  type RuleCode,
  rightsCheckStale,
  rightsFailing,
  tooFewEditors,
} from "../../src/domain/accounts/compliance";
import { issueToken } from "../../src/domain/people/tokens";
import { api, startTestHub, type TestHub } from "../helpers/hub";

type Account = typeof accounts.$inferSelect;
const NOW = new Date("2026-11-21T13:05:00Z");
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

const anna: Editor = { name: "Anna Andersson", email: "anna@exempel.se", role: "editor" };
const bo: Editor = { name: "Bo Berg", email: "bo@exempel.se", role: "deputy" };

/** An account that breaks no rule; each test breaks one thing. */
function compliant(overrides: Partial<Account> = {}, lastPostedAt: Date | null = daysAgo(10)): AccountFacts {
  return {
    lastPostedAt,
    lastSnapshotAt: daysAgo(30),
    account: {
      id: "7d0f5c1e-0000-4000-8000-000000000001",
      platform: "facebook",
      handle: "Exempelkommun",
      departmentId: null,
      baseUrl: "https://graph.facebook.com/v23.0",
      options: { pageId: "1" },
      credentialCiphertext: "v1:c2VhbGVk",
      publicUrl: "https://www.facebook.com/exempelkommun",
      purpose: "Nyheter och krisinformation från kommunen.",
      editors: [anna, bo],
      status: "active",
      closedAt: null,
      closedReason: null,
      rightsStatus: "ok",
      rightsClass: null,
      rightsDetail: "Sidan kan publicera",
      rightsCheckedAt: daysAgo(1),
      sandbox: false,
      exercise: false,
      language: "sv",
      translationWaitMinutes: null,
      createdAt: daysAgo(400),
      updatedAt: daysAgo(1),
      ...overrides,
    },
  };
}
const codes = (facts: AccountFacts) => findingsFor(facts, NOW).map((f) => f.rule);

describe("compliance rules", () => {
  test("a well-kept account has no findings", () => {
    expect(findingsFor(compliant(), NOW)).toEqual([]);
  });

  test("every rule code has a rule, and every finding cites its policy from the seeds", () => {
    const broken = {
      ...compliant({ credentialCiphertext: null, editors: [], purpose: null, createdAt: daysAgo(400) }, daysAgo(400)),
      lastSnapshotAt: null,
    };
    const failing = compliant({ rightsStatus: "failing", rightsClass: "rights", rightsCheckedAt: daysAgo(30) });
    const found = new Set([...codes(broken), ...codes(failing)]);
    const all: RuleCode[] = [
      "no_credential",
      "rights_failing",
      "too_few_editors",
      "no_deputy",
      "no_purpose",
      "inactive",
      "rights_check_stale",
      "snapshot_stale",
    ];
    expect([...found].sort()).toEqual([...all].sort());
    expect(RULES).toHaveLength(all.length);
    for (const f of [...findingsFor(broken, NOW), ...findingsFor(failing, NOW)]) {
      expect(f.policy).toBe(POLICY[f.rule]);
      expect(f.message.length).toBeGreaterThan(20);
    }
    expect(POLICY.too_few_editors).toContain("Motala kommun, gemensamma anvisningar för sociala medier §4");
    expect(POLICY.no_credential).toContain("bilaga 1.2");
    expect(POLICY.no_deputy).toContain("bilaga 1.1");
    expect(POLICY.inactive).toContain("§10");
    expect(POLICY.no_purpose).toContain("Tyresö kommun");
  });

  test("no_credential: the hub holds no credential", () => {
    expect(noCredential(compliant({ credentialCiphertext: null }), NOW)).toMatchObject([{ rule: "no_credential" }]);
    expect(noCredential(compliant(), NOW)).toEqual([]);
  });

  test("rights_failing: the last check failed, naming why", () => {
    const failing = compliant({
      rightsStatus: "failing",
      rightsClass: "auth",
      rightsDetail: "HTTP 401: token expired",
    });
    const [f] = rightsFailing(failing, NOW);
    expect(f).toMatchObject({ rule: "rights_failing" });
    expect(f.message).toContain("HTTP 401: token expired");
    expect(rightsFailing(compliant({ rightsStatus: "unknown" }), NOW)).toEqual([]);
    expect(rightsFailing(compliant(), NOW)).toEqual([]);
  });

  test("too_few_editors: fewer than two people, counting a person listed twice once", () => {
    expect(tooFewEditors(compliant({ editors: [] }), NOW)[0].message).toContain("inga namngivna redaktörer");
    expect(tooFewEditors(compliant({ editors: [anna] }), NOW)[0].message).toContain("bara en");
    const twice = [anna, { ...anna, email: " ANNA@exempel.se", role: "deputy" as const }];
    expect(tooFewEditors(compliant({ editors: twice }), NOW)).toMatchObject([{ rule: "too_few_editors" }]);
    // A deputy counts as one of the two.
    expect(tooFewEditors(compliant({ editors: [anna, bo] }), NOW)).toEqual([]);
  });

  test("no_deputy: two editors but nobody named as deputy", () => {
    const noStandIn = compliant({ editors: [anna, { ...bo, role: "editor" }] });
    expect(codes(noStandIn)).toEqual(["no_deputy"]);
    expect(noDeputy(compliant(), NOW)).toEqual([]);
  });

  test("no_purpose: missing or blank purpose text", () => {
    expect(noPurpose(compliant({ purpose: null }), NOW)).toMatchObject([{ rule: "no_purpose" }]);
    expect(noPurpose(compliant({ purpose: "   " }), NOW)).toMatchObject([{ rule: "no_purpose" }]);
    expect(noPurpose(compliant(), NOW)).toEqual([]);
  });

  test("inactive: nothing posted through Kriskanal in six months, with a grace period for new accounts", () => {
    const [f] = inactive(compliant({}, daysAgo(200)), NOW);
    expect(f.rule).toBe("inactive");
    expect(f.message).toContain("ska stängas");
    expect(inactive(compliant({}, daysAgo(150)), NOW)).toEqual([]);
    expect(inactive(compliant({ createdAt: daysAgo(200) }, null), NOW)[0].message).toContain(
      "sedan kontot registrerades",
    );
    expect(inactive(compliant({ createdAt: daysAgo(30) }, null), NOW)).toEqual([]);
  });

  test("rights_check_stale: never checked, older than seven days, or the last check could not reach the platform", () => {
    expect(rightsCheckStale(compliant({ rightsCheckedAt: null, rightsStatus: "unknown" }), NOW)[0].message).toContain(
      "aldrig",
    );
    expect(rightsCheckStale(compliant({ rightsCheckedAt: daysAgo(8) }), NOW)[0].message).toContain("8 dagar");
    expect(rightsCheckStale(compliant({ rightsCheckedAt: daysAgo(6) }), NOW)).toEqual([]);
    expect(rightsCheckStale(compliant({ rightsCheckedAt: daysAgo(7) }), NOW)).toEqual([]);
    const unreachable = compliant({ rightsStatus: "unknown", rightsClass: "retry", rightsDetail: "HTTP 503" });
    expect(rightsCheckStale(unreachable, NOW)[0].message).toContain("nådde inte plattformen");
    // Without a credential there is nothing to check; no_credential says what to do.
    expect(codes(compliant({ credentialCiphertext: null, rightsCheckedAt: null }))).toEqual(["no_credential"]);
  });
});

describe("GET /api/v1/compliance", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  test("lists every active account with its findings, and anyone signed in may read it", async () => {
    const admin = api(hub, hub.token);
    const kept = await admin.post("/api/v1/accounts", {
      platform: "mastodon",
      handle: "exempelkommun",
      baseUrl: "https://mastodon.exempel.se",
      credential: { accessToken: "token-for-the-compliance-test" },
      purpose: "Krisinformation",
      editors: [anna, bo],
    });
    expect(kept.status, kept.text).toBe(201);
    const credential = { accessToken: "token-for-the-compliance-test" };
    const bare = await admin.post("/api/v1/accounts", { platform: "x", handle: "exempel_skola", credential });
    const closed = await admin.post("/api/v1/accounts", {
      platform: "x",
      handle: "gammalt",
      credential,
      status: "closed",
    });
    expect([bare.status, closed.status]).toEqual([201, 201]);
    // The API always takes a credential; an account documented from elsewhere may lack one.
    await hub.deps.db.update(accounts).set({ credentialCiphertext: null }).where(eq(accounts.id, bare.json.id));

    // The kept account posts once; then seven months pass in silence.
    const incident = (await admin.post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
    const update = await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Stormen drar in.",
      targets: [kept.json.id],
    });
    expect(update.status, update.text).toBe(201);
    await hub.deps.db
      .update(deliveries)
      .set({ status: "published", publishedAt: hub.clock.now() })
      .where(eq(deliveries.accountId, kept.json.id));
    hub.clock.advance(210 * DAY);

    const now = hub.clock.now();
    const [viewer] = await hub.deps.db
      .insert(people)
      .values({ name: "Läsare", email: "lasare@exempel.se", role: "viewer", createdAt: now, updatedAt: now })
      .returning();
    const viewerToken = (await issueToken(hub.deps.db, viewer.id, "t", now)).token;
    const res = await api(hub, viewerToken).get("/api/v1/compliance");
    expect(res.status).toBe(200);
    const byId = new Map(res.json.accounts.map((a: { accountId: string }) => [a.accountId, a]));
    expect(byId.has(closed.json.id)).toBe(false);
    const keptReport = byId.get(kept.json.id) as { handle: string; findings: { rule: string; policy: string }[] };
    expect(keptReport.handle).toBe("exempelkommun");
    expect(keptReport.findings.map((f) => f.rule)).toEqual(["rights_check_stale", "inactive", "snapshot_stale"]);
    const bareReport = byId.get(bare.json.id) as { findings: { rule: string; policy: string }[] };
    expect(bareReport.findings.map((f) => f.rule)).toEqual([
      "no_credential",
      "too_few_editors",
      "no_deputy",
      "no_purpose",
      "inactive",
      "snapshot_stale",
    ]);
    expect(bareReport.findings.every((f) => f.policy.includes("kommun"))).toBe(true);
    expect(res.json.summary).toMatchObject({ accounts: 2, compliant: 0 });
    expect(res.json.summary.findingsByRule).toMatchObject({ no_credential: 1, inactive: 2, rights_check_stale: 1 });
    expect((await api(hub).get("/api/v1/compliance")).status).toBe(401);
  });
});
