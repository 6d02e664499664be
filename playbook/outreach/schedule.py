"""A running ``playbook serve`` sends the reminders that are due by itself.

One thread in the server's own process (not in Voilà's, so a slow mail server never holds up a page)
looks every ``PLAYBOOK_REMINDER_SECONDS`` seconds (default 600) at each engagement of the workspace,
read afresh so a moved deadline counts at once, and sends the reminder due (``reminders.send_due``). The
store decides who sends what: one row per respondent, wave and reminder, so two replicas sharing one
PostgreSQL send each reminder once. A failure is tried again an hour later. The server's log gets one
line per engagement and round that sent or failed something, and one line per problem (no password, a
store gone), said once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from playbook.core.engagement import load, workspace_folders
from playbook.core.errors import UserError
from playbook.core.store_schema import ERRORS

ENV = "PLAYBOOK_REMINDER_SECONDS"
EVERY = 600.0
RETRY_AFTER = timedelta(hours=1)


def interval() -> float:
    try:
        return max(1.0, float(os.environ.get(ENV, "") or EVERY))
    except ValueError:
        return EVERY


class ReminderClock(threading.Thread):
    """Sends due reminders for the engagements of ``workspace`` until ``stop()``; ``echo`` is the server's log."""

    def __init__(self, workspace: Path, base_url: str, echo: Callable[[str], None], every: float | None = None):
        super().__init__(name="playbook-reminders", daemon=True)
        self.workspace, self.base_url, self.echo = Path(workspace), base_url, echo
        self.every = every if every is not None else interval()
        self._stop = threading.Event()
        self._said: set[str] = set()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.every)

    def _once(self, text: str) -> None:
        if text not in self._said:
            self._said.add(text)
            self.echo(text)

    def tick(self) -> None:
        """One round over the workspace; never raises (the server goes on whatever happens here)."""
        try:
            folders = workspace_folders(self.workspace)
        except UserError as exc:
            self._once(f"reminders: {exc.message}")
            return
        for folder in folders:
            try:
                self._engagement(folder)
            except UserError as exc:
                self._once(f"reminders for {folder.name} not sent: {exc.message}")
            except ERRORS as exc:
                self.echo(f"reminders for {folder.name} not sent this round: the answer store failed ({exc}).")
            except Exception as exc:  # noqa: BLE001 - the clock must outlive any one round; the log says what
                self.echo(f"reminders for {folder.name} not sent this round: {type(exc).__name__}: {exc}")

    def _engagement(self, folder: Path) -> None:
        from playbook.core import waves
        from playbook.outreach import reminders
        from playbook.outreach.mail import settings_for

        eng = load(folder)
        if eng.firm is None or eng.firm.mail is None or waves.due(eng) is None:
            return
        mail = settings_for(eng.firm, eng.path.parent)
        plan, outcome = reminders.send_due(eng, self.base_url, mail, retry_after=RETRY_AFTER)
        if outcome.sent or outcome.failed:
            failed = "; ".join(f"{p.name}: {why}" for p, why in outcome.failed)
            self.echo(f"reminders for {eng.id} (wave {plan.wave}, {reminders.when_text(plan)}): sent to "
                      f"{len(outcome.sent)}" + (f"; failed for {len(outcome.failed)} ({failed})" if failed else "")
                      + ".")
