// The conversation page, live: new messages appear without a reload, delivery states change in
// place, and the page shows which other agents are here or typing.
"use strict";
(function () {
  const ascolto = window.ascolto;
  const main = document.querySelector("main.conversation");
  const list = document.getElementById("messages");
  const presence = document.getElementById("presence");
  if (!main || !list) return;
  const conversationId = Number(main.dataset.conversationId);
  const names = JSON.parse(main.dataset.agentNames || "{}");
  const strings = JSON.parse((document.getElementById("reply") || main).dataset.strings || "{}");
  const viewers = new Map();
  const typers = new Map();

  function lastId() {
    const all = list.querySelectorAll("article.msg");
    return all.length ? Number(all[all.length - 1].dataset.messageId) : 0;
  }

  // Fetches the messages after the last one shown and appends them; safe to call twice.
  let loading = null;
  ascolto.refreshMessages = function () {
    if (loading) return loading;
    loading = fetch("/conversations/" + conversationId + "/messages?after=" + lastId(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        const holder = document.createElement("div");
        holder.innerHTML = html; // rendered and escaped by the server
        Array.from(holder.children).forEach(function (article) {
          if (list.querySelector('[data-message-id="' + article.dataset.messageId + '"]')) return;
          article.classList.add("fresh");
          list.appendChild(article);
        });
        document.dispatchEvent(new CustomEvent("ascolto:messages"));
      })
      .finally(function () { loading = null; });
    return loading;
  };

  function showPresence() {
    const now = Date.now();
    const here = [];
    viewers.forEach(function (until, id) { if (until > now && id !== ascolto.agentId) here.push(names[id] || "#" + id); });
    const typing = [];
    typers.forEach(function (until, id) { if (until > now && id !== ascolto.agentId) typing.push(names[id] || "#" + id); });
    const parts = [];
    if (here.length) parts.push((strings["conv.viewing"] || "Also here:") + " " + here.join(", "));
    typing.forEach(function (name) { parts.push(name + " " + (strings["conv.typing"] || "is typing…")); });
    presence.textContent = parts.join(" · ");
  }
  setInterval(showPresence, 2000);

  ascolto.live(function (event) {
    const scope = event.scope || event.conversation || {};
    const id = scope.conversation_id || scope.id;
    if (id !== conversationId) return;
    if (event.type === "message_created") {
      ascolto.refreshMessages();
      if (event.message && event.message.agent_id) typers.delete(event.message.agent_id);
    } else if (event.type === "delivery_updated" && event.message) {
      const badge = list.querySelector('[data-delivery-for="' + event.message.id + '"]');
      if (badge) {
        badge.className = "delivery d-" + event.message.delivery_status;
        badge.textContent = event.message.delivery_status;
      }
    } else if (event.type === "viewing") {
      if (event.viewing) viewers.set(event.agent_id, Date.now() + 90000); else viewers.delete(event.agent_id);
      showPresence();
    } else if (event.type === "typing" && event.agent_id) {
      if (event.typing) typers.set(event.agent_id, Date.now() + 8000); else typers.delete(event.agent_id);
      showPresence();
    }
  }, function (up) {
    if (!up) return;
    main.dataset.live = "connected";
    announce(true);
    ascolto.refreshMessages();
  });

  function announce(viewing) {
    ascolto.api("POST", "/conversations/" + conversationId + "/activity", { viewing: viewing }, { keepalive: !viewing }).catch(function () {});
  }
  // Viewing is re-announced while the page is open, so late arrivals learn who is here.
  setInterval(function () { if (!document.hidden) announce(true); }, 60000);
  window.addEventListener("pagehide", function () { announce(false); });
})();
