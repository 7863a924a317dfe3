"""The "needs attention" digest by e-mail: composed with the standard library's ``email`` and
sent with ``smtplib`` to an SMTP relay the council names in its settings.

Optional: with no ``CAREASSURE_SMTP_HOST`` nothing is sent and ``careassure digest`` says so.
The digest leaves the application, so it is built from the plan judged in its published form
(counts of 1-4 suppressed) and names plan items and evidence titles only, never a person who
draws on services. Every item links back to the page where it is dealt with, when the settings
give the site's address.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import make_msgid

from careassure.attention.items import KINDS, Attention

HOST_ENV = "CAREASSURE_SMTP_HOST"
PORT_ENV = "CAREASSURE_SMTP_PORT"
STARTTLS_ENV = "CAREASSURE_SMTP_STARTTLS"
USERNAME_ENV = "CAREASSURE_SMTP_USERNAME"
PASSWORD_ENV = "CAREASSURE_SMTP_PASSWORD"
FROM_ENV = "CAREASSURE_DIGEST_FROM"
TO_ENV = "CAREASSURE_DIGEST_TO"
SITE_ENV = "CAREASSURE_SITE_URL"
DEFAULT_PORT = 25
TIMEOUT_SECONDS = 30


class DigestError(ValueError):
    """The digest cannot be sent: a setting is missing or wrong, or the server refused it."""


@dataclass(frozen=True)
class DigestSettings:
    """Where and how to send the digest, from the environment (docs/settings.md)."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    site_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DigestSettings | None:
        """The settings, or None when no SMTP host is set (the digest is off)."""
        env = os.environ if environ is None else environ
        host = env.get(HOST_ENV, "").strip()
        if not host:
            return None
        port_text = env.get(PORT_ENV, str(DEFAULT_PORT)).strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DigestError(f"{PORT_ENV} {port_text!r} is not a port number (1-65535)")
        sender = env.get(FROM_ENV, "").strip()
        recipients = tuple(a.strip() for a in env.get(TO_ENV, "").split(",") if a.strip())
        if "@" not in sender:
            raise DigestError(f"{FROM_ENV} must be the address the digest is sent from")
        if not recipients or not all("@" in a for a in recipients):
            raise DigestError(f"{TO_ENV} must list the addresses to send to, comma-separated")
        starttls = env.get(STARTTLS_ENV, "0").strip().lower() in ("1", "yes", "true")
        username = env.get(USERNAME_ENV, "").strip() or None
        return cls(host, int(port_text), sender, recipients, starttls, username,
                   env.get(PASSWORD_ENV) or None, env.get(SITE_ENV, "").strip().rstrip("/"))


def body_text(items: Sequence[Attention], council: str, today: date, site_url: str = "") -> str:
    """The digest in plain text: one section per kind of item, each item with why and where."""
    lines = [f"Needs attention in {council}'s improvement plan and CQC evidence, "
             f"{today:%d/%m/%Y}.", ""]
    if not items:
        lines.append("Nothing needs attention today.")
    for kind, heading in KINDS.items():
        group = [i for i in items if i.kind == kind]
        if not group:
            continue
        lines += [f"{heading} ({len(group)})", ""]
        for item in group:
            lines.append(f"- {item.title}: {item.reason}")
            if site_url:
                lines.append(f"  {site_url}{item.href}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def compose(
    items: Sequence[Attention], settings: DigestSettings, council: str, today: date
) -> EmailMessage:
    """The message, ready to send."""
    message = EmailMessage()
    message["Subject"] = (
        f"careassure: {len(items)} item{'s' if len(items) != 1 else ''} need attention "
        f"({today:%d/%m/%Y})"
    )
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1])
    message.set_content(body_text(items, council, today, settings.site_url))
    return message


def send(message: EmailMessage, settings: DigestSettings) -> None:
    """Hand the message to the SMTP server; DigestError says what went wrong."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DigestError(
            f"could not send the digest through {settings.host}:{settings.port}: {exc}"
        ) from exc
