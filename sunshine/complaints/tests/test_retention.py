"""Concluded complaints are purged with their files after the retention period; anonymous
statistics remain."""

from pathlib import Path

import pytest
from django.core.management import call_command

from sunshine.complaints.models import (
    Attachment,
    Complaint,
    ComplaintStatistic,
    Message,
    purge_expired,
)
from sunshine.complaints.stats import statistics
from sunshine.complaints.tests.conftest import PDF_BYTES, upload
from sunshine.core.audit_models import AuditEntry

pytestmark = pytest.mark.django_db


def test_it_purges_after_the_retention_period(
    file_complaint, inspector, zlj, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.COMPLAINTS_RETENTION_DAYS = 365
    time_machine.move_to("2025-07-01 09:00:00+08:00")
    done, _ = file_complaint(files=[upload("e.pdf", PDF_BYTES)])
    done.accept(by=inspector)
    done.reply(text="正在核查", by=inspector, files=[upload("r.pdf", PDF_BYTES)])
    done.conclude(findings="属实，已处理", by=inspector)
    still_open, _ = file_complaint(category=Complaint.Category.BRIBERY)
    files = [Path(settings.MEDIA_ROOT) / a.file.name for a in Attachment.objects.all()]
    assert len(files) == 2 and all(f.exists() for f in files)
    before = statistics(zlj.pk)

    time_machine.move_to("2026-06-30 09:00:00+08:00")  # 364 days later
    assert purge_expired() == 0

    time_machine.move_to("2026-07-02 09:00:00+08:00")
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        call_command("complaints_purge")
    assert list(Complaint.objects.all()) == [still_open]
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert not any(f.exists() for f in files)
    stat = ComplaintStatistic.objects.get()
    assert (stat.month.isoformat(), stat.category) == ("2025-07-01", "queue_jumping")
    assert (stat.received, stat.accepted, stat.concluded, stat.concluded_on_time) == (1, 1, 1, 1)
    # The dashboard figures do not change when the case itself is gone.
    after = statistics(zlj.pk)
    assert after["totals"]["received"] == before["totals"]["received"] == 2
    assert after["totals"]["concluded_on_time"] == 1
    purged = AuditEntry.objects.get(action="complaints.purged")
    assert purged.object_id == str(done.pk)
    assert purge_expired() == 0  # running again changes nothing


def test_open_complaints_are_never_purged(file_complaint, settings, time_machine):
    settings.COMPLAINTS_RETENTION_DAYS = 30
    time_machine.move_to("2024-01-02 09:00:00+08:00")
    file_complaint()
    time_machine.move_to("2026-01-02 09:00:00+08:00")
    assert purge_expired() == 0
    assert Complaint.objects.count() == 1
