// hideCredentialIn: a credential is blanked in every form a platform's error text can echo it.
import { describe, expect, test } from "vitest";
import { hideCredentialIn, toBase64 } from "../../src/domain/accounts/secrets";

// Characters that every encoding changes: space, slash, plus, equals, quote, percent, non-ASCII.
const TOKEN = 'EAAB/x+y=z "ö"%20;end';
const bytes = (s: string) => new TextEncoder().encode(s);
const b64 = (s: string) => toBase64(bytes(s));
const b64url = (s: string) => b64(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("hideCredentialIn", () => {
  test.each([
    ["raw", TOKEN],
    ["encodeURIComponent", encodeURIComponent(TOKEN)],
    ["encodeURIComponent, lower-case hex", encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ["encodeURI", encodeURI(TOKEN)],
    ["form-encoded", new URLSearchParams({ access_token: TOKEN }).toString().split("=").slice(1).join("=")],
    ["JSON-escaped", JSON.stringify(TOKEN).slice(1, -1)],
    ["base64", b64(TOKEN)],
    ["base64url", b64url(TOKEN)],
  ])("blanks the %s form", (_name, form) => {
    expect(form, "the form must differ from the raw value to test anything").toBeTruthy();
    const text = `GET https://graph.example/v21.0/1?access_token=${form}&fields=id failed`;
    const hidden = hideCredentialIn(text, { pageAccessToken: TOKEN });
    expect(hidden).not.toContain(form);
    expect(hidden).toContain("[dold]");
    expect(hidden).toContain("https://graph.example/v21.0/1?access_token=");
  });

  test("blanks base64 and base64url of user:pass, the form of basic auth", () => {
    const credential = { username: "kommunen", password: "hemligt/lösen+ord" };
    for (const form of [b64("kommunen:hemligt/lösen+ord"), b64url("kommunen:hemligt/lösen+ord")]) {
      const hidden = hideCredentialIn(`authorization: Basic ${form}`, credential);
      expect(hidden).toBe("authorization: Basic [dold]");
    }
  });

  test("leaves text alone that carries no credential, and short values that would blank too much", () => {
    expect(hideCredentialIn("Graph 100: (#100) Invalid parameter", { accessToken: TOKEN, pin: "123" })).toBe(
      "Graph 100: (#100) Invalid parameter",
    );
  });
});
