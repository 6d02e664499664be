/* The respondent's form page: one websocket to the server that drew it (playbook/serve/forms/handlers.py),
   speaking the messages of playbook/serve/forms/page.py. Put inline into the page by the server.
   Everything the server sends is shown with textContent, never as markup. */
(function () {
  "use strict";
  var form = document.querySelector(".pb-form.pb-lite");
  var holder = form && form.closest("[data-socket]");
  if (!form || !holder || !holder.dataset.socket) { return; }
  var statusEl = form.querySelector(".pb-status");
  var messageEl = form.querySelector(".pb-message");
  var progressEl = form.querySelector(".pb-progress-bar");
  var ws = null, ready = false, lost = false, attempts = 0;
  var queue = [];          // messages waiting for the connection to be ready
  var pending = {};        // item id -> seq of the last answer sent and not yet acknowledged
  var seq = 0, typing = {};
  var submitting = false;  // Submit was clicked: it goes once every answer sent before it is saved
  var SHOW_MISSING = 8;    // missing questions listed as links; the others are counted (and flagged on the form)

  function setState(name) {
    form.classList.remove("pb-connecting", "pb-connected", "pb-lost");
    form.classList.add("pb-" + name);
  }

  function say(el, cls, text) {
    el.textContent = "";
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    el.appendChild(span);
  }

  function send(data) {
    if (ready && ws && ws.readyState === 1) {
      ws.send(JSON.stringify(data));
    } else {
      queue.push(data);
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    setState("connecting");
    ws = new WebSocket(scheme + location.host + holder.dataset.socket);
    ws.onmessage = function (event) {
      if (typeof event.data !== "string") { return; }
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      receive(data || {});
    };
    ws.onclose = function () {
      if (lost) { return; }
      ready = false;
      for (var item in pending) { if (pending.hasOwnProperty(item)) { queue.unshift(answerOf(item)); } }
      if (attempts++ < 3) {
        setState("connecting");
        say(statusEl, "pb-progress", "Reconnecting…");
        setTimeout(connect, 500 * attempts);
      } else {
        lose();
      }
    };
  }

  // The form stops for good: the connection is gone, or (``text``) the server says the link no longer opens it.
  function lose(text) {
    if (lost) { return; }
    lost = true; ready = false;
    setState("lost");
    var unsaved = Object.keys(pending).length + queue.filter(function (d) { return d.op === "answer"; }).length;
    say(messageEl, "pb-error", text || ("The connection to this form was lost. Your saved answers are kept: reload " +
        "this page (or open your link again) to go on." + (unsaved ? " The last " + unsaved + " answer(s) were " +
        "not saved; please give them again." : "")));
    if (ws) { try { ws.close(); } catch (e) { /* already closed */ } }
  }

  function trySubmit() {
    if (!submitting || Object.keys(pending).length) { return; }
    submitting = false;
    send({ op: "submit" });
  }

  function progress(data) {
    if (typeof data.answered === "number") { progressEl.value = data.answered; }
    if (data.status) { say(statusEl, "pb-progress", data.status); }
  }

  function receive(data) {
    if (data.op === "ready") {
      ready = true; attempts = 0;
      setState("connected");
      progress(data);
      var waiting = queue; queue = [];
      waiting.forEach(send);
    } else if (data.op === "saved") {
      if (pending[data.item] === data.seq) {
        delete pending[data.item];
        var row = rowOf(data.item);
        if (row) { row.classList.remove("pb-unsaved", "pb-flag"); row.classList.toggle("pb-ok", !!data.kept); }
      }
      progress(data);
      trySubmit();
    } else if (data.op === "error") {
      if (data.item && pending[data.item] === data.seq) {
        delete pending[data.item];
        var bad = rowOf(data.item);
        if (bad) { bad.classList.remove("pb-unsaved", "pb-ok"); bad.classList.add("pb-flag"); }
      }
      say(statusEl, "pb-error", data.text || "Not saved.");
      trySubmit();
    } else if (data.op === "slow") {
      // Too many messages at once: nothing was written; the same change goes again after a pause.
      say(statusEl, "pb-progress", data.text || "Slow down a little, please.");
      if (data.item && pending[data.item] === data.seq) {
        var item = data.item, again = data.seq;
        setTimeout(function () { if (!lost && pending[item] === again) { send(answerOf(item)); } }, 1500);
      } else if (data.request === "submit") {
        setTimeout(function () { if (!lost) { submitting = true; trySubmit(); } }, 1500);
      }
    } else if (data.op === "reload") {
      // The server no longer holds this page (a restart, or a long pause): draw it again from what is saved.
      var waiting = Object.keys(pending).length + Object.keys(typing).length +
        queue.filter(function (d) { return d.op === "answer"; }).length;
      if (waiting) { lose(); } else { lost = true; say(messageEl, "pb-progress", data.text || ""); location.reload(); }
    } else if (data.op === "closed") {
      lose(data.text || "This link is no longer valid.");
    } else if (data.op === "missing") {
      // The questions still to answer, by their wording, each a link that goes to it.
      say(messageEl, "pb-missing", data.text);
      var list = document.createElement("ul");
      list.className = "pb-missing-list";
      var shown = 0, more = 0;
      (data.questions || []).forEach(function (q) {
        var row = rowOf(q.item);
        if (!row) { return; }
        row.classList.add("pb-flag");
        if (shown >= SHOW_MISSING) { more++; return; }
        shown++;
        var link = document.createElement("a");
        link.href = "#pb-q-" + q.item;
        link.className = "pb-goto";
        link.dataset.item = q.item;
        link.textContent = q.text;
        var entry = document.createElement("li");
        entry.appendChild(link);
        list.appendChild(entry);
      });
      if (more && data.more) {
        var rest = document.createElement("li");
        rest.className = "pb-missing-more";
        rest.textContent = data.more.replace("{n}", String(more));
        list.appendChild(rest);
      }
      messageEl.appendChild(list);
    } else if (data.op === "submitted") {
      say(messageEl, "pb-done", data.text);
      progress(data);
    }
  }

  function rowOf(item) {
    return form.querySelector(".pb-row[data-item='" + item + "']");
  }

  function answerOf(item) {
    var row = rowOf(item);
    var on = row.querySelector(".pb-answer button.mod-active");
    var value = on ? on.dataset.value : null;
    return { op: "answer", item: item, value: value, comment: row.querySelector("textarea").value, seq: pending[item] };
  }

  function changed(row) {
    var item = row.dataset.item;
    pending[item] = ++seq;
    row.classList.add("pb-unsaved");
    row.classList.remove("pb-ok");
    send(answerOf(item));
  }

  // A missing question's link scrolls to it and puts the focus on its first choice.
  function goTo(item) {
    var row = rowOf(item);
    if (!row) { return; }
    if (row.scrollIntoView) { row.scrollIntoView({ block: "center", behavior: "smooth" }); }
    var first = row.querySelector(".pb-answer button");
    if (first && first.focus) { first.focus({ preventScroll: true }); }
  }

  form.addEventListener("click", function (event) {
    var goto = event.target.closest && event.target.closest("a.pb-goto");
    if (goto) {
      event.preventDefault();
      goTo(goto.dataset.item);
      return;
    }
    var button = event.target.closest("button");
    if (!button || lost) { return; }
    if (button.classList.contains("pb-submit")) {
      Object.keys(typing).forEach(function (item) { clearTimeout(typing[item]); delete typing[item]; });
      messageEl.textContent = "";
      submitting = true;
      trySubmit();
      return;
    }
    var group = button.closest(".pb-answer");
    if (!group) { return; }
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
      var on = b === button;
      b.classList.toggle("mod-active", on);
      b.setAttribute("aria-checked", on ? "true" : "false");
    });
    changed(button.closest(".pb-row"));
  });

  // A comment is saved when the box is left, and after a pause in typing.
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    var row = event.target.closest(".pb-row");
    clearTimeout(typing[row.dataset.item]);
    typing[row.dataset.item] = setTimeout(function () { delete typing[row.dataset.item]; changed(row); }, 1500);
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    var row = event.target.closest(".pb-row");
    clearTimeout(typing[row.dataset.item]);
    delete typing[row.dataset.item];
    changed(row);
  });

  // Arrow keys move between the choices of one question, as in any radio group.
  form.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest(".pb-answer button");
    if (!button || ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].indexOf(event.key) < 0) { return; }
    var all = Array.prototype.slice.call(button.parentNode.querySelectorAll("button"));
    var step = event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 1;
    var next = all[(all.indexOf(button) + step + all.length) % all.length];
    next.focus();
    next.click();
    event.preventDefault();
  });

  // Warn before leaving with answers not yet saved.
  window.addEventListener("beforeunload", function (event) {
    if (!lost && (Object.keys(pending).length || Object.keys(typing).length)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  connect();
})();
