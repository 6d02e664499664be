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
gets "closed" and writes nothing), and each link, however many pages it has open,
may send at most ``PER_SECOND`` messages a second and ``PER_MINUTE`` a minute
(``forms/handlers.py`` gives a link's pages one ``RateLimit``): past that a page
gets "slow" and nothing is written.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from playbook.core import formats
from playbook.core.html import render
from playbook.core.i18n import N_, _, ngettext
from playbook.core.instruments import RATING
from playbook.serve.forms.questions import (
    COMMENT_MAX,
    DONT_KNOW_OPTION,
    DONT_KNOW_TIP,
    INTRO,
    NOT_SAVED,
    RATING_OPTIONS,
    YESNO_OPTIONS,
    FormModel,
    LinkClosed,
    NotSaved,
    StoreChanged,
    log,
)

PER_SECOND, PER_MINUTE = 20, 600
SLOW = N_("Slow down a little, please: this change was not saved yet; it is tried again in a moment.")
RELOAD = N_("This page was open a long time without being used. It is reloading to show your saved answers.")


def script_words() -> dict[str, Any]:
    """What the page's script says on its own (no server to ask: the connection is gone), in the active language.
    ``unsaved``: the singular and the plural, ``{n}`` standing for the number."""
    def unsaved(n: int) -> str:
        return ngettext("The last answer was not saved; please give it again.",
                        "The last %(n)s answers were not saved; please give them again.", n).replace(str(n), "{n}")

    return {"reconnecting": _("Reconnecting…"), "not_saved": _("Not saved."), "slow": _(SLOW),
            "lost": _("The connection to this form was lost. Your saved answers are kept: reload this page (or open "
                      "your link again) to go on."),
            "unsaved": [unsaved(1), unsaved(2)], "closed": _("This link is no longer valid."), "reload": _(RELOAD)}


class RateLimit:
    """At most ``per_second`` messages in any second and ``per_minute`` in any minute (refused ones not counted).

    One link's pages share one (their messages are answered in several worker threads).
    """

    def __init__(self, per_second: int = PER_SECOND, per_minute: int = PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic):
        self.per_second, self.per_minute, self.clock = per_second, per_minute, clock
        self.times: deque[float] = deque()
        self._lock = threading.Lock()

    def quiet(self) -> bool:
        """Whether nothing was allowed in the last minute (a limit that may be forgotten)."""
        with self._lock:
            return not self.times or self.times[-1] <= self.clock() - 60

    def allow(self) -> bool:
        with self._lock:
            return self._allow()

    def _allow(self) -> bool:
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

    Reads the store that must be there (``sqlite3.Error`` when it is gone). A store that no longer
    holds the link at all was emptied or replaced under the server (a link is never deleted, only
    revoked): ``StoreChanged``, a failure to save, not a link gone bad.
    """
    from playbook.core.store import open_store
    from playbook.outreach import links

    with open_store(eng, create=False) as store:
        row = store.token(token_hash)  # one row read, not every link of the engagement
    if row is None:
        raise StoreChanged("the store no longer holds the link this form was opened with (emptied or replaced?)")
    return links.live(row)


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
                          comment_max=COMMENT_MAX, status=m.status_text(), script_words=script_words(),
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
        except ValueError as exc:  # what is allowed, in words for the respondent; the form stays as it was
            return {"op": "error", "item": data.get("item"), "seq": data.get("seq"),
                    "text": _("Not saved: %(reason)s", reason=exc)}
        except Exception:  # anything else is for the server's log: no traceback or server path on the page
            log.exception("A form message could not be answered (%s, %s)", self.model.eng.id, self.model.person.id)
            return {"op": "error", "item": data.get("item"), "seq": data.get("seq"),
                    "text": _(NOT_SAVED, consultant=self.model.consultant)}
