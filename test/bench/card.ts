// npm run bench:card — what a crisis card costs next to the public page of the same update, in
// the same run: the first card (compiling the WebAssembly and loading the font), then one new card
// per update (each a first render: the cache is per revision), a card served from the cache, and
// the update's public page rendered for the first time.
import { api, startTestHub } from "../helpers/hub";

const UPDATES = Number(process.env.BENCH_UPDATES ?? 20);

const hub = await startTestHub({ env: { KRISKANAL_LOG: "warn" }, deps: { now: () => new Date() } });
const admin = api(hub, hub.token);
const incident = (await admin.post("/api/v1/incidents", { title: "Storm över kommunen", severity: "major" })).json;
for (let i = 1; i <= UPDATES + 1; i++) {
  await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: `Uppdatering ${i}: elavbrott i norra delen av kommunen. Följ informationen här och i våra kanaler. Räkna med att strömmen är borta till i kväll.`,
  });
}
const base = `/incidents/${incident.slug}/updates`;

async function timed(path: string): Promise<number> {
  const start = performance.now();
  const res = await hub.app.request(path, {}, { deps: hub.deps });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

const cold = await timed(`${base}/${UPDATES + 1}/card.png`);
const cards: number[] = [];
const ogs: number[] = [];
const cached: number[] = [];
const pages: number[] = [];
for (let n = 1; n <= UPDATES; n++) {
  cards.push(await timed(`${base}/${n}/card.png`));
  ogs.push(await timed(`${base}/${n}/og.png`));
  cached.push(await timed(`${base}/${n}/card.png`));
  hub.deps.publicCache.forgetRevision();
  pages.push(await timed(`${base}/${n}`));
}

console.log(`crisis cards, ${UPDATES} updates (median per request, in process):`);
console.log(`  first card (WebAssembly and font load) ${ms(cold)}`);
console.log(`  card.png 1080x1350, new revision       ${ms(median(cards))}`);
console.log(`  og.png 1200x630, new revision          ${ms(median(ogs))}`);
console.log(`  card.png from the per-revision cache   ${ms(median(cached))}`);
console.log(`  public update page, rendered           ${ms(median(pages))}`);
await hub.close();
