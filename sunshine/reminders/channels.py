"""The ways a reminder leaves the system, behind one small interface.

A channel has ``send(message)``, ``close()`` and ``idempotent``. ``send`` raises
``PermanentFailure(reason)`` for a message that will never go (the gateway refused the number)
and ``TemporaryFailure(reason)`` for one worth trying again (the gateway is down). Reasons are
shown to staff and stored: they never contain a phone number or an e-mail address.

An *idempotent* channel accepts the same ``message.key`` twice and delivers it once. The file
backends are (each message is one file named by its key, created atomically and exclusively),
so a worker killed after sending but before recording it can simply send again. For the others
(SMTP, an HTTP gateway) an interrupted message's fate is unknown; the sender marks it failed
with that reason rather than risk a duplicate, and staff may queue it again.
"""

from __future__ import annotations

import base64
import logging
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.reminders.models import Channel

logger = logging.getLogger(__name__)

DJANGO_FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
PER_MESSAGE_FILE_BACKEND = "sunshine.reminders.channels.PerMessageFileEmailBackend"
KEY_HEADER = "X-Sunshine-Message"


@dataclass(frozen=True)
class OutgoingMessage:
    key: str  # idempotency key: the same key is delivered at most once by idempotent channels
    to: str
    subject: str
    body: str


class PermanentFailure(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(PermanentFailure):
    pass


def write_once(directory: Path, name: str, data: bytes) -> bool:
    """Write ``directory/name`` atomically unless it exists. True if this call wrote it."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, final)  # atomic and exclusive: fails if the name exists
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


class PerMessageFileEmailBackend(BaseEmailBackend):
    """Django e-mail backend writing each message to its own .eml file in EMAIL_FILE_PATH.

    Used by the reminders in place of Django's file backend (which appends every message of a
    connection to one log file): a message carrying the same X-Sunshine-Message key is written
    once, so a resumed worker cannot produce a second copy.
    """

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        written = 0
        for message in email_messages:
            key = message.extra_headers.get(KEY_HEADER) or os.urandom(12).hex()
            safe = "".join(c for c in key if c.isalnum() or c in "-_")
            if write_once(self.file_path, f"{safe}.eml", message.message().as_bytes()):
                written += 1
        return written


class EmailChannel:
    name = Channel.EMAIL

    def __init__(self):
        backend = settings.EMAIL_BACKEND
        if backend == DJANGO_FILE_BACKEND:
            backend = PER_MESSAGE_FILE_BACKEND
        self.idempotent = backend == PER_MESSAGE_FILE_BACKEND
        self.connection = get_connection(backend)
        self.opened = False

    def send(self, message: OutgoingMessage) -> None:
        if not self.opened:
            # One connection for the whole run (SMTP: one login, not one per message).
            try:
                self.connection.open()
            except (OSError, ConnectionError) as e:
                raise TemporaryFailure(
                    _("邮件服务器暂时无法连接（%(kind)s）") % {"kind": type(e).__name__}
                ) from e
            self.opened = True
        email = EmailMessage(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to],
            headers={KEY_HEADER: message.key, "Message-ID": f"<{message.key}@sunshine>"},
            connection=self.connection,
        )
        try:
            email.send()
        except (ConnectionError, TimeoutError) as e:
            raise TemporaryFailure(
                _("邮件服务器暂时无法连接（%(kind)s）") % {"kind": type(e).__name__}
            ) from e
        except Exception as e:  # smtplib's refusals and the like: the address or server said no
            logger.warning("reminders: e-mail %s refused: %s", message.key, type(e).__name__)
            raise PermanentFailure(_("邮件被拒收（%(kind)s）") % {"kind": type(e).__name__}) from e

    def close(self) -> None:
        self.connection.close()


class SmsFileChannel:
    """Writes each SMS as one line in its own file under REMINDERS_SMS_DIR (the default)."""

    name = Channel.SMS
    idempotent = True

    def __init__(self, directory: str | None = None):
        self.directory = Path(directory or settings.REMINDERS_SMS_DIR)

    def send(self, message: OutgoingMessage) -> None:
        text = message.body.replace("\\", "\\\\").replace("\n", "\\n")
        line = f"{timezone.now().isoformat()}\t{message.key}\t{message.to}\t{text}\n"
        write_once(self.directory, f"{message.key}.sms", line.encode("utf-8"))

    def close(self) -> None:
        pass


class SmsHttpChannel:
    """Posts each SMS to an HTTP gateway: form fields to, text, msgid; HTTP Basic credentials."""

    name = Channel.SMS
    idempotent = False  # unless the gateway is known to honour msgid; we do not assume it

    def __init__(
        self, url: str | None = None, user: str | None = None, password: str | None = None
    ):
        self.url = url or settings.REMINDERS_SMS_URL
        self.user = settings.REMINDERS_SMS_USER if user is None else user
        self.password = settings.REMINDERS_SMS_PASSWORD if password is None else password
        self.timeout = settings.REMINDERS_SMS_TIMEOUT

    def send(self, message: OutgoingMessage) -> None:
        if not self.url:
            raise PermanentFailure(_("未配置短信网关地址（REMINDERS_SMS_URL）"))
        data = urllib.parse.urlencode(
            {"to": message.to, "text": message.body, "msgid": message.key}
        ).encode()
        request = urllib.request.Request(self.url, data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        if self.user:
            credentials = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {credentials}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read(1024)
        except urllib.error.HTTPError as e:
            reason = _("短信网关拒绝（HTTP %(code)s）") % {"code": e.code}
            if e.code >= 500 or e.code == 429:
                raise TemporaryFailure(reason) from e
            raise PermanentFailure(reason) from e
        except TimeoutError as e:
            # The request may have reached the gateway: sending again could duplicate it.
            raise PermanentFailure(_("短信网关无响应，是否已发出无法确认，请核实后再重发")) from e
        except (urllib.error.URLError, ConnectionError) as e:
            if isinstance(getattr(e, "reason", None), TimeoutError):
                raise PermanentFailure(
                    _("短信网关无响应，是否已发出无法确认，请核实后再重发")
                ) from e
            raise TemporaryFailure(_("短信网关无法连接")) from e

    def close(self) -> None:
        pass


def open_channels() -> dict[str, object]:
    sms = SmsHttpChannel() if settings.REMINDERS_SMS_BACKEND == "http" else SmsFileChannel()
    return {Channel.EMAIL: EmailChannel(), Channel.SMS: sms}
