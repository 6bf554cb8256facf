// The inbox: j/k move through the queue, Enter opens, and the rows refresh themselves when a
// conversation arrives or moves (the server renders them, so filters and order stay exact).
"use strict";
(function () {
  const ascolto = window.ascolto;
  const table = document.getElementById("queue");
  const rows = document.getElementById("queue-rows");
  const liveState = document.getElementById("live-state");
  if (!table || !rows) return;

  function allRows() { return Array.from(rows.querySelectorAll("tr.row")); }
  function selected() { return rows.querySelector('tr.row[aria-selected="true"]'); }
  function select(row) {
    allRows().forEach(function (r) { r.removeAttribute("aria-selected"); });
    if (!row) return;
    row.setAttribute("aria-selected", "true");
    row.scrollIntoView({ block: "nearest" });
    const link = row.querySelector("a");
    if (link && document.activeElement && document.activeElement.closest && document.activeElement.closest("#queue")) link.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (ascolto.typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const list = allRows();
    const index = list.indexOf(selected());
    if (event.key === "j") { select(list[Math.min(index + 1, list.length - 1)] || list[0]); event.preventDefault(); }
    else if (event.key === "k") { select(list[Math.max(index - 1, 0)]); event.preventDefault(); }
    else if (event.key === "Enter" && selected()) { location.href = selected().dataset.href; }
  });

  rows.addEventListener("click", function (event) {
    const row = event.target.closest("tr.row");
    if (row && !event.target.closest("a")) location.href = row.dataset.href;
  });

  let pending = null;
  function refresh() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      const keep = selected() && selected().dataset.conversationId;
      fetch(table.dataset.rowsUrl, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(response.statusText); return response.text(); })
        .then(function (html) {
          // The fragment is rendered and escaped by the server.
          rows.innerHTML = html;
          const again = keep && rows.querySelector('tr.row[data-conversation-id="' + keep + '"]');
          if (again) select(again);
          table.dataset.refreshed = String(Date.now());
        })
        .catch(function () {});
    }, 250);
  }

  ascolto.live(function (event) {
    if (event.type === "message_created" || event.type === "conversation_updated" || event.type === "resync") refresh();
  }, function (up) {
    if (liveState) liveState.classList.toggle("offline", !up);
    if (up) table.dataset.live = "connected";
  });
})();
