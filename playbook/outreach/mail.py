"""Sending mail through the firm's SMTP server (the profile's ``mail:``), with the standard library.

``smtplib`` speaks SMTP, STARTTLS and SSL; ``ssl.create_default_context()`` checks the server's
certificate and host name against the system's authorities (or the file ``SSL_CERT_FILE`` names, for a
firm's own authority). A user name means AUTH; the password is read from the environment variable the
profile names, when sending, and never from a file. No library beyond the standard one is needed, and
every mail provider speaks this.

``Outbox`` is one connection for a batch: opened on the first mail, reopened once if the server drops
it, and each mail refused is one ``MailError`` with the server's own reason. Once the server cannot be
reached, every later mail of the batch fails at once with that reason (nothing is tried 500 times).
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from email.message import EmailMessage

from playbook.core.errors import UserError
from playbook.core.firm import FILE, Firm, Mail

TIMEOUT = 30  # seconds for the server to answer one command


class MailError(Exception):
    """A mail that did not go; its text is the reason, for the consultant (the server's own words)."""


def settings_for(firm: Firm | None, folder: object = "") -> Mail:
    """The firm's mail settings, ready to send: a UserError (nothing sent) when there are none, or when the
    password's environment variable is not set."""
    if firm is None or firm.mail is None:
        where = f" ({firm.path})" if firm is not None else f" beside the engagement folders{f' of {folder}' if folder else ''}"
        raise UserError(f"no mail server is set up: add a 'mail:' section (host, port, security, username, "
                        f"password_env, from) to the firm's profile {FILE}{where}, or set PLAYBOOK_FIRM to it; "
                        "see the README, 'The firm's profile and mail'.")
    password(firm.mail, firm)
    return firm.mail


def password(mail: Mail, firm: Firm | None = None) -> str:
    """The SMTP password from the environment variable ``password_env`` names ("" without a user name)."""
    if not mail.username:
        return ""
    if not mail.password_env:
        raise UserError(f"{firm.path if firm else FILE}: 'mail.username' is set, so 'mail.password_env' must name "
                        "the environment variable that holds the password (the password itself is never written "
                        "in the file).")
    value = os.environ.get(mail.password_env)
    if not value:
        raise UserError(f"the environment variable {mail.password_env} is not set; it must hold the password of "
                        f"{mail.username} on {mail.host} ('mail.password_env' in {firm.path if firm else FILE}). "
                        "Nothing was sent.")
    return value


def reason(exc: BaseException) -> str:
    """An SMTP or network failure in one line: the server's code and words, or what went wrong connecting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"refused by the server: {code} {_text(text)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"refused by the server: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate could not be checked ({exc.verify_message})"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the host and port right?)"
    if isinstance(exc, socket.gaierror):
        return "the host name is not known"
    return str(exc) or type(exc).__name__


def _text(value: bytes | str) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).replace("\n", " ").strip()


class Outbox:
    """One SMTP connection for a batch of mails (``with Outbox(mail) as out: out.send(msg)``)."""

    def __init__(self, mail: Mail, timeout: float = TIMEOUT):
        self.mail, self.timeout = mail, timeout
        self.smtp: smtplib.SMTP | None = None
        self.broken = ""  # the reason the server cannot be reached, once known

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def _where(self) -> str:
        return f"{self.mail.host}:{self.mail.port}"

    def _connect(self) -> smtplib.SMTP:
        m = self.mail
        context = ssl.create_default_context()
        try:
            if m.security == "ssl":
                smtp = smtplib.SMTP_SSL(m.host, m.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(m.host, m.port, timeout=self.timeout)
            try:
                smtp.ehlo()
                if m.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise MailError(f"{self._where()} does not offer STARTTLS; set 'mail.security' to ssl or "
                                        "check the port")
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if m.username:
                    smtp.login(m.username, password(m))
            except BaseException:
                smtp.close()
                raise
        except MailError as exc:
            self.broken = str(exc)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self.broken = f"could not reach {self._where()}: {reason(exc)}"
            raise MailError(self.broken) from None
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Send one mail; ``MailError`` with the reason when it did not go."""
        if self.broken:
            raise MailError(self.broken)
        for attempt in (1, 2):
            if self.smtp is None:
                self.smtp = self._connect()
            try:
                self.smtp.send_message(msg)
                return
            except smtplib.SMTPServerDisconnected:
                self.smtp = None  # dropped between mails: connect again, once
                if attempt == 2:
                    raise MailError(f"{self._where()} closed the connection") from None
            except smtplib.SMTPRecipientsRefused as exc:
                self._reset()
                raise MailError(reason(exc)) from None
            except (smtplib.SMTPException, OSError) as exc:
                self._reset()
                raise MailError(reason(exc)) from None

    def _reset(self) -> None:
        """After a refused mail the connection is ready for the next one (RSET), or closed to be reopened."""
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError, AttributeError):
            if self.smtp is not None:
                self.smtp.close()
            self.smtp = None
