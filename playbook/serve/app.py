"""The server process ``playbook serve`` starts: Voilà, plus what the playbook adds in front of it.

Run as ``python -m playbook.serve.app`` with Voilà's own command-line options. It
is Voilà's application class with its handlers extended through ``init_handlers``
(the tornado application exists by then): nothing of Voilà is copied or patched.
"""

from __future__ import annotations

import logging
import os

from voila.app import Voila

from playbook.outreach.urls import PUBLIC_URL_ENV
from playbook.serve import proxy

# Lines the server's log would repeat for every page that a consultant can do nothing about: the package's own
# notebooks carry no signature (they run by design), and tornado's note on ping settings Jupyter Server sets.
NOISE = ("is not trusted", "websocket_ping_timeout")


class Quiet(logging.Filter):
    """Keeps out of the server's log what a consultant cannot act on (``NOISE``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not any(words in text for words in NOISE)


class PlaybookVoila(Voila):
    def init_handlers(self) -> list:
        quiet = Quiet()
        for log in (self.log, logging.getLogger("tornado.general")):
            log.addFilter(quiet)
        handlers = super().init_handlers()
        if os.environ.get(PUBLIC_URL_ENV):
            proxy.install(self.app)
        return handlers


main = PlaybookVoila.launch_instance

if __name__ == "__main__":
    main()
