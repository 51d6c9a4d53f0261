// The crisis card: one image per published update, for Instagram (which takes no text-only posts)
// and for link previews. Drawn as a satori object tree ({ type, props }), so no JSX build step.
import type { SatoriNode } from "satori/standalone";
import { KIND_LABEL, viewHelpers } from "./view-helpers";

export const CARD_FORMATS = {
  /** Instagram portrait. */
  card: { width: 1080, height: 1350, scale: 1 },
  /** Open Graph link previews. */
  og: { width: 1200, height: 630, scale: 0.62 },
} as const;
export type CardFormat = keyof typeof CARD_FORMATS;

/** What the card shows. The organisation's look comes from its profile (see domain/publishing/cards.ts). */
export interface CardContent {
  organisation: {
    name: string;
    primaryColour: string;
    textColour: string;
    logo: { type: string; bytes: Uint8Array } | null;
  };
  incidentTitle: string;
  number: number;
  kind: "update" | "correction" | "all_clear";
  publishedAt: Date;
  body: string;
  /** The permalink without the scheme, short enough to type from a screenshot. */
  shortLink: string;
}

/** Corrections and all-clears must stand out from ordinary updates at a glance. */
const KIND_BADGE: Record<CardContent["kind"], { background: string; colour: string } | null> = {
  update: null,
  correction: { background: "#ffd60a", colour: "#1a1a1a" },
  all_clear: { background: "#1e7b34", colour: "#ffffff" },
};

const node = (type: string, style: Record<string, unknown>, children?: unknown): SatoriNode =>
  ({ type, props: { style, children } }) as unknown as SatoriNode;

/** The first lines of the text, cut at a word with an ellipsis: the card invites, the link tells all. */
export function firstLines(body: string, maxChars: number): string {
  const text = body.replace(/\s+/g, " ").trim();
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(" ");
  return `${(space > maxChars * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, "")} …`;
}

export function buildCardTree(content: CardContent, format: CardFormat): SatoriNode {
  const { width, height, scale } = CARD_FORMATS[format];
  const px = (n: number) => Math.round(n * scale);
  const { organisation: org } = content;
  const badge = KIND_BADGE[content.kind];
  const bodyChars = format === "card" ? 420 : 160;

  const header = node("div", { display: "flex", alignItems: "center", gap: px(24) }, [
    ...(org.logo
      ? [
          {
            type: "img",
            props: {
              src: `data:${org.logo.type};base64,${toBase64(org.logo.bytes)}`,
              height: px(96),
              style: { height: px(96), maxWidth: px(240), objectFit: "contain" },
            },
          },
        ]
      : []),
    node("div", { fontSize: px(40), fontWeight: 700 }, org.name),
  ]);

  const meta = node(
    "div",
    { display: "flex", alignItems: "center", gap: px(20), fontSize: px(34), marginTop: px(56) },
    [
      ...(badge
        ? [
            node(
              "div",
              {
                background: badge.background,
                color: badge.colour,
                padding: `${px(8)}px ${px(20)}px`,
                borderRadius: px(8),
                fontWeight: 700,
                textTransform: "uppercase",
              },
              KIND_LABEL[content.kind],
            ),
          ]
        : []),
      node("div", {}, `Uppdatering ${content.number} · ${viewHelpers.when(content.publishedAt)}`),
    ],
  );

  const title = node(
    "div",
    { fontSize: px(format === "card" ? 76 : 80), fontWeight: 700, lineHeight: 1.15, marginTop: px(28) },
    content.incidentTitle,
  );
  const body = node(
    "div",
    {
      display: "flex",
      fontSize: px(46),
      lineHeight: 1.35,
      marginTop: px(40),
      flexGrow: 1,
      flexShrink: 1,
      overflow: "hidden",
    },
    firstLines(content.body, bodyChars),
  );
  const footer = node(
    "div",
    {
      display: "flex",
      flexShrink: 0,
      fontSize: px(34),
      borderTop: `${px(4)}px solid ${org.textColour}`,
      paddingTop: px(24),
    },
    content.shortLink,
  );

  return node(
    "div",
    {
      display: "flex",
      flexDirection: "column",
      boxSizing: "border-box",
      width,
      height,
      padding: px(80),
      background: org.primaryColour,
      color: org.textColour,
      fontFamily: "Noto Sans",
      // A heavy edge in the badge colour marks corrections and all-clears even as a thumbnail.
      borderLeft: badge ? `${px(28)}px solid ${badge.background}` : undefined,
    },
    [header, meta, title, body, footer],
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
