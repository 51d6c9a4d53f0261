// The staff interface's stylesheet and its two small progressive enhancements, served as text so
// that the same bundle runs on Workers. Every page works without the scripts: the compose form
// has a Preview button and the delivery board a Refresh link.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { BOARD_JS } from "./assets/board-js";
import { PREVIEW_JS } from "./assets/preview-js";
import { STAFF_CSS } from "./assets/staff-css";

const ASSETS: Record<string, { type: string; body: string }> = {
  "staff.css": { type: "text/css; charset=utf-8", body: STAFF_CSS },
  "preview.js": { type: "text/javascript; charset=utf-8", body: PREVIEW_JS },
  "board.js": { type: "text/javascript; charset=utf-8", body: BOARD_JS },
};

export const staffAssets = new Hono<AppEnv>().get("/:name", (c) => {
  const asset = ASSETS[c.req.param("name")];
  if (!asset) return c.text("Finns inte.", 404);
  return c.body(asset.body, 200, { "content-type": asset.type, "x-content-type-options": "nosniff" });
});
