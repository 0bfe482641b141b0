"""Who sees what: inspection its district; a school or the bureau only what is forwarded to it;
the reporter's identity only after a second officer approves."""

import pytest
from django.urls import reverse

from sunshine.complaints.models import Complaint, ComplaintError, IdentityRequest
from sunshine.core.audit_models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_school_never_sees_a_complaint_about_itself(client, file_complaint, demo):
    complaint, _ = file_complaint()  # about 檀木林小学
    school = demo["school_tml"]
    assert not Complaint.objects.visible_to(school).exists()
    client.force_login(school)
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert complaint.number not in client.get(reverse("complaints:index")).content.decode()


def test_a_school_sees_it_once_forwarded_but_never_the_identity(
    client, file_complaint, inspector, tml, demo
):
    complaint, _ = file_complaint(reporter_name="王家长", reporter_phone="13800001111")
    complaint.forward(to=tml, by=inspector)
    school = demo["school_tml"]
    client.force_login(school)
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert complaint.text in html
    assert "王家长" not in html and "13800001111" not in html
    assert client.get(reverse("complaints:identity", args=[complaint.pk])).status_code == 403
    with pytest.raises(ComplaintError):
        complaint.identity_for(school)
    # The other school sees nothing; nor may the handler triage.
    client.force_login(demo["school_tks"])
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    client.force_login(school)
    assert client.post(reverse("complaints:accept", args=[complaint.pk])).status_code == 403


def test_the_bureau_sees_only_what_is_forwarded_to_it(
    client, file_complaint, inspector, bureau, demo
):
    kept, _ = file_complaint()
    forwarded, _ = file_complaint()
    forwarded.forward(to=bureau, by=inspector)
    assert list(Complaint.objects.visible_to(demo["bureau_zlj"])) == [forwarded]
    client.force_login(demo["bureau_zlj"])
    assert client.get(reverse("complaints:detail", args=[kept.pk])).status_code == 404
    assert client.get(reverse("complaints:detail", args=[forwarded.pk])).status_code == 200


def test_inspection_sees_only_its_own_district(client, file_complaint, demo):
    complaint, _ = file_complaint()
    client.force_login(demo["inspector_qx1"])
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404


@pytest.mark.parametrize("username", ["admin", "notary_zlj", "parent"])
def test_other_roles_are_refused(client, file_complaint, demo, username):
    complaint, _ = file_complaint()
    client.force_login(demo[username])
    assert client.get(reverse("complaints:index")).status_code == 403
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, file_complaint):
    complaint, _ = file_complaint()
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_attachments_are_downloaded_only_by_those_who_see_the_case(client, file_complaint, demo):
    from sunshine.complaints.tests.conftest import PDF_BYTES, upload

    complaint, _ = file_complaint(files=[upload("x.pdf", PDF_BYTES)])
    att = complaint.attachments.get()
    client.force_login(demo["school_tml"])
    assert client.get(reverse("complaints:attachment", args=[att.pk])).status_code == 404
    client.force_login(demo["inspector_zlj"])
    response = client.get(reverse("complaints:attachment", args=[att.pk]))
    assert response.content == PDF_BYTES
    assert "x.pdf" not in response["Content-Disposition"]


def test_identity_needs_a_second_named_officer(client, file_complaint, inspector, second_inspector):
    complaint, _ = file_complaint(reporter_name="王家长", reporter_phone="13800001111")
    client.force_login(inspector)
    assert client.get(reverse("complaints:identity", args=[complaint.pk])).status_code == 302
    client.post(
        reverse("complaints:identity_request", args=[complaint.pk]),
        {"reason": "需要当面核实细节"},
    )
    req = IdentityRequest.objects.get()
    # Approving one's own request is refused, in the model and in the database.
    with pytest.raises(ComplaintError):
        req.decide(by=inspector, approve=True)
    client.post(
        reverse("complaints:identity_decide", args=[complaint.pk, req.pk]), {"decision": "approve"}
    )
    req.refresh_from_db()
    assert req.status == IdentityRequest.Status.PENDING
    client.force_login(second_inspector)
    client.post(
        reverse("complaints:identity_decide", args=[complaint.pk, req.pk]), {"decision": "approve"}
    )
    req.refresh_from_db()
    assert req.status == IdentityRequest.Status.APPROVED and req.decided_by == second_inspector
    # The approver does not see it (they did not ask); the requester does, and it is audited.
    assert client.get(reverse("complaints:identity", args=[complaint.pk])).status_code == 302
    client.force_login(inspector)
    response = client.get(reverse("complaints:identity", args=[complaint.pk]))
    assert "王家长" in response.content.decode() and "13800001111" in response.content.decode()
    viewed = AuditEntry.objects.get(action="complaints.identity_viewed")
    assert viewed.actor == inspector and viewed.payload["approved_by"] == second_inspector.pk
    assert "王家长" not in str(viewed.payload)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"complaints.identity_requested", "complaints.identity_approved"} <= actions


def test_the_database_refuses_self_approval(file_complaint, inspector):
    from django.db import IntegrityError

    complaint, _ = file_complaint(reporter_name="王家长")
    req = IdentityRequest.ask(complaint, by=inspector, reason="核实")
    with pytest.raises(IntegrityError):
        IdentityRequest.objects.filter(pk=req.pk).update(decided_by=inspector)


def test_an_anonymous_complaint_has_no_identity_to_request(file_complaint, inspector):
    complaint, _ = file_complaint()
    with pytest.raises(ComplaintError):
        IdentityRequest.ask(complaint, by=inspector, reason="核实")


def test_the_list_costs_the_same_queries_for_many_complaints(
    client, file_complaint, inspector, django_assert_max_num_queries
):
    for _ in range(12):
        file_complaint()
    client.force_login(inspector)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:index"))
    assert response.content.decode().count("JB") >= 12
