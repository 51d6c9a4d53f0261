// The compose page's preview: exactly what each account would receive (the dispatcher's own
// previewUpdate, built on the adapters' compose), plus the warnings a person must see before
// publishing. Blocking warnings are the ones the domain would refuse anyway (a personnummer, a
// borrowing without a reason); the others (too long, needs an image) leave the choice to them.
import type { Deps } from "../../deps";
import type { Actor } from "../../domain/people/actor";
import type { Incident } from "../../domain/publishing/incidents";
import { findPersonalIdentityNumbers, refusePersonalIdentityNumbers } from "../../domain/publishing/personnummer";
import { previewUpdate } from "../../domain/publishing/preview";
import type { PostUpdateInput } from "../../domain/publishing/updates";
import { AppError } from "../../errors";
import { PLATFORM_LABEL } from "../../render/view-helpers";
import { COMPOSE_MESSAGES, PREVIEW_BORROWING_REASON } from "./draft";
import { errorText } from "./error-texts";
import { anchorOf, toSwedishErrors } from "./form";
import { toReaderText } from "./reader-text";

export interface Warning {
  /** The form field to fix, as an anchor id. */
  field: string;
  message: string;
  /** Publishing is refused while this stands. */
  blocking: boolean;
}

export type AccountPreview = Awaited<ReturnType<typeof previewUpdate>>["previews"][number];

export interface DraftPreview {
  /** The permalink the update will get, and its number. */
  url: string | null;
  number: number | null;
  previews: AccountPreview[];
  warnings: Warning[];
}

type PreviewDeps = Parameters<typeof previewUpdate>[0];

export async function previewDraft(
  deps: PreviewDeps & Pick<Deps, "db">,
  actor: Actor,
  incident: Pick<Incident, "borrowingReason">,
  input: PostUpdateInput,
): Promise<DraftPreview> {
  const warnings = personnummerWarnings(input);
  const out: DraftPreview = { url: null, number: null, previews: [], warnings };
  if (!input.body.trim()) return out;
  const reasonGiven = Boolean(input.borrowingReason?.trim() || incident.borrowingReason);
  try {
    const preview = await previewUpdate(deps, actor, {
      ...maskNumbers(input),
      borrowingReason:
        input.borrowingReason?.trim() || (incident.borrowingReason ? undefined : PREVIEW_BORROWING_REASON),
    });
    out.url = preview.url;
    out.number = preview.number;
    out.previews = preview.previews.map((p) => ({ ...p, text: toReaderText(p.platform, p.text) }));
    // An exercise leaves every real account out: say which, so nobody expects the post there.
    for (const left of preview.leftOut) {
      const accounts = `${PLATFORM_LABEL[left.platform] ?? left.platform} (${left.handle})`;
      warnings.push({ field: "targets", message: errorText(left.code, { accounts }), blocking: false });
    }
  } catch (error) {
    const problems = toSwedishErrors(error, COMPOSE_MESSAGES, "targets");
    if (!problems) throw error;
    warnings.push(...problems.map((p) => ({ ...p, blocking: true })));
    return out;
  }
  const borrowed = out.previews.filter((p) => p.borrowed);
  if (borrowed.length) {
    const names = borrowed.map((p) => `${PLATFORM_LABEL[p.platform] ?? p.platform} ${p.handle}`).join(", ");
    warnings.push(
      reasonGiven
        ? {
            field: "borrowingReason",
            message: `Du lånar en annan verksamhets konto (${names}). Kontots redaktörer får veta det.`,
            blocking: false,
          }
        : {
            field: "borrowingReason",
            message: `Du lånar en annan verksamhets konto (${names}). Skriv varför i fältet Skäl till att låna konton.`,
            blocking: true,
          },
    );
  }
  for (const p of out.previews) {
    const name = `${PLATFORM_LABEL[p.platform] ?? p.platform} (${p.handle})`;
    const field = anchorOf(`variants.${p.platform}`);
    if (p.skipReason) {
      warnings.push(
        p.platform === "instagram" && !input.image
          ? {
              field: "imageUrl",
              message: `${name} kräver en bild. Lägg till en bild med alternativtext, annars skickas inget dit.`,
              blocking: false,
            }
          : { field, message: `${name}: ${p.skipReason}`, blocking: false },
      );
    } else if (!p.fits) {
      warnings.push({
        field,
        message: `För lång för ${name}: ${p.length} av högst ${p.limit} tecken. Skriv en kortare egen text för ${PLATFORM_LABEL[p.platform] ?? p.platform}.`,
        blocking: false,
      });
    } else if (p.shortened) {
      warnings.push({
        field,
        message: `Texten kortas för ${name} för att rymmas (högst ${p.limit} tecken). Vill du välja orden själv, skriv en egen text för ${PLATFORM_LABEL[p.platform] ?? p.platform}.`,
        blocking: false,
      });
    }
  }
  return out;
}

/** Every personnummer, in the domain's own Swedish words, on the field it is in. */
function personnummerWarnings(input: PostUpdateInput): Warning[] {
  try {
    refusePersonalIdentityNumbers(textsOf(input));
    return [];
  } catch (error) {
    if (!(error instanceof AppError) || !error.fields) throw error;
    return error.fields.map((f) => ({ field: anchorOf(f.field), message: f.message, blocking: true }));
  }
}

function textsOf(input: PostUpdateInput): Record<string, string | undefined> {
  return {
    body: input.body,
    signature: input.signature,
    ...Object.fromEntries(Object.entries(input.variants ?? {}).map(([p, t]) => [`variants.${p}`, t])),
  };
}

/** The preview shows where a number was, in characters every platform counts as one. */
function maskNumbers(input: PostUpdateInput): PostUpdateInput {
  const mask = (text: string) => {
    let out = text;
    for (const f of findPersonalIdentityNumbers(text)) {
      out = out.slice(0, f.index) + f.match.replace(/\d/g, "#") + out.slice(f.index + f.match.length);
    }
    return out;
  };
  return {
    ...input,
    body: mask(input.body),
    ...(input.signature ? { signature: mask(input.signature) } : {}),
    variants: Object.fromEntries(Object.entries(input.variants ?? {}).map(([p, t]) => [p, mask(t ?? "")])),
  };
}
