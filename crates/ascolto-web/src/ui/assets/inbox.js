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

  // SLA countdowns: each `[data-deadline]` (milliseconds since the epoch, the server's clock)
  // is rewritten every second and turns red once the deadline passes. The offset keeps the
  // count on the server's clock whatever the agent's computer thinks the time is.
  const offset = Number(table.dataset.now || Date.now()) - Date.now();
  const units = (table.dataset.units || "d|h|min|s").split("|");
  function two(n) { return n < 10 ? "0" + n : String(n); }
  function span(seconds) {
    seconds = Math.abs(seconds);
    const days = Math.floor(seconds / 86400), hours = Math.floor(seconds / 3600) % 24;
    const minutes = Math.floor(seconds / 60) % 60, secs = seconds % 60;
    if (days > 0) return days + " " + units[0] + " " + hours + " " + units[1];
    if (hours > 0) return hours + " " + units[1] + " " + two(minutes) + " " + units[2];
    return minutes + " " + units[2] + " " + two(secs) + " " + units[3];
  }
  function tick() {
    const now = Date.now() + offset;
    rows.querySelectorAll(".sla-clock[data-deadline]").forEach(function (clock) {
      const left = Math.trunc((Number(clock.dataset.deadline) - now) / 1000);
      const breached = left <= 0;
      const template = breached ? table.dataset.slaOverdue : table.dataset.slaLeft;
      const text = clock.querySelector(".sla-left");
      if (text) text.textContent = template.replace("{t}", span(left));
      clock.classList.toggle("breached", breached);
      if (breached) clock.classList.remove("warning");
    });
  }
  setInterval(tick, 1000);

  ascolto.live(function (event) {
    const changes = ["message_created", "conversation_updated", "sla_escalated", "resync"];
    if (changes.indexOf(event.type) >= 0) refresh();
  }, function (up) {
    if (liveState) liveState.classList.toggle("offline", !up);
    if (up) table.dataset.live = "connected";
  });
})();
