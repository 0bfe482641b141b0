"""Correcting a final decision: the bureau only, with a reason, in the history and audit log."""

import pytest
from django.urls import reverse

from sunshine.core.models import AuditEntry
from sunshine.enrollment.models import Application, TransitionError

pytestmark = pytest.mark.django_db
S = Application.Status


def test_the_bureau_reopens_a_final_decision_with_a_reason(client, demo, make_application):
    application = make_application(status=S.INELIGIBLE)
    client.force_login(demo["bureau_zlj"])
    page = client.get(reverse("enrollment:application", args=[application.pk])).content.decode()
    assert reverse("enrollment:reopen", args=[application.pk]) in page
    response = client.post(
        reverse("enrollment:reopen", args=[application.pk]),
        {"reason": "户籍地址核实有误，重新审核"},
        follow=True,
    )
    assert "已重新进入审核" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    assert application.status_reason == "户籍地址核实有误，重新审核"
    review = application.reviews.get()
    assert (review.from_status, review.to_status, review.by) == (
        S.INELIGIBLE,
        S.UNDER_REVIEW,
        demo["bureau_zlj"],
    )
    entry = AuditEntry.objects.get(action="enrollment.application_reopened")
    assert entry.payload == {"from": S.INELIGIBLE, "to": S.UNDER_REVIEW, "school": "TML"}
    # Back under review, it can be decided again.
    application.decide(S.ELIGIBLE, "复核后符合条件", demo["bureau_zlj"])
    assert application.status == S.ELIGIBLE


def test_a_school_cannot_reopen(client, demo, make_application):
    application = make_application(status=S.ELIGIBLE)
    client.force_login(demo["school_tml"])
    page = client.get(reverse("enrollment:application", args=[application.pk])).content.decode()
    assert reverse("enrollment:reopen", args=[application.pk]) not in page
    response = client.post(reverse("enrollment:reopen", args=[application.pk]), {"reason": "想改"})
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE
    with pytest.raises(TransitionError):
        application.reopen("想改", demo["school_tml"])


def test_another_districts_bureau_gets_404(client, demo, make_application):
    application = make_application(status=S.ELIGIBLE)
    client.force_login(demo["bureau_qx"])
    response = client.post(reverse("enrollment:reopen", args=[application.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_it_requires_a_reason(client, demo, make_application):
    application = make_application(status=S.ELIGIBLE)
    client.force_login(demo["bureau_zlj"])
    response = client.post(
        reverse("enrollment:reopen", args=[application.pk]), {"reason": "  "}, follow=True
    )
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE
    with pytest.raises(TransitionError, match="必须填写理由"):
        application.reopen("", demo["bureau_zlj"])


def test_it_reopens_only_final_decisions(demo, make_application):
    application = make_application(status=S.UNDER_REVIEW)
    with pytest.raises(TransitionError, match="只有"):
        application.reopen("更正", demo["bureau_zlj"])
    assert not application.reviews.exists()
