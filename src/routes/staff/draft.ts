// The compose form as the domain's PostUpdateInput. "By department" is a staff-page convenience:
// it becomes the list of that department's active accounts, so the domain sees ordinary targets.
import type { Account } from "../../domain/accounts/accounts";
import type { PostUpdateInput } from "../../domain/publishing/updates";
import type { FieldError } from "../../errors";
import { PLATFORMS } from "../../platforms/types";
import { type Form, list, text } from "./form";

export type TargetMode = "all" | "department" | "picked";

/** The form as the person left it, to show again after a preview or an error. */
export type ComposeValues = {
  kind: string;
  body: string;
  targetMode: TargetMode;
  departmentId: string;
  accountIds: string[];
  variants: Record<string, string>;
  signature: string;
  imageUrl: string;
  /** An image uploaded with this form (compose-image.ts), kept across previews by a hidden field. */
  imageMediaId: string;
  imageAlt: string;
  borrowingReason: string;
  urgent: boolean;
  /** What the public should do: CAP <instruction> for alerting systems. */
  instruction: string;
};

export function readComposeValues(form: Form): ComposeValues {
  const mode = text(form, "targetMode");
  const variants: Record<string, string> = {};
  for (const platform of PLATFORMS) {
    const variant = text(form, `variants.${platform}`);
    if (variant) variants[platform] = variant;
  }
  return {
    kind: text(form, "kind") || "update",
    body: text(form, "body"),
    targetMode: mode === "department" || mode === "picked" ? mode : "all",
    departmentId: text(form, "departmentId"),
    accountIds: list(form, "accountIds"),
    variants,
    signature: text(form, "signature"),
    imageUrl: text(form, "imageUrl"),
    imageMediaId: text(form, "imageMediaId"),
    imageAlt: text(form, "imageAlt"),
    borrowingReason: text(form, "borrowingReason"),
    urgent: text(form, "urgent") === "on",
    instruction: text(form, "instruction"),
  };
}

export function emptyComposeValues(kind = "update"): ComposeValues {
  return readComposeValues({ kind });
}

/** The domain input, or the problems that only the form can have (an empty department). */
export function toPostInput(
  incidentId: string,
  values: ComposeValues,
  accounts: Pick<Account, "id" | "departmentId" | "status">[],
): { input: PostUpdateInput; problems: FieldError[] } {
  const problems: FieldError[] = [];
  let targets: PostUpdateInput["targets"] = "all";
  if (values.targetMode === "department") {
    if (!values.departmentId) {
      problems.push({ field: "departmentId", message: "Välj vilken verksamhets konton uppdateringen ska till." });
    }
    targets = accounts.filter((a) => a.status === "active" && a.departmentId === values.departmentId).map((a) => a.id);
    if (values.departmentId && !targets.length) {
      problems.push({
        field: "departmentId",
        message: "Verksamheten har inga aktiva konton. Välj en annan, eller välj konton själv.",
      });
    }
  } else if (values.targetMode === "picked") {
    targets = values.accountIds;
    if (!targets.length)
      problems.push({ field: "accountIds", message: "Kryssa i minst ett konto, eller välj Alla officiella konton." });
  }
  if ((values.imageUrl || values.imageMediaId) && !values.imageAlt) {
    problems.push({ field: "imageAlt", message: "Beskriv bilden (alternativtext) för den som inte kan se den." });
  }
  if (!values.imageUrl && !values.imageMediaId && values.imageAlt) {
    problems.push({ field: "imageUrl", message: "Ange bildens adress, eller töm fältet för alternativtext." });
  }
  const input: PostUpdateInput = {
    incidentId,
    body: values.body,
    kind: values.kind as PostUpdateInput["kind"],
    targets,
    variants: values.variants as PostUpdateInput["variants"],
    ...(values.signature ? { signature: values.signature } : {}),
    ...(values.imageMediaId
      ? { image: { mediaId: values.imageMediaId, alt: values.imageAlt } }
      : values.imageUrl
        ? { image: { url: values.imageUrl, alt: values.imageAlt } }
        : {}),
    ...(values.borrowingReason ? { borrowingReason: values.borrowingReason } : {}),
    ...(values.instruction ? { instruction: values.instruction } : {}),
    urgent: values.urgent,
  };
  return { input, problems };
}

/** Swedish messages for the compose form's fields (domain validation speaks English). */
export const COMPOSE_MESSAGES: Record<string, string> = {
  body: "Skriv uppdateringens text (högst 5 000 tecken).",
  kind: "Välj vilken sorts uppdatering det är.",
  targets: "Något av de valda kontona går inte att publicera till. Välj konton igen.",
  variants: "En egen text för en plattform får vara högst 5 000 tecken.",
  signature: "Signaturen får vara högst 300 tecken.",
  image: "Bildens adress ska börja med https:// och alternativtexten får inte vara tom.",
  borrowingReason: "Skälet till att låna kontot ska vara 3–500 tecken.",
  incidentId: "Händelsen finns inte.",
  instruction: "Uppmaningen får vara högst 1 000 tecken.",
};

/** Used in previews only: lets the preview show borrowed accounts before a reason is written. */
export const PREVIEW_BORROWING_REASON = "(förhandsvisning)";
