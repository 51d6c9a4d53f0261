// The crisis banner for the municipality's own website, in two forms: a script of a few hundred
// bytes that reads /embed.json from the hub it was loaded from and inserts an <aside>, and a
// page for an <iframe> where the site allows no scripts. Both build the banner from text nodes
// (the script with textContent, the page escaped), set no cookie and load nothing else.
import { escapeXml } from "../archive/xml";
import type { CrisisBanner } from "../domain/publishing/crisis-banner";
import { viewHelpers } from "./view-helpers";

const LABEL = "Krisinformation";

/**
 * Styles through element.style (the CSSOM), which a host page's CSP without 'unsafe-inline'
 * still allows, unlike a style attribute or a <style> element. currentScript is read before
 * the fetch, while the script is still running.
 */
export const EMBED_SCRIPT = `(function(){var s=document.currentScript;if(!s)return;var o=new URL(s.src).origin;
function e(n,p,t){var x=document.createElement(n);if(t)x.textContent=t;p&&p.appendChild(x);return x}
fetch(o+"/embed.json",{credentials:"omit"}).then(function(r){return r.ok?r.json():null}).then(function(d){
if(!d||!d.incidents||!d.incidents.length)return;
var a=e("aside");a.setAttribute("aria-label","${LABEL} från "+d.organisation);a.className="kriskanal-banner";
var c=d.textColour,y=a.style;y.background=d.primaryColour;y.color=c;y.padding="0.75em 1em";y.font="1rem/1.4 system-ui,sans-serif";
e("strong",a,"${LABEL} från "+d.organisation);var u=e("ul",a);u.style.margin="0.25em 0 0";u.style.paddingLeft="1.2em";
d.incidents.forEach(function(i){var l=e("li",u),k=e("a",l,i.title);k.href=i.url;k.style.color=c;k.style.fontWeight="bold";
var t=e("time",l);t.dateTime=i.updatedAt;t.textContent=" uppdaterad "+new Date(i.updatedAt).toLocaleString("sv-SE",{timeZone:"Europe/Stockholm",dateStyle:"medium",timeStyle:"short"})});
document.body.insertBefore(a,document.body.firstChild)}).catch(function(){})})();
`;

/** The page for an <iframe>: an empty body when nothing is active, so the frame shows nothing. */
export function renderEmbedPage(banner: CrisisBanner): string {
  const items = banner.incidents
    .map(
      (i) =>
        `<li><a href="${escapeXml(i.url)}" target="_blank" rel="noopener">${escapeXml(i.title)}</a> ` +
        `<time datetime="${escapeXml(i.updatedAt)}">uppdaterad ${escapeXml(viewHelpers.when(i.updatedAt))}</time></li>`,
    )
    .join("");
  const label = `${LABEL} från ${banner.organisation}`;
  const body = banner.incidents.length
    ? `<aside aria-label="${escapeXml(label)}"><strong>${escapeXml(label)}</strong><ul>${items}</ul></aside>`
    : "";
  // The colours come from the settings form, which accepts only #rrggbb.
  const style =
    `body{margin:0;font:1rem/1.4 system-ui,sans-serif}aside{background:${banner.primaryColour};color:${banner.textColour};padding:.75em 1em}` +
    `a{color:${banner.textColour};font-weight:bold}ul{margin:.25em 0 0;padding-left:1.2em}`;
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeXml(label)}</title><style>${style}</style></head>
<body>${body}</body></html>
`;
}
