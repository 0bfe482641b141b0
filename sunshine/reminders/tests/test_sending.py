import datetime
import io
import logging
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sunshine.core.audit_models import AuditEntry
from sunshine.reminders import channels, sending
from sunshine.reminders.models import Campaign, CampaignError, Delivery

from .conftest import LINK, files

pytestmark = pytest.mark.django_db


def later(seconds=400):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=True)


def sms_recipients(outboxes) -> Counter:
    return Counter(p.read_text().split("\t")[2] for p in files(outboxes["sms"], "*.sms"))


def test_it_queues_one_delivery_per_person_of_the_chosen_groups(
    campaign, make_staff, orgs, django_capture_on_commit_callbacks
):
    make_staff(3, org="龙隐小学", category="school_leader")
    make_staff(2, org="龙隐小学", category="other")
    make_staff(4, org="汇通小学", category="school_leader", channel="email")
    make_staff(1, org="七星区教育局", category="bureau_leader")
    campaign.organisations.set([orgs["龙隐小学"], orgs["汇通小学"]])
    campaign.categories = ["school_leader"]
    campaign.save()
    with django_capture_on_commit_callbacks() as callbacks:
        assert campaign.queue() == 7
    assert len(callbacks) == 1  # the task is handed over only once the rows are committed
    assert campaign.status == Campaign.Status.SENDING
    by_channel = Counter(campaign.deliveries.values_list("channel", flat=True))
    assert by_channel == {"sms": 3, "email": 4}  # no mobile: falls back to e-mail
    assert campaign.body == campaign.template.body
    with pytest.raises(CampaignError):
        campaign.queue()
    assert campaign.deliveries.count() == 7


def test_it_refuses_to_queue_an_empty_audience(campaign):
    with pytest.raises(CampaignError):
        campaign.queue()
    assert campaign.deliveries.count() == 0


def test_it_sends_every_message_once_through_the_file_backends(
    campaign, make_staff, outboxes, settings, django_capture_on_commit_callbacks
):
    settings.REMINDERS_BATCH_SIZE = 7
    make_staff(20, channel="sms")
    emailed = make_staff(5, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert campaign.figures()["delivered"] == 25
    assert sum(sms_recipients(outboxes).values()) == 20
    assert set(sms_recipients(outboxes).values()) == {1}
    eml = files(outboxes["email"], "*.eml")
    assert len(eml) == 5
    text = eml[0].read_bytes().decode()
    assert "X-Sunshine-Message" in text and any(p.email in text for p in emailed)
    assert AuditEntry.objects.filter(action="reminders.campaign_completed").count() == 1


def test_it_resumes_an_interrupted_batch_without_loss_or_duplicates(
    campaign, make_staff, outboxes, monkeypatch, settings
):
    """A worker dies after writing a batch but before recording it (the worst moment)."""
    settings.REMINDERS_BATCH_SIZE = 10
    make_staff(25)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    real_record = sending._record_sent

    def die(ids, token):
        raise SystemExit("worker killed")

    monkeypatch.setattr(sending, "_record_sent", die)
    with pytest.raises(SystemExit):
        sending.run(campaign.pk)
    assert len(files(outboxes["sms"], "*.sms")) == 10  # written, not recorded
    assert campaign.deliveries.filter(state=Delivery.State.SENDING).count() == 10
    monkeypatch.setattr(sending, "_record_sent", real_record)

    # Before the lease runs out nobody touches the dead worker's rows...
    token, rows, _ = sending.claim(campaign.pk, 100)
    assert len(rows) == 15
    for d in rows:
        sending._requeue(d, token, "")
    # ...afterwards they are taken over, sent again through the idempotent channel, and
    # recorded: every person has exactly one message.
    with later():
        result = sending.run(campaign.pk)
    assert result["sent"] == 25
    assert set(sms_recipients(outboxes).values()) == {1}
    assert len(sms_recipients(outboxes)) == 25
    assert campaign.deliveries.filter(state=Delivery.State.SENT).count() == 25
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED


def test_it_never_sends_twice_through_a_channel_that_cannot_tell(
    campaign, make_staff, monkeypatch, settings
):
    """SMTP-like channel (here Django's locmem): an interrupted message is marked failed."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_staff(4, channel="email")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    real_record = sending._record_sent
    calls = []

    def die_on_second(ids, token):
        calls.append(ids)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        real_record(ids, token)

    monkeypatch.setattr(sending, "_record_sent", die_on_second)
    with pytest.raises(SystemExit):
        sending.run(campaign.pk)
    assert len(mail.outbox) == 2
    monkeypatch.setattr(sending, "_record_sent", real_record)
    with later():
        sending.run(campaign.pk)
    states = Counter(campaign.deliveries.values_list("state", flat=True))
    assert states == {"sent": 3, "failed": 1}
    assert len(mail.outbox) == 4  # the two sent before the crash, the two never tried
    assert len({m.to[0] for m in mail.outbox}) == 4  # nobody got two
    failed = campaign.deliveries.get(state="failed")
    assert "无法确认" in failed.failure_reason


def test_two_workers_never_claim_the_same_rows(campaign, make_staff):
    make_staff(12)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    ta, a, _ = sending.claim(campaign.pk, 5)
    tb, b, _ = sending.claim(campaign.pk, 100)
    assert len(a) == 5 and len(b) == 7
    assert not {d.id for d in a} & {d.id for d in b}
    # A worker whose lease ran out cannot record rows another worker took over.
    with later():
        tc, c, taken_over = sending.claim(campaign.pk, 100)
        assert {d.id for d in c} == taken_over == {d.id for d in a} | {d.id for d in b}
        sending._record_sent([d.id for d in a], ta)
        assert campaign.deliveries.filter(state="sent").count() == 0
        sending._record_sent([d.id for d in c], tc)
        assert campaign.deliveries.filter(state="sent").count() == 12


class FlakyChannel:
    name = "sms"
    idempotent = True

    def __init__(self):
        self.sent, self.calls = [], Counter()

    def send(self, message):
        self.calls[message.to] += 1
        if message.to.endswith("0"):
            raise channels.PermanentFailure("短信网关拒绝（HTTP 400）")
        if message.to.endswith("1") and self.calls[message.to] < 3:
            raise channels.TemporaryFailure("短信网关无法连接")
        self.sent.append(message.to)

    def close(self):
        pass


def test_it_retries_temporary_failures_and_records_permanent_ones(
    campaign, make_staff, monkeypatch, caplog
):
    flaky = FlakyChannel()
    monkeypatch.setattr(sending, "open_channels", lambda: {"sms": flaky, "email": flaky})
    people = make_staff(12)
    with caplog.at_level(logging.DEBUG):
        with pytest.MonkeyPatch.context() as m:
            m.setattr(sending, "enqueue", lambda *a, **k: True)
            campaign.queue()
        sending.run(campaign.pk)
    states = Counter(campaign.deliveries.values_list("state", flat=True))
    assert states == {"sent": 10, "failed": 2}  # ...0000 and ...0010 refused
    retried = campaign.deliveries.get(staff__mobile=people[1].mobile)
    assert (retried.state, retried.attempts) == ("sent", 3)
    for d in campaign.deliveries.filter(state="failed"):
        assert d.failure_reason == "短信网关拒绝（HTTP 400）"
    # Never a phone number in the logs.
    assert not any(p.mobile in caplog.text for p in people)


def test_it_sends_a_scheduled_campaign_when_due_and_can_cancel_one(
    campaign, template, qx, make_staff, outboxes, django_capture_on_commit_callbacks
):
    make_staff(3)
    when = timezone.now() + datetime.timedelta(hours=2)
    campaign.scheduled_at = when
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert sending.run(campaign.pk)["sent"] == 0  # not due yet
    assert sending.resume_stalled() == []
    with time_machine.travel(when + datetime.timedelta(minutes=1), tick=True):
        out = io.StringIO()
        call_command("reminders_resume", stdout=out)
        assert f"1 campaign(s) handed to the queue [{campaign.pk}]" in out.getvalue()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert len(files(outboxes["sms"], "*.sms")) == 3

    other = Campaign.objects.create(
        district=qx, title="另一批", template=template, scheduled_at=when
    )
    other.queue()
    other.cancel()
    assert other.status == Campaign.Status.CANCELLED and other.deliveries.count() == 0
    with pytest.raises(CampaignError):
        campaign.cancel()


def test_it_queues_failed_messages_again_on_request(
    campaign, make_staff, monkeypatch, django_capture_on_commit_callbacks
):
    flaky = FlakyChannel()
    monkeypatch.setattr(sending, "open_channels", lambda: {"sms": flaky, "email": flaky})
    make_staff(3)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    assert campaign.figures()["failed"] == 1
    flaky.send = lambda message: None  # the gateway accepts the number now
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign.retry_failed() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert campaign.figures()["delivered"] == 3


def test_the_links_in_sent_messages_open_the_right_reminder(
    campaign, make_staff, outboxes, client, django_capture_on_commit_callbacks
):
    make_staff(3)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    for path in files(outboxes["sms"], "*.sms"):
        key, mobile = path.read_text().split("\t")[1:3]
        token = LINK.search(path.read_text()).group(1)
        d = Delivery.objects.get(message_key=key)
        assert d.staff.mobile == mobile
        assert client.get(f"/reminders/r/{token}/").status_code == 200
        d.refresh_from_db()
        assert d.state == Delivery.State.READ
