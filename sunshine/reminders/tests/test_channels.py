import base64
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from sunshine.reminders.channels import (
    EmailChannel,
    OutgoingMessage,
    PermanentFailure,
    SmsFileChannel,
    SmsHttpChannel,
    TemporaryFailure,
    open_channels,
)

MESSAGE = OutgoingMessage("key123", "13800000001", "标题", "王芳同志：\n请严守纪律。")


@pytest.fixture
def gateway():
    """A local SMS gateway answering with the status in ``gateway.status``."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append(
                {
                    "form": urllib.parse.parse_qs(self.rfile.read(length).decode()),
                    "auth": self.headers.get("Authorization"),
                }
            )
            self.send_response(server.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.status = 200
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_port}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_the_http_gateway_gets_the_message_with_credentials(gateway):
    SmsHttpChannel(gateway.url, "sunshine", "s3cret").send(MESSAGE)
    (got,) = gateway.received
    assert got["form"] == {
        "to": ["13800000001"],
        "text": ["王芳同志：\n请严守纪律。"],
        "msgid": ["key123"],
    }
    assert got["auth"] == "Basic " + base64.b64encode(b"sunshine:s3cret").decode()


@pytest.mark.parametrize("status,error", [(503, TemporaryFailure), (400, PermanentFailure)])
def test_the_http_gateway_refusals_become_failures_without_the_number(gateway, status, error):
    gateway.status = status
    with pytest.raises(error) as exc:
        SmsHttpChannel(gateway.url, "", "").send(MESSAGE)
    assert str(status) in exc.value.reason and "13800000001" not in exc.value.reason


def test_an_unreachable_or_unconfigured_gateway_fails_clearly(settings):
    with pytest.raises(TemporaryFailure):
        SmsHttpChannel("http://127.0.0.1:9/send", "", "").send(MESSAGE)
    settings.REMINDERS_SMS_URL = ""
    with pytest.raises(PermanentFailure) as exc:
        SmsHttpChannel().send(MESSAGE)
    assert "REMINDERS_SMS_URL" in exc.value.reason


def test_the_settings_choose_the_channels(settings, tmp_path):
    settings.REMINDERS_SMS_BACKEND = "http"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    chosen = open_channels()
    assert isinstance(chosen["sms"], SmsHttpChannel) and not chosen["sms"].idempotent
    assert not chosen["email"].idempotent
    settings.REMINDERS_SMS_BACKEND = "file"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    chosen = open_channels()
    assert chosen["sms"].idempotent and chosen["email"].idempotent


def test_the_file_backends_write_one_line_per_message_once(settings, tmp_path):
    sms = SmsFileChannel(str(tmp_path / "sms"))
    sms.send(MESSAGE)
    sms.send(MESSAGE)  # a resumed worker sending the same key again
    (only,) = (tmp_path / "sms").iterdir()
    lines = only.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith("王芳同志：\\n请严守纪律。")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    email = EmailChannel()
    to_email = OutgoingMessage("key456", "wf@ly.example.cn", "标题", "正文")
    email.send(to_email)
    email.send(to_email)
    assert [p.name for p in (tmp_path / "mail").iterdir()] == ["key456.eml"]
