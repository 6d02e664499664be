"""The respondent app as a plain HTML page that talks to its kernel over one comm.

A personal link must give a usable form fast, on a phone as on a laptop. Drawn
with ipywidgets, a 40-question form is some 170 widget models, and the browser
first loads Voilà's whole JavaScript application before it draws any of them.
Here the kernel renders the form as HTML (``templates/html/formpage.html.j2``, every value escaped),
the playbook Voilà template puts it straight into the page, and a small script
(``templates/.../static/playbook-form.js``) opens one comm to this kernel:

    page -> kernel  {"op": "answer", "item": id, "value": v, "comment": text, "seq": n}
                    {"op": "submit"}
    kernel -> page  {"op": "ready" | "saved" | "error" | "missing" | "submitted", ...}

The kernel validates every message again (``FormModel.save``): the browser is not
trusted, and a message about a question that is not on this form is refused.
"""

from __future__ import annotations

import secrets
from typing import Any

from playbook.core.html import render
from playbook.core.instruments import RATING
from playbook.serve.forms import (
    COMMENT_MAX,
    DONT_KNOW_OPTION,
    DONT_KNOW_TIP,
    INTRO,
    RATING_OPTIONS,
    YESNO_OPTIONS,
    FormModel,
)

COMM_TARGET = "playbook.form"


class FormPage:
    """One respondent's form as HTML, and the kernel side of its comm."""

    def __init__(self, model: FormModel):
        self.model = model
        self.id = secrets.token_urlsafe(16)  # the comm of another page cannot act on this form

    # -- the page ---------------------------------------------------------------------------------
    def html(self) -> str:
        m = self.model
        answered, asked, _, _ = m.counts()
        return render("formpage.html.j2", m=m, form_id=self.id, target=COMM_TARGET, intro=INTRO, asked=asked,
                      answered=answered, rating=RATING, rating_options=RATING_OPTIONS, yesno_options=YESNO_OPTIONS,
                      dont_know=DONT_KNOW_OPTION, dont_know_tip=DONT_KNOW_TIP, comment_max=COMMENT_MAX,
                      status=m.status_text(),
                      submitted=m.submitted_text(False) if m.submitted_at else "")

    def display(self) -> None:
        """Show the form and listen for its page (inside a kernel)."""
        from comm import get_comm_manager
        from IPython.display import display

        get_comm_manager().register_target(COMM_TARGET, self._open)
        display({"text/html": self.html()}, raw=True)

    # -- the comm ---------------------------------------------------------------------------------
    def _open(self, comm, msg) -> None:
        data = (msg.get("content") or {}).get("data") or {}
        if data.get("form") != self.id:
            comm.close()
            return
        comm.on_msg(lambda m: comm.send(self.handle((m.get("content") or {}).get("data") or {})))
        comm.send(self.handle({"op": "hello"}))

    def _progress(self) -> dict[str, Any]:
        answered, asked, req_done, req_asked = self.model.counts()
        return {"answered": answered, "asked": asked, "required_answered": req_done, "required_asked": req_asked}

    def handle(self, data: dict) -> dict[str, Any]:
        """Answer one message from the page; never raises."""
        data = data if isinstance(data, dict) else {}
        op = data.get("op")
        try:
            if op == "hello":
                return {"op": "ready", "status": self.model.status_text(), **self._progress()}
            if op == "answer":
                item = data.get("item")
                if not isinstance(item, str):
                    raise ValueError("an answer must name its question")
                saved = self.model.save(item, data.get("value"), data.get("comment") or "")
                return {"op": "saved", "item": item, "seq": data.get("seq"), "written": saved,
                        "status": self.model.status_text("saved" if saved else ""), **self._progress()}
            if op == "submit":
                if self.model.submit():
                    return {"op": "submitted", "text": self.model.submitted_text(True), **self._progress()}
                return {"op": "missing", "text": self.model.missing_text(),
                        "items": [i for _, ids in self.model.missing() for i in ids]}
            raise ValueError(f"unknown request {op!r}; allowed: hello, answer, submit")
        except Exception as exc:  # shown to the respondent as text; the form stays as it was
            return {"op": "error", "item": data.get("item"), "seq": data.get("seq"), "text": f"Not saved: {exc}"}
