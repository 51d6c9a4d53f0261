// A tiny browser for in-process tests of the staff pages: keeps cookies, signs in through the
// real form, and posts forms with the page's own CSRF token.
import type { TestHub } from "../helpers/hub";

export interface StaffBrowser {
  get(path: string): Promise<Page>;
  /** Posts a form; the CSRF token is taken from the last page seen unless given. */
  post(path: string, fields: Record<string, string | string[]>, options?: { csrf?: string | null }): Promise<Page>;
  csrf: string | null;
  /** The Cookie header this browser sends, for requests made by hand. */
  readonly cookie: string;
}

export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  html: string;
}

export async function signInStaff(hub: TestHub, email: string, password: string): Promise<StaffBrowser> {
  const cookies = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}): Promise<Page> => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await hub.app.request(path, { ...init, headers }, { deps: hub.deps });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const name = pair.slice(0, pair.indexOf("="));
      const value = pair.slice(pair.indexOf("=") + 1);
      if (!value || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) browser.csrf = token;
    return { status: res.status, location: res.headers.get("location"), headers: res.headers, html };
  };
  const encode = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return body.toString();
  };
  const browser: StaffBrowser = {
    csrf: null,
    get cookie() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    },
    get: (path) => request(path),
    post: (path, fields, options = {}) => {
      const csrf = options.csrf === undefined ? browser.csrf : options.csrf;
      return request(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: encode({ ...(csrf ? { _csrf: csrf } : {}), ...fields }),
      });
    },
  };
  await browser.get("/staff/login");
  const signedIn = await browser.post("/staff/login", { email, password });
  if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status} ${signedIn.html.slice(0, 300)}`);
  await browser.get("/staff");
  return browser;
}

/** The text of the page without tags, with whitespace squeezed, for reading assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ")
    .trim();
}
