// Where an incident is, as alerting systems read it: SCB codes from the table of counties and
// municipalities, and optionally a polygon. Both are checked here, so a CAP message never
// carries a code no one can resolve or a ring that does not close.
import { z } from "zod";
import { findSwedishArea } from "./swedish-areas";

export const AreaCodesInput = z
  .array(z.string().trim().max(10))
  .max(50)
  .superRefine((codes, ctx) => {
    for (const [i, code] of codes.entries()) {
      if (!findSwedishArea(code)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `Unknown area code "${code}": use an SCB code of a Swedish county (2 digits) or municipality (4 digits).`,
          params: { code: "area_code_unknown", areaCode: code },
        });
      }
    }
  });

const Point = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]);

/** CAP 1.2 wants at least four pairs, the first and the last the same. */
export const PolygonInput = z
  .array(Point)
  .min(4)
  .max(500)
  .refine(
    (ring) => {
      const [first, last] = [ring[0], ring[ring.length - 1]];
      return first[0] === last[0] && first[1] === last[1];
    },
    {
      message: "The polygon must be a closed ring: its last point the same as its first.",
      params: { code: "polygon_not_closed" },
    },
  );
