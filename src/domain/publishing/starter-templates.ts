// The starter set of crisis message templates, in plain Swedish (klarspråk): short sentences,
// what has happened, what it means for you, what you should do, where to find out more. Seeded
// once per organisation on first start (and on the first start after the upgrade that brought
// templates), so the municipality edits them rather than starting from a blank page.
import { count, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { type CrisisType, messageTemplates, type Severity } from "../../db/schema";
import { SYSTEM_ACTOR } from "../people/actor";
import { recordAudit } from "../records/audit";

interface StarterTemplate {
  name: string;
  crisisType: CrisisType;
  titlePattern: string;
  severity: Severity;
  firstUpdate: string;
  phrases: string[];
  allClear: string;
  variants?: { x?: string };
}

const MORE = "Vi uppdaterar här när vi vet mer. Läs mer på {webbplats}.";

export const STARTER_TEMPLATES: StarterTemplate[] = [
  {
    name: "Vattenavstängning",
    crisisType: "water",
    titlePattern: "Inget vatten i {område}",
    severity: "major",
    firstUpdate: `Det finns inget vatten i kranarna i {område} just nu. Orsaken är {orsak}. Vi räknar med att vattnet kommer tillbaka {tid}.\n\nDu kan hämta dricksvatten vid {plats}. Ta med egna dunkar.\n\n${MORE}`,
    phrases: [
      "Spara vatten. Använd bara vatten till det allra nödvändigaste.",
      "Hjälp grannar som har svårt att hämta vatten själva.",
      "Vattnet kan vara missfärgat när det kommer tillbaka. Spola tills det är klart.",
    ],
    allClear:
      "Vattnet är tillbaka i {område}. Spola kranen en stund tills vattnet är klart och kallt. Tack för ditt tålamod.",
    variants: {
      x: "Inget vatten i {område}. Vi räknar med att det kommer tillbaka {tid}. Dricksvatten finns vid {plats}.",
    },
  },
  {
    name: "Kokningsrekommendation för dricksvatten",
    crisisType: "boil_water",
    titlePattern: "Koka vattnet i {område}",
    severity: "critical",
    firstUpdate: `Vattnet i {område} kan innehålla bakterier. Koka vattnet innan du dricker det eller lagar mat med det. Det gäller från {datum} och tills vi meddelar något annat.\n\nSå här gör du: låt vattnet koka upp ordentligt och svalna. Det räcker att koka det en gång.\n\nDu kan duscha och tvätta som vanligt. Har du frågor, ring {telefon}.\n\n${MORE}`,
    phrases: [
      "Koka vattnet innan du dricker det.",
      "Koka också vattnet du borstar tänderna med och ger till husdjur.",
      "Ge inte okokt vatten till spädbarn.",
    ],
    allClear: "Du behöver inte längre koka vattnet i {område}. Vattnet går att dricka som vanligt igen.",
    variants: { x: "Koka vattnet i {område} innan du dricker det. Gäller tills vidare. Frågor: {telefon}." },
  },
  {
    name: "Strömavbrott",
    crisisType: "power",
    titlePattern: "Strömavbrott i {område}",
    severity: "major",
    firstUpdate: `Det är strömavbrott i {område}. Orsaken är {orsak}. Elbolaget räknar med att strömmen är tillbaka {tid}.\n\nHar du frågor om avbrottet, ring {telefon}. Ring 112 bara vid fara för liv, hälsa eller egendom.\n\n${MORE}`,
    phrases: [
      "Använd inte levande ljus nära gardiner och håll koll på dem.",
      "Öppna kyl och frys så lite som möjligt.",
      "Ladda telefonen när du kan och spara batteriet.",
    ],
    allClear: "Strömmen är tillbaka i {område}. Tack för ditt tålamod.",
  },
  {
    name: "Värmebölja",
    crisisType: "heat",
    titlePattern: "Varning för höga temperaturer i {område}",
    severity: "minor",
    firstUpdate: `SMHI varnar för mycket varmt väder i {område} från {datum}. Värmen kan vara farlig, särskilt för äldre, små barn och den som är sjuk.\n\nDrick mycket vatten. Håll dig i skuggan mitt på dagen. Hör av dig till äldre släktingar och grannar.\n\nFrågor om hälsa: ring 1177.\n\n${MORE}`,
    phrases: [
      "Drick vatten ofta, även om du inte är törstig.",
      "Lämna aldrig barn eller djur i en parkerad bil.",
      "Svalka dig vid {plats}.",
    ],
    allClear: "Värmen har gått över i {område}. Vi tackar alla som hjälpte andra under de varma dagarna.",
  },
  {
    name: "Storm",
    crisisType: "storm",
    titlePattern: "Storm i {område}",
    severity: "major",
    firstUpdate: `SMHI varnar för storm i {område} från {tid}. Det kan bli svårt att resa och strömmen kan gå.\n\nStanna inomhus om du kan. Ta in eller bind fast saker som kan blåsa iväg. Undvik skog och stränder.\n\n${MORE}`,
    phrases: [
      "Stanna inomhus om du kan.",
      "Gå inte nära nedfallna elledningar. Ring 112.",
      "Vägar kan vara blockerade av träd. Undvik att resa om det inte är nödvändigt.",
    ],
    allClear: "Stormen har passerat {område}. Var försiktig ute: det kan finnas nedfallna träd och ledningar.",
  },
  {
    name: "Brand och rök",
    crisisType: "fire_smoke",
    titlePattern: "Brand vid {plats}: stäng fönster och dörrar",
    severity: "critical",
    firstUpdate: `Det brinner vid {plats}. Röken sprider sig över {område}.\n\nGå inomhus. Stäng fönster, dörrar och ventilation. Räddningstjänsten arbetar på plats.\n\nLyssna på Sveriges Radio P4 för viktigt meddelande. ${MORE}`,
    phrases: [
      "Gå inomhus och stäng fönster, dörrar och ventilation.",
      "Håll dig borta från området så att räddningstjänsten kan arbeta.",
      "Ring 112 bara vid fara för liv, hälsa eller egendom.",
    ],
    allClear: "Faran är över i {område}. Du kan öppna fönster och sätta på ventilationen igen.",
    variants: { x: "Brand vid {plats}. Rök över {område}: gå inomhus, stäng fönster, dörrar och ventilation." },
  },
  {
    name: "IT-avbrott",
    crisisType: "it_outage",
    titlePattern: "Kommunens e-tjänster fungerar inte",
    severity: "minor",
    firstUpdate: `Kommunens e-tjänster och växel fungerar inte just nu. Orsaken är {orsak}. Vi arbetar med att lösa det och räknar med att det fungerar igen {tid}.\n\nBehöver du hjälp under tiden, ring {telefon} eller kom till {plats}.\n\n${MORE}`,
    phrases: [
      "Dina uppgifter är inte borta. Du kan göra ärendet när tjänsterna fungerar igen.",
      "Ingen från kommunen ber dig om lösenord eller BankID-inloggning via telefon.",
    ],
    allClear: "Kommunens e-tjänster och växel fungerar igen. Tack för ditt tålamod.",
  },
  {
    name: "Stängd skola eller förskola",
    crisisType: "closure",
    titlePattern: "{plats} är stängd {datum}",
    severity: "minor",
    firstUpdate: `{plats} är stängd {datum}. Orsaken är {orsak}.\n\nBehöver ditt barn omsorg, ring {telefon}. Vi hjälper dig att hitta en plats.\n\n${MORE}`,
    phrases: ["Barn som behöver omsorg kan gå till {plats}.", "Skolmaten serveras inte den här dagen."],
    allClear: "{plats} är öppen igen som vanligt från {datum}.",
  },
  {
    name: "Stängt vård- och omsorgsboende",
    crisisType: "closure",
    titlePattern: "Besöksstopp på {plats}",
    severity: "minor",
    firstUpdate: `Det är besöksstopp på {plats} från {datum}. Orsaken är {orsak}. Alla som bor där får den vård och omsorg de behöver.\n\nVill du veta hur din närstående har det, ring {telefon}.\n\n${MORE}`,
    phrases: ["Ring gärna din närstående i stället för att besöka."],
    allClear: "Besöksstoppet på {plats} är slut. Välkommen att hälsa på igen.",
  },
  {
    name: "Avstängd väg",
    crisisType: "road_closure",
    titlePattern: "Vägen är avstängd vid {plats}",
    severity: "minor",
    firstUpdate: `Vägen vid {plats} är avstängd. Orsaken är {orsak}. Vi räknar med att vägen öppnar igen {tid}.\n\nFölj skyltarna för omväg. Bussarna kan vara försenade.\n\n${MORE}`,
    phrases: ["Följ skyltarna för omväg.", "Räddningsfordon kommer fram."],
    allClear: "Vägen vid {plats} är öppen igen.",
    variants: { x: "Vägen vid {plats} är avstängd. Följ skyltarna för omväg. Öppnar igen {tid}." },
  },
];

/**
 * Seeds the starter set once: only when the organisation has no templates at all, retired ones
 * included, so a template the municipality retired never comes back. Safe to run on every start.
 */
export async function seedStarterTemplates(db: DbOrTx, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    // Several processes may start side by side on one PostgreSQL: one seeds, the others see its rows.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kriskanal.starter-templates'))`);
    const [{ n }] = await tx.select({ n: count() }).from(messageTemplates);
    if (Number(n) > 0) return 0;
    return insertStarterTemplates(tx, now);
  });
}

async function insertStarterTemplates(db: DbOrTx, now: Date): Promise<number> {
  const rows = await db
    .insert(messageTemplates)
    .values(
      STARTER_TEMPLATES.map((t) => ({
        ...t,
        variants: t.variants ?? {},
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning({ id: messageTemplates.id });
  await recordAudit(db, SYSTEM_ACTOR, now, {
    action: "template.seeded",
    entityType: "template",
    after: { templates: rows.map((r) => r.id) },
  });
  return rows.length;
}
