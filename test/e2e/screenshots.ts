// `npm run screenshots`: the main staff and public pages as PNGs in screenshots/ (git-ignored),
// wide and narrow, and the crisis cards the hub draws, for people to review the interface without
// setting anything up.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { ADMIN, buildScenario } from "./scenario";
import { DEMO_EMAIL, DEMO_PASSWORD, startE2eHub } from "./start-hub";

const OUT = join(process.cwd(), "screenshots");

if (!HAVE_CHROMIUM) {
  console.error("npm run screenshots needs Debian's chromium at /usr/bin/chromium (apt-get install chromium).");
  process.exit(1);
}

mkdirSync(OUT, { recursive: true });
const hub = await startE2eHub();
const wide = await launchBrowser({ width: 1280, height: 900 });
const narrow = await launchBrowser({ width: 375, height: 812 });
const written: string[] = [];

async function shoot(page: Page, name: string, path?: string, fullPage = true) {
  if (path) await page.goto(hub.url + path);
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  written.push(file);
}

/** An image the hub itself serves (a crisis card), saved as it is. */
async function save(name: string, path: string) {
  const res = await fetch(hub.url + path);
  if (res.status !== 200 || res.headers.get("content-type") !== "image/png") {
    throw new Error(`${path}: ${res.status} ${res.headers.get("content-type")}`);
  }
  const file = join(OUT, `${name}.png`);
  writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
  written.push(file);
}

try {
  const s = await buildScenario(hub);
  const compose = `/staff/incidents/${s.incidentId}/updates/new`;
  const update = `/incidents/${s.incidentSlug}/updates/1`;
  await save("public-kort-card", `${update}/card.png`);
  await save("public-kort-og", `${update}/og.png`);
  // An all-clear carries a green badge and edge.
  const resolved = (await hub.api("GET", `/api/v1/incidents/${s.resolvedIncidentId}`)).json;
  await save("public-kort-card-faran-over", `/incidents/${resolved.slug}/updates/1/card.png`);
  for (const [browser, suffix] of [
    [wide, ""],
    [narrow, "-mobil"],
  ] as const) {
    const { page } = browser;
    await shoot(page, `public-hem${suffix}`, "/");
    await page.goto(`${hub.url}/incidents/${s.incidentSlug}`);
    await page.getByRole("heading", { name: "Läget just nu" }).waitFor();
    await shoot(page, `public-handelse${suffix}`);
    await shoot(page, `public-uppdatering${suffix}`, update);
    await shoot(page, `staff-logga-in${suffix}`, "/staff/login");
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    await shoot(page, `staff-start${suffix}`, "/staff");
    await page.goto(hub.url + compose);
    await page
      .getByLabel("Text", { exact: true })
      .fill(
        "Vattnet är tillbaka på Storgatan 1–9. Spola kranen kallt i fem minuter innan du dricker. Storgatan 11–15 väntar fortfarande; tankbilen står kvar vid Stortorget till kl. 20. Ring kundtjänst på 0123-456 78 vid frågor.",
      );
    await page.waitForSelector("#forhandsvisning-innehall .warnings");
    await shoot(page, `staff-skriv-uppdatering-skarm${suffix}`, undefined, false);
    // On screen the preview stays in view beside the form; unpinned, the whole of it fits a full-page shot.
    // Set through the CSSOM: the staff pages' Content-Security-Policy refuses an added <style>.
    await page.evaluate(() => {
      const column = document.querySelector<HTMLElement>(".compose .preview-column");
      column?.style.setProperty("position", "static");
      column?.style.setProperty("max-height", "none");
    });
    await shoot(page, `staff-skriv-uppdatering${suffix}`);
    await shoot(page, `staff-leveranser${suffix}`, `/staff/updates/${s.failedUpdateId}`);
    await shoot(page, `staff-leveranser-klara${suffix}`, `/staff/updates/${s.publishedUpdateId}`);
    await shoot(page, `public-uppdatering${suffix}`, `/incidents/${s.incidentSlug}/updates/1`);
    await shoot(page, `public-prenumerera${suffix}`, "/prenumerera");
    if (suffix) continue;
    await shoot(page, "public-kanaler", "/channels");
    await page.goto(hub.url + compose);
    await page.getByLabel("Text", { exact: true }).fill("Kontakta handläggaren om 121212-1212 har frågor.");
    await page.getByRole("button", { name: "Publicera" }).click();
    await page.waitForSelector(".error-summary");
    await shoot(page, "staff-skriv-uppdatering-fel");
    await shoot(page, "staff-handelser", "/staff/incidents");
    await shoot(page, "staff-handelse", `/staff/incidents/${s.incidentId}`);
    await shoot(page, "staff-oppna-handelse", "/staff/incidents/new");
    await shoot(page, "staff-andra-uppdatering", `/staff/updates/${s.publishedUpdateId}/edit`);
    await shoot(page, "staff-dra-tillbaka", `/staff/updates/${s.publishedUpdateId}/withdraw`);
    await shoot(page, "staff-avsluta-handelse", `/staff/incidents/${s.incidentId}/close`);
    await shoot(page, "staff-konton", "/staff/accounts");
    await shoot(page, "staff-efterlevnad", "/staff/compliance");
    await shoot(page, "staff-andra-handelse", `/staff/incidents/${s.incidentId}/edit`);
    await shoot(page, "staff-moderering", "/staff/removals");
    await shoot(page, "staff-registrera-borttaget", "/staff/removals/new");
    await shoot(page, "staff-borttaget", `/staff/removals/${s.removalId}`);
    await page.goto(`${hub.url}/staff`);
    await page.getByLabel(/^Skäl/).fill("Kontot på X kan vara kapat.");
    await page.getByRole("button", { name: "Pausa alla utskick" }).click();
    await page.waitForSelector("button:has-text('Återuppta utskicken')");
    await shoot(page, "staff-start-pausad");
    await page.getByRole("button", { name: "Återuppta utskicken" }).click();
    await page.waitForSelector("button:has-text('Pausa alla utskick')");
    await page.goto(`${hub.url}/staff`);
    await Promise.all([page.waitForURL(/\/staff\/login/), page.getByRole("button", { name: "Logga ut" }).click()]);
    await signIn(page, hub.url, ADMIN.email, ADMIN.password);
    await shoot(page, "staff-personer", "/staff/people");
    await shoot(page, "staff-godkann", `/staff/updates/${s.pendingUpdateId}`);
    await shoot(page, "staff-konto", `/staff/accounts/${s.accountId}`);
    await shoot(page, "staff-konto-ny", "/staff/accounts/new");
    await shoot(page, "staff-konto-registrera", "/staff/accounts/new?platform=facebook");
    await shoot(page, "staff-konto-andra", `/staff/accounts/${s.accountId}/edit`);
    await page.goto(`${hub.url}/staff/accounts/${s.accountId}`);
    await page.getByLabel("Skäl till att kontot stängs").fill("Skolan samlar allt på huvudkontot.");
    await page.getByRole("button", { name: "Stäng kontot" }).click();
    await page.waitForSelector("#ta-bild");
    await shoot(page, "staff-konto-stang-nekad");
    await shoot(page, "staff-verksamheter", "/staff/departments");
    await shoot(page, "staff-installningar", "/staff/settings");
    await shoot(page, "staff-arkiv", "/staff/records");
  }
  console.log(
    `Wrote ${written.length} screenshots to ${OUT}:\n  ${written.map((f) => f.slice(OUT.length + 1)).join("\n  ")}`,
  );
} finally {
  await wide.close();
  await narrow.close();
  await hub.stop();
}
