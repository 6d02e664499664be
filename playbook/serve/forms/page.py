"""The respondent's form as a plain HTML page and the messages it exchanges with the server.

A personal link must give a usable form fast, on a phone as on a laptop. Drawn
with ipywidgets, a 40-question form is some 170 widget models and Voilà's whole
JavaScript application. Here the form is HTML (``templates/html/formpage.html.j2``,
every value escaped), drawn by the server itself (``forms/handlers.py``), and a small
script (``templates/.../static/playbook-form.js``) sends each answer over the
page's one websocket:

    page -> server  {"op": "answer", "item": id, "value": v, "comment": text, "seq": n}
                    {"op": "submit"}
    server -> page  {"op": "ready" | "saved" | "error" | "missing" | "submitted" | "slow" | "closed", ...}

``FormPage.handle`` validates every message again (``FormModel.save``): the browser
is not trusted, and a message about a question that is not on this form is refused.
Every save and submission re-checks the page's link (a revoked or expired link
gets "closed" and writes nothing), and each page may send at most ``PER_SECOND``
messages a second and ``PER_MINUTE`` a minute: past that it gets "slow" and
nothing is written.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from playbook.core import formats
from playbook.core.html import render
from playbook.core.i18n import N_, _
from playbook.core.instruments import RATING
from playbook.serve.forms.questions import (
    COMMENT_MAX,
    DONT_KNOW_OPTION,
    DONT_KNOW_TIP,
    INTRO,
    RATING_OPTIONS,
    YESNO_OPTIONS,
    FormModel,
    LinkClosed,
    NotSaved,
)

PER_SECOND, PER_MINUTE = 20, 600
SLOW = N_("Slow down a little, please: this change was not saved yet; it is tried again in a moment.")


class RateLimit:
    """At most ``per_second`` messages in any second and ``per_minute`` in any minute (refused ones not counted)."""

    def __init__(self, per_second: int = PER_SECOND, per_minute: int = PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic):
        self.per_second, self.per_minute, self.clock = per_second, per_minute, clock
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = self.clock()
        while self.times and self.times[0] <= now - 60:
            self.times.popleft()
        last_second = 0
        for t in reversed(self.times):
            if t <= now - 1:
                break
            last_second += 1
        if len(self.times) >= self.per_minute or last_second >= self.per_second:
            return False
        self.times.append(now)
        return True


def link_live(eng, token_hash: str) -> bool:
    """Whether the stored link ``token_hash`` still opens its page (not revoked, not expired).

    Reads the store that must be there (``sqlite3.Error`` when it is gone).
    """
    from playbook.core.store import open_store
    from playbook.outreach import links

    with open_store(eng, create=False) as store:
        return any(row["token_hash"] == token_hash and links.live(row) for row in store.tokens())


class FormPage:
    """One respondent's form as HTML, and the server's side of its messages.

    ``admitted`` (whether the page's link still opens it) is asked before every save and submission.
    """

    def __init__(self, model: FormModel, admitted: Callable[[], bool] | None = None, limit: RateLimit | None = None):
        self.model = model
        if admitted is not None:
            model.admitted = admitted
        self.limit = limit or RateLimit()
        self.id = secrets.token_urlsafe(16)  # the page's secret: its websocket's address (forms/handlers.py)

    # -- the page ---------------------------------------------------------------------------------
    def html(self) -> str:
        """The whole form, in the engagement's language; a closed wave's form says so and takes no answers."""
        m = self.model
        with formats.use(m.eng.settings):
            answered, asked, _done, _required = m.counts()
            return render("formpage.html.j2", m=m, intro=_(INTRO), asked=asked, asks=m.asks(),
                          closed=m.closed_text(), answered=answered, rating=RATING, rating_options=RATING_OPTIONS,
                          yesno_options=[(_(label), value) for label, value in YESNO_OPTIONS],
                          dont_know=(_(DONT_KNOW_OPTION[0]), DONT_KNOW_OPTION[1]), dont_know_tip=_(DONT_KNOW_TIP),
                          comment_max=COMMENT_MAX, status=m.status_text(),
                          submitted=m.submitted_text(False) if m.submitted_at else "")

    @property
    def closed(self) -> bool:
        """Whether the form's wave has closed (the page then needs no connection)."""
        return self.model.closed_on() is not None

    def _progress(self) -> dict[str, Any]:
        answered, asked, req_done, req_asked = self.model.counts()
        return {"answered": answered, "asked": asked, "required_answered": req_done, "required_asked": req_asked}

    def handle(self, data: dict) -> dict[str, Any]:
        """Answer one message from the page in the engagement's language; never raises."""
        with formats.use(self.model.eng.settings):
            return self._handle(data)

    def _handle(self, data: dict) -> dict[str, Any]:
        data = data if isinstance(data, dict) else {}
        op = data.get("op")
        if op != "hello" and not self.limit.allow():  # "hello" writes nothing: a page may always (re)connect
            return {"op": "slow", "request": op if op == "submit" else "answer", "item": data.get("item"),
                    "seq": data.get("seq"), "text": _(SLOW)}
        try:
            if op == "hello":
                return {"op": "ready", "status": self.model.status_text(), **self._progress()}
            if op == "answer":
                item = data.get("item")
                if not isinstance(item, str):
                    raise ValueError("an answer must name its question")
                written = self.model.save(item, data.get("value"), data.get("comment") or "")
                q = self.model.questions[item]
                kept = q.value is not None or bool(q.comment)  # in the store now (written, or already there)
                return {"op": "saved", "item": item, "seq": data.get("seq"), "written": written, "kept": kept,
                        "status": self.model.status_text("saved" if kept else ""), **self._progress()}
            if op == "submit":
                if self.model.submit():
                    return {"op": "submitted", "text": self.model.submitted_text(True), **self._progress()}
                missing = self.model.missing_questions()
                return {"op": "missing", "text": self.model.missing_text(), "questions": missing,
                        "items": [q["item"] for q in missing],
                        "more": _("and %(n)s more, marked on the form", n="{n}")}
            raise ValueError(f"unknown request {op!r}; allowed: hello, answer, submit")
        except LinkClosed as exc:
            return {"op": "closed", "text": str(exc)}
        except NotSaved as exc:  # the server's log has the cause
            return {"op": "error", "item": data.get("item"), "seq": data.get("seq"), "text": str(exc)}
        except Exception as exc:  # shown to the respondent as text; the form stays as it was
            return {"op": "error", "item": data.get("item"), "seq": data.get("seq"),
                    "text": _("Not saved: %(reason)s", reason=exc)}
