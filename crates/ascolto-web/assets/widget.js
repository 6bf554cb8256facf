/* Ascolto web-chat widget. Embed with:
   <script src="https://desk.example/widget/v1/widget.js" data-channel="CHANNEL_ID" defer></script>
   Optional, for a logged-in customer: data-email="..." data-signature="hex HMAC-SHA256 of the
   address with the channel's identity secret", computed on the site's server.
   Plain JavaScript, no dependencies; texts in Italian or English from the page's language. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.channel) { return; }
  var channel = script.dataset.channel;
  var base = new URL(script.src, location.href);
  var root = base.origin + "/widget/v1";
  var lang = (document.documentElement.lang || navigator.language || "en").toLowerCase().indexOf("it") === 0 ? "it" : "en";
  var TEXT = {
    it: {
      open: "Chatta con noi", close: "Chiudi la chat", title: "Assistenza", placeholder: "Scrivi un messaggio…",
      send: "Invia", typing: "Un operatore sta scrivendo…", sending: "invio…", failed: "non inviato, riprovo",
      soon: "Un operatore ti risponderà a breve.",
      usually: function (m) { return "Di solito rispondiamo in circa " + m + (m === 1 ? " minuto." : " minuti."); },
      queue: function (n) { return n > 1 ? " Ci sono " + n + " conversazioni in attesa." : ""; },
      offline: "Al momento nessun operatore è online. Lasciaci la tua e-mail: la risposta arriverà lì.",
      email: "La tua e-mail", save: "Salva", saved: "Grazie! Ti risponderemo via e-mail.",
      reconnecting: "Connessione persa, mi riconnetto…"
    },
    en: {
      open: "Chat with us", close: "Close the chat", title: "Support", placeholder: "Write a message…",
      send: "Send", typing: "An agent is typing…", sending: "sending…", failed: "not sent, retrying",
      soon: "An agent will answer shortly.",
      usually: function (m) { return "We usually answer in about " + m + (m === 1 ? " minute." : " minutes."); },
      queue: function (n) { return n > 1 ? " " + n + " conversations are waiting." : ""; },
      offline: "No agent is online right now. Leave your e-mail address and the answer will follow there.",
      email: "Your e-mail", save: "Save", saved: "Thank you! We will answer by e-mail.",
      reconnecting: "Connection lost, reconnecting…"
    }
  }[lang];

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = root + "/widget.css";
  document.head.appendChild(css);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  var launcher = el("button", "ascolto-launcher", TEXT.open);
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  var panel = el("section", "ascolto-panel");
  panel.id = "ascolto-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", TEXT.title);
  launcher.setAttribute("aria-controls", panel.id);
  var header = el("header", "ascolto-header");
  header.appendChild(el("h2", "ascolto-title", TEXT.title));
  var closer = el("button", "ascolto-close", "×");
  closer.type = "button";
  closer.setAttribute("aria-label", TEXT.close);
  header.appendChild(closer);
  var log = el("ol", "ascolto-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var notice = el("p", "ascolto-wait");
  notice.setAttribute("aria-live", "polite");
  var typing = el("p", "ascolto-typing", TEXT.typing);
  typing.hidden = true;
  var emailForm = el("form", "ascolto-email");
  emailForm.hidden = true;
  var emailInput = el("input", "ascolto-email-input");
  emailInput.type = "email";
  emailInput.required = true;
  emailInput.setAttribute("aria-label", TEXT.email);
  emailInput.placeholder = TEXT.email;
  var emailButton = el("button", "ascolto-email-save", TEXT.save);
  emailButton.type = "submit";
  emailForm.appendChild(emailInput);
  emailForm.appendChild(emailButton);
  var form = el("form", "ascolto-form");
  var input = el("textarea", "ascolto-input");
  input.rows = 2;
  input.placeholder = TEXT.placeholder;
  input.setAttribute("aria-label", TEXT.placeholder);
  var send = el("button", "ascolto-send", TEXT.send);
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);
  [header, log, notice, emailForm, typing, form].forEach(function (n) { panel.appendChild(n); });
  document.body.appendChild(launcher);
  document.body.appendChild(panel);

  var shown = {};       // message id -> list item
  var pending = {};     // client id -> {text, item}
  var socket = null;
  var retry = 500;
  var lastWait = null;
  var agentAnswered = false;

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closer.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { toggle(false); } });

  function render(message) {
    if (shown[message.id]) { return; }
    var item = el("li", "ascolto-msg ascolto-msg-" + message.from, message.text);
    item.dataset.id = message.id;
    log.appendChild(item);
    shown[message.id] = item;
    if (message.from === "agent") { agentAnswered = true; typing.hidden = true; }
    log.scrollTop = log.scrollHeight;
    showWait();
  }

  function showWait() {
    var w = lastWait;
    emailForm.hidden = !(w && w.agents_online === 0 && !w.email_known);
    if (agentAnswered || !w) { notice.textContent = ""; notice.hidden = true; return; }
    notice.hidden = false;
    if (w.agents_online === 0) { notice.textContent = TEXT.offline; return; }
    notice.textContent = (w.estimate_minutes ? TEXT.usually(w.estimate_minutes) : TEXT.soon) + TEXT.queue(w.waiting);
  }

  function frame(data) {
    if (data.type === "history") {
      log.textContent = "";
      shown = {};
      agentAnswered = false;
      data.messages.forEach(render);
      Object.keys(pending).forEach(function (id) { log.appendChild(pending[id].item); });
    } else if (data.type === "message") {
      render(data.message);
    } else if (data.type === "ack") {
      var sent = pending[data.client_id];
      if (sent) { sent.item.remove(); delete pending[data.client_id]; }
      render(data.message);
    } else if (data.type === "typing") {
      typing.hidden = !data.typing;
    } else if (data.type === "email_saved") {
      emailForm.hidden = true;
      notice.hidden = false;
      notice.textContent = TEXT.saved;
      return;
    }
    if (data.wait) { lastWait = data.wait; showWait(); }
  }

  function connect() {
    var url = root.replace(/^http/, "ws") + "/live?channel=" + encodeURIComponent(channel);
    socket = new WebSocket(url);
    socket.onopen = function () {
      retry = 500;
      notice.classList.remove("ascolto-offline");
      Object.keys(pending).forEach(function (id) { transmit(id); });
    };
    socket.onmessage = function (e) { try { frame(JSON.parse(e.data)); } catch (_) { /* not ours */ } };
    socket.onclose = function () {
      socket = null;
      notice.hidden = false;
      notice.textContent = TEXT.reconnecting;
      setTimeout(start, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  function transmit(clientId) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "message", client_id: clientId, text: pending[clientId].text }));
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    var clientId = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    var item = el("li", "ascolto-msg ascolto-msg-visitor ascolto-pending", text);
    item.appendChild(el("span", "ascolto-status", " " + TEXT.sending));
    log.appendChild(item);
    pending[clientId] = { text: text, item: item };
    input.value = "";
    transmit(clientId);
    typingSent = false;
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  var typingSent = false;
  var typingTimer = null;
  input.addEventListener("input", function () {
    if (!socket || socket.readyState !== 1) { return; }
    if (!typingSent) { socket.send(JSON.stringify({ type: "typing", typing: true })); typingSent = true; }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      if (socket && socket.readyState === 1) { socket.send(JSON.stringify({ type: "typing", typing: false })); }
      typingSent = false;
    }, 3000);
  });

  emailForm.addEventListener("submit", function (e) {
    e.preventDefault();
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "email", email: emailInput.value.trim() }));
    }
  });

  function start() {
    var body = { channel: channel };
    if (script.dataset.email && script.dataset.signature) {
      body.email = script.dataset.email;
      body.signature = script.dataset.signature;
    }
    fetch(root + "/session", {
      method: "POST", credentials: "include",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error("session " + r.status); }
      return r.json();
    }).then(function () { connect(); }).catch(function () {
      setTimeout(start, retry);
      retry = Math.min(retry * 2, 10000);
    });
  }
  start();
})();
