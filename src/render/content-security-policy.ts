// The public pages' Content-Security-Policy: nothing runs (but the notification opt-in), nothing loads from elsewhere but
// images, and the only styles are the layout's own inline block, allowed by its hash. The hash
// is taken from the rendered <head>, where no visitor- or staff-written text ever goes (eta
// escapes everything it interpolates), so the policy follows the layout when it changes.
import { toBase64 } from "../domain/accounts/secrets";

const encoder = new TextEncoder();

export async function publicContentSecurityPolicy(html: string): Promise<string> {
  const end = html.indexOf("</head>");
  const head = end < 0 ? "" : html.slice(0, end);
  const hashes: string[] = [];
  for (const match of head.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(match[1])));
    hashes.push(`'sha256-${toBase64(digest)}'`);
  }
  // A page offering notifications runs the hub's own opt-in script (routes/public/push.ts), which
  // fetches the key, posts the subscription and registers the service worker, all on this origin.
  // The tag is looked for with its "<", which no escaped visitor or staff text can hold.
  const pushOptIn = html.includes('<script src="/push.js"')
    ? ["script-src 'self'", "connect-src 'self'", "worker-src 'self'"]
    : [];
  return [
    "default-src 'none'",
    `style-src ${hashes.length ? hashes.join(" ") : "'none'"}`,
    ...pushOptIn,
    "img-src 'self' data: https:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
