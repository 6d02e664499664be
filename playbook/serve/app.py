"""The server process ``playbook serve`` starts: Voilà, plus what the playbook adds in front of it.

Run as ``python -m playbook.serve.app`` with Voilà's own command-line options. It
is Voilà's application class with its handlers extended through ``init_handlers``
(the tornado application exists by then): nothing of Voilà is copied or patched.
"""

from __future__ import annotations

import os

from voila.app import Voila

from playbook.outreach.urls import PUBLIC_URL_ENV
from playbook.serve import proxy


class PlaybookVoila(Voila):
    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        if os.environ.get(PUBLIC_URL_ENV):
            proxy.install(self.app)
        return handlers


main = PlaybookVoila.launch_instance

if __name__ == "__main__":
    main()
