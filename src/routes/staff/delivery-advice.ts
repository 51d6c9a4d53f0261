// What a delivery's status means to a person on duty, and what to do about it, in Swedish.
// Colour on the board only repeats what these words say.
import type { Delivery } from "../../domain/publishing/deliveries";

// The words live with the other labels, so the after-action report in the archive uses the same.
export { DELIVERY_KIND_LABEL, DELIVERY_STATUS_LABEL } from "../../render/view-helpers";

export interface Advice {
  /** What went wrong, plainly. */
  problem: string;
  /** What the person on duty can do now. */
  action: string;
}

const BY_CLASS: Record<string, Advice> = {
  retry: {
    problem: "Plattformen svarade inte, eller bad oss vänta (tillfälligt fel).",
    action: "Kriskanal försöker igen automatiskt. Om det fortsätter att misslyckas: tryck Försök igen senare.",
  },
  auth: {
    problem: "Inloggningen till kontot fungerar inte längre (utgången eller återkallad).",
    action:
      "Be kontots redaktör att koppla in kontot igen och lägga in nya inloggningsuppgifter i kontoregistret. Tryck sedan Försök igen.",
  },
  rights: {
    problem: "Kriskanal saknar rätt att publicera på kontot.",
    action:
      "Se till att kommunikationsenheten har administratörsrätt på kontot (kontrollera i kontoregistret) och tryck Försök igen.",
  },
  invalid: {
    problem: "Plattformen tog inte emot inlägget som det var skrivet.",
    action:
      "Läs plattformens svar nedan. Skriv en kortare eller egen text för plattformen i en ny uppdatering, eller publicera för hand.",
  },
  unconfirmed: {
    problem:
      "Det är oklart om inlägget kom fram (plattformen svarade inte i tid), och Kriskanal kunde inte avgöra det själv. Vad som kontrollerades står nedan.",
    action:
      "Titta på kontot på plattformen. Finns inlägget inte där, tryck Försök igen: Kriskanal söker efter det en gång till innan det skickas, så det publiceras inte två gånger.",
  },
};

/** Still being settled by the hub: nothing for a person to do yet. */
const SETTLING: Advice = {
  problem: "Det är oklart om inlägget kom fram (plattformen svarade inte i tid).",
  action:
    "Kriskanal söker efter inlägget på plattformen och skickar inget igen förrän det är avgjort. Du behöver inte göra något än.",
};

export function adviceFor(
  delivery: Pick<Delivery, "status" | "failureClass" | "attempts"> & { message?: string | null },
): Advice | null {
  if (delivery.status === "failed") {
    return (
      BY_CLASS[delivery.failureClass ?? ""] ?? {
        problem: "Publiceringen misslyckades.",
        action: "Läs plattformens svar nedan och tryck Försök igen, eller publicera för hand.",
      }
    );
  }
  if (delivery.status === "pending" && delivery.failureClass === "unconfirmed") return SETTLING;
  if (delivery.status === "pending" && delivery.attempts > 0 && delivery.failureClass) {
    return BY_CLASS[delivery.failureClass] ?? null;
  }
  if (delivery.status === "skipped") return skippedAdvice(delivery.message ?? null);
  return null;
}

/** Nothing was sent, so there is no answer to read: the reason itself, and what would change it. */
function skippedAdvice(reason: string | null): Advice {
  const problem = reason
    ? `Skickades inte: ${reason.replace(/\.?$/, ".")}`
    : "Inlägget skickades inte till det här kontot.";
  if (reason && /bild/i.test(reason)) {
    return { problem, action: "Vill du nå kanalen, lägg till en bild med alternativtext i nästa uppdatering." };
  }
  if (reason && /stängt/i.test(reason)) return { problem, action: "Inget att göra: kontot används inte längre." };
  return { problem, action: "Inget mer behöver göras för den här uppdateringen." };
}
