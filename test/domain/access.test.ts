// The full role x action x ownership matrix, written out by hand: a change to the rules in
// access.ts must change this table too, on purpose.
import { describe, expect, test } from "vitest";
import type { Role } from "../../src/db/schema";
import {
  ACTIONS,
  type Action,
  can,
  mayApprove,
  mayChangeUpdate,
  mayManagePerson,
  mayWrite,
  publishRight,
  requireCan,
  scopesCover,
} from "../../src/domain/people/access";
import type { Actor } from "../../src/domain/people/actor";
import { ForbiddenError } from "../../src/errors";

const OWN = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const ROLES: Role[] = ["admin", "communicator", "editor", "registrar", "viewer"];

function actor(role: Role, extra: Partial<Actor> = {}): Actor {
  return { id: `person-${role}`, name: role, role, departmentIds: [OWN], via: "token", ...extra };
}

// One column per role, in the order of ROLES: A admin, C communicator, E editor, R registrar, V viewer.
const MATRIX: Record<Action, string> = {
  "incident.open": "AC...",
  "incident.edit": "AC...",
  "incident.close": "AC...",
  "incident.reset": "AC...",
  "update.post": "ACE..",
  "update.edit": "ACE..",
  "update.withdraw": "ACE..",
  "update.approve": "AC...",
  "delivery.retry": "ACE..",
  "delivery.pause": "AC...",
  "account.manage": "A....",
  "account.verify": "AC...",
  "department.manage": "A....",
  "people.manage": "A....",
  "people.read": "AC.R.",
  "settings.manage": "A....",
  "records.read": "AC.R.",
  "inbox.read": "ACER.",
  "inbox.answer": "ACE..",
  "records.export": "A..R.",
  "audit.read": "A..R.",
  "removal.register": "ACE..",
  "snapshot.take": "AC.R.",
  "template.read": "ACE..",
  "template.manage": "AC...",
  // The after-action report names who did what: those who lead the evaluation and keep the record.
  "report.read": "AC.R.",
  "reach.read": "ACER.",
};

describe("role x action", () => {
  test("the table names every action", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    for (const [i, role] of ROLES.entries()) {
      const allowed = MATRIX[action][i] !== ".";
      test(`${role} ${allowed ? "may" : "may not"} ${action}`, () => {
        expect(can(actor(role), action)).toBe(allowed);
        if (allowed) expect(() => requireCan(actor(role), action)).not.toThrow();
        else expect(() => requireCan(actor(role), action)).toThrow(ForbiddenError);
      });
    }
  }
});

describe("role x ownership: publishing through an account", () => {
  // Own department's account, another department's account, the organisation's own account.
  const EXPECTED: Record<Role, [string, string, string]> = {
    admin: ["own", "own", "own"],
    communicator: ["own", "borrow", "own"],
    editor: ["own", "none", "none"],
    registrar: ["none", "none", "none"],
    viewer: ["none", "none", "none"],
  };
  for (const role of ROLES) {
    test(`${role}: own ${EXPECTED[role][0]}, other ${EXPECTED[role][1]}, organisation ${EXPECTED[role][2]}`, () => {
      const a = actor(role);
      expect([
        publishRight(a, { departmentId: OWN }),
        publishRight(a, { departmentId: OTHER }),
        publishRight(a, { departmentId: null }),
      ]).toEqual(EXPECTED[role]);
    });
  }

  test("an editor of several departments publishes to each of them", () => {
    const a = actor("editor", { departmentIds: [OWN, OTHER] });
    expect(publishRight(a, { departmentId: OTHER })).toBe("own");
  });

  test("a communicator without departments borrows every department's account", () => {
    const a = actor("communicator", { departmentIds: [] });
    expect(publishRight(a, { departmentId: OWN })).toBe("borrow");
    expect(publishRight(a, { departmentId: null })).toBe("own");
  });
});

describe("role x ownership: changing an update", () => {
  const mine = (role: Role) => ({ postedBy: `person-${role}` });
  const theirs = { postedBy: "someone-else" };
  for (const action of ["update.edit", "update.withdraw"] as const) {
    test(`${action}: editors only their own updates; communicators and admins any`, () => {
      expect(mayChangeUpdate(actor("editor"), action, mine("editor"))).toBe(true);
      expect(mayChangeUpdate(actor("editor"), action, theirs)).toBe(false);
      expect(mayChangeUpdate(actor("communicator"), action, theirs)).toBe(true);
      expect(mayChangeUpdate(actor("admin"), action, theirs)).toBe(true);
      expect(mayChangeUpdate(actor("registrar"), action, mine("registrar"))).toBe(false);
      expect(mayChangeUpdate(actor("viewer"), action, mine("viewer"))).toBe(false);
    });
  }

  test("four eyes: a second communicator or admin approves, never the poster", () => {
    expect(mayApprove(actor("communicator"), theirs)).toBe(true);
    expect(mayApprove(actor("admin"), theirs)).toBe(true);
    expect(mayApprove(actor("communicator"), mine("communicator"))).toBe(false);
    expect(mayApprove(actor("admin"), mine("admin"))).toBe(false);
    expect(mayApprove(actor("editor"), theirs)).toBe(false);
    expect(mayApprove(actor("registrar"), theirs)).toBe(false);
  });
});

describe("role x ownership: people", () => {
  test("admins manage anyone; others only themselves", () => {
    for (const role of ROLES) {
      expect(mayManagePerson(actor(role), `person-${role}`)).toBe(true);
      expect(mayManagePerson(actor(role), "someone-else")).toBe(role === "admin");
    }
  });
});

describe("token scopes narrow a role, never widen it", () => {
  test("a read token of an admin reads but never writes", () => {
    const a = actor("admin", { scopes: ["read"] });
    expect(mayWrite(a)).toBe(false);
    expect(can(a, "audit.read")).toBe(true);
    expect(can(a, "update.post")).toBe(false);
    expect(can(a, "people.manage")).toBe(false);
    expect(() => requireCan(a, "update.post")).toThrow(/scopes/);
  });

  test("a publish token publishes but neither approves nor manages", () => {
    const a = actor("communicator", { scopes: ["publish"] });
    expect(can(a, "update.post")).toBe(true);
    expect(can(a, "incident.open")).toBe(true);
    expect(can(a, "update.approve")).toBe(false);
    expect(can(a, "delivery.pause")).toBe(false);
    expect(mayApprove(a, { postedBy: "someone-else" })).toBe(false);
  });

  test("a publish token of a viewer still cannot publish", () => {
    expect(can(actor("viewer", { scopes: ["publish"] }), "update.post")).toBe(false);
    expect(publishRight(actor("registrar", { scopes: ["all"] }), { departmentId: OWN })).toBe("none");
  });

  test("no scopes (the bootstrap token) or 'all' means the whole role", () => {
    expect(can(actor("admin"), "people.manage")).toBe(true);
    expect(can(actor("admin", { scopes: ["all"] }), "people.manage")).toBe(true);
  });
});

describe("a token mints only tokens no wider than itself", () => {
  test("all > publish > read", () => {
    expect(scopesCover(undefined, ["all"])).toBe(true);
    expect(scopesCover(["all"], ["publish", "read"])).toBe(true);
    expect(scopesCover(["publish"], ["read"])).toBe(true);
    expect(scopesCover(["publish"], ["all"])).toBe(false);
    expect(scopesCover(["read"], ["publish"])).toBe(false);
  });
});
