"""What the server writes to its log: every request and warning, never a secret.

A link's token, a form page's id and a kernel's id each open something: whoever
reads them in a log (a hosting provider's console, a support ticket) could use
them. So the log keeps the shape of what happened and none of those:

- ``log_request`` is the tornado application's request log (``log_function``): the
  status, method and path, the query with only the keys that name no secret
  (``SAFE_KEYS``), the visitor's address and the time taken;
- ``Redacting`` is a logging filter on every handler of the server's loggers, so
  warnings of tornado, Jupyter Server and Voilà (a mistyped path, a refused static
  file, a websocket) pass through ``redact`` too, tracebacks included.

``redact`` takes out the value of any query key but ``SAFE_KEYS``, the id after
every route that carries one (kernels, Voilà's query socket and shutdown beacon,
form pages), anything shaped like a kernel id (a UUID), and any run of 32 or more
token characters (a token pasted elsewhere).
"""

from __future__ import annotations

import logging
import re

from tornado.log import access_log

HIDDEN = "…"
SAFE_KEYS = frozenset({"e", "r", "answers"})  # engagement and respondent ids, the consultant's answers mode
_QUERY = re.compile(r"([?&;])([^=&;\s#?]+)=([^&;\s#]*)")
_ROUTE = re.compile(r"(api/kernels/|voila/query/|voila/api/shutdown/|voila/execution/|playbook/form/)[^/?#\s'\"]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


def _query_value(match: re.Match) -> str:
    sep, key, value = match.groups()
    return match.group(0) if key in SAFE_KEYS or not value else f"{sep}{key}={HIDDEN}"


def redact(text: str) -> str:
    """``text`` without tokens, page ids or kernel ids (see the module's notes)."""
    text = _QUERY.sub(_query_value, text)
    text = _ROUTE.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _UUID.sub(HIDDEN, text)
    return _TOKEN.sub(HIDDEN, text)


class Redacting(logging.Filter):
    """Rewrites each record's message (and traceback) through ``redact`` before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = Redacting()


def install(*loggers: logging.Logger) -> None:
    """Put ``Redacting`` on every handler that writes these loggers' records (and tornado's, and the root's)."""
    names = ("tornado.access", "tornado.application", "tornado.general", "")
    for logger in (*loggers, *(logging.getLogger(n) for n in names)):
        handlers = list(logger.handlers) or ([logging.lastResort] if logging.lastResort else [])
        for handler in handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


def log_request(handler) -> None:
    """The tornado application's request log, without secrets: level by status, as tornado's own."""
    status = handler.get_status()
    log = access_log.info if status < 400 else access_log.warning if status < 500 else access_log.error
    request = handler.request
    log("%d %s %s (%s) %.2fms", status, request.method, redact(request.uri or request.path), request.remote_ip,
        1000.0 * request.request_time())
