// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (used before a Workers deploy).
import { openPostgres } from "./open-node";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: db:migrate applies migrations to a PostgreSQL server.");
  process.exit(1);
}
const { close } = await openPostgres(url, { max: 1 });
await close();
console.log("Migrations applied.");
