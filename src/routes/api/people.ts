import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { createPerson, getPerson, listPeople, toPersonView, updatePerson } from "../../domain/people/people";
import { readJson } from "./auth";

export const peopleRoutes = new Hono<AppEnv>()
  .post("/people", async (c) => {
    const person = await createPerson(c.env.deps, c.get("actor"), await readJson(c));
    return c.json(toPersonView(person), 201);
  })
  .get("/people", async (c) => {
    const rows = await listPeople(c.env.deps.db, c.get("actor"), c.req.query());
    return c.json({ people: rows.map(toPersonView) });
  })
  // Declared before /people/:id so that "me" is never read as an id.
  .get("/people/me", async (c) => {
    const person = await getPerson(c.env.deps.db, c.get("actor"), c.get("actor").id);
    return c.json(toPersonView(person));
  })
  .get("/people/:id", async (c) => {
    const person = await getPerson(c.env.deps.db, c.get("actor"), c.req.param("id"));
    return c.json(toPersonView(person));
  })
  .patch("/people/:id", async (c) => {
    const person = await updatePerson(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toPersonView(person));
  });
