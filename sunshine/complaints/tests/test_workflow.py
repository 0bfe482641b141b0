"""Triage and handling: accept, forward, merge, reject, reply, conclude; every step audited."""

from datetime import date

import pytest
from django.urls import reverse

from sunshine.complaints.models import Complaint, ComplaintError, Message
from sunshine.core.audit_models import AuditEntry

pytestmark = pytest.mark.django_db


def actions_for(complaint) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="complaints.complaint", object_id=str(complaint.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_acknowledgement_is_due_one_working_day_after_receipt(file_complaint, time_machine):
    time_machine.move_to("2025-09-30 16:00:00+08:00")
    complaint, _ = file_complaint()
    assert complaint.ack_due == date(2025, 10, 9)  # National Day holiday in between


def test_accepting_in_enrolment_season_gives_fifteen_working_days(
    file_complaint, inspector, time_machine
):
    time_machine.move_to("2025-09-29 09:00:00+08:00")
    complaint, _ = file_complaint()
    complaint.accept(by=inspector)
    assert complaint.status == Complaint.Status.ACCEPTED
    assert complaint.conclude_due == date(2025, 10, 27)


def test_outside_the_season_the_normal_limit_applies(
    file_complaint, inspector, time_machine, settings
):
    settings.COMPLAINTS_CONCLUDE_WORKING_DAYS = 20
    time_machine.move_to("2025-11-03 09:00:00+08:00")  # Monday
    complaint, _ = file_complaint()
    complaint.accept(by=inspector)
    assert complaint.conclude_due == date(2025, 12, 1)


def test_the_whole_fast_track(client, file_complaint, inspector, tml, demo):
    complaint, _ = file_complaint()
    client.force_login(inspector)
    client.post(reverse("complaints:accept", args=[complaint.pk]))
    client.post(
        reverse("complaints:forward", args=[complaint.pk]), {"to": tml.pk, "note": "请学校自查"}
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.FORWARDED and complaint.handler_org == tml
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]), {"text": "学校已自查，情况说明如下。"}
    )
    assert response.status_code == 302
    client.force_login(inspector)
    client.post(
        reverse("complaints:conclude", args=[complaint.pk]),
        {"findings": "经查属实，已责令退还并约谈相关教师。"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CONCLUDED
    assert complaint.concluded_on_time
    assert complaint.findings == "经查属实，已责令退还并约谈相关教师。"
    assert actions_for(complaint) == [
        "complaints.received",
        "complaints.accepted",
        "complaints.forwarded",
        "complaints.replied",
        "complaints.concluded",
    ]
    kinds = list(complaint.messages.values_list("kind", flat=True))
    assert kinds == [Message.Kind.NOTE, Message.Kind.REPLY]


def test_it_rejects_with_a_reason_the_reporter_reads(client, file_complaint, inspector):
    complaint, code = file_complaint()
    client.force_login(inspector)
    client.post(
        reverse("complaints:reject", args=[complaint.pk]), {"reason": "不属于本机关受理范围。"}
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REJECTED
    client.logout()
    response = client.post(reverse("complaints:follow"), {"receipt": code})
    assert "不属于本机关受理范围。" in response.content.decode()
    assert "complaints.rejected" in actions_for(complaint)


def test_a_rejection_needs_a_reason(file_complaint, inspector):
    complaint, _ = file_complaint()
    with pytest.raises(ComplaintError):
        complaint.reject(reason="  ", by=inspector)


def test_it_merges_duplicates(client, file_complaint, inspector):
    first, _ = file_complaint()
    second, code = file_complaint(text="同一件事：有人收钱插队。")
    client.force_login(inspector)
    client.post(reverse("complaints:merge", args=[second.pk]), {"into": first.pk})
    second.refresh_from_db()
    assert second.status == Complaint.Status.MERGED and second.merged_into == first
    first.accept(by=inspector)
    first.conclude(findings="已查处。", by=inspector)
    client.logout()
    html = client.post(reverse("complaints:follow"), {"receipt": code}).content.decode()
    assert "合并办理" in html and "已查处。" in html


def test_it_will_not_merge_into_itself_or_a_closed_case(file_complaint, inspector):
    first, _ = file_complaint()
    second, _ = file_complaint()
    with pytest.raises(ComplaintError):
        first.merge_into(first, by=inspector)
    first.reject(reason="重复", by=inspector)
    with pytest.raises(ComplaintError):
        second.merge_into(first, by=inspector)


def test_a_step_out_of_order_is_refused_with_a_message(client, file_complaint, inspector):
    complaint, _ = file_complaint()
    complaint.reject(reason="不属实", by=inspector)
    client.force_login(inspector)
    response = client.post(reverse("complaints:accept", args=[complaint.pk]), follow=True)
    assert "只有待受理的举报可以受理" in response.content.decode()


def test_a_closed_case_takes_no_more_information(file_complaint, inspector):
    complaint, _ = file_complaint()
    complaint.reject(reason="不属实", by=inspector)
    with pytest.raises(ComplaintError):
        complaint.add_information(text="再补充一点")


def test_the_detail_page_shows_the_case_to_the_inspector(client, file_complaint, inspector):
    complaint, _ = file_complaint()
    client.force_login(inspector)
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    html = response.content.decode()
    assert complaint.text in html and complaint.number in html
    assert "受理" in html
