import pytest

from sunshine.core.audit_models import AuditEntry
from sunshine.reminders.models import Delivery, read_token_for, token_hash

from .conftest import LINK, files

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(campaign, make_staff, outboxes, django_capture_on_commit_callbacks):
    """Two people's messages sent; returns {mobile: token} read from the SMS outbox."""
    make_staff(1, name="王芳")
    make_staff(1, name="李强")
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    tokens = {}
    for path in files(outboxes["sms"], "*.sms"):
        line = path.read_text()
        tokens[line.split("\t")[2]] = LINK.search(line).group(1)
    return tokens


def test_it_shows_the_reminder_and_records_the_first_reading(client, sent):
    mobile, token = sorted(sent.items())[0]
    d = Delivery.objects.get(staff__mobile=mobile)
    r = client.get(f"/reminders/r/{token}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert f"{d.staff.name}同志" in body and "请严守纪律" in body
    assert "noindex" in body and r["Cache-Control"].startswith("max-age=0")
    d.refresh_from_db()
    assert d.state == Delivery.State.READ and d.read_at is not None
    first = d.read_at
    client.get(f"/reminders/r/{token}/")
    d.refresh_from_db()
    assert d.read_at == first
    assert AuditEntry.objects.filter(action="reminders.read").count() == 1


def test_it_records_an_acknowledgement_by_post_only(client, sent):
    mobile, token = sorted(sent.items())[0]
    assert client.get(f"/reminders/r/{token}/ack/").status_code == 405
    r = client.post(f"/reminders/r/{token}/ack/", follow=True)
    assert "您已于" in r.content.decode()
    d = Delivery.objects.get(staff__mobile=mobile)
    assert d.state == Delivery.State.ACKNOWLEDGED and d.acknowledged_at and d.read_at
    # The other person's message is untouched: a token opens exactly one delivery.
    other = Delivery.objects.exclude(pk=d.pk).get()
    assert other.state == Delivery.State.SENT
    payload = AuditEntry.objects.get(action="reminders.acknowledged").payload
    assert mobile not in str(payload)


def test_the_acknowledgement_needs_a_csrf_token(sent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    _mobile, token = sorted(sent.items())[0]
    assert client.post(f"/reminders/r/{token}/ack/").status_code == 403


@pytest.mark.parametrize("bad", ["x" * 22, "short", "A" * 80])
def test_a_wrong_token_is_not_found(client, sent, bad):
    assert client.get(f"/reminders/r/{bad}/").status_code == 404
    assert client.post(f"/reminders/r/{bad}/ack/").status_code == 404


def test_tokens_are_unguessable_unique_and_stored_only_as_hashes(sent):
    tokens = list(sent.values())
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert len(token) >= 22  # 144 bits of HMAC output, URL-safe
        d = Delivery.objects.get(token_hash=token_hash(token))
        assert token not in (d.message_key, d.token_hash, d.claim_token)
        assert read_token_for(d.message_key) == token


def test_a_link_to_an_unsent_message_is_not_found(client, campaign, make_staff, monkeypatch):
    from sunshine.reminders import sending

    make_staff(1)
    monkeypatch.setattr(sending, "enqueue", lambda *a, **k: True)
    campaign.queue()
    d = campaign.deliveries.get()
    assert client.get(f"/reminders/r/{d.read_token}/").status_code == 404
