// The opt-in for notifications on the public pages: progressive enhancement. The markup
// (templates/partials/push-optin.eta) is hidden, and this script shows it only where the browser
// can take push messages; elsewhere, and without JavaScript, the page is what it always was.
// The choice is the browser's own subscription: the button reads it back on every visit.
export const PUSH_OPTIN_JS = `(function () {
  "use strict";
  var box = document.querySelector("[data-push-optin]");
  if (!box || !window.fetch || !window.Promise) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  var incident = box.getAttribute("data-incident") || "all";
  var language = document.documentElement.lang || "sv";
  var busy = false;
  function say(text) { status.textContent = text; }
  function keyBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function current() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    });
  }
  function show(subscribed) {
    button.textContent = subscribed ? "Stäng av notiser" : "Få notiser";
  }
  function subscribe() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return fetch("/push/key").then(function (res) { return res.json(); }).then(function (key) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey) });
      });
    }).then(function (sub) {
      var json = sub.toJSON();
      return fetch("/push/subscriptions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys, incident: incident, language: language })
      }).then(function (res) {
        if (res.ok) return;
        return sub.unsubscribe().then(function () { throw new Error("refused"); });
      });
    });
  }
  function unsubscribe(sub) {
    return fetch("/push/subscriptions", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: sub.endpoint })
    }).then(function () { return sub.unsubscribe(); });
  }
  box.hidden = false;
  current().then(function (sub) { show(!!sub); }, function () { show(false); });
  button.addEventListener("click", function () {
    if (busy) return;
    busy = true;
    current().then(function (sub) {
      if (sub) {
        return unsubscribe(sub).then(function () { show(false); say("Du får inte längre notiser."); });
      }
      return subscribe().then(function () {
        show(true);
        say(incident === "all" ? "Klart. Du får en notis när vi publicerar nytt om en kris." : "Klart. Du får en notis när vi publicerar nytt om den här händelsen.");
      });
    }).catch(function (error) {
      say(error && error.message === "denied"
        ? "Webbläsaren tillåter inte notiser från den här webbplatsen. Du kan ändra det i webbläsarens inställningar."
        : "Det gick inte att slå på notiser just nu. Försök igen senare.");
    }).then(function () { busy = false; });
  });
})();
`;

/**
 * The service worker, served at the site root so that its scope is the whole site. It only shows
 * notifications and opens their page: it never intercepts requests, so pages are fetched (and
 * cached) exactly as without it.
 */
export const SERVICE_WORKER_JS = `"use strict";
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Krisinformation", {
    body: data.body || "",
    tag: data.tag,
    lang: data.lang,
    icon: "/apple-touch-icon.png",
    data: { url: data.url }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url;
  // Only this site's own pages are opened from a notification.
  try { if (new URL(url).origin !== self.location.origin) url = "/"; } catch (e) { url = "/"; }
  event.waitUntil(self.clients.openWindow(url));
});
`;
