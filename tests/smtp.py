"""A real SMTP server on this machine (aiosmtpd) that keeps what it receives, for the tests of
the e-mails the application sends (invitations, forgotten passwords)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME = "clauses"
PASSWORD = "secret smtp de test"
LINK_RE = re.compile(r"https?://\S+/mot-de-passe/[\w-]+")


@dataclass
class Mailbox:
    """The messages the server accepted, in order, with the address each was sent to."""

    host: str
    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for rcpt, message in self.messages if address in rcpt]

    def wait_for(self, address: str, count: int, seconds: float = 10.0) -> list[EmailMessage]:
        """The messages to ``address`` once there are ``count`` of them, or as many as came in
        ``seconds``: a mail sent after the answer (« mot de passe oublié ») may still be on its
        way when the page shows."""
        deadline = time.monotonic() + seconds
        while len(found := self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    def link_to(self, address: str) -> str:
        """The password link of the last message sent to ``address``."""
        messages = self.to(address)
        assert messages, f"no message to {address}"
        body = messages[-1].get_content()
        found = LINK_RE.search(body)
        assert found is not None, body
        return found.group(0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files in ``folder``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def smtp_server(tls: tuple[Path, Path] | None = None) -> Iterator[Mailbox]:
    """A server that requires the login :data:`USERNAME` / :data:`PASSWORD`: over a plain local
    connection, or with ``tls`` (certificate and key files) only after STARTTLS."""
    mailbox = Mailbox("127.0.0.1", free_port())
    context = None
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == USERNAME
            and data.password.decode() == PASSWORD
        )
        if ok:
            mailbox.logins.append(data.login.decode())
        return AuthResult(success=ok)

    controller = Controller(
        mailbox,
        hostname=mailbox.host,
        port=mailbox.port,
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=tls is not None,
        require_starttls=tls is not None,
        tls_context=context,
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
