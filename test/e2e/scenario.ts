// A crisis afternoon in the demo hub, built through the API as Anna Andersson: an active incident
// with a published update and one whose X post failed (revoked access), a second incident, a
// resolved one, a borrowed department account and an admin. The accessibility test and
// `npm run screenshots` both look at the pages this leaves behind.
import { must } from "../helpers/must";
import type { E2eHub } from "./start-hub";

export const ADMIN = {
  name: "Ada Admin",
  email: "ada.admin@exempelkommun.se",
  password: "Administratör i beredskap 2026",
};

export interface Scenario {
  incidentId: string;
  incidentSlug: string;
  publishedUpdateId: string;
  failedUpdateId: string;
  resolvedIncidentId: string;
  /** Waits for a second person under the four-eyes rule. */
  pendingUpdateId: string;
  adminId: string;
  /** The school's Facebook page (a department account with editors). */
  accountId: string;
  /** A comment removed from it, registered in the moderation log. */
  removalId: string;
}

export async function buildScenario(hub: E2eHub): Promise<Scenario> {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = token
      ? await fetch(hub.url + path, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, json: await r.json() }))
      : await hub.api(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const people = (await call("GET", "/api/v1/people")).people as { id: string; email: string }[];
  const anna = must(
    people.find((p) => p.email === "anna.andersson@exempelkommun.se"),
    "Anna Andersson",
  );
  const { token } = await call("POST", `/api/v1/people/${anna.id}/tokens`, { name: "scenario" });
  const asAnna = (method: string, path: string, body?: unknown) => call(method, path, body, token);
  const admin = await call("POST", "/api/v1/people", { ...ADMIN, role: "admin", title: "Systemförvaltare" });

  // The school's Facebook page belongs to a department: Anna borrows it in a crisis.
  const departments = (await call("GET", "/api/v1/departments")).departments as { id: string; name: string }[];
  const school = must(
    departments.find((d) => d.name === "Barn- och utbildning"),
    "the school department",
  );
  const accounts = (await call("GET", "/api/v1/accounts")).accounts as { id: string; platform: string }[];
  const facebook = must(
    accounts.find((a) => a.platform === "facebook"),
    "the Facebook account",
  );
  await call("PATCH", `/api/v1/accounts/${facebook.id}`, {
    departmentId: school.id,
    purpose: "Information till vårdnadshavare om förskola och skola.",
    editors: [
      { name: "Sara Lind", email: "sara.lind@exempelkommun.se", role: "editor" },
      { name: "Omar Haddad", email: "omar.haddad@exempelkommun.se", role: "editor" },
      { name: "Eva Berg", email: "eva.berg@exempelkommun.se", role: "deputy" },
    ],
  });

  const incident = await asAnna("POST", "/api/v1/incidents", {
    title: "Vattenläcka på Storgatan",
    severity: "major",
    areas: ["Centrum", "Storgatan 1–15"],
    registrationNumber: "KS 2026/0142",
    summary: "En huvudledning har gått sönder. Vattnet är avstängt för cirka 200 hushåll.",
    borrowingReason: "Skolans föräldrar måste nås snabbt; skolans redaktörer är inte i tjänst.",
  });
  const image = { url: `${hub.url}/bilder/vattenlacka.jpg`, alt: "Grävmaskin vid läckan på Storgatan" };
  const first = await asAnna("POST", `/api/v1/incidents/${incident.id}/updates`, {
    body: "Vattnet är avstängt på Storgatan 1–15 efter en läcka. Tankbil står vid Stortorget från kl. 14. Koka vattnet när det kommer tillbaka.",
    signature: "Anna Andersson, kommunikatör",
    image,
  });
  await settled(hub, first.id);

  // X's token is revoked: the next post there fails and needs a person.
  const sandbox = await hub.sandboxUrl();
  await fetch(`${sandbox}/_control/x/revoke`, {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  const second = await asAnna("POST", `/api/v1/incidents/${incident.id}/updates`, {
    body: "Reparationen tar längre tid än väntat. Nästa besked kl. 18. Skolorna i Centrum har öppet som vanligt.",
    image,
  });
  await settled(hub, second.id);

  const power = await asAnna("POST", "/api/v1/incidents", {
    title: "Strömavbrott i Norrby",
    severity: "minor",
    areas: ["Norrby"],
  });
  await asAnna("POST", `/api/v1/incidents/${power.id}/updates`, {
    body: "Elnätsbolaget felsöker. Beräknad tid för åtgärd: kl. 17.",
    targets: [],
  });

  const storm = await asAnna("POST", "/api/v1/incidents", { title: "Stormvarning", severity: "info" });
  await asAnna("POST", `/api/v1/incidents/${storm.id}/updates`, {
    body: "Stormen har passerat. Inga skador på kommunens anläggningar.",
    kind: "all_clear",
    targets: [],
  });
  await asAnna("POST", `/api/v1/incidents/${storm.id}/close`, {});

  await call("PATCH", "/api/v1/organisation", { requireApproval: true });
  const pending = await asAnna("POST", `/api/v1/incidents/${power.id}/updates`, {
    body: "Elen är tillbaka i större delen av Norrby. Några gator väntar fortfarande.",
    targets: [],
  });
  await call("PATCH", "/api/v1/organisation", { requireApproval: false });

  const removal = await asAnna("POST", "/api/v1/removals", {
    platform: "facebook",
    accountId: facebook.id,
    author: "Arg Medborgare",
    content: "Ni på skolan är idioter allihop, och rektorn borde sparkas!",
    reason: "personal_attack",
  });

  return {
    incidentId: incident.id,
    incidentSlug: incident.slug,
    publishedUpdateId: first.id,
    failedUpdateId: second.id,
    resolvedIncidentId: storm.id,
    pendingUpdateId: pending.id,
    adminId: admin.id,
    accountId: facebook.id,
    removalId: removal.id,
  };
}

/** Waits until no delivery of the update is pending or being sent. */
async function settled(hub: E2eHub, updateId: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { json } = await hub.api("GET", `/api/v1/updates/${updateId}/deliveries`);
    if (!json.deliveries.some((d: { status: string }) => d.status === "pending" || d.status === "sending")) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`deliveries of ${updateId} never settled`);
}
