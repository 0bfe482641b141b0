"""Following a case with the receipt code: hashing, look-up, adding information, rate limit."""

import pytest
from argon2 import PasswordHasher
from django.urls import reverse

from sunshine.complaints import crypto, ratelimit
from sunshine.complaints.models import Complaint, Message
from sunshine.complaints.tests.conftest import PNG_BYTES, upload

pytestmark = pytest.mark.django_db


def test_production_codes_use_argon2id_with_real_cost():
    hasher = PasswordHasher()
    assert crypto._DUMMY_HASH.startswith("$argon2id$")
    params = crypto._DUMMY_HASH.split("$")[3]
    assert f"m={hasher.memory_cost}" in params and f"t={hasher.time_cost}" in params


def test_codes_are_sixteen_random_digits():
    codes = {crypto.new_receipt() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and c.isdigit() for c in codes)
    assert crypto.normalise_receipt("1234 5678-9012 3456") == "1234567890123456"
    assert crypto.normalise_receipt("1234") is None
    assert crypto.normalise_receipt("１２３４５６７８９０１２３４５６") is None  # full-width


def test_the_code_opens_the_case_and_shows_replies(client, file_complaint, inspector):
    complaint, code = file_complaint()
    complaint.accept(by=inspector)
    complaint.reply(text="已受理，正在核查。", by=inspector)
    complaint.reply(text="内部：约谈校长", by=inspector, internal=True)
    response = client.post(reverse("complaints:follow"), {"receipt": crypto.format_receipt(code)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已受理，正在核查。" in html
    assert "约谈校长" not in html
    assert complaint.text in html


def test_a_wrong_code_is_refused(client, file_complaint):
    _, code = file_complaint()
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)  # same bucket, wrong code
    response = client.post(reverse("complaints:follow"), {"receipt": wrong})
    assert response.status_code == 404
    assert "查询码不正确" in response.content.decode()


def test_the_lookup_checks_only_its_bucket(file_complaint):
    _, code = file_complaint()
    for _ in range(3):
        file_complaint()
    calls = []
    original = crypto.check_receipt

    def counting(c, h):
        calls.append(h)
        return original(c, h)

    crypto.check_receipt = counting
    try:
        assert Complaint.objects.find_by_receipt(code) is not None
    finally:
        crypto.check_receipt = original
    assert len(calls) == 1  # not one Argon2 check per complaint


def test_the_reporter_adds_information(client, file_complaint):
    complaint, code = file_complaint()
    response = client.post(
        reverse("complaints:follow_add"),
        {
            "receipt": code,
            "text": "还有一位家长也交了钱。",
            "attachments": [upload("p.png", PNG_BYTES)],
        },
    )
    assert response.status_code == 200
    message = complaint.messages.get()
    assert message.kind == Message.Kind.ADDITION and message.author is None
    assert message.text == "还有一位家长也交了钱。"
    assert message.attachments.count() == 1
    assert "还有一位家长也交了钱。" in response.content.decode()


def test_adding_needs_the_right_code(client, file_complaint):
    complaint, code = file_complaint()
    response = client.post(
        reverse("complaints:follow_add"), {"receipt": "1" * 16, "text": "冒充补充"}
    )
    assert response.status_code == 404
    assert not complaint.messages.exists()


def test_failed_lookups_are_rate_limited_per_client(client, file_complaint, settings):
    settings.COMPLAINTS_RECEIPT_MAX_FAILURES = 3
    _, code = file_complaint()
    for _ in range(3):
        assert client.post(reverse("complaints:follow"), {"receipt": "9" * 16}).status_code == 404
    # Even the right code is refused until the window passes.
    response = client.post(reverse("complaints:follow"), {"receipt": code})
    assert response.status_code == 429
    assert "次数过多" in response.content.decode()
    # Another client is not affected.
    other = client.post(reverse("complaints:follow"), {"receipt": code}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_failed_lookups_are_limited_globally(client, file_complaint, settings):
    settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES = 4
    _, code = file_complaint()
    for i in range(4):
        client.post(reverse("complaints:follow"), {"receipt": "9" * 16}, REMOTE_ADDR=f"10.0.0.{i}")
    response = client.post(reverse("complaints:follow"), {"receipt": code}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429


def test_the_window_ends(client, file_complaint, settings, time_machine):
    settings.COMPLAINTS_RECEIPT_MAX_FAILURES = 1
    settings.COMPLAINTS_RECEIPT_WINDOW_SECONDS = 900
    _, code = file_complaint()
    time_machine.move_to("2026-07-01 10:00:00+08:00")
    client.post(reverse("complaints:follow"), {"receipt": "9" * 16})
    assert client.post(reverse("complaints:follow"), {"receipt": code}).status_code == 429
    time_machine.move_to("2026-07-01 10:16:00+08:00")
    assert client.post(reverse("complaints:follow"), {"receipt": code}).status_code == 200


def test_failures_are_slowed(client, file_complaint, settings, monkeypatch):
    settings.COMPLAINTS_RECEIPT_FAILURE_DELAY_MS = 1500
    slept = []
    monkeypatch.setattr("sunshine.complaints.ratelimit.time.sleep", slept.append)
    client.post(reverse("complaints:follow"), {"receipt": "9" * 16})
    assert slept == [1.5]


def test_the_lookup_limit_follows_the_client_behind_a_proxy(client, file_complaint, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.COMPLAINTS_RECEIPT_MAX_FAILURES = 2
    _, code = file_complaint()
    url = reverse("complaints:follow")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        client.post(url, {"receipt": "9" * 16}, HTTP_X_REAL_IP="1.1.1.1", **proxy)
    assert client.post(url, {"receipt": code}, HTTP_X_REAL_IP="1.1.1.1", **proxy).status_code == 429
    assert client.post(url, {"receipt": code}, HTTP_X_REAL_IP="2.2.2.2", **proxy).status_code == 200


def test_one_client_cannot_trip_the_global_limit(client, file_complaint, settings, rf):
    """A client counts towards the global limit only up to its own limit, even when its
    requests race past the check (here: failures recorded without checking first)."""
    settings.COMPLAINTS_RECEIPT_MAX_FAILURES = 3
    settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES = 5
    _, code = file_complaint()
    troll = rf.post("/", REMOTE_ADDR="10.6.6.6")
    for _ in range(20):
        ratelimit.record_failure(troll)
    assert ratelimit.is_limited(troll)
    other = client.post(reverse("complaints:follow"), {"receipt": code}, REMOTE_ADDR="10.7.7.7")
    assert other.status_code == 200
    # Two clients at their limit still leave it open; the breaker needs many of them.
    ratelimit.record_failure(rf.post("/", REMOTE_ADDR="10.8.8.8"))
    assert client.post(reverse("complaints:follow"), {"receipt": code}).status_code == 200
    for _ in range(3):
        ratelimit.record_failure(rf.post("/", REMOTE_ADDR="10.8.8.8"))
    assert ratelimit.is_limited(rf.post("/", REMOTE_ADDR="10.9.9.9"))


def test_a_global_limit_that_few_clients_can_reach_is_warned(settings):
    from sunshine.complaints import checks

    assert "complaints.W002" not in {p.id for p in checks.complaints_settings(None)}
    settings.COMPLAINTS_RECEIPT_MAX_FAILURES = 5
    settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES = 20
    assert "complaints.W002" in {p.id for p in checks.complaints_settings(None)}
