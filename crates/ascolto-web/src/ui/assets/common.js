// Shared by every signed-in page: auto-submitting selects, CSRF-carrying fetch, and the live
// event stream (one WebSocket per page, reconnecting with backoff).
"use strict";
(function () {
  const body = document.body;
  const ascolto = (window.ascolto = window.ascolto || {});
  ascolto.csrf = body.dataset.csrf || "";
  ascolto.agentId = Number(body.dataset.agentId || 0);

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.requestSubmit();
    });
  });

  // JSON to the API, signed in by cookie: unsafe methods must echo the CSRF token.
  ascolto.api = function (method, path, payload, options) {
    const init = Object.assign(
      {
        method: method,
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": ascolto.csrf },
      },
      options || {}
    );
    if (payload !== undefined) init.body = JSON.stringify(payload);
    return fetch("/api/v1" + path, init).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (json) {
        if (!response.ok) throw new Error((json && json.error && json.error.message) || response.statusText);
        return json;
      });
    });
  };

  // The live stream: `onEvent` hears every event; `onState(true|false)` hears connection changes.
  ascolto.live = function (onEvent, onState) {
    let delay = 500;
    function connect() {
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      const socket = new WebSocket(scheme + location.host + "/api/v1/live");
      socket.addEventListener("open", function () {
        delay = 500;
        if (onState) onState(true);
      });
      socket.addEventListener("message", function (message) {
        let event;
        try { event = JSON.parse(message.data); } catch (_) { return; }
        if (event.type === "sla_escalated") alertEscalation(event);
        onEvent(event);
      });
      socket.addEventListener("close", function () {
        if (onState) onState(false);
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      });
    }
    connect();
  };

  // An SLA warning or breach this agent is told of (the assignee, or the lead): a dismissable
  // alert naming the conversation, with a link to it. Text only: nothing from the event is
  // parsed as markup.
  function alertEscalation(event) {
    const region = document.getElementById("alerts");
    const notify = event.notify || [];
    if (!region || !event.conversation || !event.escalation || notify.indexOf(ascolto.agentId) < 0) return;
    const words = region.dataset;
    const metric = region.getAttribute("data-metric-" + event.escalation.metric) || event.escalation.metric;
    const template = event.escalation.breach ? words.slaBreach : words.slaWarning;
    const alert = document.createElement("div");
    alert.className = "alert" + (event.escalation.breach ? " breach" : "");
    alert.setAttribute("role", "alert");
    alert.dataset.conversationId = String(event.conversation.id);
    const text = document.createElement("span");
    text.textContent = template.replace("{metric}", metric).replace("{subject}", event.conversation.subject || "#" + event.conversation.id);
    const open = document.createElement("a");
    open.href = "/conversations/" + encodeURIComponent(event.conversation.id);
    open.textContent = words.open;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link";
    dismiss.textContent = words.dismiss;
    dismiss.addEventListener("click", function () { alert.remove(); });
    alert.append(text, " ", open, " ", dismiss);
    region.append(alert);
  }

  // True when a keystroke is meant for a text field rather than for a shortcut.
  ascolto.typingInField = function (event) {
    const target = event.target;
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  };
})();
