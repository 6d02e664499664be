/* The report page's own buttons (consultants only): they keep the consultant's link, which the server never
   hands to the page's code. Inlined into the page by index.html.j2, so it is read as a Jinja template: no
   double braces here. */
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
})();
