"""The server process ``playbook serve`` starts: Voilà, plus what the playbook adds in front of it.

Run as ``python -m playbook.serve.app`` with Voilà's own command-line options. It
is Voilà's application class with its handlers extended through ``init_handlers``
(the tornado application exists by then) and tornado's and Jupyter Server's own
extension points: nothing of Voilà is copied or patched.

- Requests are logged without secrets (``logs.log_request``, tornado's ``log_function``),
  and every log line of the server passes through ``logs.Redacting``.
- Jupyter Server's error pages (drawn for websockets and API paths refused by the gate)
  come from the playbook's refusal pages, so a refused websocket is one log line, not a
  traceback about a missing template.
- Request headers must arrive within ``header_timeout`` seconds and a body within
  ``body_timeout`` (tornado's ``HTTPServer`` defaults, set before Voilà listens).
- SIGHUP stops the server like SIGTERM (its kernels and its folder of connection files go).
"""

from __future__ import annotations

import logging
import os
import signal

from jinja2 import ChoiceLoader, FileSystemLoader
from tornado.httpserver import HTTPServer
from traitlets import Float, Integer
from voila.app import Voila

from playbook.core.resources import templates_dir
from playbook.outreach.urls import PUBLIC_URL_ENV
from playbook.serve import logs, proxy

REFUSALS = ("jupyter", "voila", "templates", "playbook")

# Lines the server's log would repeat for every page that a consultant can do nothing about: the package's own
# notebooks carry no signature (they run by design), and tornado's note on ping settings Jupyter Server sets.
NOISE = ("is not trusted", "websocket_ping_timeout")


class Quiet(logging.Filter):
    """Keeps out of the server's log what a consultant cannot act on (``NOISE``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not any(words in text for words in NOISE)


class PlaybookVoila(Voila):
    header_timeout = Float(20.0, config=True, help="Seconds a client may take to send a request's headers.")
    body_timeout = Float(60.0, config=True, help="Seconds a client may take to send a request's body.")
    max_body_size = Integer(1024 * 1024, config=True, help="Largest request body accepted, in bytes.")

    def initialize(self, argv=None):
        super().initialize(argv)
        signal.signal(signal.SIGHUP, self._handle_signal_stop)
        HTTPServer.configure(None, idle_connection_timeout=self.header_timeout, body_timeout=self.body_timeout,
                             max_body_size=self.max_body_size)

    def init_handlers(self) -> list:
        quiet = Quiet()
        for log in (self.log, logging.getLogger("tornado.general")):
            log.addFilter(quiet)
        handlers = super().init_handlers()
        if os.environ.get(PUBLIC_URL_ENV):
            proxy.install(self.app)
        self.app.settings["log_function"] = logs.log_request
        server_env = self.app.settings.get("jinja2_env")
        if server_env is not None:
            server_env.loader = ChoiceLoader([FileSystemLoader(str(templates_dir().joinpath(*REFUSALS))),
                                              server_env.loader])
        logs.install(self.log)
        return handlers


main = PlaybookVoila.launch_instance

if __name__ == "__main__":
    main()
