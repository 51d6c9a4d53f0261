// Live delivery board: while any delivery is still under way, the table is fetched again every
// two seconds and swapped in; a hidden status line tells screen readers when the totals change.
// Polling, not server-sent events: it works the same behind every proxy and on Workers.
export const BOARD_JS = `(function () {
  "use strict";
  var INTERVAL_MS = 2000;
  var status = document.getElementById("leveranser-status");
  if (!document.getElementById("leveranser") || !window.fetch) return;
  function tick() {
    var region = document.getElementById("leveranser");
    if (!region || region.getAttribute("data-under-way") !== "true") return;
    fetch(region.getAttribute("data-refresh-url"), { credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (html !== null) swap(region, html);
        setTimeout(tick, INTERVAL_MS);
      })
      .catch(function () { setTimeout(tick, INTERVAL_MS * 2); });
  }
  function swap(region, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var next = holder.querySelector("#leveranser");
    if (!next) return;
    var active = document.activeElement;
    var focusedId = active && region.contains(active) ? active.id : "";
    var before = summaryOf(region);
    region.replaceWith(next);
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) again.focus();
    }
    var after = summaryOf(next);
    if (status && after && after !== before) status.textContent = after;
  }
  function summaryOf(region) {
    var el = region.querySelector("[data-summary]");
    return el ? el.textContent.replace(/\\s+/g, " ").trim() : "";
  }
  setTimeout(tick, INTERVAL_MS);
})();
`;
