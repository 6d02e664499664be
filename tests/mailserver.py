"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and a test certificate authority (openssl).

``MailServer`` keeps every mail it accepts (parsed), can refuse chosen recipients with the server's own
code and words, can demand STARTTLS with a certificate of the test authority, and AUTH with one user.
"""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .browser import free_port

USER, PASSWORD = "forms@northwind.example", "s3cret-test-password"


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A certificate authority and a server certificate for 127.0.0.1 and localhost it signed:
    (ca.pem, server.pem, server.key)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = folder / "san.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2",
        "-subj", "/CN=playbook test authority", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out",
        str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


@dataclass
class _Handler:
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> "550 ..." reply
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


class MailServer:
    """``with MailServer() as smtp:`` a server on 127.0.0.1:``smtp.port``; ``smtp.messages`` what it received.

    ``tls``: (server.pem, server.key) to offer STARTTLS and require it, with AUTH as ``USER``; with ``implicit``,
    TLS from the first byte instead (``security: ssl``).
    """

    def __init__(self, tls: tuple[Path, Path] | None = None, refuse: dict[str, str] | None = None,
                 implicit: bool = False):
        self.handler = _Handler(refuse=dict(refuse or {}))
        self.port = free_port()
        kwargs = {}
        if tls and implicit:  # TLS from the first byte (port 465 style), no login
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ssl_context=context)
            return
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            kwargs = {"tls_context": context, "require_starttls": True, "authenticator": _authenticator,
                      "auth_required": True, "auth_require_tls": True,
                      # smtplib tries LOGIN after a refused PLAIN with an initial response aiosmtpd waits past
                      "auth_exclude_mechanism": ["LOGIN"]}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def body(msg: EmailMessage, kind: str = "plain") -> str:
    return msg.get_body(preferencelist=(kind,)).get_content()
