"""Sending a campaign in batches, resumable after a crash, without duplicates.

The protocol, per batch:

1. *Claim*: ``UPDATE delivery SET state='sending', claim_token=T, claimed_at=now WHERE id IN
   (...) AND (state='queued' OR (state='sending' AND claimed_at < now - lease))``. The WHERE
   clause is evaluated again under the row lock, so of two workers racing for the same rows each
   row goes to exactly one of them; each worker then reads back only the rows carrying its T.
2. *Send* each claimed message through its channel, with the delivery's ``message_key`` as the
   idempotency key.
3. *Record*: ``UPDATE ... SET state='sent' WHERE id IN (...) AND claim_token=T AND
   state='sending'``; the row count is checked, a shortfall means the lease was lost.

A worker killed between 1 and 3 leaves rows in 'sending'. When their lease runs out another
worker claims them again: an idempotent channel (the file backends) is simply asked again and
writes nothing twice; for any other channel the outcome is unknown, and the delivery is marked
failed with that reason instead of being sent a second time. Nothing is lost (every row ends
sent or failed with a reason) and nothing is duplicated.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sunshine.core import audit
from sunshine.reminders.channels import (
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
    open_channels,
)
from sunshine.reminders.models import Campaign, Channel, Delivery
from sunshine.reminders.placeholders import PlaceholderError, compose

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A worker that finds the remaining rows held by another worker waits this long at most for
# their lease to run out before leaving the rest to a later task.
MAX_INLINE_WAIT = 10.0


@task()
def send_campaign(campaign_id: int) -> dict:
    return run(campaign_id)


def enqueue(campaign_id: int, run_after: datetime | None = None) -> bool:
    """Hand the campaign to a worker, now or at ``run_after``.

    A backend that cannot defer (the immediate backend of the tests) gets nothing for a later
    time: ``reminders_resume`` (cron) hands over campaigns that have come due.
    """
    t = send_campaign
    if run_after is not None and run_after > timezone.now():
        if not t.get_backend().supports_defer:
            return False
        t = t.using(run_after=run_after)
    t.enqueue(campaign_id)
    return True


def _lease() -> timedelta:
    return timedelta(seconds=settings.REMINDERS_LEASE_SECONDS)


def _start_if_due(campaign: Campaign) -> bool:
    now = timezone.now()
    if campaign.status == Campaign.Status.SCHEDULED:
        if campaign.scheduled_at and campaign.scheduled_at > now:
            return False
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SCHEDULED).update(
            status=Campaign.Status.SENDING, started_at=now, heartbeat_at=now
        )
        campaign.refresh_from_db()
    return campaign.status == Campaign.Status.SENDING


def claim(campaign_id: int, size: int) -> tuple[str, list[Delivery], set[int]]:
    """Claim up to ``size`` deliveries; returns (token, rows, ids taken over from a dead worker)."""
    now = timezone.now()
    token = secrets.token_hex(8)
    claimable = Q(state=Delivery.State.QUEUED) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=now - _lease()
    )
    candidates = list(
        Delivery.objects.filter(claimable, campaign_id=campaign_id)
        .order_by("id")
        .values_list("id", "state")[:size]
    )
    if not candidates:
        return token, [], set()
    ids = [pk for pk, _state in candidates]
    taken_over = {pk for pk, state in candidates if state == Delivery.State.SENDING}
    Delivery.objects.filter(claimable, id__in=ids).update(
        state=Delivery.State.SENDING,
        claim_token=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    rows = list(
        Delivery.objects.filter(claim_token=token, state=Delivery.State.SENDING)
        .select_related("staff", "staff__organisation")
        .order_by("id")
    )
    return token, rows, taken_over & {d.id for d in rows}


def _record_sent(ids: list[int], token: str) -> None:
    if not ids:
        return
    n = Delivery.objects.filter(id__in=ids, claim_token=token, state=Delivery.State.SENDING).update(
        state=Delivery.State.SENT, sent_at=timezone.now(), claim_token="", handed_over_at=None
    )
    if n != len(ids):
        # Our lease ran out and another worker took the rows over; it re-sends them through an
        # idempotent channel or marks them failed, so nothing is lost or doubled.
        logger.warning("reminders: %d of %d sent rows were taken over", len(ids) - n, len(ids))


def _record_failed(d: Delivery, token: str, reason: str) -> None:
    Delivery.objects.filter(id=d.id, claim_token=token, state=Delivery.State.SENDING).update(
        state=Delivery.State.FAILED, failure_reason=reason[:200], claim_token=""
    )


def _requeue(d: Delivery, token: str, reason: str) -> None:
    Delivery.objects.filter(id=d.id, claim_token=token, state=Delivery.State.SENDING).update(
        state=Delivery.State.QUEUED,
        failure_reason=reason[:200],
        claim_token="",
        handed_over_at=None,
    )


def _renew(campaign_id: int, token: str) -> None:
    """Extend our lease during a long (rate-limited) batch, and show we are alive."""
    now = timezone.now()
    Delivery.objects.filter(claim_token=token, state=Delivery.State.SENDING).update(claimed_at=now)
    Campaign.objects.filter(pk=campaign_id).update(heartbeat_at=now)


def process(campaign: Campaign, token: str, rows, taken_over: set[int], channels) -> dict:
    sent_ids: list[int] = []
    failed = 0
    interval = settings.REMINDERS_SEND_INTERVAL_MS / 1000
    renew_every = settings.REMINDERS_LEASE_SECONDS / 3
    last_renew = time.monotonic()
    for d in rows:
        if time.monotonic() - last_renew > renew_every:
            _renew(campaign.pk, token)
            last_renew = time.monotonic()
        channel = channels[d.channel]
        if d.handed_over_at and not channel.idempotent:
            _record_failed(d, token, _("发送过程中断，是否已发出无法确认，请核实后再重发"))
            failed += 1
            continue
        to = d.staff.mobile if d.channel == Channel.SMS else d.staff.email
        if not to:
            _record_failed(d, token, _("收件人没有该渠道的联系方式"))
            failed += 1
            continue
        try:
            subject, body = compose(campaign, d.staff, d.read_token)
            if not channel.idempotent:
                Delivery.objects.filter(id=d.id, claim_token=token).update(
                    handed_over_at=timezone.now()
                )
            channel.send(OutgoingMessage(d.message_key, to, subject, body))
        except PlaceholderError as e:
            _record_failed(d, token, str(e))
            failed += 1
            continue
        except TemporaryFailure as e:
            if d.attempts >= MAX_ATTEMPTS:
                _record_failed(d, token, e.reason)
                failed += 1
            else:
                _requeue(d, token, e.reason)
            continue
        except PermanentFailure as e:
            _record_failed(d, token, e.reason)
            failed += 1
            continue
        if channel.idempotent:
            sent_ids.append(d.id)  # recorded per batch: a replay writes nothing twice
        else:
            _record_sent([d.id], token)  # recorded at once: keeps the unknown window small
        if interval:
            time.sleep(interval)
    _record_sent(sent_ids, token)
    return {"sent": len(sent_ids), "failed": failed}


def finish(campaign_id: int) -> bool:
    """Mark the campaign completed if nothing is left to send. True when nothing is left."""
    with transaction.atomic():
        # Lock the campaign first: "retry failed messages" requeues rows under the same lock,
        # so the check below cannot miss rows requeued by a transaction about to commit.
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if Delivery.objects.filter(campaign_id=campaign_id, state__in=Delivery.PENDING).exists():
            return False
        if campaign.status == Campaign.Status.SENDING:
            campaign.status = Campaign.Status.COMPLETED
            campaign.completed_at = timezone.now()
            campaign.save(update_fields=["status", "completed_at"])
            figures = campaign.figures()
            audit.record(
                "reminders.campaign_completed",
                campaign,
                payload={k: figures[k] for k in ("total", "delivered", "failed")},
            )
    return True


def run(campaign_id: int, *, batch_size: int | None = None) -> dict:
    """Send what is left of a campaign. Safe to run in several workers at once, and again."""
    campaign = Campaign.objects.select_related("district").get(pk=campaign_id)
    if not _start_if_due(campaign):
        return {"campaign": campaign_id, "status": campaign.status, "sent": 0}
    size = batch_size or settings.REMINDERS_BATCH_SIZE
    channels = open_channels()
    totals = {"sent": 0, "failed": 0}
    try:
        while True:
            token, rows, taken_over = claim(campaign_id, size)
            if rows:
                result = process(campaign, token, rows, taken_over, channels)
                totals["sent"] += result["sent"]
                totals["failed"] += result["failed"]
                Campaign.objects.filter(pk=campaign_id).update(heartbeat_at=timezone.now())
                logger.info(
                    "reminders: campaign %s batch of %d: %d sent, %d failed",
                    campaign_id,
                    len(rows),
                    result["sent"],
                    result["failed"],
                )
                continue
            if finish(campaign_id):
                break
            # Rows are held by another worker (alive, or dead with a lease still running).
            expiry = Delivery.objects.filter(
                campaign_id=campaign_id, state=Delivery.State.SENDING
            ).aggregate(m=Min("claimed_at"))["m"]
            if expiry is None:
                continue  # they were just requeued or finished
            wait = (expiry + _lease() - timezone.now()).total_seconds()
            if wait <= MAX_INLINE_WAIT:
                time.sleep(max(wait, 0) + 0.05)
                continue
            enqueue(campaign_id, run_after=expiry + _lease())
            break
    finally:
        for channel in channels.values():
            channel.close()
    return {"campaign": campaign_id, **totals}


def resume_stalled(now: datetime | None = None) -> list[int]:
    """Hand to a worker every campaign that is due or whose worker has gone quiet."""
    now = now or timezone.now()
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
    quiet = Campaign.objects.filter(status=Campaign.Status.SENDING, heartbeat_at__lt=now - _lease())
    ids = sorted(set(due.values_list("id", flat=True)) | set(quiet.values_list("id", flat=True)))
    for campaign_id in ids:
        enqueue(campaign_id)
    return ids
