// The XSS corpus written into every field a person or API client controls, through the API of a
// real hub: each payload would set the canary window.__pwned (and open a dialog) if any page,
// feed or staff screen let it through as markup instead of text.
import type { E2eHub } from "../e2e/start-hub";

export const CANARY = "__pwned";
const JS = `window.${CANARY}=1,alert(1)`;

/** Markup payloads: tags, attribute breakers both ways, element breakers, template syntax. */
export const PAYLOADS = [
  `<img src=x onerror="${JS}">`,
  `"><script>${JS}</script>`,
  `<svg onload="${JS}">`,
  `</textarea><script>${JS}</script>`,
  `" autofocus onfocus="${JS}" x="`,
  `' autofocus onfocus='${JS}' x='`,
  `{{constructor.constructor('${JS}')()}}`,
  `<%= ${JS} %> <%~ ${JS} %> \${${JS}}`,
  `<script xmlns="http://www.w3.org/1999/xhtml">${JS}</script>`,
  `]]></content><svg xmlns="http://www.w3.org/2000/svg" onload="${JS}"/>`,
  `</title></style><iframe srcdoc="<script>parent.${JS}</script>">`,
  `<a href="javascript:${JS}">klicka</a>`,
  `</script><details open ontoggle="${JS}">`,
];

/** For URL fields: a script URL, and an http(s) URL that breaks out of its attribute. */
export const JAVASCRIPT_URL = `javascript:${JS}`;
export const BREAKING_URL = `https://kanal.example/"><img src=x onerror="${JS}">`;

export interface XssScenario {
  /** The incident carrying a payload in every field, and its updates. */
  incidentId: string;
  slug: string;
  /** Published, then edited with a payload reason. */
  editedUpdateId: string;
  /** Published, then withdrawn with a payload reason (number 2). */
  withdrawnUpdateId: string;
  rejectedUpdateId: string;
  pendingUpdateId: string;
  accountId: string;
  closedAccountId: string;
  removalId: string;
  authorId: string;
  admin: { id: string; email: string; password: string };
  /** Every incident, one per payload in its title, and their slugs. */
  slugs: string[];
}

export async function seedXssScenario(hub: E2eHub): Promise<XssScenario> {
  let turn = 0;
  /** The next payload, round robin, so that every payload lands in many kinds of field. */
  const p = (prefix = "") => `${prefix}${PAYLOADS[turn++ % PAYLOADS.length]}`;
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

  const department = await call("POST", "/api/v1/departments", { name: p("Skola ") });
  const ownDepartment = await call("POST", "/api/v1/departments", { name: p("Kommunikation ") });
  const admin = { email: "xss.admin@exempelkommun.se", password: "Skript-i-fälten-prövas-2026" };
  const adminPerson = await call("POST", "/api/v1/people", {
    name: p("Ada "),
    title: p(),
    email: admin.email,
    password: admin.password,
    role: "admin",
    departmentIds: [ownDepartment.id],
  });
  const adminToken = (await call("POST", `/api/v1/people/${adminPerson.id}/tokens`, { name: p() })).token;
  const author = await call("POST", "/api/v1/people", {
    name: p("Anna "),
    title: p(),
    email: "xss.author@exempelkommun.se",
    role: "communicator",
    departmentIds: [ownDepartment.id],
  });
  const token = (await call("POST", `/api/v1/people/${author.id}/tokens`, { name: p("Token ") })).token;
  const asAuthor = (method: string, path: string, body?: unknown) => call(method, path, body, token);

  const editors = [
    { name: p(), email: "sara.lind@exempelkommun.se", role: "editor" },
    { name: p(), email: "eva.berg@exempelkommun.se", role: "deputy" },
  ];
  const account = await call("POST", "/api/v1/accounts", {
    platform: "mastodon",
    handle: "skolan_x@social.example",
    sandbox: true,
    departmentId: department.id,
    purpose: p(),
    publicUrl: BREAKING_URL,
    editors,
  }).catch(() =>
    // The handle's format is the adapter's: fall back to the plainest one it takes.
    call("POST", "/api/v1/accounts", {
      platform: "telegram",
      handle: "skolan_xss",
      sandbox: true,
      departmentId: department.id,
      purpose: p(),
      publicUrl: BREAKING_URL,
      editors,
    }),
  );

  const incident = await asAuthor("POST", "/api/v1/incidents", {
    title: p("Läcka "),
    summary: PAYLOADS.join(" "),
    severity: "major",
    areas: PAYLOADS.slice(0, 6),
    registrationNumber: p("KS "),
    borrowingReason: p("Skäl "),
  });
  const variants = Object.fromEntries(
    ["mastodon", "x", "facebook", "instagram", "linkedin", "bluesky", "threads", "telegram"].map((platform) => [
      platform,
      p(),
    ]),
  );
  const post = (body: unknown) => asAuthor("POST", `/api/v1/incidents/${incident.id}/updates`, body);
  const edited = await post({
    body: PAYLOADS.join("\n"),
    signature: p(),
    variants,
    author: { name: p("Anna "), title: p(), department: p() },
    image: { url: BREAKING_URL, alt: p() },
    borrowingReason: p("Skäl "),
  });
  await call("PATCH", `/api/v1/updates/${edited.id}`, { body: PAYLOADS.slice().reverse().join("\n"), reason: p() });
  const withdrawn = await post({ body: p("Andra "), signature: p(), targets: [] });
  await call("POST", `/api/v1/updates/${withdrawn.id}/withdraw`, { reason: p() });

  await call("PATCH", "/api/v1/organisation", { requireApproval: true });
  const rejected = await post({ body: p("Tredje "), signature: p(), targets: [] });
  await call("POST", `/api/v1/updates/${rejected.id}/reject`, { reason: p() }, adminToken);
  const pending = await post({ body: p("Fjärde "), signature: p(), targets: [] });
  await call("PATCH", "/api/v1/organisation", { requireApproval: false });

  const removal = await asAuthor("POST", "/api/v1/removals", {
    platform: "mastodon",
    accountId: account.id,
    author: p(),
    content: PAYLOADS.join("\n"),
    link: JAVASCRIPT_URL,
    reason: "personal_attack",
  });
  await call("POST", `/api/v1/accounts/${account.id}/snapshots`, {});

  // A second account, closed with a payload reason and farewell (a snapshot first, as required).
  const closing = await call("POST", "/api/v1/accounts", {
    platform: "x",
    handle: "skolan_xss",
    sandbox: true,
    departmentId: department.id,
    purpose: p(),
    publicUrl: BREAKING_URL,
  });
  await call("POST", `/api/v1/accounts/${closing.id}/snapshots`, {});
  await call("POST", `/api/v1/accounts/${closing.id}/close`, { reason: p(), farewell: p("Hej då ") });

  // One more incident per payload, so each one is a title in lists, feeds and <title>.
  const slugs = [incident.slug];
  for (const [i, payload] of PAYLOADS.entries()) {
    const other = await asAuthor("POST", "/api/v1/incidents", {
      title: `Händelse ${i} ${payload}`,
      severity: "minor",
      areas: [payload],
    });
    await asAuthor("POST", `/api/v1/incidents/${other.id}/updates`, { body: payload, signature: p(), targets: [] });
    if (i % 3 === 0) await asAuthor("POST", `/api/v1/incidents/${other.id}/close`, {});
    slugs.push(other.slug);
  }
  await call("POST", "/api/v1/deliveries/pause", { reason: p("Paus ") }, adminToken);

  return {
    incidentId: incident.id,
    slug: incident.slug,
    editedUpdateId: edited.id,
    withdrawnUpdateId: withdrawn.id,
    rejectedUpdateId: rejected.id,
    pendingUpdateId: pending.id,
    accountId: account.id,
    closedAccountId: closing.id,
    removalId: removal.id,
    authorId: author.id,
    admin: { id: adminPerson.id, ...admin },
    slugs,
  };
}
