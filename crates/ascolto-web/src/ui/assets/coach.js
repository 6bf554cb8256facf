// The reply box: live coaching while the agent types (debounced), the words at fault
// highlighted behind the text, the customer's unanswered questions highlighted in their
// messages, macros, a confirmation for unfilled placeholders, and Ctrl+Enter to send.
// The coach never blocks sending.
"use strict";
(function () {
  const ascolto = window.ascolto;
  const section = document.getElementById("reply");
  if (!section) return;
  const form = document.getElementById("reply-form");
  const textarea = document.getElementById("reply-text");
  const marks = document.getElementById("reply-marks");
  const backdrop = marks.parentElement;
  const findingsBox = document.getElementById("coach-findings");
  const skillsBox = document.getElementById("coach-skills");
  const status = document.getElementById("reply-status");
  const confirmBox = document.getElementById("reply-confirm");
  const confirmText = document.getElementById("reply-confirm-text");
  const macroPick = document.getElementById("macro");
  const conversationId = Number(section.dataset.conversationId);
  const strings = JSON.parse(section.dataset.strings || "{}");
  const macros = JSON.parse(section.dataset.macros || "[]");
  const t = function (id) { return strings[id] || id; };
  const CONTEXT_MESSAGES = 3;
  const PLACEHOLDER = /\{\{[^}]*\}\}|\[(?:[A-Z][A-Z0-9 _.-]*)\]|<<[^>]*>>|\bX{3,}\b/;

  let macroText = null;
  let sequence = 0;
  let timer = null;
  let lastReportKey = "";

  // The coach reports UTF-8 byte offsets; JavaScript strings count UTF-16 units. This maps
  // every byte offset that starts a character to its UTF-16 index.
  function byteToIndex(text) {
    const map = new Map();
    let bytes = 0;
    let index = 0;
    for (const ch of text) {
      map.set(bytes, index);
      const code = ch.codePointAt(0);
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      index += ch.length;
    }
    map.set(bytes, index);
    return function (offset) { return map.has(offset) ? map.get(offset) : index; };
  }

  // Rebuilds `element` as `text` with the given [start, end) UTF-16 ranges wrapped in <mark>.
  function paint(element, text, ranges, extraClass) {
    ranges = ranges.filter(function (r) { return r.end > r.start; }).sort(function (a, b) { return a.start - b.start; });
    element.textContent = "";
    let at = 0;
    ranges.forEach(function (range) {
      const start = Math.max(range.start, at);
      if (range.end <= start) return;
      element.appendChild(document.createTextNode(text.slice(at, start)));
      const mark = document.createElement("mark");
      mark.className = (range.className || "") + (extraClass ? " " + extraClass : "");
      mark.textContent = text.slice(start, range.end);
      element.appendChild(mark);
      at = range.end;
    });
    element.appendChild(document.createTextNode(text.slice(at)));
  }

  // The customer's messages the coach reads: those since our last reply, at most three,
  // exactly as the page shows them (so the offsets match what is on screen).
  function recentCustomerMessages() {
    let recent = [];
    document.querySelectorAll("#messages article.msg").forEach(function (article) {
      const direction = article.dataset.direction;
      if (direction === "inbound") recent.push(article.querySelector(".msg-text"));
      else if (direction === "outbound") recent = [];
    });
    return recent.slice(-CONTEXT_MESSAGES);
  }

  function clearCustomerMarks() {
    document.querySelectorAll("#messages .msg-text").forEach(function (element) {
      if (element.querySelector("mark")) element.textContent = element.textContent;
    });
  }

  function syncScroll() { backdrop.scrollTop = textarea.scrollTop; }

  function skillLabel(skill) { return t("skill." + skill); }

  function renderSkills(skills) {
    skillsBox.textContent = "";
    Object.keys(skills || {}).forEach(function (skill) {
      const score = skills[skill].score;
      const chip = document.createElement("li");
      chip.className = "chip" + (score < 50 ? " weak" : score < 80 ? " fair" : "");
      chip.dataset.skill = skill;
      chip.textContent = skillLabel(skill) + " " + score;
      skillsBox.appendChild(chip);
    });
  }

  function renderFindings(text, report, customerElements) {
    const toIndex = byteToIndex(text);
    const replyRanges = [];
    const customerRanges = customerElements.map(function () { return []; });
    const list = document.createElement("div");
    let shown = 0;
    const weight = { problem: 0, warn: 1, info: 2 };
    const ordered = report.findings.slice().sort(function (a, b) { return weight[a.severity] - weight[b.severity]; });
    ordered.forEach(function (finding) {
      const isReply = finding.target === "reply";
      const element = isReply ? null : customerElements[finding.message_index];
      if (!isReply && !element) return;
      const source = isReply ? text : element.textContent;
      const map = isReply ? toIndex : byteToIndex(source);
      const start = map(finding.start);
      const end = map(finding.end);
      if (finding.severity !== "info") {
        if (isReply) replyRanges.push({ start: start, end: end, className: finding.severity });
        else customerRanges[finding.message_index].push({ start: start, end: end, className: "question" });
      }
      const item = document.createElement("div");
      item.className = "finding " + finding.severity;
      item.dataset.skill = finding.skill;
      item.dataset.severity = finding.severity;
      item.dataset.target = finding.target;
      const skill = document.createElement("div");
      skill.className = "skill";
      skill.textContent = skillLabel(finding.skill);
      item.appendChild(skill);
      const message = document.createElement("p");
      message.textContent = finding.message;
      item.appendChild(message);
      if (end > start) {
        const words = document.createElement("p");
        const quoted = document.createElement("span");
        quoted.className = "words";
        quoted.textContent = source.slice(start, end);
        words.appendChild(quoted);
        item.appendChild(words);
      }
      if (finding.suggestion) {
        const suggestion = document.createElement("p");
        suggestion.className = "suggestion";
        suggestion.textContent = t("coach.suggestion") + " " + finding.suggestion;
        item.appendChild(suggestion);
      }
      list.appendChild(item);
      shown += 1;
    });
    paint(marks, text + "\n", replyRanges);
    syncScroll();
    clearCustomerMarks();
    customerElements.forEach(function (element, i) {
      if (customerRanges[i].length) paint(element, element.textContent, customerRanges[i]);
    });
    const problems = report.findings.filter(function (f) { return f.severity !== "info"; }).length;
    if (!problems) {
      const clear = document.createElement("p");
      clear.className = "clear";
      clear.textContent = t("coach.clear");
      list.insertBefore(clear, list.firstChild);
    }
    if (customerRanges.some(function (r) { return r.length; })) {
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = t("coach.questions");
      list.appendChild(note);
    }
    findingsBox.replaceChildren.apply(findingsBox, Array.from(list.childNodes));
    findingsBox.dataset.count = String(shown);
  }

  function idle() {
    marks.textContent = "";
    skillsBox.textContent = "";
    clearCustomerMarks();
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = t("coach.idle");
    findingsBox.replaceChildren(p);
    findingsBox.dataset.count = "0";
    lastReportKey = "";
  }

  function coach() {
    const text = textarea.value;
    if (!text.trim()) { idle(); return; }
    const mine = ++sequence;
    const customerElements = recentCustomerMessages();
    const payload = {
      text: text,
      conversation_id: conversationId,
      customer_messages: customerElements.map(function (e) { return e.textContent; }),
      from_macro: macroText !== null && text === macroText,
      ui_language: document.body.dataset.lang,
    };
    ascolto.api("POST", "/coach/reply", payload).then(function (report) {
      if (mine !== sequence || textarea.value !== text) return; // a newer draft is on its way
      const key = JSON.stringify(report.findings) + JSON.stringify(report.skills);
      renderSkills(report.skills);
      if (key !== lastReportKey) {
        lastReportKey = key;
        renderFindings(text, report, customerElements);
      } else {
        paint(marks, text + "\n", currentRanges(text, report));
      }
      section.dataset.coached = String(mine);
    }).catch(function () {
      if (mine !== sequence) return;
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = t("coach.unavailable");
      findingsBox.replaceChildren(p);
    });
  }

  function currentRanges(text, report) {
    const toIndex = byteToIndex(text);
    return report.findings
      .filter(function (f) { return f.target === "reply" && f.severity !== "info"; })
      .map(function (f) { return { start: toIndex(f.start), end: toIndex(f.end), className: f.severity }; });
  }

  // Typing is announced to other agents at most every three seconds, and its end once.
  let typingSent = 0;
  let typingStop = null;
  function announceTyping() {
    const now = Date.now();
    if (now - typingSent > 3000) {
      typingSent = now;
      ascolto.api("POST", "/conversations/" + conversationId + "/activity", { typing: true }).catch(function () {});
    }
    clearTimeout(typingStop);
    typingStop = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(typingStop);
    if (!typingSent) return;
    typingSent = 0;
    ascolto.api("POST", "/conversations/" + conversationId + "/activity", { typing: false }).catch(function () {});
  }

  textarea.addEventListener("input", function () {
    // Keep the highlight layer aligned while the coach thinks: same text, old marks dropped
    // where the text moved.
    if (!textarea.value.trim()) { idle(); }
    else if (marks.textContent !== textarea.value + "\n") { marks.textContent = textarea.value + "\n"; }
    clearTimeout(timer);
    timer = setTimeout(coach, 350);
    announceTyping();
  });
  textarea.addEventListener("scroll", syncScroll);

  if (macroPick) {
    macroPick.addEventListener("change", function () {
      const chosen = macros[Number(macroPick.value)];
      if (!chosen) return;
      const before = textarea.value;
      const at = textarea.selectionStart || before.length;
      textarea.value = before.trim() ? before.slice(0, at) + chosen.body + before.slice(at) : chosen.body;
      macroText = before.trim() ? null : textarea.value;
      macroPick.value = "";
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    });
  }

  function kind() {
    const checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "reply";
  }

  function send() {
    const text = textarea.value;
    if (!text.trim()) return;
    confirmBox.hidden = true;
    const button = document.getElementById("reply-send");
    button.disabled = true;
    ascolto.api("POST", "/conversations/" + conversationId + "/messages", { text: text, kind: kind() })
      .then(function () {
        textarea.value = "";
        macroText = null;
        idle();
        stopTyping();
        status.textContent = t("reply.sent");
        if (ascolto.refreshMessages) ascolto.refreshMessages();
      })
      .catch(function (error) { status.textContent = t("reply.failed") + " " + error.message; })
      .finally(function () { button.disabled = false; textarea.focus(); });
  }

  function attemptSend() {
    const placeholder = kind() === "reply" ? textarea.value.match(PLACEHOLDER) : null;
    if (placeholder) {
      confirmText.textContent = t("reply.placeholder_confirm") + " " + placeholder[0];
      confirmBox.hidden = false;
      document.getElementById("reply-keep-editing").focus();
      return;
    }
    send();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); attemptSend(); });
  document.getElementById("reply-send-anyway").addEventListener("click", send);
  document.getElementById("reply-keep-editing").addEventListener("click", function () {
    confirmBox.hidden = true;
    textarea.focus();
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); attemptSend(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "r" && !ascolto.typingInField(event) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      textarea.focus();
    }
  });
  // New customer messages change what the coach should read.
  document.addEventListener("ascolto:messages", function () { if (textarea.value.trim()) coach(); });
})();
