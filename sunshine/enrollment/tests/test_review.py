import pytest

from sunshine.core.audit_models import AuditEntry
from sunshine.enrollment.models import Application, TransitionError

pytestmark = pytest.mark.django_db
S = Application.Status


def test_it_walks_submitted_under_review_eligible(make_application, demo):
    application = make_application()
    reviewer = demo["school_tml"]
    application.decide(S.UNDER_REVIEW, "", reviewer)
    application.decide(S.ELIGIBLE, "材料齐全", reviewer)
    application.refresh_from_db()
    assert application.status == S.ELIGIBLE
    assert application.status_reason == "材料齐全"
    assert application.decided_by == reviewer
    history = [(r.from_status, r.to_status, r.reason) for r in application.reviews.all()]
    assert history == [
        (S.SUBMITTED, S.UNDER_REVIEW, ""),
        (S.UNDER_REVIEW, S.ELIGIBLE, "材料齐全"),
    ]
    entries = AuditEntry.objects.filter(action="enrollment.application_decided")
    assert [e.payload["to"] for e in entries.order_by("seq")] == [S.UNDER_REVIEW, S.ELIGIBLE]
    assert all(application.applicant.id_number not in str(e.payload) for e in entries)


def test_it_goes_back_under_review_after_more_documents(make_application, demo):
    application = make_application(status=S.UNDER_REVIEW)
    application.decide(S.NEEDS_DOCUMENTS, "缺房产证明", demo["school_tml"])
    application.decide(S.UNDER_REVIEW, "已补交", demo["school_tml"])
    application.decide(S.INELIGIBLE, "不在学区", demo["school_tml"])
    assert Application.objects.get(pk=application.pk).status == S.INELIGIBLE


@pytest.mark.parametrize("old", S.values)
@pytest.mark.parametrize("new", S.values)
def test_it_allows_exactly_the_state_machine(make_application, demo, old, new):
    application = make_application(status=old)
    allowed = new in Application.TRANSITIONS[old]
    if allowed:
        application.decide(new, "理由", demo["bureau_zlj"])
        assert Application.objects.get(pk=application.pk).status == new
    else:
        with pytest.raises(TransitionError):
            application.decide(new, "理由", demo["bureau_zlj"])
        assert Application.objects.get(pk=application.pk).status == old
        assert not application.reviews.exists()


@pytest.mark.parametrize("decision", [S.ELIGIBLE, S.INELIGIBLE, S.NEEDS_DOCUMENTS])
@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason_for_every_decision(make_application, demo, decision, reason):
    application = make_application(status=S.UNDER_REVIEW)
    with pytest.raises(TransitionError) as exc:
        application.decide(decision, reason, demo["school_tml"])
    assert exc.value.code == "reason_required"
    assert Application.objects.get(pk=application.pk).status == S.UNDER_REVIEW


def test_final_decisions_cannot_be_changed(make_application, demo):
    application = make_application(status=S.ELIGIBLE)
    assert application.allowed_next() == []
    with pytest.raises(TransitionError):
        application.decide(S.INELIGIBLE, "改判", demo["school_tml"])
