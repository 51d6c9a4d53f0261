// Live preview on the compose page: after a pause in typing, the form is sent to the staff
// preview endpoint and the server-rendered preview replaces the old one. The server does all
// counting with the adapters' own compose functions; this script only fetches and swaps.
export const PREVIEW_JS = `(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("forhandsvisning-innehall");
  var digest = document.getElementById("sammanfattning");
  var status = document.getElementById("forhandsvisning-status");
  if (!form || !target || !window.fetch || !window.FormData) return;
  var timer = null;
  var seq = 0;
  var lastSummary = "";
  function refresh() {
    var data = new FormData(form);
    data.delete("action");
    var body = new URLSearchParams();
    data.forEach(function (value, key) { if (typeof value === "string") body.append(key, value); });
    var mine = ++seq;
    target.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "x-csrf-token": form.elements["_csrf"].value }
    }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      if (html === null || mine !== seq) return;
      target.innerHTML = html;
      target.removeAttribute("aria-busy");
      var summary = target.querySelector("[data-summary]");
      var text = summary ? summary.textContent.trim() : "";
      if (status && text && text !== lastSummary) status.textContent = text;
      if (digest) showDigest(target);
      lastSummary = text;
    }).catch(function () {
      target.removeAttribute("aria-busy");
    });
  }
  // On a narrow screen the preview sits below the buttons: the summary and warnings go above them.
  function showDigest(from) {
    digest.textContent = "";
    var summary = from.querySelector("[data-summary]");
    if (!summary) return;
    var line = document.createElement("p");
    var lead = document.createElement("strong");
    lead.textContent = "Inför publiceringen:";
    line.appendChild(lead);
    line.appendChild(document.createTextNode(" " + summary.textContent.trim() + " "));
    var more = document.createElement("a");
    more.href = "#forhandsvisning";
    more.textContent = "Se förhandsvisningen";
    line.appendChild(more);
    digest.appendChild(line);
    var warnings = from.querySelector("ul.warnings");
    if (warnings) digest.appendChild(warnings.cloneNode(true));
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  document.documentElement.classList.add("live-preview");
  if (form.elements["body"] && form.elements["body"].value.trim()) refresh();
})();
`;
