"""E-mail through an SMTP server (the invitations of members, the forgotten passwords' links),
with the standard library's :mod:`smtplib` and :mod:`email`.

Without ``CLAUSES_SMTP_HOST`` nothing is sent: :func:`send` says so, and the pages show the
admin the link to pass on. A failure to send is logged (never the message, whose link opens an
account) and reported to the caller, who says it to the person.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from clauses.web.settings import Settings

log = logging.getLogger("clauses.mail")


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_sender
    mail["To"] = to
    mail["Subject"] = " ".join(subject.split())  # one line, whatever a name holds
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    mail.set_content(body)  # text/plain, UTF-8
    return mail


def send(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Send the message; False when no server is configured or it refused or could not be
    reached (logged)."""
    if not settings.smtp_host:
        return False
    mail = message(settings, to, subject, body)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        ) as server:
            if settings.smtp_starttls:
                cafile = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
                server.starttls(context=ssl.create_default_context(cafile=cafile))
            if settings.smtp_username:
                server.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            server.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("courriel non envoyé (%s)", type(error).__name__)
        return False
    return True
