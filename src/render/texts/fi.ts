// Finnish (suomi), a national minority language in Sweden.
import type { PublicTexts } from "../public-texts";

export const fi: PublicTexts = {
  intlLocale: "fi-FI",
  skipLink: "Siirry sisältöön",
  siteSuffix: "kriisitiedotus",
  mainMenu: "Päävalikko",
  languageMenu: "Kieli",
  navCurrent: "Ajankohtaiset tapahtumat",
  navChannels: "Viralliset kanavamme",
  navSubscribe: "Tilaa",
  guidanceHeading: "Kriisitilanteessa",
  contactHeading: (name) => `Ota yhteyttä: ${name}`,
  publishedFirst: "Tiedot julkaistaan ensin täällä ja sen jälkeen",
  officialChannelsLink: "kunnan virallisissa kanavissa",
  feedsLabel: "Syötteet",
  alertingLabel: "Varoitusjärjestelmille",
  capLink: "CAP-viestit (CAP 1.2)",
  allUpdatesFeed: "kaikki päivitykset",

  homeTitle: "Ajankohtaiset tapahtumat",
  homeHeading: (org) => `Kriisitiedotus: ${org}`,
  homeDescription: (org) => `Ajankohtaista kriisitietoa: ${org}. Käynnissä olevat tapahtumat ja uusimmat päivitykset.`,
  ongoing: "Käynnissä olevat tapahtumat",
  noOngoing: "Tällä hetkellä ei ole käynnissä olevia tapahtumia.",
  affects: "Koskee",
  latestUpdate: "Uusin päivitys",
  numberShort: (n) => `nro ${n}`,
  recentlyResolved: "Äskettäin päättyneet",
  noneResolved: "Yksikään tapahtuma ei ole päättynyt viimeisten 30 päivän aikana.",
  resolvedOn: "päättyi",

  kind: { update: "Päivitys", correction: "Oikaisu", all_clear: "Vaara ohi" },
  severity: {
    info: "Tiedote",
    minor: "Vähäinen häiriö",
    major: "Vakava häiriö",
    critical: "Erittäin vakava häiriö",
  },
  status: { active: "Käynnissä", resolved: "Päättynyt" },
  occurred: "Tapahtui",
  closedOn: "päättyi",
  registrationNumber: "Diaarinumero",
  followIncident: "Seuraa tapahtumaa",
  nowHeading: "Tilanne nyt",
  updateN: (n) => `Päivitys ${n}`,
  publishedLower: "julkaistu",
  statusLabel: "Tila",
  noUpdatesYet: "Ei vielä päivityksiä.",
  lastUpdated: "Päivitetty viimeksi",
  allUpdates: "Kaikki päivitykset",
  oldestFirstSuffix: ", vanhin ensin",
  newestFirstSuffix: ", uusin ensin",
  showNewestFirst: "Näytä uusin ensin",
  readOldestFirst: "Lue aikajärjestyksessä (vanhin ensin)",
  allUpdatesLower: "kaikki päivitykset",
  updatePageTitle: (title, n) => `${title}: päivitys ${n}`,

  withdrawnHeading: (n) => `Päivitys ${n} on peruttu`,
  withdrawnOn: "Peruttu",
  withdrawnSummary: "Päivitys on peruttu.",
  reason: "Syy",
  noReason: "syytä ei annettu",
  published: "Julkaistu",
  by: "–",
  edited: "Muutettu",
  sharedIn: "Jaettu",
  notTranslated: "Tätä päivitystä ei ole vielä käännetty suomeksi. Alla on ruotsinkielinen teksti.",

  problem: {
    404: { heading: "Sivua ei löydy", message: "Osoitetta ei löydy. Tarkista kirjoitusasu tai siirry etusivulle." },
    400: { heading: "Se ei onnistunut", message: "Pyyntöä ei voitu käsitellä. Palaa takaisin ja yritä uudelleen." },
    503: {
      heading: "Tilapäisesti poissa käytöstä",
      message: "Sivua ei voida näyttää juuri nyt. Yritä hetken kuluttua uudelleen.",
    },
    500: {
      heading: "Jokin meni vikaan",
      message:
        "Sivua ei voida näyttää juuri nyt meidän päässämme olevan virheen vuoksi. Yritä hetken kuluttua uudelleen.",
    },
  },
  alsoElsewhere: "Kunnan tiedot löytyvät myös",
  officialChannelsLower: "virallisista kanavista",
  and: "ja palvelusta",
  notFoundTitle: "Sivua ei löydy",
  incidentMissing: "Tapahtumaa ei löydy. Sen osoite on ehkä muuttunut.",
  updateMissing: "Päivitystä ei löydy.",
  addressMissing: "Osoitetta ei löydy. Tarkista kirjoitusasu tai siirry etusivulle.",
  toCurrent: "Ajankohtaisiin tapahtumiin",

  channelsTitle: "Viralliset kanavamme",
  channelsOgTitle: (org) => `Viralliset kanavat: ${org}`,
  channelsDescription: (org) => `Kaikki viralliset sosiaalisen median tilit: ${org}, toimialoittain.`,
  channelsIntro: (org) =>
    `Tässä ovat kaikki viralliset sosiaalisen median tilit (${org}). Kriisitilanteessa julkaisemme ensin täällä verkkosivustolla ja sen jälkeen näissä kanavissa, aina linkin kanssa takaisin tänne. Tili, joka ei ole luettelossa, ei ole virallinen tili.`,
  noChannels: "Virallisia kanavia ei ole tällä hetkellä rekisteröity.",
  channelsAsJson: "Luettelo on saatavilla myös muodossa",

  subscribeTitle: "Tilaa kriisitiedotus",
  subscribeDescription: (org) => `Näin saat kriisitiedot (${org}) heti, kun ne julkaistaan.`,
  subscribeIntro: (org) =>
    `Haluatko tietää heti, kun ${org} julkaisee uutta tietoa kriisistä, käymättä verkkosivustolla? Voit tilata syötteen.`,
  whatIsFeed: "Mikä on syöte?",
  feedExplained:
    "Syöte on osoite, josta syötteenlukija hakee uutisia. Syötteenlukijoita on sovelluksina puhelimeen ja tietokoneeseen sekä lisäosina monissa sähköpostiohjelmissa. Liität osoitteen lukijaan kerran, ja sen jälkeen jokainen uusi päivitys näkyy siellä. Se on maksutonta, eikä sinun tarvitse antaa itsestäsi mitään tietoja.",
  feedInBrowser:
    "Jos avaat osoitteen suoraan selaimessa, näet vain koodia. Se on tarkoituksellista: osoite on tarkoitettu syötteenlukijalle.",
  addressesToCopy: "Kopioitavat osoitteet",
  addressesIntro:
    "Kaikki päivitykset kaikista tapahtumista. Useimmat lukijat tukevat kaikkia kolmea; valitse Atom, jos olet epävarma.",
  oneIncident:
    "Haluatko seurata vain yhtä tapahtumaa? Jokaisen tapahtuman sivulla on omat syötteensä: lisää /feed.atom tapahtuman osoitteen perään.",
  otherWays: "Muita tapoja seurata",
  otherWaysChannels:
    "Julkaisemme samat tiedot kunnan virallisissa sosiaalisen median kanavissa. Niissä noudatetaan kunkin alustan ehtoja.",
  alertingSystems: "Hälytys- ja varoitusjärjestelmät voivat hakea viestit CAP-vakiomuodossa:",

  closedHeadline: (title) => `${title} – päättynyt`,
  closedBody: (title, when) => `Tapahtuma ${title} päättyi ${when}. Aiemmat viestit eivät ole enää voimassa.`,

  feedTitle: (org) => `${org}: kriisitiedotus`,
  feedDescription: (org) => `Päivityksiä (${org}) kriisien ja häiriöiden aikana.`,
  withdrawnTitle: "Peruttu",
  withdrawnCategory: "Peruttu",
  withdrawalNotice: (n, when, reason) => `Päivitys ${n} peruttiin ${when}. Syy: ${reason}.`,
};
