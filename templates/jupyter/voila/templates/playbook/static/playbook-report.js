/* The report page's own script. Inlined into the page by index.html.j2, so it is read as a Jinja template: no
   double braces here.

   1. The consultant's buttons: they keep the consultant's link, which the server never hands to the page's code.
   2. A page whose kernel is gone says so: "This page lost its connection; reload to continue", with a Reload
      button, and its controls are greyed out, so nothing silently stops working. The kernel is watched through
      Voilà's widget manager (its status: restarting or dead; its connection: given up) and checked every
      15 seconds and whenever a control is used (the server answers 404 for a kernel that is gone; no answer at
      all, twice, means the server is gone). Its words are the engagement's language: the server writes them
      on the page's <html> tag (data-pb-lost, data-pb-reload; playbook/serve/kernels.py, Speaking). */
(function () {
  "use strict";
  /* The tab names the client and the report (the cover carries it), not the notebook's file. */
  function title() {
    var cover = document.querySelector("[data-pb-title]");
    if (cover && document.title !== cover.getAttribute("data-pb-title")) {
      document.title = cover.getAttribute("data-pb-title");
    }
  }
  title();
  window.addEventListener("load", title);
  new MutationObserver(title).observe(document.querySelector("title") || document.head,
                                      {childList: true, characterData: true, subtree: true});
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pb-answers], [data-pb-open-form]");
    if (!button) { return; }
    var query = new URLSearchParams(location.search);
    if (button.hasAttribute("data-pb-answers")) {
      if (button.getAttribute("data-pb-answers")) { query.set("answers", "now"); } else { query.delete("answers"); }
      location.search = query.toString();
      return;
    }
    var who = button.closest(".pb-consultant-bar").querySelector(".pb-open-form-who");
    var form = new URLSearchParams();
    form.set("e", query.get("e") || "");
    form.set("c", query.get("c") || "");
    form.set("r", who.value);
    window.open(location.pathname.replace(/[^\/]*$/, "respond.ipynb") + "?" + form.toString(), "_blank", "noopener");
  });

  var root = document.documentElement;
  var LOST = root.getAttribute("data-pb-lost") || "", RELOAD = root.getAttribute("data-pb-reload") || "\u21bb";
  var config = {};
  try { config = JSON.parse(document.getElementById("jupyter-config-data").textContent); } catch (e) { config = {}; }
  var kernelUrl = config.kernelId ? (config.baseUrl || "/") + "api/kernels/" + config.kernelId : "";
  var lost = false, failures = 0, checking = false, lastCheck = 0;

  function showLost() {
    if (lost) { return; }
    lost = true;
    document.body.classList.add("pb-lost");
    var bar = document.createElement("div");
    bar.className = "pb-lost-bar";
    bar.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = LOST;
    var reload = document.createElement("button");
    reload.type = "button";
    reload.textContent = RELOAD;
    reload.addEventListener("click", function () { location.reload(); });
    bar.appendChild(text);
    bar.appendChild(reload);
    document.body.insertBefore(bar, document.body.firstChild);
    reload.focus();
  }

  function check() {
    if (lost || checking || !kernelUrl || Date.now() - lastCheck < 2000) { return; }
    checking = true;
    lastCheck = Date.now();
    fetch(kernelUrl + "?" + Date.now(), { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      checking = false;
      failures = 0;
      if (r.status === 404 || r.status === 403) { showLost(); }
    }, function () {
      checking = false;
      failures += 1;
      if (failures >= 2) { showLost(); }
    });
  }

  function watch(kernel) {
    kernel.statusChanged.connect(function (_, status) {
      if (status === "dead" || status === "restarting" || status === "autorestarting") { showLost(); }
    });
    kernel.connectionStatusChanged.connect(function (_, status) {
      if (status === "disconnected") { showLost(); } else if (status === "connecting") { check(); }
    });
  }

  var tries = 0;
  (function find() {
    var manager = window.jupyterapp && window.jupyterapp.widgetManager;
    if (manager && manager.kernel) { watch(manager.kernel); return; }
    tries += 1;
    if (tries < 900) { setTimeout(find, 200); }
  })();
  if (kernelUrl) {
    setInterval(check, 15000);
    ["change", "click", "keydown"].forEach(function (name) { document.addEventListener(name, check, true); });
  }
})();
