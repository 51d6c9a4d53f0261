// One ceiling on every request body, checked before anything reads it: a Content-Length over
// the limit is refused at once, and a streamed body is read no further than the limit.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";

export const limitBodySize = createMiddleware<AppEnv>((c, next) =>
  // A GET or HEAD has no body to limit (the Fetch API refuses one). Asking for it anyway is not
  // free: on Node, reading `c.req.raw.body` makes @hono/node-server build a full Request with
  // an AbortController for every request, which was half the cost of serving a cached page.
  BODILESS.has(c.req.method) ? next() : bodyLimit({ maxSize: maxBytesFor(c), onError: refuseTooLarge })(c, next),
);

const BODILESS = new Set(["GET", "HEAD"]);

/** Routes that take an image may read up to maxUploadBytes; every other body stays small. */
const UPLOAD_ROUTES = [/^\/api\/v1\/media$/, /^\/staff\/incidents\/[^/]+\/(updates|preview)$/];

function maxBytesFor(c: Context<AppEnv>): number {
  const { config } = c.env.deps;
  const upload = c.req.method === "POST" && UPLOAD_ROUTES.some((r) => r.test(c.req.path));
  return upload ? Math.max(config.maxUploadBytes, config.maxBodyBytes) : config.maxBodyBytes;
}

function refuseTooLarge(c: Context<AppEnv>) {
  const { deps } = c.env;
  const maxBytes = maxBytesFor(c);
  // The client may still be sending; closing after the answer stops us reading the rest.
  c.header("connection", "close");
  if (c.req.path.startsWith("/api/")) {
    return c.json(
      {
        error: {
          code: "payload_too_large",
          message: `The request body is larger than ${maxBytes} bytes.`,
          maxBytes,
        },
      },
      413,
    );
  }
  return c.html(
    deps.render.render("staff/error", {
      status: 413,
      title: "För mycket på en gång",
      message: `Det du skickade är större än ${formatKilobytes(maxBytes)}. Korta texten och försök igen.`,
    }),
    413,
  );
}

function formatKilobytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${Math.floor(bytes / 1024)} kB`;
}
